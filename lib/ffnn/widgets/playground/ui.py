"""The playground in ipywidgets: controls for every setting, play/pause/step/reset, the live
figure. Play runs an asyncio task that yields to the kernel between frames, so the controls
stay live while it trains. With FFNN_STATIC_WIDGETS=1 (the course website) it shows a
picture of its figure with alt text and a note instead, and creates no widget model."""

import asyncio
import html
import os
import time
from functools import partial

import ipywidgets as W
from traitlets import Unicode

from ..controls import STATIC_DPI, STATIC_NOTE, img_html, static_mode
from ..slider import IntSlider, Slider
from .model import (
    ACTIVATIONS,
    DATASETS,
    FEATURE_LABELS,
    FEATURES,
    INITS,
    MAX_UNITS,
    OPTIMIZERS,
    REGULARIZATION,
    Playground,
)
from .view import PlaygroundView

LEARNING_RATES = (1e-5, 1e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)  # as in TF's
REG_RATES = (0.0, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
FRAME_INTERVAL = 1 / 60  # play shows at most 60 frames/s: faster ones would queue in the browser


class FigureImage(W.Image):
    """An Image whose ``tooltip`` becomes the img's title, its text alternative.

    ipywidgets 8's front end sets the title from the tooltip only when the model's
    description is empty, and fails to show a model that has none (as Image has not):
    "Cannot read properties of undefined (reading 'length')". This one syncs an empty one.
    """

    description = Unicode("", help="always empty: lets the front end show the tooltip").tag(
        sync=True
    )


def log_options(values, current):
    """Dropdown options (label, value), with the current value added if it is not a preset."""
    return [(f"{v:g}", v) for v in sorted({*values, current})]


class PlaygroundUI:
    """Controls wired to a Playground (the model) and a PlaygroundView (its figure).

    Displaying a PlaygroundUI displays ``widget``, the top-level box. ``controls``: the
    setting widgets by setting name; ``features``: a checkbox per input feature;
    ``buttons``: play, step, reset, add_layer, remove_layer, save_weights, save_figure;
    ``units``: one box per hidden layer; ``readout``, ``status``, ``image``: what it shows.
    Every change goes through ``apply``: a refused value shows in the status line and
    changes nothing. The image's tooltip (its title, read as alt text) says in words what
    the figure shows. In static mode (FFNN_STATIC_WIDGETS=1) only ``pg`` and ``view``
    exist (``widget`` is None) and displaying shows ``static_html()``.
    """

    def __init__(self, pg=None, export_dir="."):
        self.pg = pg or Playground()
        self.view = PlaygroundView(self.pg)
        self.export_dir = export_dir
        self.task = None  # the play loop, while it runs
        self.widget = None
        if static_mode():
            return
        self.controls = self._setting_controls()
        self.features = {
            f: W.Checkbox(value=f in self.pg.features, description=FEATURE_LABELS[f],
                          indent=False, layout=W.Layout(width="80px"),
                          tooltip=f"input feature {FEATURE_LABELS[f]}")
            for f in FEATURES
        }  # fmt: skip
        button = partial(W.Button, layout=W.Layout(width="auto"))
        self.buttons = {
            "play": W.ToggleButton(value=False, description="play", icon="play",
                                   tooltip="train continuously, one epoch per frame",
                                   layout=W.Layout(width="90px")),
            "step": button(description="step", icon="step-forward", tooltip="train one epoch"),
            "reset": button(description="reset", icon="refresh",
                            tooltip="new weights (same seed), back to epoch 0"),
            "add_layer": button(description="+ layer", tooltip="add a hidden layer"),
            "remove_layer": button(description="− layer", tooltip="remove the last hidden layer"),
            "save_weights": button(description="save weights", icon="download",
                                   tooltip="save the weights as playground_weights.npz"),
            "save_figure": button(description="save figure", icon="image",
                                  tooltip="save the figure as playground.png"),
        }  # fmt: skip
        self.units = W.HBox()
        self.readout = W.Label(value=self.pg.readout())
        self.status = W.Label(value="")
        self.image = FigureImage(value=self.view.png(), format="png",
                                 tooltip=self.view.describe(),
                                 layout=W.Layout(width="100%"))  # fmt: skip
        self._connect()
        self.show_units()
        self.widget = self._layout()

    # ------------------------------------------------------------------ display
    def static_html(self):
        """The figure as a picture with alt text, and a note pointing to the live version."""
        png = self.view.snapshot(dpi=STATIC_DPI)
        note = f"<p><em>{html.escape(STATIC_NOTE)}</em></p>"
        return (
            f'<div class="ffnn-static-widget ffnn-playground-static">'
            f"{img_html(png, self.view.describe())}{note}</div>"
        )

    def _ipython_display_(self):
        from IPython.display import display

        if self.widget is None:
            display({"text/html": self.static_html(), "text/plain": STATIC_NOTE}, raw=True)
        else:
            display(self.widget)

    # ------------------------------------------------------------------ building
    def _setting_controls(self):
        """A widget per setting showing its current value; sliders act on release."""
        pg, lay, style = self.pg, W.Layout(width="240px"), {"description_width": "105px"}

        def control(kind, name, description, **options):
            if kind in (Slider, IntSlider):  # labelled range inputs (ffnn.widgets.slider)
                return kind(value=getattr(pg, name), description=description, **options)
            return kind(value=getattr(pg, name), description=description, layout=lay,
                        style=style, **options)  # fmt: skip

        D, F = W.Dropdown, Slider
        return {
            "dataset": control(D, "dataset", "data", options=DATASETS),
            "noise": control(F, "noise", "noise", min=0, max=1, step=0.05),
            "train_fraction": control(F, "train_fraction", "train share", min=0.1, max=0.9,
                                      step=0.1),
            "activation": control(D, "activation", "activation", options=ACTIVATIONS),
            "lr": control(D, "lr", "learning rate", options=log_options(LEARNING_RATES, pg.lr)),
            "regularization": control(D, "regularization", "regularization",
                                      options=REGULARIZATION),
            "reg_rate": control(D, "reg_rate", "reg. rate",
                                options=log_options(REG_RATES, pg.reg_rate)),
            "batch_size": control(IntSlider, "batch_size", "batch size", min=1, max=30),
            "optimizer": control(D, "optimizer", "optimizer", options=OPTIMIZERS),
            "init": control(D, "init", "init", options=INITS),
            "loss": control(D, "loss", "loss", options=("bce", "squared")),
            "seed": control(W.BoundedIntText, "seed", "seed", min=0, max=99_999),
        }  # fmt: skip

    def _connect(self):
        for name, widget in self.controls.items():
            widget.observe(partial(self._on_setting, name), "value")
        for box in self.features.values():
            box.observe(self._on_feature, "value")
        b = self.buttons
        b["play"].observe(self._on_play, "value")
        b["step"].on_click(lambda _: self.apply(self.pg.step))
        b["reset"].on_click(lambda _: self.apply(self.pg.reset))
        b["add_layer"].on_click(lambda _: self.change_layers(self.pg.add_layer))
        b["remove_layer"].on_click(lambda _: self.change_layers(self.pg.remove_layer))
        b["save_weights"].on_click(lambda _: self.export("weights"))
        b["save_figure"].on_click(lambda _: self.export("figure"))

    def _layout(self):
        c, b = self.controls, self.buttons
        left = W.VBox([c[k] for k in ("dataset", "noise", "train_fraction", "seed")])
        mid = W.VBox([c[k] for k in ("activation", "init", "optimizer", "lr", "loss")])
        right = W.VBox([c[k] for k in ("regularization", "reg_rate", "batch_size")])
        box = W.VBox(
            [
                W.HBox([b["play"], b["step"], b["reset"], self.readout]),
                W.HBox([left, mid, right]),
                W.HBox([W.Label("features:"), *self.features.values()]),
                W.HBox([W.Label("hidden layers:"), b["add_layer"], b["remove_layer"], self.units]),
                self.image,
                W.HBox([b["save_weights"], b["save_figure"], self.status]),
            ]
        )
        box.add_class("ffnn-playground")
        return box

    # ------------------------------------------------------------------ actions
    def redraw(self):
        """Move the figure to the model's state and show the new frame, its text alternative
        and the readout (an unchanged frame is not sent again)."""
        self.view.update()
        frame = self.view.png()
        with self.image.hold_sync():  # one message for the picture and its text
            self.image.value = frame
            self.image.tooltip = self.view.describe()
        self.readout.value = self.pg.readout()

    def apply(self, action):
        """Run a change of the model; a ValueError shows in the status line, nothing changes."""
        try:
            action()
        except ValueError as error:
            self.status.value = f"not applied: {error}"
            return False
        self.status.value = ""
        self.redraw()
        return True

    def change_layers(self, action):
        """Add or remove a hidden layer, then rebuild the units boxes."""
        if self.apply(action):
            self.show_units()

    def show_units(self):
        """One box per hidden layer holding its number of units."""
        boxes = []
        for l, n in enumerate(self.pg.hidden):
            box = W.BoundedIntText(value=n, min=1, max=MAX_UNITS, description=f"layer {l + 1}",
                                   layout=W.Layout(width="130px"),
                                   style={"description_width": "50px"})  # fmt: skip
            box.observe(partial(self._on_units, l), "value")
            boxes.append(box)
        self.units.children = boxes

    def export(self, kind):
        """Save the weights (.npz) or the figure (.png) into export_dir."""
        if kind == "weights":
            path = self.pg.export_weights(os.path.join(self.export_dir, "playground_weights.npz"))
        else:
            path = self.view.export(os.path.join(self.export_dir, "playground.png"))
        self.status.value = f"saved {path}"

    async def play(self):
        """Train and redraw, one epoch per frame, while the play button is down."""
        while self.buttons["play"].value:
            start = time.perf_counter()
            self.pg.step()
            self.redraw()
            # hand the kernel back to the controls between frames
            await asyncio.sleep(max(FRAME_INTERVAL - (time.perf_counter() - start), 0.002))

    # ------------------------------------------------------------------ observers
    def _on_setting(self, name, change):
        self.apply(lambda: self.pg.set(**{name: change["new"]}))

    def _on_feature(self, change):
        self.apply(lambda: self.pg.set(features=[f for f, b in self.features.items() if b.value]))

    def _on_units(self, layer, change):
        self.apply(lambda: self.pg.set_units(layer, change["new"]))

    def _on_play(self, change):
        button = self.buttons["play"]
        button.description = button.icon = "pause" if change["new"] else "play"
        if change["new"] and (self.task is None or self.task.done()):  # one loop, however clicked
            self.task = asyncio.ensure_future(self.play())


def playground_ui(pg=None, export_dir="."):
    """The playground for ``pg`` (a default Playground if None): a PlaygroundUI to display."""
    return PlaygroundUI(pg, export_dir)
