"""Lesson 1: parameter counts and the drawing of a network."""
import math

import numpy as np
import pytest
from matplotlib.collections import LineCollection
from matplotlib.patches import Circle

from nnlesson import Network
from nnlesson.checks import sizes_problem
from nnlesson.lessons.architecture import (architecture_view, count_parameters,
                                   draw_network, shown_neurons)
from nnlesson.lessons.plots import close


def test_the_papers_networks():
    assert count_parameters((784, 32, 16, 10)) == 25_818
    # the course's reading of the paper's "over 13000 parameters": the 784-16-16-10 network
    assert count_parameters((784, 16, 16, 10)) == 13_002


@pytest.mark.parametrize("sizes", [(1, 1), (3, 4, 2), (784, 32, 16, 10), (5, 7, 7, 7, 3)])
def test_count_matches_a_real_network(sizes):
    net = Network(sizes)
    arrays = net.W[1:] + net.b[1:]
    assert count_parameters(sizes) == sum(a.size for a in arrays) == net.n_params


def test_count_matches_a_closed_form():
    # n_0 n_1 + n_1 n_2 + ... (weights) plus n_1 + ... + n_L (biases)
    rng = np.random.default_rng(1)
    for _ in range(20):
        sizes = [int(n) for n in rng.integers(1, 50, size=rng.integers(2, 7))]
        expected = sum(a * b for a, b in zip(sizes, sizes[1:])) + sum(sizes[1:])
        assert count_parameters(sizes) == expected


def test_huge_layers_are_counted_exactly():
    assert count_parameters((10**12, 10**12)) == 10**24 + 10**12


def _drawing(fig):
    ax = fig.axes[0]
    circles = [p for p in ax.patches if isinstance(p, Circle)]
    lines = sum(len(c.get_segments()) for c in ax.collections if isinstance(c, LineCollection))
    ellipses = [t for t in ax.texts if t.get_text() == "\u22ee"]
    return len(circles), lines, len(ellipses)


@pytest.mark.parametrize("sizes, max_shown", [((3, 4, 2), 10), ((784, 32, 16, 10), 10),
                                              ((784, 32, 16, 10), 8), ((1, 1), 10),
                                              ((12, 3), 4)])
def test_drawing_has_one_circle_per_shown_neuron_and_one_line_per_shown_weight(sizes, max_shown):
    fig = draw_network(sizes, max_shown)
    shown = [min(n, max_shown) for n in sizes]
    circles, lines, ellipses = _drawing(fig)
    assert circles == sum(shown)
    assert lines == sum(a * b for a, b in zip(shown, shown[1:]))
    assert ellipses == sum(n > max_shown for n in sizes)
    close(fig)


def test_shown_neurons_are_the_first_and_last():
    assert shown_neurons(3, 10) == [0, 1, 2]
    assert shown_neurons(784, 8) == [0, 1, 2, 3, 780, 781, 782, 783]


def test_view_of_good_sizes():
    fig, message = architecture_view((784, 32, 16, 10))
    assert fig is not None and "25,818 parameters" in message and "25,760 weights" in message
    close(fig)


@pytest.mark.parametrize("sizes, words", [
    ((), "at least two layers"), ((784,), "at least two layers"),
    ((784, 0, 10), "Layer 1 has 0 neurons"), ((784, -5, 10), "Layer 1 has -5 neurons"),
    ((784, math.nan, 10), "whole number"), ((784, 2.5, 10), "whole number"),
    (None, "list of whole numbers"), ("784-32", "list of whole numbers"),
])
def test_bad_sizes_give_a_message_not_an_error(sizes, words):
    fig, message = architecture_view(sizes)
    assert fig is None and words in message
    assert sizes_problem(sizes) == message
    with pytest.raises(ValueError):
        count_parameters(sizes)


def test_too_many_layers_are_counted_but_not_drawn():
    fig, message = architecture_view([3] * 30)
    assert fig is None and f"{29 * 9 + 29 * 3:,} parameters" in message


def test_even_a_tiny_sample_shows_the_first_and_last_neuron():
    assert shown_neurons(50, 1) == [0, 49]
