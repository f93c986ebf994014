"""Alt text for matplotlib figures, in the notebooks and on the course website.

``set_alt(fig, text)`` gives a figure its text alternative; ``alt_text(fig)`` returns it,
or composes one from the figure's titles and axis labels when none was set. ``install()``
makes every figure that IPython shows inline carry that text: next to the ``image/png``
output it adds a ``text/html`` one, ``<img alt="..." src="data:image/png;base64,...">``,
which JupyterLab and MyST-NB (the website) render in preference to the bare PNG.
``import ffnn`` calls ``install()`` inside IPython; elsewhere it is a no-op.

matplotlib is not imported here: the formatter is registered by the figure class's name,
so ``import ffnn`` stays cheap.
"""

import base64
import html
import re
import sys

_ALT_ATTRIBUTE = "_ffnn_alt_text"
_PNG_ATTRIBUTE = "_ffnn_png_for_display"  # the PNG the HTML formatter just made, used once


def _require_figure(fig):
    from matplotlib.figure import Figure

    if not isinstance(fig, Figure):
        raise ValueError(f"expected a matplotlib Figure, got {type(fig).__name__}")


def set_alt(fig, text):
    """Give ``fig`` the alt text ``text`` (a non-empty string); returns ``fig``."""
    _require_figure(fig)
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"expected a non-empty string of alt text, got {text!r}")
    setattr(fig, _ALT_ATTRIBUTE, " ".join(text.split()))
    return fig


def _plain(label):
    """A title or label as words: no mathtext dollars, backslashes or braces."""
    return " ".join(re.sub(r"[$\\{}]", "", label).split())


def _describe_axes(ax, number):
    """'<title> (x: ..., y: ...; legend: ...)' for one panel."""
    title = _plain(" ".join(ax.get_title(loc) for loc in ("left", "center", "right")))
    details = []
    for axis in ("x", "y", "z"):
        getter = getattr(ax, f"get_{axis}label", None)
        label = _plain(getter()) if getter else ""
        if label:
            details.append(f"{axis}: {label}")
    legend = ax.get_legend()
    if legend is not None:
        entries = [_plain(t.get_text()) for t in legend.get_texts()]
        if any(entries):
            details.append("legend: " + " / ".join(e for e in entries if e))
    if not details and ax.images:
        details.append("image")
    text = title or f"panel {number}"
    return f"{text} ({', '.join(details)})" if details else text


def _is_panel(ax):
    """A visible axes that shows something; a colorbar describes a panel, it is not one."""
    if not ax.get_visible() or ax.get_label() == "<colorbar>":
        return False
    drawn = ax.lines or ax.images or ax.collections or ax.patches or ax.texts
    return bool(ax.axison or drawn or ax.get_title())


def _composed_alt(fig):
    panels = [ax for ax in fig.axes if _is_panel(ax)]
    suptitle = _plain(fig.get_suptitle())
    head = f"Figure: {suptitle}." if suptitle else "Figure"
    if not panels:
        return f"{head} (no axes)" if not suptitle else head
    described = "; ".join(_describe_axes(ax, k) for k, ax in enumerate(panels, 1))
    if len(panels) == 1:
        return f"{head} {described}" if suptitle else f"Figure: {described}"
    return f"{head} {len(panels)} panels: {described}" if suptitle else (
        f"Figure with {len(panels)} panels: {described}"
    )  # fmt: skip


def alt_text(fig):
    """The alt text of ``fig``: the one set with ``set_alt``, else one composed from the
    suptitle, the axes' titles, axis labels and legends. Never empty."""
    _require_figure(fig)
    given = getattr(fig, _ALT_ATTRIBUTE, None)
    return given if given else _composed_alt(fig)


def img_tag(png, alt, width=None, height=None):
    """``<img>`` HTML for PNG bytes with an escaped ``alt``."""
    if not isinstance(png, bytes | bytearray) or not png.startswith(b"\x89PNG"):
        raise ValueError("expected the bytes of a PNG image")
    if not isinstance(alt, str) or not alt.strip():
        raise ValueError(f"expected a non-empty alt text, got {alt!r}")
    size = "".join(
        f' {name}="{int(value)}"' for name, value in (("width", width), ("height", height)) if value
    )
    data = base64.b64encode(bytes(png)).decode("ascii")
    return f'<img alt="{html.escape(alt, quote=True)}"{size} src="data:image/png;base64,{data}">'


