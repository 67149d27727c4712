"""The shared plotting helpers: PNG bytes out, nothing left open."""
import io
from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")
import matplotlib.image as mpimg  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

from nnlesson.lessons.plots import figure_to_png, new_figure, show  # noqa: E402


def test_png_bytes_have_the_figure_size():
    fig = new_figure(5, 3)
    fig.subplots().plot([0, 1], [0, 1])
    png = figure_to_png(fig, dpi=50)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    height, width = mpimg.imread(io.BytesIO(png)).shape[:2]
    assert (width, height) == (250, 150)


def test_no_figures_are_left_open():
    before = set(plt.get_fignums())
    for _ in range(30):
        figure_to_png(new_figure())
        figure_to_png(plt.figure())  # a pyplot figure is closed too
    assert set(plt.get_fignums()) == before


class FakeImage:
    def __init__(self):
        self.value, self.layout = b"", SimpleNamespace(visibility="visible")


def test_show_hides_the_image_when_there_is_no_figure():
    image, note = FakeImage(), SimpleNamespace(value="")
    show(image, note, new_figure(), "fine")
    assert image.value.startswith(b"\x89PNG") and image.layout.visibility == "visible"
    assert text(note) == "fine"
    show(image, note, None, "bad input")
    assert image.layout.visibility == "hidden" and text(note) == "bad input"


def test_a_new_figure_shows_itself_as_png_in_a_notebook():
    fig = new_figure(2, 2)
    fig.subplots().plot([0, 1])
    assert fig._repr_png_().startswith(b"\x89PNG")


def test_live_view_redraws_when_a_slider_moves():
    import ipywidgets as widgets

    from nnlesson.lessons.plots import live_view
    calls = []

    def view(w, b):
        calls.append((w, b))
        if w == 0:
            return None, "w = 0: no curve"
        fig = new_figure(2, 2)
        fig.subplots().plot([0, 1], [b, w])
        return fig, f"w = {w}"

    w, b = widgets.FloatSlider(value=1.0), widgets.FloatSlider(value=0.5)
    box = live_view(view, {"w": w, "b": b}, "nnl-test")
    _, message, plot = box.children
    first = bytes(plot.value)
    assert calls == [(1.0, 0.5)] and text(message) == "w = 1.0" and first.startswith(b"\x89PNG")
    assert "nnl-test-w" in w._dom_classes and "nnl-test-plot" in plot._dom_classes
    assert "nnl-test-message" in message._dom_classes
    w.value = 3.0
    assert calls[-1] == (3.0, 0.5) and bytes(plot.value) != first and text(message) == "w = 3.0"
    w.value = 0.0
    assert text(message) == "w = 0: no curve" and plot.layout.visibility == "hidden"


def text(message_widget):
    """The message a view returned, without the wrapper that sets its spacing."""
    import re
    return re.sub(r"^<div[^>]*>|</div>$", "", message_widget.value)


def test_a_widget_message_is_single_spaced():
    # ipywidgets gives an HTML widget's text the line height of a slider row (28 px), so a message
    # that wraps onto a second line looked double-spaced; show() sets the usual text spacing.
    import re
    import ipywidgets as widgets
    message = widgets.HTML()
    long = "A message long enough to wrap, with <b>bold</b> words. " * 4
    show(widgets.Image(format="png"), message, None, long)
    wrapper = re.fullmatch(r'<div style="([^"]*)">(.*)</div>', message.value, re.S)
    assert wrapper and wrapper.group(2) == long and "<p" not in message.value
    height = re.search(r"line-height:\s*([0-9.]+)\s*;", wrapper.group(1))
    assert height and 1.0 <= float(height.group(1)) <= 1.5   # a unitless multiple of the font
