"""Lesson 3: gradient descent on a quadratic bowl, its exact thresholds, and the widget."""
import math
import warnings

import numpy as np
import pytest

from nnlesson.lessons.descent import (LIMIT, START, VIEW, classify_path, describe_descent, descent_view,
                              gradient_descent, quadratic_cost, quadratic_gradient, regime)
from nnlesson.lessons.plots import close


def _run(lr, k, steps=60):
    return gradient_descent(lambda w: quadratic_gradient(w, [k]), [1.0], lr, steps)[:, 0]


@pytest.mark.parametrize("k", [0.2, 1.0, 3.0])
def test_thresholds_match_the_iteration(k):
    # C = k w^2: steady below 1/(2k), oscillating between 1/(2k) and 1/k, diverging above 1/k
    for lr in np.linspace(0.01, 2 / k, 97):
        if min(abs(lr - 1 / (2 * k)), abs(lr - 1 / k)) < 1e-9:
            continue
        expected = "converges" if lr < 1 / (2 * k) else "oscillates" if lr < 1 / k else "diverges"
        assert regime(lr, k) == expected
        assert classify_path(_run(lr, k)) == expected, (lr, k)


def test_boundaries():
    assert regime(0, 1) == "stays"
    assert regime(0.5, 1) == "lands" and np.allclose(_run(0.5, 1)[1:], 0)
    assert regime(1.0, 1) == "bounces" and np.allclose(np.abs(_run(1.0, 1)), 1)
    assert regime(-0.1, 1) == "diverges" and classify_path(_run(-0.1, 1)) == "diverges"


def test_one_step_is_w_minus_lr_times_the_gradient_of_the_cost():
    k, w, lr, h = np.array([1.0, 0.2]), np.array([-1.5, 2.0]), 0.3, 1e-6
    numeric = np.array([(quadratic_cost(w + h * e, k) - quadratic_cost(w - h * e, k)) / (2 * h)
                        for e in np.eye(2)])
    assert np.allclose(quadratic_gradient(w, k), numeric, atol=1e-6)
    path = gradient_descent(lambda v: quadratic_gradient(v, k), w, lr, steps=1)
    assert np.allclose(path[1], w - lr * numeric, atol=1e-6)


def test_a_diverging_run_stops_before_overflowing():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        path = _run(1e300, 1.0, steps=1000)
    assert len(path) < 1000 and np.all(np.isfinite(path[:-1]))
    assert abs(path[-2]) <= LIMIT


def _drawn(fig):
    curve, bowl = fig.axes
    return curve.lines[1].get_xydata(), bowl.lines[0].get_xydata()


@pytest.mark.parametrize("lr, word, absent", [(0.1, "converges", "diverges"),
                                              (0.3, "converges", "oscillates"),
                                              (0.7, "oscillates", "diverges"),
                                              (1.2, "diverges", "converges"),
                                              (1.5, "diverges", "converges"),
                                              (-0.2, "diverges", "converges")])
def test_the_message_says_what_the_path_does(lr, word, absent):
    fig, message = descent_view(lr)
    assert word in message and absent not in message
    curve_path, bowl_path = _drawn(fig)
    assert np.all(np.isfinite(curve_path)) and np.all(np.isfinite(bowl_path))
    close(fig)


def test_the_drawn_paths_are_the_iterates():
    fig, _ = descent_view(0.3, k=(1.0, 0.2))
    curve_path, bowl_path = _drawn(fig)
    expected = gradient_descent(lambda w: quadratic_gradient(w, (1.0, 0.2)), START, 0.3)
    assert np.allclose(bowl_path, expected)
    assert np.allclose(curve_path[:, 0], expected[:, 0])          # the curve is w_1's cost
    assert np.allclose(curve_path[:, 1], expected[:, 0] ** 2)
    close(fig)


@pytest.mark.parametrize("lr", [1.2, 5.0, 1e300, 1e308])
def test_divergence_draws_no_nan_and_raises_no_warning(lr):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig, message = descent_view(lr)
    assert "diverges" in message
    for path in _drawn(fig):
        assert np.all(np.isfinite(path)) and np.max(np.abs(path[:, 0])) <= 2 * VIEW
    close(fig)


@pytest.mark.parametrize("lr, words", [(math.nan, "finite"), (math.inf, "finite"),
                                       ("0.1", "must be a number"), (None, "must be a number")])
def test_unusable_learning_rates_give_a_message(lr, words):
    fig, message = descent_view(lr)
    assert fig is None and words in message


def test_zero_learning_rate_moves_nothing():
    fig, message = descent_view(0)
    assert "never moves" in message
    _, bowl_path = _drawn(fig)
    assert np.allclose(bowl_path, START)
    close(fig)


def test_a_slow_shallow_direction_is_pointed_out():
    assert "crawls" in describe_descent(0.1)
    assert "crawls" not in describe_descent(1.2)


def test_the_bowl_shows_minus_the_gradient_as_arrows():
    from matplotlib.quiver import Quiver
    k = (1.0, 0.2)
    fig, _ = descent_view(0.3, k=k)
    bowl = fig.axes[1]
    arrows = [c for c in bowl.collections if isinstance(c, Quiver)]
    assert len(arrows) == 1
    q = arrows[0]
    points = np.column_stack([np.ravel(q.X), np.ravel(q.Y)])
    assert len(points) >= 25 and np.all(np.abs(points) <= VIEW)
    expected = -np.array([quadratic_gradient(p, k) for p in points])
    assert np.allclose(np.column_stack([np.ravel(q.U), np.ravel(q.V)]), expected)
    close(fig)
