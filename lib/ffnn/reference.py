"""The network in plain NumPy, one readable function per formula: the oracle for the kernels.

Nothing here calls Numba or a module that does, so the tests can check every
compiled kernel of ffnn against it, and a student can read it first. Same
conventions as the kernels: row-vector data X (n_samples, n_features), a layer
computes A = X W + b with W of shape (n_in, n_out).

- activations: f(a) and its derivative f'(a), elementwise (softmax: by rows,
  with its Jacobian instead of a derivative);
- losses: each returns (L, dL/dY), summed or averaged over the samples
  (``reduction``), squared error with or without the 1/2 (``half``);
- layers, cs231n-style (lecture 002 (Drchal) "Backpropagation Based on Modules"):
  ``forward(...) -> (out, cache)`` and ``backward(dout, cache) -> gradients``,
  chained by :func:`forward` and :func:`backprop` for a whole network;
- optimizer rules: ``rule(w, dw, state, lr, ...) -> (w, state)``, one function per
  rule, ``state`` a dict of the rule's arrays (updated in place and returned);
  :func:`effective_gradient` adds weight decay and clipping to dw first.
"""

import numpy as np

from ._checks import lookup

# ---------------------------------------------------------------- activations

DEFAULT_ALPHA = {"leaky_relu": 0.01, "elu": 1.0}


def identity(a):
    """f(a) = a."""
    return np.array(a, dtype=np.float64)


def identity_derivative(a):
    """f'(a) = 1."""
    return np.ones_like(np.asarray(a, dtype=np.float64))


def sigmoid(a):
    """f(a) = 1 / (1 + e^-a), as e^a / (1 + e^a) for a < 0 so that exp never overflows."""
    a = np.asarray(a, dtype=np.float64)
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_derivative(a):
    """f'(a) = f(a) (1 - f(a))."""
    s = sigmoid(a)
    return s * (1.0 - s)


def tanh(a):
    """f(a) = tanh(a)."""
    return np.tanh(np.asarray(a, dtype=np.float64))


def tanh_derivative(a):
    """f'(a) = 1 - tanh(a)^2."""
    return 1.0 - tanh(a) ** 2


def relu(a):
    """f(a) = max(0, a)."""
    return np.maximum(np.asarray(a, dtype=np.float64), 0.0)


def relu_derivative(a):
    """f'(a) = 1 if a > 0 else 0 (0 at the kink a = 0)."""
    return np.where(np.asarray(a) > 0, 1.0, 0.0)


def leaky_relu(a, alpha=0.01):
    """f(a) = a if a > 0 else alpha a."""
    a = np.asarray(a, dtype=np.float64)
    return np.where(a > 0, a, alpha * a)


def leaky_relu_derivative(a, alpha=0.01):
    """f'(a) = 1 if a > 0 else alpha."""
    return np.where(np.asarray(a) > 0, 1.0, float(alpha))


def elu(a, alpha=1.0):
    """f(a) = a if a > 0 else alpha (e^a - 1)."""
    a = np.asarray(a, dtype=np.float64)
    return np.where(a > 0, a, alpha * np.expm1(np.minimum(a, 0.0)))


def elu_derivative(a, alpha=1.0):
    """f'(a) = 1 if a > 0 else alpha e^a (= f(a) + alpha)."""
    a = np.asarray(a, dtype=np.float64)
    return np.where(a > 0, 1.0, alpha * np.exp(np.minimum(a, 0.0)))


