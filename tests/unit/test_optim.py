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


def test_gradient_shape_mismatch_is_reported():
    opt = optim.SGD([np.zeros((2, 3))], lr=0.1)
    with pytest.raises(
        ValueError, match=r"gradient shape \(3, 2\) does not match parameter shape \(2, 3\)"
    ):
        opt.step([np.zeros((3, 2))])


# ------------------------------------------------------------------ against plain NumPy

GRADS = [[0.2, -0.4, 1.0], [-0.5, 0.3, 2.0], [1.5, -0.1, -0.7]]


def numpy_rule(name, theta, grads, lr, momentum=0.0, decay=0.0, b1=0.0, b2=0.0, eps=0.0):
    """The lectures' formulas, step by step in plain NumPy (t = 1, 2, ...)."""
    theta = np.array(theta, dtype=float)
    s1, s2 = np.zeros_like(theta), np.zeros_like(theta)
    for t, g in enumerate(np.array(grads, dtype=float), start=1):
        if name == "sgd":
            theta = theta - lr * g
        elif name == "momentum":
            s1 = momentum * s1 - lr * g
            theta = theta + s1
        elif name == "adagrad":
            s1 = s1 + g**2
            theta = theta - lr * g / (np.sqrt(s1) + eps)
        elif name == "rmsprop":
            s1 = decay * s1 + (1 - decay) * g**2
            theta = theta - lr * g / (np.sqrt(s1) + eps)
        else:
            s1 = b1 * s1 + (1 - b1) * g
            s2 = b2 * s2 + (1 - b2) * g**2
            theta = theta - lr * (s1 / (1 - b1**t)) / (np.sqrt(s2 / (1 - b2**t)) + eps)
    return theta


def run_steps(opt_cls, grads=GRADS, theta=THETA, **kw):
    w = np.array(theta, dtype=float)
    opt = opt_cls([w], **kw)
    for g in grads:
        opt.step([np.array(g)])
    return w


@pytest.mark.parametrize(
    "opt_cls, name, defaults",
    [
        (optim.SGD, "sgd", dict(lr=0.01)),
        (optim.Momentum, "momentum", dict(lr=0.01, momentum=0.9)),
        (optim.Adagrad, "adagrad", dict(lr=0.01, eps=1e-8)),
        (optim.RMSProp, "rmsprop", dict(lr=0.001, decay=0.9, eps=1e-8)),
        (optim.Adam, "adam", dict(lr=0.001, b1=0.9, b2=0.999, eps=1e-8)),
    ],
)
def test_three_steps_with_the_default_hyper_parameters(opt_cls, name, defaults):
    """The documented defaults (lr 0.01 or 0.001, mu 0.9, gamma 0.9, betas 0.9/0.999)."""
    expected = numpy_rule(name, THETA, GRADS, **defaults)
    np.testing.assert_allclose(run_steps(opt_cls), expected, rtol=1e-12)


@pytest.mark.parametrize(
    "opt_cls, name, kw, ref",
    [
        (optim.SGD, "sgd", dict(lr=0.3), dict(lr=0.3)),
        (optim.Momentum, "momentum", dict(lr=0.2, momentum=0.5), dict(lr=0.2, momentum=0.5)),
        (optim.Adagrad, "adagrad", dict(lr=0.2, eps=0.5), dict(lr=0.2, eps=0.5)),
        (
            optim.RMSProp,
            "rmsprop",
            dict(lr=0.2, decay=0.6, eps=0.5),
            dict(lr=0.2, decay=0.6, eps=0.5),
        ),
        (
            optim.Adam,
            "adam",
            dict(lr=0.2, beta1=0.6, beta2=0.7, eps=0.5),
            dict(lr=0.2, b1=0.6, b2=0.7, eps=0.5),
        ),
    ],
)
def test_three_steps_with_large_hyper_parameters(opt_cls, name, kw, ref):
    """A large eps (0.5) makes its place in the formula visible; three steps exercise the
    state (v, G, m, and the t in Adam's bias correction)."""
    expected = numpy_rule(name, THETA, GRADS, **ref)
    np.testing.assert_allclose(run_steps(opt_cls, **kw), expected, rtol=1e-12)


def test_adagrad_by_hand_with_eps():
    """G = g^2 = 0.04, theta <- 1 - 0.5 * 0.2 / (0.2 + 0.3) = 0.8; then G = 0.08."""
    w = run_steps(optim.Adagrad, grads=[[0.2], [0.2]], theta=[1.0], lr=0.5, eps=0.3)
    assert w[0] == pytest.approx(0.8 - 0.1 / (np.sqrt(0.08) + 0.3), rel=1e-12)


