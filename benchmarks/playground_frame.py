"""The playground's frame: one training epoch of 2-8-8-1 on 500 points (250 train, batch 10)
plus the views' arrays (compute), then drawing and PNG-encoding the figure (render), as one
``play`` frame does. Frames per second = 1 / (compute + render)."""

import statistics
import time

from ffnn.widgets.playground.model import Playground
from ffnn.widgets.playground.view import PlaygroundView


def measure(frames=40, dataset="xor", hidden=(8, 8)):
    pg = Playground(dataset=dataset, hidden=hidden, n_points=500, batch_size=10, lr=0.03)
    view = PlaygroundView(pg)
    view.png()  # first full draw (the static background is cached from here on)
    train, views, render = [], [], []
    for _ in range(frames):
        t0 = time.perf_counter()
        pg.step()
        t1 = time.perf_counter()
        view.update()
        t2 = time.perf_counter()
        view.png()
        t3 = time.perf_counter()
        train.append(t1 - t0)
        views.append(t2 - t1)
        render.append(t3 - t2)
    frame = [a + b + c for a, b, c in zip(train, views, render, strict=True)]
    ms = {k: 1e3 * statistics.median(v) for k, v in
          (("train", train), ("views", views), ("render", render), ("frame", frame))}  # fmt: skip
    ms["compute"] = ms["train"] + ms["views"]
    return {
        "ms": ms,
        "fps": 1e3 / ms["frame"],
        "frame_range_ms": (1e3 * min(frame), 1e3 * max(frame)),
        "frames": frames,
        "net": f"{pg.net.sizes}",
    }


def run(quick=False):
    result = measure(frames=8 if quick else 60)
    return {
        "title": "Playground frame: 2-8-8-1 on 500 points, one epoch + redraw",
        "unit": "ms",
        "workload": f"{result['frames']} consecutive frames of `play`, medians",
        "frame": result,
        "target": ">= 20 frames/s",
    }
