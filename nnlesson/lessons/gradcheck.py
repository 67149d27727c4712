"""Gradient checking: backpropagation against central finite differences (lesson 5).

Backpropagation computes every dC/dw in one backward pass. A slower, independent way to get
the same numbers is to nudge one parameter theta by +-epsilon and watch the cost:

    dC/dtheta  ~  (C(theta + epsilon) - C(theta - epsilon)) / (2 epsilon).

This *central* difference is off by about epsilon^2 (times C''' / 6): the truncation error,
which shrinks as epsilon does. But the two costs agree in more and more of their ~16 digits as
epsilon shrinks, and their difference keeps only the few digits that differ: the rounding error,
about 1e-16 / epsilon, which grows. Plotted against epsilon on log-log axes the error is a V, and
its floor (near epsilon = 1e-5 in float64) is where the two errors meet.
"""
from __future__ import annotations

import functools

import numpy as np

from ..checks import number_problem
from ..network import Network
from .plots import new_figure

EPS_MIN, EPS_MAX, EPS_DEFAULT = 1e-12, 1e-1, 1e-5
AGREE = 1e-7  # backprop is trusted when the two gradients agree to this relative error


def small_problem(seed=0):
    """A 4-5-3 network and a batch of 6 examples: 43 parameters, checked in milliseconds."""
    net = Network((4, 5, 3), init="classic", seed=seed)
    rng = np.random.default_rng(seed)
    X = rng.uniform(size=(4, 6))
    Y = np.eye(3)[:, rng.integers(3, size=6)]
    return net, X, Y


def eps_problem(eps):
    """Why ``eps`` cannot be used as a nudge, as a sentence; None if it can."""
    problem = number_problem("epsilon", eps)
    if problem:
        return problem
    if eps == 0:
        return ("epsilon must be positive, got 0: the two costs are then the same, and the "
                "difference quotient is 0 / 0.")
    if eps < 0:
        return (f"epsilon must be positive, got {eps:g}: a nudge is a small positive step "
                f"(the central difference is the same for -epsilon anyway).")
    if eps > 1:
        return (f"epsilon = {eps:g} is not a small nudge: a finite difference only approximates a "
                f"derivative when epsilon is small. Try 1e-5.")
    return None


def numerical_gradient(net, X, Y, eps):
    """Central differences for every weight and bias, in the shapes of ``Network.backprop``."""
    nabla_W, nabla_b = [None], [None]
    for l in range(1, net.L + 1):
        for params, grads in ((net.W[l], nabla_W), (net.b[l], nabla_b)):
            grad = np.zeros_like(params)
            for index in np.ndindex(params.shape):
                kept = params[index]
                try:
                    params[index] = kept + eps
                    c_plus = net.cost(X, Y)  # the network's own cost (lesson 8 has two)
                    params[index] = kept - eps
                    c_minus = net.cost(X, Y)
                finally:
                    params[index] = kept  # the network leaves exactly as it came
                grad[index] = (c_plus - c_minus) / (2 * eps)
            grads.append(grad)
    return nabla_W, nabla_b


def relative_error(nabla_a, nabla_b):
    """|g1 - g2| / (|g1| + |g2|) over all parameters at once: 0 when equal, 1 when opposite."""
    g1 = np.concatenate([g.ravel() for part in nabla_a for g in part if g is not None])
    g2 = np.concatenate([g.ravel() for part in nabla_b for g in part if g is not None])
    return float(np.linalg.norm(g1 - g2) / (np.linalg.norm(g1) + np.linalg.norm(g2)))


def gradient_check(net, X, Y, eps=EPS_DEFAULT):
    """The relative error between ``net.backprop(X, Y)`` and central differences with ``eps``."""
    problem = eps_problem(eps)
    if problem:
        raise ValueError(problem)
    return relative_error(net.backprop(X, Y), numerical_gradient(net, X, Y, float(eps)))


@functools.lru_cache(maxsize=1)
def error_curve(n=45):
    """(epsilons, relative errors) over EPS_MIN..EPS_MAX for :func:`small_problem`, computed once."""
    net, X, Y = small_problem()
    epsilons = np.logspace(np.log10(EPS_MIN), np.log10(EPS_MAX), n)
    return epsilons, np.array([gradient_check(net, X, Y, eps) for eps in epsilons])


def verdict(eps, error):
    """One sentence on what an error at this epsilon means."""
    if error < AGREE:
        return "backprop and finite differences agree: the gradient is right."
    best = error_curve()[0][np.argmin(error_curve()[1])]
    if eps < best:
        return ("epsilon is so small that rounding error wins: C(theta + epsilon) and "
                "C(theta - epsilon) share most of their digits, and their difference keeps few.")
    return ("epsilon is so large that truncation error wins: the central difference is off by "
            "about epsilon^2.")


def gradcheck_view(eps=EPS_DEFAULT):
    """(figure, HTML message) for the lesson 5 widget; bad epsilon gives a message, not an error."""
    epsilons, errors = error_curve()
    fig = new_figure(5.5, 3.6)  # 440 px: readable beside the file browser on an 800 px screen
    ax = fig.subplots()
    ax.loglog(epsilons, errors, "o-", ms=3, color="tab:blue", label="backprop vs central differences")
    # The two sides of the V, fitted through its two ends.
    ax.loglog(epsilons, errors[-1] * (epsilons / epsilons[-1]) ** 2, "--", color="tab:orange",
              lw=1, label=r"truncation $\propto \epsilon^2$")
    ax.loglog(epsilons, errors[0] * epsilons[0] / epsilons, "--", color="tab:green", lw=1,
              label=r"rounding $\propto 1/\epsilon$")
    ax.axhline(AGREE, color="grey", lw=0.8, ls=":", label=f"agree: below {AGREE:.0e}")
    ax.set_ylim(errors.min() / 10, 10)
    ax.set_xlabel(r"$\epsilon$")
    ax.set_ylabel("relative error")
    problem = eps_problem(eps)
    if problem:
        ax.legend(loc="upper center", fontsize=8)
        return fig, f"<b>No check:</b> {problem}"
    net, X, Y = small_problem()
    error = gradient_check(net, X, Y, eps)
    ax.loglog([eps], [error], "o", ms=11, mfc="none", mec="red", mew=2,
              label=rf"$\epsilon$ = {eps:.1e}, error {error:.1e}")
    ax.legend(loc="upper center", fontsize=8)
    return fig, (f"epsilon = {eps:.1e}: relative error {error:.1e}. " + verdict(eps, error))
