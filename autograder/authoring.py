# ruff: noqa: E501 (the cells below are notebook code, kept as students will read them)
"""Bootstrap of the assignment notebooks in source/ (nbgrader instructor versions).

The committed notebooks in source/ are the source of truth: edit them in JupyterLab
(View > Cell Toolbar > Create Assignment) or here and rerun
``python -m autograder.authoring --force``, then ``make release``. This module
holds the cell builders (one per nbgrader cell kind) and the five assignments.

Cell kinds (nbgrader metadata, schema_version 3):
* ``answer`` - autograded answer cell (solution between BEGIN/END SOLUTION),
* ``test``   - locked grade cell with points: visible asserts, then hidden tests,
* ``written``- manually graded markdown answer (grade and solution both true).
"""

import sys
import textwrap
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
TOL = "5e-4"  # absolute tolerance for numbers computed by hand, stated to students


def _nb(kind, grade_id, **extra):
    meta = {
        "grade": kind in ("test", "written"),
        "grade_id": grade_id,
        "locked": kind == "test",
        "schema_version": 3,
        "solution": kind in ("answer", "written"),
        "task": False,
    }
    meta.update(extra)
    return {"nbgrader": meta}


def _src(text):
    return textwrap.dedent(text).strip("\n")


def md(text):
    return nbformat.v4.new_markdown_cell(_src(text))


def code(text):
    return nbformat.v4.new_code_cell(_src(text))


def answer(grade_id, text):
    return nbformat.v4.new_code_cell(_src(text), metadata=_nb("answer", grade_id))


def test(grade_id, points, visible, hidden):
    body = _src(visible) + "\n\n### BEGIN HIDDEN TESTS\n" + _src(hidden) + "\n### END HIDDEN TESTS"
    return nbformat.v4.new_code_cell(body, metadata=_nb("test", grade_id, points=points))


def written(grade_id, points, model_answer):
    return nbformat.v4.new_markdown_cell(
        _src(model_answer), metadata=_nb("written", grade_id, points=points)
    )


def intro(title, goals, lectures):
    return md(
        f"""
        # {title}

        {goals}

        **Lecture notes** (full references in `course/SYLLABUS.md`): {lectures}

        **How you are graded.** Replace every `# YOUR CODE HERE` / `raise NotImplementedError()`
        and every *YOUR ANSWER HERE*. The visible tests under each answer help you; hidden
        tests run when we grade and decide the points. Use plain `numpy`: an answer that
        calls the course library `ffnn` earns no points. Numbers **computed by hand** are
        checked to an absolute tolerance of {TOL} (keep at least 4 decimals in every
        intermediate step; do not round early). Notation of the lectures: `a` pre-activation,
        `h` activation, `y` output, `t` target, `delta` error signal, `eta` learning rate,
        `W`, `b` weights and biases. Data are rows: a layer computes `A = X @ W + b` with
        `W` of shape `(n_in, n_out)`. Restart the kernel and run all cells before you submit.
        """
    )


SETUP = code(
    """
    import math

    import numpy as np
    """
)

HAND_IMPORT = "from ffnn.grading import check_close"
FN_IMPORT = "from ffnn.grading import assert_own, check_close, forbid_ffnn"


