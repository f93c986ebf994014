"""The playground: a TensorFlow-Playground-style demo that trains live on ffnn's kernels.

Three layers, each testable on its own:

- ``Playground``: the model -- data, input features, network, optimizer, one training
  epoch per ``step()`` (``ffnn.train.fit``), and every view as plain arrays.
- ``PlaygroundView``: draws a Playground with matplotlib (Agg), updating its artists in
  place, and encodes a frame as PNG bytes.
- ``playground_ui()``: ipywidgets controls around both; play runs an asyncio task that
  yields to the kernel between frames, so the controls stay live while it trains.

Coordinates: every data set lives in (about) the square [-1, 1]^2 (TensorFlow Playground
uses [-6, 6]^2), so the periodic features are sin(pi x) rather than sin(x).
"""

import asyncio
import io

import numpy as np

from .. import datasets, optim
from .._checks import in_range, lookup, positive, positive_int
from ..layers import backprop
from ..network import MLP
from ..train import fit

EXTENT = 1.5  # the views show [-EXTENT, EXTENT]^2

DATASETS = ("circle", "xor", "gaussian", "spiral", "regression")

FEATURES = {
    "x1": lambda x1, x2: x1,
    "x2": lambda x1, x2: x2,
    "x1^2": lambda x1, x2: x1 * x1,
    "x2^2": lambda x1, x2: x2 * x2,
    "x1*x2": lambda x1, x2: x1 * x2,
    "sin(x1)": lambda x1, x2: np.sin(np.pi * x1),
    "sin(x2)": lambda x1, x2: np.sin(np.pi * x2),
}
FEATURE_LABELS = {
    "x1": "x₁", "x2": "x₂", "x1^2": "x₁²", "x2^2": "x₂²", "x1*x2": "x₁x₂",
    "sin(x1)": "sin πx₁", "sin(x2)": "sin πx₂",
}  # fmt: skip

ACTIVATIONS = ("tanh", "relu", "sigmoid", "leaky_relu", "elu", "identity")
OPTIMIZERS = ("sgd", "momentum", "adam")
INITS = ("xavier", "he", "gaussian", "xavier_uniform", "he_uniform")
REGULARIZATION = ("none", "L1", "L2")
MAX_LAYERS, MAX_UNITS = 6, 8
LEARNING_RATES = (1e-5, 1e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)  # as in TF's
REG_RATES = (0.0, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)

# settings that keep the weights when changed (the optimizer is rebuilt, its state reset);
# every other change rebuilds data and/or network and starts again from epoch 0
TRAINING = ("lr", "regularization", "reg_rate", "batch_size", "optimizer")
DATA = ("dataset", "noise", "train_fraction", "n_points")


def make_data(name, n, noise, seed):
    """(X, t) for a playground data set, inside about [-1, 1]^2."""
    name = lookup({d: d for d in DATASETS}, name, "data set")
    if name == "circle":
        return datasets.circles(n, noise=0.3 * noise, factor=0.45, seed=seed)
    if name == "xor":
        return datasets.quadrants(n, noise=0.3 * noise, seed=seed)
    if name == "gaussian":
        X, t = datasets.gaussians(n, noise=0.25 + noise, seed=seed)
        return X / 3.0, t
    if name == "spiral":
        return datasets.spirals(n, noise=2.0 * noise, turns=1.25, seed=seed)
    return datasets.surface(n, noise=0.5 * noise, seed=seed)


def feature_matrix(X, features):
    """The network's inputs: one column per named feature of the points X (n, 2)."""
    x1, x2 = X[:, 0], X[:, 1]
    return np.ascontiguousarray(np.column_stack([FEATURES[f](x1, x2) for f in features]))


