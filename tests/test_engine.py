"""The training engine does Network.sgd_step's arithmetic: same weights, same costs, same stops.

Tolerances. The engine and ``sgd_step`` do the same operations, but BLAS may add up the terms of
a product in another order, and the engine multiplies by the learning rate once in delta^L
instead of once per matrix. Each rounding is a relative error of at most u (float64:
u = 1.1e-16; float32: u = 6.0e-8), and the longest sums have n = 784 terms, so one product can
differ by up to n u relative to its terms: 8.7e-14 in float64, 4.7e-5 in float32. Runs here take
at most 40 steps, and the weights are of order 1. Training carries a difference forward and can
amplify it, by about 4 % a step at batch 10 and learning rate 4 (measured: float64 runs 1e-16
apart end 1e-6 apart after 600 steps), so by less than 5 over 40 steps. We allow 1e-11 in float64
(a hundred times the one-product bound) and 1e-4 in float32; a test shows that a learning rate off
by one part in 10^8 already breaks the float64 tolerance.
"""
import warnings

import numpy as np
import pytest

from nnlesson import Network, cost
from nnlesson import one_hot
from nnlesson.engine import Engine, run_epoch
from nnlesson.training import batch_order

TOL64 = dict(rtol=0, atol=1e-11)
TOL32 = dict(rtol=0, atol=1e-4)


def reference(net, X, Y, batches, lr):
    """The lesson code: one Network.sgd_step per batch; returns the costs it reports."""
    return [net.sgd_step(X[:, idx], Y[:, idx], lr) for idx in batches]


def assert_same_network(a, b, tol):
    for l in range(1, a.L + 1):
        np.testing.assert_allclose(a.W[l], b.W[l], **tol, err_msg=f"W[{l}]")
        np.testing.assert_allclose(a.b[l], b.b[l], **tol, err_msg=f"b[{l}]")


def random_problem(seed, sizes=(6, 5, 4, 3), n=53):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((sizes[0], n))
    Y = one_hot(rng.integers(0, sizes[-1], n), sizes[-1])
    return X, Y


@pytest.mark.parametrize("seed", range(4))
def test_engine_matches_sgd_step_on_random_data(seed):
    X, Y = random_problem(seed)
    batches = next(batch_order(53, 8, 1, seed))  # 53 = 6 * 8 + 5: a short last batch
    a, b = Network((6, 5, 4, 3), init="classic", seed=seed), Network((6, 5, 4, 3), "classic", seed)
    expected = reference(a, X, Y, batches, lr=2.5)
    losses = run_epoch(b, X, Y, batches, lr=2.5)
    assert len(losses) == len(batches) == 7 and len(batches[-1]) == 5
    assert_same_network(a, b, TOL64)
    np.testing.assert_allclose(losses, expected, rtol=1e-12)


def test_the_tolerance_can_tell_a_slightly_wrong_learning_rate(mnist):
    """The float64 tolerance is tight: a learning rate 1e-8 too large already fails it."""
    small = mnist.subset(600, 10)
    X, Y = small.X_train, one_hot(small.y_train)
    batches = next(batch_order(600, 32, 1, 5))
    a, b = Network(seed=1), Network(seed=1)
    reference(a, X, Y, batches, lr=4.0)
    run_epoch(b, X, Y, batches, lr=4.0 * (1 + 1e-8))
    with pytest.raises(AssertionError):
        assert_same_network(a, b, TOL64)


def test_engine_matches_sgd_step_on_mnist(mnist):
    """784-32-16-10 on 600 real images, batch 32: 18 full batches and one of 24, two epochs."""
    small = mnist.subset(600, 10)
    X, Y = small.X_train, one_hot(small.y_train)
    a, b = Network(seed=1), Network(seed=1)
    engine = Engine(b, X, Y)
    for batches in batch_order(600, 32, 2, 5):
        expected = reference(a, X, Y, batches, lr=4.0)
        losses = engine.run_epoch(batches, lr=4.0)
        np.testing.assert_allclose(losses, expected, rtol=1e-12)
    assert_same_network(a, b, TOL64)
    assert not np.allclose(a.W[3], Network(seed=1).W[3], atol=1e-3)  # it did learn something


