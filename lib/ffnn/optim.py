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

All state lives in arrays (``state`` rows: velocity or G or m, and v) so the
whole update is one jitted kernel, also callable from inside the fused
training loop in ffnn.train.
"""

import math

import numpy as np
from numba import njit

from ._checks import in_range, lookup, positive

SGD_, MOMENTUM, ADAGRAD, RMSPROP, ADAM = range(5)
# layout of the hyper-parameter vector passed to the kernel
LR, MU, BETA2, EPS, L2, L1, CLIP_VALUE, CLIP_NORM = range(8)
N_HYPER = 8


@njit(cache=True)
def effective_grad(i, theta, grad, mask, hyper):
    """g_i + lambda_2 m_i theta_i + lambda_1 m_i sign(theta_i), then clipped by value."""
    g = grad[i] + mask[i] * (hyper[L2] * theta[i] + hyper[L1] * np.sign(theta[i]))
    c = hyper[CLIP_VALUE]
    if c > 0.0:
        g = min(max(g, -c), c)
    return g


@njit(cache=True, inline="always")
def update(rule, theta, grad, state, mask, hyper, t):
    """One step of ``rule`` at step number t (1-based) on the flat vectors, in place.

    Without weight decay or clipping g = grad, and each rule is one plain loop
    that the compiler vectorises; otherwise g is built element by element.
    """
    P = theta.shape[0]
    lr, mu, beta2, eps = hyper[LR], hyper[MU], hyper[BETA2], hyper[EPS]
    plain = hyper[L2] == 0.0 and hyper[L1] == 0.0 and hyper[CLIP_VALUE] == 0.0
    factor = 1.0
    if hyper[CLIP_NORM] > 0.0:
        plain = False
        sq = 0.0
        for i in range(P):
            g = effective_grad(i, theta, grad, mask, hyper)
            sq += g * g
        norm = math.sqrt(sq)
        if norm > hyper[CLIP_NORM]:
            factor = hyper[CLIP_NORM] / norm
    if rule == SGD_:
        if plain:
            for i in range(P):
                theta[i] -= lr * grad[i]
        else:
            for i in range(P):
                theta[i] -= lr * factor * effective_grad(i, theta, grad, mask, hyper)
    elif rule == MOMENTUM:
        v = state[0]
        if plain:
            for i in range(P):
                v[i] = mu * v[i] - lr * grad[i]
                theta[i] += v[i]
        else:
            for i in range(P):
                v[i] = mu * v[i] - lr * factor * effective_grad(i, theta, grad, mask, hyper)
                theta[i] += v[i]
    elif rule == ADAGRAD or rule == RMSPROP:
        G = state[0]
        keep = 1.0 if rule == ADAGRAD else beta2  # G <- keep G + (1 - keep or 1) g^2
        add = 1.0 if rule == ADAGRAD else 1.0 - beta2
        for i in range(P):
            g = grad[i] if plain else factor * effective_grad(i, theta, grad, mask, hyper)
            G[i] = keep * G[i] + add * g * g
            theta[i] -= lr * g / (math.sqrt(G[i]) + eps)
    else:  # ADAM
        m, v = state[0], state[1]
        c1 = 1.0 - mu**t
        c2 = 1.0 - beta2**t
        for i in range(P):
            g = grad[i] if plain else factor * effective_grad(i, theta, grad, mask, hyper)
            m[i] = mu * m[i] + (1.0 - mu) * g
            v[i] = beta2 * v[i] + (1.0 - beta2) * g * g
            theta[i] -= lr * (m[i] / c1) / (math.sqrt(v[i] / c2) + eps)


def _flat(params):
    """The flat vector behind params (a ParamList), or None for a plain list of arrays."""
    flat = getattr(params, "flat", None)
    if isinstance(flat, np.ndarray) and flat.ndim == 1:
        return flat
    return None


class Optimizer:
    """Base class: holds the parameters, the rule's state arrays and the hyper-parameters.

    ``params`` is ``net.params`` (or any list of float arrays, updated in place).
    ``weight_decay`` (L2) and ``l1`` apply to ``mask``ed entries (by default the
    weights of an MLP, i.e. not the biases); ``clip_value``/``clip_norm`` clip g.
    ``lr`` may be a number or a schedule (see ffnn.optim.schedule).
    """

    rule = SGD_

    def __init__(
        self, params, lr=0.01, weight_decay=0.0, l1=0.0, clip_value=None, clip_norm=None, mask=None
    ):
        if isinstance(params, np.ndarray) or not hasattr(params, "__len__") or not len(params):
            raise ValueError("params must be a non-empty list of arrays, e.g. net.params")
        self.params = params
        self._flat = _flat(params)
        size = self._flat.size if self._flat is not None else sum(np.size(p) for p in params)
        dtype = self._flat.dtype if self._flat is not None else np.float64
        self.schedule = lr if callable(lr) else None
        self.lr = positive(lr(0) if callable(lr) else lr, "learning rate lr")
        self.hyper = np.zeros(N_HYPER)
        self.hyper[LR] = self.lr
        self.hyper[L2] = in_range(weight_decay, "weight_decay", 0.0, np.inf)
        self.hyper[L1] = in_range(l1, "l1", 0.0, np.inf)
        self.hyper[CLIP_VALUE] = 0.0 if clip_value is None else positive(clip_value, "clip_value")
        self.hyper[CLIP_NORM] = 0.0 if clip_norm is None else positive(clip_norm, "clip_norm")
        if mask is None:
            mask = _default_mask(params, size)
        self.mask = np.ascontiguousarray(mask, dtype=dtype).reshape(-1)
        if self.mask.size != size:
            raise ValueError(f"mask must have {size} entries (one per parameter), got {mask.size}")
        self.state = np.zeros((2, size), dtype=dtype)
        self.t = 0

    def set_lr(self, lr):
        self.lr = self.hyper[LR] = positive(lr, "learning rate lr")

    def step(self, grads):
        """Apply one update with gradients ``grads`` (parallel to params)."""
        self.t += 1
        if self.schedule is not None:
            self.set_lr(self.schedule(self.t - 1))
        if self._flat is not None:
            g = _flat(grads)
            if g is None or g.size != self._flat.size:
                g = _concat(grads, self.params)
            update(self.rule, self._flat, g, self.state, self.mask, self.hyper, self.t)
            return
        theta = _concat(self.params, self.params)
        update(
            self.rule, theta, _concat(grads, self.params), self.state, self.mask, self.hyper, self.t
        )
        _scatter(theta, self.params)

    def reset(self):
        """Forget the rule's state (velocity, accumulated squares) and the step count."""
        self.state[:] = 0.0
        self.t = 0

    def __repr__(self):
        return f"{type(self).__name__}(lr={self.lr:g})"


