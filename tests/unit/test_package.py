"""The package itself (ffnn/__init__.py: where Numba caches, lazy submodules) and the input
checks every public function shares (ffnn/_checks.py): what they accept, what they return
and the whole text of every error."""

import os
import tempfile

import ffnn
import numpy as np
import pytest
from ffnn import _checks as ck

# --- ffnn/__init__.py -------------------------------------------------------------------


@pytest.fixture
def read_only(monkeypatch):
    """Every directory looks read-only (as a root-owned site-packages does to a user)."""
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    return monkeypatch


def test_a_writable_package_or_the_users_choice_keeps_numbas_default(tmp_path, monkeypatch):
    assert ffnn.numba_cache_dir(str(tmp_path), {}) is None  # tmp_path is writable
    assert ffnn.numba_cache_dir(str(tmp_path), {"XDG_CACHE_HOME": "/nowhere"}) is None
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    assert ffnn.numba_cache_dir("/ro", {"NUMBA_CACHE_DIR": ""}) is None


def test_access_is_asked_for_writing_the_package_dir(tmp_path, monkeypatch):
    asked = []
    monkeypatch.setattr(os, "access", lambda path, mode: asked.append((path, mode)) or True)
    assert ffnn.numba_cache_dir("/pkg", {}) is None
    assert asked == [("/pkg", os.W_OK)]


def test_a_read_only_package_caches_under_xdg_cache_home(read_only, tmp_path):
    env = {"XDG_CACHE_HOME": str(tmp_path / "xdg")}
    for _ in range(2):  # the second call finds the folder already there
        assert ffnn.numba_cache_dir("/ro", env) == str(tmp_path / "xdg" / "ffnn-numba")
    assert (tmp_path / "xdg" / "ffnn-numba").is_dir()


@pytest.mark.parametrize("env", [{}, {"XDG_CACHE_HOME": ""}])
def test_without_xdg_cache_home_it_is_dot_cache_in_home(read_only, tmp_path, env):
    read_only.setenv("HOME", str(tmp_path))
    assert ffnn.numba_cache_dir("/ro", env) == str(tmp_path / ".cache" / "ffnn-numba")
    assert (tmp_path / ".cache" / "ffnn-numba").is_dir()


def test_an_unusable_cache_home_falls_back_to_the_temp_dir(read_only, tmp_path):
    (tmp_path / "file").write_text("not a folder")
    read_only.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    env = {"XDG_CACHE_HOME": str(tmp_path / "file")}
    for _ in range(2):
        assert ffnn.numba_cache_dir("/ro", env) == str(tmp_path / "tmp" / "ffnn-numba")
    assert (tmp_path / "tmp" / "ffnn-numba").is_dir()