class Playground:
    """Everything the playground shows, as a headless model.

    >>> pg = Playground(dataset="xor", hidden=[4, 2], seed=1)
    >>> pg.step(10); pg.train_loss[-1], pg.test_loss[-1]
    >>> pg.set(lr=0.1)                 # keeps the weights; pg.set(dataset="spiral") restarts

    ``hidden``: units per hidden layer. ``loss``: "bce" (cross-entropy, sigmoid output) or
    "squared" for classification; regression always uses "squared" with a linear output.
    ``regularization`` "L1"/"L2" adds reg_rate * sign(w) / reg_rate * w to dL/dw (weights
    only, ffnn.optim's l1/weight_decay). The same settings and seed give the same run.
    """

    def __init__(
        self,
        dataset="circle",
        noise=0.0,
        train_fraction=0.5,
        features=("x1", "x2"),
        hidden=(4, 2),
        activation="tanh",
        lr=0.03,
        regularization="none",
        reg_rate=0.0,
        batch_size=10,
        seed=0,
        optimizer="sgd",
        init="xavier",
        loss="bce",
        n_points=500,
    ):
        self.settings = {}
        self.set(
            dataset=dataset, noise=noise, train_fraction=train_fraction, features=features,
            hidden=hidden, activation=activation, lr=lr, regularization=regularization,
            reg_rate=reg_rate, batch_size=batch_size, seed=seed, optimizer=optimizer,
            init=init, loss=loss, n_points=n_points,
        )  # fmt: skip

    # ------------------------------------------------------------------ settings
    def __getattr__(self, name):
        settings = self.__dict__.get("settings", {})
        if name in settings:
            return settings[name]
        raise AttributeError(name)

    @staticmethod
    def _check(name, value):
        choice = {
            "dataset": DATASETS, "activation": ACTIVATIONS, "optimizer": OPTIMIZERS,
            "init": INITS, "regularization": REGULARIZATION, "loss": ("bce", "squared"),
        }  # fmt: skip
        if name in choice:
            if value not in choice[name]:
                raise ValueError(f"{name} must be one of {', '.join(choice[name])}; got {value!r}")
            return value
        if name == "noise":
            return in_range(value, "noise", 0.0, 1.0)
        if name == "train_fraction":
            return in_range(value, "train_fraction", 0.1, 0.9)
        if name in ("lr", "reg_rate"):
            return positive(value, name) if name == "lr" else in_range(value, name, 0.0, 10.0)
        if name in ("batch_size", "n_points", "seed"):
            # n_points >= 10 keeps at least one test point at every train_fraction
            return positive_int(value, name, minimum={"seed": 0, "n_points": 10}.get(name, 1))
        if name == "features":
            features = tuple(value)
            for f in features:
                lookup(FEATURES, f, "input feature")
            if not features or len(set(features)) != len(features):
                raise ValueError(f"features must name at least one input, each once; got {value!r}")
            return tuple(f for f in FEATURES if f in features)  # canonical order
        if name == "hidden":
            hidden = [positive_int(h, "units per hidden layer") for h in value]
            if len(hidden) > MAX_LAYERS or any(h > MAX_UNITS for h in hidden):
                raise ValueError(
                    f"hidden must list at most {MAX_LAYERS} layers of at most {MAX_UNITS} units; "
                    f"got {list(value)!r}"
                )
            return tuple(hidden)
        raise ValueError(
            f"unknown playground setting {name!r}; expected one of {', '.join(SETTINGS)}"
        )

    def set(self, **changes):
        """Change settings. Training settings keep the weights; others restart at epoch 0."""
        checked = {k: self._check(k, v) for k, v in changes.items()}  # all or nothing
        new = {k: v for k, v in checked.items() if self.settings.get(k) != v}
        self.settings.update(checked)
        if not new and hasattr(self, "net"):
            return self
        if any(k in DATA or k == "seed" for k in new) or not hasattr(self, "X_train"):
            self._make_data()
        if all(k in TRAINING for k in new) and hasattr(self, "net"):
            self._make_optimizer()
        else:
            self.reset()
        return self

    @property
    def is_regression(self):
        return self.dataset == "regression"

    # ------------------------------------------------------------------ state
    def _make_data(self):
        X, t = make_data(self.dataset, self.n_points, self.noise, self.seed)
        self.X_train, self.t_train, self.X_test, self.t_test = datasets.train_test_split(
            X, t, test_fraction=1.0 - self.train_fraction, seed=self.seed
        )

    def _make_optimizer(self):
        reg = {"L1": {"l1": self.reg_rate}, "L2": {"weight_decay": self.reg_rate}}
        extra = {"momentum": 0.9} if self.optimizer == "momentum" else {}
        self.opt = optim.get(
            self.optimizer, self.net.params, lr=self.lr, **reg.get(self.regularization, {}), **extra
        )

    def reset(self):
        """A fresh network (seeded), optimizer and history; the data stay."""
        output = "identity" if self.is_regression else "sigmoid"
        self.net = MLP(
            [len(self.features), *self.hidden, 1], hidden=self.activation, output=output,
            init=self.init, seed=self.seed,
        )  # fmt: skip
        self.F_train = feature_matrix(self.X_train, self.features)
        self.F_test = feature_matrix(self.X_test, self.features)
        self._make_optimizer()
        self.epoch = 0
        self.train_loss = [self.net.loss(self.F_train, self.t_train, self.loss_name)]
        self.test_loss = [self.net.loss(self.F_test, self.t_test, self.loss_name)]
        return self

    @property
    def loss_name(self):
        return "squared" if self.is_regression else self.loss

    def step(self, epochs=1):
        """Train ``epochs`` epochs (mini-batches of batch_size, reshuffled each epoch)."""
        for _ in range(positive_int(epochs, "epochs")):
            hist = fit(
                self.net, self.F_train, self.t_train, loss=self.loss_name, optimizer=self.opt,
                epochs=1, batch_size=min(self.batch_size, len(self.F_train)),
                seed=[self.seed, self.epoch], validation=(self.F_test, self.t_test),
                progress=False,
            )  # fmt: skip
            self.epoch += 1
            self.train_loss.append(hist.loss[-1])
            self.test_loss.append(hist.val_loss[-1])
        return self

    def readout(self):
        """One line: epoch, train loss, test loss."""
        return (
            f"epoch {self.epoch} · train loss {self.train_loss[-1]:.3f} · "
            f"test loss {self.test_loss[-1]:.3f}"
        )

    # ------------------------------------------------------------------ layers
    def add_layer(self, units=2):
        """Append a hidden layer (restarts training)."""
        return self.set(hidden=[*self.hidden, units])

    def remove_layer(self):
        """Drop the last hidden layer (restarts training)."""
        if not self.hidden:
            raise ValueError("there is no hidden layer to remove")
        return self.set(hidden=self.hidden[:-1])

    def set_units(self, layer, units):
        """Hidden layer ``layer`` (0 = first) gets ``units`` units (restarts training)."""
        if not 0 <= layer < len(self.hidden):
            raise ValueError(f"layer must be 0..{len(self.hidden) - 1}; got {layer!r}")
        hidden = list(self.hidden)
        hidden[layer] = units
        return self.set(hidden=hidden)

    # ------------------------------------------------------------------ views
    def grid(self, resolution=100):
        """(xs, features of the grid points): the square [-EXTENT, EXTENT]^2, row = x2."""
        xs = np.linspace(-EXTENT, EXTENT, resolution)
        x1, x2 = np.meshgrid(xs, xs)
        P = np.c_[x1.ravel(), x2.ravel()]
        return xs, feature_matrix(P, self.features)

    def surface(self, resolution=100):
        """The network's output on the grid, shape (resolution, resolution), row = x2."""
        _, F = self.grid(resolution)
        return self.net.forward(F).reshape(resolution, resolution)

    def unit_maps(self, resolution=20):
        """Per layer, inputs first: array (units, resolution, resolution) of each unit's output."""
        _, F = self.grid(resolution)
        _, Hs = self.net.forward_all(F)
        return [M.T.reshape(-1, resolution, resolution) for M in [F, *Hs]]

    def gradients(self):
        """dL/dW per layer on the training set (the kernel's backprop)."""
        _, grads = self.net.loss_and_gradients(self.F_train, self.t_train, self.loss_name)
        return [g.copy() for g in grads[0::2]]

    def deltas(self):
        """Per layer, the mean over training samples of |delta_j| = |dl_n/da_j|, the per-sample
        error signal of each unit (for sigmoid + cross-entropy at the output: |y - t|)."""
        _, _, deltas = backprop(self.net, self.F_train, self.t_train, self.loss_name,
                                return_deltas=True)  # fmt: skip
        n = len(self.F_train)  # backprop's deltas carry the mean's 1/n
        return [np.abs(d).mean(axis=0) * n for d in deltas]

    def export_weights(self, path):
        """Save the trained network (ffnn.MLP.save, .npz; reload with MLP.load)."""
        self.net.save(path)
        return path


