"""The playground's frame: one training epoch of 2-8-8-1 on 500 points (250 train, batch 10)
plus the views' arrays and artists (compute), then composing and PNG-encoding the figure
(render), as one ``play`` frame does. Frames per second = 1 / (train + views + render).

Also the Python side of a control change: moving the noise slider makes new data, restarts
the network and sends a new frame (``Playground.set`` + ``update`` + ``png``)."""

import statistics
import time

from ffnn.widgets.playground.model import Playground
from ffnn.widgets.playground.view import PlaygroundView, encode_png


def _median_ms(values):
    return 1e3 * statistics.median(values)


def measure(frames=40, dataset="xor", hidden=(8, 8)):
    pg = Playground(dataset=dataset, hidden=hidden, n_points=500, batch_size=10, lr=0.03)
    view = PlaygroundView(pg)
    view.png()  # first full draw (the static background is cached from here on)
    train, views, compose, encode = [], [], [], []
    for _ in range(frames):
        t0 = time.perf_counter()
        pg.step()
        t1 = time.perf_counter()
        view.update()
        t2 = time.perf_counter()
        view.draw()
        t3 = time.perf_counter()
        encode_png(view.pixels())  # what png() does after draw()
        t4 = time.perf_counter()
        train.append(t1 - t0)
        views.append(t2 - t1)
        compose.append(t3 - t2)
        encode.append(t4 - t3)
    render = [a + b for a, b in zip(compose, encode, strict=True)]
    frame = [a + b + c for a, b, c in zip(train, views, render, strict=True)]
    ms = {
        "train": _median_ms(train),
        "views": _median_ms(views),
        "compose": _median_ms(compose),
        "encode": _median_ms(encode),
        "render": _median_ms(render),
        "frame": _median_ms(frame),
    }
    ms["compute"] = ms["train"] + ms["views"]
    return {
        "ms": ms,
        "fps": 1e3 / ms["frame"],
        "frame_range_ms": (1e3 * min(frame), 1e3 * max(frame)),
        "frames": frames,
        "net": f"{pg.net.sizes}",
        "png_bytes": len(view.png()),
    }


def noise_change(repeats=10):
    """Median ms from a new noise value to the new frame's PNG (Python side only)."""
    pg = Playground(dataset="circle", hidden=(4, 2), n_points=500, lr=0.03)  # notebook 11's
    view = PlaygroundView(pg)
    view.png()
    times = []
    for i in range(repeats):
        t0 = time.perf_counter()
        pg.set(noise=0.05 * (1 + i % 2))
        view.update()
        view.png()
        times.append(time.perf_counter() - t0)
    return _median_ms(times)


def run(quick=False):
    result = measure(frames=8 if quick else 60)
    result["noise_change_ms"] = noise_change(4 if quick else 20)
    return {
        "title": "Playground frame: 2-8-8-1 on 500 points, one epoch + redraw",
        "unit": "ms",
        "workload": f"{result['frames']} consecutive frames of `play`, medians",
        "frame": result,
        "target": ">= 45 frames/s",
    }
