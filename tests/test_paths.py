"""Lesson 5's multivariable chain rule: three ways to one derivative, and the paper's recursion."""
import numpy as np
import pytest

from nnlesson.derivations.paths import (delta_is_dC_da, printed_recursion_derivative,
                                        weight_derivative)
from nnlesson.lessons import paths
from nnlesson.network import Network


def test_two_paths_sum_to_backprop_sympy_and_finite_differences():
    ex = paths.example()
    by_hand = paths.sum_over_paths(ex)
    assert len(paths.path_products(ex)) == 2
    # backprop and the sum of paths do the same float64 sums in another order: ~1e-16 apart
    assert by_hand == pytest.approx(ex.net.backprop(ex.x, ex.y)[0][1][0, 1], abs=1e-14)
    # SymPy works with 30 digits: the float64 sum is within a few units of the last place
    by_sympy = weight_derivative(ex.net.W, ex.net.b, ex.x, ex.y, *paths.WEIGHT)
    assert by_hand == pytest.approx(by_sympy, abs=1e-14)
    # central differences: truncation ~eps^2 C''' and rounding ~1e-16 / eps, both below 1e-9 at 1e-5
    assert by_hand == pytest.approx(paths.finite_difference(ex), abs=1e-9)


def test_one_path_is_not_the_derivative():
    """The control: leaving out a path gives a wrong answer, so the sum is needed."""
    ex = paths.example()
    first, second = paths.path_products(ex)
    assert abs(first - paths.finite_difference(ex)) > 1e-3
    assert abs(second - paths.finite_difference(ex)) > 1e-3


def test_figure_highlights_the_weight_and_both_paths():
    fig = paths.paths_figure(paths.example())
    thick = [line for line in fig.axes[0].lines if line.get_linewidth() == 3]
    # the weight itself, the two weights out of a^1_0, the two outputs' links to C
    assert len(thick) == 5
    assert {line.get_color() for line in thick} == {"tab:red", "tab:orange", "tab:blue"}


def test_printed_recursion_only_on_a_2_2_2_network():
    net = Network((2, 3, 2))
    with pytest.raises(ValueError, match="2-2-2"):
        printed_recursion_derivative(net.W, net.b, np.zeros((2, 1)), np.zeros((2, 1)))


def test_paths_only_for_a_first_layer_weight():
    with pytest.raises(ValueError, match="layer 1"):
        paths.path_products(paths.example(), (2, 0, 0))


def test_printed_recursion_gives_another_number_and_the_true_one_matches_backprop():
    ex = paths.example()
    printed_da, true_da, printed_dw, true_dw = printed_recursion_derivative(
        ex.net.W, ex.net.b, ex.x, ex.y, k=1)
    assert true_dw == pytest.approx(paths.sum_over_paths(ex), abs=1e-14)
    assert abs(printed_dw - true_dw) > 1e-2 and abs(printed_da - true_da) > 1e-1


def test_paper_gradient_is_the_printed_recursion_one_layer_deeper():
    """On a 2-2-2-2 network, layer 1 uses the printed recursion (checked against the formula
    written out entry by entry); layers 2 and 3 use the paper's correct formulas."""
    net = Network((2, 2, 2, 2), init="classic", seed=3)
    x, y = np.array([[0.3], [0.7]]), np.array([[1.0], [0.0]])
    a = net.activations(x)
    s = [None] + [a[m] * (1 - a[m]) for m in (1, 2, 3)]
    dC_da2 = sum(net.W[3][i, :] * s[3][i, 0] * 2 * (a[3][i, 0] - y[i, 0]) for i in range(2))
    k = 1
    dC_da1_k = sum(net.W[1][i, k] * s[1][i, 0] for i in range(2)) * dC_da2.sum()
    nabla_W, _ = paths.paper_gradient(net, x, y)
    assert nabla_W[1][k, 0] == pytest.approx(s[1][k, 0] * dC_da1_k * a[0][0, 0], rel=1e-12)
    # the last two layers use the paper's correct formulas: equal to backprop there
    true_W, _ = net.backprop(x, y)
    for m in (2, 3):
        np.testing.assert_allclose(nabla_W[m], true_W[m], rtol=1e-12, atol=1e-15)
    assert not np.allclose(nabla_W[1], true_W[1], rtol=1e-3)


def test_paper_gradient_refuses_layers_of_different_sizes():
    with pytest.raises(ValueError, match="one size"):
        paths.paper_gradient(Network((2, 3, 2)), np.zeros((2, 1)), np.zeros((2, 1)))


def test_cost_curves_backprop_learns_and_the_paper_does_not():
    curves = paths.cost_curves()
    assert curves["backprop"][0] == curves["paper"][0]  # same start
    # guessing 0.5 for both outputs of a one-hot target costs 0.25 + 0.25 = 0.5: the plateau
    assert curves["backprop"][-1] < 0.2
    assert curves["paper"][-1] > 0.45


def test_delta_is_dC_da_times_sigma_prime():
    checks = delta_is_dC_da((2, 3, 2))
    assert len(checks) == 5 and all(c.holds for c in checks)
