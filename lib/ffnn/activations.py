"""Activation functions h = f(a) and their derivatives f'(a).

Lectures: 000 (Rossi) "activation functions" (saturation, dying ReLU, ELU);
003 (Cheng) table 1 of activations and derivatives; 000 appendix: tanh'.
Each derivative is written in terms of ``a`` and ``h = f(a)``, as backprop
uses it: sigmoid' = h(1 - h), tanh' = 1 - h^2; ELU' = alpha e^a (= h + alpha) for
a <= 0 is taken from a, where it keeps all its digits.

exp, tanh and sigmoid are written out below (range reduction and a polynomial, no library
call) so that a loop over a layer's units vectorises: exp and tanh within 1 ulp of the
correctly rounded value, sigmoid within 2, and all within 2 ulp of NumPy's (tested on a dense
grid, extremes, subnormals and NaN included).

Look a function up by name with :func:`get`; the integer codes are what the
network kernels use to pick a function inside compiled code.
"""

import ctypes
import math
import os
import sys
from collections import namedtuple

import numpy as np
from numba import njit, prange

from ._checks import lookup


def _find_tbb():
    """Let Numba use its TBB threading layer when the PyPI package ``tbb`` is installed.

    TBB's workers never spin on a busy machine (GNU OpenMP's do, which made a loaded 2-core
    machine several times slower) and it is safe for calls from several threads. Numba's
    layer links libtbb.so.12, which the wheel puts in <prefix>/lib where the loader does
    not look: loading it once by its path lets Numba find it. Without it Numba takes OpenMP.
    """
    path = os.path.join(sys.prefix, "lib", "libtbb.so.12")
    if os.path.exists(path):
        try:
            ctypes.CDLL(path, mode=ctypes.RTLD_GLOBAL)
        except OSError:
            pass


_find_tbb()

IDENTITY, SIGMOID, TANH, RELU, LEAKY_RELU, ELU, SOFTMAX = range(7)
DEFAULT_ALPHA = {"leaky_relu": 0.01, "elu": 1.0}


# e^x by Cody-Waite range reduction (no library call, so that loops over it vectorise):
# x = k ln2 + r with k = round(x / ln2) and |r| <= ln2/2, ln2 split in two parts so that
# k * _LN2_HI is exact; then e^x = 2^k e^r, with e^r - 1 from its Taylor series.
_INV_LN2 = 1.4426950408889634
_LN2_HI, _LN2_LO = 6.93147180369123816490e-01, 1.90821492927058770002e-10
_TO_INT = 6755399441055744.0  # 1.5 * 2^52: k + _TO_INT holds the integer k in its low bits
_TO_INT_BITS = np.float64(_TO_INT).view(np.int64)


@njit(cache=True, inline="always")
def _expm1_series(r):
    """e^r - 1 = r + r^2/2! + ... + r^13/13! (for |r| <= ln2/2 the rest is below 2^-57)."""
    return r * (1.0 + r * (1 / 2 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120 + r * (1 / 720 + r * (
        1 / 5040 + r * (1 / 40320 + r * (1 / 362880 + r * (1 / 3628800 + r * (
            1 / 39916800 + r * (1 / 479001600 + r * (1 / 6227020800)))))))))))))  # fmt: skip


@njit(cache=True, inline="always")
def _reduce(x):
    """(k, r) with x = k ln2 + r, k = round(x / ln2) (a whole float), |r| <= ln2/2."""
    k = np.rint(x * _INV_LN2)
    return k, (x - k * _LN2_HI) - k * _LN2_LO


@njit(cache=True, inline="always")
def _pow2(k):
    """2^k for a whole float k in [-1022, 1023], written straight into the exponent bits."""
    k_int = np.float64(k + _TO_INT).view(np.int64) - _TO_INT_BITS
    return np.int64((k_int + 1023) << 52).view(np.float64)


