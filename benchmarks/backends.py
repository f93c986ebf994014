"""The same training maths written for each peer: plain NumPy, PyTorch (autograd and
hand-written backprop) and scikit-learn. Every trainer takes the initial parameters as
``[W1, b1, W2, b2, ...]`` (ffnn's layout, W of shape (n_in, n_out)), walks the rows in the
given order in batches of ``batch`` (the last batch may be smaller, as in ffnn.train.fit),
uses the mean loss over the batch, and plain SGD or momentum v <- mu v - lr g, w <- w + v.
Output units are sigmoid (binary cross-entropy) or softmax (cross-entropy): delta = y - t.
"""

import warnings

import numpy as np

from .common import peer

# ------------------------------------------------------------------ NumPy


def _np_hidden(name):
    if name == "tanh":
        return np.tanh, lambda h: 1.0 - h * h
    if name == "relu":
        return (lambda a: np.maximum(a, 0.0)), (lambda h: (h > 0).astype(h.dtype))
    raise ValueError(f"hidden must be tanh or relu, got {name!r}")


def _np_output(a, output):
    if output == "sigmoid":
        return 1.0 / (1.0 + np.exp(-a))
    e = np.exp(a - a.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def numpy_train(params, X, T, hidden, output, lr, epochs, batch, momentum=0.0):
    """Mini-batch (batch=1: on-line) SGD with hand-written backprop; params updated in place."""
    f, df = _np_hidden(hidden)
    Ws, bs = params[0::2], params[1::2]
    L, n = len(Ws), len(X)
    velocity = [np.zeros_like(p) for p in params]
    for _ in range(epochs):
        for s in range(0, n, batch):
            x, t = X[s : s + batch], T[s : s + batch]
            hs = [x]
            for l in range(L - 1):
                hs.append(f(hs[-1] @ Ws[l] + bs[l]))
            d = (_np_output(hs[-1] @ Ws[-1] + bs[-1], output) - t) / len(x)
            grads = [None] * (2 * L)
            for l in range(L - 1, -1, -1):
                grads[2 * l], grads[2 * l + 1] = hs[l].T @ d, d.sum(axis=0)
                if l:
                    d = (d @ Ws[l].T) * df(hs[l])
            for p, g, v in zip(params, grads, velocity, strict=True):
                if momentum:
                    v *= momentum
                    v -= lr * g
                    p += v
                else:
                    p -= lr * g
    return params


def numpy_forward(params, X, hidden, output):
    f, _ = _np_hidden(hidden)
    h = X
    for W, b in zip(params[0:-2:2], params[1:-2:2], strict=True):
        h = f(h @ W + b)
    return _np_output(h @ params[-2] + params[-1], output)


# ------------------------------------------------------------------ PyTorch


def torch_params(params, dtype="float64", grad=False):
    torch = peer("torch")
    dt = getattr(torch, dtype)
    return [torch.tensor(p, dtype=dt).requires_grad_(grad) for p in params]


def torch_autograd_train(tparams, X, T, hidden, output, lr, epochs, batch, momentum=0.0):
    """The same loop with torch autograd and torch.optim.SGD (its momentum is the same rule
    written with v' = -v / lr)."""
    torch = peer("torch")
    F = torch.nn.functional
    act = torch.tanh if hidden == "tanh" else torch.relu
    opt = torch.optim.SGD(tparams, lr=lr, momentum=momentum)
    n, L = len(X), len(tparams) // 2
    for _ in range(epochs):
        for s in range(0, n, batch):
            x, t = X[s : s + batch], T[s : s + batch]
            h = x
            for l in range(L - 1):
                h = act(h @ tparams[2 * l] + tparams[2 * l + 1])
            a = h @ tparams[-2] + tparams[-1]
            if output == "sigmoid":
                loss = F.binary_cross_entropy_with_logits(a, t)
            else:
                loss = F.cross_entropy(a, t.argmax(dim=1))
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
    return tparams


def torch_manual_train(tparams, X, T, hidden, output, lr, epochs, batch, momentum=0.0):
    """The NumPy loop in torch tensors, no autograd (what a hand-written kernel in torch costs)."""
    torch = peer("torch")
    Ws, bs = tparams[0::2], tparams[1::2]
    L, n = len(Ws), len(X)
    velocity = [torch.zeros_like(p) for p in tparams]
    with torch.no_grad():
        for _ in range(epochs):
            for s in range(0, n, batch):
                x, t = X[s : s + batch], T[s : s + batch]
                hs = [x]
                for l in range(L - 1):
                    a = hs[-1] @ Ws[l] + bs[l]
                    hs.append(torch.tanh(a) if hidden == "tanh" else torch.relu(a))
                a = hs[-1] @ Ws[-1] + bs[-1]
                y = torch.sigmoid(a) if output == "sigmoid" else torch.softmax(a, dim=1)
                d = (y - t) / len(x)
                grads = [None] * (2 * L)
                for l in range(L - 1, -1, -1):
                    grads[2 * l], grads[2 * l + 1] = hs[l].T @ d, d.sum(dim=0)
                    if l:
                        dh = 1.0 - hs[l] * hs[l] if hidden == "tanh" else (hs[l] > 0).to(d.dtype)
                        d = (d @ Ws[l].T) * dh
                for p, g, v in zip(tparams, grads, velocity, strict=True):
                    if momentum:
                        v.mul_(momentum).sub_(lr * g)
                        p.add_(v)
                    else:
                        p.sub_(lr * g)
    return tparams


def torch_forward(tparams, X, hidden, output):
    torch = peer("torch")
    with torch.no_grad():
        h = X
        for l in range(len(tparams) // 2 - 1):
            a = h @ tparams[2 * l] + tparams[2 * l + 1]
            h = torch.tanh(a) if hidden == "tanh" else torch.relu(a)
        a = h @ tparams[-2] + tparams[-1]
        return torch.sigmoid(a) if output == "sigmoid" else torch.softmax(a, dim=1)


# ------------------------------------------------------------------ scikit-learn


def sklearn_model(params, X, labels, hidden, lr, batch, momentum=0.0, epochs=1):
    """An MLPClassifier set up to run the same SGD from the same initial weights.

    sklearn has no way to pass initial weights, so it is fitted once for a single epoch to
    build its state, then its coefs_/intercepts_ are overwritten; ``train`` resets them
    each time from ``params`` and runs ``epochs`` epochs without shuffling.
    """
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    clf = MLPClassifier(
        hidden_layer_sizes=[W.shape[1] for W in params[0:-2:2]], activation=hidden,
        solver="sgd", alpha=0.0, batch_size=batch, learning_rate="constant",
        learning_rate_init=lr, momentum=momentum, nesterovs_momentum=False, shuffle=False,
        max_iter=1, tol=0.0, n_iter_no_change=10**9, warm_start=True, random_state=0,
    )  # fmt: skip

    def train():
        clf.coefs_ = [p.copy() for p in params[0::2]]
        clf.intercepts_ = [p.copy() for p in params[1::2]]
        clf.max_iter = epochs
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            clf.fit(X, labels)
        return clf

    clf.max_iter = 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, labels)  # builds the label binarizer and layer bookkeeping
    return clf, train
