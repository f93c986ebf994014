"""The training loop: epochs of (shuffled) mini-batches, each a forward pass,
backprop and one optimizer update -- all inside one compiled kernel per epoch.

Lectures: 002 (Drchal) batch / online / mini-batch learning; 003 (Cheng)
SGD algorithm (steps 1-6); 000 (Rossi) batch vs on-line learning.
  batch_size = 1      on-line learning (SGD proper, one update per sample)
  batch_size = B      mini-batch: the mean gradient of B samples per update
  batch_size = None   full batch: one update per epoch
The loss recorded per epoch is the loss over the whole training set after
the epoch's updates (and over the validation set when given).
"""

import numpy as np
from numba import njit

from . import optim as optim_mod
from ._checks import positive_int
from .network import MLP, backward_kernel, forward_kernel

try:  # the progress bar renders as a widget in JupyterLab, as text elsewhere
    from tqdm.auto import tqdm
except ImportError:  # pragma: no cover - tqdm is a dependency
    tqdm = None


@njit(cache=True)
def train_epoch_kernel(
    theta, layout, hidden, output, alpha, loss, half, mean, X, T, order, batch_size,
    rule, state, mask, hyper, t, A_buf, H_buf, D_buf, grad, Xb, Tb,
):  # fmt: skip
    """One epoch: for each batch of rows order[s:s+B]: forward, backprop, update.

    Returns (mean per-sample loss seen during the epoch, new step count t).
    """
    n = order.shape[0]
    d = X.shape[1]
    K = T.shape[1]
    total = 0.0
    for start in range(0, n, batch_size):
        m = min(batch_size, n - start)
        Xv = Xb[: m * d].reshape((m, d))
        Tv = Tb[: m * K].reshape((m, K))
        for r in range(m):
            Xv[r, :] = X[order[start + r], :]
            Tv[r, :] = T[order[start + r], :]
        forward_kernel(theta, layout, hidden, output, alpha, Xv, A_buf, H_buf)
        scale = 1.0 / m if mean else 1.0
        value = backward_kernel(
            theta,
            layout,
            hidden,
            output,
            alpha,
            loss,
            half,
            scale,
            Xv,
            Tv,
            A_buf,
            H_buf,
            D_buf,
            grad,
        )
        total += value * m if mean else value
        t += 1
        optim_mod.update(rule, theta, grad, state, mask, hyper, t)
    return total / n, t