@njit(cache=True, inline="always")
def exp_(x):
    """e^x = 2^k (1 + (e^r - 1)), within 1 ulp; overflows to inf and underflows through
    the subnormals to 0 as exp does (2^k applied in two halves, each a normal number)."""
    k, r = _reduce(min(max(x, -746.0), 710.0))  # beyond these, e^x is 0 or inf
    half = np.trunc(0.5 * k)
    return ((1.0 + _expm1_series(r)) * _pow2(half)) * _pow2(k - half)


@njit(cache=True, inline="always")
def expm1_(x):
    """e^x - 1 to full precision near 0 too: 2^k (e^r - 1) + (2^k - 1), the last term exact.
    From k = 54 on, the - 1 is below the last bit and exp_'s e^x - 1 is used."""
    k, r = _reduce(min(max(x, -40.0), 710.0))  # e^-40 - 1 is -1 in double precision
    p = _expm1_series(r)
    if k < 54.0:
        s = _pow2(k)
        return s * p + (s - 1.0)
    half = np.trunc(0.5 * k)
    return ((1.0 + p) * _pow2(half)) * _pow2(k - half) - 1.0


@njit(cache=True, inline="always", error_model="numpy")
def tanh_(a):
    """tanh(a), within 1 ulp, for x = |a| (the sign copied back at the end):

    - x < 0.625: Lambert's continued fraction x / (1 + x^2 / (3 + x^2 / (5 + ...))) up to
      15, as one fraction: tanh x = x - x^3 P(x^2) / Q(x^2), the correction under x^2/3 x;
    - x >= 0.625: tanh x = 1 - 2 / (e^{2x} + 1), with tanh(20) = 1 in double precision.

    Both are computed and one division serves the one chosen, so that a loop vectorises.
    """
    x = min(abs(a), 20.0)
    z = x * x
    small = x < 0.625
    if small:
        num = x * z * (675675.0 + z * (45045.0 + z * (594.0 + z)))
        den = 2027025.0 + z * (945945.0 + z * (51975.0 + z * (630.0 + z)))
    else:
        num = 2.0
        den = exp_(2.0 * x) + 1.0
    q = num / den
    return math.copysign(x - q if small else 1.0 - q, a)


@njit(cache=True, inline="always", error_model="numpy")
def sigmoid_(a):
    """1 / (1 + e^-a), or e^a / (1 + e^a) for a < 0: exp never overflows."""
    e = exp_(-abs(a))
    return (1.0 if a >= 0.0 else e) / (1.0 + e)


@njit(cache=True, error_model="numpy")
def activate(code, a, alpha):
    """h = f(a) for one number; ``alpha`` is leaky ReLU's slope or ELU's scale."""
    if code == SIGMOID:
        return sigmoid_(a)
    if code == TANH:
        return tanh_(a)
    if code == RELU:
        return a if a > 0.0 else 0.0
    if code == LEAKY_RELU:
        return a if a > 0.0 else alpha * a
    if code == ELU:
        return a if a > 0.0 else alpha * expm1_(a)
    return a  # IDENTITY


@njit(cache=True, error_model="numpy")
def derivative(code, a, h, alpha):
    """f'(a) for one number, given h = f(a). ReLU'(0) is taken as 0 (003, sec. ReLU).

    ELU' = alpha e^a (= h + alpha) for a <= 0, from a: h + alpha loses the digits of e^a.
    """
    if code == SIGMOID:
        return h * (1.0 - h)
    if code == TANH:
        return 1.0 - h * h
    if code == RELU:
        return 1.0 if a > 0.0 else 0.0
    if code == LEAKY_RELU:
        return 1.0 if a > 0.0 else alpha
    if code == ELU:
        return 1.0 if a > 0.0 else alpha * exp_(a)
    return 1.0  # IDENTITY


@njit(cache=True, inline="always", error_model="numpy")
def softmax_rows(A, out):
    """y_k = exp(a_k - max_j a_j) / sum_j exp(a_j - max_j a_j), row by row (stable form, 004)."""
    n, K = A.shape
    for i in range(n):
        m = A[i, 0]  # a loop, not A[i].max(): the on-line kernel runs without NRT
        for k in range(1, K):
            if A[i, k] > m:
                m = A[i, k]
        s = 0.0
        for k in range(K):
            out[i, k] = exp_(A[i, k] - m)
            s += out[i, k]
        for k in range(K):
            out[i, k] /= s
    return out