def _as_png_bytes(result):
    """(bytes, metadata) from what an IPython image/png formatter returns."""
    metadata = {}
    if isinstance(result, tuple):
        result, metadata = result[0], dict(result[1] or {})
    if isinstance(result, str):
        result = base64.b64decode(result)
    return result, metadata


def _default_png(fig):
    from IPython.core.pylabtools import print_figure

    return print_figure(fig, fmt="png", bbox_inches="tight")


def _unwrapped(formatter):
    return getattr(formatter, "ffnn_wraps", formatter)


def _html_formatter(png_formatters):
    """The text/html formatter for figures. It makes the PNG with the image/png formatter in
    force (the inline backend's, so both outputs are the same picture) and, when that is
    ours, leaves it on the figure for it to reuse instead of rendering twice."""

    def figure_to_html(fig):
        if not fig.axes and not fig.texts and not fig.images:
            return None  # an empty figure shows nothing, as with image/png
        try:
            current = png_formatters.lookup(fig)
        except KeyError:
            current = _default_png
        result = _unwrapped(current)(fig)
        if result is None:
            return None
        if current is not _unwrapped(current):
            setattr(fig, _PNG_ATTRIBUTE, result)
        png, metadata = _as_png_bytes(result)
        return img_tag(png, alt_text(fig), metadata.get("width"), metadata.get("height"))

    figure_to_html.ffnn_alt = True
    return figure_to_html


def _png_reusing_html(png_formatter):
    def figure_to_png(fig):
        made = fig.__dict__.pop(_PNG_ATTRIBUTE, None)
        return made if made is not None else png_formatter(fig)

    figure_to_png.ffnn_wraps = png_formatter
    return figure_to_png


def _register(formatter, function):
    """By class when matplotlib is loaded (a class entry beats a by-name one), else by name."""
    figure_module = sys.modules.get("matplotlib.figure")
    if figure_module is not None:
        formatter.for_type(figure_module.Figure, function)
    else:
        formatter.for_type_by_name("matplotlib.figure", "Figure", function)


def installed(shell):
    """True when ``shell`` shows figures with our alt-text HTML."""
    try:
        current = shell.display_formatter.formatters["text/html"].lookup_by_type(
            "matplotlib.figure.Figure"
        )
    except KeyError:
        return False
    return getattr(current, "ffnn_alt", False)


def _register_formatters(shell):
    formatters = shell.display_formatter.formatters
    png = formatters["image/png"]
    try:
        current = png.lookup_by_type("matplotlib.figure.Figure")
    except KeyError:
        current = _default_png  # no inline backend yet: render as it would
    _register(png, _png_reusing_html(_unwrapped(current)))
    _register(formatters["text/html"], _html_formatter(png))


_HOOKED_SHELLS = set()  # ids of the shells whose pre_execute hook puts our formatters back


def install(shell=None):
    """Register the alt-text HTML formatter for matplotlib figures in ``shell`` (the running
    IPython by default). Returns True if installed, False outside IPython. Idempotent.

    ``%matplotlib inline`` (and a change of figure formats) resets the formatters of
    figures, so a check before each cell puts ours back."""
    if shell is None:
        if "IPython" not in sys.modules:
            return False
        from IPython import get_ipython

        shell = get_ipython()
        if shell is None:
            return False
    _register_formatters(shell)
    if id(shell) not in _HOOKED_SHELLS:

        def reinstall(*_):
            if not installed(shell):
                _register_formatters(shell)

        shell.events.register("pre_execute", reinstall)
        _HOOKED_SHELLS.add(id(shell))
    return True


_ALT_IN_HTML = re.compile(r'<img\b[^>]*\balt="([^"]*)"')


def alts_in_html(text):
    """The alt attributes of the <img> tags in an HTML string (for tests and the site)."""
    return [html.unescape(a) for a in _ALT_IN_HTML.findall(text)]
