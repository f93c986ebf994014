"""The multilayer perceptron: forward pass keeping a and h per layer, and backprop.

Lectures: 003 (Cheng) eqs. 6a-6f and their matrix form 7-9; 000 (Rossi)
node-indexed delta rule; 004 (Chen) chain rule in matrix form.

With row-vector data, layer l (l = 1..L) computes
    A^l = H^{l-1} W^l + b^l,     H^l = f(A^l),     H^0 = X
and backprop runs the deltas down from the output:
    delta^L     = dL/dA^L                       (= (Y - T)/n for matched pairs)
    dL/dW^l     = (H^{l-1})^T delta^l,   dL/db^l = sum_rows delta^l
    delta^{l-1} = (delta^l (W^l)^T) * f'(A^{l-1})
``W^l`` has shape (n_in, n_out): ``W[i, j]`` is the weight from unit i of the layer
below to unit j of the layer above. Each set of lecture notes indexes it its own way
(003 writes a_i = sum_j w_ij h_j, the column form a = w h: its w_ij is our W[j, i] and
its matrix w our W.T); the table "Weight indices" in course/SYLLABUS.md maps them all.

All parameters live in one flat vector ``theta``; ``net.params`` are views
into it ([W1, b1, W2, b2, ...]) and the gradients come back the same way,
so an optimizer updates every parameter with one kernel call.

The kernels (forward_kernel, backward_kernel, and the training loops of ffnn.train)
take a ``Spec`` -- the layer table, the activation and loss choices, alpha -- and a
``Workspace`` of buffers, both built by the MLP (``net.spec(loss)``, ``net.workspace(n)``);
the per-layer helpers (weight, bias, units; weight_flat and unit_vector for one sample)
are the only code that reads the layer table.
"""

from collections import namedtuple

import numpy as np
from numba import njit, prange

from . import activations as act
from . import init as init_schemes
from . import losses, metrics
from ._checks import as_matrix, positive_int

SMALL = 4096  # below this many multiply-adds a plain loop beats a BLAS call
# Layers of many samples are cut into blocks of ROWS samples, spread over the cores; a
# narrow layer (at most NARROW weights, 4 units or more) also computes its product block by
# block: at ROWS * NARROW = 2^18 multiply-adds and below, OpenBLAS runs a product on the
# calling core.
NARROW, ROWS = 1024, 256
# Data parallelism in training: a batch of at least SPLIT_ROWS rows and SPLIT_MIN
# multiply-adds (rows x weights) runs its forward pass and backprop in two halves of rows,
# one per core, when every product of a half stays within ROWS * NARROW multiply-adds (so
# OpenBLAS runs it on the calling core) and a half's layers stay below the sizes at which
# the kernels spread their own loops over the cores. Smaller batches stay on one core:
# starting the second thread would cost more than it saves.
SPLIT_ROWS, SPLIT_MIN = 32, 1 << 16

# columns of the layer table ``layout`` (one row per layer l = 0..L-1)
N_IN, N_OUT, W_AT, B_AT, UNITS_AT = range(5)
# N_IN, N_OUT: units below and in layer l; W_AT, B_AT: where W^l and b^l start in theta;
# UNITS_AT: where the layer's units start among all units (its block in A, H and delta)

Spec = namedtuple("Spec", "layout hidden output alpha loss half mean")
Spec.__doc__ = """What the kernels know of a network and its loss: the layer table, the
activation codes of the hidden and output units (ffnn.activations), alpha, the loss code
(ffnn.losses), the 1/2 of the squared error, and whether the loss is averaged over samples.
Its output, alpha, loss and half make it a losses.Pairing for the loss routines."""

Workspace = namedtuple("Workspace", "A H D grad Xb Tb")
Workspace.__doc__ = """Buffers for n samples: pre-activations A, activations H and deltas D of
every unit (flat, layer after layer, n rows each), grad laid out like theta, and room for a
batch of n input rows Xb and target rows Tb (flat)."""


