"""The multilayer perceptron: forward pass keeping a and h per layer, and backprop.

Lectures: 003 (Cheng) eqs. 6a-6f and their matrix form 7-9; 000 (Rossi)
node-indexed delta rule; 004 (Chen) chain rule in matrix form.

With row-vector data, layer l (l = 1..L) computes
    A^l = H^{l-1} W^l + b^l,     H^l = f(A^l),     H^0 = X
and backprop runs the deltas down from the output:
    delta^L     = dL/dA^L                       (= (Y - T)/n for matched pairs)
    dL/dW^l     = (H^{l-1})^T delta^l,   dL/db^l = sum_rows delta^l
    delta^{l-1} = (delta^l (W^l)^T) * f'(A^{l-1})
``W^l`` has shape (n_in, n_out); the lectures' w_ji (from unit i to unit j)
is ``W[i, j]`` here, and their column form a = W x is our row form a = x W.

All parameters live in one flat vector ``theta``; ``net.params`` are views
into it ([W1, b1, W2, b2, ...]) and the gradients come back the same way,
so an optimizer updates every parameter with one kernel call.
"""

import numpy as np
from numba import njit

from . import activations as act
from . import init as init_schemes
from . import losses
from ._checks import as_matrix, lookup, positive_int, same_rows

SMALL = 4096  # below this many multiply-adds a plain loop beats a BLAS call


class ParamList(list):
    """A list of arrays that are views into one flat vector ``.flat``."""

    def __init__(self, arrays, flat):
        super().__init__(arrays)
        self.flat = flat


# ---------------------------------------------------------------- layout helpers


def make_layout(sizes):
    """int64 (L, 5) table: n_in, n_out, offset of W, offset of b, offset of the units."""
    L = len(sizes) - 1
    layout = np.zeros((L, 5), dtype=np.int64)
    p = u = 0
    for l in range(L):
        n_in, n_out = sizes[l], sizes[l + 1]
        layout[l] = (n_in, n_out, p, p + n_in * n_out, u)
        p += n_in * n_out + n_out
        u += n_out
    return layout


@njit(cache=True)
def weight(theta, layout, l):
    """W^l as an (n_in, n_out) view into theta."""
    n_in, n_out, w0 = layout[l, 0], layout[l, 1], layout[l, 2]
    return theta[w0 : w0 + n_in * n_out].reshape((n_in, n_out))


@njit(cache=True)
def bias(theta, layout, l):
    """b^l as an (n_out,) view into theta."""
    n_out, b0 = layout[l, 1], layout[l, 3]
    return theta[b0 : b0 + n_out]


@njit(cache=True)
def units(buf, n, layout, l):
    """The (n, n_out) block of layer l in a per-unit buffer (A, H or delta)."""
    n_out, u0 = layout[l, 1], layout[l, 4]
    return buf[n * u0 : n * (u0 + n_out)].reshape((n, n_out))


# ---------------------------------------------------------------- small linear algebra


@njit(cache=True)
def affine(X, W, b, out):
    """out = X @ W + b.  Small products row by row: out_i = b + sum_p x_ip W_p (vectorised)."""
    n, k = X.shape
    m = W.shape[1]
    if n * k * m >= SMALL:
        np.dot(X, W, out)  # BLAS, written straight into out
        for i in range(n):
            for j in range(m):
                out[i, j] += b[j]
        return
    for i in range(n):
        for j in range(m):
            out[i, j] = b[j]
        for p in range(k):
            x = X[i, p]
            for j in range(m):
                out[i, j] += x * W[p, j]


@njit(cache=True)
def matmul_tn(H, D, out):
    """out = H.T @ D (the weight gradient)."""
    n, k = H.shape
    m = D.shape[1]
    if n * k * m >= SMALL:
        np.dot(H.T, D, out)
        return
    out[:, :] = 0.0
    for i in range(n):
        for p in range(k):
            h = H[i, p]
            for j in range(m):
                out[p, j] += h * D[i, j]


@njit(cache=True)
def matmul_nt(D, W, out):
    """out = D @ W.T (the delta sent back to the layer below)."""
    n, m = D.shape
    k = W.shape[0]
    if n * k * m >= SMALL:
        np.dot(D, W.T, out)
        return
    for i in range(n):
        for p in range(k):
            out[i, p] = 0.0
        for j in range(m):
            d = D[i, j]
            for p in range(k):
                out[i, p] += d * W[p, j]


# ---------------------------------------------------------------- kernels


