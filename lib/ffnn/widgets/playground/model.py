"""The playground's model: data, input features, network, optimizer, one training epoch per
``step()`` (``ffnn.train.fit``), and every view as plain arrays -- no drawing, no widgets.

Coordinates: every data set lives in (about) the square [-1, 1]^2 (TensorFlow Playground
uses [-6, 6]^2), so the periodic features are sin(pi x) rather than sin(x).
"""

import numpy as np

from ... import datasets, optim
from ..._checks import in_range, lookup, positive, positive_int
from ...network import MLP
from ...reference import backprop
from ...train import fit

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

# settings that keep the weights when changed (the optimizer is rebuilt, its state reset);
# every other change rebuilds data and/or network and starts again from epoch 0
TRAINING = ("lr", "regularization", "reg_rate", "batch_size", "optimizer")
DATA = ("dataset", "noise", "train_fraction", "n_points")
SETTINGS = (
    "dataset", "noise", "train_fraction", "features", "hidden", "activation", "lr",
    "regularization", "reg_rate", "batch_size", "seed", "optimizer", "init", "loss", "n_points",
)  # fmt: skip


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
        error signal of each unit (for sigmoid + cross-entropy at the output: |y - t|), from
        the plain-NumPy ffnn.reference.backprop (the kernels do not return deltas)."""
        _, _, deltas = backprop(self.net, self.F_train, self.t_train, self.loss_name,
                                return_deltas=True)  # fmt: skip
        n = len(self.F_train)  # backprop's deltas carry the mean's 1/n
        return [np.abs(d).mean(axis=0) * n for d in deltas]

    def export_weights(self, path):
        """Save the trained network (ffnn.MLP.save, .npz; reload with MLP.load)."""
        self.net.save(path)
        return path
