"""The shape of a network: its layers, and how many weights and biases it has (lesson 1).

A network is described by its layer sizes ``sizes = (n_0, n_1, ..., n_L)``: n_0 inputs, then
the hidden layers, then n_L outputs. Between layer l-1 and layer l there is one weight
w^l_(j,k) for every pair (neuron k of layer l-1, neuron j of layer l), so n_l * n_(l-1) weights,
and one bias b^l_j for every neuron j of layer l, so n_l biases. The input layer has no biases:
its activations are the input itself.
"""
from __future__ import annotations

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.patches import Circle

from ..checks import sizes_problem
from .plots import new_figure

MAX_SHOWN = 10  # a layer with more neurons is drawn as its first and last few, with an ellipsis
MAX_DRAWN_LAYERS = 12  # a wider picture would be too small to read on a laptop screen


def parameter_counts(sizes):
    """For each layer l = 1..L: ``(l, weights, biases)`` = ``(l, n_l * n_(l-1), n_l)``."""
    problem = sizes_problem(sizes)
    if problem:
        raise ValueError(problem)
    sizes = [int(n) for n in sizes]
    return [(l, sizes[l] * sizes[l - 1], sizes[l]) for l in range(1, len(sizes))]


def count_parameters(sizes):
    """How many weights and biases a network of these layer sizes has (784-32-16-10: 25,818)."""
    return sum(weights + biases for _, weights, biases in parameter_counts(sizes))


def shown_neurons(n, max_shown=MAX_SHOWN):
    """Which neurons j of an n-neuron layer are drawn: all of them, or the first and last few."""
    if n <= max_shown:
        return list(range(n))
    half = max(1, max_shown // 2)
    return list(range(half)) + list(range(n - half, n))


def _positions(n, max_shown):
    """Heights of the drawn neurons, top to bottom, leaving a gap for the ellipsis if needed."""
    shown = shown_neurons(n, max_shown)
    slots = len(shown) + (1 if len(shown) < n else 0)
    heights = np.linspace(1, -1, slots) * (slots - 1) / max(max_shown, 2)  # same spacing in every layer
    if len(shown) < n:
        half = len(shown) // 2
        heights = np.concatenate([heights[:half], heights[half + 1:]])
    return shown, heights


def draw_network(sizes, max_shown=MAX_SHOWN):
    """A figure of the network: neurons as circles, weights as lines, big layers sampled.

    Layer l is drawn as a column; a layer of more than ``max_shown`` neurons shows its first and
    last ``max_shown // 2`` neurons with a vertical ellipsis between them, and every weight
    between two drawn neurons is a line.
    """
    problem = sizes_problem(sizes)
    if problem:
        raise ValueError(problem)
    sizes = [int(n) for n in sizes]
    L = len(sizes) - 1
    fig = new_figure(1.6 * (L + 1) + 1, 4.2)
    ax = fig.subplots()
    radius = 0.07
    layers = [_positions(n, max_shown) for n in sizes]
    segments = []
    for l in range(1, L + 1):
        for y_prev in layers[l - 1][1]:
            for y in layers[l][1]:
                segments.append([(l - 1, y_prev), (l, y)])
    ax.add_collection(LineCollection(segments, colors="0.55", linewidths=0.5, zorder=1))
    for l, (shown, heights) in enumerate(layers):
        colour = "#9ecae1" if l == 0 else ("#fdae6b" if l == L else "#a1d99b")
        for j, y in zip(shown, heights):
            ax.add_patch(Circle((l, y), radius, facecolor=colour, edgecolor="black", zorder=2))
            ax.text(l + 1.6 * radius, y, f"{j}", fontsize=7, va="center", color="0.3")
        if len(shown) < sizes[l]:
            ax.text(l, 0, "\u22ee", fontsize=16, ha="center", va="center")
        role = "input" if l == 0 else ("output" if l == L else "hidden")
        ax.text(l, -1.25, f"layer {l}\n{role}\n$n_{{{l}}}$ = {sizes[l]:,}", ha="center", va="top",
                fontsize=9)
    ax.set_xlim(-0.5, L + 0.5)
    ax.set_ylim(-1.75, 1.15)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig


def architecture_view(sizes, max_shown=MAX_SHOWN):
    """The lesson 1 widget: ``(figure, message)`` for good sizes, ``(None, message)`` for bad."""
    problem = sizes_problem(sizes)
    if problem:
        return None, problem
    counts = parameter_counts(sizes)
    weights = sum(w for _, w, _ in counts)
    biases = sum(b for _, _, b in counts)
    name = "-".join(str(int(n)) for n in sizes)
    message = (f"{name}: L = {len(sizes) - 1}, {weights:,} weights + {biases:,} biases = "
               f"<b>{weights + biases:,} parameters</b>")
    if len(sizes) > MAX_DRAWN_LAYERS:
        return None, message + f" (too many layers to draw; at most {MAX_DRAWN_LAYERS} are drawn)"
    return draw_network(sizes, max_shown), message
