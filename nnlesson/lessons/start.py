"""Lesson 8, section 3: why the start matters, seen on real digits.

A hidden neuron learns through sigma'(z), and sigma'(z) < 0.01 once |z| > 4.6: such a neuron is
*saturated*, and the gradient that reaches its weights is less than a hundredth of what it could
be (lesson 5's delta^l carries the factor sigma'(z^l)). Whether a neuron starts saturated depends
on how large z^1 = W^1 x + b^1 is, and that depends on the start:

  * ``classic``, every weight from N(0, 1): z^1_j is a sum of about 100 to 200 lit pixels times
    random weights, so its spread is about the square root of the image's sum of squared pixels,
    near 10; most of the z^1 land far beyond 4.6;
  * ``scaled``, weights from N(0, 1/n_in): the same sum divided by sqrt(784) = 28, a spread near
    0.4, where sigma' is near its largest value 1/4.
"""
from __future__ import annotations

import numpy as np

from ..network import sigmoid_prime
from ..training import train
from .plots import new_figure

SATURATED = 0.01  # sigma'(z) below this: the neuron passes on less than 4 % of the largest slope
# sigma'(z) = 1 / (e^z + 2 + e^(-z)) = 1 / (2 cosh z + 2), so sigma'(z) < t exactly when
# |z| > arccosh((1/t - 2) / 2): 4.59 for t = 0.01.
Z_SATURATED = float(np.arccosh((1 / SATURATED - 2) / 2))


def hidden_z(net, X):
    """[z^1, ..., z^(L-1)]: the weighted inputs of every hidden layer for the columns of X."""
    a = net.activations(np.asarray(X, dtype=net.dtype))
    return [net.W[l] @ a[l - 1] + net.b[l] for l in range(1, net.L)]


def saturated_fraction(net, X, threshold=SATURATED):
    """For each hidden layer, the fraction of (neuron, image) pairs with sigma'(z) < threshold."""
    return [float(np.mean(sigmoid_prime(z) < threshold)) for z in hidden_z(net, X)]


def after_steps(net, data, steps, batch_size, lr, seed=0, **options):
    """Train ``net`` in place for ``steps`` mini-batches only (``train`` stops it there)."""
    epochs = -(-steps * batch_size // data.X_train.shape[1])  # enough epochs to hold the steps

    def enough(progress):  # steps taken so far: whole epochs, then this epoch's batches
        return progress.epoch * progress.batches + progress.batch >= steps
    train(net, data, epochs, batch_size, lr, seed, callback=enough, **options)
    return net


def z1_figure(nets, X, bins=np.linspace(-40, 40, 161)):
    """Histograms of z^1 on the images X for each start ``{label: net}``, with the band where
    sigma' >= 0.01 (not saturated) shaded."""
    fig = new_figure(7.5, 3.4)
    ax = fig.subplots()
    ax.axvspan(-Z_SATURATED, Z_SATURATED, color="0.85", zorder=0,
               label=f"not saturated: |z| < {Z_SATURATED:.1f}")
    for (label, net), colour in zip(nets.items(), ("C3", "C0", "C2", "C4")):
        z = np.clip(hidden_z(net, X)[0].ravel(), bins[0], bins[-1])
        ax.hist(z, bins=bins, density=True, histtype="stepfilled", alpha=0.45, color=colour,
                label=f"{label}: {np.mean(sigmoid_prime(z) < SATURATED):.0%} saturated")
    ax.set(xlabel=r"$z^1_j$ for a real digit (values beyond $\pm 40$ drawn at the edge)",
           ylabel="density", yscale="log", title=r"the first layer's weighted inputs $z^1$")
    ax.legend(fontsize=8, loc="upper right")
    return fig
