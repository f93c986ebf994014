"""ffnn.figures: alt text set or composed, and the IPython formatter that puts it on the
inline figure as <img alt=...> next to the PNG."""

import base64

import matplotlib.pyplot as plt  # the Agg backend (tests/conftest.py)
import pytest
from ffnn import figures


def two_panels():
    fig, (left, right) = plt.subplots(1, 2)
    left.plot([0, 1], [0, 1], label="$\\sigma(a)$")
    left.plot([0, 1], [1, 0], label="tanh")
    left.legend()
    left.set(title="activations", xlabel="a", ylabel="h(a)")
    right.set(title="derivatives")
    return fig


def test_composed_alt_names_every_panel_title_axis_labels_and_legend():
    alt = figures.alt_text(two_panels())
    assert alt == (
        "Figure with 2 panels: activations (x: a, y: h(a), legend: sigma(a) / tanh); derivatives"
    )


def test_composed_alt_starts_with_the_suptitle_and_skips_colorbars():
    fig, ax = plt.subplots()
    image = ax.imshow([[0, 1], [1, 0]])
    fig.colorbar(image, label="loss")
    fig.suptitle("loss surface")
    assert figures.alt_text(fig) == "Figure: loss surface. panel 1 (image)"


def test_empty_panels_switched_off_are_left_out():
    fig, axes = plt.subplots(1, 3)
    axes[0].imshow([[0, 1]])
    axes[0].set_title("3 → 8")
    for ax in axes:
        ax.axis("off")
    assert figures.alt_text(fig) == "Figure: 3 → 8 (image)"


def test_composed_alt_is_never_empty():
    fig, ax = plt.subplots()
    assert figures.alt_text(fig) == "Figure: panel 1"
    assert figures.alt_text(plt.figure()) == "Figure (no axes)"


def test_set_alt_wins_over_the_composed_one_and_is_normalised():
    fig = two_panels()
    assert figures.set_alt(fig, "  sigmoid and tanh,\n side by side ") is fig
    assert figures.alt_text(fig) == "sigmoid and tanh, side by side"


@pytest.mark.parametrize("bad", ["", "   ", None, 3])
def test_set_alt_rejects_empty_or_non_string_text(bad):
    with pytest.raises(ValueError, match="non-empty string"):
        figures.set_alt(two_panels(), bad)


def test_only_figures_are_accepted():
    with pytest.raises(ValueError, match="matplotlib Figure"):
        figures.alt_text("not a figure")
    with pytest.raises(ValueError, match="matplotlib Figure"):
        figures.set_alt(plt.gca(), "an Axes")


def test_img_tag_escapes_the_alt_and_embeds_the_png():
    png = b"\x89PNG\r\n\x1a\n" + b"rest"
    tag = figures.img_tag(png, 'a "quoted" <b> & more', width=300)
    assert tag.startswith('<img alt="a &quot;quoted&quot; &lt;b&gt; &amp; more" width="300" ')
    assert figures.alts_in_html(tag) == ['a "quoted" <b> & more']
    data = tag.split("base64,")[1].rstrip('">')
    assert base64.b64decode(data) == png
    with pytest.raises(ValueError, match="PNG"):
        figures.img_tag(b"GIF89a", "x")
    with pytest.raises(ValueError, match="alt"):
        figures.img_tag(png, " ")


@pytest.fixture
def shell():
    """An IPython shell with every display format on, as in a Jupyter kernel."""
    from IPython.testing.globalipapp import get_ipython, start_ipython
    from matplotlib_inline.backend_inline import select_figure_formats

    ip = start_ipython() or get_ipython()
    display = ip.display_formatter
    saved = {name: (f.enabled, dict(f.type_printers), dict(f.deferred_printers))
             for name, f in display.formatters.items()}  # fmt: skip
    active = display.active_types
    display.active_types = list(display.formatters)
    for formatter in display.formatters.values():
        formatter.enabled = True
    select_figure_formats(ip, {"png"}, bbox_inches="tight")  # the inline backend's PNG
    yield ip
    display.active_types = active
    for name, (enabled, printers, deferred) in saved.items():
        formatter = display.formatters[name]
        formatter.enabled = enabled
        formatter.type_printers.clear()
        formatter.type_printers.update(printers)
        formatter.deferred_printers.clear()
        formatter.deferred_printers.update(deferred)


def test_install_adds_an_img_with_alt_next_to_the_same_png(shell):
    fig = two_panels()
    before, _ = shell.display_formatter.format(fig)
    assert "text/html" not in before
    assert figures.install(shell) is True
    assert figures.install(shell) is True  # twice is harmless
    data, _ = shell.display_formatter.format(fig)
    assert set(data) >= {"image/png", "text/html"}
    assert figures.alts_in_html(data["text/html"]) == [figures.alt_text(fig)]
    assert f"base64,{data['image/png']}" in data["text/html"]  # one picture, rendered once
    assert data["image/png"] == before["image/png"]
    assert figures._PNG_ATTRIBUTE not in fig.__dict__  # nothing left over for the next show
    figures.set_alt(fig, "two curves crossing at a = 0.5")
    data, _ = shell.display_formatter.format(fig)
    assert figures.alts_in_html(data["text/html"]) == ["two curves crossing at a = 0.5"]


def test_the_html_follows_a_figure_that_changed(shell):
    figures.install(shell)
    fig = two_panels()
    first, _ = shell.display_formatter.format(fig)
    fig.axes[0].set_title("changed")
    second, _ = shell.display_formatter.format(fig)
    assert second["image/png"] != first["image/png"]
    assert f"base64,{second['image/png']}" in second["text/html"]
    assert "changed" in figures.alts_in_html(second["text/html"])[0]


def test_a_reset_of_the_figure_formats_is_undone_before_the_next_cell(shell):
    from matplotlib_inline.backend_inline import select_figure_formats

    figures.install(shell)
    select_figure_formats(shell, {"png"})  # what %matplotlib inline does
    assert not figures.installed(shell)
    shell.events.trigger("pre_execute")
    assert figures.installed(shell)
    data, _ = shell.display_formatter.format(two_panels())
    assert figures.alts_in_html(data["text/html"])


def test_an_empty_figure_gets_no_html(shell):
    figures.install(shell)
    data, _ = shell.display_formatter.format(plt.figure())
    assert "text/html" not in data


def test_install_outside_ipython_is_a_no_op(monkeypatch):
    import IPython

    monkeypatch.setattr(IPython, "get_ipython", lambda: None)
    assert figures.install() is False
