"""Interactive widgets (ipywidgets + matplotlib) for the course notebooks.

One module per notebook topic -- neuron (01), activations (02), approximation (03),
outputs (04), backprop (05), descent (06, 07), initialization (08), regularization (09),
evaluation (10) -- each with pure logic the tests call headless, a view class that draws its
figure and updates the artists in place, a figure function for the notebooks' own plots and
a ``*_ui()`` function for the widget. ``controls`` holds what they share: control
specifications, the live figure (redraws only what changed, sends PNG frames to an
ipywidgets.Image whose title is the figure's alt text), results computed once per setting,
and the static switch. ``playground/`` (model, view, ui) is the TensorFlow-Playground-style
demo of notebook 11.

With FFNN_STATIC_WIDGETS=1 (the course website) a widget shows a picture of its figure at
its initial settings, with alt text and a note, and creates no ipywidgets model.

Importing a widget module imports neither matplotlib.pyplot nor ipywidgets: the figure
functions import pyplot when they draw (the notebooks' inline backend shows their figures),
and the widgets draw on their own Agg figures. The package is imported on demand, so
``import ffnn`` stays cheap.
"""
