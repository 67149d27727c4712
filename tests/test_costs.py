"""Issue #12's derivation: with cross-entropy, the output delta is a^L - y (sigma' cancels)."""
import pytest
import sympy as sp

from nnlesson import Network
from nnlesson.derivations.costs import backprop_agrees, log_likelihood, output_deltas, softmax
from nnlesson.derivations.sympy_tools import same, sigma

COMBINATIONS = [("quadratic", "sigmoid"), ("cross-entropy", "sigmoid"), ("cross-entropy", "softmax")]


def test_every_output_delta_claim_holds_exactly():
    checks = output_deltas(3)
    assert len(checks) == 12  # four claims for each of the three outputs
    failed = [c.name for c in checks if not c.holds]
    assert not failed, failed


def test_the_checks_can_fail():
    """Two tempting claims that are false: sigma' does not cancel in the quadratic cost, and the
    softmax delta is a - y only when the targets add up to 1."""
    z, y = sp.symbols("z y", real=True)
    assert not same(sp.diff((sigma(z) - y) ** 2, z), sigma(z) - y)
    zs, ys = sp.symbols("z_0:2", real=True), sp.symbols("y_0:2", real=True)
    a = softmax(zs)
    assert not same(sp.diff(log_likelihood(ys, a), zs[0]), a[0] - ys[0])


@pytest.mark.parametrize("cost, output", COMBINATIONS)
def test_network_backprop_agrees_with_sympy_at_numbers(cost, output):
    """SymPy at 30 digits against float64 arithmetic on numbers of order 1: within 1e-14."""
    assert backprop_agrees(cost, output, sizes=(2, 3), seed=1) < 1e-14


@pytest.mark.parametrize("cost, output", COMBINATIONS[1:])
def test_a_network_that_kept_sigma_prime_would_disagree(monkeypatch, cost, output):
    monkeypatch.setattr(Network, "_output_delta", lambda self, a, y: (a - y) * a * (1 - a))
    assert backprop_agrees(cost, output, sizes=(2, 3), seed=1) > 1e-3
