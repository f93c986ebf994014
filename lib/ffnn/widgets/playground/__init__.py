"""The playground: a TensorFlow-Playground-style demo that trains live on ffnn's kernels.

Three layers, each testable on its own:

- ``model.Playground``: data, input features, network, optimizer, one training epoch per
  ``step()``, and every view as plain arrays.
- ``view.PlaygroundView``: draws a Playground on its own matplotlib Agg figure, updating
  its artists in place, and encodes a frame as PNG bytes.
- ``ui.PlaygroundUI`` (built by ``playground_ui()``): ipywidgets controls around both.
"""

from .model import DATASETS, FEATURES, Playground
from .ui import PlaygroundUI, playground_ui
from .view import PlaygroundView

__all__ = ["DATASETS", "FEATURES", "Playground", "PlaygroundUI", "PlaygroundView", "playground_ui"]
