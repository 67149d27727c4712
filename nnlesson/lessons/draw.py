"""Lesson 8's drawing pad: draw a digit with the mouse (or a finger), watch the network read it.

The widget is an anywidget: its browser half, ``draw.js`` beside this file, draws the canvas, the
28 x 28 preview and the bar chart of the ten outputs; this Python half does the thinking. While
the learner draws (at most ten times a second) and when a stroke ends, the browser sends the
canvas as grey levels; :meth:`DigitPad.read` prepares it as MNIST prepared its digits
(``digit_image.py``), feeds it forward and sets the traits the browser draws from: ``preview``
(what the network sees), ``outputs`` (a^L) and ``digit`` (the largest output's index).

From Python, ``pad.read(image)`` does what a drawing does and ``pad.clear()`` what Clear does,
so tests and notebooks can drive the pad without a browser.
"""
from __future__ import annotations

from pathlib import Path

import anywidget
import numpy as np
import traitlets

from .digit_image import SIDE, check_drawing, mnist_style

ASK = "Draw a digit in the box."
NO_DIGIT = -1  # the value of ``digit`` while there is nothing to read


def check_reader(net):
    """``net`` if it can read a digit (784 inputs, 10 outputs), else one ValueError."""
    sizes = getattr(net, "sizes", None)
    if sizes is None or not hasattr(net, "feedforward"):
        raise ValueError(f"DigitPad needs a Network, got {type(net).__name__}: "
                         f"DigitPad(Network(...)) after training it")
    if sizes[0] != SIDE * SIDE or sizes[-1] != 10:
        raise ValueError(f"DigitPad needs a network with {SIDE * SIDE} inputs and 10 outputs, "
                         f"got sizes {tuple(sizes)}")
    return net


def verdict(outputs, output="sigmoid"):
    """The sentence under the pad for the outputs a^L: which digit, and how strongly."""
    digit = int(np.argmax(outputs))
    if output == "softmax":  # softmax outputs add up to 1: the top one reads as a probability
        return digit, f"The network reads a {digit} (softmax output {outputs[digit]:.2f})."
    return digit, f"The network reads a {digit} (its output neuron {digit} is at {outputs[digit]:.2f})."


def drawing_from_bytes(content, buffers):
    """The grey levels the browser sent: ``content['side']`` squared bytes, 0 paper, 255 ink."""
    side = content.get("side")
    if not buffers or not isinstance(side, int) or side < 1:
        raise ValueError(f"the drawing arrived without its pixels or size (side {side!r})")
    pixels = np.frombuffer(bytes(buffers[0]), dtype=np.uint8)
    if pixels.size != side * side:
        raise ValueError(f"the drawing has {pixels.size} pixels, not {side} x {side}")
    return pixels.reshape(side, side) / 255.0


class DigitPad(anywidget.AnyWidget):
    """A canvas to draw a digit on, the 28 x 28 image ``net`` reads, and its ten outputs.

    ``DigitPad(net)`` as the last line of a cell shows it; ``net`` is a trained Network with 784
    inputs and 10 outputs. The traits below are what the browser draws; they hold no digit (an
    empty ``preview`` and ``outputs``, ``digit`` = -1) until something is drawn.
    """

    _esm = Path(__file__).with_name("draw.js")
    preview = traitlets.List(traitlets.Int()).tag(sync=True)    # 784 grey levels 0..255, rows
    outputs = traitlets.List(traitlets.Float()).tag(sync=True)  # a^L, ten numbers
    digit = traitlets.Int(NO_DIGIT).tag(sync=True)
    message = traitlets.Unicode(ASK).tag(sync=True)
    seq = traitlets.Int(0).tag(sync=True)   # the number of the browser's last message read

    def __init__(self, net, **kwargs):
        self.net = check_reader(net)
        super().__init__(**kwargs)
        self.add_class("nnl-draw")
        self.on_msg(self._on_browser_message)

    @property
    def image(self):
        """The 28 x 28 image the network read last (grey levels in [0, 1]); None when empty."""
        if not self.preview:
            return None
        return np.array(self.preview, dtype=np.float64).reshape(SIDE, SIDE) / 255.0

    def read(self, image):
        """Read a drawing (2-D grey levels in [0, 1], 1 = ink, any size) as MNIST would show it
        to the network; returns the digit read, or None for a drawing without ink."""
        seen = mnist_style(check_drawing(image))
        if seen is None:
            self._show_nothing(ASK)
            return None
        # As load_mnist gives the network its pixels: the 28 rows one after another, in [0, 1].
        outputs = self.net.feedforward(seen.reshape(-1, 1))[:, 0].astype(np.float64)
        digit, sentence = verdict(outputs, getattr(self.net, "output", "sigmoid"))
        with self.hold_sync():  # one message to the browser: picture, bars and sentence together
            self.preview = [int(v) for v in np.rint(seen.ravel() * 255)]
            self.outputs = [float(v) for v in outputs]
            self.digit, self.message = digit, sentence
        return digit

    def clear(self):
        """Empty the canvas, the preview and the bars, as the Clear button does."""
        self._show_nothing(ASK)
        self.send({"kind": "clear"})

    def _show_nothing(self, sentence):
        with self.hold_sync():
            self.preview, self.outputs = [], []
            self.digit, self.message = NO_DIGIT, sentence

    def _on_browser_message(self, _widget, content, buffers):
        """A drawing (or Clear, an empty one) from the browser. Never raises: a callback's
        exception would only reach JupyterLab's log console, so the pad says what went wrong."""
        if not isinstance(content, dict) or content.get("kind") != "drawing":
            return
        with self.hold_sync():  # the answer and the number of what it answers, together
            try:
                self.read(drawing_from_bytes(content, buffers))
            except ValueError as e:
                self._show_nothing(f"This drawing could not be read: {e}")
            if isinstance(content.get("seq"), int):
                self.seq = content["seq"]
