"""What every notebook widget is built from: control specifications, a figure that stays alive,
results computed once, and the switch to a static picture.

A widget (``Widget``) is a *view* -- an object with a matplotlib ``figure``, a list of its
``dynamic`` artists and ``update(**settings)`` that changes those artists in place -- plus the
controls that choose the settings. A control change updates the artists, redraws only them
over a cached picture of the rest (``LiveFigure``, blitting) and sends the frame as PNG bytes
to an ``ipywidgets.Image``. No figure is re-created, nothing goes through pyplot.

Expensive results (a training run, the activations of a deep net) are kept by setting in a
``Results`` store; in a JupyterLab session the settings next to the current one are computed
ahead, one at a time, in a background thread.

With the environment variable FFNN_STATIC_WIDGETS=1 (the course website), a widget shows a
picture of its figure at its initial settings with alt text and a note, and no ipywidgets
model is created: ``static_mode()`` is that switch.
"""

import base64
import html
import io
import os
import struct
import threading
import time
import zlib

import numpy as np

STATIC_VARIABLE = "FFNN_STATIC_WIDGETS"
PREFETCH_VARIABLE = "FFNN_WIDGET_PREFETCH"
STATIC_NOTE = "Interactive widget: run this notebook in JupyterLab to use the controls."
DPI = 80  # the live picture: small enough to draw and encode in a few milliseconds
STATIC_DPI = 100
LABEL_STYLE = {"description_width": "initial"}  # the whole label stays visible


def _flag(name, environ):
    return environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def static_mode(environ=None):
    """True when FFNN_STATIC_WIDGETS is set (1/true/yes): widgets show a static picture."""
    return _flag(STATIC_VARIABLE, os.environ if environ is None else environ)


def prefetch_enabled(environ=None):
    """Whether widgets compute neighbouring settings ahead in a background thread.

    FFNN_WIDGET_PREFETCH=1/0 decides; unset, only in a kernel that jupyter_server started
    for a notebook session (JPY_SESSION_NAME is set): a headless run (nbclient, the site
    build) has nobody moving the controls, and the extra work would only slow it down.
    """
    environ = os.environ if environ is None else environ
    if environ.get(PREFETCH_VARIABLE, "").strip():
        return _flag(PREFETCH_VARIABLE, environ)
    return bool(environ.get("JPY_SESSION_NAME"))


# ---------------------------------------------------------------- control specifications


SLIDERS = {"FloatSlider": "Slider", "FloatLogSlider": "Slider", "IntSlider": "IntSlider"}


class Control:
    """An ipywidgets control to be: its class name, start value, visible label and options.

    The ipywidgets object is made by ``build()`` only when the widget goes live, so a static
    widget creates no widget model at all.
    """

    def __init__(self, kind, value, description, **options):
        if not isinstance(description, str) or not description.strip():
            raise ValueError(f"a control needs a visible label, got {description!r}")
        self.kind, self.value, self.description, self.options = kind, value, description, options

    def build(self):
        """The live widget. Sliders are ffnn.widgets.slider's labelled range inputs (ipywidgets'
        own slider handles cannot be given an accessible name)."""
        if self.kind in SLIDERS:
            from . import slider

            return getattr(slider, SLIDERS[self.kind])(
                value=self.value, description=self.description, **self.options
            )
        import ipywidgets as W

        return getattr(W, self.kind)(
            value=self.value, description=self.description, style=LABEL_STYLE, **self.options
        )

    def __repr__(self):
        return f"Control({self.kind}, {self.description!r}, value={self.value!r})"


def slider(description, value, lo, hi, step, integer=False, continuous=True):
    """A FloatSlider (IntSlider with integer=True) over [lo, hi]."""
    kind = "IntSlider" if integer else "FloatSlider"
    return Control(kind, value, description, min=lo, max=hi, step=step,
                   continuous_update=continuous)  # fmt: skip


def log_slider(value, lo, hi, description, step=0.05):
    """A slider over [lo, hi] on a log10 scale, in steps of 10^step."""
    return Control("FloatLogSlider", value, description, base=10, min=float(np.log10(lo)),
                   max=float(np.log10(hi)), step=step, continuous_update=True)  # fmt: skip


def log_grid(lo, hi, step):
    """The values a log_slider(…, lo, hi, …, step) can take, smallest first."""
    n = int(round((np.log10(hi) - np.log10(lo)) / step))
    return [float(10 ** (np.log10(lo) + k * step)) for k in range(n + 1)]


