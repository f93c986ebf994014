"""The lectures' worked examples, reproduced with the library to the printed digits."""

import math

import ffnn
import numpy as np
import pytest


def test_001_hand_computed_gradient_step():
    """Lecture 001, 'Backpropagate the error': x = [0.50, 0.51], w = [0.35, 0.40],
    sigmoid, target 0.10, J = 1/2 (y - y_hat)^2, eta = 1.

    Printed: Sigma = 0.38, y_hat = 0.59, J = 0.12, dJ/dy_hat = 0.49, dy_hat/dSigma = 0.24,
    dJ/dw1 = 0.06, w1' = 0.29, w2' = 0.34.
    Erratum: the slide multiplies by 0.51 (x2) for dSigma/dw1, which is x1 = 0.50.
    Both products round to 0.06; the library gives the correct one, 0.0595.

    Every factor is first worked out here by hand (math.exp, no library), checked against
    the slide's printed digits, and only then compared with what the library computes.
    """
    x1, x2, w1, w2, y, eta = 0.50, 0.51, 0.35, 0.40, 0.10, 1.0
    sigma = w1 * x1 + w2 * x2  # 0.175 + 0.204
    y_hat = 1 / (1 + math.exp(-sigma))
    J = 0.5 * (y - y_hat) ** 2
    dJ_dyhat = y_hat - y
    dyhat_dsigma = y_hat * (1 - y_hat)
    dJ_dw1, dJ_dw2 = dJ_dyhat * dyhat_dsigma * x1, dJ_dyhat * dyhat_dsigma * x2
    w1_new, w2_new = w1 - eta * dJ_dw1, w2 - eta * dJ_dw2
    y_new = 1 / (1 + math.exp(-(w1_new * x1 + w2_new * x2)))
    # the slide's digits
    assert sigma == pytest.approx(0.379, abs=1e-15)
    printed = {"Sigma": 0.38, "y_hat": 0.59, "J": 0.12, "dJ/dy_hat": 0.49, "sigma'": 0.24,
               "dJ/dw1": 0.06, "w1'": 0.29, "w2'": 0.34}  # fmt: skip
    by_hand = {"Sigma": sigma, "y_hat": y_hat, "J": J, "dJ/dy_hat": dJ_dyhat,
               "sigma'": dyhat_dsigma, "dJ/dw1": dJ_dw1, "w1'": w1_new, "w2'": w2_new}  # fmt: skip
    for key, value in printed.items():
        assert round(by_hand[key], 2) == value, key
    assert round(dJ_dw1, 4) == 0.0595 and round(dJ_dyhat * dyhat_dsigma * 0.51, 4) == 0.0607
    assert round(y_new, 4) == 0.5789 and y_new < y_hat  # the follow-up: closer to the target

    # the library, step by step, against those numbers
    net = ffnn.MLP([2, 1], output="sigmoid")
    net.set_params({"W1": [[w1], [w2]], "b1": [0.0]})
    X, T = np.array([[x1, x2]]), np.array([[y]])
    (A,), (H,) = net.forward_all(X)
    assert A[0, 0] == pytest.approx(sigma, rel=1e-14)
    assert H[0, 0] == pytest.approx(y_hat, rel=1e-14)
    loss, grads = net.loss_and_gradients(X, T, loss="squared", half=True)
    assert loss == pytest.approx(J, rel=1e-12)
    np.testing.assert_allclose(grads[0][:, 0], [dJ_dw1, dJ_dw2], rtol=1e-12)
    assert grads[1][0] == pytest.approx(dJ_dyhat * dyhat_dsigma, rel=1e-12)  # dJ/db = delta
    ffnn.optim.SGD([net.params[0]], lr=eta).step([grads[0]])
    np.testing.assert_allclose(net.params[0][:, 0], [w1_new, w2_new], rtol=1e-12)
    assert net.forward(X)[0, 0] == pytest.approx(y_new, rel=1e-12)
    assert net.loss(X, T, loss="squared") == pytest.approx(0.5 * (y_new - y) ** 2, rel=1e-12)


def test_004_xor_with_a_relu_hidden_layer():
    """Lecture 004, 'A simple example: learning XOR': W = [[1, 1], [1, 1]], c = [0, -1],
    w = [1, -2], b = 0; the forward-pass table ends in 0, 1, 1, 0."""
    net = ffnn.MLP([2, 2, 1], hidden="relu", output="identity")
    net.set_params({"W1": [[1, 1], [1, 1]], "b1": [0, -1], "W2": [[1], [-2]], "b2": [0]})
    X, t = ffnn.datasets.xor()
    (A1, _), (H1, Y) = net.forward_all(X)
    np.testing.assert_array_equal(A1, [[0, -1], [1, 0], [1, 0], [2, 1]])
    np.testing.assert_array_equal(H1, [[0, 0], [1, 0], [1, 0], [2, 1]])
    np.testing.assert_array_equal(Y, t)  # exactly 0, 1, 1, 0


def test_003_xor_by_hand_set_perceptrons():
    """Lecture 003, eqs. 1a-1c: hidden w = [1.5, -1, -1] and [-0.5, 1, 1], output [-1, 1, 1]
    (bias first), sign units with outputs +1/-1."""
    X, t = ffnn.datasets.xor(labels="pm1")
    predict = ffnn.perceptron.predict
    H = np.c_[predict([1.5, -1, -1], X), predict([-0.5, 1, 1], X)]
    np.testing.assert_array_equal(H, [[1, -1], [1, 1], [1, 1], [-1, 1]])
    np.testing.assert_array_equal(predict([-1, 1, 1], H), t)


def test_tanh_derivative_appendix():
    """Lecture 000, appendix: d tanh(a)/da = 1 - tanh(a)^2."""
    a = np.linspace(-3, 3, 13)
    np.testing.assert_allclose(ffnn.activations.get("tanh").df(a), 1 - np.tanh(a) ** 2)


def test_softmax_cross_entropy_output_delta_is_y_minus_t():
    """Lecture 000, appendix: for softmax outputs and cross-entropy, dE/da_k = y_k - t_k."""
    net = ffnn.MLP([3, 4], output="softmax", seed=0)
    x = np.array([[0.2, -0.4, 1.0]])
    t = ffnn.losses.one_hot(np.array([2]), 4)
    _, grads = net.loss_and_gradients(x, t, loss="ce")
    a = x @ net.params[0] + net.params[1]
    y = np.exp(a - a.max()) / np.exp(a - a.max()).sum()  # softmax, written out
    np.testing.assert_allclose(grads[1], (y - t)[0], rtol=1e-12, atol=1e-15)  # db = y - t
    np.testing.assert_allclose(grads[0], x.T @ (y - t), rtol=1e-12, atol=1e-15)  # dW = x^T delta
