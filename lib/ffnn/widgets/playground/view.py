"""The playground's figure: draws a Playground with matplotlib on its own Agg canvas (pyplot,
and with it the notebook's inline backend, is never touched), updating the artists in place
and blitting, and encodes a frame as PNG bytes."""

import io

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure
from PIL import Image

from .model import EXTENT, FEATURE_LABELS

# TensorFlow Playground's orange (-) / grey / blue (+); NaN (between tiles) is transparent
CMAP = LinearSegmentedColormap.from_list("pg", ["#f59322", "#e8eaeb", "#0877bd"]).with_extremes(
    bad=(0, 0, 0, 0)
)


class PlaygroundView:
    """A matplotlib figure of a Playground: network with per-unit heatmaps and weights on the
    connections, the output over the plane with train/test points, loss curves, and the
    gradient size per layer. ``update()`` changes artists in place; ``png()`` encodes a frame.
    """

    def __init__(self, pg, resolution=80, tile=14, dpi=72):
        self.pg, self.resolution, self.tile = pg, resolution, tile
        self.fig = Figure(figsize=(11.5, 4.2), dpi=dpi)
        FigureCanvasAgg(self.fig)
        grid = self.fig.add_gridspec(2, 3, width_ratios=[4.2, 3.3, 2.6], hspace=0.45, wspace=0.25)
        self.ax_net = self.fig.add_subplot(grid[:, 0])
        self.ax_out = self.fig.add_subplot(grid[:, 1])
        self.ax_loss = self.fig.add_subplot(grid[0, 2])
        self.ax_grad = self.fig.add_subplot(grid[1, 2])
        self.fig.subplots_adjust(left=0.02, right=0.98, top=0.9, bottom=0.1)
        self._shape = None
        self.rebuild()

    def rebuild(self):
        """New artists for the model's structure (features, layers, data); then update()."""
        pg = self.pg
        self._shape = self._structure()
        for ax in (self.ax_net, self.ax_out, self.ax_loss, self.ax_grad):
            ax.clear()
        # network: one mosaic image holding every unit's tile, connections as one collection
        sizes = [len(pg.features), *pg.hidden, 1]
        rows = max(sizes)
        T, gap = self.tile, self.tile
        self._mosaic = np.full((rows * (T + gap // 2), len(sizes) * (T + 2 * gap)), np.nan)
        self._tiles = []  # per layer, list of (row slice, col slice)
        centers = []
        for l, n in enumerate(sizes):
            c0 = l * (T + 2 * gap) + gap
            offset = (rows - n) * (T + gap // 2) // 2
            spots = [(slice(offset + j * (T + gap // 2), offset + j * (T + gap // 2) + T),
                      slice(c0, c0 + T)) for j in range(n)]  # fmt: skip
            self._tiles.append(spots)
            centers.append([(s[1].start, s[1].stop, (s[0].start + s[0].stop) / 2) for s in spots])
        segments = []
        for l in range(len(sizes) - 1):
            for i in range(sizes[l]):
                for j in range(sizes[l + 1]):
                    a, b = centers[l][i], centers[l + 1][j]
                    segments.append([(a[1], a[2]), (b[0], b[2])])
        ax = self.ax_net
        self.network_image = ax.imshow(self._mosaic, cmap=CMAP, vmin=-1, vmax=1,
                                  interpolation="nearest", zorder=2)  # fmt: skip
        self.weight_lines = LineCollection(segments, zorder=1)
        ax.add_collection(self.weight_lines)
        for i, f in enumerate(pg.features):
            r, c = self._tiles[0][i]
            ax.text(c.start - 2, (r.start + r.stop) / 2, FEATURE_LABELS[f], ha="right",
                    va="center", fontsize=8)  # fmt: skip
        ax.set_xlim(-gap, self._mosaic.shape[1])
        ax.set_ylim(self._mosaic.shape[0], -gap)
        ax.set_axis_off()
        ax.set_title("network: each unit over the plane; weights blue + orange −",
                     fontsize=9)  # fmt: skip
        # output over the plane, with the points
        ax = self.ax_out
        regression = pg.is_regression
        self.output_image = ax.imshow(
            np.zeros((self.resolution, self.resolution)), cmap=CMAP, origin="lower",
            extent=(-EXTENT, EXTENT, -EXTENT, EXTENT), vmin=-1 if regression else 0, vmax=1,
            interpolation="bilinear",
        )  # fmt: skip
        kw = {"cmap": CMAP, "vmin": -1 if regression else 0, "vmax": 1, "s": 14}
        ax.scatter(*pg.X_train.T, c=pg.t_train[:, 0], edgecolors="white", linewidths=0.6, **kw)
        ax.scatter(*pg.X_test.T, c=pg.t_test[:, 0], edgecolors="black", linewidths=0.6, **kw)
        ax.set_xlim(-EXTENT, EXTENT)
        ax.set_ylim(-EXTENT, EXTENT)
        ax.set_aspect("equal")
        ax.tick_params(labelsize=7)
        ax.set_title("output (train: white rim, test: black rim)", fontsize=9)
        # loss curves
        ax = self.ax_loss
        (self.train_line,) = ax.plot([], [], color="C0", label="train")
        (self.test_line,) = ax.plot([], [], color="C3", label="test")
        ax.legend(fontsize=7, loc="upper right")
        ax.set_title("loss per epoch", fontsize=9)
        ax.tick_params(labelsize=7)
        # gradient size per layer
        ax = self.ax_grad
        n_layers = len(sizes) - 1
        self.gradient_bars = ax.bar(range(1, n_layers + 1), np.ones(n_layers), color="C2")
        ax.set_yscale("log")
        ax.set_xticks(range(1, n_layers + 1))
        ax.set_xlabel("layer l", fontsize=7)
        ax.set_title("RMS of dL/dW per layer", fontsize=9)
        ax.tick_params(labelsize=7)
        self._title = self.fig.suptitle("", fontsize=10)
        # drawn every frame, in this order, over the cached background (see draw)
        self._animated = [
            self.weight_lines, self.network_image, self.output_image, *self.ax_out.collections,
            self.train_line, self.test_line, *self.gradient_bars, self._title,
        ]  # fmt: skip
        for artist in self._animated:
            artist.set_animated(True)
        self._background = None
        self.update()

    def _structure(self):
        """What the artists are built for: a change here needs rebuild(), not update()."""
        pg = self.pg
        return pg.features, pg.hidden, pg.dataset, id(pg.X_train)

    def update(self):
        """Move every artist to the model's current state (no new artists)."""
        pg = self.pg
        if self._shape != self._structure():
            self.rebuild()  # which calls update() again on the new artists
            return self
        # unit tiles, each scaled to [-1, 1] by its largest magnitude
        last = len(self._tiles) - 1
        for l, (spots, maps) in enumerate(zip(self._tiles, pg.unit_maps(self.tile), strict=True)):
            unit = pg.net.output if l == last else pg.activation
            if l > 0 and unit == "sigmoid":
                maps = 2 * maps - 1  # (0, 1) -> (-1, 1): orange below 1/2, blue above
            for (r, c), m in zip(spots, maps, strict=True):
                scale = np.abs(m).max()
                self._mosaic[r, c] = m[::-1] / scale if scale > 0 else m
        self.network_image.set_data(self._mosaic)
        W = np.concatenate([w.ravel() for w in pg.net.weights])
        width = np.clip(np.abs(W) / max(np.abs(W).max(), 1e-12), 0.04, 1.0) * 3.0
        self.weight_lines.set_linewidths(width)
        self.weight_lines.set_color(np.where(W[:, None] > 0, [[0.03, 0.47, 0.74, 0.8]],
                                         [[0.96, 0.58, 0.13, 0.8]]))  # fmt: skip
        out = pg.surface(self.resolution)
        self.output_image.set_data(np.clip(out, -1, 1) if pg.is_regression else out)
        epochs = np.arange(len(pg.train_loss))
        self.train_line.set_data(epochs, pg.train_loss)
        self.test_line.set_data(epochs, pg.test_loss)
        rms = np.array([np.sqrt(np.mean(g * g)) for g in pg.gradients()])
        rms = np.maximum(rms, 1e-12)
        for bar, h in zip(self.gradient_bars, rms, strict=True):
            bar.set_height(h)
        self._title.set_text(pg.readout())
        # axis limits move in coarse steps, so the static background is rarely redrawn
        top = max(max(pg.train_loss), max(pg.test_loss))
        top = float(np.ceil(top * 11) / 10) if np.isfinite(top) and top > 0 else 1.0
        self.ax_loss.set_xlim(0, max(16, 2 ** int(np.ceil(np.log2(max(len(epochs) - 1, 1))))))
        self.ax_loss.set_ylim(0, top)
        lo, hi = np.floor(np.log10(rms.min())), np.ceil(np.log10(rms.max()) + 1e-9)
        bottom, top = self.ax_grad.get_ylim()
        if not (bottom <= 10**lo and 10**hi <= top <= 10 ** (hi + 2)):
            self.ax_grad.set_ylim(10 ** (lo - 1), 10 ** (hi + 1))
        return self

    def _limits(self):
        return (self.ax_loss.get_xlim(), self.ax_loss.get_ylim(), self.ax_grad.get_ylim())

    def draw(self, full=False):
        """Render into the Agg canvas by blitting: the axes, ticks and labels (slow to draw)
        are cached and redrawn only when a limit changes (or ``full``); the moving artists
        every time."""
        canvas = self.fig.canvas
        if full or self._background is None or self._background_limits != self._limits():
            canvas.draw()  # everything but the animated artists
            self._background = canvas.copy_from_bbox(self.fig.bbox)
            self._background_limits = self._limits()
        else:
            canvas.restore_region(self._background)
        for artist in self._animated:
            self.fig.draw_artist(artist)
        return self

    def png(self, full=False):
        """The current frame as PNG bytes (fast zlib level); ``full`` as in draw()."""
        self.draw(full)
        rgba = np.asarray(self.fig.canvas.buffer_rgba())
        buf = io.BytesIO()
        Image.fromarray(rgba[..., :3]).save(buf, format="png", compress_level=1)
        return buf.getvalue()

    def export(self, path):
        """Save the current figure (format from the extension, e.g. .png, .pdf, .svg)."""
        for artist in self._animated:
            artist.set_animated(False)
        try:
            self.fig.savefig(path, dpi=150)
        finally:
            for artist in self._animated:
                artist.set_animated(True)
            self._background = None
        return path
