"""The lectures' worked examples, reproduced with the library to the printed digits."""

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
    """
    net = ffnn.MLP([2, 1], output="sigmoid")
    net.set_params({"W1": [[0.35], [0.40]], "b1": [0.0]})
    x, y = np.array([[0.50, 0.51]]), np.array([[0.10]])
    (A,), (H,) = net.forward_all(x)
    sigma, y_hat = A[0, 0], H[0, 0]
    J, grads = net.loss_and_gradients(x, y, loss="squared", half=True)
    dJ_dyhat = y_hat - y[0, 0]
    dyhat_dsigma = y_hat * (1 - y_hat)
    printed = {"Sigma": 0.38, "y_hat": 0.59, "J": 0.12, "dJ/dy_hat": 0.49, "sigma'": 0.24}
    ours = {"Sigma": sigma, "y_hat": y_hat, "J": J, "dJ/dy_hat": dJ_dyhat, "sigma'": dyhat_dsigma}
    for key, value in printed.items():
        assert round(ours[key], 2) == value, key
    dJ_dw1, dJ_dw2 = grads[0][:, 0]
    assert dJ_dw1 == pytest.approx(dJ_dyhat * dyhat_dsigma * 0.50, rel=1e-12)  # x1, not 0.51
    assert dJ_dw2 == pytest.approx(dJ_dyhat * dyhat_dsigma * 0.51, rel=1e-12)
    assert round(dJ_dw1, 4) == 0.0595 and round(dJ_dyhat * dyhat_dsigma * 0.51, 4) == 0.0607
    assert round(dJ_dw1, 2) == round(dJ_dw2, 2) == 0.06
    ffnn.optim.SGD([net.params[0]], lr=1.0).step([grads[0]])
    w1, w2 = net.params[0][:, 0]
    assert (round(w1, 2), round(w2, 2)) == (0.29, 0.34)
    # the follow-up exercise: the new output is closer to the target, the error went down
    assert net.loss(x, y, loss="squared") < J
    assert round(net.forward(x)[0, 0], 4) == 0.5789


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
    np.testing.assert_allclose(grads[1], (net.forward(x) - t)[0])  # db = delta = y - t
