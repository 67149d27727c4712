"""Lesson 2: the one-neuron widget and the activations picture."""
import math
import warnings

import numpy as np
import pytest

from nnlesson import Network
from nnlesson.lessons.neuron import describe_neuron, draw_activations, neuron_view
from nnlesson.lessons.plots import close


def _curve(fig):
    """The x and y data of the neuron's own curve (the second line; the first is sigma(x))."""
    line = fig.axes[0].lines[1]
    return np.asarray(line.get_xdata()), np.asarray(line.get_ydata())


@pytest.mark.parametrize("w, b", [(1, 0), (2.5, -3), (-4, 1), (0, 2)])
def test_the_drawn_curve_is_sigma_of_w_x_plus_b(w, b):
    fig, _ = neuron_view(w, b)
    x, a = _curve(fig)
    assert np.allclose(a, 1 / (1 + np.exp(-(w * x + b))))
    close(fig)


def test_the_curve_crosses_one_half_at_minus_b_over_w():
    fig, message = neuron_view(2, -3)
    x, a = _curve(fig)
    crossing = np.interp(0.5, a, x)  # a increases with x when w > 0
    assert crossing == pytest.approx(1.5, abs=1e-3)
    assert "x = &minus;b/w = 1.5" in message and "switches on" in message
    close(fig)


def test_a_negative_weight_switches_off():
    assert "switches off" in describe_neuron(-1, 0)


def test_zero_weight_ignores_the_input():
    message = describe_neuron(0, 1)
    assert "ignores its input" in message and f"{1 / (1 + math.exp(-1)):.3f}" in message


def test_a_far_switch_is_said_to_be_off_the_plot():
    assert "off the plot" in describe_neuron(0.1, 5)  # -b/w = -50


@pytest.mark.parametrize("w, b", [(1e300, 0.0), (-1e300, 5.0), (1e-300, 1.0), (50, 1e6)])
def test_extreme_values_draw_without_warnings_or_nan(w, b):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig, message = neuron_view(w, b)
    x, a = _curve(fig)
    assert np.all(np.isfinite(a)) and np.all((a >= 0) & (a <= 1))
    assert "nan" not in message
    close(fig)


@pytest.mark.parametrize("w, b, words", [(math.nan, 0, "w = nan"), (1, math.inf, "b = inf"),
                                         ("2", 0, "must be a number"), (None, 0, "must be a number")])
def test_unusable_values_give_a_message(w, b, words):
    fig, message = neuron_view(w, b)
    assert fig is None and words in message


def test_activation_bars_show_the_networks_activations():
    net = Network((784, 32, 16, 10), seed=1)
    x = np.linspace(0, 1, 784).reshape(-1, 1)
    a = net.activations(x)
    fig = draw_activations(x, a, label=3)
    image, *bar_axes = fig.axes
    assert image.images[0].get_array().shape == (28, 28)
    for l, ax in enumerate(bar_axes, start=1):
        heights = [patch.get_height() for patch in ax.patches]
        assert np.allclose(heights, a[l].ravel())
    # the network's answer stands out
    colours = [tuple(p.get_facecolor()) for p in bar_axes[-1].patches]
    answer = int(np.argmax(a[-1]))
    assert sum(c == colours[answer] for c in colours) == 1
    close(fig)
