"""The playground's figure: draws a Playground with matplotlib on its own Agg canvas (pyplot,
and with it the notebook's inline backend, is never touched) and encodes frames as PNG.

A live frame is composed, not redrawn: matplotlib draws the axes, ticks and labels once
into a cached background (an axes again only when its limits or its structure change); each
frame copies that background, lets Agg draw the few vector artists (weights, loss curves,
gradient bars) and pastes the two heat maps as pixels computed here -- the network's output
sampled by the kernels on a coarse grid, interpolated bilinearly to the screen pixels and
coloured through a lookup table -- with the data points laid over as a cached transparent
layer. ``snapshot()`` and ``export()`` render the same artists with matplotlib itself."""

import io

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox

from ..controls import encode_png
from .model import EXTENT, FEATURE_LABELS, TRAINING

# TensorFlow Playground's orange (-) / grey / blue (+); NaN (between tiles) is transparent
CMAP = LinearSegmentedColormap.from_list("pg", ["#f59322", "#e8eaeb", "#0877bd"]).with_extremes(
    bad=(0, 0, 0, 0)
)
# the colours as matplotlib paints them (256 levels, as bytes), and white for NaN
LUT = np.vstack([CMAP(np.arange(256), bytes=True)[:, :3], [255, 255, 255]]).astype(np.uint8)
NAN_INDEX = 256
# the same as opaque RGBA pixels, one uint32 each (a canvas pixel written in one go)
LUT_RGBA = np.column_stack([LUT, np.full(len(LUT), 255, np.uint8)]).view(np.uint32).ravel()


def colour_indices(values, vmin, vmax):
    """Each value's row in LUT, as matplotlib's colormap picks it (NaN -> NAN_INDEX)."""
    scaled = (np.asarray(values, dtype=float) - vmin) * (256.0 / (vmax - vmin))
    bad = np.isnan(scaled)
    if bad.any():
        scaled[bad] = 0.0
    index = np.clip(scaled, 0, 255, out=scaled).astype(np.intp)
    index[bad] = NAN_INDEX
    return index


def bilinear_weights(samples, points):
    """(i, w): each point lies between samples[i] and samples[i + 1], at the fraction w of
    the way (equally spaced samples; the ends held beyond them)."""
    n = len(samples)
    if n < 2:
        raise ValueError(f"expected at least 2 samples to interpolate between; got {n}")
    f = np.clip((points - samples[0]) / (samples[-1] - samples[0]) * (n - 1), 0, n - 1)
    i = np.minimum(f.astype(np.intp), n - 2)
    return i, f - i


def bilinear(values, rows, cols):
    """values (m, n) interpolated at the fractional (row, column) positions given as
    bilinear_weights; gathers, not a matrix product (no BLAS threads for a small image)."""
    (i, wi), (j, wj) = rows, cols
    between_rows = values[i] * (1 - wi)[:, None] + values[i + 1] * wi[:, None]
    return between_rows[:, j] * (1 - wj) + between_rows[:, j + 1] * wj


