"""Weight initialisation schemes for a layer's W (n_in, n_out); biases start at 0.

Lectures: 002 (Drchal) "parameter initialization" (symmetry breaking, the
ten-layer 500-unit tanh example, Xavier); 003 (Cheng) table 2:
  Xavier normal  sigma = sqrt(2 / (n_in + n_out))   (tanh, logistic)
  Xavier uniform r = sqrt(6 / (n_in + n_out)), W ~ U[-r, r]
  He normal      sigma = sqrt(2 / n_in)              (ReLU)
  He uniform     r = sqrt(6 / n_in)
A constant (or zero) start keeps every hidden unit identical: the same deltas
flow back to each, so they never differ (the symmetry problem).
"""

import numpy as np

from ._checks import lookup, positive, positive_int


def constant(n_in, n_out, rng, value=0.0):
    """W_ij = value for all i, j (shows the symmetry problem)."""
    return np.full((n_in, n_out), float(value))


def zeros(n_in, n_out, rng):
    """W = 0."""
    return np.zeros((n_in, n_out))


def gaussian(n_in, n_out, rng, sigma=0.01):
    """W_ij ~ N(0, sigma^2)."""
    return rng.normal(0.0, positive(sigma, "sigma"), size=(n_in, n_out))


def xavier_normal(n_in, n_out, rng):
    """W_ij ~ N(0, 2 / (n_in + n_out))."""
    return rng.normal(0.0, np.sqrt(2.0 / (n_in + n_out)), size=(n_in, n_out))


def xavier_uniform(n_in, n_out, rng):
    """W_ij ~ U[-r, r], r = sqrt(6 / (n_in + n_out))."""
    r = np.sqrt(6.0 / (n_in + n_out))
    return rng.uniform(-r, r, size=(n_in, n_out))


def he_normal(n_in, n_out, rng):
    """W_ij ~ N(0, 2 / n_in)."""
    return rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_in, n_out))


def he_uniform(n_in, n_out, rng):
    """W_ij ~ U[-r, r], r = sqrt(6 / n_in)."""
    r = np.sqrt(6.0 / n_in)
    return rng.uniform(-r, r, size=(n_in, n_out))


SCHEMES = {
    "zeros": zeros,
    "constant": constant,
    "gaussian": gaussian,
    "normal": gaussian,
    "xavier": xavier_normal,
    "glorot": xavier_normal,
    "xavier_normal": xavier_normal,
    "xavier_uniform": xavier_uniform,
    "he": he_normal,
    "he_normal": he_normal,
    "he_uniform": he_uniform,
}


def get(name):
    """The scheme function for ``name`` (ValueError listing the names if unknown)."""
    return lookup(SCHEMES, name, "initialisation")


def weights(name, n_in, n_out, rng, **kwargs):
    """W (n_in, n_out) drawn with scheme ``name``; kwargs go to the scheme (sigma, value)."""
    scheme = get(name)
    return scheme(positive_int(n_in, "n_in"), positive_int(n_out, "n_out"), rng, **kwargs)