def test_the_import_time_hook_sets_numba_cache_dir_only_when_needed(monkeypatch, tmp_path):
    monkeypatch.setenv("NUMBA_CACHE_DIR", "")  # so that undoing the next line restores it
    monkeypatch.delenv("NUMBA_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(ffnn, "__file__", str(tmp_path / "pkg" / "__init__.py"))
    asked = []
    monkeypatch.setattr(os, "access", lambda path, mode: asked.append(path) or True)
    ffnn._ensure_writable_numba_cache()
    assert "NUMBA_CACHE_DIR" not in os.environ
    assert asked == [str(tmp_path / "pkg")]  # the package's folder, as an absolute path
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    ffnn._ensure_writable_numba_cache()
    assert os.environ["NUMBA_CACHE_DIR"] == str(tmp_path / "xdg" / "ffnn-numba")


def test_submodules_and_mlp_load_on_first_use():
    from ffnn import metrics, network

    assert ffnn.__getattr__("MLP") is network.MLP
    assert ffnn.__getattr__("metrics") is metrics
    for name in ffnn.__all__:
        assert ffnn.__getattr__(name) is not None
    with pytest.raises(AttributeError) as err:
        ffnn.__getattr__("exercises_")
    assert str(err.value) == "module 'ffnn' has no attribute 'exercises_'"


def test_what_the_first_call_does_not_need_is_not_imported():
    """A fresh process that fits without a progress bar never imports tqdm (fit imports it
    when it shows a bar); nor does ``import ffnn`` alone import Numba."""
    import subprocess
    import sys

    code = (
        "import sys, ffnn; assert 'numba' not in sys.modules, 'numba'; "
        "X, T = ffnn.datasets.xor(); "
        "ffnn.train.fit(ffnn.MLP([2, 2, 1]), X, T, epochs=1, progress=False); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('tqdm', 'matplotlib')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_dir_lists_the_modules_globals_and_the_lazy_names():
    names = dir(ffnn)
    assert names == sorted(names)
    assert {"MLP", "numba_cache_dir", "__version__", "activations", "train"} <= set(names)
    assert len(names) == len(set(names))


# --- ffnn/_checks.py ----------------------------------------------------------------------


def test_as_matrix_returns_a_c_contiguous_float64_copy_of_a_2d_array():
    X = np.arange(12).reshape(3, 4)[:, ::2]  # integers, not contiguous
    A = ck.as_matrix(X)
    assert A.dtype == np.float64 and A.flags.c_contiguous
    assert np.array_equal(A, [[0, 2], [4, 6], [8, 10]])
    B = ck.as_matrix([[True, False]], dtype=np.float32)
    assert B.dtype == np.float32 and np.array_equal(B, [[1, 0]])
    C = np.ones((4, 3))
    assert ck.as_matrix(C) is C  # already right: checked, not copied


@pytest.mark.parametrize(
    "n_cols, shape", [(None, (3, 1)), (1, (3, 1)), (3, (1, 3)), (2, None), (4, None)]
)
def test_a_1d_array_is_a_column_or_a_row_of_n_cols(n_cols, shape):
    if shape is None:  # 3 entries: neither a column (n_cols > 1) nor a row of n_cols
        with pytest.raises(ValueError) as err:
            ck.as_matrix([1.0, 2.0, 3.0], "V", n_cols=n_cols)
        expected = f"V must have {n_cols} column(s) (n_samples, {n_cols}), got shape (3, 1)"
        assert str(err.value) == expected
    else:
        A = ck.as_matrix(np.array([1.0, 2.0, 3.0]), n_cols=n_cols)
        assert A.shape == shape and np.array_equal(A.ravel(), [1, 2, 3])


def test_a_1d_array_of_two_entries_is_a_row_of_two():
    assert ck.as_matrix([1.0, 2.0], n_cols=2).shape == (1, 2)
    assert ck.as_matrix([5.0], n_cols=1).shape == (1, 1)
    assert ck.as_matrix(np.ones((1, 4)), n_cols=4).shape == (1, 4)  # one sample is enough


@pytest.mark.parametrize(
    "X, message",
    [
        (np.array(["a", "b"]), "W must be a numeric array, got dtype <U1"),
        (np.array([1, None]), "W must be a numeric array, got dtype object"),
        (np.zeros((2, 2, 2)), "W must be 2-D (n_samples, n_features), got shape (2, 2, 2)"),
        (np.float64(3.0), "W must be 2-D (n_samples, n_features), got shape ()"),
        (np.zeros((0, 3)), "W must contain at least one sample, got shape (0, 3)"),
        (np.zeros(0), "W must contain at least one sample, got shape (0, 1)"),
        ([[1.0, np.nan]], "W contains NaN or inf; expected finite numbers"),
        ([[1.0], [-np.inf]], "W contains NaN or inf; expected finite numbers"),
    ],
)
def test_as_matrix_errors_say_what_was_expected(X, message):
    with pytest.raises(ValueError) as err:
        ck.as_matrix(X, "W")
    assert str(err.value) == message


def test_as_matrix_names_x_by_default():
    with pytest.raises(ValueError) as err:
        ck.as_matrix([[np.inf]])
    assert str(err.value) == "X contains NaN or inf; expected finite numbers"


def test_same_rows():
    ck.same_rows(np.zeros((3, 2)), np.zeros((3, 1)))
    with pytest.raises(ValueError) as err:
        ck.same_rows(np.zeros((3, 2)), np.zeros((2, 2)))
    assert str(err.value) == "X and T must have the same number of samples, got 3 and 2"
    with pytest.raises(ValueError) as err:
        ck.same_rows(np.zeros((1, 1)), np.zeros((4, 1)), names=("Y", "T2"))
    assert str(err.value) == "Y and T2 must have the same number of samples, got 1 and 4"


@pytest.mark.parametrize("value, v", [(2, 2.0), ("0.5", 0.5), (np.float32(1e-30), 1e-30)])
def test_positive_returns_a_float(value, v):
    got = ck.positive(value, "lr")
    assert type(got) is float and got == pytest.approx(v)


@pytest.mark.parametrize("value", [0, 0.0, -1, float("inf"), float("nan"), "x", None, [1]])
def test_positive_refuses_the_rest(value):
    with pytest.raises(ValueError) as err:
        ck.positive(value, "lr")
    assert str(err.value) == f"lr must be a positive number, got {value!r}"


@pytest.mark.parametrize(
    "value, lo_open, hi_open, ok",
    [
        (0, False, False, True),
        (1, False, False, True),
        (0, True, False, False),
        (1, False, True, False),
        (0.5, True, True, True),
        (1e-12, True, True, True),
        (-1e-12, False, False, False),
        (1 + 1e-12, False, False, False),
        (float("inf"), False, False, False),
        (float("nan"), False, False, False),
    ],
)
def test_in_range_limits_open_or_closed(value, lo_open, hi_open, ok):
    if ok:
        got = ck.in_range(value, "p", 0, 1, lo_open=lo_open, hi_open=hi_open)
        assert type(got) is float and got == value
    else:
        with pytest.raises(ValueError) as err:
            ck.in_range(value, "p", 0, 1, lo_open=lo_open, hi_open=hi_open)
        lb, rb = "(" if lo_open else "[", ")" if hi_open else "]"
        assert str(err.value) == f"p must be in {lb}0, 1{rb}, got {value!r}"


def test_in_range_with_infinite_limit_still_refuses_inf_and_a_non_number():
    assert ck.in_range(1e300, "x", 0, np.inf) == 1e300
    with pytest.raises(ValueError) as err:
        ck.in_range(np.inf, "x", 0, np.inf)
    assert str(err.value) == "x must be in [0, inf], got inf"
    for bad in ("a", None):
        with pytest.raises(ValueError) as err:
            ck.in_range(bad, "x", 0, 1)
        assert str(err.value) == f"x must be a number, got {bad!r}"


@pytest.mark.parametrize("value, minimum", [(1, 1), (5, 5), (np.int32(3), 2), (10**20, 1)])
def test_positive_int_returns_an_int(value, minimum):
    got = ck.positive_int(value, "n", minimum)
    assert type(got) is int and got == value


@pytest.mark.parametrize("value, minimum", [(0, 1), (4, 5), (True, 1), (2.0, 1), ("3", 1)])
def test_positive_int_refuses_the_rest(value, minimum):
    with pytest.raises(ValueError) as err:
        ck.positive_int(value, "n", minimum)
    assert str(err.value) == f"n must be an integer >= {minimum}, got {value!r}"


def test_positive_int_minimum_defaults_to_one():
    assert ck.positive_int(1, "k") == 1
    with pytest.raises(ValueError) as err:
        ck.positive_int(0, "k")
    assert str(err.value) == "k must be an integer >= 1, got 0"


def test_lookup_is_case_insensitive_and_lists_the_names_when_unknown():
    table = {"b": 2, "a": 1, "c": 3}
    assert ck.lookup(table, "B", "thing") == 2
    for bad in ("d", 1, None):
        with pytest.raises(ValueError) as err:
            ck.lookup(table, bad, "thing")
        assert str(err.value) == f"unknown thing {bad!r}; expected one of: a, b, c"
