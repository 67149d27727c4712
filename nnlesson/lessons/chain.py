"""Lesson 4's widget: the slope the chain rule computes, drawn as a tangent to the cost.

The chain is one neuron per layer (the paper's Figure 8), with a^(L-1), b^L and y fixed, so the
cost is a curve in w^L alone; :func:`slope_view` draws it and its tangent at the slider's w.
"""
from __future__ import annotations

import numpy as np

from ..checks import number_problem
from ..network import sigmoid
from .plots import new_figure

CHAIN = {"a_prev": 0.8, "b": -1.0, "y": 0.7}  # a^(L-1), b^L and the target y, fixed in lesson 4


def slope_view(w, a_prev=CHAIN["a_prev"], b=CHAIN["b"], y=CHAIN["y"]):
    """(figure, message): C(w) = (sigma(w a^(L-1) + b) - y)^2 and its tangent at w.

    The slope is the chain rule's product a^(L-1) sigma'(z^L) 2(a^L - y); a w that is not a
    finite number gives (None, message).
    """
    problem = number_problem("w", w)
    if problem:
        return None, problem
    ws = np.linspace(-8, 8, 200)
    z = w * a_prev + b
    a_L = float(sigmoid(z))
    C, factors = (a_L - y) ** 2, (a_prev, a_L * (1 - a_L), 2 * (a_L - y))
    slope = float(np.prod(factors))
    fig = new_figure(5.5, 3.4)
    ax = fig.subplots()
    ax.plot(ws, (sigmoid(ws * a_prev + b) - y) ** 2, label=r"$C(w^L)$")
    ax.plot(ws, C + slope * (ws - w), "--", color="tab:red", label=f"tangent, slope {slope:.3f}")
    ax.plot([w], [C], "o", color="tab:red")
    ax.set_ylim(-0.05, 0.6)
    ax.set_xlabel(r"$w^L$")
    ax.set_ylabel(r"$C$")
    ax.legend(loc="upper right", fontsize=8)
    downhill = ("Downhill is to the right: increase w." if slope < 0 else
                "Downhill is to the left: decrease w." if slope > 0 else "The slope is 0 here.")
    return fig, (f"w<sup>L</sup> = {w:.3g}: C = {C:.4f}, dC/dw<sup>L</sup> = a<sup>L-1</sup> "
                 f"&sigma;'(z<sup>L</sup>) 2(a<sup>L</sup> - y) = {factors[0]:.2f} &times; "
                 f"{factors[1]:.4f} &times; {factors[2]:.4f} = {slope:.4f}. "
                 + downhill)
