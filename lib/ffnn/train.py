"""The training loop: epochs of (shuffled) mini-batches, each a forward pass,
backprop and one optimizer update -- all inside one compiled kernel per epoch.

Lectures: 002 (Drchal) batch / online / mini-batch learning; 003 (Cheng)
SGD algorithm (steps 1-6); 000 (Rossi) batch vs on-line learning.
  batch_size = 1      on-line learning (SGD proper, one update per sample)
  batch_size = B      mini-batch: the mean gradient of B samples per update
  batch_size = None   full batch: one update per epoch

A batch large enough to keep two cores busy (ffnn.network.splits: the digits network
at batch 32, say) is cut in two halves of rows, one per core, each running the forward pass
and backprop; the update then takes the sum of the halves' gradients -- data parallelism,
as a distributed trainer does it across machines. The cut never depends on the number of
threads, so the result does not either.

``fit`` = ``prepare`` (check the data, build the optimizer, the kernels' Spec and
Workspaces), then per epoch ``run_epoch`` (one kernel call) and ``record_epoch`` (the
History), with an ``EarlyStopping`` watching the monitored loss. The loss recorded
per epoch is, by default (record="full"), the loss over the whole training set after
the epoch's updates; with record="running" it is the mean of the batch losses seen
during the epoch, as the kernel returns them (no extra pass over the data). The
validation loss, when given, is always a full pass over the validation set.
"""

import math
from contextlib import nullcontext

import numpy as np
from numba import njit, prange

from . import activations as act
from . import losses, optim
from ._checks import positive_int
from .network import (
    MLP,
    affine_vec,
    backprop,
    backward_kernel,
    bias,
    forward_kernel,
    make_workspace,
    matvec_nt,
    outer_step,
    outer_vec,
    splits,
    unit_vector,
    units,
    weight_flat,
)

# ---------------------------------------------------------------- kernels


@njit(cache=True, error_model="numpy")
def train_epoch_kernel(spec, theta, X, T, order, batch_size, stepper, workspaces):
    """One epoch: for each batch of rows order[s:s+B]: forward, backprop, one update.

    ``workspaces`` = (the batch's, its first half's, its second half's): a large enough
    batch (network.splits) is cut in two halves of rows, one per core. Returns (the sum over
    the epoch of every sample's loss, taken on its batch before that batch's update; the
    new step count t).
    """
    ws, first, second = workspaces
    n = order.shape[0]
    t = stepper.t
    total = 0.0
    for start in range(0, n, batch_size):
        m = min(batch_size, n - start)
        rows = order[start : start + m]
        if splits(spec.layout, m):
            value = gradient_in_halves(spec, theta, X, T, rows, first, second, ws.grad)
        else:
            Xv, Tv = gather_rows(X, T, rows, ws)
            forward_kernel(spec, theta, Xv, ws)
            value = backward_kernel(spec, theta, Xv, Tv, ws)
        total += value * m if spec.mean else value
        t += 1
        optim.update(stepper.hyper, theta, ws.grad, stepper.state, stepper.mask, stepper.work, t)
    return total, t


@njit(cache=True, inline="always")
def gather_rows(X, T, rows, ws):
    """The batch X[rows], T[rows], copied into the workspace's Xb and Tb (views returned)."""
    m, d, K = rows.shape[0], X.shape[1], T.shape[1]
    Xv = ws.Xb[: m * d].reshape((m, d))
    Tv = ws.Tb[: m * K].reshape((m, K))
    for r in range(m):
        Xv[r, :] = X[rows[r], :]
        Tv[r, :] = T[rows[r], :]
    return Xv, Tv


@njit(cache=True, parallel=True, error_model="numpy")
def gradient_in_halves(spec, theta, X, T, rows, first, second, grad):
    """Data parallelism: the batch X[rows] in two halves of rows, one per core, each running
    the forward pass and backprop in its own workspace (``first``, ``second``) with the whole
    batch's 1/m; then grad = the sum of the two halves' gradients. Returns the batch's loss
    as backward_kernel does."""
    m = rows.shape[0]
    cut = (m + 1) // 2
    scale = 1.0 / m if spec.mean else 1.0
    values = np.empty(2)  # not np.zeros: under parallel=True that would be a parallel loop too
    for p in prange(2):
        ws = first if p == 0 else second
        part = rows[:cut] if p == 0 else rows[cut:]
        Xv, Tv = gather_rows(X, T, part, ws)
        forward_kernel(spec, theta, Xv, ws)
        values[p] = backprop(spec, theta, Xv, Tv, ws, scale)
    for i in range(grad.shape[0]):
        grad[i] = first.grad[i] + second.grad[i]
    return values[0] + values[1]