@pytest.mark.parametrize(
    "kw, g_eff",
    [
        # g + lambda2 w + lambda1 sign(w), w = THETA = [0.5, -1, 2], g = [0.2, -0.4, 1]
        (dict(weight_decay=1.0), [0.7, -1.4, 3.0]),
        (dict(l1=1.0), [1.2, -1.4, 2.0]),
        (dict(weight_decay=0.5, l1=0.2), [0.65, -1.1, 2.2]),
        (dict(clip_value=1.0, weight_decay=1.0), [0.7, -1.0, 1.0]),
        (dict(clip_value=0.3), [0.2, -0.3, 0.3]),
        (dict(clip_norm=1.0, l1=1.0), np.array([1.2, -1.4, 2.0]) / np.sqrt(1.44 + 1.96 + 4.0)),
        (dict(clip_norm=10.0, weight_decay=1.0), [0.7, -1.4, 3.0]),  # norm < 10: not clipped
        (dict(clip_value=5.0, clip_norm=0.6), np.array([0.2, -0.4, 1.0]) * 0.6 / np.sqrt(1.2)),
    ],
)
def test_effective_gradient(kw, g_eff):
    """One SGD step with lr 1 moves theta by exactly -g (after decay, L1 and clipping)."""
    w = run_steps(optim.SGD, grads=[GRAD], lr=1.0, **kw)
    np.testing.assert_allclose(np.array(THETA) - w, g_eff, rtol=1e-12)


def test_no_clipping_unless_asked():
    w = run_steps(optim.SGD, grads=[[3.0, -40.0]], theta=[0.0, 0.0], lr=1.0)
    np.testing.assert_array_equal(w, [-3.0, 40.0])
    w = run_steps(optim.SGD, grads=[[3.0, -40.0]], theta=[0.0, 0.0], lr=1.0, clip_value=1.0)
    np.testing.assert_array_equal(w, [-1.0, 1.0])


def test_float32_gradients_are_applied_in_float64():
    """Gradients of a float32 network applied to float64 parameters: lr * g in float64, not
    rounded to float32 first (which would give 0.98999999929 here)."""
    w = np.array([1.0, 1.0])
    optim.SGD([w], lr=0.1).step([np.array([0.1, 0.7], dtype=np.float32)])
    expected = [1.0 - 0.1 * float(np.float32(0.1)), 1.0 - 0.1 * float(np.float32(0.7))]
    np.testing.assert_array_equal(w, expected)


def test_an_explicit_mask_selects_the_decayed_entries():
    w = np.array([[1.0, 2.0], [3.0, 4.0]])
    opt = optim.SGD([w], lr=0.5, weight_decay=1.0, mask=[[1, 0], [0, 1]])
    opt.step([np.zeros((2, 2))])
    np.testing.assert_array_equal(w, [[0.5, 2.0], [3.0, 2.0]])


def test_a_list_of_arrays_is_updated_array_by_array():
    """Several arrays of different shapes: each gets its own slice of the rule's state."""
    params = [np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), np.array([-1.0, 0.5]), np.array([7.0])]
    grads = [np.array([[0.1, -0.2, 0.3], [0.4, 0.5, -0.6]]), np.array([1.0, -2.0]), np.array([3.0])]
    before = [p.copy() for p in params]
    opt = optim.Momentum(params, lr=0.1, momentum=0.5)
    opt.step(grads)
    opt.step(grads)
    for p, b, g in zip(params, before, grads, strict=True):
        np.testing.assert_allclose(p, b - 0.1 * g - 0.15 * g, rtol=1e-12)  # v2 = -(1 + mu) eta g


def test_a_network_takes_gradients_as_a_list_or_as_views():
    net = ffnn.MLP([2, 3, 1], seed=0)
    theta0 = net.theta.copy()
    flat = np.linspace(-1.0, 1.0, net.theta.size)
    opt = optim.SGD(net.params, lr=0.5)
    assert opt.updates(net.theta) and not opt.updates(theta0)
    opt.step(net.views(flat))
    np.testing.assert_allclose(net.theta, theta0 - 0.5 * flat, rtol=1e-12)
    opt.step([np.array(g) for g in net.views(flat)])  # plain arrays, not views of one vector
    np.testing.assert_allclose(net.theta, theta0 - flat, rtol=1e-12)
    assert not optim.SGD([np.zeros(2)]).updates(np.zeros(2))


