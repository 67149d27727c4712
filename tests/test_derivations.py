"""SymPy's verdicts on lessons 4-5: true formulas hold, wrong ones do not (A2: test_slips.py)."""
import numpy as np
import pytest
import sympy as sp

from nnlesson import Network
from nnlesson import sigmoid
from nnlesson.derivations import (backprop_agrees, chain_rule, checks_table, deltas,
                                  network_gradient, same, sigma, sigmoid_exp, sigmoid_steps,
                                  symbolic_network)
from nnlesson.lessons.chain import CHAIN, slope_view

x = sp.Symbol("x", real=True)


def test_same_tells_equal_from_unequal():
    assert same(sigmoid_exp(x) * (1 - sigmoid_exp(x)), sp.diff(sigmoid_exp(x), x))
    assert not same(sigmoid_exp(x) * (1 + sigmoid_exp(x)), sp.diff(sigmoid_exp(x), x))


def test_sigma_has_the_derivative_appendix_1_proves():
    assert same(sp.diff(sigma(x), x).rewrite(sp.exp), sp.diff(sigmoid_exp(x), x))


def test_every_line_of_appendix_1_holds():
    steps = sigmoid_steps()
    assert len(steps) == 6 and all(step.holds for step in steps), steps


def test_every_factor_and_product_of_the_chain_holds():
    checks = chain_rule()
    assert {c.name for c in checks} >= {"dC/dw^L", "dC/db^L", "dC/da^(L-1)", "dC/dw^(L-1)"}
    assert all(c.holds for c in checks), [c for c in checks if not c.holds]


@pytest.mark.parametrize("sizes", [(2, 3, 2), (2, 2, 2, 1)])
def test_four_equations_hold_entry_by_entry(sizes):
    checks = network_gradient(sizes)
    n_params = sum(n * m + n for m, n in zip(sizes[:-1], sizes[1:]))
    assert len(checks) == n_params
    assert all(c.holds for c in checks), [c.name for c in checks if not c.holds]


def test_a_wrong_delta_is_caught():
    net = symbolic_network((2, 3, 2))
    delta = deltas(net)
    # delta^1 without the factor sigma'(z^1): what a learner forgetting it would get
    wrong = net.W[2].T * delta[2]
    assert not same(wrong[0], sp.diff(net.C, net.b[1][0]))
    assert not same(delta[2][0] / 2, sp.diff(net.C, net.b[2][0]))


@pytest.mark.parametrize("seed", [0, 1])
def test_backprop_gives_sympys_numbers(seed):
    rows, largest = backprop_agrees((2, 3, 2), seed=seed)
    assert len(rows) == Network((2, 3, 2)).n_params
    assert largest < 1e-12
    assert max(abs(s) for _, s, _ in rows) > 1e-3  # the gradient is not trivially zero


def test_checks_are_plain_data_a_notebook_can_show():
    for check in sigmoid_steps() + chain_rule():
        assert isinstance(check.formula, str) and isinstance(check.holds, (bool, np.bool_))


def test_slope_view_draws_the_chain_rules_slope():
    def C(w):
        return (float(sigmoid(w * CHAIN["a_prev"] + CHAIN["b"])) - CHAIN["y"]) ** 2

    fig, message = slope_view(1.0)
    h = 1e-6
    slope = (C(1 + h) - C(1 - h)) / (2 * h)  # a central difference, independent of the chain rule
    assert fig is not None and f"= {slope:.4f}." in message
    assert "increase w" in message  # C(w) falls to the right of w = 1 towards its minimum


@pytest.mark.parametrize("w, words", [(float("nan"), "finite number"), (float("inf"), "finite number"),
                                      ("1", "must be a number"), (None, "must be a number"),
                                      (True, "must be a number")])
def test_slope_view_gives_a_message_for_bad_w(w, words):
    fig, message = slope_view(w)
    assert fig is None and words in message


def test_tables_show_every_row():
    assert checks_table(chain_rule()).count("\n") == len(chain_rule()) + 1