class PlaygroundView:
    """A matplotlib figure of a Playground: network with per-unit heatmaps and weights on the
    connections, the output over the plane with train/test points, loss curves, and the
    gradient size per layer. ``update()`` moves the artists to the model's state (only when
    it changed); ``png()`` composes and encodes a live frame; ``snapshot()`` renders it with
    matplotlib (title included) and ``describe()`` says in words what it shows.
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
        self._background = self._frame = self._key = self._renderer = None
        # the readout as a title: shown in snapshots and exports (the live UI has its own line)
        self._title = self.fig.suptitle("", fontsize=10, visible=False)
        self._build_output()
        self._build_loss()
        self.rebuild()

    # ------------------------------------------------------------------ artists
    def rebuild(self):
        """New artists for the network and gradient panels (their shape follows the layers),
        a full redraw at the next frame; then update()."""
        self._build_network()
        self._build_gradients()
        self._background = None
        self._key = None
        self.update()
        return self

    def _build_network(self):
        pg, ax = self.pg, self.ax_net
        ax.clear()
        # one mosaic image holding every unit's tile, connections as one collection
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
        self._in_tile = np.zeros(self._mosaic.shape, bool)
        for spots in self._tiles:
            for r, c in spots:
                self._in_tile[r, c] = True
        segments = []
        for l in range(len(sizes) - 1):
            for i in range(sizes[l]):
                for j in range(sizes[l + 1]):
                    a, b = centers[l][i], centers[l + 1][j]
                    segments.append([(a[1], a[2]), (b[0], b[2])])
        self.network_image = ax.imshow(
            self._mosaic, cmap=CMAP, vmin=-1, vmax=1, interpolation="nearest", zorder=2,
            animated=True,
        )  # fmt: skip
        self.weight_lines = LineCollection(segments, zorder=1, animated=True)
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
        self._built_for = (pg.features, pg.hidden)

    def _build_output(self):
        """The output over the plane, with the points (built once; data change in place)."""
        ax, pg = self.ax_out, self.pg
        self.output_image = ax.imshow(
            np.zeros((self.resolution, self.resolution)), cmap=CMAP, origin="lower",
            extent=(-EXTENT, EXTENT, -EXTENT, EXTENT), vmin=0, vmax=1, interpolation="bilinear",
            animated=True,
        )  # fmt: skip
        kw = {"cmap": CMAP, "vmin": 0, "vmax": 1, "s": 14, "animated": True}
        self.train_points = ax.scatter(*pg.X_train.T, c=pg.t_train[:, 0], edgecolors="white",
                                       linewidths=0.6, **kw)  # fmt: skip
        self.test_points = ax.scatter(*pg.X_test.T, c=pg.t_test[:, 0], edgecolors="black",
                                      linewidths=0.6, **kw)  # fmt: skip
        ax.set_xlim(-EXTENT, EXTENT)
        ax.set_ylim(-EXTENT, EXTENT)
        ax.set_aspect("equal")
        ax.tick_params(labelsize=7)
        ax.set_title("output (train: white rim, test: black rim)", fontsize=9)
        self._data_for = None

    def _build_loss(self):
        ax = self.ax_loss
        (self.train_line,) = ax.plot([], [], color="C0", label="train", animated=True)
        (self.test_line,) = ax.plot([], [], color="C3", label="test", animated=True)
        ax.legend(fontsize=7, loc="upper right", framealpha=1)  # opaque: see draw()
        ax.set_title("loss per epoch", fontsize=9)
        ax.tick_params(labelsize=7)

    def _build_gradients(self):
        ax = self.ax_grad
        ax.clear()
        n_layers = len(self.pg.hidden) + 1
        self.gradient_bars = ax.bar(range(1, n_layers + 1), np.ones(n_layers), color="C2")
        for bar in self.gradient_bars:
            bar.set_animated(True)
        ax.set_yscale("log")
        ax.set_ylim(1e-3, 1e1)
        ax.set_xticks(range(1, n_layers + 1))
        ax.set_xlabel("layer l", fontsize=7)
        ax.set_title("RMS of dL/dW per layer", fontsize=9)
        ax.tick_params(labelsize=7)

    # ------------------------------------------------------------------ state
    def _state(self):
        """Everything the picture depends on; update() does nothing while it is the same (the
        training settings -- learning rate, optimizer... -- change no pixel until a step)."""
        pg = self.pg
        shown = tuple((k, v) for k, v in pg.settings.items() if k not in TRAINING)
        return (
            pg.net.theta.tobytes(), id(pg.X_train), id(pg.X_test), shown, len(pg.train_loss),
            pg.train_loss[-1], pg.test_loss[-1],
        )  # fmt: skip

    def update(self):
        """Move every artist to the model's current state (new artists only when the layers
        or features changed). Cheap when nothing changed since the last call."""
        pg = self.pg
        state = self._state()
        if state == self._key:
            return self
        if self._built_for != (pg.features, pg.hidden):
            self._build_network()
            self._build_gradients()
        self._key = state
        self._frame = None  # the next png() composes a new frame
        data = (id(pg.X_train), id(pg.X_test), pg.is_regression)
        vmin = -1 if pg.is_regression else 0
        if data != self._data_for:
            for points, X, t in ((self.train_points, pg.X_train, pg.t_train),
                                 (self.test_points, pg.X_test, pg.t_test)):  # fmt: skip
                points.set_offsets(X)
                points.set_array(t[:, 0])
                points.set_clim(vmin, 1)
            self.output_image.set_clim(vmin, 1)
            self._data_for, self._points = data, None
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
        rms = np.maximum(np.nan_to_num(rms, nan=1e-12, posinf=1e12), 1e-12)
        for bar, h in zip(self.gradient_bars, rms, strict=True):
            bar.set_height(h)
        self._title.set_text(pg.readout())
        # axis limits move in coarse steps, so the background is rarely redrawn
        finite = [x for x in (*pg.train_loss, *pg.test_loss) if np.isfinite(x)]
        top = max(finite, default=1.0)
        top = float(np.ceil(top * 11) / 10) if top > 0 else 1.0
        self.ax_loss.set_xlim(0, max(16, 2 ** int(np.ceil(np.log2(max(len(epochs) - 1, 1))))))
        self.ax_loss.set_ylim(0, top)
        lo, hi = np.floor(np.log10(rms.min())), np.ceil(np.log10(rms.max()) + 1e-9)
        bottom, top = self.ax_grad.get_ylim()
        if not (bottom <= 10**lo and 10**hi <= top <= 10 ** (hi + 2)):
            self.ax_grad.set_ylim(10 ** (lo - 1), 10 ** (hi + 1))
        return self

    def describe(self):
        """The figure in words (the image's text alternative)."""
        pg = self.pg
        sizes = "-".join(str(n) for n in (len(pg.features), *pg.hidden, 1))
        inputs = ", ".join(FEATURE_LABELS[f] for f in pg.features)
        return (
            f"Playground figure. Left: the network {sizes} (inputs {inputs}; "
            f"{pg.activation} hidden units), each unit drawn as a small square of its output "
            "over the plane (blue positive, orange negative) and each weight as a line as "
            "wide as its size. Middle: the network's output over the plane with the "
            f"{len(pg.X_train)} training points (white rim) and {len(pg.X_test)} test points "
            f"(black rim) of the {pg.dataset} data set, noise {pg.noise:g}. Right: the train "
            f"and test loss per epoch ({pg.readout()}) and the RMS of dL/dW per layer."
        )

    # ------------------------------------------------------------------ live frames
    def _buffer(self):
        """The Agg canvas's pixels, (height, width, 4) uint8, writable (the renderer is made
        again only when the canvas size or dpi changed: a full draw follows then)."""
        renderer = self.fig.canvas.get_renderer()
        if renderer is not self._renderer:
            self._renderer, self._pixel_buffer = renderer, np.asarray(renderer.buffer_rgba())
        return self._pixel_buffer

    def _limits(self):
        """Per axes, what its cached background depends on besides its fixed decorations."""
        return {
            self.ax_net: self._built_for,
            self.ax_loss: (self.ax_loss.get_xlim(), self.ax_loss.get_ylim()),
            self.ax_grad: (self.ax_grad.get_ylim(), self._built_for),
        }

    def _pixels(self, bbox):
        """(row slice, column slice) of the canvas pixels whose centres lie in a display-space
        box (as Agg clips an axes' image to the axes)."""
        height, width = self._buffer().shape[:2]
        r0, r1 = round(height - bbox.y1), round(height - bbox.y0)
        c0, c1 = round(bbox.x0), round(bbox.x1)
        return slice(max(r0, 0), min(r1, height)), slice(max(c0, 0), min(c1, width))

    def _draw_background(self, full):
        """Cache the pixels of everything but the animated artists: the whole figure when
        ``full``, else only the axes whose limits or structure changed since the last time."""
        canvas = self.fig.canvas
        limits = self._limits()
        if full or self._background is None:
            canvas.draw()  # everything but the animated artists
            changed = [self.ax_net, self.ax_out, self.ax_loss, self.ax_grad]
            self._slots = self._find_slots()
        else:
            changed = [ax for ax, drawn in self._drawn.items() if limits[ax] != drawn]
            if not changed:
                return
            renderer = canvas.get_renderer()
            buf = self._buffer()
            buf[...] = self._background
            for ax in changed:  # blank the axes' slot, draw the axes again
                buf[self._slots[ax]] = 255
                ax.draw(renderer)
        self._background = self._buffer().copy()
        self._drawn = limits
        if self.ax_net in changed:
            self._network_pixels()
        if self.ax_out in changed:
            self._output_pixels()
        if self.ax_loss in changed:
            self._legend_region = self._pixels(self.ax_loss.get_legend().get_window_extent())

    def _find_slots(self):
        """Per axes drawn again alone, the canvas rows and columns it may paint: the network
        everything left of the output panel, the loss and gradient panels their half of
        the column right of it (the output panel itself is never drawn again alone)."""
        renderer = self.fig.canvas.get_renderer()
        height, width = self._buffer().shape[:2]
        out = self.ax_out.get_tightbbox(renderer)
        loss, grad = self.ax_loss.get_tightbbox(renderer), self.ax_grad.get_tightbbox(renderer)
        left, right = int(np.floor(out.x0)) - 1, int(np.ceil(out.x1)) + 1
        middle = round(height - (loss.y0 + grad.y1) / 2)  # the row between the two panels
        return {
            self.ax_net: (slice(0, height), slice(0, max(left, 0))),
            self.ax_loss: (slice(0, middle), slice(right, width)),
            self.ax_grad: (slice(middle, height), slice(right, width)),
        }

    def _pixel_centres(self, ax, rows, cols):
        """Canvas rows r and columns c of a pixel block, and the data coordinates of their
        centres in ``ax``: x per column, y per row (canvas rows run top down)."""
        height = self._buffer().shape[0]
        inverse = ax.transData.inverted()
        r = np.arange(rows.start, rows.stop)
        c = np.arange(cols.start, cols.stop)
        x = inverse.transform(np.c_[c + 0.5, np.zeros(len(c))])[:, 0]
        y = inverse.transform(np.c_[np.zeros(len(r)), height - (r + 0.5)])[:, 1]
        return r, c, x, y

    def _network_pixels(self):
        """Which mosaic cell each pixel of the network image shows (nearest neighbour)."""
        ax = self.ax_net
        R, C = self._mosaic.shape
        corners = ax.transData.transform([(-0.5, R - 0.5), (C - 0.5, -0.5)])
        rows, cols = self._pixels(Bbox([corners.min(axis=0), corners.max(axis=0)]))
        r, c, x, y = self._pixel_centres(ax, rows, cols)
        mc, mr = np.floor(x + 0.5).astype(np.intp), np.floor(y + 0.5).astype(np.intp)
        inside = (mr[:, None] >= 0) & (mr[:, None] < R) & (mc >= 0) & (mc < C)
        cell = np.clip(mr, 0, R - 1)[:, None] * C + np.clip(mc, 0, C - 1)
        shown = inside & self._in_tile.ravel()[cell]
        width = self._buffer().shape[1]
        # the canvas pixels (flat index) that show a tile, and the mosaic cell each one shows
        self._net_pixels = ((r[:, None] * width + c)[shown]).astype(np.intp)
        self._net_cells = cell[shown]

    def _output_pixels(self):
        """Bilinear weights from the output grid to the pixels of the output axes."""
        ax = self.ax_out
        rows, cols = self._pixels(ax.bbox)
        _, _, x1, x2 = self._pixel_centres(ax, rows, cols)
        samples = np.linspace(-EXTENT, EXTENT, self.resolution)  # Playground.grid's
        self._out_region = (rows, cols)
        self._out_weights = (bilinear_weights(samples, x2), bilinear_weights(samples, x1))
        self._points = None

    def _points_layer(self, buf):
        """What lies over the output image -- the data points and the axes' frame -- alone,
        as premultiplied colours and alpha on the output image's pixels."""
        rows, cols = self._out_region
        buf[rows, cols] = 0  # transparent: Agg blends the markers onto it
        for artist in (self.train_points, self.test_points, *self.ax_out.spines.values()):
            self.fig.draw_artist(artist)
        layer = buf[rows, cols].reshape(-1, 4)
        where = np.flatnonzero(layer[:, 3])
        alpha = layer[where, 3:4].astype(np.uint32)
        self._points = (where, layer[where, :3] * alpha, 255 - alpha)

    def draw(self, full=False):
        """Compose the current frame in the Agg canvas: the cached background (axes drawn
        again only when they changed, all of them if ``full``), then the moving artists."""
        self._draw_background(full)
        buf = self._buffer()
        if self._points is None:
            self._points_layer(buf)
        buf[...] = self._background
        self.fig.draw_artist(self.weight_lines)
        pixels = buf.view(np.uint32)[..., 0]  # (height, width), one RGBA pixel each
        # network tiles, nearest neighbour; between the tiles the weights show through
        cells = self._mosaic.ravel()[self._net_cells]
        pixels.reshape(-1)[self._net_pixels] = LUT_RGBA[colour_indices(cells, -1, 1)]
        # output over the plane: bilinear from the grid to the pixels, then the points
        rows, cols = self._out_region
        surface = bilinear(np.asarray(self.output_image.get_array(), float), *self._out_weights)
        heat = np.ascontiguousarray(
            LUT_RGBA[colour_indices(surface, *self.output_image.get_clim())]
        )
        where, premultiplied, rest = self._points
        flat = heat.view(np.uint8).reshape(-1, 4)
        flat[where, :3] = (premultiplied + flat[where, :3] * rest + 127) // 255
        pixels[rows, cols] = heat
        for artist in (self.train_line, self.test_line, *self.gradient_bars):
            self.fig.draw_artist(artist)
        rows, cols = self._legend_region  # the legend lies over the curves: its pixels again
        buf[rows, cols] = self._background[rows, cols]
        return self

    def png(self, full=False):
        """The current frame as PNG bytes; the same bytes again while nothing changed."""
        if full or self._frame is None:
            self.draw(full)
            self._frame = encode_png(self.pixels())
        return self._frame

    def pixels(self):
        """The canvas as an (height, width, 3) uint8 array (a view: the next frame changes it)."""
        return self._buffer()[..., :3]

    # ------------------------------------------------------------------ matplotlib renders
    def snapshot(self, path=None, dpi=100, format="png"):
        """The figure rendered by matplotlib itself, readout as title: PNG bytes (or written
        to ``path``, the format from its extension)."""
        self._title.set_visible(True)
        try:
            if path is not None:
                self.fig.savefig(path, dpi=dpi)
                return path
            buf = io.BytesIO()
            self.fig.savefig(buf, dpi=dpi, format=format)
            return buf.getvalue()
        finally:
            self._title.set_visible(False)
            self._background = self._frame = None  # the canvas now holds this render

    def export(self, path):
        """Save the current figure (format from the extension, e.g. .png, .pdf, .svg)."""
        return self.snapshot(path, dpi=150)
