"""The multivariable chain rule with numbers: one weight, two paths to the cost (lesson 5).

The paper's Figure 10 shows the last two layers of a network: a neuron of layer L-1 feeds both
output neurons, so a change in it reaches the cost along two paths, and the chain rule adds one
product per path. :func:`example` is that picture with numbers, a 2-2-2 network (in a 2-2-1
network every weight has a single path to the cost); :func:`paths_figure` draws it with the two
paths from w^1_(0,1) highlighted; :func:`sum_over_paths` and :func:`finite_difference` are two of
the lesson's three ways to the same derivative (SymPy's is :mod:`nnlesson.derivations.paths`).

:func:`paper_gradient` is backpropagation as the paper prints it: its correct dC/da^(L-1), then
its recursion, a product of two sums with the layers one too low, for the layers before;
:func:`cost_curves` trains the same network both ways so the lesson can measure the difference.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..network import Network
from ..costs import cost
from .plots import new_figure

WEIGHT = (1, 0, 1)  # w^1_(0,1): from input 1 into hidden neuron 0, whose output feeds both outputs


class Example(NamedTuple):
    net: Network
    x: np.ndarray  # a^0, a column
    y: np.ndarray  # the target, a column


def example():
    """The lesson's 2-2-2 network, its input and its target: round numbers a learner can follow."""
    net = Network((2, 2, 2), init="classic", seed=0)
    net.W[1] = np.array([[0.5, -0.4], [0.3, 0.8]])
    net.b[1] = np.array([[0.1], [-0.2]])
    net.W[2] = np.array([[0.9, -0.7], [-0.6, 0.4]])
    net.b[2] = np.array([[0.2], [0.1]])
    return Example(net, np.array([[1.0], [0.5]]), np.array([[1.0], [0.0]]))


def path_products(ex, weight=WEIGHT):
    """For w^1_(j,k): one product per output neuron i, one per path to the cost:
    w -> z^1_j -> a^1_j -> z^2_i -> a^2_i -> C.

    Each product is a^0_k * sigma'(z^1_j) * w^2_(i,j) * sigma'(z^2_i) * 2 (a^2_i - y_i).
    """
    l, j, k = weight
    if l != 1 or ex.net.L != 2:
        raise ValueError("the paths are drawn for a weight of layer 1 in a network of two layers")
    a = ex.net.activations(ex.x)
    s1, s2 = a[1] * (1 - a[1]), a[2] * (1 - a[2])
    dC_da2 = 2 * (a[2] - ex.y)
    return [float(a[0][k, 0] * s1[j, 0] * ex.net.W[2][i, j] * s2[i, 0] * dC_da2[i, 0])
            for i in range(ex.net.sizes[2])]


def sum_over_paths(ex, weight=WEIGHT):
    """dC/dw by hand: the sum of the path products."""
    return sum(path_products(ex, weight))


def finite_difference(ex, weight=WEIGHT, eps=1e-5):
    """dC/dw from the cost alone: (C(w + eps) - C(w - eps)) / (2 eps)."""
    l, j, k = weight
    net = ex.net.copy()
    w = net.W[l][j, k]
    costs = []
    for nudged in (w + eps, w - eps):
        net.W[l][j, k] = nudged
        costs.append(cost(net.feedforward(ex.x), ex.y))
    return (costs[0] - costs[1]) / (2 * eps)


def paths_figure(ex, weight=WEIGHT):
    """The paper's Figure 10 with numbers: the network, the weight, its two paths to C in colour."""
    l, j, k = weight
    a = ex.net.activations(ex.x)
    fig = new_figure(6.0, 3.2)
    ax = fig.subplots()
    ax.set_axis_off()
    where = {(m, i): (2.0 * m, 1.0 - 1.2 * i) for m in range(3) for i in range(2)}
    where["C"] = (5.6, 0.4)
    colours = ["tab:orange", "tab:blue"]
    for m in (1, 2):
        for i in range(2):
            for p in range(2):
                on = (m == 1 and (i, p) == (j, k)) or (m == 2 and p == j)
                (x0, y0), (x1, y1) = where[(m - 1, p)], where[(m, i)]
                colour = "tab:red" if m == 1 and on else colours[i] if on else "0.8"
                ax.plot([x0, x1], [y0, y1], color=colour, lw=3 if on else 1, zorder=1)
                if on:
                    ax.annotate(f"w$^{m}_{{{i},{p}}}$ = {ex.net.W[m][i, p]:g}",
                                ((x0 + 2 * x1) / 3, (y0 + 2 * y1) / 3 + 0.12), fontsize=9,
                                color=colour, ha="center")
    for i in range(2):
        (x0, y0), xC = where[(2, i)], where["C"]
        ax.plot([x0, xC[0]], [y0, xC[1]], color=colours[i], lw=3, zorder=1)
        ax.annotate(f"path {i + 1}", ((x0 + xC[0]) / 2, (y0 + xC[1]) / 2 + 0.1), color=colours[i],
                    fontsize=9, ha="center")
    for (m, i), (px, py) in ((key, v) for key, v in where.items() if key != "C"):
        ax.scatter([px], [py], s=900, c=[[1 - a[m][i, 0]] * 3], edgecolors="k", zorder=2)
        ax.annotate(f"a$^{m}_{i}$={a[m][i, 0]:.2f}", (px, py - 0.38), ha="center", fontsize=9)
    ax.scatter(*where["C"], s=900, marker="s", c="w", edgecolors="k", zorder=2)
    ax.annotate(f"C={cost(a[2], ex.y):.3f}", (where["C"][0], where["C"][1] - 0.4), ha="center")
    ax.set_title(f"two paths from w$^1_{{{j},{k}}}$ to the cost", fontsize=11)
    ax.set_xlim(-0.6, 6.3)
    ax.set_ylim(-0.9, 1.5)
    return fig


