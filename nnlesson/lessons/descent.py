"""Gradient descent on a cost you can see: a curve and a bowl (lesson 3).

A network's cost depends on 25,818 numbers, too many to draw. Its behaviour under gradient
descent, though, already shows on the simplest cost there is, a quadratic bowl

    C(w) = k_1 w_1^2 + k_2 w_2^2 + ...   with gradient   dC/dw_i = 2 k_i w_i,

whose minimum is at w = 0. One step w <- w - lr dC/dw multiplies each w_i by the same number,

    w_i  <-  w_i - lr * 2 k_i w_i  =  (1 - 2 lr k_i) w_i ,

so everything is decided by that factor f = 1 - 2 lr k_i:
  * 0 < f < 1 (0 < lr < 1/(2k)): w shrinks steadily towards 0, the descent converges;
  * -1 < f < 0 (1/(2k) < lr < 1/k): w overshoots 0 and changes sign every step, but shrinks:
    it oscillates and converges;
  * f < -1 (lr > 1/k): |w| grows every step: the descent diverges.
This is the paper's Figure 7 made exact: too large a learning rate jumps over the valley.
"""
from __future__ import annotations

import numpy as np

from ..checks import number_problem
from .plots import new_figure

K = (1.0, 0.2)       # a bowl 5 times steeper along w_1 than along w_2
START = (-1.5, 2.0)  # where both descents start (the curve uses the first coordinate)
STEPS = 20
LIMIT = 1e3          # |w| beyond this, 500 times the start, is clearly diverging: stop there
VIEW = 3.0           # the plots show -VIEW <= w <= VIEW


def quadratic_cost(w, k=K):
    """C(w) = sum_i k_i w_i^2."""
    return float(np.sum(np.asarray(k) * np.asarray(w, dtype=float) ** 2))


def quadratic_gradient(w, k=K):
    """dC/dw_i = 2 k_i w_i."""
    return 2.0 * np.asarray(k) * np.asarray(w, dtype=float)


def step_factor(lr, k):
    """What one step of size lr multiplies w by on C = k w^2: 1 - 2 lr k."""
    return 1.0 - 2.0 * lr * k


def regime(lr, k):
    """What gradient descent with rate lr does on C = k w^2 (k > 0), from the factor alone.

    One of "converges" (steadily), "oscillates" (and converges), "diverges", or, exactly at the
    boundaries, "stays" (lr = 0), "lands" (lr = 1/(2k): at the minimum in one step) and
    "bounces" (lr = 1/k: between w and -w forever).
    """
    f = step_factor(lr, k)
    if f == 1:
        return "stays"
    if f == 0:
        return "lands"
    if f == -1:
        return "bounces"
    if abs(f) > 1:
        return "diverges"
    return "converges" if f > 0 else "oscillates"


def gradient_descent(gradient, w0, lr, steps=STEPS, limit=LIMIT):
    """The iterates w_0, w_1, ... of w <- w - lr gradient(w), as rows of an array.

    Stops early once some |w_i| exceeds ``limit`` (or stops being a finite number): by then the
    descent is clearly diverging, and going on would only overflow.
    """
    w = np.atleast_1d(np.asarray(w0, dtype=float))
    path = [w]
    for _ in range(steps):
        with np.errstate(over="ignore", invalid="ignore"):
            w = w - lr * gradient(w)
        path.append(w)
        if not np.all(np.isfinite(w)) or np.max(np.abs(w)) > limit:
            break
    return np.array(path)


def classify_path(values):
    """What a sequence of iterates of one coordinate did, judged from the numbers alone.

    "diverges" if it ended farther from the minimum 0 than it started, else "oscillates" if it
    ever jumped over 0, else "converges". (Independent of :func:`regime`, so that each can check
    the other.)
    """
    values = np.asarray(values, dtype=float)
    if not np.isfinite(values[-1]) or abs(values[-1]) > abs(values[0]):
        return "diverges"
    if np.any(values[:-1] * values[1:] < 0):
        return "oscillates"
    return "converges"


_WHAT_HAPPENS = {
    "converges": "keeps its sign and shrinks: the descent <b>converges</b>, steadily",
    "oscillates": ("changes sign every step, jumping over the bottom, but shrinks: the descent "
                   "<b>oscillates</b> and still converges"),
    "diverges": "grows in size every step: the descent <b>diverges</b>",
    "lands": "becomes 0 at once: the descent lands on the bottom in one step",
    "bounces": "flips sign but keeps its size: w bounces between two points forever",
    "stays": "stays where it is: nothing moves",
}


