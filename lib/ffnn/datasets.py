"""Data sets of the course: generated toy problems and the shipped 8x8 digits.

Generated (seeded, nothing downloaded): xor, and_, or_ (the logic gates of
000/003/004), blobs (linearly separable), circles, moons, spirals (two
interleaved spirals), gaussians, quadrants (XOR on the plane), surface (2-D
regression), and Bishop's 1-D functions (000, universal
approximation figure): x^2, sin, |x|, Heaviside on 50 points in (-1, 1).
Real: digits() -- 1,797 handwritten 8x8 digits shipped in ffnn/data.

Classification sets return (X, t) with t a (n, 1) float column of 0/1
labels (use ``labels="pm1"`` for the perceptron's +1/-1).
"""

from collections import namedtuple
from pathlib import Path

import numpy as np

from ._checks import in_range, lookup, positive_int

DATA_DIR = Path(__file__).resolve().parent / "data"


def _rng(seed):
    return np.random.default_rng(seed)


def _labels(t, labels):
    if labels == "01":
        return np.asarray(t, dtype=np.float64)[:, None]
    if labels == "pm1":
        return np.where(t > 0, 1.0, -1.0)
    raise ValueError(f"labels must be '01' or 'pm1', got {labels!r}")


def _gate(truth, labels):
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    return X, _labels(np.array(truth), labels)


def xor(labels="01"):
    """The four XOR points: t = x1 XOR x2."""
    return _gate([0, 1, 1, 0], labels)


def and_(labels="01"):
    """The four AND points."""
    return _gate([0, 0, 0, 1], labels)


def or_(labels="01"):
    """The four OR points."""
    return _gate([0, 1, 1, 1], labels)


def blobs(n=200, distance=3.0, noise=1.0, seed=0, labels="01"):
    """Two Gaussian clouds at (+-distance/2, +-distance/2); separable when distance >> noise."""
    n = positive_int(n, "n", 2)
    rng = _rng(seed)
    t = np.arange(n) % 2
    centres = np.where(t[:, None] == 1, distance / 2, -distance / 2)  # (n, 1), broadcast
    X = centres + in_range(noise, "noise", 0, np.inf) * rng.normal(size=(n, 2))
    return X, _labels(t, labels)


def separable(n=100, dim=2, margin=0.1, seed=0, labels="pm1"):
    """n points in [-1, 1]^dim labelled by a random hyperplane, all >= margin from it."""
    n, dim = positive_int(n, "n", 2), positive_int(dim, "dim")
    rng = _rng(seed)
    w = rng.normal(size=dim)
    w /= np.linalg.norm(w)
    b = rng.uniform(-0.2, 0.2)
    if not 0 <= margin < 0.5:  # (not ...) also refuses NaN
        raise ValueError(f"margin must be a number in [0, 0.5), got {margin!r}")
    X = np.empty((0, dim))
    for _ in range(1000):
        if X.shape[0] >= n:
            break
        cand = rng.uniform(-1, 1, size=(2 * n, dim))
        keep = np.abs(cand @ w + b) >= margin
        X = np.vstack([X, cand[keep]])
    else:
        raise ValueError(f"could not draw {n} points at margin {margin} from the hyperplane")
    X = X[:n]
    return X, _labels(X @ w + b > 0, labels)


def circles(n=200, noise=0.05, factor=0.5, seed=0, labels="01"):
    """An inner circle (class 1, radius ``factor``) inside an outer one (class 0, radius 1)."""
    n = positive_int(n, "n", 2)
    rng = _rng(seed)
    t = np.arange(n) % 2
    angle = rng.uniform(0, 2 * np.pi, n)
    r = np.where(t == 1, factor, 1.0)
    X = np.c_[r * np.cos(angle), r * np.sin(angle)] + noise * rng.normal(size=(n, 2))
    return X, _labels(t, labels)


def moons(n=200, noise=0.1, seed=0, labels="01"):
    """Two interleaving half circles."""
    n = positive_int(n, "n", 2)
    rng = _rng(seed)
    t = np.arange(n) % 2
    angle = rng.uniform(0, np.pi, n)
    X = np.where(
        t[:, None] == 0,
        np.c_[np.cos(angle), np.sin(angle)],
        np.c_[1 - np.cos(angle), 0.5 - np.sin(angle)],
    )
    return X + noise * rng.normal(size=(n, 2)), _labels(t, labels)


def spirals(n=400, noise=0.1, turns=1.75, seed=0, labels="01"):
    """Two interleaved spirals (Lang & Witbrock's benchmark), radius up to 1."""
    n = positive_int(n, "n", 2)
    rng = _rng(seed)
    t = np.arange(n) % 2
    s = np.sqrt(rng.uniform(0.02, 1.0, n))  # denser near the centre, like the classic set
    angle = 2 * np.pi * turns * s + np.pi * t
    X = np.c_[s * np.cos(angle), s * np.sin(angle)] + noise * 0.1 * rng.normal(size=(n, 2))
    return X, _labels(t, labels)


