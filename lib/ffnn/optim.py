"""Update rules for gradient descent, one shared signature: opt.step(grads).

Lectures: 002 (Drchal) GD, momentum, Adagrad, RMSProp; 000 (Rossi) momentum;
003 (Cheng) gradient clipping; 002 L2 regularisation as MAP. Adam is not in
the notes; it is Kingma & Ba (2015), RMSProp plus a momentum average, both
bias-corrected.

With g = dL/dtheta (after weight decay and clipping), eta the learning rate:
  SGD       theta <- theta - eta g
  Momentum  v <- mu v - eta g;  theta <- theta + v                  (002)
  Adagrad   G <- G + g^2;  theta <- theta - eta g / (sqrt(G) + eps)  (002)
  RMSProp   G <- gamma G + (1 - gamma) g^2;  theta <- theta - eta g / (sqrt(G) + eps)
  Adam      m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2;
            theta <- theta - eta m_hat / (sqrt(v_hat) + eps),  m_hat = m / (1 - b1^t), ...
Weight decay adds lambda w to the gradient of every weight (L2 penalty
lambda/2 ||w||^2), L1 adds lambda sign(w); biases are not decayed.
Clipping: by value, g_i <- min(max(g_i, -c), c); by norm, g <- g c / ||g|| if ||g|| > c.

Each rule is one jitted function below with the cs231n-style signature
``rule(theta, g, state, hyper, t)``; ``update`` builds g and calls the rule that
``hyper.rule`` names. The arithmetic is float64 (as the hyper-parameters are), for
float32 parameters too, which only store the result. All state lives in arrays, so
``update`` also runs inside the fused training loops of ffnn.train. A learning-rate
schedule is a function eta(k) (see ``schedule``) applied by whoever runs the loop:
ffnn.train.fit's ``lr_schedule`` per epoch, or ``opt.set_lr(schedule(k))`` in a loop
of your own.
"""

import math
from collections import namedtuple
from enum import IntEnum

import numpy as np
from numba import njit

from ._checks import in_range, lookup, positive


class Rule(IntEnum):
    """The update rule a Hyper record selects."""

    SGD = 0
    MOMENTUM = 1
    ADAGRAD = 2
    RMSPROP = 3
    ADAM = 4


Hyper = namedtuple(
    "Hyper", "rule lr momentum decay beta1 beta2 eps weight_decay l1 clip_value clip_norm"
)
Hyper.__doc__ = """The rule and its hyper-parameters as the kernels read them; 0 where a
rule does not use one, and 0 switches weight decay, L1 and clipping off."""

Stepper = namedtuple("Stepper", "hyper state mask work t")
Stepper.__doc__ = """Everything ``update`` needs besides theta and the gradient: the Hyper
record, the state arrays, the decay mask, room for the effective gradient (float64) and
the number of steps taken so far."""

# rows of an optimizer's state array: momentum's v, Adagrad's and RMSProp's G, Adam's m
# (MOMENT1), and Adam's v (MOMENT2)
MOMENT1, MOMENT2 = range(2)


# ---------------------------------------------------------------- the rules


@njit(cache=True, inline="always")
def sgd(theta, g, state, hyper, t):
    """theta <- theta - eta g."""
    lr = hyper.lr
    for i in range(theta.shape[0]):
        theta[i] -= lr * g[i]


@njit(cache=True, inline="always")
def momentum(theta, g, state, hyper, t):
    """v <- mu v - eta g;  theta <- theta + v."""
    v, lr, mu = state[MOMENT1], hyper.lr, hyper.momentum
    for i in range(theta.shape[0]):
        v[i] = mu * v[i] - lr * g[i]
        theta[i] += v[i]


@njit(cache=True, inline="always")
def adagrad(theta, g, state, hyper, t):
    """G <- G + g^2;  theta <- theta - eta g / (sqrt(G) + eps)."""
    G, lr, eps = state[MOMENT1], hyper.lr, hyper.eps
    for i in range(theta.shape[0]):
        gi = np.float64(g[i])  # float64 arithmetic for float32 parameters too, as in every rule
        G[i] = G[i] + gi * gi
        theta[i] -= lr * gi / (math.sqrt(G[i]) + eps)