def paper_gradient(net, x, y):
    """The gradient of one example's cost, with dC/da^l computed as the paper prints it.

    dC/da^(L-1) is the paper's sum of w^L sigma'(z^L) 2 (a^L - y) (correct); before that its
    recursion: dC/da^l_k = (sum_i w^l_(i,k) sigma'(z^l_i)) (sum_i dC/da^(l+1)_i) (reading its
    undefined h as j). The layers must all have one size, or the printed indices do not fit.
    """
    if len(set(net.sizes)) != 1:
        raise ValueError(f"the paper's recursion needs layers of one size, got {net.sizes}")
    a, L = net.activations(x), net.L
    s = [None] + [a[m] * (1 - a[m]) for m in range(1, L + 1)]
    dC_da = {L: 2 * (a[L] - y)}
    dC_da[L - 1] = net.W[L].T @ (s[L] * dC_da[L])
    for m in range(L - 2, 0, -1):
        dC_da[m] = (net.W[m].T @ s[m]) * dC_da[m + 1].sum()
    nabla_W = [None] + [(s[m] * dC_da[m]) @ a[m - 1].T for m in range(1, L + 1)]
    nabla_b = [None] + [s[m] * dC_da[m] for m in range(1, L + 1)]
    return nabla_W, nabla_b


def small_problem(n=8, seed=0):
    """``n`` points of the unit square, one-hot targets by which coordinate is larger."""
    X = np.random.default_rng(seed).uniform(size=(2, n))
    return X, np.eye(2)[:, (X[0] > X[1]).astype(int)]


def cost_curves(steps=400, lr=1.0, seed=0, sizes=(2, 2, 2, 2)):
    """Mean cost on :func:`small_problem` after each SGD step (one example per step, in turn).

    Returns {"backprop": costs, "paper": costs}, each ``steps + 1`` numbers (before any step first).
    The two runs start from the same weights and see the examples in the same order.
    """
    X, Y = small_problem()
    curves = {}
    for name, gradient in (("backprop", Network.backprop), ("paper", paper_gradient)):
        net = Network(sizes, init="classic", seed=seed)
        costs = [cost(net.feedforward(X), Y)]
        for step in range(steps):
            i = step % X.shape[1]
            nabla_W, nabla_b = gradient(net, X[:, [i]], Y[:, [i]])
            for m in range(1, net.L + 1):
                net.W[m] -= lr * nabla_W[m]
                net.b[m] -= lr * nabla_b[m]
            costs.append(cost(net.feedforward(X), Y))
        curves[name] = np.array(costs)
    return curves


LABELS = {"backprop": "backprop", "paper": "paper's recursion"}


def curves_figure(curves):
    """The two cost curves of :func:`cost_curves`, one colour each."""
    fig = new_figure(6.0, 3.0)
    ax = fig.subplots()
    for name, colour in (("backprop", "tab:green"), ("paper", "tab:red")):
        ax.plot(curves[name], color=colour, label=LABELS[name])
    ax.set_xlabel("SGD step (one example)")
    ax.set_ylabel("mean cost on the 8 examples")
    ax.legend()
    return fig


def final_costs(seeds=range(10), **settings):
    """{"backprop": ..., "paper": ...}: the cost after :func:`cost_curves`, one per seed."""
    runs = [cost_curves(seed=seed, **settings) for seed in seeds]
    return {name: np.array([run[name][-1] for run in runs]) for name in ("backprop", "paper")}