def softmax(a):
    """y_k = e^(a_k - m) / sum_j e^(a_j - m) over the last axis, m = max_j a_j."""
    a = np.asarray(a, dtype=np.float64)
    e = np.exp(a - a.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def softmax_jacobian(y):
    """dy_k / da_j = y_k (delta_kj - y_j) for one softmax output vector y."""
    y = np.asarray(y, dtype=np.float64)
    return np.diag(y) - np.outer(y, y)


# name -> (f, f'); leaky ReLU and ELU take alpha as their second argument
ACTIVATIONS = {
    "identity": (identity, identity_derivative),
    "sigmoid": (sigmoid, sigmoid_derivative),
    "tanh": (tanh, tanh_derivative),
    "relu": (relu, relu_derivative),
    "leaky_relu": (leaky_relu, leaky_relu_derivative),
    "elu": (elu, elu_derivative),
    "softmax": (softmax, None),
}
_ACTIVATION_NAMES = {name: name for name in ACTIVATIONS} | {
    "linear": "identity",
    "logistic": "sigmoid",
}


def activation(name, alpha=None):
    """(canonical name, f, f') with alpha bound (default 0.01 for leaky ReLU, 1.0 for ELU).

    Softmax has no elementwise derivative: its f' is None (see softmax_jacobian).
    """
    name = lookup(_ACTIVATION_NAMES, name, "activation")
    f, df = ACTIVATIONS[name]
    if name in DEFAULT_ALPHA:
        alpha = DEFAULT_ALPHA[name] if alpha is None else float(alpha)
        return name, (lambda a: f(a, alpha)), (lambda a: df(a, alpha))
    return name, f, df


# ---------------------------------------------------------------- losses


def _scale(Y, reduction):
    """1/n for the mean over the n samples (rows), 1 for the sum."""
    if reduction not in ("mean", "sum"):
        raise ValueError(f"reduction must be 'mean' or 'sum', got {reduction!r}")
    return 1.0 / Y.shape[0] if reduction == "mean" else 1.0


def _rows(Y):
    """Y as a float 2-D array; a 1-D array is one column (one output per sample)."""
    Y = np.asarray(Y, dtype=np.float64)
    return Y.reshape(-1, 1) if Y.ndim == 1 else Y


def squared_error(Y, T, reduction="mean", half=True):
    """L = s c sum (y - t)^2,  dL/dY = 2 s c (Y - T);  c = 1/2 if half else 1, s = 1/n or 1."""
    Y, T = _rows(Y), _rows(T)
    s, c = _scale(Y, reduction), 0.5 if half else 1.0
    return s * c * np.sum((Y - T) ** 2), s * 2.0 * c * (Y - T)


def binary_cross_entropy(Y, T, reduction="mean"):
    """L = -s sum [t ln y + (1 - t) ln(1 - y)],  dL/dY = s (Y - T) / (Y (1 - Y))."""
    Y, T = _rows(Y), _rows(T)
    s = _scale(Y, reduction)
    value = -np.sum(T * np.log(Y) + (1.0 - T) * np.log(1.0 - Y))
    return s * value, s * (Y - T) / (Y * (1.0 - Y))


def cross_entropy(Y, T, reduction="mean"):
    """L = -s sum t ln y (T one-hot),  dL/dY = -s T / Y."""
    Y, T = _rows(Y), _rows(T)
    s = _scale(Y, reduction)
    return -s * np.sum(T * np.log(Y)), -s * T / Y


def absolute_error(Y, T, reduction="mean"):
    """L = s sum |y - t|,  dL/dY = s sign(Y - T)."""
    Y, T = _rows(Y), _rows(T)
    s = _scale(Y, reduction)
    return s * np.sum(np.abs(Y - T)), s * np.sign(Y - T)


LOSSES = {
    "squared": squared_error,
    "bce": binary_cross_entropy,
    "ce": cross_entropy,
    "absolute": absolute_error,
}
_LOSS_NAMES = {name: name for name in LOSSES} | {
    "mse": "squared",
    "binary_cross_entropy": "bce",
    "cross_entropy": "ce",
    "mae": "absolute",
}
# the loss that pairs with each output unit (dL/dA = Y - T): identity, sigmoid, softmax
DEFAULT_LOSS = {"identity": "squared", "sigmoid": "bce", "softmax": "ce"}


def loss_gradient(Y, T, loss, reduction="mean", half=True):
    """(L, dL/dY) for the loss named ``loss`` ("squared", "bce", "ce", "absolute")."""
    name = lookup(_LOSS_NAMES, loss, "loss")
    if name == "squared":
        return squared_error(Y, T, reduction, half)
    return LOSSES[name](Y, T, reduction)


# ---------------------------------------------------------------- layers


def dense_forward(X, W, b):
    """A = X W + b."""
    return X @ W + b, (X, W)


def dense_backward(dA, cache):
    """dX = dA W^T, dW = X^T dA, db = sum over rows of dA."""
    X, W = cache
    return dA @ W.T, X.T @ dA, dA.sum(axis=0)


def activation_forward(A, name, alpha=None):
    """H = f(A)."""
    name, f, df = activation(name, alpha)
    H = f(A)
    return H, (A, H, name, df)


def activation_backward(dH, cache):
    """dA = dH * f'(A) (elementwise); for softmax dA_k = y_k (dH_k - sum_j dH_j y_j)."""
    A, H, name, df = cache
    if name == "softmax":
        return H * (dH - np.sum(dH * H, axis=1, keepdims=True))
    return dH * df(A)


# ---------------------------------------------------------------- the network


def forward(net, X):
    """(Y, caches): H^0 = X, A^l = H^{l-1} W^l + b^l, H^l = f(A^l); Y = H^L.

    ``net`` is an ffnn.MLP, or anything with weights, biases, hidden, output and alpha.
    """
    H, caches = np.asarray(X, dtype=np.float64), []
    L = len(net.weights)
    for l, (W, b) in enumerate(zip(net.weights, net.biases, strict=True)):
        A, dense_cache = dense_forward(H, W, b)
        H, act_cache = activation_forward(A, net.output if l == L - 1 else net.hidden, net.alpha)
        caches.append((dense_cache, act_cache))
    return H, caches


def backprop(net, X, T, loss=None, reduction="mean", half=True, return_deltas=False):
    """(L, grads) for a network, layer by layer: the twin of MLP.loss_and_gradients.

    delta^L = dL/dA^L from the loss and the output unit; then for l = L, ..., 1
        dW^l = (H^{l-1})^T delta^l,  db^l = sum_rows delta^l,
        delta^{l-1} = (delta^l (W^l)^T) * f'(A^{l-1}).
    ``grads`` is [dW1, db1, dW2, ...]; ``loss`` defaults to the output unit's pair
    (identity: squared, sigmoid: bce, softmax: ce). With return_deltas, also the
    list of deltas dL/dA^l per layer (first layer first).
    """
    Y, caches = forward(net, X)
    loss = loss or DEFAULT_LOSS.get(net.output, "squared")
    value, dH = loss_gradient(Y, T, loss, reduction, half)
    grads, deltas = [], []
    for dense_cache, act_cache in reversed(caches):
        dA = activation_backward(dH, act_cache)
        dH, dW, db = dense_backward(dA, dense_cache)
        grads, deltas = [dW, db, *grads], [dA, *deltas]
    return (value, grads, deltas) if return_deltas else (value, grads)


# ---------------------------------------------------------------- optimizer rules


def effective_gradient(w, dw, weight_decay=0.0, l1=0.0, mask=1.0, clip_value=None, clip_norm=None):
    """g = dw + mask (lambda_2 w + lambda_1 sign(w)), clipped to [-c, c], then scaled to norm c.

    ``mask`` is 1 where a penalty applies (an MLP's weights) and 0 elsewhere (its
    biases). Clipping by norm: g <- g c / ||g|| when ||g|| > c (the norm over all of g).
    """
    g = dw + mask * (weight_decay * w + l1 * np.sign(w))
    if clip_value is not None:
        g = np.clip(g, -clip_value, clip_value)
    if clip_norm is not None:
        norm = np.linalg.norm(g)
        if norm > clip_norm:
            g = g * (clip_norm / norm)
    return g


def sgd(w, dw, state, lr=0.01):
    """w <- w - lr dw."""
    return w - lr * dw, state


def momentum(w, dw, state, lr=0.01, mu=0.9):
    """v <- mu v - lr dw;  w <- w + v  (v starts at 0)."""
    state["v"] = mu * state.get("v", 0.0) - lr * dw
    return w + state["v"], state


def adagrad(w, dw, state, lr=0.01, eps=1e-8):
    """G <- G + dw^2;  w <- w - lr dw / (sqrt(G) + eps)  (G starts at 0)."""
    state["G"] = state.get("G", 0.0) + dw * dw
    return w - lr * dw / (np.sqrt(state["G"]) + eps), state


def rmsprop(w, dw, state, lr=0.001, decay=0.9, eps=1e-8):
    """G <- decay G + (1 - decay) dw^2;  w <- w - lr dw / (sqrt(G) + eps)  (G starts at 0)."""
    state["G"] = decay * state.get("G", 0.0) + (1.0 - decay) * dw * dw
    return w - lr * dw / (np.sqrt(state["G"]) + eps), state


def adam(w, dw, state, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
    """t <- t + 1;  m <- beta1 m + (1 - beta1) dw;  v <- beta2 v + (1 - beta2) dw^2;
    w <- w - lr m_hat / (sqrt(v_hat) + eps),  m_hat = m / (1 - beta1^t), v_hat = v / (1 - beta2^t).
    """
    state["t"] = state.get("t", 0) + 1
    state["m"] = beta1 * state.get("m", 0.0) + (1.0 - beta1) * dw
    state["v"] = beta2 * state.get("v", 0.0) + (1.0 - beta2) * dw * dw
    m_hat = state["m"] / (1.0 - beta1 ** state["t"])
    v_hat = state["v"] / (1.0 - beta2 ** state["t"])
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), state


RULES = {"sgd": sgd, "momentum": momentum, "adagrad": adagrad, "rmsprop": rmsprop, "adam": adam}
