"""Lesson 8's drawing pad: MNIST's preprocessing (digit_image.py) and the pad's Python half (draw.py).

The browser half (draw.js) is driven with a real mouse in tests/browser/test_draw_in_browser.py.
"""
import math

import numpy as np
import pytest

from nnlesson import Network, train
from nnlesson.lessons.digit_image import (BOX, CENTRE, SIDE, area_weights, bounding_box,
                                          centre_of_mass, check_drawing, mnist_style)
from nnlesson.lessons.draw import ASK, NO_DIGIT, DigitPad


def canvas(side=280):
    return np.zeros((side, side))


def vertical_bar(top=40, bottom=240, left=130, right=148):
    c = canvas()
    c[top:bottom, left:right] = 1.0
    return c


def ring(centre=(150, 120), radius=80, width=18):
    rows, cols = np.mgrid[:280, :280]
    r = np.hypot(rows - centre[0], cols - centre[1])
    return (np.abs(r - radius) < width / 2).astype(float)


def ink_extent(image):
    top, bottom, left, right = bounding_box(image > 0)
    return bottom - top, right - left


# ---- the preprocessing ------------------------------------------------------------------------

@pytest.mark.parametrize("drawing", [vertical_bar(), ring(), vertical_bar(10, 60, 5, 200)],
                         ids=["bar", "ring", "wide-bar-in-a-corner"])
def test_mnist_style_fits_the_long_side_to_20_and_centres_the_mass(drawing):
    seen = mnist_style(drawing)
    assert seen.shape == (SIDE, SIDE)
    assert seen.min() >= 0 and seen.max() <= 1
    assert max(ink_extent(seen)) == BOX
    r, c = centre_of_mass(seen)
    # whole-pixel moves: at most half a pixel from (14, 14), ties (a symmetric shape) either way
    assert abs(r - CENTRE) <= 0.5 + 1e-9 and abs(c - CENTRE) <= 0.5 + 1e-9, (r, c)


@pytest.mark.parametrize("h, w", [(200, 100), (60, 180), (150, 150), (33, 7)])
def test_mnist_style_keeps_the_aspect(h, w):
    """A filled h x w rectangle becomes one whose long side is 20: area averaging keeps the ink's
    area, so the ink per row (or column) is exactly the scaled short side."""
    c = canvas()
    c[20:20 + h, 30:30 + w] = 1.0
    seen = mnist_style(c)
    scale = max(h, w) / BOX
    assert seen.sum() == pytest.approx(h * w / scale**2)
    widths, heights = seen.sum(axis=1), seen.sum(axis=0)
    assert widths.max() == pytest.approx(w / scale) and heights.max() == pytest.approx(h / scale)


def test_a_thin_vertical_bar_becomes_a_centred_vertical_bar():
    seen = mnist_style(vertical_bar(left=130, right=134))  # 200 x 4: 20 x 0.4 after scaling
    rows, cols = np.flatnonzero(seen.any(axis=1)), np.flatnonzero(seen.any(axis=0))
    assert rows.size == BOX and cols.size <= 2
    assert set(cols) <= {CENTRE - 1, CENTRE}  # the centre of mass lands in column 14 +- 0.5
    # anti-aliased: a bar narrower than a pixel is grey, of its width's share of each pixel
    assert seen.sum(axis=1)[rows] == pytest.approx(np.full(BOX, 4 / 10))


def test_area_weights_share_each_input_pixel_fully():
    """Every input pixel inside the box gives all of itself away: columns sum to 1/scale."""
    w = area_weights(7, 7 / 3, 5, 1.0)
    assert w.shape == (5, 7)
    assert w.sum(axis=0) == pytest.approx(np.full(7, 3 / 7))
    assert w.sum(axis=1) == pytest.approx([0, 1, 1, 1, 0])  # 3 covered pixels, centred


def test_an_empty_drawing_has_nothing_to_read():
    assert mnist_style(canvas()) is None
    assert mnist_style(np.zeros((1, 1))) is None


@pytest.mark.parametrize("bad, says", [
    (np.zeros(784), "reshape(28, 28)"),
    (np.zeros((2, 3, 4)), "2-D"),
    (np.zeros((0, 5)), "shape (0, 5)"),
    (np.full((5, 5), np.nan), "NaN"),
    (np.full((5, 5), 255.0), "divide 0..255 pixels by 255"),
    (-np.ones((5, 5)), "[0, 1]"),
    ("a digit", "2-D array"),
])
def test_bad_drawings_get_one_clear_value_error(bad, says):
    with pytest.raises(ValueError, match="^.*$") as e:
        check_drawing(bad)
    assert says in str(e.value) and "\n" not in str(e.value)


@pytest.fixture(scope="module")
def reader(mnist):
    """Lesson 8's recipe (cross-entropy, softmax, scaled start) on 20,000 images, 3 epochs."""
    net = Network(cost="cross-entropy", output="softmax", init="scaled", seed=0)
    train(net, mnist.subset(n_train=20_000), epochs=3, batch_size=20, lr=0.5)
    return net


