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

from . import activations as act
from . import losses
from . import optim as optim_mod
from ._checks import positive_int
from .network import MLP, backward_kernel, class_labels, forward_kernel

try:  # the progress bar renders as a widget in JupyterLab, as text elsewhere
    from tqdm.auto import tqdm
except ImportError:  # pragma: no cover - tqdm is a dependency
    tqdm = None


@njit(cache=True, error_model="numpy")
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


@njit(cache=True, error_model="numpy", _nrt=False)
def online_epoch_kernel(
    theta, layout, hidden, output, alpha, loss, half, X, T, order,
    rule, state, mask, hyper, t, a, z, delta, grad,
):  # fmt: skip
    """One epoch of on-line learning (batch size 1): the delta rule of 000 (Rossi) per sample.

    For each row x of X in ``order`` (z_i = x_i for the inputs, w_ij from unit i to unit j):
      forward   a_j = b_j + sum_i z_i w_ij,   z_j = h(a_j)
      output    delta_k = dl/da_k                 (= y_k - t_k for the matched pairs)
      backward  delta_i = h'(a_i) sum_j w_ij delta_j
      gradient  dl/dw_ij = z_i delta_j,   dl/db_j = delta_j
    and one optimizer update. ``a`` and ``delta`` hold one entry per unit, ``z``
    the inputs and then every unit. The same arithmetic as train_epoch_kernel with
    batch_size=1, without building per-layer matrix views for every sample and
    without reference counting (_nrt=False: it allocates nothing, it only slices
    its arguments). Returns the new step count t.
    """
    L = layout.shape[0]
    d = X.shape[1]
    K, uK = layout[L - 1, 1], layout[L - 1, 4]
    A_out = a[uK : uK + K].reshape((1, K))  # (1, K) views for the loss routines
    Y_out = z[d + uK : d + uK + K].reshape((1, K))
    D_out = delta[uK : uK + K].reshape((1, K))
    for s in range(order.shape[0]):
        r = order[s]
        for i in range(d):
            z[i] = X[r, i]
        for l in range(L):
            n_in, n_out, w0, b0, u0 = layout[l, 0], layout[l, 1], layout[l, 2], layout[l, 3], layout[l, 4]  # noqa: E501  # fmt: skip
            v0 = 0 if l == 0 else d + layout[l - 1, 4]
            W, z_in, a_l = theta[w0:b0], z[v0 : v0 + n_in], a[u0 : u0 + n_out]
            for j in range(n_out):
                a_l[j] = theta[b0 + j]
            for i in range(n_in):
                zi = z_in[i]
                for j in range(n_out):
                    a_l[j] += zi * W[i * n_out + j]
            if l < L - 1:
                act.activate_vector(hidden, a_l, alpha, z[d + u0 : d + u0 + n_out])
        act.activate_array(output, A_out, alpha, Y_out)
        losses.output_delta(loss, output, alpha, A_out, Y_out, T[r : r + 1], half, 1.0, D_out)
        for l in range(L - 1, -1, -1):
            n_in, n_out, w0, b0, u0 = layout[l, 0], layout[l, 1], layout[l, 2], layout[l, 3], layout[l, 4]  # noqa: E501  # fmt: skip
            v0 = 0 if l == 0 else d + layout[l - 1, 4]
            W, z_in, delta_l, gW = theta[w0:b0], z[v0 : v0 + n_in], delta[u0 : u0 + n_out], grad[w0:b0]  # noqa: E501  # fmt: skip
            for i in range(n_in):
                zi = z_in[i]
                for j in range(n_out):
                    gW[i * n_out + j] = zi * delta_l[j]
            for j in range(n_out):
                grad[b0 + j] = delta_l[j]
            if l > 0:
                u_in = layout[l - 1, 4]
                delta_in = delta[u_in : u_in + n_in]
                for i in range(n_in):
                    acc = 0.0
                    for j in range(n_out):
                        acc += delta_l[j] * W[i * n_out + j]
                    delta_in[i] = acc
                act.backprop_vector(hidden, a[u_in : u_in + n_in], z_in, alpha, delta_in)
        t += 1
        optim_mod.update(rule, theta, grad, state, mask, hyper, t)
    return t


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
    Z_buf = np.empty(X.shape[1] + A_buf.size, dtype=net.dtype)  # on-line: inputs, then units
    order = np.arange(n, dtype=np.int64)
    classifier = _is_classifier(net)
    labels = class_labels(T, net.sizes[-1]) if classifier else None
    val_labels = class_labels(Tv, net.sizes[-1]) if classifier and validation is not None else None
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
            if B == 1:
                opt.t = online_epoch_kernel(
                    net.theta, net.layout, net._hidden, net._output, net.alpha, spec.code,
                    spec.half, X, T, order, opt.rule, opt.state, opt.mask, opt.hyper, opt.t,
                    A_buf, Z_buf, D_buf, grad,
                )  # fmt: skip
            else:
                _, opt.t = train_epoch_kernel(
                    net.theta, net.layout, net._hidden, net._output, net.alpha, spec.code,
                    spec.half, spec.reduction == "mean", X, T, order, B, opt.rule, opt.state,
                    opt.mask, opt.hyper, opt.t, A_buf, H_buf, D_buf, grad, Xb, Tb,
                )  # fmt: skip
            hist["lr"].append(opt.lr)
            value, accuracy = net.evaluate(X, T, spec, labels=labels)
            hist["loss"].append(value)
            if classifier:
                hist["accuracy"].append(accuracy)
            if validation is not None:
                value, accuracy = net.evaluate(Xv, Tv, spec, labels=val_labels)
                hist["val_loss"].append(value)
                if classifier:
                    hist["val_accuracy"].append(accuracy)
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
