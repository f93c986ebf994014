"""Interactive widgets (ipywidgets + matplotlib) for the course notebooks.

One module per notebook topic -- neuron (01), activations (02), approximation (03),
outputs (04), backprop (05), descent (06, 07), initialization (08), regularization (09),
evaluation (10) -- each with pure logic the tests call headless, figure functions and a thin
ipywidgets layer; ``controls`` holds the builders they share. ``playground/`` (model, view,
ui) is the TensorFlow-Playground-style demo of notebook 11.

Importing a widget module does not import matplotlib.pyplot: the figure functions import it
when they draw (the notebooks' inline backend shows their figures), and the playground draws
on its own Agg figure. The package is imported on demand, so ``import ffnn`` stays cheap.
"""