@njit(cache=True, inline="always")
def rmsprop(theta, g, state, hyper, t):
    """G <- gamma G + (1 - gamma) g^2;  theta <- theta - eta g / (sqrt(G) + eps)."""
    G, lr, gamma, eps = state[MOMENT1], hyper.lr, hyper.decay, hyper.eps
    for i in range(theta.shape[0]):
        G[i] = gamma * G[i] + (1.0 - gamma) * g[i] * g[i]
        theta[i] -= lr * g[i] / (math.sqrt(G[i]) + eps)


@njit(cache=True, inline="always")
def adam(theta, g, state, hyper, t):
    """m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2;
    theta <- theta - eta m_hat / (sqrt(v_hat) + eps),
    m_hat = m / (1 - b1^t),  v_hat = v / (1 - b2^t)  (t: the step number, from 1).
    """
    m, v = state[MOMENT1], state[MOMENT2]
    lr, b1, b2, eps = hyper.lr, hyper.beta1, hyper.beta2, hyper.eps
    c1 = 1.0 - b1**t
    c2 = 1.0 - b2**t
    for i in range(theta.shape[0]):
        m[i] = b1 * m[i] + (1.0 - b1) * g[i]
        v[i] = b2 * v[i] + (1.0 - b2) * g[i] * g[i]
        theta[i] -= lr * (m[i] / c1) / (math.sqrt(v[i] / c2) + eps)


@njit(cache=True, inline="always")
def effective_gradient(theta, grad, mask, hyper, out):
    """out = g = grad + mask (lambda_2 theta + lambda_1 sign(theta)), clipped by value, then
    by norm (``out`` is float64, whatever the parameters' dtype)."""
    c = hyper.clip_value
    sq = 0.0
    for i in range(theta.shape[0]):
        g = grad[i] + mask[i] * (hyper.weight_decay * theta[i] + hyper.l1 * np.sign(theta[i]))
        if c > 0.0:
            g = min(max(g, -c), c)
        out[i] = g
        sq += g * g
    norm = math.sqrt(sq)
    if hyper.clip_norm > 0.0 and norm > hyper.clip_norm:
        factor = hyper.clip_norm / norm
        for i in range(theta.shape[0]):
            out[i] = factor * out[i]
    return out


@njit(cache=True, inline="always")
def update(hyper, theta, grad, state, mask, work, t):
    """One step of the rule ``hyper.rule`` at step number t (1-based), in place on theta.

    The rule runs on the raw gradient when nothing is added or clipped (a plain loop that
    vectorises), else on the effective gradient built in ``work``.
    """
    if is_plain(hyper):
        apply_rule(hyper, theta, grad, state, t)
    else:
        apply_rule(hyper, theta, effective_gradient(theta, grad, mask, hyper, work), state, t)


@njit(cache=True, inline="always")
def is_plain(hyper):
    """True if the rule takes the raw gradient: no weight decay, L1 or clipping."""
    return (
        hyper.weight_decay == 0.0
        and hyper.l1 == 0.0
        and hyper.clip_value == 0.0
        and hyper.clip_norm == 0.0
    )


@njit(cache=True, inline="always")
def apply_rule(hyper, theta, g, state, t):
    """theta <- the rule ``hyper.rule`` applied with gradient g."""
    if hyper.rule == Rule.SGD:
        sgd(theta, g, state, hyper, t)
    elif hyper.rule == Rule.MOMENTUM:
        momentum(theta, g, state, hyper, t)
    elif hyper.rule == Rule.ADAGRAD:
        adagrad(theta, g, state, hyper, t)
    elif hyper.rule == Rule.RMSPROP:
        rmsprop(theta, g, state, hyper, t)
    else:
        adam(theta, g, state, hyper, t)


# ---------------------------------------------------------------- the optimizers


def _flat(params):
    """The flat vector behind params (a ParamList), or None for a plain list of arrays."""
    flat = getattr(params, "flat", None)
    if isinstance(flat, np.ndarray) and flat.ndim == 1:
        return flat
    return None


