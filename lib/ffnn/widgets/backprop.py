"""Notebook 05: forward values, deltas and gradients of a tiny network, as one weight moves.

Lectures: 000 (Rossi) node-indexed backprop (delta rule); 001 worked example; 002 (Drchal)
modular forward / backward messages; 003 (Cheng) eqs. (6a)-(6f). The numbers come from
ffnn.MLP.forward_all / loss_and_gradients and are checked against ffnn.gradcheck.
"""

import numpy as np

from .. import gradcheck, network, reference


def tiny_net(seed=0, hidden="sigmoid", output="sigmoid"):
    """A 2-2-1 network (the smallest with a hidden layer), squared-error output by default."""
    return network.MLP([2, 2, 1], hidden=hidden, output=output, init="xavier", seed=seed)


def weight_names(net):
    """'W1[0,1]'-style names of every weight and bias of net, in params order."""
    names = []
    for l in range(net.n_layers):
        W, b = net.params[2 * l], net.params[2 * l + 1]
        names += [f"W{l + 1}[{i},{j}]" for i in range(W.shape[0]) for j in range(W.shape[1])]
        names += [f"b{l + 1}[{j}]" for j in range(b.shape[0])]
    return names


def _locate(net, name):
    """(index into params, index inside that array) for a name from weight_names."""
    kind, rest = name[0], name[1:]
    layer, _, inner = rest.partition("[")
    idx = tuple(int(k) for k in inner.rstrip("]").split(","))
    return 2 * (int(layer) - 1) + (kind == "b"), idx


def set_weight(net, name, value):
    """Set one weight of net in place (net.params are views into net.theta)."""
    p, idx = _locate(net, name)
    net.params[p][idx] = value
    return net


def state(net, x, t, loss="squared"):
    """Everything backprop computes for one sample (x, t): a, h per layer, the deltas
    dl/da per layer (from the plain-NumPy ffnn.reference), the loss and one gradient per parameter,
    and the central-difference gradient for comparison."""
    x = np.atleast_2d(np.asarray(x, dtype=float))
    t = np.atleast_2d(np.asarray(t, dtype=float))
    As, Hs = net.forward_all(x)
    value, grads = net.loss_and_gradients(x, t, loss=loss, reduction="sum")
    _, twin_grads, deltas = reference.backprop(net, x, t, loss, "sum", return_deltas=True)
    numeric = gradcheck.numerical_gradients(net, x, t, loss=loss, reduction="sum")
    return {
        "a": [A[0] for A in As],
        "h": [H[0] for H in Hs],
        "delta": [D[0] for D in deltas],
        "loss": value,
        "grads": [np.array(g) for g in grads],
        "twin_grads": [np.array(g) for g in twin_grads],
        "numeric": numeric,
    }


def gradient_of(net, grads, name):
    p, idx = _locate(net, name)
    return float(grads[p][idx])


def loss_along(net, x, t, name, values, loss="squared"):
    """The loss as the one weight ``name`` takes each of ``values`` (others fixed)."""
    probe = net.copy()
    out = []
    for v in values:
        set_weight(probe, name, v)
        out.append(probe.loss(np.atleast_2d(x), np.atleast_2d(t), loss=loss, reduction="sum"))
    return np.array(out)


def backprop_figure(net, x, t, name, loss="squared", s=None):
    """The loss as a function of one weight, with the tangent whose slope backprop computes.

    ``s``: the state(net, x, t, loss) already computed, if the caller has it."""
    import matplotlib.pyplot as plt

    s = state(net, x, t, loss) if s is None else s
    p, idx = _locate(net, name)
    w0 = float(net.params[p][idx])
    grid = np.linspace(w0 - 3, w0 + 3, 121)
    fig, ax = plt.subplots(figsize=(5, 3.2))
    ax.plot(grid, loss_along(net, x, t, name, grid, loss), "C0", lw=2)
    g = gradient_of(net, s["grads"], name)
    ax.plot(grid, s["loss"] + g * (grid - w0), "C3--", lw=1)
    ax.plot(w0, s["loss"], "C3o")
    ax.set(xlabel=name, ylabel="loss", title=f"dl/d{name} = {g:+.5f} (backprop)")
    ax.set_ylim(0, None)
    fig.tight_layout()
    return fig


def state_text(net, s, name):
    """A short report: a, h and delta per layer, and the chosen weight's two gradients."""
    lines = []
    for l, (a, h, d) in enumerate(zip(s["a"], s["h"], s["delta"], strict=True), start=1):
        lines.append(f"layer {l}: a = {np.round(a, 4)}  h = {np.round(h, 4)}  delta = {np.round(d, 4)}")  # noqa: E501  # fmt: skip
    lines.append(f"loss = {s['loss']:.6f}")
    lines.append(
        f"dl/d{name}: backprop {gradient_of(net, s['grads'], name):+.8f}, "
        f"central difference {gradient_of(net, s['numeric'], name):+.8f}"
    )
    return "\n".join(lines)


def backprop_ui(net=None, x=(0.5, 0.51), t=0.1):
    """Pick a weight and drag its value: forward values, deltas and the gradient update live."""
    import ipywidgets as W
    import matplotlib.pyplot as plt

    net = tiny_net() if net is None else net
    names = weight_names(net)

    def show(name, value):
        set_weight(net, name, value)
        s = state(net, x, t)
        fig = backprop_figure(net, x, t, name, s=s)
        plt.show()  # inline backend: draws the figure into the widget's output
        print(state_text(net, s, name))
        return fig

    chooser = W.Dropdown(options=names, value=names[0], description="weight")
    slider = W.FloatSlider(value=float(net.params[0][0, 0]), min=-4, max=4, step=0.05)

    def follow(change):  # the slider starts from the chosen weight's current value
        p, idx = _locate(net, change["new"])
        slider.value = float(net.params[p][idx])

    chooser.observe(follow, names="value")
    return W.interactive(show, name=chooser, value=slider)