def snap(value, grid, rtol=1e-6):
    """The value of ``grid`` equal to ``value`` up to rounding (the browser computes a log
    slider's value as 10**x itself), else ``value``: a key that finds stored results."""
    for g in grid:
        if abs(value - g) <= rtol * abs(g):
            return g
    return value


def dropdown(description, options, value):
    return Control("Dropdown", value, description, options=list(options))


def int_box(description, value, lo, hi):
    """A box for a whole number in [lo, hi] (arrow keys step it)."""
    return Control("BoundedIntText", value, description, min=lo, max=hi)


# ---------------------------------------------------------------- the live figure


def new_figure(figsize, dpi=DPI):
    """A matplotlib Figure on its own Agg canvas (pyplot and the inline backend never see it)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, dpi=dpi)
    FigureCanvasAgg(fig)
    return fig


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def encode_png(rgb, level=1):
    """PNG bytes of an (h, w, 3) uint8 image, for every live frame (the lecture widgets' and
    the playground's): no row filter and zlib level 1, since a frame is sent, not stored, and
    plots of flat colours compress well without a filter (1.7x faster than Pillow's
    encoder on a lecture widget's frame, 18% larger)."""
    rgb = np.asarray(rgb)
    if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
        raise ValueError(f"expected an (h, w, 3) uint8 image; got {rgb.dtype} {rgb.shape}")
    h, w, _ = rgb.shape
    rows = np.empty((h, 1 + 3 * w), np.uint8)
    rows[:, 0] = 0  # filter type 0 (None) on every row
    rows[:, 1:] = rgb.reshape(h, 3 * w)

    def chunk(kind, data):
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    header = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)  # 8 bits, RGB
    return (
        PNG_SIGNATURE
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows.tobytes(), level))
        + chunk(b"IEND", b"")
    )


class LiveFigure:
    """A figure drawn once, then redrawn only in its dynamic artists (blitting).

    ``animate(*artists)`` marks the artists that change (Line2D, Text, an Axis whose limits
    move -- ``ax.yaxis`` --, or a whole Axes). ``png(key)`` restores the cached background,
    draws those artists on it and encodes the frame. The background is drawn again when an
    axes limit changes or ``key`` (what the view says its static part depends on) differs
    from last time.
    """

    def __init__(self, figure):
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        if not isinstance(figure.canvas, FigureCanvasAgg):
            FigureCanvasAgg(figure)
        self.figure = figure
        self.dynamic = []
        self.background = None
        self.state = None
        self.full_draws = 0  # how often the whole figure was drawn (the slow path)
        self.seconds = {}  # the last frame's drawing and encoding times

    def animate(self, *artists):
        for artist in artists:
            artist.set_animated(True)
            self.dynamic.append(artist)

    def _state(self, key):
        """What the background shows: ``key`` and the limits of each axis it contains."""
        limits = []
        for ax in self.figure.axes:
            if not ax.get_animated():
                x = None if ax.xaxis.get_animated() else tuple(ax.get_xlim())
                limits.append((x, None if ax.yaxis.get_animated() else tuple(ax.get_ylim())))
        return key, limits

    def png(self, key=None, dynamic=None):
        """The frame as PNG bytes; ``dynamic``: the view's current dynamic artists."""
        if dynamic is not None:
            self.dynamic = []
            self.animate(*dynamic)
        start = time.perf_counter()
        canvas = self.figure.canvas
        state = self._state(key)
        if self.background is None or state != self.state:
            canvas.draw()  # everything but the dynamic artists
            self.background = canvas.copy_from_bbox(self.figure.bbox)
            self.state = state
            self.full_draws += 1
        else:
            canvas.restore_region(self.background)
        for artist in self.dynamic:
            if artist.get_visible():
                self.figure.draw_artist(artist)
        drawn = time.perf_counter()
        png = encode_png(np.asarray(canvas.buffer_rgba())[:, :, :3])
        self.seconds = {"draw": drawn - start, "encode": time.perf_counter() - drawn}
        return png


