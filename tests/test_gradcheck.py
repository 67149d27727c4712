"""Backprop against central finite differences, and the lesson 5 widget's function at the edges."""
import numpy as np
import pytest

from nnlesson import Network
from nnlesson.lessons.gradcheck import (AGREE, EPS_DEFAULT, error_curve, gradcheck_view, gradient_check,
                                numerical_gradient, relative_error, small_problem)


@pytest.mark.parametrize("sizes, m", [((4, 5, 3), 6), ((3, 4, 4, 2), 1), ((5, 2), 3)])
def test_backprop_matches_central_differences(sizes, m):
    net = Network(sizes, init="classic", seed=3)
    rng = np.random.default_rng(3)
    X, Y = rng.uniform(size=(sizes[0], m)), rng.uniform(size=(sizes[-1], m))
    assert gradient_check(net, X, Y, 1e-5) < 1e-7


def test_a_wrong_gradient_is_caught():
    net, X, Y = small_problem()
    nabla_W, nabla_b = net.backprop(X, Y)
    nabla_W[1] = nabla_W[1] / 2  # what a missing factor 2 in one layer would give
    assert relative_error((nabla_W, nabla_b), numerical_gradient(net, X, Y, 1e-5)) > 1e-3


def test_the_network_is_left_unchanged():
    net, X, Y = small_problem()
    before = net.copy()
    gradient_check(net, X, Y, 1e-3)
    assert all(np.array_equal(a, b) for a, b in zip(net.W[1:] + net.b[1:], before.W[1:] + before.b[1:]))


def test_the_error_curve_is_a_v():
    epsilons, errors = error_curve()
    bottom = np.argmin(errors)
    assert 0 < bottom < len(errors) - 1
    assert errors[bottom] < AGREE < min(errors[0], errors[-1])
    assert 1e-8 < epsilons[bottom] < 1e-3  # where rounding and truncation meet in float64


def test_view_at_the_default():
    fig, message = gradcheck_view(EPS_DEFAULT)
    assert fig is not None and "relative error" in message and "agree" in message


def test_view_tells_the_two_sides_of_the_v_apart():
    assert "rounding" in gradcheck_view(1e-12)[1]
    assert "truncation" in gradcheck_view(0.1)[1]


@pytest.mark.parametrize("eps, words", [
    (0, "0 / 0"), (-1e-5, "positive"), (float("nan"), "finite"), (float("inf"), "finite"),
    (1e9, "not a small nudge"), ("1e-5", "a number"), (None, "a number"), (True, "a number"),
])
def test_view_gives_a_message_not_a_traceback(eps, words):
    fig, message = gradcheck_view(eps)
    assert fig is not None and message.startswith("<b>No check:</b>") and words in message


@pytest.mark.parametrize("eps", [0, -1.0, float("nan")])
def test_gradient_check_refuses_bad_epsilon(eps):
    with pytest.raises(ValueError):
        gradient_check(*small_problem(), eps)


@pytest.mark.parametrize("cost_name, output", [("cross-entropy", "sigmoid"),
                                               ("cross-entropy", "softmax")])
def test_a_correct_gradient_passes_for_every_cost(cost_name, output):
    """The differences are of the network's own cost: with the quadratic one always (as before),
    a correct cross-entropy backprop was reported 0.25-0.64 wrong."""
    net = Network((4, 5, 3), init="classic", seed=1, cost=cost_name, output=output)
    rng = np.random.default_rng(2)
    X, Y = rng.uniform(size=(4, 6)), np.eye(3)[:, rng.integers(0, 3, 6)]
    assert gradient_check(net, X, Y) < AGREE