@njit(cache=True, error_model="numpy", _nrt=False)
def online_epoch_kernel(spec, theta, X, T, order, stepper, ws, track_loss):
    """One epoch of on-line learning (batch size 1): the delta rule of 000 (Rossi) per sample.

    For each row x of X in ``order``, layer by layer (h^0 = x):
      forward   a^l = h^{l-1} W^l + b^l,   h^l = f(a^l)
      output    delta^L = dl/da^L               (= y - t for the matched pairs)
      backward  delta^{l-1} = (delta^l (W^l)^T) * f'(a^{l-1}),
                dl/dW^l = (h^{l-1})^T delta^l,  dl/db^l = delta^l
    and one optimizer update: the arithmetic of train_epoch_kernel with batch_size=1,
    on vectors (no matrix views built per sample) and without reference counting
    (_nrt=False: it allocates nothing, and every helper it calls is inlined). Plain SGD
    moves each layer's weights as soon as their gradient is known, w <- w - eta dl/dw,
    after delta^{l-1} has used W^l (the same numbers as the update after the sweep).
    Returns (the sum of the samples' losses if ``track_loss`` else 0, new step count t).
    """
    layout = spec.layout
    L = layout.shape[0]
    A_out = units(ws.A, 1, layout, L - 1)  # (1, K) views for the loss routines
    Y_out = units(ws.H, 1, layout, L - 1)
    D_out = units(ws.D, 1, layout, L - 1)
    hyper = stepper.hyper
    step_now = hyper.rule == optim.Rule.SGD and optim.is_plain(hyper)
    t = stepper.t
    total = 0.0
    for s in range(order.shape[0]):
        r = order[s]
        x, target = X[r], T[r : r + 1]
        h = x
        for l in range(L):
            a = unit_vector(ws.A, layout, l)
            affine_vec(h, weight_flat(theta, layout, l), bias(theta, layout, l), a)
            h = unit_vector(ws.H, layout, l)
            if l < L - 1:
                act.activate_vector(spec.hidden, a, spec.alpha, h)
        act.activate_array(spec.output, A_out, spec.alpha, Y_out)
        if track_loss:
            total += losses.loss_sum(spec, A_out, Y_out, target)
        losses.output_delta(spec, A_out, Y_out, target, 1.0, D_out)
        for l in range(L - 1, -1, -1):
            delta = unit_vector(ws.D, layout, l)
            h_prev = x if l == 0 else unit_vector(ws.H, layout, l - 1)
            if l > 0:
                delta_prev = unit_vector(ws.D, layout, l - 1)
                matvec_nt(delta, weight_flat(theta, layout, l), delta_prev)
                a_prev = unit_vector(ws.A, layout, l - 1)
                act.backprop_vector(spec.hidden, a_prev, h_prev, spec.alpha, delta_prev)
            if step_now:
                outer_step(h_prev, delta, hyper.lr, weight_flat(theta, layout, l))
                b = bias(theta, layout, l)
                for j in range(delta.shape[0]):
                    b[j] -= hyper.lr * delta[j]
            else:
                outer_vec(h_prev, delta, weight_flat(ws.grad, layout, l))
                grad_b = bias(ws.grad, layout, l)
                for j in range(delta.shape[0]):
                    grad_b[j] = delta[j]
        t += 1
        if not step_now:
            optim.update(hyper, theta, ws.grad, stepper.state, stepper.mask, stepper.work, t)
    return total, t


# ---------------------------------------------------------------- the loop around them