@njit(cache=True, error_model="numpy")
def forward_kernel(theta, layout, hidden, output, alpha, X, A_buf, H_buf):
    """A^l = H^{l-1} W^l + b^l, H^l = f(A^l) for l = 1..L; fills A_buf and H_buf."""
    n = X.shape[0]
    L = layout.shape[0]
    h = X
    for l in range(L):
        W = weight(theta, layout, l)
        b = bias(theta, layout, l)
        A = units(A_buf, n, layout, l)
        H = units(H_buf, n, layout, l)
        affine(h, W, b, A)
        act.activate_array(output if l == L - 1 else hidden, A, alpha, H)
        h = H
    return h


@njit(cache=True)
def backward_kernel(
    theta, layout, hidden, output, alpha, loss, half, scale, X, T, A_buf, H_buf, D_buf, grad
):
    """Backprop after forward_kernel: fills grad (same layout as theta), returns the loss.

    delta^L = dL/dA^L; dW^l = H^{l-1}.T delta^l; db^l = sum delta^l;
    delta^{l-1} = (delta^l W^l.T) * f'(A^{l-1}).  ``scale`` is 1/n for a mean loss.
    """
    n = X.shape[0]
    L = layout.shape[0]
    A = units(A_buf, n, layout, L - 1)
    Y = units(H_buf, n, layout, L - 1)
    D = units(D_buf, n, layout, L - 1)
    losses.output_delta(loss, output, alpha, A, Y, T, half, scale, D)
    value = scale * losses.loss_sum(loss, output, A, Y, T, half)
    for l in range(L - 1, -1, -1):
        D = units(D_buf, n, layout, l)
        h_prev = X if l == 0 else units(H_buf, n, layout, l - 1)
        matmul_tn(h_prev, D, weight(grad, layout, l))
        gb = bias(grad, layout, l)
        gb[:] = 0.0
        for i in range(n):
            for j in range(D.shape[1]):
                gb[j] += D[i, j]
        if l > 0:
            D_prev = units(D_buf, n, layout, l - 1)
            A_prev = units(A_buf, n, layout, l - 1)
            matmul_nt(D, weight(theta, layout, l), D_prev)
            act.backprop_through(hidden, A_prev, h_prev, alpha, D_prev)
    return value


# ---------------------------------------------------------------- the model


_DEFAULT_LOSS = {act.IDENTITY: "squared", act.SIGMOID: "bce", act.SOFTMAX: "ce"}


