"""ffnn.exercises: where the student id comes from (grader, JupyterHub, use_student) and
its validation, the seed (SHA-256 of id and tag, recomputed here with hashlib), the
student's generator, grid's hand-computable values and show's display."""

import hashlib

import numpy as np
import pytest
from ffnn import exercises as ex

BAD_ID = (
    "expected your student id as a string of letters, digits and _.@+- (at most 64 "
    "characters, the name your instructor's roster uses), got {!r}"
)
NO_ID = (
    'no student id: fill in use_student("your id") in the first code cell of the '
    "assignment and run it"
)


@pytest.fixture(autouse=True)
def no_id(monkeypatch):
    """Each test starts with no id: nothing entered, nothing fixed, no environment."""
    monkeypatch.setattr(ex, "_entered", None)
    monkeypatch.setattr(ex, "_fixed", None)
    monkeypatch.delenv("FFNN_STUDENT_ID", raising=False)
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    return monkeypatch


def sha_seed(student, tag):
    digest = hashlib.sha256((student + "\0" + tag).encode("utf-8")).digest()
    return sum(b << (8 * i) for i, b in enumerate(digest[:8]))  # little-endian, 8 bytes


def test_without_any_id_student_id_says_how_to_enter_one():
    with pytest.raises(RuntimeError) as err:
        ex.student_id()
    assert str(err.value) == NO_ID


@pytest.mark.parametrize(
    "typed, kept",
    [
        ("alice", "alice"),
        ("  Bob.Smith+1@uni-x_2 \n", "Bob.Smith+1@uni-x_2"),
        ("7", "7"),
        ("z" * 64, "z" * 64),
        ("A" + "_.@+-" * 12 + "b9", "A" + "_.@+-" * 12 + "b9"),
    ],
)
def test_use_student_keeps_a_valid_id_stripped(typed, kept):
    assert ex.use_student(typed) == kept
    assert ex.student_id() == kept


@pytest.mark.parametrize(
    "typed", ["", "   ", "z" * 65, "_alice", "-a", ".a", "al ice", "al/ice", "é", "a\nb", 42, None]
)
def test_use_student_refuses_anything_else_with_a_clear_message(typed):
    with pytest.raises(ValueError) as err:
        ex.use_student(typed)
    assert str(err.value) == BAD_ID.format(typed)
    with pytest.raises(RuntimeError):
        ex.student_id()


def test_a_later_use_student_replaces_the_earlier_one():
    ex.use_student("alice")
    assert ex.use_student("bob") == "bob" == ex.student_id()


@pytest.mark.parametrize("key", ["FFNN_STUDENT_ID", "JUPYTERHUB_USER"])
def test_an_id_from_the_environment_wins_over_use_student(no_id, key):
    ex.use_student("alice")
    no_id.setenv(key, "  hub-user ")
    assert ex.student_id() == "hub-user"
    # use_student is then ignored, even blank or invalid, and returns the known id
    assert ex.use_student("") == "hub-user"
    assert ex.use_student("not valid!") == "hub-user"
    no_id.delenv(key)
    assert ex.student_id() == "alice"


def test_the_graders_variable_wins_over_jupyterhub_and_blank_values_are_ignored(no_id):
    no_id.setenv("FFNN_STUDENT_ID", "folder")
    no_id.setenv("JUPYTERHUB_USER", "hub")
    assert ex.student_id() == "folder"
    no_id.setenv("FFNN_STUDENT_ID", " \t ")
    assert ex.student_id() == "hub"
    no_id.setenv("JUPYTERHUB_USER", "  ")
    with pytest.raises(RuntimeError):
        ex.student_id()
    assert ex.use_student("carol") == "carol" == ex.student_id()


def test_grade_as_fixes_the_id_for_good(no_id):
    ex.use_student("alice")
    assert ex.grade_as(1234) == "1234"
    assert ex.student_id() == "1234"
    no_id.setenv("FFNN_STUDENT_ID", "other")
    no_id.setenv("JUPYTERHUB_USER", "hub")
    assert ex.use_student("bob") == "1234" == ex.student_id()
    assert ex.student_rng("t").random() == np.random.default_rng(sha_seed("1234", "t")).random()