def test_gradients_of_another_network_are_rejected():
    opt = optim.SGD(ffnn.MLP([2, 3, 1]).params, lr=0.1)
    other = ffnn.MLP([2, 4, 1])
    with pytest.raises(ValueError) as err:
        opt.step(other.views(np.zeros_like(other.theta)))
    assert str(err.value) == "gradient shape (2, 4) does not match parameter shape (2, 3)"
    with pytest.raises(ValueError) as err:
        opt.step(ffnn.MLP([2, 1]).params)
    assert str(err.value) == "expected 4 gradient arrays (one per parameter), got 2"


def test_reset_forgets_the_state_and_the_step_count():
    w = np.array(THETA)
    opt = optim.Adam([w], lr=0.01, beta1=0.5)
    opt.step([np.array(GRADS[1])])
    opt.step([np.array(GRADS[2])])
    opt.reset()
    assert opt.t == 0 and not opt.state.any()
    w[:] = THETA
    opt.step([np.array(GRAD)])  # a first step again: m_hat = g, v_hat = g^2
    np.testing.assert_allclose(w, np.array(THETA) - 0.01 * np.sign(GRAD), rtol=1e-6)


def test_stepper_and_hyper_records():
    w = np.zeros(3)
    opt = optim.SGD([w], lr=0.2, weight_decay=0.3, l1=0.4, clip_value=0.5, clip_norm=0.6)
    assert opt.hyper() == (optim.Rule.SGD, 0.2, 0.0, 0.0, 0.0, 0.0, 0.0, 0.3, 0.4, 0.5, 0.6)
    assert optim.Adagrad([w], eps=0.7).hyper() == (2, 0.01, 0, 0, 0, 0, 0.7, 0, 0, 0, 0)
    opt.step([np.ones(3)])
    opt.step([np.ones(3)])
    s = opt.stepper()
    assert s.hyper == opt.hyper() and s.t == 2
    assert s.state is opt.state and s.mask is opt.mask and s.work is opt.work
    assert opt.state.shape == (2, 3) and opt.work.shape == (3,)


def test_state_is_kept_in_the_parameters_dtype_and_the_mask_is_a_copy():
    net = ffnn.MLP([2, 3, 1], dtype=np.float32)
    opt = optim.Adam(net.params)
    assert opt.state.dtype == np.float32 and opt.mask.dtype == np.float32
    assert opt.work.dtype == np.float64
    opt.mask[:] = 0.0
    assert net.params.decay_mask.sum() == 2 * 3 + 3
    # a mask given in another dtype is stored in the parameters' (the kernels compile once)
    assert optim.SGD(net.params, mask=np.ones(net.theta.size)).mask.dtype == np.float32
    assert optim.SGD([np.zeros(2)], mask=[1, 0]).mask.dtype == np.float64


def test_repr_names_the_rule_and_the_learning_rate():
    assert repr(optim.SGD([np.zeros(1)])) == "SGD(lr=0.01)"
    assert repr(optim.Adam([np.zeros(1)], lr=0.25)) == "Adam(lr=0.25)"


def test_get_builds_each_optimizer_by_name():
    p = [np.zeros(2)]
    for name, cls in [("sgd", optim.SGD), ("momentum", optim.Momentum),
                      ("adagrad", optim.Adagrad), ("rmsprop", optim.RMSProp),
                      ("adam", optim.Adam)]:  # fmt: skip
        assert type(optim.get(name, p)) is cls
    opt = optim.get("Adam", p, lr=0.5, beta1=0.2)
    assert type(opt) is optim.Adam and (opt.lr, opt.beta1) == (0.5, 0.2)


def test_boundary_hyper_parameters_are_accepted():
    p = [np.zeros(2)]
    assert optim.Momentum(p, momentum=0.0).momentum == 0.0
    assert optim.RMSProp(p, decay=0.0).decay == 0.0
    assert (optim.Adam(p, beta1=0.0, beta2=0.0).beta1, optim.SGD(p, l1=0.0).l1) == (0.0, 0.0)
    s = optim.schedule
    assert (s.step(0.1, drop=1.0)(30), s.exponential(0.1, gamma=1.0)(30)) == (0.1, 0.1)
    assert s.inverse_time(0.1, decay=0.0)(30) == 0.1