def a1_perceptron():
    return [
        intro(
            "Assignment 1: the neuron and the perceptron",
            "A neuron computes a weighted sum and passes it through an activation; "
            "Rosenblatt's perceptron learns the weights of a threshold neuron.",
            "000 (Rossi) *The perceptron algorithm (1/7)-(7/7)*; 001 (MIT 6.S191) *This is a "
            "perceptron* and *Perceptrons can only learn linearly separable classes*; 002 "
            "(Drchal) *MCP neuron* and the bias trick.",
        ),
        SETUP,
        md(
            """
            ## 1. A neuron by hand (2 points)
            A sigmoid neuron has bias $b = 0.2$ and weights $w = (-0.5, 0.8)$. For the input
            $x = (1.5, 0.25)$ compute the pre-activation $a = b + w^\\top x$ and the activation
            $h = \\sigma(a) = 1/(1+e^{-a})$.
            """
        ),
        answer(
            "a1_neuron_hand",
            """
            ### BEGIN SOLUTION
            a_hand = -0.35  # 0.2 + (-0.5)(1.5) + (0.8)(0.25)
            h_hand = 0.413382  # 1 / (1 + e^0.35)
            ### END SOLUTION
            """,
        ),
        test(
            "test_a1_a_hand",
            1,
            f"""
            {HAND_IMPORT}
            assert isinstance(a_hand, (int, float)), "a_hand should be a number"
            """,
            f"""
            check_close("a_hand", a_hand, 0.2 + np.dot([-0.5, 0.8], [1.5, 0.25]), atol={TOL})
            """,
        ),
        test(
            "test_a1_h_hand",
            1,
            f"""
            {HAND_IMPORT}
            assert 0 < h_hand < 1, "a sigmoid output lies strictly between 0 and 1"
            """,
            f"""
            a = 0.2 + np.dot([-0.5, 0.8], [1.5, 0.25])
            assert abs(h_hand - 1 / (1 + np.exp(-abs(a)))) > 1e-3, "h_hand: you used |a|, a is negative"
            check_close("h_hand", h_hand, 1 / (1 + np.exp(-a)), atol={TOL})
            """,
        ),
        md(
            """
            ## 2. One perceptron update by hand (2 points)
            With the bias trick $\\phi(x) = (1, x_1, x_2)$ and $w = (w_0, w_1, w_2)$ where $w_0$ is
            the bias. The current weights are $w_t = (0.5, -1.0, 0.5)$ and the sample
            $x = (2.0, 1.0)$ has label $t = +1$ (class C1). Apply one step of the algorithm of
            lecture 000 (7/7, with $\\eta = 1$) and give $w_{t+1}$ as a list or array of 3 numbers
            (if the sample is correctly classified, $w_{t+1} = w_t$).
            """
        ),
        answer(
            "a1_update_hand",
            """
            ### BEGIN SOLUTION
            w_next = [1.5, 1.0, 1.5]  # w.phi = 0.5 - 2 + 0.5 = -1 <= 0 with t = +1: add phi
            ### END SOLUTION
            """,
        ),
        test(
            "test_a1_update_hand",
            2,
            f"""
            {HAND_IMPORT}
            assert np.shape(w_next) == (3,), "w_next should hold 3 numbers (bias first)"
            """,
            f"""
            w_t, phi = np.array([0.5, -1.0, 0.5]), np.array([1.0, 2.0, 1.0])
            assert not np.allclose(w_next, w_t), "w_next: the sample is misclassified (w.phi <= 0)"
            assert not np.allclose(w_next, w_t - phi), "w_next: t = +1, so add phi (do not subtract)"
            assert not np.allclose(w_next, [0.5 + 2.0, -1.0 + 1.0, 0.5]), "w_next: phi starts with 1"
            check_close("w_next", w_next, w_t + phi, atol={TOL})
            """,
        ),
        md(
            """
            ## 3. The perceptron in code (7 points)
            Implement, with the bias trick (the first entry of `w` is the bias):
            * `predict(w, X)`: for `X` of shape `(n, d)` and `w` of shape `(d+1,)` return an array
              of `n` labels in $\\{+1, -1\\}$, with $f(a) = +1$ for $a \\ge 0$ and $-1$ otherwise.
            * `perceptron_step(w, x, t)`: one step for one sample `x` (shape `(d,)`) with label
              `t` in $\\{+1,-1\\}$: return a **new** array `w + t*phi(x)` if the sample is
              misclassified ($t\\,w^\\top\\phi(x) \\le 0$), else a copy of `w`. Do not modify `w`.
            * `train_perceptron(X, t, w0, max_epochs=100)`: sweep through the samples in order
              `0..n-1` applying `perceptron_step`, epoch after epoch, and stop after the first
              epoch without any update (or after `max_epochs`). Return `(w, n_updates)`.
            """
        ),
        answer(
            "a1_predict",
            """
            def predict(w, X):
                ### BEGIN SOLUTION
                X = np.asarray(X, dtype=float)
                a = w[0] + X @ np.asarray(w[1:], dtype=float)
                return np.where(a >= 0, 1, -1)
                ### END SOLUTION
            """,
        ),
        test(
            "test_a1_predict",
            2,
            f"""
            {FN_IMPORT}
            got = predict(np.array([0.0, 1.0, -1.0]), np.array([[2.0, 1.0], [0.0, 3.0], [1.0, 1.0]]))
            assert np.shape(got) == (3,), f"predict should return one label per row, got {{np.shape(got)}}"
            assert set(np.unique(got)) <= {{-1, 1}}, "labels must be +1 or -1"
            """,
            """
            assert_own(predict)
            rng = np.random.default_rng(11)
            for d in (1, 2, 5):
                X, w = rng.normal(size=(40, d)), rng.normal(size=d + 1)
                with forbid_ffnn("predict"):
                    got = np.asarray(predict(w, X))
                expected = np.where(X @ w[1:] + w[0] >= 0, 1, -1)
                no_bias = np.where(X @ w[1:] >= 0, 1, -1)
                if np.array_equal(got, no_bias) and not np.array_equal(no_bias, expected):
                    raise AssertionError("predict: the bias w[0] is missing")
                check_close("predict(w, X)", got, expected, atol=0)
            check_close("predict at a = 0", predict(np.array([0.0, 1.0]), np.zeros((1, 1))), [1], atol=0)
            """,
        ),
        answer(
            "a1_step",
            """
            def perceptron_step(w, x, t):
                ### BEGIN SOLUTION
                phi = np.concatenate(([1.0], np.asarray(x, dtype=float)))
                w = np.array(w, dtype=float)
                if t * (w @ phi) <= 0:
                    w = w + t * phi
                return w
                ### END SOLUTION
            """,
        ),
        test(
            "test_a1_step",
            2,
            f"""
            {FN_IMPORT}
            w = np.array([0.5, -1.0, 0.5])
            check_close("perceptron_step(w, [2, 1], +1)", perceptron_step(w, np.array([2.0, 1.0]), 1),
                        [1.5, 1.0, 1.5])
            assert np.array_equal(w, [0.5, -1.0, 0.5]), "perceptron_step must not modify w in place"
            """,
            """
            assert_own(perceptron_step)
            rng = np.random.default_rng(12)
            for _ in range(30):
                w, x, t = rng.normal(size=4), rng.normal(size=3), rng.choice([-1, 1])
                phi = np.concatenate(([1.0], x))
                expected = w + t * phi if t * (w @ phi) <= 0 else w
                w_before = w.copy()
                with forbid_ffnn("perceptron_step"):
                    got = perceptron_step(w, x, t)
                assert np.array_equal(w, w_before), "perceptron_step must not modify w in place"
                if t * (w @ phi) <= 0:
                    assert not np.allclose(got, w - t * phi), "perceptron_step: add t*phi, not -t*phi"
                check_close("perceptron_step", got, expected, atol=1e-9)
            w = np.array([0.0, 1.0])
            check_close("perceptron_step on the boundary (w.phi = 0)", perceptron_step(w, [0.0], -1),
                        [-1.0, 1.0], atol=1e-9)
            """,
        ),
        answer(
            "a1_train",
            """
            def train_perceptron(X, t, w0, max_epochs=100):
                ### BEGIN SOLUTION
                w, n_updates = np.array(w0, dtype=float), 0
                for _ in range(max_epochs):
                    changed = False
                    for x_n, t_n in zip(X, t):
                        w_new = perceptron_step(w, x_n, t_n)
                        if not np.array_equal(w_new, w):
                            changed, n_updates, w = True, n_updates + 1, w_new
                    if not changed:
                        break
                return w, n_updates
                ### END SOLUTION
            """,
        ),
        test(
            "test_a1_train",
            3,
            f"""
            {FN_IMPORT}
            X_and = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
            t_and = np.array([-1, -1, -1, 1])
            w, n_updates = train_perceptron(X_and, t_and, np.zeros(3))
            assert np.array_equal(predict(w, X_and), t_and), "the AND data are separable: all must be right"
            """,
            """
            assert_own(train_perceptron)

            def reference(X, t, w0, max_epochs):
                w, k = np.array(w0, dtype=float), 0
                for _ in range(max_epochs):
                    before = k
                    for x_n, t_n in zip(X, t):
                        phi = np.concatenate(([1.0], x_n))
                        if t_n * (w @ phi) <= 0:
                            w, k = w + t_n * phi, k + 1
                    if k == before:
                        break
                return w, k

            rng = np.random.default_rng(13)
            for trial in range(5):
                X = rng.normal(size=(30, 2))
                t = np.where(X @ rng.normal(size=2) + 0.3 * rng.normal() >= 0, 1, -1)
                w0 = rng.normal(size=3)
                with forbid_ffnn("train_perceptron"):
                    w, k = train_perceptron(X, t, w0)
                w_ref, k_ref = reference(X, t, w0, 100)
                assert k == k_ref, f"train_perceptron: {k} updates, expected {k_ref} (in-order sweeps)"
                check_close("train_perceptron weights", w, w_ref, atol=1e-9)
            X_xor = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
            w, k = train_perceptron(X_xor, np.array([-1, 1, 1, -1]), np.zeros(3), max_epochs=7)
            assert k == reference(X_xor, np.array([-1, 1, 1, -1]), np.zeros(3), 7)[1], (
                "train_perceptron must stop after max_epochs on XOR")
            """,
        ),
        md(
            """
            ## 4. Written answer (2 points, graded by hand)
            Your perceptron never stops on XOR without `max_epochs`. Explain why, using the
            hyperplane $w^\\top \\phi(x) = 0$, and say what the lectures change in the network to
            solve XOR (lecture 001, 003 or 004). Three to five sentences.
            """
        ),
        written(
            "a1_written_xor",
            2,
            """
            A perceptron's decision boundary is the hyperplane $w^\\top\\phi(x) = 0$: one line in
            the plane. XOR's positive points (0,1), (1,0) and negative points (0,0), (1,1) cannot
            be split by one line, so every epoch misclassifies at least one sample and the
            algorithm keeps updating (the convergence theorem needs linear separability). A
            hidden layer fixes it: two hidden threshold/ReLU units map the inputs to a space
            where the classes are separable (003: hand-set weights; 004: ReLU layer with W, c).
            """,
        ),
    ]