def test_real_mnist_digits_drawn_large_are_read_as_well_as_the_originals(mnist, reader):
    """MNIST test digits, drawn ten times larger (as on the 280 px canvas) and prepared again,
    are read about as well as the originals: the preprocessing is MNIST's own.

    Tolerance: on n images at accuracy p, one accuracy has a standard error sqrt(p (1 - p) / n);
    two independent ones differ by sqrt(2) times that. Three of those (0.3 % of honest runs fail)
    is generous, since here the images are the same ones and can only differ through resampling.
    A wrong preprocessing (transposed, off-centre, wrong scale) loses tens of points.
    """
    n = 2000
    X, y = mnist.X_test[:, :n], mnist.y_test[:n]
    large = [np.kron(X[:, i].reshape(SIDE, SIDE), np.ones((10, 10))) for i in range(n)]
    again = np.stack([mnist_style(image).ravel() for image in large], axis=1)
    before = np.mean(reader.predict(X) == y)
    after = np.mean(reader.predict(again) == y)
    tolerance = 3 * math.sqrt(2 * before * (1 - before) / n)
    assert before > 0.85, f"the reader is not trained ({before:.1%})"
    assert after >= before - tolerance, f"{after:.2%} after, {before:.2%} before ({tolerance:.2%})"


# ---- the pad's Python half --------------------------------------------------------------------

def test_a_trained_network_reads_a_clean_vertical_stroke_as_1(reader):
    pad = DigitPad(reader)
    assert pad.read(vertical_bar()) == 1
    assert pad.digit == 1 and "reads a 1" in pad.message


def test_reading_a_drawing_sets_the_preview_the_outputs_and_the_digit():
    net = Network(cost="cross-entropy", output="softmax", seed=3)
    pad = DigitPad(net)
    assert pad.preview == [] and pad.outputs == [] and pad.digit == NO_DIGIT
    assert pad.message == ASK and pad.image is None
    digit = pad.read(ring())
    seen = mnist_style(ring())
    assert len(pad.preview) == SIDE * SIDE and max(pad.preview) <= 255
    assert np.abs(pad.image - seen).max() <= 0.5 / 255  # stored as 0..255, rounded
    expected = net.feedforward(pad.image.reshape(-1, 1))[:, 0]  # what the preview shows
    assert len(pad.outputs) == 10 and sum(pad.outputs) == pytest.approx(1.0)
    assert digit == pad.digit == int(np.argmax(pad.outputs)) == int(np.argmax(expected))
    assert f"reads a {digit}" in pad.message


def test_clear_and_an_empty_drawing_leave_nothing_to_read():
    pad = DigitPad(Network(seed=0))
    sent = []
    pad.send = sent.append  # what would go to the browser
    pad.read(vertical_bar())
    pad.clear()
    assert (pad.preview, pad.outputs, pad.digit, pad.message) == ([], [], NO_DIGIT, ASK)
    assert sent == [{"kind": "clear"}]
    pad.read(vertical_bar())
    assert pad.read(canvas()) is None
    assert (pad.preview, pad.outputs, pad.digit, pad.message) == ([], [], NO_DIGIT, ASK)


def test_the_browsers_messages_are_read_and_numbered():
    """The browser sends its canvas as bytes (0 paper, 255 ink) with a number; a drawing that
    arrives broken says so in the pad instead of raising in a callback."""
    pad = DigitPad(Network(seed=0))
    pixels = (vertical_bar()[::2, ::2] * 255).astype(np.uint8)  # as draw.js averages 2 x 2
    pad._on_browser_message(pad, {"kind": "drawing", "seq": 4, "side": 140}, [pixels.tobytes()])
    assert pad.seq == 4 and len(pad.preview) == SIDE * SIDE and pad.digit != NO_DIGIT
    pad._on_browser_message(pad, {"kind": "drawing", "seq": 5, "side": 140}, [b"\0" * 19600])
    assert pad.seq == 5 and pad.preview == [] and pad.message == ASK
    pad._on_browser_message(pad, {"kind": "drawing", "seq": 6, "side": 140}, [b"\0" * 10])
    assert pad.seq == 6 and pad.preview == [] and "10 pixels, not 140 x 140" in pad.message


def test_bad_input_to_the_pad_gets_one_value_error():
    pad = DigitPad(Network(seed=0))
    with pytest.raises(ValueError, match="NaN"):
        pad.read(np.full((28, 28), np.nan))
    with pytest.raises(ValueError, match=r"reshape\(28, 28\)"):
        pad.read(np.zeros(784))
    with pytest.raises(ValueError, match="784 inputs and 10 outputs"):
        DigitPad(Network((784, 30, 2)))
    with pytest.raises(ValueError, match="needs a Network"):
        DigitPad("net")