def log_ticks(lo, hi, most=7):
    """At most ``most`` tick values in [lo, hi] for a log axis: every k-th power of ten on a
    wide range, 1-2-5 or 1...9 times a power of ten on a narrow one."""
    if not (0 < lo < hi and np.isfinite(hi)):
        raise ValueError(f"expected 0 < lo < hi, got {lo!r}, {hi!r}")
    first, last = int(np.floor(np.log10(lo))), int(np.ceil(np.log10(hi)))
    for subs in ((1,), (1, 2, 5), tuple(range(1, 10))):
        ticks = [m * 10.0**e for e in range(first, last + 1) for m in subs]
        ticks = [t for t in ticks if lo <= t <= hi]
        if len(ticks) >= 3 or subs[-1] == 9:
            break
    stride = -(-len(ticks) // most)
    return ticks[::-1][::stride][::-1]  # the top tick is always one


def set_log_limits(ax, lo, hi):
    """y limits of a log axes with plain-text labels (1e-05 ... 0.1, 1, 10) at log_ticks:
    mathtext labels (10^k) are parsed anew for each new decade, which costs more than drawing
    the frame, and the default locator leaves a narrow range unlabelled."""
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

    ax.set_ylim(lo, hi)
    ax.yaxis.set_major_locator(FixedLocator(log_ticks(lo, hi)))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    ax.yaxis.set_minor_locator(NullLocator())


_IMAGE_CLASS = []


def alt_image(**kwargs):
    """An ipywidgets.Image whose ``tooltip`` becomes the <img>'s title, its text alternative.

    ipywidgets 8's front-end reads the tooltip only with the model's ``description`` (which
    Image lacks: a tooltip alone breaks the view), so this Image carries an empty one.
    """
    if not _IMAGE_CLASS:
        import ipywidgets as W
        from traitlets import Unicode

        class AltImage(W.Image):
            description = Unicode("", help="empty: lets the tooltip reach the <img>").tag(sync=True)

        _IMAGE_CLASS.append(AltImage)
    return _IMAGE_CLASS[0](**kwargs)


def figure_png(figure, dpi=STATIC_DPI):
    """The whole figure as PNG bytes (every artist; for the static picture)."""
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=dpi, bbox_inches="tight")
    return out.getvalue()


def describe(figure, summary):
    """Alt text: the widget's one-line summary, then ffnn.figures' account of the figure."""
    from ffnn.figures import alt_text

    return f"{summary}. {alt_text(figure)}"


def img_html(png, alt):
    data = base64.b64encode(png).decode("ascii")
    return f'<img alt="{html.escape(alt, quote=True)}" src="data:image/png;base64,{data}">'


def preformatted(text):
    """``text`` as an HTML <pre> block, escaped ("" for None)."""
    return "" if text is None else f"<pre>{html.escape(text)}</pre>"


# ---------------------------------------------------------------- results computed once


class Results:
    """``compute(key)`` kept by key: each setting is computed once.

    ``get(key)`` returns the stored result or computes it (waiting for the background
    thread if that one is busy with the same key). ``ahead(keys)`` replaces the list of
    keys to compute in the background, in the order given (nearest settings first); one
    thread computes them one at a time, each when no ``get`` came for QUIET seconds. A lock
    serialises the computations of one store: a widget never trains two settings at once.
    """

    QUIET = 0.3  # seconds after the last get() before the background starts a computation

    def __init__(self, compute, limit=512):
        self.compute, self.limit = compute, limit
        self.last_get = 0.0
        self.results = {}
        self.pending = []
        self.running = set()
        self.computed = 0  # how many results were computed, in either thread
        self.condition = threading.Condition()
        self.busy = threading.Lock()
        self.worker = None

    def __contains__(self, key):
        return key in self.results

    def _run(self, key):
        """compute(key), stored; if it raises, whoever waits for the key is let go."""
        try:
            with self.busy:
                value = self.compute(key)
        except BaseException:
            with self.condition:
                self.running.discard(key)
                self.condition.notify_all()
            raise
        with self.condition:
            self.results[key] = value
            self.computed += 1
            while len(self.results) > self.limit:
                self.results.pop(next(iter(self.results)))
            self.running.discard(key)
            self.condition.notify_all()
        return value

    def get(self, key):
        self.last_get = time.monotonic()
        with self.condition:
            while key in self.running:
                self.condition.wait()
            if key in self.results:
                return self.results[key]
            if key in self.pending:
                self.pending.remove(key)
            self.running.add(key)
        return self._run(key)

    def ahead(self, keys):
        with self.condition:
            self.pending = [k for k in dict.fromkeys(keys) if k not in self.results]
            if self.pending and self.worker is None:
                self.worker = threading.Thread(target=self._work, daemon=True,
                                               name="ffnn-widget-results")  # fmt: skip
                self.worker.start()

    def _work(self):
        while True:
            # while the controls move, leave the interpreter to the widget: a computation
            # holds the GIL for a kernel call at a time, which a key press would wait for
            while (wait := self.last_get + self.QUIET - time.monotonic()) > 0:
                time.sleep(wait)
            with self.condition:
                while self.pending and (
                    self.pending[0] in self.results or self.pending[0] in self.running
                ):
                    self.pending.pop(0)
                if not self.pending:
                    self.worker = None
                    return
                key = self.pending.pop(0)
                self.running.add(key)
            try:
                self._run(key)
            except Exception:  # the widget computes it again on demand and shows the error
                pass

    def wait(self, timeout=None):
        """Block until the background thread has nothing left to do (for tests)."""
        worker = self.worker
        if worker is not None:
            worker.join(timeout)