@pytest.mark.parametrize(
    "student, tag", [("alice", "a1/neuron"), ("bob", "a1/neuron"), ("alice", "a2/x"), ("", "")]
)
def test_seed_is_the_first_8_bytes_of_sha256_little_endian(student, tag):
    s = ex.seed(student, tag)
    assert s == sha_seed(student, tag)
    assert 0 <= s < 2**64


def test_seed_separates_student_and_tag():
    assert ex.seed("ab", "c") != ex.seed("a", "bc")  # the NUL between them matters
    assert ex.seed(5, "x") == sha_seed("5", "x")  # anything printable is an id


def test_student_rng_draws_from_the_seed_of_the_current_student_and_tag():
    ex.use_student("alice")
    got = ex.student_rng("a1/neuron").random(3)
    want = np.random.default_rng(sha_seed("alice", "a1/neuron")).random(3)
    assert np.array_equal(got, want)
    assert not np.array_equal(ex.student_rng("a1/other").random(3), want)
    ex.use_student("bob")
    assert not np.array_equal(ex.student_rng("a1/neuron").random(3), want)


@pytest.mark.parametrize(
    "low, high, step, values",
    [
        (-1, 1, 0.25, [-1, -0.75, -0.5, -0.25, 0.25, 0.5, 0.75, 1]),
        (-0.3, 0.6, 0.25, [-0.25, 0.25, 0.5]),
        (0.5, 2.0, 0.5, [0.5, 1.0, 1.5, 2.0]),
        (-3, -1, 1, [-3, -2, -1]),
        (-2.2, 1.9, 2, [-2]),
    ],
)
def test_grid_draws_every_nonzero_multiple_of_step_in_the_interval(low, high, step, values):
    rng = np.random.default_rng(0)
    out = ex.grid(rng, low, high, step, size=2000)
    assert isinstance(out, np.ndarray) and out.dtype == np.float64 and out.shape == (2000,)
    assert sorted(set(out.tolist())) == values
    counts = np.array([np.sum(out == v) for v in values])
    assert np.all(np.abs(counts - 2000 / len(values)) < 6 * np.sqrt(2000 / len(values)))


def test_grid_default_step_is_a_quarter_and_one_draw_is_a_float():
    rng = np.random.default_rng(1)
    draws = [ex.grid(rng, -1, 1) for _ in range(400)]
    assert all(type(d) is float for d in draws)
    assert sorted(set(draws)) == [-1, -0.75, -0.5, -0.25, 0.25, 0.5, 0.75, 1]
    out = ex.grid(rng, -1, 1, size=(2, 3))
    assert out.shape == (2, 3) and out.dtype == np.float64


def test_show_lists_the_numbers_one_per_line():
    s = ex.show(x=0.5, n=3, w=np.array([0.25, 1.0, -2.0]), A=[[1.5, 2], [3, 4]], b=np.float64(2))
    assert repr(s) == ("x = 0.5\nn = 3\nw = [0.25, 1, -2]\nA = [[1.5, 2],\n [3, 4]]\nb = 2")
    assert repr(ex.show()) == ""
    # integers print whole, floats with %g (lower-case exponent)
    assert repr(ex.show(k=np.int64(12345678), f=1e-7)) == "k = 12345678\nf = 1e-07"
    assert repr(ex.show(v=[1e-7, 2.0], ok=True)) == "v = [1e-07, 2]\nok = True"


def test_show_as_markdown_is_a_table_headed_by_the_student():
    ex.use_student("alice")
    s = ex.show(x=-0.75, A=np.array([[1.0, 2.0], [3.0, 4.0]]))
    assert s._repr_markdown_() == (
        "Your numbers (student `alice`):\n\n| | |\n|---|---|\n"
        "| `x` | `-0.75` |\n| `A` | `[[1, 2], [3, 4]]` |\n"
    )
