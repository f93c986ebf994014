"""Update rules of ffnn.optim against the lectures' formulas, worked by hand."""

import ffnn
import numpy as np
import pytest
from ffnn import optim

THETA = [0.5, -1.0, 2.0]
GRAD = [0.2, -0.4, 1.0]


def one_step(rule_cls, steps=1, **kw):
    w = np.array(THETA)
    opt = rule_cls([w], **kw)
    for _ in range(steps):
        opt.step([np.array(GRAD)])
    return w


def test_sgd_step():
    """theta <- theta - eta g."""
    np.testing.assert_allclose(one_step(optim.SGD, lr=0.1), [0.48, -0.96, 1.9])


def test_momentum_two_steps():
    """v1 = -eta g; v2 = mu v1 - eta g = -(1 + mu) eta g (002, momentum)."""
    w = one_step(optim.Momentum, steps=2, lr=0.1, momentum=0.9)
    g = np.array(GRAD)
    np.testing.assert_allclose(w, np.array(THETA) - 0.1 * g - 1.9 * 0.1 * g)


def test_adagrad_steps():
    """G = g^2 after one step, so theta <- theta - eta g / (|g| + eps); G = 2 g^2 after two."""
    g = np.array(GRAD)
    np.testing.assert_allclose(
        one_step(optim.Adagrad, lr=0.1), np.array(THETA) - 0.1 * np.sign(g), rtol=1e-7
    )
    w1 = np.array(THETA) - 0.1 * np.sign(g)
    np.testing.assert_allclose(
        one_step(optim.Adagrad, steps=2, lr=0.1), w1 - 0.1 * g / (np.sqrt(2 * g**2) + 1e-8)
    )


def test_rmsprop_step():
    """G = (1 - gamma) g^2; theta <- theta - eta g / (sqrt(G) + eps)."""
    g = np.array(GRAD)
    G = 0.1 * g**2
    np.testing.assert_allclose(
        one_step(optim.RMSProp, lr=0.01, decay=0.9),
        np.array(THETA) - 0.01 * g / (np.sqrt(G) + 1e-8),
    )


def test_adam_first_step_is_lr_times_sign():
    """With bias correction m_hat = g and v_hat = g^2 after one step."""
    g = np.array(GRAD)
    np.testing.assert_allclose(
        one_step(optim.Adam, lr=0.01), np.array(THETA) - 0.01 * g / (np.abs(g) + 1e-8)
    )


def test_adam_second_step():
    g = np.array(GRAD)
    m = 0.1 * g * 0.9 + 0.1 * g
    v = 0.001 * g**2 * 0.999 + 0.001 * g**2
    m_hat, v_hat = m / (1 - 0.9**2), v / (1 - 0.999**2)
    expected = (
        np.array(THETA) - 0.01 * g / (np.abs(g) + 1e-8) - 0.01 * m_hat / (np.sqrt(v_hat) + 1e-8)
    )
    np.testing.assert_allclose(one_step(optim.Adam, steps=2, lr=0.01), expected)


def test_weight_decay_and_l1_act_on_weights_only():
    net = ffnn.MLP([2, 2, 1], seed=0)
    net.params[1][:] = 1.0  # a bias
    W0, b0 = net.params[0].copy(), net.params[1].copy()
    zero = net.views(np.zeros_like(net.theta))
    optim.SGD(net.params, lr=0.1, weight_decay=0.5).step(zero)
    np.testing.assert_allclose(net.params[0], W0 * (1 - 0.05))
    np.testing.assert_allclose(net.params[1], b0)
    W1 = net.params[0].copy()
    optim.SGD(net.params, lr=0.1, l1=0.2).step(zero)
    np.testing.assert_allclose(net.params[0], W1 - 0.02 * np.sign(W1))


