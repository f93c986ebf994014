"""ffnn.grading, the assignments' test helpers: uses_ffnn / assert_own find the library
however a student function reaches it, forbid_ffnn catches it at run time, check_close
diagnoses the usual slips without giving the answer, carried grants carried-forward credit."""

import numpy as np
import pytest
from ffnn.grading import assert_own, carried, check_close, forbid_ffnn, uses_ffnn


def test_uses_ffnn_sees_direct_indirect_and_hidden_references():
    import ffnn
    from ffnn.activations import sigmoid as ref_sigmoid

    def own(a):
        return 1 / (1 + np.exp(-a))

    def direct(a):
        return ffnn.activations.sigmoid(a)

    def alias(a):
        return ref_sigmoid(a)

    def indirect(a):
        return alias(a) + 0

    def by_import(a):
        import ffnn as f

        return f.activations.sigmoid(a)

    def by_string(a):
        return __import__("ffnn").activations.sigmoid(a)

    def closure():
        s = ref_sigmoid
        return lambda a: s(a)

    assert not uses_ffnn(own)
    for fn in (direct, alias, indirect, by_import, by_string, closure()):
        assert uses_ffnn(fn), fn
    with pytest.raises(AssertionError, match="reference library ffnn"):
        assert_own(indirect)
    assert_own(own)


def test_forbid_ffnn_catches_calls_at_run_time():
    from ffnn.activations import sigmoid as ref_sigmoid

    with pytest.raises(AssertionError, match="called the reference library"):
        with forbid_ffnn("sigmoid"):
            ref_sigmoid(np.zeros(2))
    with forbid_ffnn("own"):
        np.tanh(np.zeros(2))


@pytest.mark.parametrize(
    "got, expected, message",
    [
        (-0.25, 0.25, "wrong sign"),
        (0.5, 0.25, "twice the expected value: check the 1/2 convention"),
        (0.125, 0.25, "half the expected value"),
        (np.ones((3, 2)), np.ones((2, 3)), r"shape \(3, 2\), expected \(2, 3\): transposed"),
        ([[1.0, 3.0], [2.0, 4.0]], [[1.0, 2.0], [3.0, 4.0]], "transpose of the expected matrix"),
        (np.ones(3), np.ones(4), r"shape \(3,\), expected \(4,\)"),
        (float("nan"), 1.0, "NaN"),
        (None, 1.0, "forget to return"),
        ("x", 1.0, "should be a number"),
        (0.3, 0.25, "largest error 0.05"),
    ],
)
def test_check_close_diagnoses(got, expected, message):
    with pytest.raises(AssertionError, match=message):
        check_close("answer", got, expected)


def test_check_close_accepts_within_tolerance():
    check_close("answer", 0.2504, 0.25, atol=5e-4)
    check_close("answer", [[1.0, 2.0]], np.array([[1.0, 2.0]]))


def test_check_close_names_the_slip_and_never_a_slip_that_is_right():
    slips = {"mean instead of sum (a factor n)": 0.5, "the 1/n is missing": 8.0}
    with pytest.raises(AssertionError, match=r"answer is wrong: mean instead of sum"):
        check_close("answer", 0.5, 2.0, slips=slips)
    with pytest.raises(AssertionError, match="largest error"):
        check_close("answer", 3.0, 2.0, slips=slips)
    check_close("answer", 2.0, 2.0, slips={"coincides with the answer": 2.0})
    with pytest.raises(AssertionError, match="largest error") as err:
        check_close("answer", 2.5, 2.0, slips={"coincides with the answer": 2.0})
    assert "coincides" not in str(err.value)


def test_carried_forward_uses_own_value_only_when_it_is_a_known_slip():
    assert carried(0.7, 0.5) == pytest.approx(0.7), "no slips given: any usable value"
    assert carried(-0.5, 0.5, {"sign": -0.5}) == pytest.approx(-0.5)
    assert carried(0.7, 0.5, {"sign": -0.5}) == pytest.approx(0.5), "a copied value"
    assert carried("x", 0.5) == pytest.approx(0.5)
    assert carried([1.0, np.nan], [1.0, 2.0]).tolist() == [1.0, 2.0]
    assert carried([1.0, 2.0, 3.0], [1.0, 2.0]).tolist() == [1.0, 2.0], "wrong shape"