def _default_mask(params, size):
    flat = _flat(params)
    if flat is not None and len(params) % 2 == 0:
        # ffnn.MLP layout: W1, b1, W2, b2, ...: decay the W's only
        mask = np.zeros(size)
        pos = 0
        for k, p in enumerate(params):
            if k % 2 == 0:
                mask[pos : pos + p.size] = 1.0
            pos += p.size
        return mask
    return np.ones(size)


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
        out.append(g.reshape(-1))
    return np.ascontiguousarray(np.concatenate(out))


def _scatter(theta, params):
    pos = 0
    for p in params:
        p[...] = theta[pos : pos + p.size].reshape(p.shape)
        pos += p.size


class SGD(Optimizer):
    """theta <- theta - eta g."""

    rule = SGD_


class Momentum(Optimizer):
    """v <- mu v - eta g; theta <- theta + v (002; 000: Dw(t) = -eta dE/dw + alpha Dw(t-1))."""

    rule = MOMENTUM

    def __init__(self, params, lr=0.01, momentum=0.9, **kwargs):
        super().__init__(params, lr, **kwargs)
        self.hyper[MU] = in_range(momentum, "momentum", 0.0, 1.0, hi_open=True)


class Adagrad(Optimizer):
    """G <- G + g^2; theta <- theta - eta g / (sqrt(G) + eps)."""

    rule = ADAGRAD

    def __init__(self, params, lr=0.01, eps=1e-8, **kwargs):
        super().__init__(params, lr, **kwargs)
        self.hyper[EPS] = positive(eps, "eps")


class RMSProp(Optimizer):
    """G <- gamma G + (1 - gamma) g^2; theta <- theta - eta g / (sqrt(G) + eps)."""

    rule = RMSPROP

    def __init__(self, params, lr=0.001, decay=0.9, eps=1e-8, **kwargs):
        super().__init__(params, lr, **kwargs)
        self.hyper[BETA2] = in_range(decay, "decay", 0.0, 1.0, hi_open=True)
        self.hyper[EPS] = positive(eps, "eps")


class Adam(Optimizer):
    """m, v: averages of g, g^2, bias-corrected; theta -= eta m_hat / (sqrt(v_hat) + eps)."""

    rule = ADAM

    def __init__(self, params, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8, **kwargs):
        super().__init__(params, lr, **kwargs)
        self.hyper[MU] = in_range(beta1, "beta1", 0.0, 1.0, hi_open=True)
        self.hyper[BETA2] = in_range(beta2, "beta2", 0.0, 1.0, hi_open=True)
        self.hyper[EPS] = positive(eps, "eps")


RULES = {"sgd": SGD, "momentum": Momentum, "adagrad": Adagrad, "rmsprop": RMSProp, "adam": Adam}


def get(name, params, **kwargs):
    """Build an optimizer by name: get("adam", net.params, lr=0.01)."""
    return lookup(RULES, name, "optimizer")(params, **kwargs)


# ---------------------------------------------------------------- learning-rate schedules


class schedule:
    """Learning-rate schedules eta(k) for step (or epoch) k = 0, 1, 2, ...

    Pass one as ``lr=`` to an optimizer (evaluated per update step) or to
    ffnn.train.fit(lr_schedule=...) (evaluated per epoch).
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