def nearest_first(values, current):
    """``values`` ordered by their distance (in positions) from ``current``, current left out."""
    values = list(values)
    i = int(np.argmin([abs(np.log(v / current)) if v > 0 and current > 0 else abs(v - current)
                       for v in values]))  # fmt: skip
    order = []
    for d in range(1, len(values)):
        for j in (i + d, i - d):
            if 0 <= j < len(values):
                order.append(values[j])
    return order


# ---------------------------------------------------------------- the widget


class Widget:
    """A view and its controls: live in JupyterLab, a static picture in static mode.

    view: ``figure``, ``dynamic`` (artists to redraw), ``update(**settings)`` returning
    text to show under the figure (or None), optional ``background_key(**settings)`` and
    ``look_ahead(**settings)`` (start computing neighbouring settings).
    controls: {setting name: Control}, in reading (and Tab) order.
    summary: one sentence saying what the figure shows (the start of its alt text).
    link: called with the built {name: ipywidgets control} before the widget observes
    them, to tie controls together (enable, follow, set ranges).
    """

    def __init__(self, view, controls, summary, link=None):
        self.view, self.summary = view, summary
        self.specs = dict(controls)
        self.settings = {name: spec.value for name, spec in self.specs.items()}
        self.static = static_mode()
        self.updates = 0
        self.seconds = {}  # the last change: update (compute), draw, encode, total
        if self.static:
            self.text = view.update(**self.settings)
            view.figure.tight_layout()
            self.alt = describe(view.figure, summary)
            return
        import ipywidgets as W

        self.controls = {name: spec.build() for name, spec in self.specs.items()}
        if link is not None:
            link(self.controls)
        self.settings = {name: c.value for name, c in self.controls.items()}
        self.live = LiveFigure(view.figure)
        self.text = view.update(**self.settings)
        view.figure.tight_layout()
        self.image = alt_image(format="png", layout=W.Layout(max_width="100%", height="auto"))
        self.output = W.HTML()
        self.box = W.VBox([*self.controls.values(), self.image, self.output])
        self.box.add_class("ffnn-widget")
        self._show()
        for control in self.controls.values():
            control.observe(self._changed, names="value")

    # -- live
    def _show(self):
        key = getattr(self.view, "background_key", None)
        png = self.live.png(key(**self.settings) if key else None, self.view.dynamic)
        self.alt = describe(self.view.figure, self.summary)
        with self.image.hold_sync():
            self.image.value = png
            self.image.tooltip = self.alt
        self.output.value = preformatted(self.text)

    def _changed(self, _change):
        settings = {name: c.value for name, c in self.controls.items()}
        if settings == self.settings:
            return
        self.settings = settings
        start = time.perf_counter()
        try:
            self.text = self.view.update(**settings)
        except Exception as error:
            self.output.value = preformatted(f"error: {error!r}")
            raise
        updated = time.perf_counter()
        self.updates += 1
        self._show()
        self.seconds = {"update": updated - start, **self.live.seconds,
                        "total": time.perf_counter() - start}  # fmt: skip
        self._look_ahead()

    def _look_ahead(self):
        ahead = getattr(self.view, "look_ahead", None)
        if ahead is not None and prefetch_enabled():
            ahead(**self.settings)

    def set(self, **settings):
        """Move controls as a user would (each change updates the figure)."""
        for name, value in settings.items():
            self.controls[name].value = value
        return self

    # -- display
    def static_html(self):
        png = figure_png(self.view.figure)
        text = preformatted(self.text)
        note = f"<p><em>{html.escape(STATIC_NOTE)}</em></p>"
        return f'<div class="ffnn-static-widget">{img_html(png, self.alt)}{text}{note}</div>'

    def mimebundle(self):
        """What a static widget displays: the picture with alt text, its text and the note."""
        return {"text/html": self.static_html(), "text/plain": STATIC_NOTE}

    def _ipython_display_(self):
        from IPython.display import display

        if self.static:
            display(self.mimebundle(), raw=True)
        else:
            self._look_ahead()
            display(self.box)

    def __repr__(self):
        mode = "static" if self.static else "live"
        return f"<{type(self.view).__name__} widget ({mode}): {self.settings}>"