def a2_activations_losses():
    return [
        intro(
            "Assignment 2: activation functions and loss functions",
            "Activations and their derivatives are what backpropagation multiplies; losses "
            "and their gradients start it.",
            "000 (Rossi) *activation functions* and appendices (softmax + cross-entropy, "
            "tanh'); 003 (Cheng) table of activations and derivatives; 004 (Chen) *softmax* "
            "and its stable form; 002 (Drchal) loss-function table.",
        ),
        SETUP,
        md(
            """
            ## 1. Derivatives by hand (4 points)
            * `tanh_prime_hand`: $\\tanh'(a)$ at $a = 0.5$ (use $\\tanh' = 1 - h^2$).
            * For the softmax $y = \\mathrm{softmax}(a)$ with $a = (1.0, 2.0, 0.5)$, and Python
              indices 0, 1, 2: `dy0_da0` $= \\partial y_0/\\partial a_0$ and
              `dy0_da1` $= \\partial y_0/\\partial a_1$ (lecture 000, appendix).
            * `ce_hand`: the cross-entropy $-\\sum_k t_k \\ln y_k$ of that $y$ for the one-hot
              target $t = (0, 1, 0)$ (natural logarithm).
            """
        ),
        answer(
            "a2_hand",
            """
            ### BEGIN SOLUTION
            tanh_prime_hand = 0.786448  # 1 - tanh(0.5)^2
            dy0_da0 = 0.177759  # y0 (1 - y0), y = (0.231224, 0.628532, 0.140244)
            dy0_da1 = -0.145332  # -y0 y1
            ce_hand = 0.464369  # -ln y1
            ### END SOLUTION
            """,
        ),
        test(
            "test_a2_tanh_hand",
            1,
            f"""
            {HAND_IMPORT}
            assert isinstance(tanh_prime_hand, (int, float)), "tanh_prime_hand should be a number"
            """,
            f"""
            assert abs(tanh_prime_hand - (1 - np.tanh(0.5))) > 1e-3, "tanh_prime_hand: square h"
            check_close("tanh_prime_hand", tanh_prime_hand, 1 - np.tanh(0.5) ** 2, atol={TOL})
            """,
        ),
        test(
            "test_a2_softmax_hand",
            2,
            f"""
            {HAND_IMPORT}
            assert dy0_da0 > 0, "a softmax output grows with its own input: dy0_da0 > 0"
            """,
            f"""
            a = np.array([1.0, 2.0, 0.5])
            y = np.exp(a - a.max()) / np.exp(a - a.max()).sum()
            check_close("dy0_da0", dy0_da0, y[0] * (1 - y[0]), atol={TOL})
            assert abs(dy0_da1 - y[1] * (1 - y[1])) > 1e-4, "dy0_da1: that is dy1_da1, not dy0_da1"
            check_close("dy0_da1", dy0_da1, -y[0] * y[1], atol={TOL})
            """,
        ),
        test(
            "test_a2_ce_hand",
            1,
            f"""
            {HAND_IMPORT}
            assert ce_hand > 0, "a cross-entropy with a one-hot target is positive"
            """,
            f"""
            a = np.array([1.0, 2.0, 0.5])
            y = np.exp(a) / np.exp(a).sum()
            assert abs(ce_hand + np.log10(y[1])) > 1e-3, "ce_hand: use the natural logarithm"
            check_close("ce_hand", ce_hand, -np.log(y[1]), atol={TOL})
            """,
        ),
        md(
            """
            ## 2. Activations in code (6 points)
            Implement elementwise on arrays of any shape: `sigmoid(a)`, `sigmoid_prime(a)`,
            `relu(a)`, `relu_prime(a)` (take $\\mathrm{ReLU}'(0) = 0$), and the row-wise
            `softmax(A)` for `A` of shape `(n, K)`, numerically stable (subtract each row's
            maximum, lecture 004): it must work for entries like 1000.
            """
        ),
        answer(
            "a2_sigmoid",
            """
            def sigmoid(a):
                ### BEGIN SOLUTION
                return 1.0 / (1.0 + np.exp(-np.asarray(a, dtype=float)))
                ### END SOLUTION


            def sigmoid_prime(a):
                ### BEGIN SOLUTION
                h = sigmoid(a)
                return h * (1.0 - h)
                ### END SOLUTION
            """,
        ),
        test(
            "test_a2_sigmoid",
            2,
            f"""
            {FN_IMPORT}
            check_close("sigmoid(0)", sigmoid(np.array([0.0])), [0.5])
            check_close("sigmoid_prime(0)", sigmoid_prime(np.array([0.0])), [0.25])
            """,
            """
            assert_own(sigmoid)
            assert_own(sigmoid_prime)
            A = np.random.default_rng(21).normal(scale=3, size=(7, 4))
            H = 1 / (1 + np.exp(-A))
            with forbid_ffnn("sigmoid / sigmoid_prime"):
                check_close("sigmoid(A)", sigmoid(A), H, atol=1e-9)
                got = sigmoid_prime(A)
            assert not np.allclose(got, A * (1 - A)), "sigmoid_prime: use h = sigmoid(a), not a"
            check_close("sigmoid_prime(A)", got, H * (1 - H), atol=1e-9)
            """,
        ),
        answer(
            "a2_relu",
            """
            def relu(a):
                ### BEGIN SOLUTION
                return np.maximum(np.asarray(a, dtype=float), 0.0)
                ### END SOLUTION


            def relu_prime(a):
                ### BEGIN SOLUTION
                return (np.asarray(a) > 0).astype(float)
                ### END SOLUTION
            """,
        ),
        test(
            "test_a2_relu",
            2,
            f"""
            {FN_IMPORT}
            check_close("relu([-1, 2])", relu(np.array([-1.0, 2.0])), [0.0, 2.0])
            check_close("relu_prime([-1, 2])", relu_prime(np.array([-1.0, 2.0])), [0.0, 1.0])
            """,
            """
            assert_own(relu)
            assert_own(relu_prime)
            A = np.random.default_rng(22).normal(size=(6, 5))
            A[0, :2] = 0.0
            with forbid_ffnn("relu / relu_prime"):
                check_close("relu(A)", relu(A), np.where(A > 0, A, 0.0), atol=1e-12)
                got = relu_prime(A)
            check_close("relu_prime(0)", np.asarray(got)[0, :2], [0.0, 0.0], atol=0)
            check_close("relu_prime(A)", got, (A > 0).astype(float), atol=1e-12)
            """,
        ),
        answer(
            "a2_softmax",
            """
            def softmax(A):
                ### BEGIN SOLUTION
                A = np.asarray(A, dtype=float)
                E = np.exp(A - A.max(axis=1, keepdims=True))
                return E / E.sum(axis=1, keepdims=True)
                ### END SOLUTION
            """,
        ),
        test(
            "test_a2_softmax",
            2,
            f"""
            {FN_IMPORT}
            Y = softmax(np.array([[1.0, 2.0, 0.5]]))
            check_close("softmax rows sum to 1", np.sum(Y, axis=1), [1.0])
            """,
            """
            assert_own(softmax)
            A = np.random.default_rng(23).normal(scale=2, size=(5, 4))
            E = np.exp(A - A.max(axis=1, keepdims=True))
            expected = E / E.sum(axis=1, keepdims=True)
            with forbid_ffnn("softmax"):
                got = softmax(A)
                big = softmax(np.array([[1000.0, 1001.0], [-1000.0, -1000.0]]))
            assert np.shape(got) != (5, 4) or not np.allclose(
                got, np.exp(A - A.max(axis=0)) / np.exp(A - A.max(axis=0)).sum(axis=0)
            ), "softmax: normalise each row (axis=1), not each column"
            check_close("softmax(A)", got, expected, atol=1e-9)
            check_close("softmax of large inputs (subtract the row max)", big,
                        [[1 / (1 + np.e), np.e / (1 + np.e)], [0.5, 0.5]], atol=1e-9)
            """,
        ),
        md(
            """
            ## 3. Losses in code (4 points)
            For outputs `Y` and targets `T` of shape `(n, K)`, averaging over the `n` samples:
            * `squared_error(Y, T)` $= \\frac{1}{n}\\sum_n \\frac{1}{2}\\lVert y_n - t_n\\rVert^2$
              (with the 1/2 of lecture 001),
            * `cross_entropy(Y, T)` $= -\\frac{1}{n}\\sum_n \\sum_k t_{nk} \\ln y_{nk}$ for one-hot `T`.
            """
        ),
        answer(
            "a2_losses",
            """
            def squared_error(Y, T):
                ### BEGIN SOLUTION
                Y, T = np.asarray(Y, dtype=float), np.asarray(T, dtype=float)
                return 0.5 * np.sum((Y - T) ** 2) / Y.shape[0]
                ### END SOLUTION


            def cross_entropy(Y, T):
                ### BEGIN SOLUTION
                Y, T = np.asarray(Y, dtype=float), np.asarray(T, dtype=float)
                return -np.sum(T * np.log(Y)) / Y.shape[0]
                ### END SOLUTION
            """,
        ),
        test(
            "test_a2_squared_error",
            2,
            f"""
            {FN_IMPORT}
            check_close("squared_error", squared_error(np.array([[0.59]]), np.array([[0.10]])), 0.12005)
            """,
            """
            assert_own(squared_error)
            rng = np.random.default_rng(24)
            Y, T = rng.normal(size=(8, 3)), rng.normal(size=(8, 3))
            with forbid_ffnn("squared_error"):
                got = squared_error(Y, T)
            assert not np.isclose(got, 0.5 * np.mean((Y - T) ** 2)), (
                "squared_error: average over samples only, sum over the K outputs")
            check_close("squared_error(Y, T)", got, 0.5 * np.sum((Y - T) ** 2) / 8, atol=1e-9)
            """,
        ),
        test(
            "test_a2_cross_entropy",
            2,
            f"""
            {FN_IMPORT}
            check_close("cross_entropy", cross_entropy(np.array([[0.2, 0.8]]), np.array([[0.0, 1.0]])),
                        -np.log(0.8))
            """,
            """
            assert_own(cross_entropy)
            rng = np.random.default_rng(25)
            A = rng.normal(size=(6, 4))
            Y = np.exp(A) / np.exp(A).sum(axis=1, keepdims=True)
            T = np.eye(4)[rng.integers(0, 4, size=6)]
            with forbid_ffnn("cross_entropy"):
                got = cross_entropy(Y, T)
            check_close("cross_entropy(Y, T)", got, -np.sum(T * np.log(Y)) / 6, atol=1e-9)
            """,
        ),
        md(
            """
            ## 4. Written answer (2 points, graded by hand)
            Why do deep networks of sigmoid units train slowly while ReLU units help, and what is
            a *dead* ReLU unit? Refer to the derivatives you implemented. Three to five sentences.
            """
        ),
        written(
            "a2_written_relu",
            2,
            """
            Backprop multiplies one activation derivative per layer; sigmoid' is at most 0.25 and
            nearly 0 when the unit saturates, so the product shrinks geometrically with depth
            (vanishing gradients). ReLU' is exactly 1 for positive pre-activations, so the signal
            passes unchanged through active units. A dead ReLU has a <= 0 for every input: its
            derivative is 0 everywhere, its weights never get a gradient and it stays off
            (leaky ReLU / ELU avoid this).
            """,
        ),
    ]