@njit(cache=True, inline="always", error_model="numpy")
def activate_vector(code, a, alpha, out):
    """out = f(a) for a 1-D vector of pre-activations (units of a layer, not softmax).

    One loop per function, so that the compiler vectorises each of them.
    """
    m = a.shape[0]
    if code == TANH:
        for j in range(m):
            out[j] = tanh_(a[j])
    elif code == SIGMOID:
        for j in range(m):
            out[j] = sigmoid_(a[j])
    elif code == RELU:
        for j in range(m):
            out[j] = max(a[j], 0.0)
    elif code == ELU:
        for j in range(m):
            out[j] = a[j] if a[j] > 0.0 else alpha * expm1_(a[j])
    else:
        for j in range(m):
            out[j] = activate(code, a[j], alpha)
    return out


@njit(cache=True, inline="always", error_model="numpy")
def activate_array(code, A, alpha, out):
    """out = f(A) row by row (A, out 2-D); softmax normalises each row."""
    if code == SOFTMAX:
        return softmax_rows(A, out)
    for i in range(A.shape[0]):
        activate_vector(code, A[i], alpha, out[i])
    return out


@njit(cache=True, inline="always", error_model="numpy")
def backprop_vector(code, a, h, alpha, delta):
    """delta <- delta * f'(a) elementwise for one layer (1-D), given h = f(a)."""
    m = a.shape[0]
    if code == TANH:
        for j in range(m):
            delta[j] *= 1.0 - h[j] * h[j]
    elif code == SIGMOID:
        for j in range(m):
            delta[j] *= h[j] * (1.0 - h[j])
    elif code == RELU:
        for j in range(m):
            delta[j] = delta[j] if a[j] > 0.0 else 0.0
    elif code == ELU:
        for j in range(m):
            delta[j] *= 1.0 if a[j] > 0.0 else alpha * exp_(a[j])
    elif code != IDENTITY:
        for j in range(m):
            delta[j] *= derivative(code, a[j], h[j], alpha)
    return delta


@njit(cache=True)
def backprop_through(code, A, H, alpha, D):
    """D <- D * f'(A) row by row (2-D): the deltas of a batch through a layer of units."""
    for i in range(A.shape[0]):
        backprop_vector(code, A[i], H[i], alpha, D[i])
    return D


@njit(cache=True)
def derivative_array(code, A, H, alpha, out):
    """out = f'(A) elementwise, given H = f(A) (not for softmax: its Jacobian is not diagonal)."""
    out[:, :] = 1.0
    return backprop_through(code, A, H, alpha, out)


# ---------------------------------------------------------------- many units at once
# A layer's units for n samples are one contiguous block (n rows of n_out), so the
# elementwise functions can run over it as one flat vector, in chunks spread over the cores
# when it is large. Small blocks stay on one thread (starting the threads costs ~10 us).

PARALLEL_MIN = 1 << 16  # elements from which the work is spread over the cores
CHUNK = 1 << 12  # elements per task: 32 kB of float64, within a core's L1/L2


@njit(cache=True, error_model="numpy")
def backprop_flat(code, a, h, alpha, delta):
    """backprop_vector as a function of its own: the parallel loops call it, not a copy."""
    return backprop_vector(code, a, h, alpha, delta)