NOTEBOOK = """
import numpy as np
import ffnn
from ffnn import activations as act

sig = ffnn.activations.sigmoid

def helper(a):                      # a notebook-level helper that calls the library ...
    return ffnn.activations.sigmoid(a)

def student(a):                     # ... and the graded function that only calls the helper
    return helper(a) + 0.0

def deeper(a):                      # two module-level hops away
    return student(a)

def via_module_alias(a):            # a module bound to a global name
    return act.sigmoid(a)

def via_function_alias(a):          # a library function bound to a global name
    return sig(a)

def own_helper(a):
    return 1.0 / (1.0 + np.exp(-a))

def own(a):                         # module-level helpers that never touch ffnn
    return own_helper(a) * 1.0

def recursive(a, k=3):              # refers to itself through the globals: must terminate
    return own_helper(a) if k == 0 else recursive(a, k - 1)
"""


def notebook_namespace():
    """A fresh module namespace, as a notebook's: every function's __globals__ is this dict."""
    namespace = {"__name__": "__main__"}
    exec(compile(NOTEBOOK, "<notebook>", "exec"), namespace)
    return namespace


@pytest.mark.parametrize(
    "name", ["student", "deeper", "via_module_alias", "via_function_alias", "helper"]
)
def test_uses_ffnn_follows_names_looked_up_in_the_functions_globals(name):
    """A helper defined at notebook (module) level is reached only through the graded
    function's __globals__: the code of `student` names nothing but `helper`."""
    ns = notebook_namespace()
    fn = ns[name]
    assert fn.__globals__ is ns and fn.__closure__ is None and not fn.__defaults__
    assert not any("ffnn" in n for n in ns["student"].__code__.co_names)
    assert uses_ffnn(fn)
    with pytest.raises(AssertionError, match="calls the reference library ffnn"):
        assert_own(fn, name)


def test_module_level_helpers_that_never_touch_ffnn_pass():
    ns = notebook_namespace()
    for name in ("own", "own_helper", "recursive"):
        assert not uses_ffnn(ns[name]), name
        assert_own(ns[name], name)
    assert ns["recursive"](np.array([0.0]))[0] == 0.5


# What a student sees: the exact messages, with and without the expected value.
@pytest.mark.parametrize(
    "got, expected, message",
    [
        (-0.25, 0.25, "answer has the wrong sign"),
        (-1.0, 1.0, "answer has the wrong sign"),
        (0.5, 0.25, "answer is twice the expected value: check the 1/2 convention"),
        (0.125, 0.25, "answer is half the expected value: check the 1/2 convention"),
        (0.5, 0.0, "answer is wrong (largest error 0.5, tolerance 0.0001)"),
        (0.3, 0.25, "answer is wrong (largest error 0.05, tolerance 0.0001)"),
        (np.ones((3, 2)), np.ones((2, 3)), "answer has shape (3, 2), expected (2, 3): transposed?"),
        (np.ones((3, 2)), np.ones((2, 2)), "answer has shape (3, 2), expected (2, 2)"),
        (np.ones((2, 3, 4)), np.ones((4, 3, 2)), "answer has shape (2, 3, 4), expected (4, 3, 2)"),
        (
            [[1.0, 3.0], [2.0, 4.0]],
            [[1.0, 2.0], [3.0, 4.0]],
            "answer is the transpose of the expected matrix",
        ),
        (
            [[1.0, 2.0, 3.0]],
            [[1.0, 2.0, 4.0]],
            "answer is wrong (largest error 1, tolerance 0.0001)",
        ),
        (float("nan"), 1.0, "answer contains NaN or inf"),
        (None, 1.0, "answer is None: did you forget to return (or assign) it?"),
        ("x", 1.0, "answer should be a number or array, got str"),
    ],
)
def test_check_close_messages_do_not_give_the_answer_away(got, expected, message):
    with pytest.raises(AssertionError) as err:
        check_close("answer", got, expected)
    assert str(err.value) == message


@pytest.mark.parametrize(
    "got, expected, message",
    [
        (
            0.3,
            0.1234567,
            "answer is wrong (largest error 0.177, tolerance 0.0001) (expected 0.123457)",
        ),
        (-0.25, 0.25, "answer has the wrong sign (expected 0.25)"),
        ([1.0, np.inf], [1, 2], "answer contains NaN or inf (expected [1.0, 2.0])"),
        (
            [[1.0, 3.0], [2.0, 4.0]],
            [[1, 2], [3, 4]],
            "answer is the transpose of the expected matrix (expected [[1.0, 2.0], [3.0, 4.0]])",
        ),
        (3, 2, "answer is wrong (largest error 1, tolerance 0.0001) (expected 2.0)"),
    ],
)
def test_check_close_shows_the_expected_value_only_when_asked(got, expected, message):
    with pytest.raises(AssertionError) as err:
        check_close("answer", got, expected, show_expected=True)
    assert str(err.value) == message