def describe_descent(lr, k=K):
    """What the lesson's widget says about learning rate lr on the bowl with steepnesses k."""
    steep, shallow = max(k), min(k)
    worst = regime(lr, steep)
    if lr < 0:
        return ("A negative learning rate steps <i>uphill</i>, along the gradient instead of "
                "against it: the cost grows every step and the descent <b>diverges</b>.")
    if lr == 0:
        return "lr = 0: every step has size zero, so w never moves and nothing is learned."
    factors = (f"each step multiplies w<sub>1</sub> by 1 &minus; 2&middot;lr&middot;k = "
               f"{step_factor(lr, steep):.3g} (steep direction, k = {steep:g}) and "
               f"w<sub>2</sub> by {step_factor(lr, shallow):.3g} (shallow, k = {shallow:g})")
    message = f"lr = {lr:g}: {factors}. Along the steep direction w {_WHAT_HAPPENS[worst]}."
    if worst in ("converges", "oscillates", "lands") and regime(lr, shallow) == "converges" \
            and abs(step_factor(lr, shallow)) > 0.9:
        message += " Along the shallow direction it crawls: a rate that suits one direction is slow for the other."
    return message


def _in_view(path):
    """The iterates up to the first one that leaves the picture, clipped near its edge.

    That last point keeps the line that leaves the picture; clipping it keeps numbers like 1e300
    (a diverging run) away from the renderer.
    """
    outside = np.flatnonzero(np.max(np.abs(path.reshape(len(path), -1)), axis=1) > VIEW)
    if outside.size:
        path = path[:outside[0] + 1]
    return np.clip(path, -2 * VIEW, 2 * VIEW)


def _times(k, name):
    return name if k == 1 else f"{k:g} {name}"


def _arrows(axes, k):
    """-grad C at a 7 x 7 grid of points: the direction each step takes (before the factor lr).

    Arrows are drawn at a sixth of their length in w units, so the longest (5.4, at the edges
    of the steep direction) stays within one grid spacing (0.9).
    """
    g = np.linspace(-VIEW * 0.9, VIEW * 0.9, 7)
    W1, W2 = np.meshgrid(g, g)
    axes.quiver(W1, W2, -2 * k[0] * W1, -2 * k[1] * W2, angles="xy", scale_units="xy",
                scale=6.0, color="tab:blue", alpha=0.6, width=0.005)


def descent_view(lr, k=K, w0=START, steps=STEPS):
    """The lesson 3 widget: ``(figure, message)``, or ``(None, message)`` for an unusable lr.

    Left, the curve C(w) = k_1 w^2 with the iterates of gradient descent on it; right, the
    contours of the bowl C = k_1 w_1^2 + k_2 w_2^2, the arrows of -grad C (downhill, across the
    contours), and the path of the iterates in 2-D.
    """
    problem = number_problem("the learning rate", lr)
    if problem:
        return None, problem
    lr = float(lr)
    k = tuple(float(v) for v in k)
    path_1d = gradient_descent(lambda w: quadratic_gradient(w, k[:1]), w0[:1], lr, steps)[:, 0]
    path_2d = gradient_descent(lambda w: quadratic_gradient(w, k), w0, lr, steps)
    path_1d, path_2d = _in_view(path_1d), _in_view(path_2d)

    # One above the other, 440 px wide: readable beside JupyterLab's file browser on an 800 px
    # screen. Fixed margins (no constrained layout): the slider redraws quickly.
    fig = new_figure(5.5, 7.4, layout=None)
    fig.subplots_adjust(left=0.13, right=0.97, bottom=0.07, top=0.95, hspace=0.32)
    curve, bowl = fig.subplots(2, 1, height_ratios=[1, 1.45])
    w = np.linspace(-VIEW, VIEW, 201)
    curve.plot(w, k[0] * w ** 2, color="0.5")
    curve.plot(path_1d, k[0] * path_1d ** 2, "-o", color="tab:red", ms=4, lw=1)
    curve.plot(path_1d[:1], k[0] * path_1d[:1] ** 2, "o", color="black", ms=6)
    curve.set_xlim(-VIEW, VIEW)
    curve.set_ylim(-0.3, k[0] * VIEW ** 2)
    curve.set_xlabel("w")
    curve.set_ylabel("cost C")
    curve.set_title(f"C(w) = {_times(k[0], 'w$^2$')}", fontsize=10)

    W1, W2 = np.meshgrid(w[::4], w[::4])  # a coarse grid draws the same smooth ellipses
    bowl.contour(W1, W2, k[0] * W1 ** 2 + k[1] * W2 ** 2, levels=12, colors="0.7", linewidths=0.8)
    _arrows(bowl, k)
    bowl.plot(path_2d[:, 0], path_2d[:, 1], "-o", color="tab:red", ms=4, lw=1)
    bowl.plot(*path_2d[0], "o", color="black", ms=6)
    bowl.plot(0, 0, "+", color="black", ms=10)
    bowl.set_xlim(-VIEW, VIEW)
    bowl.set_ylim(-VIEW, VIEW)
    bowl.set_aspect("equal")
    bowl.set_xlabel("w$_1$ (steep)")
    bowl.set_ylabel("w$_2$ (shallow)")
    bowl.set_title(f"C = {_times(k[0], 'w$_1^2$')} + {_times(k[1], 'w$_2^2$')}", fontsize=10)
    return fig, describe_descent(lr, k)