SETTINGS = (
    "dataset", "noise", "train_fraction", "features", "hidden", "activation", "lr",
    "regularization", "reg_rate", "batch_size", "seed", "optimizer", "init", "loss", "n_points",
)  # fmt: skip


# ====================================================================== drawing


class PlaygroundView:
    """A matplotlib figure of a Playground: network with per-unit heatmaps and weights on the
    connections, the output over the plane with train/test points, loss curves, and the
    gradient size per layer. ``update()`` changes artists in place; ``png()`` encodes a frame.
    """

    def __init__(self, pg, resolution=80, tile=14, dpi=72):
        # a Figure on its own Agg canvas: pyplot's backend (inline in a notebook) is untouched
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        self.pg, self.resolution, self.tile = pg, resolution, tile
        self.fig = Figure(figsize=(11.5, 4.2), dpi=dpi)
        FigureCanvasAgg(self.fig)
        grid = self.fig.add_gridspec(2, 3, width_ratios=[4.2, 3.3, 2.6], hspace=0.45, wspace=0.25)
        self.ax_net = self.fig.add_subplot(grid[:, 0])
        self.ax_out = self.fig.add_subplot(grid[:, 1])
        self.ax_loss = self.fig.add_subplot(grid[0, 2])
        self.ax_grad = self.fig.add_subplot(grid[1, 2])
        self.fig.subplots_adjust(left=0.02, right=0.98, top=0.9, bottom=0.1)
        self._shape = None
        self.rebuild()

    # structure: rebuilt when the network or the data change
    def rebuild(self):
        from matplotlib.collections import LineCollection

        pg = self.pg
        self._shape = self._structure()
        for ax in (self.ax_net, self.ax_out, self.ax_loss, self.ax_grad):
            ax.clear()
        # network: one mosaic image holding every unit's tile, connections as one collection
        sizes = [len(pg.features), *pg.hidden, 1]
        rows = max(sizes)
        T, gap = self.tile, self.tile
        self._mosaic = np.full((rows * (T + gap // 2), len(sizes) * (T + 2 * gap)), np.nan)
        self._tiles = []  # per layer, list of (row slice, col slice)
        centers = []
        for l, n in enumerate(sizes):
            c0 = l * (T + 2 * gap) + gap
            offset = (rows - n) * (T + gap // 2) // 2
            spots = [(slice(offset + j * (T + gap // 2), offset + j * (T + gap // 2) + T),
                      slice(c0, c0 + T)) for j in range(n)]  # fmt: skip
            self._tiles.append(spots)
            centers.append([(s[1].start, s[1].stop, (s[0].start + s[0].stop) / 2) for s in spots])
        segments = []
        for l in range(len(sizes) - 1):
            for i in range(sizes[l]):
                for j in range(sizes[l + 1]):
                    a, b = centers[l][i], centers[l + 1][j]
                    segments.append([(a[1], a[2]), (b[0], b[2])])
        ax = self.ax_net
        self._img_net = ax.imshow(self._mosaic, cmap=self._cmap(), vmin=-1, vmax=1,
                                  interpolation="nearest", zorder=2)  # fmt: skip
        self._weights = LineCollection(segments, zorder=1)
        ax.add_collection(self._weights)
        for i, f in enumerate(pg.features):
            r, c = self._tiles[0][i]
            ax.text(c.start - 2, (r.start + r.stop) / 2, FEATURE_LABELS[f], ha="right",
                    va="center", fontsize=8)  # fmt: skip
        ax.set_xlim(-gap, self._mosaic.shape[1])
        ax.set_ylim(self._mosaic.shape[0], -gap)
        ax.set_axis_off()
        ax.set_title("network: each unit over the plane; weights blue + orange −",
                     fontsize=9)  # fmt: skip
        # output over the plane, with the points
        ax = self.ax_out
        regression = pg.is_regression
        self._img_out = ax.imshow(
            np.zeros((self.resolution, self.resolution)), cmap=self._cmap(), origin="lower",
            extent=(-EXTENT, EXTENT, -EXTENT, EXTENT), vmin=-1 if regression else 0, vmax=1,
            interpolation="bilinear",
        )  # fmt: skip
        kw = {"cmap": self._cmap(), "vmin": -1 if regression else 0, "vmax": 1, "s": 14}
        ax.scatter(*pg.X_train.T, c=pg.t_train[:, 0], edgecolors="white", linewidths=0.6, **kw)
        ax.scatter(*pg.X_test.T, c=pg.t_test[:, 0], edgecolors="black", linewidths=0.6, **kw)
        ax.set_xlim(-EXTENT, EXTENT)
        ax.set_ylim(-EXTENT, EXTENT)
        ax.set_aspect("equal")
        ax.tick_params(labelsize=7)
        ax.set_title("output (train: white rim, test: black rim)", fontsize=9)
        # loss curves
        ax = self.ax_loss
        (self._train_line,) = ax.plot([], [], color="C0", label="train")
        (self._test_line,) = ax.plot([], [], color="C3", label="test")
        ax.legend(fontsize=7, loc="upper right")
        ax.set_title("loss per epoch", fontsize=9)
        ax.tick_params(labelsize=7)
        # gradient size per layer
        ax = self.ax_grad
        n_layers = len(sizes) - 1
        self._bars = ax.bar(range(1, n_layers + 1), np.ones(n_layers), color="C2")
        ax.set_yscale("log")
        ax.set_xticks(range(1, n_layers + 1))
        ax.set_xlabel("layer l", fontsize=7)
        ax.set_title("RMS of dL/dW per layer", fontsize=9)
        ax.tick_params(labelsize=7)
        self._title = self.fig.suptitle("", fontsize=10)
        # drawn every frame, in this order, over the cached background (see draw)
        self._animated = [
            self._weights, self._img_net, self._img_out, *self.ax_out.collections,
            self._train_line, self._test_line, *self._bars, self._title,
        ]  # fmt: skip
        for artist in self._animated:
            artist.set_animated(True)
        self._background = None
        self.update()

    @staticmethod
    def _cmap():
        from matplotlib.colors import LinearSegmentedColormap

        cmap = LinearSegmentedColormap.from_list("pg", ["#f59322", "#e8eaeb", "#0877bd"])
        return cmap.with_extremes(bad=(0, 0, 0, 0))  # NaN (between tiles) is transparent

    def _structure(self):
        """What the artists are built for: a change here needs rebuild(), not update()."""
        pg = self.pg
        return pg.features, pg.hidden, pg.dataset, id(pg.X_train)

    def update(self):
        """Move every artist to the model's current state (no new artists)."""
        pg = self.pg
        if self._shape != self._structure():
            self.rebuild()  # which calls update() again on the new artists
            return self
        # unit tiles, each scaled to [-1, 1] by its largest magnitude
        last = len(self._tiles) - 1
        for l, (spots, maps) in enumerate(zip(self._tiles, pg.unit_maps(self.tile), strict=True)):
            unit = pg.net.output if l == last else pg.activation
            if l > 0 and unit == "sigmoid":
                maps = 2 * maps - 1  # (0, 1) -> (-1, 1): orange below 1/2, blue above
            for (r, c), m in zip(spots, maps, strict=True):
                scale = np.abs(m).max()
                self._mosaic[r, c] = m[::-1] / scale if scale > 0 else m
        self._img_net.set_data(self._mosaic)
        W = np.concatenate([w.ravel() for w in pg.net.weights])
        width = np.clip(np.abs(W) / max(np.abs(W).max(), 1e-12), 0.04, 1.0) * 3.0
        self._weights.set_linewidths(width)
        self._weights.set_color(np.where(W[:, None] > 0, [[0.03, 0.47, 0.74, 0.8]],
                                         [[0.96, 0.58, 0.13, 0.8]]))  # fmt: skip
        out = pg.surface(self.resolution)
        self._img_out.set_data(np.clip(out, -1, 1) if pg.is_regression else out)
        epochs = np.arange(len(pg.train_loss))
        self._train_line.set_data(epochs, pg.train_loss)
        self._test_line.set_data(epochs, pg.test_loss)
        rms = np.array([np.sqrt(np.mean(g * g)) for g in pg.gradients()])
        rms = np.maximum(rms, 1e-12)
        for bar, h in zip(self._bars, rms, strict=True):
            bar.set_height(h)
        self._title.set_text(pg.readout())
        # axis limits move in coarse steps, so the static background is rarely redrawn
        top = max(max(pg.train_loss), max(pg.test_loss))
        top = float(np.ceil(top * 11) / 10) if np.isfinite(top) and top > 0 else 1.0
        self.ax_loss.set_xlim(0, max(16, 2 ** int(np.ceil(np.log2(max(len(epochs) - 1, 1))))))
        self.ax_loss.set_ylim(0, top)
        lo, hi = np.floor(np.log10(rms.min())), np.ceil(np.log10(rms.max()) + 1e-9)
        bottom, top = self.ax_grad.get_ylim()
        if not (bottom <= 10**lo and 10**hi <= top <= 10 ** (hi + 2)):
            self.ax_grad.set_ylim(10 ** (lo - 1), 10 ** (hi + 1))
        return self

    def _limits(self):
        return (self.ax_loss.get_xlim(), self.ax_loss.get_ylim(), self.ax_grad.get_ylim())

    def draw(self):
        """Render into the Agg canvas by blitting: the axes, ticks and labels (slow to draw)
        are cached and redrawn only when a limit changes; the moving artists every time."""
        canvas = self.fig.canvas
        if self._background is None or self._background_limits != self._limits():
            canvas.draw()  # everything but the animated artists
            self._background = canvas.copy_from_bbox(self.fig.bbox)
            self._background_limits = self._limits()
        else:
            canvas.restore_region(self._background)
        for artist in self._animated:
            self.fig.draw_artist(artist)
        return self

    def png(self):
        """The current frame as PNG bytes (fast zlib level)."""
        from PIL import Image

        self.draw()
        rgba = np.asarray(self.fig.canvas.buffer_rgba())
        buf = io.BytesIO()
        Image.fromarray(rgba[..., :3]).save(buf, format="png", compress_level=1)
        return buf.getvalue()

    def export(self, path):
        """Save the current figure (format from the extension, e.g. .png, .pdf, .svg)."""
        for artist in self._animated:
            artist.set_animated(False)
        try:
            self.fig.savefig(path, dpi=150)
        finally:
            for artist in self._animated:
                artist.set_animated(True)
            self._background = None
        return path


# ====================================================================== widgets


def _log_options(values, current):
    """Dropdown options (label, value), with the current value added if it is not a preset."""
    return [(f"{v:g}", v) for v in sorted({*values, current})]


def playground_ui(pg=None, export_dir="."):
    """The playground in ipywidgets: controls, play/pause/step/reset, the live figure.

    Returns the top-level widget; its ``.pg`` and ``.view`` attributes are the model
    and the figure, ``.controls`` a dict of the control widgets by setting name.
    """
    import ipywidgets as W

    pg = pg or Playground()
    view = PlaygroundView(pg)
    lay = W.Layout(width="210px")
    style = {"description_width": "85px"}

    def control(kind, name, description, **options):
        """A widget for setting ``name``, showing its current value; sliders act on release."""
        if kind is not W.Dropdown and kind is not W.BoundedIntText:
            options["continuous_update"] = False
        return kind(value=getattr(pg, name), description=description, layout=lay, style=style,
                    **options)  # fmt: skip

    D = W.Dropdown
    controls = {
        "dataset": control(D, "dataset", "data", options=DATASETS),
        "noise": control(W.FloatSlider, "noise", "noise", min=0, max=1, step=0.05),
        "train_fraction": control(
            W.FloatSlider, "train_fraction", "train share", min=0.1, max=0.9, step=0.1
        ),
        "activation": control(D, "activation", "activation", options=ACTIVATIONS),
        "lr": control(D, "lr", "learning rate", options=_log_options(LEARNING_RATES, pg.lr)),
        "regularization": control(D, "regularization", "regularization", options=REGULARIZATION),
        "reg_rate": control(
            D, "reg_rate", "reg. rate", options=_log_options(REG_RATES, pg.reg_rate)
        ),
        "batch_size": control(W.IntSlider, "batch_size", "batch size", min=1, max=30),
        "optimizer": control(D, "optimizer", "optimizer", options=OPTIMIZERS),
        "init": control(D, "init", "init", options=INITS),
        "loss": control(D, "loss", "loss", options=("bce", "squared")),
        "seed": control(W.BoundedIntText, "seed", "seed", min=0, max=99_999),
    }
    feature_boxes = {
        f: W.Checkbox(
            value=f in pg.features,
            description=FEATURE_LABELS[f],
            indent=False,
            layout=W.Layout(width="80px"),
        )
        for f in FEATURES
    }
    play = W.ToggleButton(
        value=False, description="play", icon="play", layout=W.Layout(width="90px")
    )
    step = W.Button(description="step", icon="step-forward", layout=W.Layout(width="80px"))
    reset = W.Button(description="reset", icon="refresh", layout=W.Layout(width="80px"))
    add_layer = W.Button(description="+ layer", layout=W.Layout(width="75px"))
    remove_layer = W.Button(description="− layer", layout=W.Layout(width="75px"))
    units_box = W.HBox()
    save_weights = W.Button(description="save weights", icon="download")
    save_figure = W.Button(description="save figure", icon="image")
    readout = W.Label(value=pg.readout())
    status = W.Label(value="")
    image = W.Image(value=view.png(), format="png", layout=W.Layout(width="100%"))

    def redraw():
        view.update()
        image.value = view.png()
        readout.value = pg.readout()

    def guarded(action):
        """Run a change; a bad value shows its error in the status line and changes nothing."""
        try:
            action()
        except ValueError as error:
            status.value = f"not applied: {error}"
            return False
        status.value = ""
        redraw()
        return True

    def units_controls():
        boxes = []
        for l, n in enumerate(pg.hidden):
            box = W.BoundedIntText(value=n, min=1, max=MAX_UNITS, description=f"layer {l + 1}",
                                   layout=W.Layout(width="130px"),
                                   style={"description_width": "50px"})  # fmt: skip
            box.observe(lambda ch, l=l: guarded(lambda: pg.set_units(l, ch["new"])), "value")
            boxes.append(box)
        units_box.children = boxes

    for name, widget in controls.items():
        widget.observe(lambda ch, name=name: guarded(lambda: pg.set(**{name: ch["new"]})), "value")
    for box in feature_boxes.values():
        box.observe(
            lambda ch: guarded(lambda: pg.set(features=[g for g, b in feature_boxes.items()
                                                        if b.value])),
            "value",
        )  # fmt: skip

    def change_layers(action):
        if guarded(action):
            units_controls()

    add_layer.on_click(lambda _: change_layers(lambda: pg.add_layer()))
    remove_layer.on_click(lambda _: change_layers(lambda: pg.remove_layer()))
    step.on_click(lambda _: guarded(lambda: pg.step()))
    reset.on_click(lambda _: guarded(lambda: pg.reset()))

    def export(kind):
        import os

        path = os.path.join(export_dir, "playground_weights.npz" if kind == "weights"
                            else "playground.png")  # fmt: skip
        (pg.export_weights if kind == "weights" else view.export)(path)
        status.value = f"saved {path}"

    save_weights.on_click(lambda _: export("weights"))
    save_figure.on_click(lambda _: export("figure"))

    async def run():
        while play.value:
            pg.step()
            redraw()
            await asyncio.sleep(0.005)  # hand the kernel back to the controls between frames

    def toggle(change):
        play.description, play.icon = ("pause", "pause") if change["new"] else ("play", "play")
        if change["new"] and (ui.task is None or ui.task.done()):  # one loop, however clicked
            ui.task = asyncio.ensure_future(run())

    play.observe(toggle, "value")
    units_controls()
    left = W.VBox([controls[k] for k in ("dataset", "noise", "train_fraction", "seed")])
    mid = W.VBox([controls[k] for k in ("activation", "init", "optimizer", "lr", "loss")])
    right = W.VBox([controls[k] for k in ("regularization", "reg_rate", "batch_size")])
    ui = W.VBox(
        [
            W.HBox([play, step, reset, readout]),
            W.HBox([left, mid, right]),
            W.HBox([W.Label("features:"), *feature_boxes.values()]),
            W.HBox([W.Label("hidden layers:"), add_layer, remove_layer, units_box]),
            image,
            W.HBox([save_weights, save_figure, status]),
        ]
    )
    ui.pg, ui.view, ui.controls, ui.features = pg, view, controls, feature_boxes
    ui.buttons = {"play": play, "step": step, "reset": reset, "add_layer": add_layer,
                  "remove_layer": remove_layer, "save_weights": save_weights,
                  "save_figure": save_figure}  # fmt: skip
    ui.readout, ui.status, ui.image, ui.units = readout, status, image, units_box
    ui.task = None
    ui.add_class("ffnn-playground")
    return ui