def test_default_decay_mask_is_the_networks():
    net = ffnn.MLP([2, 3, 1], seed=0)
    opt = optim.SGD(net.params, lr=0.1, weight_decay=0.1)
    np.testing.assert_array_equal(opt.mask, net.params.decay_mask)
    assert opt.mask.sum() == 2 * 3 + 3 * 1  # the weights, not the biases
    np.testing.assert_array_equal(optim.SGD([np.zeros(2), np.zeros(3)]).mask, np.ones(5))


def test_hyper_parameters_are_named():
    params = [np.zeros(3)]
    adam = optim.Adam(params, lr=0.01, beta1=0.8, beta2=0.99, eps=1e-7, clip_norm=2.0)
    assert (adam.lr, adam.beta1, adam.beta2, adam.eps, adam.clip_norm) == (
        0.01, 0.8, 0.99, 1e-7, 2.0
    )  # fmt: skip
    h = adam.hyper()
    assert h.rule == optim.Rule.ADAM and (h.beta1, h.beta2, h.momentum) == (0.8, 0.99, 0.0)
    m = optim.Momentum(params, lr=0.1, momentum=0.5).hyper()
    assert (m.rule, m.lr, m.momentum, m.beta1) == (optim.Rule.MOMENTUM, 0.1, 0.5, 0.0)
    assert optim.RMSProp(params, decay=0.8).hyper().decay == 0.8


def test_every_rule_has_one_signature():
    import inspect

    for rule in (optim.sgd, optim.momentum, optim.adagrad, optim.rmsprop, optim.adam):
        assert list(inspect.signature(rule.py_func).parameters) == [
            "theta", "g", "state", "hyper", "t"
        ]  # fmt: skip


def test_gradient_clipping_by_value_and_by_norm():
    w = np.zeros(2)
    optim.SGD([w], lr=1.0, clip_value=0.5).step([np.array([3.0, -0.2])])
    np.testing.assert_allclose(w, [-0.5, 0.2])
    w = np.zeros(2)
    optim.SGD([w], lr=1.0, clip_norm=1.0).step([np.array([3.0, 4.0])])
    np.testing.assert_allclose(w, [-0.6, -0.8])


def test_schedules():
    s = optim.schedule
    assert s.step(0.1, drop=0.5, every=10)(25) == pytest.approx(0.025)
    assert s.exponential(0.1, 0.9)(2) == pytest.approx(0.081)
    assert s.inverse_time(0.1, 1.0)(3) == pytest.approx(0.025)
    assert s.cosine(0.1, 10, lr_min=0.01)(10) == pytest.approx(0.01)
    w = np.array([1.0])
    eta = s.step(1.0, drop=0.5, every=1)
    opt = optim.SGD([w], lr=eta(0))
    for k in range(3):  # one schedule mechanism: whoever runs the loop sets eta_k
        opt.set_lr(eta(k))
        opt.step([np.array([1.0])])
    assert w[0] == pytest.approx(1.0 - 1.0 - 0.5 - 0.25)
    with pytest.raises(ValueError, match="lr_schedule"):
        optim.SGD([w], lr=eta)


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda p: optim.SGD(p, lr=0), "learning rate lr must be a positive number"),
        (lambda p: optim.SGD(p, lr=-0.1), "positive"),
        (lambda p: optim.Momentum(p, lr=0.1, momentum=1.5), r"momentum must be in \[0.0, 1.0\)"),
        (lambda p: optim.get("adamw", p), "unknown optimizer 'adamw'"),
        (lambda p: optim.SGD([], lr=0.1), "non-empty list"),
    ],
)
def test_optimizer_errors(make, message):
    with pytest.raises(ValueError, match=message):
        make([np.zeros(2)])


def test_gradient_shape_mismatch_is_reported():
    opt = optim.SGD([np.zeros((2, 3))], lr=0.1)
    with pytest.raises(
        ValueError, match=r"gradient shape \(3, 2\) does not match parameter shape \(2, 3\)"
    ):
        opt.step([np.zeros((3, 2))])


# ------------------------------------------------------------------ perceptron
