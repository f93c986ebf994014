"""The playground in ipywidgets: controls for every setting, play/pause/step/reset, the live
figure. Play runs an asyncio task that yields to the kernel between frames, so the controls
stay live while it trains."""

import asyncio
import os
from functools import partial

import ipywidgets as W

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
    changes nothing.
    """

    def __init__(self, pg=None, export_dir="."):
        self.pg = pg or Playground()
        self.view = PlaygroundView(self.pg)
        self.export_dir = export_dir
        self.task = None  # the play loop, while it runs
        self.controls = self._setting_controls()
        self.features = {
            f: W.Checkbox(value=f in self.pg.features, description=FEATURE_LABELS[f],
                          indent=False, layout=W.Layout(width="80px"))
            for f in FEATURES
        }  # fmt: skip
        self.buttons = {
            "play": W.ToggleButton(value=False, description="play", icon="play",
                                   layout=W.Layout(width="90px")),
            "step": W.Button(description="step", icon="step-forward",
                             layout=W.Layout(width="80px")),
            "reset": W.Button(description="reset", icon="refresh", layout=W.Layout(width="80px")),
            "add_layer": W.Button(description="+ layer", layout=W.Layout(width="75px")),
            "remove_layer": W.Button(description="− layer", layout=W.Layout(width="75px")),
            "save_weights": W.Button(description="save weights", icon="download"),
            "save_figure": W.Button(description="save figure", icon="image"),
        }  # fmt: skip
        self.units = W.HBox()
        self.readout = W.Label(value=self.pg.readout())
        self.status = W.Label(value="")
        self.image = W.Image(value=self.view.png(), format="png", layout=W.Layout(width="100%"))
        self._connect()
        self.show_units()
        self.widget = self._layout()

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)

    # ------------------------------------------------------------------ building
    def _setting_controls(self):
        """A widget per setting showing its current value; sliders act on release."""
        pg, lay, style = self.pg, W.Layout(width="210px"), {"description_width": "85px"}

        def control(kind, name, description, **options):
            if kind is not W.Dropdown and kind is not W.BoundedIntText:
                options["continuous_update"] = False
            return kind(value=getattr(pg, name), description=description, layout=lay,
                        style=style, **options)  # fmt: skip

        D, F = W.Dropdown, W.FloatSlider
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
            "batch_size": control(W.IntSlider, "batch_size", "batch size", min=1, max=30),
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
        """Move the figure to the model's state and show the new frame and readout."""
        self.view.update()
        self.image.value = self.view.png()
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
            self.pg.step()
            self.redraw()
            await asyncio.sleep(0.005)  # hand the kernel back to the controls between frames

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
