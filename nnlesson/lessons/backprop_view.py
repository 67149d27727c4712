"""Backpropagation made visible on one test digit (lesson 5).

:func:`backprop_view` draws a 784-32-16-10 network twice: on the way forward with each neuron
coloured by its activation a^l (layer 0 is the 28 x 28 image itself), and on the way back with
each neuron coloured by its error delta^l (layer 0 by dC/da^0 = (W^1)^T delta^1: which pixels
would have to be brighter or darker). Below, what each output neuron "wants": -delta^L, the
direction in which a step of gradient descent moves its weighted input z^L.

:func:`sgd_step` takes one step of SGD on that digit alone, in place, and says what moved: the
output for the digit before and after, and the largest weight changes. Both return
``(figure or None, message)``, like every view of the lessons; bad input gives ``(None, sentence)``.
:func:`backprop_widget` wires them to a digit slider, a learning-rate slider and a Step button.
"""
from __future__ import annotations

import numpy as np
from matplotlib.collections import LineCollection

from ..checks import is_whole, lr_problem
from ..network import Network
from ..costs import cost, one_hot
from .plots import SLIDER_ROOM_PX, labelled, new_figure, show, wrapping

SIZES = (784, 32, 16, 10)


def lesson_network(data, n_train=6000, seed=0):
    """A 784-32-16-10 network trained for one quick epoch on the first ``n_train`` images."""
    from ..training import train  # training, only when a lesson asks for a trained network
    net = Network(SIZES, seed=seed)
    train(net, data.subset(n_train), epochs=1, batch_size=10, lr=3.0, seed=seed)
    return net


def passes(net, x, y):
    """The forward and backward pass for one example: (a^0..a^L, delta^1..delta^L, dC/da^0).

    The same four equations as ``Network.backprop``, kept layer by layer so they can be drawn.
    """
    a = net.activations(x)
    delta = [None] * (net.L + 1)
    delta[net.L] = net._output_delta(a[net.L], y)  # the network's own cost's delta^L
    for l in range(net.L - 1, 0, -1):
        delta[l] = (net.W[l + 1].T @ delta[l + 1]) * a[l] * (1 - a[l])
    return a, delta, net.W[1].T @ delta[1]


def problem(net, X, labels, index, lr=1.0):
    """Why these cannot be shown, as a sentence; None if they can."""
    if not isinstance(net, Network) or net.sizes[0] != 784 or net.sizes[-1] != 10:
        return f"the network must be a Network with 784 inputs and 10 outputs, got {net!r}."
    if np.ndim(X) != 2 or np.shape(X)[0] != 784 or np.shape(X)[1] != np.size(labels):
        return (f"the images must have shape (784, n), one per column, with one label each; got "
                f"{np.shape(X)} and {np.size(labels)} labels.")
    if not is_whole(index) or not 0 <= index < np.shape(X)[1]:
        return f"the digit must be a whole number from 0 to {np.shape(X)[1] - 1}, got {index!r}."
    return lr_problem(lr)


def _column(ax, x, values, colours, norm):
    n = len(values)
    ys = np.linspace(0.95, 0.05, n) if n > 1 else np.array([0.5])
    ax.scatter(np.full(n, x), ys, s=max(8, 700 / n), c=values, cmap=colours, norm=norm,
               edgecolors="0.3", linewidths=0.4, zorder=2)
    return ys


def _network(ax, image, columns, colours, norm, title):
    ax.imshow(image.reshape(28, 28), cmap=colours, norm=norm, extent=(-1.5, -0.1, 0.1, 0.9),
              aspect="auto")
    ys = [_column(ax, x, v, colours, norm) for x, v in zip((1, 2, 3), columns)]
    lines = [[(x, y0), (x + 1, y1)] for x, (left, right) in zip((1, 2), zip(ys, ys[1:]))
             for y0 in left for y1 in right]
    ax.add_collection(LineCollection(lines, colors="0.85", linewidths=0.3, zorder=1))
    for digit, y in enumerate(ys[-1]):
        ax.text(3.15, y, str(digit), va="center", fontsize=7)
    for x, name in zip((-0.8, 1, 2, 3), ("layer 0", "1", "2", "3")):
        ax.text(x, -0.02, name, ha="center", va="top", fontsize=8)
    ax.set_xlim(-1.6, 3.4)
    ax.set_ylim(-0.12, 1.0)
    ax.set_axis_off()
    ax.set_title(title, fontsize=9)


def _scaled(v):
    """v divided by its largest size, so each layer's pattern shows whatever its scale."""
    top = np.abs(v).max()
    return v / top if top > 0 else v