class MLP:
    """A fully connected feed-forward network.

    >>> net = MLP([2, 8, 1], hidden="tanh", output="sigmoid", init="xavier", seed=0)
    >>> Y = net.forward(X)                                   # (n_samples, 1)
    >>> loss, grads = net.loss_and_gradients(X, T, loss="bce")

    ``sizes`` lists the units per layer, inputs first. ``hidden``/``output`` are
    activation names (see ffnn.activations). ``init`` is a scheme name from
    ffnn.init ("xavier", "he", "gaussian", "zeros", ...); ``init_kwargs`` go to
    it (e.g. sigma=0.01). ``alpha`` is leaky ReLU's slope / ELU's scale
    (default 0.01 / 1.0), shared by hidden and output units.
    """

    def __init__(
        self,
        sizes,
        hidden="tanh",
        output="sigmoid",
        init="xavier",
        seed=0,
        alpha=None,
        init_kwargs=None,
        dtype=np.float64,
    ):
        if not isinstance(sizes, (list, tuple, np.ndarray)) or len(sizes) < 2:
            raise ValueError(
                f"sizes must list at least 2 layer sizes (inputs, ..., outputs), got {sizes!r}"
            )
        self.sizes = tuple(positive_int(s, "each layer size") for s in sizes)
        hidden_act = act.get(hidden, alpha)
        if hidden_act.code == act.SOFTMAX:
            raise ValueError("softmax is an output activation; choose another hidden activation")
        output_act = act.get(output, alpha)
        self.hidden, self.output = hidden_act.name, output_act.name
        self._hidden, self._output = hidden_act.code, output_act.code
        # one alpha serves the whole net: the hidden unit's default, else the output's
        if alpha is None:
            alpha = act.DEFAULT_ALPHA.get(self.hidden, act.DEFAULT_ALPHA.get(self.output, 0.0))
        self.alpha = float(alpha)
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.float64, np.float32):
            raise ValueError(f"dtype must be float64 or float32, got {self.dtype}")
        self.layout = make_layout(self.sizes)
        n_params = int(self.layout[-1, 3] + self.sizes[-1])
        self.theta = np.zeros(n_params, dtype=self.dtype)
        self.params = self._views(self.theta)
        self.init_name = init
        self.reinitialize(init, seed, **(init_kwargs or {}))
        self._buffers = {}

    # -- parameters
    @property
    def n_layers(self):
        return len(self.sizes) - 1

    @property
    def weights(self):
        return self.params[0::2]

    @property
    def biases(self):
        return self.params[1::2]

    def _views(self, flat):
        # the kernels' view helpers run as plain Python here (py_func): same
        # slicing, no compiled call, so building a network never waits for Numba
        views = []
        for l in range(self.n_layers):
            views.append(weight.py_func(flat, self.layout, l))
            views.append(bias.py_func(flat, self.layout, l))
        return ParamList(views, flat)

    def reinitialize(self, init="xavier", seed=0, **init_kwargs):
        """Draw new weights with scheme ``init`` from ``seed``; biases are set to 0."""
        scheme = init_schemes.get(init)
        rng = np.random.default_rng(seed)
        for W, b in zip(self.weights, self.biases, strict=True):
            W[:] = scheme(W.shape[0], W.shape[1], rng, **init_kwargs)
            b[:] = 0.0
        return self

    def decay_mask(self):
        """1 for weights, 0 for biases: L2/L1 penalties act on the weights only."""
        mask = np.zeros_like(self.theta)
        for l in range(self.n_layers):
            w0, b0 = self.layout[l, 2], self.layout[l, 3]
            mask[w0:b0] = 1.0
        return mask

    def copy(self):
        other = MLP.__new__(MLP)
        other.__dict__.update(self.__dict__)
        other.theta = self.theta.copy()
        other.params = other._views(other.theta)
        other._buffers = {}
        return other

    def get_params(self):
        """A dict of copies W1, b1, W2, ... (export: np.savez(path, **net.get_params()))."""
        out = {}
        for l in range(self.n_layers):
            out[f"W{l + 1}"] = self.params[2 * l].copy()
            out[f"b{l + 1}"] = self.params[2 * l + 1].copy()
        return out

    def set_params(self, params):
        """Load W1, b1, ... from a dict or a list of arrays, checking every shape."""
        arrays = (
            [params[k] for l in range(self.n_layers) for k in (f"W{l + 1}", f"b{l + 1}")]
            if isinstance(params, dict)
            else list(params)
        )
        if len(arrays) != len(self.params):
            raise ValueError(f"expected {len(self.params)} arrays (W1, b1, ...), got {len(arrays)}")
        for i, (dst, src) in enumerate(zip(self.params, arrays, strict=True)):
            src = np.asarray(src, dtype=self.dtype)
            if src.shape != dst.shape:
                name = ("W" if i % 2 == 0 else "b") + str(i // 2 + 1)
                raise ValueError(f"{name} must have shape {dst.shape}, got {src.shape}")
            dst[...] = src
        return self

    def save(self, path):
        """Save sizes, activations and parameters to an .npz file."""
        np.savez(
            path,
            sizes=np.array(self.sizes),
            hidden=self.hidden,
            output=self.output,
            alpha=self.alpha,
            **self.get_params(),
        )

    @classmethod
    def load(cls, path):
        with np.load(path) as data:
            net = cls(
                [int(s) for s in data["sizes"]],
                hidden=str(data["hidden"]),
                output=str(data["output"]),
                alpha=float(data["alpha"]),
            )
            return net.set_params({k: data[k] for k in data.files if k[0] in "Wb"})

    # -- computation
    def _check_X(self, X):
        return as_matrix(X, "X", n_cols=self.sizes[0], dtype=self.dtype)

    def _check_T(self, T, n):
        T = as_matrix(T, "T", dtype=self.dtype)
        if T.shape[1] != self.sizes[-1]:
            hint = ""
            if self.sizes[-1] > 1 and T.shape[1] == 1:
                hint = " (for class labels use ffnn.losses.one_hot(labels))"
            raise ValueError(
                f"T must have shape (n_samples, {self.sizes[-1]}) to match the output layer, "
                f"got {T.shape}{hint}"
            )
        if T.shape[0] != n:
            raise ValueError(
                f"X and T must have the same number of samples, got {n} and {T.shape[0]}"
            )
        return T

    def buffers(self, n):
        """Work arrays (A, H, delta, grad) for a batch of n samples, reused across calls."""
        buf = self._buffers.get(n)
        if buf is None:
            if len(self._buffers) > 8:
                self._buffers.clear()
            n_units = int(sum(self.sizes[1:]))
            buf = tuple(np.empty(n * n_units, dtype=self.dtype) for _ in range(3))
            self._buffers[n] = buf
        return buf

    def _forward(self, X):
        A_buf, H_buf, _ = self.buffers(X.shape[0])
        forward_kernel(
            self.theta, self.layout, self._hidden, self._output, self.alpha, X, A_buf, H_buf
        )
        return A_buf, H_buf

    def forward(self, X):
        """Y = H^L, the network's output for every row of X, shape (n_samples, n_outputs)."""
        X = self._check_X(X)
        _, H_buf = self._forward(X)
        return units.py_func(H_buf, X.shape[0], self.layout, self.n_layers - 1).copy()

    __call__ = forward

    def forward_all(self, X):
        """Lists (A, H) of the pre-activations and activations of every layer (copies)."""
        X = self._check_X(X)
        A_buf, H_buf = self._forward(X)
        n = X.shape[0]
        As = [units.py_func(A_buf, n, self.layout, l).copy() for l in range(self.n_layers)]
        Hs = [units.py_func(H_buf, n, self.layout, l).copy() for l in range(self.n_layers)]
        return As, Hs

    def default_loss(self):
        """The output unit's loss: identity->squared, sigmoid->bce, softmax->ce."""
        return _DEFAULT_LOSS.get(self._output, "squared")

    def loss_and_gradients(self, X, T, loss=None, reduction="mean", half=True):
        """(L, grads): the loss and dL/dtheta, grads parallel to ``net.params``.

        ``loss`` defaults to the output unit's pair (see default_loss); the
        reduction and the 1/2 convention are as in ffnn.losses.
        """
        spec = losses.get(loss or self.default_loss(), reduction, half)
        X = self._check_X(X)
        T = self._check_T(T, X.shape[0])
        n = X.shape[0]
        A_buf, H_buf, D_buf = self.buffers(n)
        grad = np.empty_like(self.theta)
        forward_kernel(
            self.theta, self.layout, self._hidden, self._output, self.alpha, X, A_buf, H_buf
        )
        scale = 1.0 / n if spec.reduction == "mean" else 1.0
        value = backward_kernel(
            self.theta, self.layout, self._hidden, self._output, self.alpha,
            spec.code, spec.half, scale, X, T, A_buf, H_buf, D_buf, grad,
        )  # fmt: skip
        return float(value), self._views(grad)

    def loss(self, X, T, loss=None, reduction="mean", half=True):
        """L(X, T) without the gradients."""
        return self.evaluate(X, T, loss, reduction, half)[0]

    def evaluate(self, X, T, loss=None, reduction="mean", half=True, labels=None):
        """(loss, accuracy) from one forward pass; accuracy is None for a regression output.

        ``labels`` (the class of each row, as from class_labels(T)) saves recomputing them.
        """
        spec = losses.get(loss or self.default_loss(), reduction, half)
        X = self._check_X(X)
        T = self._check_T(T, X.shape[0])
        A_buf, H_buf = self._forward(X)
        n = X.shape[0]
        L = self.n_layers - 1
        A, Y = units.py_func(A_buf, n, self.layout, L), units.py_func(H_buf, n, self.layout, L)
        total = losses.loss_sum(spec.code, self._output, A, Y, T, spec.half)
        value = float(total / n if spec.reduction == "mean" else total)
        if self._output not in (act.SIGMOID, act.SOFTMAX):
            return value, None
        if labels is None:
            labels = class_labels(T, self.sizes[-1])
        return value, float(np.mean(self._classes(Y) == labels))

    def _classes(self, Y):
        if Y.shape[1] > 1:
            return Y.argmax(axis=1)
        threshold = 0.5 if self._output == act.SIGMOID else 0.0
        return (Y[:, 0] >= threshold).astype(np.int64)

    def predict(self, X):
        """Class labels: argmax of several outputs; one output: y >= 0.5 (sigmoid) else y >= 0."""
        return self._classes(self.forward(X))

    def accuracy(self, X, T):
        """Fraction of rows whose predicted class matches T (labels, one-hot or 0/1 targets)."""
        pred = self.predict(X)
        return float(np.mean(pred == class_labels(T, self.sizes[-1])))

    def __repr__(self):
        return (
            f"MLP({list(self.sizes)}, hidden={self.hidden!r}, output={self.output!r}, "
            f"params={self.theta.size})"
        )


def class_labels(T, n_outputs):
    """Integer labels from one-hot rows, a (n, 1) 0/1 column, or a 1-D label vector."""
    T = np.asarray(T)
    if T.ndim == 2 and T.shape[1] > 1:
        return T.argmax(axis=1)
    T = T.reshape(-1)
    if n_outputs == 1:
        return (T >= 0.5).astype(np.int64) if T.min() >= 0 else (T >= 0).astype(np.int64)
    return T.astype(np.int64)


def activation_code(name):
    return lookup(act._CODES, name, "activation")


__all__ = ["MLP", "ParamList", "class_labels", "same_rows"]