class Optimizer:
    """Base class: holds the parameters, the rule's state arrays and the hyper-parameters.

    ``params`` is ``net.params`` (or any list of float arrays, updated in place).
    ``weight_decay`` (L2) and ``l1`` apply where ``mask`` is 1: by default the
    weights of an MLP (``net.params.decay_mask``), every entry of a plain list of
    arrays. ``clip_value``/``clip_norm`` clip g. ``lr`` is a number; to change it
    on a schedule, call ``set_lr`` (ffnn.train.fit does, per epoch).
    """

    rule = Rule.SGD
    # hyper-parameters of the other rules: 0 (unused) unless a subclass sets them
    momentum = decay = beta1 = beta2 = eps = 0.0

    def __init__(
        self, params, lr=0.01, weight_decay=0.0, l1=0.0, clip_value=None, clip_norm=None, mask=None
    ):
        if isinstance(params, np.ndarray) or not hasattr(params, "__len__") or not len(params):
            raise ValueError("params must be a non-empty list of arrays, e.g. net.params")
        if callable(lr):
            raise ValueError(
                "lr must be a number; apply a schedule with fit(lr_schedule=...) "
                "or opt.set_lr(schedule(k)) in your own loop"
            )
        self.params = params
        self.flat = _flat(params)
        # a ParamList's arrays tile its flat vector
        size = self.flat.size if self.flat is not None else sum(np.size(p) for p in params)
        dtype = self.flat.dtype if self.flat is not None else np.float64
        self.lr = positive(lr, "learning rate lr")
        self.weight_decay = in_range(weight_decay, "weight_decay", 0.0, np.inf)
        self.l1 = in_range(l1, "l1", 0.0, np.inf)
        self.clip_value = 0.0 if clip_value is None else positive(clip_value, "clip_value")
        self.clip_norm = 0.0 if clip_norm is None else positive(clip_norm, "clip_norm")
        if mask is None:
            mask = getattr(params, "decay_mask", None)
        if mask is None:
            mask = np.ones(size)
        mask = np.array(mask, dtype=dtype).ravel()  # a copy: the network's mask stays
        if mask.size != size:
            raise ValueError(f"mask must have {size} entries (one per parameter), got {mask.size}")
        self.mask = mask
        self.state = np.zeros((2, size), dtype=dtype)
        self.work = np.zeros(size)
        self.t = 0

    def set_lr(self, lr):
        """Set the learning rate (checked to be positive) for the next steps."""
        self.lr = positive(lr, "learning rate lr")

    def hyper(self):
        """The Hyper record of this optimizer's current settings."""
        return Hyper(
            int(self.rule),
            self.lr,
            self.momentum,
            self.decay,
            self.beta1,
            self.beta2,
            self.eps,
            self.weight_decay,
            self.l1,
            self.clip_value,
            self.clip_norm,
        )  # in the order of Hyper's fields

    def stepper(self):
        """The Stepper record for kernels that take steps themselves (ffnn.train)."""
        return Stepper(self.hyper(), self.state, self.mask, self.work, self.t)

    def updates(self, theta):
        """True if this optimizer updates the flat vector ``theta`` (e.g. net.theta)."""
        return self.flat is theta

    def step(self, grads):
        """Apply one update with gradients ``grads`` (parallel to params)."""
        self.t += 1
        if self.flat is not None:
            g = _flat(grads)
            if g is None or g.size != self.flat.size:
                g = _concat(grads, self.params)
            update(self.hyper(), self.flat, g, self.state, self.mask, self.work, self.t)
            return
        theta, g = _concat(self.params, self.params), _concat(grads, self.params)
        update(self.hyper(), theta, g, self.state, self.mask, self.work, self.t)
        _scatter(theta, self.params)

    def reset(self):
        """Forget the rule's state (velocity, accumulated squares) and the step count."""
        self.state[:] = 0.0
        self.t = 0

    def __repr__(self):
        return f"{type(self).__name__}(lr={self.lr:g})"


def _concat(arrays, like):
    if len(arrays) != len(like):
        raise ValueError(
            f"expected {len(like)} gradient arrays (one per parameter), got {len(arrays)}"
        )
    out = []
    for g, p in zip(arrays, like, strict=True):
        g = np.asarray(g, dtype=np.float64)
        if g.shape != np.shape(p):
            raise ValueError(
                f"gradient shape {g.shape} does not match parameter shape {np.shape(p)}"
            )
        out.append(g.ravel())
    return np.ascontiguousarray(np.concatenate(out))


def _scatter(theta, params):
    pos = 0
    for p in params:
        p[...] = theta[pos : pos + p.size].reshape(p.shape)
        pos += p.size


