"""Notebook 05: forward values, deltas and gradients of a tiny network, as one weight moves.

Lectures: 000 (Rossi) node-indexed backprop (delta rule); 001 worked example; 002 (Drchal)
modular forward / backward messages; 003 (Cheng) eqs. (6a)-(6f). The numbers come from
ffnn.MLP.forward_all / loss_and_gradients and are checked against ffnn.gradcheck.
"""

import numpy as np

from .. import gradcheck, network, reference
from .controls import Widget, dropdown, new_figure, slider


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


SPAN = (-4.0, 4.0)  # the weight slider's range, and the least the loss curve spans


class BackpropView:
    """The loss as a function of one weight, with the tangent whose slope backprop computes.

    The curve depends on the other weights only, so while one weight moves only the point
    and the tangent move; it is recomputed when another weight is chosen (or has moved).
    """

    def __init__(self, fig, net, x, t, loss="squared"):
        self.figure, self.net, self.x, self.t, self.loss = fig, net, x, t, loss
        self.ax = fig.add_subplot()
        (self.curve,) = self.ax.plot([], [], "C0", lw=2)
        (self.tangent,) = self.ax.plot([], [], "C3--", lw=1)
        (self.point,) = self.ax.plot([], [], "C3o")
        self.ax.set_ylabel("loss")
        self.curve_key = None
        self.dynamic = [self.tangent, self.point, self.ax.title]

    def background_key(self, **_):
        return self.curve_key  # the curve is drawn with the background

    def _curve(self, name, w0):
        """Recompute the loss along weight ``name`` if another weight changed since last time."""
        others = self.net.theta.copy()
        p, idx = _locate(self.net, name)
        offset = int(sum(q.size for q in self.net.params[:p]))
        others[offset + np.ravel_multi_index(idx, self.net.params[p].shape)] = 0.0
        lo, hi = min(SPAN[0], w0 - 1.0), max(SPAN[1], w0 + 1.0)
        key = (name, others.tobytes(), lo, hi)
        if key != self.curve_key:
            grid = np.linspace(lo, hi, 161)
            values = loss_along(self.net, self.x, self.t, name, grid, self.loss)
            self.curve.set_data(grid, values)
            self.ax.set(xlim=(lo, hi), ylim=(0, 1.05 * float(np.max(values))), xlabel=name)
            self.curve_key = key

    def update(self, name, value=None, s=None):
        """Set weight ``name`` to ``value`` (if given) and redraw; returns state_text."""
        if value is not None:
            set_weight(self.net, name, value)
        p, idx = _locate(self.net, name)
        w0 = float(self.net.params[p][idx])
        s = state(self.net, self.x, self.t, self.loss) if s is None else s
        self._curve(name, w0)
        g = gradient_of(self.net, s["grads"], name)
        grid = self.curve.get_xdata()
        self.tangent.set_data(grid, s["loss"] + g * (grid - w0))
        self.point.set_data([w0], [s["loss"]])
        self.ax.set_title(f"dl/d{name} = {g:+.5f} (backprop)")
        return state_text(self.net, s, name)


def backprop_figure(net, x, t, name, loss="squared", s=None):
    """The loss as a function of one weight, with the tangent whose slope backprop computes.

    ``s``: the state(net, x, t, loss) already computed, if the caller has it."""
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(5, 3.2))
    BackpropView(fig, net, x, t, loss).update(name, s=s)
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
    net = tiny_net() if net is None else net
    names = weight_names(net)

    def link(controls):  # the slider starts from the chosen weight's current value
        def follow(change):
            p, idx = _locate(net, change["new"])
            controls["value"].value = float(net.params[p][idx])

        controls["name"].observe(follow, names="value")

    return Widget(
        BackpropView(new_figure((5.4, 3.4)), net, x, t),
        {
            "name": dropdown("weight", names, names[0]),
            "value": slider("value", float(net.params[0][0, 0]), *SPAN, 0.05),
        },
        "The loss of a 2-2-1 network as one weight varies, with the tangent whose slope "
        "backpropagation computes",
        link,
    )