def a3_backprop_by_hand():
    return [
        intro(
            "Assignment 3: backpropagation by hand",
            "One gradient step on a single sigmoid neuron, then the error signals of a network "
            "with one hidden layer, computed with the chain rule.",
            "001 (MIT 6.S191) the worked example *Forward pass, Calculate loss, Backpropagate "
            "the error, Weight update* (mind its erratum, question 4); 003 (Cheng) backprop "
            "derivation, eqs. (6a)-(6f); 000 (Rossi) node-indexed backprop (delta rule).",
        ),
        SETUP,
        md(
            """
            ## 1. One gradient step on a neuron (8 points)
            As in lecture 001, but with other numbers: no bias, inputs $x = (0.30, 0.80)$,
            weights $w = (0.20, -0.60)$, sigmoid output $y = \\sigma(a)$ with $a = w^\\top x$,
            target $t = 0.90$, loss $J = \\frac{1}{2}(t - y)^2$ and learning rate
            $\\eta = 0.5$. Compute `a_fwd`, `y_fwd`, `J_fwd`; the factors of the chain rule
            `dJ_dy` $= \\partial J/\\partial y$ and `dy_da` $= \\partial y/\\partial a$; the gradients
            `dJ_dw1`, `dJ_dw2`; the updated weights `w1_new`, `w2_new`
            ($w \\leftarrow w - \\eta\\,\\partial J/\\partial w$); and the loss after the step, `J_new`.
            """
        ),
        answer(
            "a3_step_hand",
            """
            ### BEGIN SOLUTION
            a_fwd = -0.42  # 0.30*0.20 + 0.80*(-0.60)
            y_fwd = 0.396517  # 1 / (1 + e^0.42)
            J_fwd = 0.126748  # 0.5 (0.9 - 0.396517)^2
            dJ_dy = -0.503483  # y - t
            dy_da = 0.239291  # y (1 - y)
            dJ_dw1 = -0.036144  # dJ_dy * dy_da * x1
            dJ_dw2 = -0.096383  # dJ_dy * dy_da * x2
            w1_new = 0.218072  # 0.20 - 0.5 * dJ_dw1
            w2_new = -0.551808  # -0.60 - 0.5 * dJ_dw2
            J_new = 0.121482  # the loss went down
            ### END SOLUTION
            """,
        ),
        test(
            "test_a3_forward_hand",
            2,
            f"""
            {HAND_IMPORT}
            for name in ("a_fwd", "y_fwd", "J_fwd"):
                assert isinstance(globals()[name], (int, float)), f"{{name}} should be a number"
            """,
            f"""
            x, w, t = np.array([0.30, 0.80]), np.array([0.20, -0.60]), 0.90
            a = x @ w
            y = 1 / (1 + np.exp(-a))
            check_close("a_fwd", a_fwd, a, atol={TOL})
            check_close("y_fwd", y_fwd, y, atol={TOL})
            check_close("J_fwd", J_fwd, 0.5 * (t - y) ** 2, atol={TOL})
            """,
        ),
        test(
            "test_a3_chain_hand",
            2,
            f"""
            {HAND_IMPORT}
            assert dy_da > 0, "the sigmoid is increasing: dy_da > 0"
            """,
            f"""
            x, w, t = np.array([0.30, 0.80]), np.array([0.20, -0.60]), 0.90
            y = 1 / (1 + np.exp(-(x @ w)))
            check_close("dJ_dy", dJ_dy, y - t, atol={TOL})
            check_close("dy_da", dy_da, y * (1 - y), atol={TOL})
            """,
        ),
        test(
            "test_a3_gradient_hand",
            2,
            f"""
            {HAND_IMPORT}
            assert isinstance(dJ_dw1, (int, float)) and isinstance(dJ_dw2, (int, float))
            """,
            f"""
            x, w, t = np.array([0.30, 0.80]), np.array([0.20, -0.60]), 0.90
            y = 1 / (1 + np.exp(-(x @ w)))
            g = (y - t) * y * (1 - y) * x
            assert not np.isclose(dJ_dw1, g[1], atol=1e-4), (
                "dJ_dw1: multiply by x1 = 0.30, not x2 (the erratum of lecture 001)")
            check_close("dJ_dw1", dJ_dw1, g[0], atol={TOL})
            check_close("dJ_dw2", dJ_dw2, g[1], atol={TOL})
            """,
        ),
        test(
            "test_a3_update_hand",
            2,
            f"""
            {HAND_IMPORT}
            assert J_new < J_fwd, "one small gradient step should lower the loss"
            """,
            f"""
            x, w, t, eta = np.array([0.30, 0.80]), np.array([0.20, -0.60]), 0.90, 0.5
            y = 1 / (1 + np.exp(-(x @ w)))
            g = (y - t) * y * (1 - y) * x
            w_new = w - eta * g
            assert not np.isclose(w1_new, w[0] + eta * g[0], atol=1e-4), "w1_new: step against the gradient"
            check_close("w1_new", w1_new, w_new[0], atol={TOL})
            check_close("w2_new", w2_new, w_new[1], atol={TOL})
            check_close("J_new", J_new, 0.5 * (t - 1 / (1 + np.exp(-(x @ w_new)))) ** 2, atol={TOL})
            """,
        ),
        md(
            """
            ## 2. A hidden layer by hand (6 points)
            Input $x = (1.0, -1.0)$ (a row), hidden layer $a^{(1)} = x W_1 + b_1$,
            $h = \\tanh(a^{(1)})$ with $W_1 = \\begin{pmatrix}0.5 & -0.3\\\\ 0.2 & 0.4\\end{pmatrix}$
            (rows = inputs) and $b_1 = (0.1, 0)$; linear output $y = h\\,w_2 + b_2$ with
            $w_2 = (1.0, -0.5)$, $b_2 = 0.2$; target $t = 1.0$; $J = \\frac{1}{2}(y - t)^2$.
            Give `h1_hand` (2 numbers), `y2_hand`, the output error `delta2_hand` $= \\partial J/\\partial
            a^{(2)} = y - t$, the hidden errors `delta1_hand` $= (1 - h^2) \\odot w_2\\,\\delta^{(2)}$
            (2 numbers, lecture 003 eq. 6) and `dJ_dW1_hand` $= \\partial J/\\partial W_1$ as a
            2x2 array with the same layout as $W_1$.
            """
        ),
        answer(
            "a3_hidden_hand",
            """
            ### BEGIN SOLUTION
            h1_hand = [0.379949, -0.604368]  # tanh(0.4), tanh(-0.7)
            y2_hand = 0.882133  # 0.379949 + 0.302184 + 0.2
            delta2_hand = -0.117867
            delta1_hand = [-0.100852, 0.037407]  # (1 - h^2) * w2 * delta2
            dJ_dW1_hand = [[-0.100852, 0.037407], [0.100852, -0.037407]]  # outer(x, delta1)
            ### END SOLUTION
            """,
        ),
        test(
            "test_a3_hidden_forward_hand",
            2,
            f"""
            {HAND_IMPORT}
            assert np.shape(h1_hand) == (2,), "h1_hand holds the 2 hidden activations"
            """,
            f"""
            x, W1, b1 = np.array([1.0, -1.0]), np.array([[0.5, -0.3], [0.2, 0.4]]), np.array([0.1, 0.0])
            h = np.tanh(x @ W1 + b1)
            assert not np.allclose(h1_hand, np.tanh(W1 @ x + b1), atol=1e-4), (
                "h1_hand: rows of W1 are inputs, a = x W1 + b1 (you used W1 x)")
            check_close("h1_hand", h1_hand, h, atol={TOL})
            check_close("y2_hand", y2_hand, h @ np.array([1.0, -0.5]) + 0.2, atol={TOL})
            """,
        ),
        test(
            "test_a3_hidden_deltas_hand",
            2,
            f"""
            {HAND_IMPORT}
            assert np.shape(delta1_hand) == (2,), "delta1_hand holds one error per hidden unit"
            """,
            f"""
            x, W1, b1 = np.array([1.0, -1.0]), np.array([[0.5, -0.3], [0.2, 0.4]]), np.array([0.1, 0.0])
            w2 = np.array([1.0, -0.5])
            h = np.tanh(x @ W1 + b1)
            d2 = h @ w2 + 0.2 - 1.0
            check_close("delta2_hand", delta2_hand, d2, atol={TOL})
            assert not np.allclose(delta1_hand, (1 - np.tanh(x @ W1 + b1)) * w2 * d2, atol=1e-4), (
                "delta1_hand: tanh' = 1 - h^2 (you used 1 - h)")
            check_close("delta1_hand", delta1_hand, (1 - h**2) * w2 * d2, atol={TOL})
            """,
        ),
        test(
            "test_a3_hidden_grad_hand",
            2,
            f"""
            {HAND_IMPORT}
            assert np.shape(dJ_dW1_hand) == (2, 2), "dJ_dW1_hand has the shape of W1"
            """,
            f"""
            x, W1, b1 = np.array([1.0, -1.0]), np.array([[0.5, -0.3], [0.2, 0.4]]), np.array([0.1, 0.0])
            w2 = np.array([1.0, -0.5])
            h = np.tanh(x @ W1 + b1)
            d1 = (1 - h**2) * w2 * (h @ w2 + 0.2 - 1.0)
            check_close("dJ_dW1_hand", dJ_dW1_hand, np.outer(x, d1), atol={TOL})
            """,
        ),
        md(
            """
            ## 3. The single-neuron gradient in code (2 points)
            `neuron_gradient(x, w, b, t)` returns `(dJ_dw, dJ_db)` for one sigmoid neuron
            $y = \\sigma(w^\\top x + b)$ with $J = \\frac{1}{2}(y - t)^2$; `x` and `w` have shape
            `(d,)`, `dJ_dw` has shape `(d,)` and `dJ_db` is a number.
            """
        ),
        answer(
            "a3_neuron_gradient",
            """
            def neuron_gradient(x, w, b, t):
                ### BEGIN SOLUTION
                x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
                y = 1.0 / (1.0 + np.exp(-(x @ w + b)))
                delta = (y - t) * y * (1.0 - y)
                return delta * x, delta
                ### END SOLUTION
            """,
        ),
        test(
            "test_a3_neuron_gradient",
            2,
            f"""
            {FN_IMPORT}
            dw, db = neuron_gradient(np.array([0.30, 0.80]), np.array([0.20, -0.60]), 0.0, 0.90)
            assert np.shape(dw) == (2,), "dJ_dw has the shape of w"
            """,
            """
            assert_own(neuron_gradient)
            rng = np.random.default_rng(31)
            for d in (1, 3, 6):
                x, w, b, t = rng.normal(size=d), rng.normal(size=d), rng.normal(), rng.uniform()
                y = 1 / (1 + np.exp(-(x @ w + b)))
                delta = (y - t) * y * (1 - y)
                with forbid_ffnn("neuron_gradient"):
                    dw, db = neuron_gradient(x, w, b, t)
                check_close("dJ_dw", dw, delta * x, atol=1e-9)
                check_close("dJ_db", db, delta, atol=1e-9)
            """,
        ),
        md(
            """
            ## 4. Written answer (2 points, graded by hand)
            The weight-update slide of lecture 001 multiplies the loss and activation factors by
            0.51 to get $\\partial J/\\partial w_1$. What should that factor be, and why? What
            gradient and new $w_1$ (with $\\eta = 1$) does the corrected computation give, and
            which of the slide's exercise questions does your answer to part 1 settle?
            """
        ),
        written(
            "a3_written_erratum",
            2,
            """
            $\\Sigma = x_1 w_1 + x_2 w_2$, so $\\partial\\Sigma/\\partial w_1 = x_1 = 0.50$ (0.51 is
            $x_2$, the factor for $w_2$). Corrected: $0.49 \\cdot 0.24 \\cdot 0.50 \\approx 0.059$
            (with unrounded factors 0.0595), so $w_1' = 0.35 - 0.06 \\approx 0.29$; the rounded
            slide value hides the slip. $w_2$ needs its own factor $x_2 = 0.51$ but reuses the
            loss and activation factors. Part 1 answers "has the error gone down?": yes, J fell.
            """,
        ),
    ]