def test_check_close_slip_message_and_a_slip_that_does_not_apply():
    slips = {"does not apply here": None, "the 1/n is missing": 8.0}
    with pytest.raises(AssertionError) as err:
        check_close("loss", 8.0, 2.0, slips=slips, show_expected=True)
    assert str(err.value) == "loss is wrong: the 1/n is missing (expected 2.0)"
    with pytest.raises(AssertionError) as err:
        check_close("loss", 3.0, 2.0, slips=slips)
    assert str(err.value) == "loss is wrong (largest error 1, tolerance 0.0001)"


def test_check_close_tolerance_is_absolute_unless_rtol_is_given():
    check_close("answer", 1.05, 1.0, atol=0.0, rtol=0.1)
    with pytest.raises(AssertionError) as err:
        check_close("answer", 1e6 + 1, 1e6)
    assert str(err.value) == "answer is wrong (largest error 1, tolerance 0.0001)"
    with pytest.raises(AssertionError) as err:
        check_close("answer", 1.3, 1.0, rtol=0.01)
    assert str(err.value) == (
        "answer is wrong (largest error 0.3, tolerance 0.0001 + 0.01*|expected|)"
    )


def test_check_close_takes_a_boolean_mask_as_the_expected_value():
    """relu'(a) written as the mask a > 0: checked (and diagnosed) as 1.0 and 0.0."""
    mask = np.array([1.0, -2.0, 3.0]) > 0
    check_close("relu'(a)", [1.0, 0.0, 1.0], mask)
    with pytest.raises(AssertionError) as err:
        check_close("relu'(a)", [-1.0, 0.0, -1.0], mask)
    assert str(err.value) == "relu'(a) has the wrong sign"
    with pytest.raises(AssertionError) as err:
        check_close("relu'(a)", [1.0, 0.5, 1.0], mask)
    assert str(err.value) == "relu'(a) is wrong (largest error 0.5, tolerance 0.0001)"


def test_carried_takes_a_list_of_slips_and_returns_floats():
    assert carried(-0.5, 0.5, [None, -0.5]) == pytest.approx(-0.5)
    assert carried(0.7, 0.5, [None, -0.5]) == pytest.approx(0.5)
    assert carried(0.7, 0.5, {"does not apply": None}) == pytest.approx(0.5)
    for own in (None, "x", [1.0, 2.0, 3.0]):
        value = carried(own, [1, 2])
        assert value.dtype == np.float64 and value.tolist() == [1.0, 2.0], own
    mask = carried(None, np.array([True, False]))
    assert mask.dtype == np.float64 and mask.tolist() == [1.0, 0.0]


def test_assert_own_names_the_function_in_its_message():
    import functools

    from ffnn.activations import sigmoid as ref_sigmoid

    def forward(a):
        return ref_sigmoid(a)

    rest = ": implement it yourself with numpy (no points for this part)"
    cases = [
        (forward, None, "forward"),
        (forward, "sigmoid", "sigmoid"),
        (functools.partial(ref_sigmoid), None, "this function"),
    ]
    for fn, name, shown in cases:
        with pytest.raises(AssertionError) as err:
            assert_own(fn, name)
        assert str(err.value) == f"{shown} calls the reference library ffnn{rest}"
    with pytest.raises(AssertionError) as err:
        assert_own(0.5, "sigmoid")
    assert str(err.value) == "sigmoid is not a function"


STUDENT_CODE = """
import functools
import numpy as np
import ffnn

def apply(f, a):
    return f(a)

def nested(a):                      # the library is named only inside an inner function
    def inner(x):
        return ffnn.activations.sigmoid(x)
    return inner(a)

def in_generator(xs):               # ... or inside a generator expression
    return sum(ffnn.activations.sigmoid(x) for x in xs)

ref_partial = functools.partial(ffnn.activations.sigmoid)
partial_arg = functools.partial(apply, ffnn.activations.sigmoid)
partial_keyword = functools.partial(apply, f=ffnn.activations.sigmoid)

class RefLayer:                     # a class whose method calls the library
    def forward(self, a):
        return ffnn.activations.sigmoid(a)

ref_method = RefLayer().forward

class Layer:                        # super() closes over the class, which the method names
    def __init__(self, n):
        super().__init__()
        self.w = np.zeros(n)

    def forward(self, a):
        return Layer(len(a)).w + a

def decay(lr, k):                   # calls itself back through a partial
    return lr if k == 0 else halve(lr * 0.5, k - 1)

halve = functools.partial(decay)

class Schedule:
    def step(self, lr, k):          # calls itself back through a bound method in a global
        return lr if k == 0 else next_step(lr * 0.5, k - 1)

next_step = Schedule().step
"""


