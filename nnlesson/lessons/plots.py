"""Small plotting helpers shared by the lessons' widgets (first used in lesson 1).

A live plot in a lesson is an ``ipywidgets.Image`` holding PNG bytes: a slider's callback draws a
new figure, turns it into PNG with :func:`figure_to_png` and puts the bytes in the Image. That
works the same in JupyterLab, in a headless nbval run and in a browser test, and it needs no
interactive matplotlib backend.

Figures are made with :func:`new_figure`, which does not register them with ``pyplot``. A slider
dragged a hundred times therefore leaves no hundred open figures behind (pyplot keeps every
figure it made until it is closed, and warns after twenty). :func:`figure_to_png` closes the
figure anyway, so it is also safe with figures that do come from ``pyplot``. A figure from
:func:`new_figure` also shows itself as a PNG when it is the last line of a notebook cell, which a
plain matplotlib Figure does not do without pyplot.

    image = ipywidgets.Image(format="png")
    fig = new_figure(5, 3)
    ax = fig.subplots()
    ax.plot([0, 1], [0, 1])
    image.value = figure_to_png(fig)
"""
from __future__ import annotations

import io

import matplotlib.figure

DPI = 80  # small enough that a slider's redraw stays quick, large enough to read the labels


class Figure(matplotlib.figure.Figure):
    """A matplotlib Figure that a notebook displays as a PNG, with or without pyplot."""

    def _repr_png_(self):
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", dpi=DPI)
        return buffer.getvalue()


def new_figure(width=6.0, height=4.0, layout="constrained"):
    """A Figure of ``width`` x ``height`` inches that pyplot does not keep alive.

    Leave it as the last line of a cell (or ``display`` it) to see it; it is freed as soon as
    nothing refers to it. ``layout="constrained"`` fits the margins to the labels, which costs
    about half of the drawing time; a slider's plot that must redraw quickly can pass
    ``layout=None`` and set its margins with ``fig.subplots_adjust``.
    """
    return Figure(figsize=(width, height), layout=layout)


def figure_to_png(fig, dpi=DPI):
    """The figure rendered as PNG bytes (for ``ipywidgets.Image.value``); the figure is closed."""
    buffer = io.BytesIO()
    try:
        fig.savefig(buffer, format="png", dpi=dpi)
    finally:
        close(fig)
    return buffer.getvalue()


def close(fig):
    """Release a figure, whether or not pyplot knows about it."""
    import matplotlib.pyplot as plt  # only to tell pyplot: a Figure made with new_figure is unknown to it
    plt.close(fig)
    fig.clear()


def show(image, message_widget, fig, message):
    """Put a view's result into its widgets: the figure's PNG in ``image``, the text beside it.

    A lesson's view function returns ``(figure or None, message)``; with ``None`` (bad input)
    the image is hidden, so the learner sees the message alone instead of a stale plot.
    The message gets ordinary text spacing: ipywidgets gives an HTML widget the line height of
    a row of sliders (28 px), which makes a message of two lines or more look double-spaced.
    """
    message_widget.value = f'<div style="line-height: 1.4;">{message}</div>'
    if fig is None:
        image.layout.visibility = "hidden"
    else:
        image.value = figure_to_png(fig)
        image.layout.visibility = "visible"


# A slider's readout and margins take about 100 px beside its track: this much room (plus its
# description) keeps the track longer than 200 px, long enough to set with the mouse.
SLIDER_ROOM_PX = 310


def wrapping(children, **layout):
    """An HBox that puts its children on more rows when the notebook is too narrow for one.

    Without it a narrow notebook (a small screen, or the file browser open) squeezes every
    child of a row: slider tracks shrink to nothing and boxes overlap.
    """
    import ipywidgets as widgets
    return widgets.HBox(children, layout=widgets.Layout(flex_flow="row wrap", **layout))


LABEL_WIDTH = "8em"  # a name beside a widget: "training images" fits


def labelled(label, widget, min_width):
    """``widget`` after its name on one row when there is room, under its name when not.

    ``widget`` is at least ``min_width`` wide (a CSS width) and takes the row's spare room.
    """
    import ipywidgets as widgets
    name = widgets.Label(label, layout=widgets.Layout(width=LABEL_WIDTH))
    at_least(widget, min_width)
    return wrapping([name, widget], align_items="center")


def at_least(widget, width):
    """``widget`` takes a row's spare room but stays ``width`` wide (a CSS width), or as wide
    as the notebook when that is narrower (then it has a row of its own: never sticks out)."""
    # 4 px: ipywidgets' margins (2 px each side) come on top of the width
    widget.layout.min_width, widget.layout.flex = f"min(100% - 4px, {width})", f"1 1 {width}"
    return widget


def roomy(slider, description_room=True):
    """Let ``slider`` grow into a row's spare width but never shrink below SLIDER_ROOM_PX.

    With ``description_room``, its description keeps its natural width and the minimum grows
    by it (one ``ch``, the width of a digit, per character, a little more than a letter).
    """
    room = f"{SLIDER_ROOM_PX}px"
    if description_room and slider.description:
        slider.style.description_width = slider.style.description_width or "initial"
        room = f"calc({room} + {len(slider.description)}ch)"
    return at_least(slider, room)


def live_view(view, sliders, css):
    """A lesson's interactive plot: its sliders, the view's message and figure, kept in step.

    ``view(*values)`` is the lesson's plain function, returning ``(figure or None, message)``;
    ``sliders`` maps a short name to each slider, in the order ``view`` takes their values. It is
    called once now and again whenever a slider moves. Every widget gets the CSS class
    ``{css}-{name}``, and the figure and message ``{css}-plot`` and ``{css}-message``, so that
    the browser tests can find them. Returns the box to display: its sliders share a row when
    there is room and wrap onto more rows when not, each keeping a track of over 200 px.
    """
    import ipywidgets as widgets  # here, so that the figure helpers above need no notebook
    plot, message = widgets.Image(format="png"), widgets.HTML()
    for name, widget in {**sliders, "plot": plot, "message": message}.items():
        widget.add_class(f"{css}-{name}")

    def update(change=None):
        show(plot, message, *view(*(slider.value for slider in sliders.values())))

    for slider in sliders.values():
        roomy(slider).observe(update, names="value")
    update()
    return widgets.VBox([wrapping(list(sliders.values())), message, plot])
