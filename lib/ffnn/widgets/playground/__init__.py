"""The playground: a TensorFlow-Playground-style demo that trains live on ffnn's kernels.

Three layers, each testable on its own:

- ``model.Playground``: data, input features, network, optimizer, one training epoch per
  ``step()``, and every view as plain arrays.
- ``view.PlaygroundView``: draws a Playground on its own matplotlib Agg figure, updating
  its artists in place; a live frame is the cached axes with the moving artists and the
  heat maps (computed here from the kernels' output) composed over them, encoded as PNG.
- ``ui.PlaygroundUI`` (built by ``playground_ui()``): ipywidgets controls around both; with
  FFNN_STATIC_WIDGETS=1 a picture with alt text instead (no widget model).
"""

from .model import DATASETS, FEATURES, Playground
from .ui import PlaygroundUI, playground_ui
from .view import PlaygroundView

__all__ = ["DATASETS", "FEATURES", "Playground", "PlaygroundUI", "PlaygroundView", "playground_ui"]