def test_float32_engine_is_close_to_float64_lesson_code(mnist):
    small = mnist.subset(600, 10)
    X, Y = small.X_train, one_hot(small.y_train)
    batches = next(batch_order(600, 16, 1, 2))
    a, b = Network(seed=3), Network(seed=3, dtype=np.float32)
    expected = reference(a, X, Y, batches, lr=3.0)
    losses = run_epoch(b, X, Y, batches, lr=3.0)
    assert b.W[1].dtype == np.float32 and b.b[3].dtype == np.float32
    assert_same_network(a, b, TOL32)
    np.testing.assert_allclose(losses, expected, rtol=1e-4)


def test_losses_are_the_packages_cost_before_each_step():
    X, Y = random_problem(7, n=30)
    batches = next(batch_order(30, 7, 1, 0))  # 7, 7, 7, 7, 2
    net, shadow = Network((6, 5, 4, 3), seed=7), Network((6, 5, 4, 3), seed=7)
    before = []
    for idx in batches:  # the cost of each batch by cost(), on the network as it was then
        before.append(cost(shadow.feedforward(X[:, idx]), Y[:, idx]))
        shadow.sgd_step(X[:, idx], Y[:, idx], 1.5)
    np.testing.assert_allclose(run_epoch(net, X, Y, batches, 1.5), before, rtol=1e-12)


def test_the_callback_sees_every_step_and_can_stop():
    X, Y = random_problem(1, n=40)
    batches = next(batch_order(40, 4, 1, 1))
    net, shadow = Network((6, 5, 4, 3), seed=0), Network((6, 5, 4, 3), seed=0)
    seen = []

    def on_batch(k, loss):
        idx = batches[k - 1]
        expected = shadow.sgd_step(X[:, idx], Y[:, idx], 2.0)
        np.testing.assert_allclose(net.W[1], shadow.W[1], **TOL64)  # net has taken step k
        seen.append((k, loss, expected))
        return k == 3

    losses = run_epoch(net, X, Y, batches, 2.0, on_batch=on_batch)
    assert [k for k, _, _ in seen] == [1, 2, 3] and len(losses) == 3
    np.testing.assert_allclose([s[1] for s in seen], [s[2] for s in seen], rtol=1e-12)
    assert_same_network(net, shadow, TOL64)  # and no step after the stop


def test_weights_keep_their_values_and_stay_the_networks():
    net = Network((6, 5, 4, 3), seed=2)
    before = [w.copy() for w in net.W[1:]]
    engine = Engine(net, *random_problem(2))
    for l in range(1, 4):  # re-stored in Fortran order: a copy, so exactly the same numbers
        np.testing.assert_array_equal(net.W[l], before[l - 1])
    W1 = net.W[1]
    engine.run_epoch([np.arange(10)], 1.0)
    assert net.W[1] is W1 and not np.array_equal(W1, before[0])  # updated in place


def test_saturated_sigmoid_gives_no_warning_and_leaves_error_settings_alone():
    """z of -1000 overflows e^(-z); sigma is then exactly 0, as the lesson code's clipping gives."""
    X, Y = random_problem(3, n=20)
    net, shadow = Network((6, 5, 4, 3), seed=3), Network((6, 5, 4, 3), seed=3)
    for n in (net, shadow):
        n.b[1][:] = -1000.0
    settings = np.geterr()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        losses = run_epoch(net, X, Y, [np.arange(20)], 1.0,
                           on_batch=lambda k, loss: settings.update(inside=np.geterr()))
    assert settings.pop("inside") == settings == np.geterr()  # the callback sees the caller's
    assert np.isfinite(losses[0])
    np.testing.assert_allclose(losses, reference(shadow, X, Y, [np.arange(20)], 1.0), rtol=1e-12)
    assert_same_network(net, shadow, TOL64)