def figure(net, x, label, before=None):
    """The forward and backward pictures and the outputs' wishes; ``before``: a^L before a step."""
    from matplotlib.colors import Normalize
    a, delta, dC_da0 = passes(net, x, one_hot(np.array([label]), 10))
    fig = new_figure(4.5, 6.0, layout=None)
    fig.subplots_adjust(left=0.1, right=0.98, top=0.95, bottom=0.07, hspace=0.35, wspace=0.45)
    grid = fig.add_gridspec(3, 2, height_ratios=[1, 1, 0.8])
    _network(fig.add_subplot(grid[0, :]), a[0], [v.ravel() for v in a[1:]], "Greys",
             Normalize(0, 1), "forward: activations $a^l$ (dark = 1)")
    _network(fig.add_subplot(grid[1, :]), _scaled(-dC_da0),
             [_scaled(-d.ravel()) for d in delta[1:]],
             "coolwarm", Normalize(-1, 1), r"backward: $-\delta^l$, each layer scaled (red = up)")
    wants, digits = -delta[-1].ravel(), np.arange(10)
    ax = fig.add_subplot(grid[2, 0])
    ax.bar(digits, wants, color=np.where(wants >= 0, "tab:red", "tab:blue"))
    ax.axhline(0, color="0.3", lw=0.6)
    ax.set_title("what each output wants", fontsize=9)
    ax = fig.add_subplot(grid[2, 1])
    ax.bar(digits, a[-1].ravel(), color=np.where(digits == label, "tab:green", "0.6"))
    if before is not None:
        ax.scatter(digits, before.ravel(), marker="_", s=80, color="k", zorder=3, label="before")
        ax.legend(fontsize=7, loc="upper right")
    ax.set_ylim(0, 1.05)
    ax.set_title("outputs $a^3$", fontsize=9)
    for ax in fig.axes[2:]:
        ax.set_xticks(digits)
        ax.tick_params(labelsize=7)
    return fig, a, delta


def backprop_view(net, X, labels, index, lr=1.0):
    """Test digit ``index`` going through ``net`` and its error coming back: (figure, message)."""
    why = problem(net, X, labels, index, lr)
    if why:
        return None, why
    label, x = int(labels[index]), X[:, [index]]
    fig, a, delta = figure(net, x, label)
    out, wants = a[-1].ravel(), -delta[-1].ravel()
    y = one_hot(np.array([label]), 10)
    return fig, (f"Test image {index} is a {label}; the network says {int(np.argmax(out))} "
                 f"(a^3_{label} = {out[label]:.3f}); cost {cost(a[-1], y):.4f}. Output "
                 f"{int(np.argmax(wants))} wants to go up most, output {int(np.argmin(wants))} "
                 f"down most.")


def _largest_change(old, new):
    """(size, (j, k), signed change) of the weight that moved most between two matrices."""
    change = new - old
    at = np.unravel_index(np.argmax(np.abs(change)), change.shape)
    return abs(change[at]), at, change[at]


def sgd_step(net, X, labels, index, lr):
    """One SGD step on test digit ``index`` alone (``net`` changes): the new view and what moved."""
    why = problem(net, X, labels, index, lr)
    if why:
        return None, why
    label, x = int(labels[index]), X[:, [index]]
    y = one_hot(np.array([label]), 10)
    old_W, before = [w.copy() for w in net.W[1:]], net.feedforward(x)
    net.sgd_step(x, y, lr)
    after = net.feedforward(x)
    moved = [(l, *_largest_change(old, new))
             for l, (old, new) in enumerate(zip(old_W, net.W[1:]), start=1)]
    changes = ", ".join(f"w^{l}_({j},{k}) {d:+.4f}" for l, _, (j, k), d in moved)
    fig, *_ = figure(net, x, label, before=before)
    return fig, (f"One step (learning rate {lr:g}) on test image {index}, a {label}: a^3_{label} "
                 f"{before[label, 0]:.4f} -> {after[label, 0]:.4f}, cost {cost(before, y):.4f} -> "
                 f"{cost(after, y):.4f}. Largest weight change per layer: {changes}.")


def backprop_widget(net, X, labels, lr=1.0):
    """The digit and learning-rate sliders, the Step button, the message and the figure."""
    import ipywidgets as widgets
    digit = widgets.IntSlider(0, min=0, max=np.shape(X)[1] - 1)
    rate = widgets.FloatSlider(lr, min=0.1, max=10.0, step=0.1)
    step = widgets.Button(description="one SGD step")
    plot, message = widgets.Image(format="png"), widgets.HTML()
    parts = {"digit": digit, "lr": rate, "step": step, "plot": plot, "message": message}
    for name, part in parts.items():
        part.add_class(f"nnl-backprop-{name}")

    steps = [0]  # steps taken on the digit shown, so that every press is seen to arrive

    def redraw(change=None):
        steps[0] = 0
        show(plot, message, *backprop_view(net, X, labels, digit.value, rate.value))

    def one_step(button):
        fig, said = sgd_step(net, X, labels, digit.value, rate.value)
        steps[0] += fig is not None
        show(plot, message, fig, f"Step {steps[0]} on this digit. {said}" if fig else said)

    digit.observe(redraw, names="value")
    step.on_click(one_step)
    redraw()
    room = f"{SLIDER_ROOM_PX}px"  # names above their sliders when the notebook is narrow
    return widgets.VBox([wrapping([labelled("test digit", digit, room),
                                   labelled("learning rate", rate, room), step]), message, plot])