class ParamList(list):
    """A list of arrays that are views into one flat vector ``.flat``.

    ``decay_mask`` (same length as ``flat``) is 1 on the weights and 0 on the biases: the
    entries that ffnn.optim's weight decay and L1 penalty act on.
    """

    def __init__(self, arrays, flat, decay_mask):
        super().__init__(arrays)
        self.flat = flat
        self.decay_mask = decay_mask


# ---------------------------------------------------------------- layout helpers


def make_layout(sizes):
    """int64 (L, 5) layer table, columns N_IN, N_OUT, W_AT, B_AT, UNITS_AT."""
    L = len(sizes) - 1
    layout = np.zeros((L, 5), dtype=np.int64)
    p = u = 0
    for l in range(L):
        n_in, n_out = sizes[l], sizes[l + 1]
        layout[l, N_IN], layout[l, N_OUT] = n_in, n_out
        layout[l, W_AT], layout[l, B_AT], layout[l, UNITS_AT] = p, p + n_in * n_out, u
        p += n_in * n_out + n_out
        u += n_out
    return layout


@njit(cache=True, inline="always")
def weight(theta, layout, l):
    """W^l as an (n_in, n_out) view into theta."""
    n_in, n_out, at = layout[l, N_IN], layout[l, N_OUT], layout[l, W_AT]
    return theta[at : at + n_in * n_out].reshape((n_in, n_out))


@njit(cache=True, inline="always")
def bias(theta, layout, l):
    """b^l as an (n_out,) view into theta."""
    n_out, at = layout[l, N_OUT], layout[l, B_AT]
    return theta[at : at + n_out]


@njit(cache=True, inline="always")
def units(buf, n, layout, l):
    """The (n, n_out) block of layer l in a per-unit buffer (A, H or delta)."""
    n_out, at = layout[l, N_OUT], layout[l, UNITS_AT]
    return buf[n * at : n * (at + n_out)].reshape((n, n_out))


# The same three views as plain Python, for the Python API: same slicing, no compiled
# call, so building a network never waits for Numba (and NUMBA_DISABLE_JIT=1, which
# `make mutation` uses, leaves no .py_func to ask for).
py_weight, py_bias, py_units = (getattr(f, "py_func", f) for f in (weight, bias, units))


# ---------------------------------------------------------------- small linear algebra


@njit(cache=True)
def affine(X, W, b, out):
    """out = X @ W + b.  Small products row by row: out_i = b + sum_p x_ip W_p (vectorised)."""
    n, k = X.shape
    m = W.shape[1]
    if n * k * m >= SMALL:
        np.dot(X, W, out)  # BLAS, written straight into out
        add_bias(out, b)
        return
    for i in range(n):
        for j in range(m):
            out[i, j] = b[j]
        for p in range(k):
            x = X[i, p]
            for j in range(m):
                out[i, j] += x * W[p, j]


@njit(cache=True, inline="always")
def add_bias(A, b):
    """A_i <- A_i + b for every row i."""
    for i in range(A.shape[0]):
        for j in range(A.shape[1]):
            A[i, j] += b[j]


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


# ---------------------------------------------------------------- one sample (on-line learning)
# 1-D slices only: a reshape is a library call, too slow to make per layer and per sample.


@njit(cache=True, inline="always")
def weight_flat(theta, layout, l):
    """W^l as a flat view, row by row: W^l[i, j] is entry i * n_out + j."""
    return theta[layout[l, W_AT] : layout[l, B_AT]]


@njit(cache=True, inline="always")
def unit_vector(buf, layout, l):
    """Layer l's entries of one sample in a per-unit buffer (a, h or delta), a view."""
    at = layout[l, UNITS_AT]
    return buf[at : at + layout[l, N_OUT]]


@njit(cache=True, inline="always")
def affine_vec(x, W, b, out):
    """out = x W + b for one sample (W flat, row by row): out_j = b_j + sum_i x_i W_ij."""
    m = out.shape[0]
    if m == 1:
        acc = b[0]
        for i in range(x.shape[0]):
            acc += x[i] * W[i]
        out[0] = acc
        return
    for j in range(m):
        out[j] = b[j]
    for i in range(x.shape[0]):
        xi = x[i]
        for j in range(m):
            out[j] += xi * W[i * m + j]