@pytest.mark.parametrize("X, Y, message", [
    (np.zeros((53, 6)), np.zeros((3, 53)), r"X must have shape \(6, n\) and Y \(3, n\).*\(53, 6\)"),
    (np.zeros((6, 53)), np.zeros((10, 53)), r"Y \(3, n\).*got \(6, 53\) and \(10, 53\)"),
    (np.zeros((6, 53)), np.zeros((3, 52)), "X has 53 examples but Y has 52"),
    (np.full((6, 53), np.nan), np.zeros((3, 53)), "X contains NaN or infinite values"),
    (np.zeros((6, 53)), np.full((3, 53), np.inf), "Y contains NaN or infinite values"),
])
def test_bad_data_get_one_clear_sentence(X, Y, message):
    with pytest.raises(ValueError, match=message):
        Engine(Network((6, 5, 4, 3)), X, Y)


@pytest.mark.parametrize("batches, lr, message", [
    ([np.arange(8)], -1.0, "learning rate must be a positive number, got -1.0"),
    ([np.arange(8)], True, "learning rate must be a positive number"),
    ([np.arange(50, 60)], 1.0, r"batch indices must lie in 0\.\.52 .* got 50\.\.59"),
    ([np.array([-1, 2])], 1.0, r"must lie in 0\.\.52"),
    ([np.arange(8), np.array([], dtype=int)], 1.0, "non-empty 1-D arrays of example indices"),
    ([np.array([0.0, 1.0])], 1.0, "non-empty 1-D arrays of example indices"),
    ([], 1.0, "non-empty 1-D arrays of example indices"),
])
def test_bad_batches_or_rates_get_one_clear_sentence_and_change_nothing(batches, lr, message):
    net = Network((6, 5, 4, 3), seed=0)
    engine = Engine(net, *random_problem(0))
    before = [w.copy() for w in net.W[1:]]
    with pytest.raises(ValueError, match=message):
        engine.run_epoch(batches, lr)
    for l in range(1, 4):
        np.testing.assert_array_equal(net.W[l], before[l - 1])


COMBINATIONS = [("quadratic", "sigmoid"), ("cross-entropy", "sigmoid"), ("cross-entropy", "softmax")]


@pytest.mark.parametrize("cost_name, output", COMBINATIONS)
@pytest.mark.parametrize("seed", range(3))
def test_engine_matches_sgd_step_for_every_cost_and_output(seed, cost_name, output):
    X, Y = random_problem(seed)
    batches = next(batch_order(53, 8, 1, seed))
    a, b = (Network((6, 5, 4, 3), "classic", seed, cost=cost_name, output=output) for _ in "ab")
    expected = reference(a, X, Y, batches, lr=2.5)
    losses = run_epoch(b, X, Y, batches, lr=2.5)
    assert_same_network(a, b, TOL64)
    np.testing.assert_allclose(losses, expected, rtol=1e-12)
    assert not np.allclose(a.W[3], Network((6, 5, 4, 3), "classic", seed).W[3], atol=1e-3)


@pytest.mark.parametrize("cost_name, output", COMBINATIONS[1:])
def test_engine_matches_sgd_step_on_mnist_with_cross_entropy(mnist, cost_name, output):
    small = mnist.subset(600, 10)
    X, Y = small.X_train, one_hot(small.y_train)
    a, b = (Network(seed=1, cost=cost_name, output=output) for _ in "ab")
    for batches in batch_order(600, 20, 1, 5):
        expected = reference(a, X, Y, batches, lr=0.5)
        np.testing.assert_allclose(run_epoch(b, X, Y, batches, lr=0.5), expected, rtol=1e-12)
    assert_same_network(a, b, TOL64)


