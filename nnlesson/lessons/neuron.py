"""One neuron, and a whole network's activations, as pictures (lesson 2).

A neuron with one input x computes a = sigma(w x + b). The weight w sets how steeply it switches
from off (a near 0) to on (a near 1), and which way; the bias b shifts where the switch happens:
at w x + b = 0, that is at x = -b/w, where a = 1/2. :func:`neuron_view` draws that curve for the
lesson's w and b sliders, and :func:`draw_activations` shows every a^l of a network fed one digit.
"""
from __future__ import annotations

import numpy as np

from ..checks import number_problem
from ..network import sigmoid
from .plots import new_figure

X_RANGE = (-10.0, 10.0)


def describe_neuron(w, b, x_range=X_RANGE):
    """One or two sentences on what sigma(w x + b) does as x grows."""
    if w == 0:
        return (f"w = 0: the output is &sigma;(b) = {float(sigmoid(b)):.3f} whatever x is. "
                f"With no weight, the neuron ignores its input.")
    switch = -b / w + 0.0  # + 0.0 turns -0.0 into 0.0, which reads better
    direction = "switches on" if w > 0 else "switches off"
    where = "" if x_range[0] <= switch <= x_range[1] else " (off the plot)"
    return (f"&sigma;(w&middot;x + b) {direction} as x grows, crossing 1/2 where w&middot;x + b = 0, "
            f"at x = &minus;b/w = {switch:.3g}{where}. There its slope is w/4 = {w / 4:.3g}: "
            f"a larger |w| makes a sharper switch.")


def neuron_view(w, b, x_range=X_RANGE):
    """The lesson 2 widget: ``(figure, message)``, or ``(None, message)`` for unusable w or b."""
    problem = number_problem("w", w) or number_problem("b", b)
    if problem:
        return None, problem
    w, b = float(w), float(b)
    x = np.linspace(*x_range, 401)
    with np.errstate(over="ignore", invalid="ignore"):  # w = 1e300: w x is +-inf, sigma is 0 or 1
        a = sigmoid(np.nan_to_num(w * x + b, nan=0.0))
    fig = new_figure(5.5, 3.2)
    ax = fig.subplots()
    ax.plot(x, sigmoid(x), color="0.75", lw=1.5, label=r"$\sigma(x)$ (w = 1, b = 0)")
    ax.plot(x, a, color="tab:blue", lw=2.5, label=rf"$\sigma({w:g}\,x {b:+g})$")
    ax.axhline(0.5, color="0.6", lw=0.8, ls=":")
    if w != 0 and x_range[0] <= -b / w <= x_range[1]:
        ax.plot([-b / w], [0.5], "o", color="tab:red", label=r"$x = -b/w$")
    ax.set_xlim(*x_range)
    ax.set_ylim(-0.05, 1.05)
    ax.set_xlabel("input x")
    ax.set_ylabel("activation a")
    ax.legend(loc="upper left", fontsize=8)
    return fig, describe_neuron(w, b, x_range)


def draw_activations(x, a, label=None):
    """A digit and what a network makes of it: the image x, then a bar chart of each a^l.

    ``a`` is the list [a^0, a^1, ..., a^L] from ``Network.activations(x)`` for one example
    (columns of shape (n_l, 1)); a^0 is the image itself, so it is drawn as a picture. The
    output layer's largest activation, the network's answer, is drawn in a different colour.
    """
    L = len(a) - 1
    fig = new_figure(2.2 + 2.6 * L, 2.6)
    axes = fig.subplots(1, L + 1, width_ratios=[0.8] + [1] * L)
    axes[0].imshow(np.asarray(x).reshape(28, 28), cmap="gray_r")
    axes[0].set_title("x = a$^0$" + (f"  (label {label})" if label is not None else ""), fontsize=9)
    axes[0].axis("off")
    for l in range(1, L + 1):
        values = np.asarray(a[l]).ravel()
        colours = ["tab:blue"] * values.size
        if l == L:
            colours[int(np.argmax(values))] = "tab:orange"
        axes[l].bar(np.arange(values.size), values, color=colours)
        axes[l].set_ylim(0, 1)
        axes[l].set_title(f"a$^{l}$: {values.size} neurons" + (" (output)" if l == L else ""),
                          fontsize=9)
        axes[l].set_xlabel("neuron j", fontsize=8)
        if l == L:
            axes[l].set_xticks(range(values.size))
    return fig