@njit(cache=True, inline="always")
def outer_vec(x, d, out):
    """out = x^T d for one sample (out flat, row by row): out_ij = x_i d_j, the weight gradient."""
    m = d.shape[0]
    if m == 1:
        for i in range(x.shape[0]):
            out[i] = x[i] * d[0]
        return
    for i in range(x.shape[0]):
        xi = x[i]
        for j in range(m):
            out[i * m + j] = xi * d[j]


@njit(cache=True, inline="always")
def outer_step(x, d, lr, W):
    """W <- W - lr x^T d for one sample (W flat, row by row): the on-line step
    w_ij <- w_ij - eta x_i d_j of plain SGD, taken without storing the gradient."""
    m = d.shape[0]
    if m == 1:
        for i in range(x.shape[0]):
            W[i] -= lr * (x[i] * d[0])
        return
    for i in range(x.shape[0]):
        xi = x[i]
        for j in range(m):
            W[i * m + j] -= lr * (xi * d[j])


@njit(cache=True, inline="always")
def matvec_nt(d, W, out):
    """out = d W^T for one sample (W flat, row by row): out_i = sum_j W_ij d_j, the delta
    sent to the layer below. Four rows at a time: four sums in flight instead of one
    (each still adds its terms in the order j = 0, 1, ...)."""
    m, k = d.shape[0], out.shape[0]
    if m == 1:
        for i in range(k):
            out[i] = 0.0 + d[0] * W[i]  # 0.0 + as the sum below: -0.0 becomes 0.0 alike
        return
    i = 0
    while i + 4 <= k:
        s0 = s1 = s2 = s3 = 0.0
        for j in range(m):
            dj = d[j]
            s0 += dj * W[i * m + j]
            s1 += dj * W[(i + 1) * m + j]
            s2 += dj * W[(i + 2) * m + j]
            s3 += dj * W[(i + 3) * m + j]
        out[i], out[i + 1], out[i + 2], out[i + 3] = s0, s1, s2, s3
        i += 4
    for r in range(i, k):
        acc = 0.0
        for j in range(m):
            acc += d[j] * W[r * m + j]
        out[r] = acc


# ---------------------------------------------------------------- kernels


@njit(cache=True, error_model="numpy")
def activation(code, alpha, A, H):
    """H = f(A): softmax row by row, every other function over the block as one flat vector."""
    if code == act.SOFTMAX:
        act.softmax_rows(A, H)
    else:
        n, m = A.shape
        act.activate_vector(code, A.reshape(n * m), alpha, H.reshape(n * m))