class History(dict):
    """Per-epoch lists loss, accuracy, val_loss, val_accuracy, lr; best_epoch, stopped_early."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def _is_classifier(net):
    return net.output in ("sigmoid", "softmax")


def make_optimizer(net, optimizer, lr, **kwargs):
    """An optimizer bound to net.params: a name ("sgd", "momentum", "adam", ...) or an instance."""
    if isinstance(optimizer, optim_mod.Optimizer):
        if optimizer._flat is not net.theta:
            raise ValueError(
                "the optimizer was built for other parameters; build it with net.params"
            )
        return optimizer
    return optim_mod.get(optimizer, net.params, lr=lr, **kwargs)


def fit(
    net,
    X,
    T,
    loss=None,
    optimizer="sgd",
    lr=0.1,
    epochs=100,
    batch_size=32,
    shuffle=True,
    seed=0,
    validation=None,
    early_stopping=None,
    min_delta=0.0,
    lr_schedule=None,
    reduction="mean",
    half=True,
    progress=True,
    callback=None,
    **optimizer_kwargs,
):
    """Train ``net`` on (X, T) and return a History.

    optimizer: name or ffnn.optim instance (extra keywords such as momentum=0.9,
    weight_decay=1e-4, clip_norm=1.0 go to the named rule). batch_size: 1
    (on-line), B (mini-batch) or None (full batch). validation: (X_val, T_val).
    early_stopping: patience in epochs -- stop when the monitored loss (validation
    if given, else training) has not improved by min_delta for that many epochs,
    and restore the best weights. lr_schedule: eta(epoch), see ffnn.optim.schedule.
    callback(epoch, history) is called after every epoch; return True to stop.
    """
    from . import losses

    if not isinstance(net, MLP):
        raise ValueError(f"net must be an ffnn.MLP, got {type(net).__name__}")
    spec = losses.get(loss or net.default_loss(), reduction, half)
    X = net._check_X(X)
    T = net._check_T(T, X.shape[0])
    n = X.shape[0]
    epochs = positive_int(epochs, "epochs")
    B = n if batch_size is None else min(positive_int(batch_size, "batch_size"), n)
    if early_stopping is not None:
        early_stopping = positive_int(early_stopping, "early_stopping (patience)")
    if validation is not None:
        if not isinstance(validation, (tuple, list)) or len(validation) != 2:
            raise ValueError("validation must be a pair (X_val, T_val)")
        Xv = net._check_X(validation[0])
        Tv = net._check_T(validation[1], Xv.shape[0])
    opt = make_optimizer(net, optimizer, lr, **optimizer_kwargs)
    if opt.schedule is not None:
        raise ValueError("fit applies lr_schedule per epoch; pass a number as the optimizer's lr")
    if lr_schedule is not None and not callable(lr_schedule):
        raise ValueError(
            "lr_schedule must be a function of the epoch, e.g. ffnn.optim.schedule.step(0.1)"
        )

    rng = np.random.default_rng(seed)
    A_buf, H_buf, D_buf = net.buffers(B)
    grad = np.empty_like(net.theta)
    Xb = np.empty(B * X.shape[1], dtype=net.dtype)
    Tb = np.empty(B * T.shape[1], dtype=net.dtype)
    order = np.arange(n, dtype=np.int64)
    classifier = _is_classifier(net)
    hist = History(loss=[], accuracy=[], val_loss=[], val_accuracy=[], lr=[])
    hist.update(best_epoch=None, stopped_early=False)
    best, best_theta, waited = np.inf, None, 0
    bar = tqdm(total=epochs, desc="epochs", leave=False) if (progress and tqdm) else None
    try:
        for epoch in range(epochs):
            if lr_schedule is not None:
                opt.set_lr(lr_schedule(epoch))
            if shuffle:
                rng.shuffle(order)
            _, opt.t = train_epoch_kernel(
                net.theta, net.layout, net._hidden, net._output, net.alpha, spec.code, spec.half,
                spec.reduction == "mean", X, T, order, B, opt.rule, opt.state, opt.mask,
                opt.hyper, opt.t, A_buf, H_buf, D_buf, grad, Xb, Tb,
            )  # fmt: skip
            hist["lr"].append(opt.lr)
            hist["loss"].append(net.loss(X, T, spec, reduction, half))
            if classifier:
                hist["accuracy"].append(net.accuracy(X, T))
            if validation is not None:
                hist["val_loss"].append(net.loss(Xv, Tv, spec, reduction, half))
                if classifier:
                    hist["val_accuracy"].append(net.accuracy(Xv, Tv))
            monitored = hist["val_loss"][-1] if validation is not None else hist["loss"][-1]
            if not np.isfinite(monitored):
                raise FloatingPointError(
                    f"the loss became {monitored} at epoch {epoch + 1}: the learning rate "
                    f"({opt.lr:g}) is probably too large"
                )
            if bar is not None:
                bar.update(1)
                bar.set_postfix(loss=f"{hist['loss'][-1]:.4g}")
            if monitored < best - min_delta:
                best, waited = monitored, 0
                hist["best_epoch"] = epoch
                if early_stopping is not None:
                    best_theta = net.theta.copy()
            else:
                waited += 1
            if early_stopping is not None and waited >= early_stopping:
                hist["stopped_early"] = True
                break
            if callback is not None and callback(epoch, hist):
                break
    finally:
        if bar is not None:
            bar.close()
    if best_theta is not None:
        net.theta[:] = best_theta
    return hist