class SGD(Optimizer):
    """theta <- theta - eta g."""

    rule = Rule.SGD


class Momentum(Optimizer):
    """v <- mu v - eta g; theta <- theta + v (002; 000: Dw(t) = -eta dE/dw + alpha Dw(t-1))."""

    rule = Rule.MOMENTUM

    def __init__(self, params, lr=0.01, momentum=0.9, **kwargs):
        super().__init__(params, lr, **kwargs)
        self.momentum = in_range(momentum, "momentum", 0.0, 1.0, hi_open=True)


class Adagrad(Optimizer):
    """G <- G + g^2; theta <- theta - eta g / (sqrt(G) + eps)."""

    rule = Rule.ADAGRAD

    def __init__(self, params, lr=0.01, eps=1e-8, **kwargs):
        super().__init__(params, lr, **kwargs)
        self.eps = positive(eps, "eps")


class RMSProp(Optimizer):
    """G <- gamma G + (1 - gamma) g^2; theta <- theta - eta g / (sqrt(G) + eps)."""

    rule = Rule.RMSPROP

    def __init__(self, params, lr=0.001, decay=0.9, eps=1e-8, **kwargs):
        super().__init__(params, lr, **kwargs)
        self.decay = in_range(decay, "decay", 0.0, 1.0, hi_open=True)
        self.eps = positive(eps, "eps")


class Adam(Optimizer):
    """m, v: averages of g, g^2, bias-corrected; theta -= eta m_hat / (sqrt(v_hat) + eps)."""

    rule = Rule.ADAM

    def __init__(self, params, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8, **kwargs):
        super().__init__(params, lr, **kwargs)
        self.beta1 = in_range(beta1, "beta1", 0.0, 1.0, hi_open=True)
        self.beta2 = in_range(beta2, "beta2", 0.0, 1.0, hi_open=True)
        self.eps = positive(eps, "eps")


RULES = {"sgd": SGD, "momentum": Momentum, "adagrad": Adagrad, "rmsprop": RMSProp, "adam": Adam}


def get(name, params, **kwargs):
    """Build an optimizer by name: get("adam", net.params, lr=0.01)."""
    return lookup(RULES, name, "optimizer")(params, **kwargs)


# ---------------------------------------------------------------- learning-rate schedules


class schedule:
    """Learning-rate schedules eta(k) for epoch (or step) k = 0, 1, 2, ...

    Pass one to ffnn.train.fit(lr_schedule=...), which sets eta(epoch) before every
    epoch, or call ``opt.set_lr(eta(k))`` before step k in a loop of your own.
    """

    @staticmethod
    def constant(lr):
        """eta_k = eta_0."""
        lr = positive(lr, "lr")
        return lambda k: lr

    @staticmethod
    def step(lr, drop=0.5, every=10):
        """eta_k = eta_0 drop^floor(k / every)."""
        lr, drop = positive(lr, "lr"), in_range(drop, "drop", 0.0, 1.0, lo_open=True)
        every = max(1, int(every))
        return lambda k: lr * drop ** (k // every)

    @staticmethod
    def exponential(lr, gamma=0.99):
        """eta_k = eta_0 gamma^k."""
        lr, gamma = positive(lr, "lr"), in_range(gamma, "gamma", 0.0, 1.0, lo_open=True)
        return lambda k: lr * gamma**k

    @staticmethod
    def inverse_time(lr, decay=0.01):
        """eta_k = eta_0 / (1 + decay k): sum eta_k diverges, sum eta_k^2 converges (002, SGD)."""
        lr, decay = positive(lr, "lr"), in_range(decay, "decay", 0.0, np.inf)
        return lambda k: lr / (1.0 + decay * k)

    @staticmethod
    def cosine(lr, total, lr_min=None):
        """eta_k = lr_min + (eta_0 - lr_min)(1 + cos(pi k / total)) / 2, then lr_min (> 0)."""
        lr, total = positive(lr, "lr"), max(1, int(total))
        lr_min = lr * 1e-3 if lr_min is None else positive(lr_min, "lr_min")
        return lambda k: (
            lr_min + (lr - lr_min) * 0.5 * (1.0 + math.cos(math.pi * min(k, total) / total))
        )