@pytest.mark.parametrize("output", ["sigmoid", "softmax"])
def test_saturated_cross_entropy_outputs_give_finite_costs_and_no_warning(output):
    """Outputs driven to exactly 0 and 1: ln 0 would be -inf; the clipped cost stays finite."""
    X, Y = random_problem(4, n=20)
    net, shadow = (Network((6, 5, 4, 3), seed=4, cost="cross-entropy", output=output) for _ in "ab")
    for n in (net, shadow):
        n.W[3][:] = 0.0
        n.b[3][:] = np.array([[-1000.0], [1000.0], [-1000.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        losses = run_epoch(net, X, Y, [np.arange(20)], 1.0)
        expected = reference(shadow, X, Y, [np.arange(20)], 1.0)
    assert np.isfinite(losses[0]) and losses[0] > 10  # confidently wrong answers cost a lot
    np.testing.assert_allclose(losses, expected, rtol=1e-12)
    assert_same_network(net, shadow, TOL64)


def test_softmax_targets_must_add_up_to_one():
    X, Y = random_problem(0)
    with pytest.raises(ValueError, match="each column of Y must add up to 1"):
        Engine(Network((6, 5, 4, 3), cost="cross-entropy", output="softmax"), X, 0.5 * Y)


# ---- lesson 8: L2 regularisation ----

@pytest.mark.parametrize("cost_name, output", COMBINATIONS)
@pytest.mark.parametrize("seed", range(2))
def test_engine_matches_sgd_step_with_l2(seed, cost_name, output):
    """The engine shrinks W by (1 - lr lambda / n) and subtracts lr dC_0/dW; sgd_step subtracts
    lr (dC_0/dW + (lambda / n) W). Both are a few roundings of the same terms of order 1, so the
    argument of the module docstring (and TOL64) holds unchanged. n is the number of examples the
    engine was given, 53, as sgd_step is told."""
    X, Y = random_problem(seed)
    batches = next(batch_order(53, 8, 1, seed))
    a, b, plain = (Network((6, 5, 4, 3), "classic", seed, cost=cost_name, output=output)
                   for _ in "abc")
    expected = [a.sgd_step(X[:, idx], Y[:, idx], 2.5, l2=4.0, n=53) for idx in batches]
    losses = run_epoch(b, X, Y, batches, lr=2.5, l2=4.0)
    assert_same_network(a, b, TOL64)
    np.testing.assert_allclose(losses, expected, rtol=1e-12)
    run_epoch(plain, X, Y, batches, lr=2.5)  # and L2 made a difference the tolerance sees
    with pytest.raises(AssertionError):
        assert_same_network(plain, b, TOL64)


def test_engine_with_l2_divides_lambda_by_the_training_set_not_the_batch():
    """lambda / n with n = 53 examples, not lambda / m with the batch's m = 8: the latter gives
    steps that decay 6.6 times too much, far outside the tolerance."""
    X, Y = random_problem(1)
    batches = next(batch_order(53, 8, 1, 1))
    a, b = Network((6, 5, 4, 3), "classic", 1), Network((6, 5, 4, 3), "classic", 1)
    for idx in batches:
        a.sgd_step(X[:, idx], Y[:, idx], 2.5, l2=4.0, n=len(idx))
    run_epoch(b, X, Y, batches, lr=2.5, l2=4.0)
    with pytest.raises(AssertionError):
        assert_same_network(a, b, TOL64)


def test_engine_matches_sgd_step_with_l2_on_mnist(mnist):
    """784-32-16-10, cross-entropy and softmax, on 600 real images at lambda 5: one epoch."""
    small = mnist.subset(600, 10)
    X, Y = small.X_train, one_hot(small.y_train)
    a, b = (Network(seed=1, cost="cross-entropy", output="softmax") for _ in "ab")
    batches = next(batch_order(600, 20, 1, 5))
    expected = [a.sgd_step(X[:, idx], Y[:, idx], 0.5, l2=5.0, n=600) for idx in batches]
    np.testing.assert_allclose(run_epoch(b, X, Y, batches, lr=0.5, l2=5.0), expected, rtol=1e-12)
    assert_same_network(a, b, TOL64)


@pytest.mark.parametrize("l2", [-1.0, float("nan"), "5", None])
def test_bad_l2_gets_one_clear_sentence_and_changes_nothing(l2):
    net = Network((6, 5, 4, 3), seed=0)
    engine = Engine(net, *random_problem(0))
    before = [w.copy() for w in net.W[1:]]
    with pytest.raises(ValueError, match="l2 .* must be a number of at least 0"):
        engine.run_epoch([np.arange(8)], 1.0, l2=l2)
    for l in range(1, 4):
        np.testing.assert_array_equal(net.W[l], before[l - 1])