@njit(cache=True, parallel=True, error_model="numpy")
def backprop_chunks(code, a, h, alpha, delta):
    """delta <- delta * f'(a) for flat a, h, delta, chunk by chunk on all cores."""
    for c in prange((a.shape[0] + CHUNK - 1) // CHUNK):
        lo, hi = c * CHUNK, min((c + 1) * CHUNK, a.shape[0])
        backprop_flat(code, a[lo:hi], h[lo:hi], alpha, delta[lo:hi])
    return delta


@njit(cache=True, error_model="numpy")
def backprop_units(code, a, h, alpha, delta):
    """delta <- delta * f'(a) for a layer's units stored flat; parallel when large."""
    if a.shape[0] >= PARALLEL_MIN:
        return backprop_chunks(code, a, h, alpha, delta)
    return backprop_flat(code, a, h, alpha, delta)


Activation = namedtuple("Activation", "name code alpha f df")


def _as_2d(a):
    arr = np.asarray(a, dtype=np.float64)
    if arr.ndim == 0:
        return np.ascontiguousarray(arr.reshape(1, 1)), arr.shape
    if arr.ndim == 1:
        return np.ascontiguousarray(arr.reshape(1, arr.size)), arr.shape
    if arr.ndim == 2:
        return np.ascontiguousarray(arr), arr.shape
    raise ValueError(f"expected a scalar, 1-D or 2-D array, got shape {arr.shape}")


def _elementwise(code, alpha):
    def f(a):
        A, shape = _as_2d(a)
        return activate_array(code, A, alpha, np.empty_like(A)).reshape(shape)

    def df(a):
        A, shape = _as_2d(a)
        H = activate_array(code, A, alpha, np.empty_like(A))
        return derivative_array(code, A, H, alpha, np.empty_like(A)).reshape(shape)

    return f, df


def identity(a):
    """f(a) = a."""
    return get(NAMES[IDENTITY]).f(a)


def sigmoid(a):
    """f(a) = 1 / (1 + exp(-a)); f'(a) = f(a)(1 - f(a))."""
    return get(NAMES[SIGMOID]).f(a)


def tanh(a):
    """f(a) = tanh(a) = 2 sigmoid(2a) - 1; f'(a) = 1 - tanh(a)^2."""
    return get(NAMES[TANH]).f(a)


def relu(a):
    """f(a) = max(0, a); f'(a) = 1 if a > 0 else 0."""
    return get(NAMES[RELU]).f(a)


def leaky_relu(a, alpha=0.01):
    """f(a) = a if a > 0 else alpha * a."""
    return get(NAMES[LEAKY_RELU], alpha).f(a)


def elu(a, alpha=1.0):
    """f(a) = a if a > 0 else alpha (exp(a) - 1); f'(a) = f(a) + alpha for a <= 0."""
    return get(NAMES[ELU], alpha).f(a)


def softmax(a):
    """y_k = exp(a_k) / sum_j exp(a_j) over the last axis, computed as exp(a_k - max a)."""
    A, shape = _as_2d(a)
    return softmax_rows(A, np.empty_like(A)).reshape(shape)


def softmax_jacobian(y):
    """dy_k / da_j = y_k (delta_kj - y_j) for one softmax output vector y (000 appendix)."""
    y = np.asarray(y, dtype=np.float64)
    if y.ndim != 1:
        raise ValueError(f"softmax_jacobian expects one output vector (1-D), got shape {y.shape}")
    return np.diag(y) - np.outer(y, y)


def _softmax_df(a):
    raise ValueError(
        "softmax has no elementwise derivative; use softmax_jacobian(y) "
        "(or the softmax + cross-entropy pairing, whose output delta is y - t)"
    )


_CODES = {
    "identity": IDENTITY,
    "linear": IDENTITY,
    "sigmoid": SIGMOID,
    "logistic": SIGMOID,
    "tanh": TANH,
    "relu": RELU,
    "leaky_relu": LEAKY_RELU,
    "elu": ELU,
    "softmax": SOFTMAX,
}
NAMES = ("identity", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "softmax")


def code_of(name):
    """Integer kernel code for an activation name (ValueError listing the names if unknown)."""
    return lookup(_CODES, name, "activation")


def get(name, alpha=None):
    """Activation(name, code, alpha, f, df) for ``name`` (e.g. "tanh", "relu", "softmax")."""
    code = code_of(name)
    canonical = NAMES[code]
    if alpha is None:
        alpha = DEFAULT_ALPHA.get(canonical, 0.0)
    alpha = float(alpha)
    if code == SOFTMAX:
        return Activation(canonical, code, alpha, softmax, _softmax_df)
    f, df = _elementwise(code, alpha)
    return Activation(canonical, code, alpha, f, df)