class History(dict):
    """Per-epoch lists loss, accuracy, val_loss, val_accuracy, lr; best_epoch, stopped_early."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


class EarlyStopping:
    """Watch the monitored loss epoch by epoch: keep the best epoch and say when to stop.

    An epoch improves when its loss < best - min_delta. With a ``patience`` p, the
    weights of the best epoch are kept, ``update`` says stop after p epochs in a row
    without improvement, and ``restore`` puts the best weights back. With patience
    None it only keeps track of the best epoch.
    """

    def __init__(self, patience=None, min_delta=0.0):
        if patience is not None:
            patience = positive_int(patience, "early_stopping (patience)")
        self.patience, self.min_delta = patience, float(min_delta)
        self.best, self.best_epoch, self.best_theta, self.waited = np.inf, None, None, 0

    def update(self, epoch, loss, theta):
        """Note the loss of ``epoch`` (theta: the weights after it); True: time to stop."""
        if loss < self.best - self.min_delta:
            self.best, self.best_epoch, self.waited = loss, epoch, 0
            if self.patience is not None:
                self.best_theta = theta.copy()
        else:
            self.waited += 1
        return self.patience is not None and self.waited >= self.patience

    def restore(self, theta):
        """Copy the best epoch's weights back into theta (if they were kept)."""
        if self.best_theta is not None:
            theta[:] = self.best_theta


class Prepared:
    """What ``prepare`` checked and built for a fit: the data, the loss and the
    kernels' Spec, the optimizer, the batch size, the row order and the Workspace."""

    def __init__(self, net, X, T, validation, loss, optimizer, batch_size):
        self.net, self.X, self.T, self.loss = net, X, T, loss
        self.validation, self.optimizer, self.batch_size = validation, optimizer, batch_size
        self.spec = net.spec(loss)
        self.order = np.arange(X.shape[0], dtype=np.int64)
        self.workspace = net.workspace(batch_size)
        # two more workspaces, for the halves of a batch, if some batch will be cut in two
        n, ws = X.shape[0], self.workspace
        if any(splits(net.layout, m) for m in {batch_size, n % batch_size}):
            half = (batch_size + 1) // 2
            self.workspaces = (ws, *(make_workspace(net.sizes, half, net.dtype) for _ in range(2)))
        else:
            self.workspaces = (ws, ws, ws)


def make_optimizer(net, optimizer, lr, **kwargs):
    """An optimizer bound to net.params: a name ("sgd", "momentum", "adam", ...) or an instance."""
    if isinstance(optimizer, optim.Optimizer):
        if not optimizer.updates(net.theta):
            raise ValueError(
                "the optimizer was built for other parameters; build it with net.params"
            )
        return optimizer
    return optim.get(optimizer, net.params, lr=lr, **kwargs)


def prepare(
    net,
    X,
    T,
    loss=None,
    optimizer="sgd",
    lr=0.1,
    batch_size=32,
    validation=None,
    reduction="mean",
    half=True,
    **optimizer_kwargs,
):
    """Check fit's inputs (ValueError saying what was expected) and build a Prepared."""
    if not isinstance(net, MLP):
        raise ValueError(f"net must be an ffnn.MLP, got {type(net).__name__}")
    loss = losses.get(loss or net.default_loss(), reduction, half)
    X = net.check_inputs(X)
    T = net.check_targets(T, X.shape[0])
    n = X.shape[0]
    B = n if batch_size is None else min(positive_int(batch_size, "batch_size"), n)
    if validation is not None:
        if not isinstance(validation, (tuple, list)) or len(validation) != 2:
            raise ValueError("validation must be a pair (X_val, T_val)")
        Xv = net.check_inputs(validation[0])
        validation = (Xv, net.check_targets(validation[1], Xv.shape[0]))
    opt = make_optimizer(net, optimizer, lr, **optimizer_kwargs)
    return Prepared(net, X, T, validation, loss, opt, B)


def run_epoch(run, track_loss=True):
    """One pass over the rows in ``run.order``, by one kernel call (it updates net.theta and
    the optimizer's state). Returns the epoch's running loss -- the mean (for a summed loss,
    the sum) of the per-sample losses met during the epoch -- or None if not ``track_loss``."""
    opt, theta, ws = run.optimizer, run.net.theta, run.workspace
    if run.batch_size == 1:  # the on-line kernel adds up the losses only when asked to
        total, opt.t = online_epoch_kernel(
            run.spec, theta, run.X, run.T, run.order, opt.stepper(), ws, track_loss
        )
    else:
        total, opt.t = train_epoch_kernel(
            run.spec, theta, run.X, run.T, run.order, run.batch_size, opt.stepper(), run.workspaces
        )
    if not track_loss:
        return None
    return total / run.order.size if run.spec.mean else total