@njit(cache=True, parallel=True, error_model="numpy")
def layer_blocks(h, W, b, code, alpha, A, H, product):
    """The layer in blocks of ROWS samples spread over the cores: each block computes
    A = h W + b itself if ``product`` (a narrow layer: a product small enough that BLAS or
    the loops run it on the calling core alone), else only adds b to the A given; then H = f(A).
    """
    n = A.shape[0]
    for blk in prange((n + ROWS - 1) // ROWS):
        lo, hi = blk * ROWS, min(n, (blk + 1) * ROWS)
        if product:
            affine(h[lo:hi], W, b, A[lo:hi])
        else:
            add_bias(A[lo:hi], b)
        activation(code, alpha, A[lo:hi], H[lo:hi])


@njit(cache=True, error_model="numpy")
def layer_forward(h, W, b, code, alpha, A, H):
    """A = h W + b, H = f(A) for one layer of n samples.

    Few samples: on one core. Many samples through a narrow layer (at most NARROW weights)
    of 4 units or more: blocks of rows over the cores. Many samples through a wide layer: one
    BLAS product (which threads itself), then b and f in blocks over the cores. A layer of 1-3
    units (an output unit) gives a block's loop no row of units to vectorise: one product.
    """
    n, m = A.shape
    many = n >= 2 * ROWS
    if many and W.size <= NARROW and m >= 4:
        layer_blocks(h, W, b, code, alpha, A, H, True)
    elif many and n * m >= act.PARALLEL_MIN:
        np.dot(h, W, A)
        layer_blocks(h, W, b, code, alpha, A, H, False)
    else:
        affine(h, W, b, A)
        activation(code, alpha, A, H)


@njit(cache=True)
def column_sums(D, out):
    """out_j = sum_i D_ij (the bias gradient), by blocks of columns over the cores when large.
    Every column is summed in row order, so the result does not depend on the threads."""
    n, m = D.shape
    if n * m < act.PARALLEL_MIN:
        sum_columns(D, out, 0, m)
        return out
    return column_sums_parallel(D, out)


@njit(cache=True, parallel=True)
def column_sums_parallel(D, out):
    """column_sums with the columns in blocks of 64, one block per task."""
    m = D.shape[1]
    for blk in prange((m + 63) // 64):
        sum_columns(D, out, blk * 64, min(m, (blk + 1) * 64))
    return out


@njit(cache=True, inline="always")
def sum_columns(D, out, lo, hi):
    """out_j = sum_i D_ij for the columns lo <= j < hi, adding the rows in order."""
    out[lo:hi] = 0.0
    for i in range(D.shape[0]):
        for j in range(lo, hi):
            out[j] += D[i, j]


@njit(cache=True, error_model="numpy")
def forward_kernel(spec, theta, X, ws):
    """A^l = H^{l-1} W^l + b^l, H^l = f(A^l) for l = 1..L into ws.A, ws.H; returns Y = H^L."""
    n = X.shape[0]
    L = spec.layout.shape[0]
    h = X
    for l in range(L):
        A = units(ws.A, n, spec.layout, l)
        H = units(ws.H, n, spec.layout, l)
        W, b = weight(theta, spec.layout, l), bias(theta, spec.layout, l)
        layer_forward(h, W, b, spec.output if l == L - 1 else spec.hidden, spec.alpha, A, H)
        h = H
    return h


@njit(cache=True, error_model="numpy")
def backward_kernel(spec, theta, X, T, ws):
    """Backprop after forward_kernel: fills ws.grad (laid out like theta), returns the loss.

    delta^L = dL/dA^L; dW^l = H^{l-1}.T delta^l; db^l = sum delta^l;
    delta^{l-1} = (delta^l W^l.T) * f'(A^{l-1}).  A mean loss carries 1/n in every delta.
    """
    return backprop(spec, theta, X, T, ws, 1.0 / X.shape[0] if spec.mean else 1.0)


@njit(cache=True, error_model="numpy")
def backprop(spec, theta, X, T, ws, scale):
    """backward_kernel with the deltas' factor given: 1/n of the whole batch when X is a
    part of it (ffnn.train's halves), 1 for a summed loss. Returns scale * the loss sum."""
    n = X.shape[0]
    layout = spec.layout
    L = layout.shape[0]
    A = units(ws.A, n, layout, L - 1)
    Y = units(ws.H, n, layout, L - 1)
    D = units(ws.D, n, layout, L - 1)
    losses.output_delta(spec, A, Y, T, scale, D)
    value = scale * losses.loss_sum(spec, A, Y, T)
    for l in range(L - 1, -1, -1):
        D = units(ws.D, n, layout, l)
        h_prev = X if l == 0 else units(ws.H, n, layout, l - 1)
        matmul_tn(h_prev, D, weight(ws.grad, layout, l))
        column_sums(D, bias(ws.grad, layout, l))
        if l > 0:
            D_prev = units(ws.D, n, layout, l - 1)
            A_prev = units(ws.A, n, layout, l - 1)
            matmul_nt(D, weight(theta, layout, l), D_prev)
            size = D_prev.size
            act.backprop_units(spec.hidden, A_prev.reshape(size), h_prev.reshape(size),
                               spec.alpha, D_prev.reshape(size))  # fmt: skip
    return value


@njit(cache=True)
def splits(layout, m):
    """True if a training batch of m rows runs in two halves, one per core (SPLIT_ROWS)."""
    half = (m + 1) // 2
    weights = widest = units_n = 0
    for l in range(layout.shape[0]):
        size = layout[l, N_IN] * layout[l, N_OUT]
        weights += size
        widest = max(widest, size)
        units_n = max(units_n, layout[l, N_OUT])
    return (
        m >= SPLIT_ROWS
        and m * weights >= SPLIT_MIN
        and half * widest <= ROWS * NARROW
        and half < 2 * ROWS
        and half * units_n < act.PARALLEL_MIN
    )


def make_workspace(sizes, n, dtype):
    """Fresh buffers (a Workspace) for a batch of n samples of a network of these sizes."""
    units_n = n * int(sum(sizes[1:]))
    n_params = sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:], strict=True))
    lengths = (units_n, units_n, units_n, n_params, n * sizes[0], n * sizes[-1])
    return Workspace(*(np.empty(k, dtype=dtype) for k in lengths))