def a4_backprop_gradcheck():
    return [
        intro(
            "Assignment 4: implementing backprop, checked by numerical gradients",
            "Backpropagation for a network with one tanh hidden layer in matrix form, and a "
            "central-difference gradient check that tells you whether it is right.",
            "003 (Cheng) vector/matrix form of backprop, eqs. (7)-(9); 002 (Drchal) modular "
            "backprop (forward / backward messages); 004 (Chen) chain rule in vector and matrix "
            "form.",
        ),
        SETUP,
        md(
            """
            ## 1. Finite differences by hand (2 points)
            For $f(w) = w^3$ at $w = 0.5$ with step $\\varepsilon = 0.1$ compute the central
            difference `central_hand` $= (f(w+\\varepsilon) - f(w-\\varepsilon))/(2\\varepsilon)$ and the
            forward difference `forward_hand` $= (f(w+\\varepsilon) - f(w))/\\varepsilon$. (The exact
            derivative is 0.75: which is closer?)
            """
        ),
        answer(
            "a4_hand",
            """
            ### BEGIN SOLUTION
            central_hand = 0.76  # (0.216 - 0.064) / 0.2
            forward_hand = 0.91  # (0.216 - 0.125) / 0.1
            ### END SOLUTION
            """,
        ),
        test(
            "test_a4_hand",
            2,
            f"""
            {HAND_IMPORT}
            assert isinstance(central_hand, (int, float)) and isinstance(forward_hand, (int, float))
            """,
            f"""
            f = lambda w: w**3
            check_close("central_hand", central_hand, (f(0.6) - f(0.4)) / 0.2, atol={TOL})
            check_close("forward_hand", forward_hand, (f(0.6) - f(0.5)) / 0.1, atol={TOL})
            """,
        ),
        md(
            """
            ## 2. Gradient check in code (4 points)
            * `numerical_gradient(f, theta, eps=1e-6)`: `f` maps an array `theta` (any shape) to a
              number; return the array of central differences, same shape as `theta`. Restore
              every entry of `theta` after perturbing it.
            * `relative_error(g1, g2)` $= \\lVert g_1 - g_2\\rVert / (\\lVert g_1\\rVert + \\lVert g_2\\rVert)$
              (Euclidean norms over all entries), and 0 when both are zero.
            """
        ),
        answer(
            "a4_numgrad",
            """
            def numerical_gradient(f, theta, eps=1e-6):
                ### BEGIN SOLUTION
                grad = np.zeros_like(theta, dtype=float)
                for i in np.ndindex(theta.shape):
                    old = theta[i]
                    theta[i] = old + eps
                    f_plus = f(theta)
                    theta[i] = old - eps
                    f_minus = f(theta)
                    theta[i] = old
                    grad[i] = (f_plus - f_minus) / (2 * eps)
                return grad
                ### END SOLUTION


            def relative_error(g1, g2):
                ### BEGIN SOLUTION
                g1, g2 = np.asarray(g1, dtype=float), np.asarray(g2, dtype=float)
                denom = np.linalg.norm(g1) + np.linalg.norm(g2)
                return 0.0 if denom == 0 else float(np.linalg.norm(g1 - g2) / denom)
                ### END SOLUTION
            """,
        ),
        test(
            "test_a4_numerical_gradient",
            2,
            f"""
            {FN_IMPORT}
            check_close("numerical_gradient of sum(theta^2)",
                        numerical_gradient(lambda th: np.sum(th**2), np.array([1.0, -2.0])), [2.0, -4.0])
            """,
            """
            assert_own(numerical_gradient)
            rng = np.random.default_rng(41)
            M = rng.normal(size=(3, 4))
            theta = rng.normal(size=(3, 4))
            before = theta.copy()
            with forbid_ffnn("numerical_gradient"):
                got = numerical_gradient(lambda th: np.sum(M * th**3), theta)
            check_close("theta after numerical_gradient (restore it)", theta, before, atol=1e-12)
            check_close("numerical_gradient", got, 3 * M * theta**2, atol=1e-5)
            """,
        ),
        test(
            "test_a4_relative_error",
            2,
            f"""
            {FN_IMPORT}
            check_close("relative_error(x, x)", relative_error(np.ones(3), np.ones(3)), 0.0)
            """,
            """
            assert_own(relative_error)
            rng = np.random.default_rng(42)
            g1, g2 = rng.normal(size=(4, 2)), rng.normal(size=(4, 2))
            with forbid_ffnn("relative_error"):
                got = relative_error(g1, g2)
            expected = np.linalg.norm(g1 - g2) / (np.linalg.norm(g1) + np.linalg.norm(g2))
            check_close("relative_error", got, expected, atol=1e-12)
            check_close("relative_error(0, 0)", relative_error(np.zeros(2), np.zeros(2)), 0.0, atol=0)
            """,
        ),
        md(
            """
            ## 3. Backprop for a two-layer network (8 points)
            The network: $A_1 = X W_1 + b_1$, $H = \\tanh(A_1)$, $Y = H W_2 + b_2$ (linear output)
            with `X` of shape `(n, d)`, `W1` `(d, m)`, `b1` `(m,)`, `W2` `(m, k)`, `b2` `(k,)`.
            The loss is the mean over samples of the squared error with the 1/2:
            $J = \\frac{1}{2n} \\sum_{n} \\lVert y_n - t_n\\rVert^2$.
            * `forward(X, W1, b1, W2, b2)` returns `(A1, H, Y)`.
            * `backward(X, T, W1, b1, W2, b2)` returns `(J, dW1, db1, dW2, db2)`, each gradient with the
              shape of its parameter. Use the deltas: $\\Delta_2 = (Y - T)/n$,
              $\\Delta_1 = (\\Delta_2 W_2^\\top) \\odot (1 - H^2)$, $\\partial J/\\partial W_2 = H^\\top
              \\Delta_2$, ... Check it with your `numerical_gradient` in the cell below the tests.
            """
        ),
        answer(
            "a4_forward",
            """
            def forward(X, W1, b1, W2, b2):
                ### BEGIN SOLUTION
                A1 = X @ W1 + b1
                H = np.tanh(A1)
                return A1, H, H @ W2 + b2
                ### END SOLUTION
            """,
        ),
        test(
            "test_a4_forward",
            2,
            f"""
            {FN_IMPORT}
            A1, H, Y = forward(np.ones((2, 3)), np.zeros((3, 4)), np.zeros(4), np.zeros((4, 1)), np.ones(1))
            assert np.shape(Y) == (2, 1), f"Y should have shape (n, k) = (2, 1), got {{np.shape(Y)}}"
            """,
            """
            assert_own(forward)
            rng = np.random.default_rng(43)
            X, W1, b1 = rng.normal(size=(5, 3)), rng.normal(size=(3, 4)), rng.normal(size=4)
            W2, b2 = rng.normal(size=(4, 2)), rng.normal(size=2)
            with forbid_ffnn("forward"):
                A1, H, Y = forward(X, W1, b1, W2, b2)
            check_close("A1", A1, X @ W1 + b1, atol=1e-9)
            check_close("H", H, np.tanh(X @ W1 + b1), atol=1e-9)
            check_close("Y", Y, np.tanh(X @ W1 + b1) @ W2 + b2, atol=1e-9)
            """,
        ),
        answer(
            "a4_backward",
            """
            def backward(X, T, W1, b1, W2, b2):
                ### BEGIN SOLUTION
                n = X.shape[0]
                A1, H, Y = forward(X, W1, b1, W2, b2)
                J = 0.5 * np.sum((Y - T) ** 2) / n
                D2 = (Y - T) / n
                D1 = (D2 @ W2.T) * (1.0 - H**2)
                return J, X.T @ D1, D1.sum(axis=0), H.T @ D2, D2.sum(axis=0)
                ### END SOLUTION
            """,
        ),
        test(
            "test_a4_backward",
            6,
            f"""
            {FN_IMPORT}
            rng = np.random.default_rng(0)
            X, T = rng.normal(size=(4, 2)), rng.normal(size=(4, 1))
            W1, b1, W2, b2 = rng.normal(size=(2, 3)), np.zeros(3), rng.normal(size=(3, 1)), np.zeros(1)
            J, dW1, db1, dW2, db2 = backward(X, T, W1, b1, W2, b2)
            for name, g, p in (("dW1", dW1, W1), ("db1", db1, b1), ("dW2", dW2, W2), ("db2", db2, b2)):
                assert np.shape(g) == np.shape(p), f"{{name}} has shape {{np.shape(g)}}, expected {{np.shape(p)}}"
            """,
            """
            assert_own(backward)
            rng = np.random.default_rng(44)
            for n, d, m, k in ((7, 3, 5, 2), (1, 2, 4, 1), (10, 4, 3, 3)):
                X, T = rng.normal(size=(n, d)), rng.normal(size=(n, k))
                W1, b1 = rng.normal(size=(d, m)), rng.normal(size=m)
                W2, b2 = rng.normal(size=(m, k)), rng.normal(size=k)
                H = np.tanh(X @ W1 + b1)
                Y = H @ W2 + b2
                D2 = (Y - T) / n
                D1 = (D2 @ W2.T) * (1 - H**2)
                with forbid_ffnn("backward"):
                    J, dW1, db1, dW2, db2 = backward(X, T, W1, b1, W2, b2)
                check_close("J", J, 0.5 * np.sum((Y - T) ** 2) / n, atol=1e-9)
                check_close("dW2", dW2, H.T @ D2, atol=1e-9)
                check_close("db2", db2, D2.sum(axis=0), atol=1e-9)
                check_close("dW1", dW1, X.T @ D1, atol=1e-9)
                check_close("db1", db1, D1.sum(axis=0), atol=1e-9)
            """,
        ),
        code(
            """
            # Your gradient check (not graded): numerical_gradient of the loss w.r.t. W1
            # against backward's dW1; the relative error should be below 1e-7.
            """
        ),
        md(
            """
            ## 4. Written answer (2 points, graded by hand)
            Why is the central difference more accurate than the forward difference (use your
            numbers from part 1), and why do we train with backprop instead of numerical
            gradients? Three to five sentences.
            """
        ),
        written(
            "a4_written_gradcheck",
            2,
            """
            Taylor expansion: the forward difference has error $\\tfrac{\\varepsilon}{2} f''(w) =
            O(\\varepsilon)$, the central difference cancels the even terms and has error
            $\\tfrac{\\varepsilon^2}{6} f'''(w) = O(\\varepsilon^2)$: here 0.76 is off by 0.01 =
            0.1^2 and 0.91 by 0.16. A numerical gradient needs two forward passes per parameter
            (P parameters: 2P passes) and is only approximate, while backprop gets all P exact
            partial derivatives at the cost of about one forward and one backward pass.
            """,
        ),
    ]


