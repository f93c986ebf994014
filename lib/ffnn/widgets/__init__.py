"""Interactive widgets (ipywidgets + matplotlib) for the course notebooks.

``ffnn.widgets.lectures``: one small UI per lecture topic, each built on a plain
function that the tests call headless. ``ffnn.widgets.playground``: the
TensorFlow-Playground-style demo training live on the library's kernels.
Imported lazily so that ``import ffnn`` stays cheap.
"""