# ---------------------------------------------------------------- the model


_DEFAULT_LOSS = {"identity": "squared", "sigmoid": "bce", "softmax": "ce"}


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
        self.hidden = act.get(hidden).name
        if self.hidden == "softmax":
            raise ValueError("softmax is an output activation; choose another hidden activation")
        self.output = act.get(output).name
        # one alpha serves the whole net: the hidden unit's default, else the output's
        if alpha is None:
            alpha = act.DEFAULT_ALPHA.get(self.hidden, act.DEFAULT_ALPHA.get(self.output, 0.0))
        self.alpha = float(alpha)
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.float64, np.float32):
            raise ValueError(f"dtype must be float64 or float32, got {self.dtype}")
        self.layout = make_layout(self.sizes)
        n_params = int(self.layout[-1, B_AT] + self.layout[-1, N_OUT])  # where b^L ends
        self.theta = np.zeros(n_params, dtype=self.dtype)
        self._decay_mask = np.zeros_like(self.theta)  # 1 on the weights, 0 on the biases
        for l in range(self.n_layers):
            py_weight(self._decay_mask, self.layout, l)[:] = 1.0
        self.params = self.views(self.theta)
        self.reinitialize(init, seed, **(init_kwargs or {}))
        self._workspaces = {}

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

    def views(self, flat):
        """[W1, b1, W2, b2, ...] as views into ``flat``, a vector laid out like theta."""
        arrays = []
        for l in range(self.n_layers):
            arrays.append(py_weight(flat, self.layout, l))
            arrays.append(py_bias(flat, self.layout, l))
        return ParamList(arrays, flat, self._decay_mask)

    def reinitialize(self, init="xavier", seed=0, **init_kwargs):
        """Draw new weights with scheme ``init`` from ``seed``; biases are set to 0."""
        scheme = init_schemes.get(init)
        rng = np.random.default_rng(seed)
        for W, b in zip(self.weights, self.biases, strict=True):
            W[:] = scheme(W.shape[0], W.shape[1], rng, **init_kwargs)
            b[:] = 0.0
        return self

    def copy(self):
        """An independent network: the same architecture, a copy of the parameters."""
        other = MLP.__new__(MLP)
        other.__dict__.update(self.__dict__, _workspaces={})
        other.theta = self.theta.copy()
        other.params = other.views(other.theta)
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
        for i, dst in enumerate(self.params):
            if np.shape(arrays[i]) != dst.shape:
                name = ("W" if i % 2 == 0 else "b") + str(i // 2 + 1)
                raise ValueError(f"{name} must have shape {dst.shape}, got {np.shape(arrays[i])}")
            dst[...] = arrays[i]
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
            return net.set_params({k: data[k] for k in data.files})  # takes W1, b1, ...

    # -- what the kernels take
    def check_inputs(self, X):
        """X as a C-contiguous (n_samples, n_inputs) array of the net's dtype, else ValueError."""
        return as_matrix(X, "X", n_cols=self.sizes[0], dtype=self.dtype)

    def check_targets(self, T, n):
        """T as an (n, n_outputs) array of the net's dtype (ValueError saying what is expected)."""
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

    def default_loss(self):
        """The output unit's loss: identity->squared, sigmoid->bce, softmax->ce."""
        return _DEFAULT_LOSS.get(self.output, "squared")

    def spec(self, loss=None, reduction="mean", half=True):
        """The kernels' Spec of this network with ``loss`` (default: see default_loss)."""
        chosen = losses.get(loss or self.default_loss(), reduction, half)
        return Spec(
            self.layout,
            act.code_of(self.hidden),
            act.code_of(self.output),
            self.alpha,
            chosen.code,
            chosen.half,
            chosen.reduction == "mean",
        )

    def workspace(self, n):
        """The Workspace for a batch of n samples, kept and reused across calls."""
        ws = self._workspaces.get(n)
        if ws is None:
            if len(self._workspaces) > 8:
                self._workspaces.clear()
            ws = make_workspace(self.sizes, n, self.dtype)
            self._workspaces[n] = ws
        return ws

    def _forward(self, X, spec):
        ws = self.workspace(X.shape[0])
        forward_kernel(spec, self.theta, X, ws)
        return ws

    # -- computation
    def forward(self, X):
        """Y = H^L, the network's output for every row of X, shape (n_samples, n_outputs)."""
        X = self.check_inputs(X)
        ws = self._forward(X, self.spec())
        return py_units(ws.H, X.shape[0], self.layout, self.n_layers - 1).copy()

    __call__ = forward

    def forward_all(self, X):
        """Lists (A, H) of the pre-activations and activations of every layer (copies)."""
        X = self.check_inputs(X)
        ws = self._forward(X, self.spec())
        n = X.shape[0]
        As = [py_units(ws.A, n, self.layout, l).copy() for l in range(self.n_layers)]
        Hs = [py_units(ws.H, n, self.layout, l).copy() for l in range(self.n_layers)]
        return As, Hs

    def loss_and_gradients(self, X, T, loss=None, reduction="mean", half=True):
        """(L, grads): the loss and dL/dtheta, grads parallel to ``net.params``.

        ``loss`` defaults to the output unit's pair (see default_loss); the
        reduction and the 1/2 convention are as in ffnn.losses.
        """
        spec = self.spec(loss, reduction, half)
        X = self.check_inputs(X)
        T = self.check_targets(T, X.shape[0])
        ws = self._forward(X, spec)._replace(grad=np.empty_like(self.theta))
        value = backward_kernel(spec, self.theta, X, T, ws)
        return float(value), self.views(ws.grad)

    def _outputs_and_loss(self, X, T, loss, reduction, half):
        spec = self.spec(loss, reduction, half)
        X = self.check_inputs(X)
        T = self.check_targets(T, X.shape[0])
        ws = self._forward(X, spec)
        n, last = X.shape[0], self.n_layers - 1
        A, Y = py_units(ws.A, n, self.layout, last), py_units(ws.H, n, self.layout, last)
        total = losses.loss_sum(spec, A, Y, T)
        return Y, T, float(total / n if spec.mean else total)

    def loss(self, X, T, loss=None, reduction="mean", half=True):
        """L(X, T) without the gradients."""
        return self._outputs_and_loss(X, T, loss, reduction, half)[2]

    def evaluate(self, X, T, loss=None, reduction="mean", half=True, labels=None):
        """(loss, accuracy) from one forward pass; accuracy is None for a regression output.

        ``labels`` (the class of each row, as from ffnn.metrics.class_labels) saves
        recomputing them.
        """
        Y, T, value = self._outputs_and_loss(X, T, loss, reduction, half)
        if not metrics.is_classifier(self):
            return value, None
        if labels is None:
            labels = metrics.class_labels(T, self.sizes[-1])
        return value, float(np.mean(metrics.classes(Y, self.output) == labels))

    def predict(self, X):
        """Class labels, see ffnn.metrics.predict."""
        return metrics.predict(self, X)

    def accuracy(self, X, T):
        """Fraction of rows classified right, see ffnn.metrics.accuracy."""
        return metrics.accuracy(self, X, T)

    def __repr__(self):
        return (
            f"MLP({list(self.sizes)}, hidden={self.hidden!r}, output={self.output!r}, "
            f"params={self.theta.size})"
        )


__all__ = ["MLP", "ParamList", "Spec", "Workspace"]