def record_epoch(hist, run, running_loss=None):
    """Append the epoch's lr, loss and accuracy (and validation ones) to ``hist``.

    The training loss is ``running_loss`` when given (no accuracy then), else a full
    evaluation on the training set. Returns the monitored loss: validation if given,
    else training.
    """
    hist["lr"].append(run.optimizer.lr)
    if running_loss is not None:
        hist["loss"].append(running_loss)
    else:
        value, accuracy = run.net.evaluate(run.X, run.T, run.loss)
        hist["loss"].append(value)
        if accuracy is not None:
            hist["accuracy"].append(accuracy)
    if run.validation is None:
        return hist["loss"][-1]
    value, accuracy = run.net.evaluate(*run.validation, run.loss)
    hist["val_loss"].append(value)
    if accuracy is not None:
        hist["val_accuracy"].append(accuracy)
    return value


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
    record="full",
    progress=True,
    callback=None,
    **optimizer_kwargs,
):
    """Train ``net`` on (X, T) and return a History.

    optimizer: name or ffnn.optim instance (extra keywords such as momentum=0.9,
    weight_decay=1e-4, clip_norm=1.0 go to the named rule). batch_size: 1
    (on-line), B (mini-batch) or None (full batch). validation: (X_val, T_val).
    early_stopping: patience in epochs (or an EarlyStopping) -- stop when the monitored
    loss (validation if given, else training) has not improved by min_delta for that
    many epochs, and restore the best weights. lr_schedule: eta(epoch), see
    ffnn.optim.schedule. record: "full" (the training loss after each epoch, and
    the accuracy) or "running" (the mean batch loss during the epoch, no extra pass).
    callback(epoch, history) is called after every epoch; return True to stop.
    """
    run = prepare(
        net, X, T, loss, optimizer, lr, batch_size, validation, reduction, half, **optimizer_kwargs
    )
    epochs = positive_int(epochs, "epochs")
    if record not in ("full", "running"):
        raise ValueError(f"record must be 'full' or 'running', got {record!r}")
    if lr_schedule is not None and not callable(lr_schedule):
        raise ValueError(
            "lr_schedule must be a function of the epoch, e.g. ffnn.optim.schedule.step(0.1)"
        )
    stopper = (
        early_stopping
        if isinstance(early_stopping, EarlyStopping)
        else EarlyStopping(early_stopping, min_delta)
    )
    rng = np.random.default_rng(seed) if shuffle else None
    hist = History(loss=[], accuracy=[], val_loss=[], val_accuracy=[], lr=[], stopped_early=False)
    with progress_bar(epochs, progress) as bar:
        for epoch in range(epochs):
            if lr_schedule is not None:
                run.optimizer.set_lr(lr_schedule(epoch))
            if shuffle:
                rng.shuffle(run.order)
            running_loss = run_epoch(run, track_loss=record == "running")
            monitored = record_epoch(hist, run, running_loss)
            if not math.isfinite(monitored):
                raise FloatingPointError(
                    f"the loss became {monitored} at epoch {epoch + 1}: the learning rate "
                    f"({run.optimizer.lr:g}) is probably too large"
                )
            if bar is not None:
                bar.update(1)
                bar.set_postfix(loss=f"{hist['loss'][-1]:.4g}")
            stop = stopper.update(epoch, monitored, net.theta)
            hist["best_epoch"] = stopper.best_epoch
            if stop:
                hist["stopped_early"] = True
                break
            if callback is not None and callback(epoch, hist):
                break
    stopper.restore(net.theta)
    return hist


def progress_bar(epochs, show=True):
    """A tqdm bar over the epochs (a widget in JupyterLab, text elsewhere), or no bar (None).

    tqdm is imported here, on the first fit that shows a bar: a fit with progress=False (and
    ``import ffnn.train``) does not pay for it.
    """
    if not show:
        return nullcontext()
    from tqdm.auto import tqdm

    return tqdm(total=epochs, desc="epochs", leave=False)
