"""Input validation shared by the public API: clear ValueErrors, never an IndexError in a kernel."""

import numpy as np


def as_matrix(X, name="X", n_cols=None, dtype=np.float64):
    """Return X as a C-contiguous 2-D float array, checking shape and finiteness.

    A 1-D array is read as a single column when ``n_cols`` is 1 or None,
    and as a single row when it has exactly ``n_cols`` > 1 entries.
    """
    A = np.asarray(X)
    if A.dtype.kind not in "biufc":  # bool, integers, floats, complex: NumPy's numbers
        raise ValueError(f"{name} must be a numeric array, got dtype {A.dtype}")
    if A.ndim == 1:  # (for n_cols 1, one entry reads the same as a row or a column)
        A = A[None, :] if A.shape[0] == n_cols else A[:, None]
    if A.ndim != 2:
        raise ValueError(f"{name} must be 2-D (n_samples, n_features), got shape {A.shape}")
    if A.shape[0] == 0:
        raise ValueError(f"{name} must contain at least one sample, got shape {A.shape}")
    if n_cols is not None and A.shape[1] != n_cols:
        raise ValueError(
            f"{name} must have {n_cols} column(s) (n_samples, {n_cols}), got shape {A.shape}"
        )
    A = np.ascontiguousarray(A, dtype=dtype)  # no copy when it already is one
    if not np.isfinite(A).all():
        raise ValueError(f"{name} contains NaN or inf; expected finite numbers")
    return A


def same_rows(X, T, names=("X", "T")):
    if X.shape[0] != T.shape[0]:
        raise ValueError(
            f"{names[0]} and {names[1]} must have the same number of samples, "
            f"got {X.shape[0]} and {T.shape[0]}"
        )


def positive(value, name):
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a positive number, got {value!r}") from None
    if not np.isfinite(v) or v <= 0:
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    return v


def in_range(value, name, lo, hi, lo_open=False, hi_open=False):
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {value!r}") from None
    ok_lo = v > lo if lo_open else v >= lo
    ok_hi = v < hi if hi_open else v <= hi
    if not (np.isfinite(v) and ok_lo and ok_hi):
        lb = "(" if lo_open else "["
        rb = ")" if hi_open else "]"
        raise ValueError(f"{name} must be in {lb}{lo}, {hi}{rb}, got {value!r}")
    return v


def positive_int(value, name, minimum=1):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def lookup(table, name, what):
    """table[name] with an error that lists the valid names."""
    if not isinstance(name, str) or name.lower() not in table:
        valid = ", ".join(sorted(table))
        raise ValueError(f"unknown {what} {name!r}; expected one of: {valid}")
    return table[name.lower()]