LR_MESSAGE = (
    "lr must be a number; apply a schedule with fit(lr_schedule=...) "
    "or opt.set_lr(schedule(k)) in your own loop"
)
PARAMS_MESSAGE = "params must be a non-empty list of arrays, e.g. net.params"


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda p: optim.SGD(p, lr=0), "learning rate lr must be a positive number, got 0"),
        (lambda p: optim.SGD(p, lr=-0.1), "learning rate lr must be a positive number, got -0.1"),
        (lambda p: optim.SGD(p, lr=lambda k: 0.1), LR_MESSAGE),
        (lambda p: optim.SGD(p).set_lr(0), "learning rate lr must be a positive number, got 0"),
        (lambda p: optim.SGD([]), PARAMS_MESSAGE),
        (lambda p: optim.SGD(np.zeros(3)), PARAMS_MESSAGE),
        (lambda p: optim.SGD(3.0), PARAMS_MESSAGE),
        (lambda p: optim.SGD(p, weight_decay=-1), "weight_decay must be in [0.0, inf], got -1"),
        (lambda p: optim.SGD(p, l1=-1), "l1 must be in [0.0, inf], got -1"),
        (lambda p: optim.SGD(p, clip_value=0), "clip_value must be a positive number, got 0"),
        (lambda p: optim.SGD(p, clip_norm=-1), "clip_norm must be a positive number, got -1"),
        (
            lambda p: optim.SGD(p, mask=[1, 0, 1]),
            "mask must have 2 entries (one per parameter), got 3",
        ),
        (lambda p: optim.Momentum(p, momentum=1.0), "momentum must be in [0.0, 1.0), got 1.0"),
        (lambda p: optim.Momentum(p, momentum=-0.1), "momentum must be in [0.0, 1.0), got -0.1"),
        (lambda p: optim.Adagrad(p, eps=0), "eps must be a positive number, got 0"),
        (lambda p: optim.RMSProp(p, decay=1.0), "decay must be in [0.0, 1.0), got 1.0"),
        (lambda p: optim.RMSProp(p, eps=0), "eps must be a positive number, got 0"),
        (lambda p: optim.Adam(p, beta1=1.0), "beta1 must be in [0.0, 1.0), got 1.0"),
        (lambda p: optim.Adam(p, beta2=1.0), "beta2 must be in [0.0, 1.0), got 1.0"),
        (lambda p: optim.Adam(p, eps=0), "eps must be a positive number, got 0"),
        (
            lambda p: optim.get("adamw", p),
            "unknown optimizer 'adamw'; expected one of: adagrad, adam, momentum, rmsprop, sgd",
        ),
        (lambda p: optim.schedule.constant(0), "lr must be a positive number, got 0"),
        (lambda p: optim.schedule.step(0), "lr must be a positive number, got 0"),
        (lambda p: optim.schedule.step(0.1, drop=0), "drop must be in (0.0, 1.0], got 0"),
        (lambda p: optim.schedule.exponential(0), "lr must be a positive number, got 0"),
        (lambda p: optim.schedule.exponential(0.1, gamma=0), "gamma must be in (0.0, 1.0], got 0"),
        (lambda p: optim.schedule.inverse_time(0), "lr must be a positive number, got 0"),
        (lambda p: optim.schedule.inverse_time(0.1, -1), "decay must be in [0.0, inf], got -1"),
        (lambda p: optim.schedule.cosine(0, 10), "lr must be a positive number, got 0"),
        (
            lambda p: optim.schedule.cosine(0.1, 10, lr_min=0),
            "lr_min must be a positive number, got 0",
        ),
    ],
)
def test_optimizer_errors(make, message):
    with pytest.raises(ValueError) as err:
        make([np.zeros(2)])
    assert str(err.value) == message


def test_schedule_values():
    s = optim.schedule
    assert [s.constant(0.3)(k) for k in (0, 7)] == [0.3, 0.3]
    step = s.step(0.1)  # drop 0.5 every 10
    assert [step(k) for k in (0, 9, 10, 19, 20)] == pytest.approx([0.1, 0.1, 0.05, 0.05, 0.025])
    assert s.step(1.0, every=0)(3) == 0.125  # every is at least 1
    assert s.step(1.0, every=2.7)(5) == 0.25  # every = int(2.7) = 2
    assert s.exponential(0.1)(2) == pytest.approx(0.1 * 0.99**2)  # gamma 0.99
    assert s.inverse_time(0.1)(10) == pytest.approx(0.1 / 1.1)  # decay 0.01
    cos = s.cosine(0.1, 10, lr_min=0.01)
    expected = [0.1, 0.01 + 0.09 * 0.5 * (1 + np.cos(0.3 * np.pi)), 0.055, 0.01, 0.01]
    assert [cos(k) for k in (0, 3, 5, 10, 25)] == pytest.approx(expected, rel=1e-12)
    default = s.cosine(0.1, 10)  # lr_min = lr / 1000
    assert [default(k) for k in (0, 5, 12)] == pytest.approx([0.1, 0.05005, 1e-4], rel=1e-12)
    once = s.cosine(0.1, 0)  # total is at least 1
    assert [once(0), once(1)] == pytest.approx([0.1, 1e-4], rel=1e-12)


# ------------------------------------------------------------------ perceptron