def student_namespace():
    namespace = {"__name__": "__main__"}
    exec(compile(STUDENT_CODE, "<student>", "exec"), namespace)
    return namespace


@pytest.mark.parametrize(
    "name",
    [
        "nested",
        "in_generator",
        "ref_partial",
        "partial_arg",
        "partial_keyword",
        "RefLayer",
        "ref_method",
    ],
)
def test_uses_ffnn_sees_the_library_in_inner_code_partials_classes_and_methods(name):
    assert uses_ffnn(student_namespace()[name])


def test_uses_ffnn_terminates_on_classes_partials_and_methods_that_refer_to_themselves():
    ns = student_namespace()
    for name in ("Layer", "decay", "halve", "Schedule", "next_step"):
        assert not uses_ffnn(ns[name]), name
    assert ns["Layer"](2).forward(np.ones(2)).tolist() == [1.0, 1.0]
    assert ns["halve"](1.0, 2) == ns["next_step"](1.0, 2) == 0.25


def test_uses_ffnn_judges_a_compiled_function_by_its_code():
    """numba's dispatcher (an @njit function) has the Python function's __code__ and
    __defaults__ but no __globals__: a library name in its code is still found."""

    class Compiled:
        def __init__(self, fn):
            self.py_func, self.__code__, self.__defaults__ = fn, fn.__code__, fn.__defaults__

        def __call__(self, *args):
            return self.py_func(*args)

    ns = student_namespace()
    for name in ("nested", "in_generator"):
        assert uses_ffnn(Compiled(ns[name])), name


def test_uses_ffnn_skips_a_closure_variable_not_assigned_yet():
    def outer():
        def inner(a):
            return scale * a

        verdict = uses_ffnn(inner)  # `scale` has no value yet
        scale = 2.0
        return verdict, inner(1.0)

    assert outer() == (False, 2.0)


def test_uses_ffnn_sees_static_and_class_methods_and_compiled_functions():
    import ffnn
    from numba import njit

    class Static:
        @staticmethod
        def f(a):
            return ffnn.activations.sigmoid(a)

    class Klass:
        @classmethod
        def f(cls, a):
            return ffnn.activations.sigmoid(a)

    @njit
    def own_compiled(a):
        return a + 1.0

    assert uses_ffnn(Static) and uses_ffnn(Klass)
    assert not uses_ffnn(own_compiled)  # judged by its Python code, and it does not crash
    assert_own(own_compiled)
    assert uses_ffnn(njit(lambda a: ffnn.activations.sigmoid(a)))  # never compiled: no call


def test_uses_ffnn_reads_defaults_and_keyword_defaults():
    from ffnn.activations import sigmoid as ref_sigmoid

    def positional(a, s=ref_sigmoid):
        return s(a)

    def keyword(a, *, s=ref_sigmoid):
        return s(a)

    def own(a, s=abs, *, t=round):
        return t(s(a))

    assert uses_ffnn(positional) and uses_ffnn(keyword)
    assert not uses_ffnn(own)


def test_uses_ffnn_judges_a_dispatcher_by_its_python_function():
    """Anything with a ``py_func`` (Numba's dispatchers) is judged by that function, also
    when the function calls itself through the dispatcher (no endless recursion)."""
    import ffnn

    class Dispatcher:  # stands in for numba's CPUDispatcher, also under NUMBA_DISABLE_JIT
        __module__ = "student"

        def __init__(self, fn):
            self.py_func = fn

    namespace = {"ffnn": ffnn}
    exec(
        "def cheat(a):\n    return ffnn.activations.sigmoid(a)\n\n"
        "def countdown(n):\n    return n if n <= 0 else countdown_compiled(n - 1)\n",
        namespace,
    )
    namespace["countdown_compiled"] = Dispatcher(namespace["countdown"])
    assert uses_ffnn(Dispatcher(namespace["cheat"]))
    assert not uses_ffnn(namespace["countdown_compiled"])


def test_uses_ffnn_copes_with_an_object_that_has_only_code():
    """An object with ``__code__`` but no globals, closure or defaults is read by its code."""

    class CodeOnly:
        __module__ = "student"
        __code__ = compile("len(a) + 1", "<student>", "eval")  # names, but no globals to read

    class CodeNamingTheLibrary:
        __module__ = "student"
        __code__ = compile("ffnn.activations.sigmoid(a)", "<student>", "eval")

    assert not uses_ffnn(CodeOnly())
    assert uses_ffnn(CodeNamingTheLibrary())