def gaussians(n=200, noise=0.5, seed=0, labels="01"):
    """Two isotropic Gaussians at (2, 2) and (-2, -2) (TensorFlow Playground's 'Gaussian')."""
    return blobs(n, distance=4.0, noise=max(noise, 1e-9) * 2, seed=seed, labels=labels)


def quadrants(n=200, noise=0.0, seed=0, labels="01"):
    """XOR on the plane: x uniform in (-1, 1)^2, class 1 where x1 x2 > 0 (the noise is added
    to the points after labelling, as a fraction of the square's half-width)."""
    n = positive_int(n, "n", 2)
    rng = _rng(seed)
    X = rng.uniform(-1, 1, (n, 2))
    sign = np.sign(X)
    X += sign * 0.05  # a small gap along the axes, as in TensorFlow Playground
    t = sign[:, 0] == sign[:, 1]
    return X + noise * rng.normal(size=(n, 2)), _labels(t, labels)


def surface(n=200, noise=0.0, seed=0):
    """A 2-D regression set: x uniform in (-1, 1)^2, t = sin(pi x1) cos(pi x2 / 2) (+ noise)."""
    n = positive_int(n, "n", 2)
    rng = _rng(seed)
    X = rng.uniform(-1, 1, (n, 2))
    t = np.sin(np.pi * X[:, 0]) * np.cos(0.5 * np.pi * X[:, 1]) + noise * rng.normal(size=n)
    return X, t[:, None]


_FUNCTIONS = {
    "square": lambda x: x**2,
    "sin": lambda x: np.sin(np.pi * x),
    "abs": np.abs,
    "heaviside": lambda x: (x >= 0).astype(np.float64),
}


def function(name, n=50, noise=0.0, seed=0):
    """Bishop's 1-D examples (000): x in (-1, 1) sampled uniformly, t = f(x) (+ noise).

    ``name``: "square" (x^2), "sin" (sin(pi x), one period over the interval),
    "abs" (|x|), "heaviside" (H(x)). Returns X (n, 1) sorted and t (n, 1).
    """
    f = lookup(_FUNCTIONS, name, "function")
    rng = _rng(seed)
    x = np.sort(rng.uniform(-1, 1, positive_int(n, "n", 2)))
    t = f(x) + noise * rng.normal(size=x.size)
    return x[:, None], t[:, None]


Digits = namedtuple("Digits", "X_train t_train X_test t_test")


def digits(test_fraction=0.25, seed=0, scale=True):
    """The shipped 8x8 handwritten digits: stratified train/test split of the 1,797 images.

    X rows are the 64 pixels (0..16, divided by 16 when ``scale``); t are labels 0..9
    (use ffnn.losses.one_hot for targets). Returns Digits(X_train, t_train, X_test, t_test).
    """
    test_fraction = in_range(test_fraction, "test_fraction", 0.0, 1.0, lo_open=True, hi_open=True)
    X, t = load_digits(scale)
    rng = _rng(seed)
    test = np.zeros(t.size, dtype=bool)
    for c in np.unique(t):
        idx = rng.permutation(np.flatnonzero(t == c))
        test[idx[: int(round(test_fraction * idx.size))]] = True
    return Digits(X[~test], t[~test], X[test], t[test])


def load_digits(scale=True):
    """All 1,797 digits as (X (1797, 64), t (1797,)), read from ffnn/data/digits.csv.gz."""
    data = np.loadtxt(DATA_DIR / "digits.csv.gz", delimiter=",")  # NumPy reads .gz itself
    X, t = data[:, :64], data[:, 64].astype(np.int64)
    return (X / 16.0 if scale else X), t


GENERATORS = {
    "xor": xor,
    "and": and_,
    "or": or_,
    "blobs": blobs,
    "separable": separable,
    "circles": circles,
    "moons": moons,
    "spirals": spirals,
    "gaussians": gaussians,
    "quadrants": quadrants,
    "surface": surface,
}


def make(name, **kwargs):
    """A generated set by name: make("spirals", n=400, seed=0)."""
    return lookup(GENERATORS, name, "data set")(**kwargs)


def train_test_split(X, t, test_fraction=0.25, seed=0):
    """Shuffle and split into (X_train, t_train, X_test, t_test)."""
    test_fraction = in_range(test_fraction, "test_fraction", 0.0, 1.0, lo_open=True, hi_open=True)
    n = len(X)
    if len(t) != n:
        raise ValueError(f"X and t must have the same number of samples, got {n} and {len(t)}")
    idx = _rng(seed).permutation(n)
    k = int(round(test_fraction * n))
    return X[idx[k:]], t[idx[k:]], X[idx[:k]], t[idx[:k]]