def a5_optimizers():
    return [
        intro(
            "Assignment 5: optimizers, initialization and regularization",
            "Update rules beyond plain gradient descent, how to draw the initial weights, and "
            "weight decay and gradient clipping.",
            "002 (Drchal) *Momentum*, *Adagrad*, the RMSProp slide, *Parameter Initialization*, "
            "*Xavier Initialization*, *L2 Regularization (Weight Decay)*; 000 (Rossi) momentum; "
            "003 (Cheng) Xavier/He table and gradient clipping.",
        ),
        SETUP,
        md(
            """
            ## 1. Update steps by hand (5 points)
            Use the lecture 002 forms: momentum $v \\leftarrow \\mu v - \\alpha g$,
            $\\theta \\leftarrow \\theta + v$; Adagrad $G \\leftarrow G + g^2$,
            $\\theta \\leftarrow \\theta - \\frac{\\alpha}{\\sqrt{G} + \\epsilon}\\,g$ (elementwise, take
            $\\epsilon = 0$ by hand).
            * Momentum with $\\theta = 1.0$, $v = 0.5$, $g = 2.0$, $\\alpha = 0.1$, $\\mu = 0.9$: give
              `v_new_hand` and `theta_momentum_hand`.
            * Adagrad with $\\theta = (1.0, -2.0)$, $G = (0.0, 4.0)$, $g = (0.5, 1.0)$, $\\alpha = 0.1$:
              give `theta_adagrad_hand` (2 numbers).
            * The standard deviation of Xavier-initialized weights ($\\mathrm{Var}(w) = 1/n_{in}$)
              for a layer with $n_{in} = 200$ inputs: `xavier_std_hand`.
            """
        ),
        answer(
            "a5_hand",
            """
            ### BEGIN SOLUTION
            v_new_hand = 0.25  # 0.9*0.5 - 0.1*2.0
            theta_momentum_hand = 1.25
            theta_adagrad_hand = [0.9, -2.044721]  # G = (0.25, 5); 1 - 0.1/0.5*0.5, -2 - 0.1/sqrt(5)
            xavier_std_hand = 0.070711  # sqrt(1/200)
            ### END SOLUTION
            """,
        ),
        test(
            "test_a5_momentum_hand",
            2,
            f"""
            {HAND_IMPORT}
            assert isinstance(v_new_hand, (int, float)) and isinstance(theta_momentum_hand, (int, float))
            """,
            f"""
            v = 0.9 * 0.5 - 0.1 * 2.0
            assert not np.isclose(v_new_hand, 0.9 * 0.5 + 0.1 * 2.0, atol=1e-4), "v_new_hand: v = mu v - alpha g"
            check_close("v_new_hand", v_new_hand, v, atol={TOL})
            check_close("theta_momentum_hand", theta_momentum_hand, 1.0 + v, atol={TOL})
            """,
        ),
        test(
            "test_a5_adagrad_hand",
            2,
            f"""
            {HAND_IMPORT}
            assert np.shape(theta_adagrad_hand) == (2,), "theta_adagrad_hand holds 2 numbers"
            """,
            f"""
            theta, G, g = np.array([1.0, -2.0]), np.array([0.0, 4.0]), np.array([0.5, 1.0])
            assert not np.allclose(theta_adagrad_hand, theta - 0.1 / np.sqrt(G + 1e-300) * g, atol=1e-4), (
                "theta_adagrad_hand: add g^2 to G before the step")
            check_close("theta_adagrad_hand", theta_adagrad_hand, theta - 0.1 / np.sqrt(G + g**2) * g,
                        atol={TOL})
            """,
        ),
        test(
            "test_a5_xavier_hand",
            1,
            f"""
            {HAND_IMPORT}
            assert 0 < xavier_std_hand < 1, "a standard deviation of 1/sqrt(n_in) for n_in = 200 is below 1"
            """,
            f"""
            assert not np.isclose(xavier_std_hand, 1 / 200, atol=1e-4), "xavier_std_hand: that is the variance"
            check_close("xavier_std_hand", xavier_std_hand, np.sqrt(1 / 200), atol={TOL})
            """,
        ),
        md(
            """
            ## 2. Update rules in code (6 points)
            All arrays have the same shape; return new arrays and do not modify the inputs.
            * `momentum_step(theta, v, g, lr, mu)` returns `(theta_new, v_new)`.
            * `adagrad_step(theta, G, g, lr, eps=1e-8)` returns `(theta_new, G_new)`.
            * `rmsprop_step(theta, G, g, lr, gamma=0.9, eps=1e-8)` returns `(theta_new, G_new)` with
              $G \\leftarrow \\gamma G + (1-\\gamma) g^2$ and the Adagrad-style step.
            """
        ),
        answer(
            "a5_momentum",
            """
            def momentum_step(theta, v, g, lr, mu):
                ### BEGIN SOLUTION
                v_new = mu * v - lr * g
                return theta + v_new, v_new
                ### END SOLUTION
            """,
        ),
        test(
            "test_a5_momentum",
            2,
            f"""
            {FN_IMPORT}
            th, v = momentum_step(np.array([1.0]), np.array([0.5]), np.array([2.0]), 0.1, 0.9)
            check_close("momentum_step theta", th, [1.25])
            """,
            """
            assert_own(momentum_step)
            rng = np.random.default_rng(51)
            theta, v, g = rng.normal(size=(3, 4)), rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
            copies = theta.copy(), v.copy(), g.copy()
            with forbid_ffnn("momentum_step"):
                th, v_new = momentum_step(theta, v, g, 0.05, 0.8)
            assert all(np.array_equal(a, b) for a, b in zip((theta, v, g), copies)), (
                "momentum_step must not modify its inputs")
            check_close("momentum_step v_new", v_new, 0.8 * v - 0.05 * g, atol=1e-12)
            check_close("momentum_step theta_new", th, theta + 0.8 * v - 0.05 * g, atol=1e-12)
            """,
        ),
        answer(
            "a5_adagrad",
            """
            def adagrad_step(theta, G, g, lr, eps=1e-8):
                ### BEGIN SOLUTION
                G_new = G + g**2
                return theta - lr / (np.sqrt(G_new) + eps) * g, G_new
                ### END SOLUTION


            def rmsprop_step(theta, G, g, lr, gamma=0.9, eps=1e-8):
                ### BEGIN SOLUTION
                G_new = gamma * G + (1.0 - gamma) * g**2
                return theta - lr / (np.sqrt(G_new) + eps) * g, G_new
                ### END SOLUTION
            """,
        ),
        test(
            "test_a5_adagrad",
            2,
            f"""
            {FN_IMPORT}
            th, G = adagrad_step(np.array([1.0, -2.0]), np.array([0.0, 4.0]), np.array([0.5, 1.0]), 0.1)
            check_close("adagrad_step G", G, [0.25, 5.0])
            """,
            """
            assert_own(adagrad_step)
            rng = np.random.default_rng(52)
            theta, G, g = rng.normal(size=5), rng.uniform(size=5), rng.normal(size=5)
            G_copy = G.copy()
            with forbid_ffnn("adagrad_step"):
                th, G_new = adagrad_step(theta, G, g, 0.3)
            assert np.array_equal(G, G_copy), "adagrad_step must not modify G in place"
            check_close("adagrad_step G_new", G_new, G + g**2, atol=1e-12)
            check_close("adagrad_step theta_new", th, theta - 0.3 / (np.sqrt(G + g**2) + 1e-8) * g, atol=1e-9)
            """,
        ),
        test(
            "test_a5_rmsprop",
            2,
            f"""
            {FN_IMPORT}
            th, G = rmsprop_step(np.array([1.0]), np.array([0.0]), np.array([1.0]), 0.1)
            check_close("rmsprop_step G", G, [0.1])
            """,
            """
            assert_own(rmsprop_step)
            rng = np.random.default_rng(53)
            theta, G, g = rng.normal(size=(2, 3)), rng.uniform(size=(2, 3)), rng.normal(size=(2, 3))
            with forbid_ffnn("rmsprop_step"):
                th, G_new = rmsprop_step(theta, G, g, 0.01, gamma=0.8)
            expected_G = 0.8 * G + 0.2 * g**2
            assert not np.allclose(G_new, 0.2 * G + 0.8 * g**2), "rmsprop_step: gamma multiplies the old G"
            check_close("rmsprop_step G_new", G_new, expected_G, atol=1e-12)
            check_close("rmsprop_step theta_new", th, theta - 0.01 / (np.sqrt(expected_G) + 1e-8) * g, atol=1e-9)
            """,
        ),
        md(
            """
            ## 3. Initialization and regularization in code (4 points)
            * `xavier_normal(n_in, n_out, rng)`: a `(n_in, n_out)` array drawn from
              $\\mathcal{N}(0, 1/n_{in})$ with the generator `rng` (`rng.normal`), and
              `he_normal(n_in, n_out, rng)` from $\\mathcal{N}(0, 2/n_{in})$ (for ReLU, lecture 003).
            * `l2_gradient(dW, W, lam)`: the gradient of $J + \\frac{\\lambda}{2}\\lVert W\\rVert^2$ given
              `dW` $= \\partial J/\\partial W$; `clip_by_norm(g, max_norm)`: `g` rescaled so that its
              Euclidean norm is at most `max_norm` (unchanged if already within).
            """
        ),
        answer(
            "a5_init",
            """
            def xavier_normal(n_in, n_out, rng):
                ### BEGIN SOLUTION
                return rng.normal(0.0, np.sqrt(1.0 / n_in), size=(n_in, n_out))
                ### END SOLUTION


            def he_normal(n_in, n_out, rng):
                ### BEGIN SOLUTION
                return rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_in, n_out))
                ### END SOLUTION
            """,
        ),
        test(
            "test_a5_init",
            2,
            f"""
            {FN_IMPORT}
            W = xavier_normal(3, 5, np.random.default_rng(0))
            assert np.shape(W) == (3, 5), f"xavier_normal(3, 5) should have shape (3, 5), got {{np.shape(W)}}"
            """,
            """
            assert_own(xavier_normal)
            assert_own(he_normal)
            with forbid_ffnn("xavier_normal / he_normal"):
                W = xavier_normal(400, 300, np.random.default_rng(54))
                V = he_normal(400, 300, np.random.default_rng(55))
            check_close("xavier_normal shape", np.shape(W), (400, 300), atol=0)
            check_close("he_normal shape", np.shape(V), (400, 300), atol=0)
            assert abs(np.mean(W)) < 0.005 and abs(np.mean(V)) < 0.005, "initial weights have mean 0"
            assert not np.isclose(np.std(W), np.sqrt(1 / 300), rtol=0.03), "xavier_normal: use n_in, not n_out"
            check_close("xavier_normal std", np.std(W), np.sqrt(1 / 400), atol=0, rtol=0.03)
            check_close("he_normal std", np.std(V), np.sqrt(2 / 400), atol=0, rtol=0.03)
            """,
        ),
        answer(
            "a5_regularization",
            """
            def l2_gradient(dW, W, lam):
                ### BEGIN SOLUTION
                return dW + lam * W
                ### END SOLUTION


            def clip_by_norm(g, max_norm):
                ### BEGIN SOLUTION
                norm = np.linalg.norm(g)
                return g * (max_norm / norm) if norm > max_norm else np.array(g, dtype=float)
                ### END SOLUTION
            """,
        ),
        test(
            "test_a5_regularization",
            2,
            f"""
            {FN_IMPORT}
            check_close("clip_by_norm([3, 4], 1)", clip_by_norm(np.array([3.0, 4.0]), 1.0), [0.6, 0.8])
            """,
            """
            assert_own(l2_gradient)
            assert_own(clip_by_norm)
            rng = np.random.default_rng(56)
            dW, W = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
            with forbid_ffnn("l2_gradient / clip_by_norm"):
                got = l2_gradient(dW, W, 0.1)
                g = rng.normal(size=(5, 2))
                clipped = clip_by_norm(g, 0.5)
                small = clip_by_norm(0.01 * g, 5.0)
            assert not np.allclose(got, dW + 0.2 * W), "l2_gradient: the 1/2 in lam/2 ||W||^2 cancels the 2"
            check_close("l2_gradient", got, dW + 0.1 * W, atol=1e-12)
            check_close("clip_by_norm", clipped, g * 0.5 / np.linalg.norm(g), atol=1e-12)
            check_close("clip_by_norm (within max_norm)", small, 0.01 * g, atol=1e-12)
            """,
        ),
        md(
            """
            ## 4. Written answer (2 points, graded by hand)
            Why must the weights not all start at the same value (lecture 002, *Parameter
            Initialization*), and why does Adagrad's effective learning rate shrink over time
            while RMSProp's does not? Three to five sentences.
            """
        ),
        written(
            "a5_written_init_adagrad",
            2,
            """
            With equal weights every hidden unit computes the same output and receives the same
            delta, so the updates keep them equal: the layer behaves like a single unit
            (symmetry). Random initial weights break the symmetry. Adagrad's G is a running sum of
            squared gradients that only grows, so alpha/sqrt(G) decays towards 0 and learning
            stalls; RMSProp uses an exponential moving average, so G tracks recent gradient sizes
            and the step stays of order alpha.
            """,
        ),
    ]


ASSIGNMENTS = {
    "a1_perceptron": a1_perceptron,
    "a2_activations_losses": a2_activations_losses,
    "a3_backprop_by_hand": a3_backprop_by_hand,
    "a4_backprop_gradcheck": a4_backprop_gradcheck,
    "a5_optimizers": a5_optimizers,
}


def build(name):
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    nb.cells = ASSIGNMENTS[name]()
    for i, cell in enumerate(nb.cells):  # stable cell ids, so regenerating is a no-op
        cell["id"] = f"{name[:2]}-{i:02d}"
    nbformat.validate(nb)
    return nb


def main(argv=None):
    force = "--force" in (argv if argv is not None else sys.argv[1:])
    for name in ASSIGNMENTS:
        path = ROOT / "source" / name / f"{name}.ipynb"
        if path.exists() and not force:
            print(f"keep {path.relative_to(ROOT)} (use --force to overwrite)")
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(build(name), path)
        print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
