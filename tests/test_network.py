"""The network against independent references: finite differences and a per-example loop."""
import numpy as np
import pytest

from nnlesson import Network, cost, sigmoid, sigmoid_prime
from nnlesson.tools.bench import naive_backprop


def central_differences(net, X, Y, params, cost=None):
    """dC/dp for each (list, l, index) in params, by (C(p + eps) - C(p - eps)) / 2 eps; C is
    ``cost(net, X, Y)``, the quadratic cost_of by default."""
    cost = cost or cost_of
    eps, grads = 1e-6, []
    for which, l, idx in params:
        P = getattr(net, which)[l]
        keep = P[idx]
        P[idx] = keep + eps
        up = cost(net, X, Y)
        P[idx] = keep - eps
        down = cost(net, X, Y)
        P[idx] = keep
        grads.append((up - down) / (2 * eps))
    return np.array(grads)


def cost_of(net, X, Y):
    """The batch cost, written out here from its definition: mean over examples of sum (a - y)^2."""
    return np.sum((net.feedforward(X) - Y) ** 2) / X.shape[1]


def relative_error(a, b):
    return np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-300)


def all_params(net):
    return [(which, l, idx) for l in range(1, net.L + 1) for which in ("W", "b")
            for idx in np.ndindex(getattr(net, which)[l].shape)]


@pytest.mark.parametrize("seed", range(6))
def test_backprop_matches_finite_differences_on_random_small_networks(seed):
    rng = np.random.default_rng(seed)
    sizes = tuple(rng.integers(1, 6, size=rng.integers(2, 5)))
    net = Network(sizes, init="classic", seed=seed)
    m = int(rng.integers(1, 7))
    X, Y = rng.random((sizes[0], m)), rng.random((sizes[-1], m))
    nabla_W, nabla_b = net.backprop(X, Y)
    params = all_params(net)
    analytic = np.array([(nabla_W if w == "W" else nabla_b)[l][idx] for w, l, idx in params])
    assert relative_error(analytic, central_differences(net, X, Y, params)) < 1e-7


def test_backprop_spot_check_on_the_papers_784_32_16_10_network():
    rng = np.random.default_rng(1)
    net = Network((784, 32, 16, 10), init="scaled", seed=3)
    X, Y = rng.random((784, 5)), np.eye(10)[:, rng.integers(0, 10, 5)]
    nabla_W, nabla_b = net.backprop(X, Y)
    params = []
    for l in range(1, 4):
        for _ in range(6):
            params.append(("W", l, tuple(rng.integers(0, s) for s in net.W[l].shape)))
        params.append(("b", l, (int(rng.integers(0, net.b[l].shape[0])), 0)))
    analytic = np.array([(nabla_W if w == "W" else nabla_b)[l][idx] for w, l, idx in params])
    assert relative_error(analytic, central_differences(net, X, Y, params)) < 1e-7


def test_batch_gradient_is_the_mean_of_per_example_gradients():
    """The two differ only in the order of additions, and the sizes keep that below rtol 1e-12
    whatever order a BLAS chooses. Each gradient entry is a sum of m = 8 per-example terms, each
    made of dot products of at most 6 terms; dividing by 8 is exact. Reordering changes such a
    sum by at most about (8 + 20) u times the sum of the terms' sizes (u = 1.1e-16), and for these
    seeded data that sum of sizes is at most 17 times the mean itself: 5e-14 relative, 20 times
    inside the tolerance (atol only matters for entries below 1e-3; there are none)."""
    rng = np.random.default_rng(2)
    net = Network((6, 5, 4, 3), seed=2)
    X, Y = rng.random((6, 8)), rng.random((3, 8))
    nabla_W, nabla_b = net.backprop(X, Y)
    per_example = [naive_backprop(net, X[:, i:i + 1], Y[:, i:i + 1]) for i in range(8)]
    for l in range(1, 4):
        np.testing.assert_allclose(nabla_W[l], np.mean([g[0][l] for g in per_example], axis=0),
                                   rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(nabla_b[l], np.mean([g[1][l] for g in per_example], axis=0),
                                   rtol=1e-12, atol=1e-15)


def test_feedforward_is_the_papers_formula_layer_by_layer():
    """The same operations as sigmoid(), so only the order of the sums in W x may differ (3 and 4
    terms plus the bias): at most 5 u times the sum of the terms' sizes, which for these seeded
    numbers is at most 5 times |z|. Through sigma (slope at most 1/4) and the next layer that is
    below 3e-15 relative in a^2, so rtol 1e-14 holds for any BLAS."""
    rng = np.random.default_rng(0)
    net = Network((3, 4, 2), seed=5)
    x = rng.random(3)
    a1 = 1 / (1 + np.exp(-(net.W[1] @ x.reshape(3, 1) + net.b[1])))
    a2 = 1 / (1 + np.exp(-(net.W[2] @ a1 + net.b[2])))
    np.testing.assert_allclose(net.feedforward(x), a2, rtol=1e-14)
    assert net.W[1].shape == (4, 3) and net.b[1].shape == (4, 1) and net.W[0] is None


def test_sgd_step_moves_against_the_gradient_and_lowers_the_cost():
    """W^1 - 0.1 dC/dW^1, compared at rtol 1e-14: a summation order other than backprop's moves
    dC/dW^1 (sums of 10 terms, at most 6 times their total, for these seeded numbers) by under
    2e-14 of itself, and 0.1 |dC/dW^1| < 1e-3 while |W^1 - 0.1 dC/dW^1| > 0.014: under 1e-15
    relative. The cost is a sum of positive squares (no cancellation): rel 1e-12 is generous."""
    rng = np.random.default_rng(4)
    net = Network((4, 3, 2), seed=1)
    X, Y = rng.random((4, 10)), rng.random((2, 10))
    before = cost_of(net, X, Y)
    nabla_W, _ = net.backprop(X, Y)
    W1 = net.W[1].copy()
    returned = net.sgd_step(X, Y, lr=0.1)
    np.testing.assert_allclose(net.W[1], W1 - 0.1 * nabla_W[1], rtol=1e-14)
    assert returned == pytest.approx(before, rel=1e-12)
    assert cost_of(net, X, Y) < before


def test_sigmoid_at_extreme_inputs_is_exact_and_silent():
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # any overflow or invalid operation fails the test
        for dtype in (np.float64, np.float32):
            z = np.array([-1e6, -1000, -710, -89, 0, 89, 710, 1000, 1e6], dtype=dtype)
            s = sigmoid(z)
            assert s.dtype == dtype and np.all(np.isfinite(s))
            tiny = 1e-34 if dtype == np.float32 else 1e-300  # e^-z itself is below what we clip
            assert 0 <= s[0] < tiny and s[-1] == 1 and s[4] == 0.5
            assert np.all(np.diff(s) >= 0)
            assert np.all(sigmoid_prime(z) >= 0)
    assert sigmoid(np.float64(-700)) > 0  # not flushed to zero where float64 can still say it
    np.testing.assert_allclose(sigmoid_prime(np.array([0.0, 2.0])),
                               [0.25, np.exp(-2) / (1 + np.exp(-2)) ** 2], rtol=1e-14)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_learning_rate_20_saturates_without_warnings_or_nan(dtype):
    rng = np.random.default_rng(0)
    net = Network((20, 8, 4), init="classic", seed=0, dtype=dtype)
    X, Y = rng.random((20, 10)) * 50, np.eye(4)[:, rng.integers(0, 4, 10)]
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        for _ in range(200):
            net.sgd_step(X, Y, lr=20)
        assert np.all(np.isfinite(net.feedforward(X)))
    assert all(net.W[l].dtype == dtype for l in (1, 2))


def test_float32_on_request_and_float64_by_default():
    assert Network((3, 2)).W[1].dtype == np.float64
    net = Network((3, 2), dtype=np.float32)
    assert net.feedforward(np.ones(3)).dtype == np.float32
    assert all(g.dtype == np.float32 for g in net.backprop(np.ones((3, 2)), np.ones((2, 2)))[0][1:])


def test_initialisations_are_named_seeded_and_scaled():
    a, b = Network(seed=7), Network(seed=7)
    assert all(np.array_equal(a.W[l], b.W[l]) for l in (1, 2, 3))
    assert not np.array_equal(a.W[1], Network(seed=8).W[1])
    classic, scaled = Network(init="classic", seed=0), Network(init="scaled", seed=0)
    assert classic.W[1].std() == pytest.approx(1.0, rel=0.02)
    assert scaled.W[1].std() == pytest.approx(1 / np.sqrt(784), rel=0.02)
    assert scaled.W[2].std() == pytest.approx(1 / np.sqrt(32), rel=0.1)
    assert Network().n_params == 25818 == sum(n * (m + 1) for m, n in [(784, 32), (32, 16), (16, 10)])


@pytest.mark.parametrize("call, message", [
    (lambda net: net.feedforward(np.ones((5, 2))), r"shape \(784, m\)"),
    (lambda net: net.feedforward(np.ones((2, 784))), "transpose"),
    (lambda net: net.feedforward(np.full((784, 1), np.nan)), "NaN"),
    (lambda net: net.backprop(np.ones((784, 3)), np.ones((10, 2))), "3 examples but Y has 2"),
    (lambda net: net.backprop(np.ones((784, 3)), np.ones((9, 3))), r"Y must have shape \(10, m\)"),
    (lambda net: net.sgd_step(np.ones((784, 1)), np.ones((10, 1)), lr=0), "positive"),
    (lambda net: net.sgd_step(np.ones((784, 1)), np.ones((10, 1)), lr=-1), "positive"),
    (lambda net: net.sgd_step(np.ones((784, 1)), np.ones((10, 1)), lr=float("nan")), "positive"),
    (lambda net: net.sgd_step(np.ones((784, 1)), np.ones((10, 1)), lr="4"), "positive"),
    (lambda net: Network((784,)), "at least two"),
    (lambda net: Network((784, 0, 10)), "positive whole"),
    (lambda net: Network((784, 2.5, 10)), "positive whole"),
    (lambda net: Network((784, True, 10)), "positive whole"),  # True is not a layer of 1 neuron
    (lambda net: Network(seed=-1), "seed must be a whole number"),
    (lambda net: Network(seed=2.5), "seed must be a whole number"),
    (lambda net: Network(init="zeros"), "init must be one of"),
    (lambda net: Network(dtype=np.int32), "float32 or float64"),
])
def test_bad_arguments_get_a_clear_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call(Network())


# ---- issue #12: the cost and the output layer are choices ----

def cost_by_definition(net, X, Y):
    """The batch cost written out here from the definitions, independently of the package."""
    a, m = net.feedforward(X), X.shape[1]
    if net.cost_name == "quadratic":
        return np.sum((a - Y) ** 2) / m
    if net.output == "sigmoid":
        return -np.sum(Y * np.log(a) + (1 - Y) * np.log(1 - a)) / m
    return -np.sum(Y * np.log(a)) / m


def finite_difference_error(net, X, Y):
    """Relative distance between backprop's gradient and central differences of the cost."""
    nabla_W, nabla_b = net.backprop(X, Y)
    params = all_params(net)
    analytic = np.array([(nabla_W if w == "W" else nabla_b)[l][idx] for w, l, idx in params])
    return relative_error(analytic, central_differences(net, X, Y, params, cost_by_definition))


COMBINATIONS = [("quadratic", "sigmoid"), ("cross-entropy", "sigmoid"), ("cross-entropy", "softmax")]


def small_problem(seed, output):
    """Data for a 3-4-3 network: one-hot targets for softmax (its delta needs sum_i y_i = 1)."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((3, 5))
    Y = np.eye(3)[:, rng.integers(0, 3, 5)] if output == "softmax" else rng.random((3, 5))
    return X, Y


@pytest.mark.parametrize("cost_name, output", COMBINATIONS)
@pytest.mark.parametrize("seed", range(4))
def test_backprop_matches_finite_differences_for_every_cost_and_output(seed, cost_name, output):
    """Central differences err by about eps^2 C''' ~ 1e-12 and by rounding u C / eps ~ 1e-10 of
    the gradient; 1e-7 (as above) still fails a wrong formula by far (the next test)."""
    net = Network((3, 4, 3), init="classic", seed=seed, cost=cost_name, output=output)
    X, Y = small_problem(seed, output)
    assert finite_difference_error(net, X, Y) < 1e-7
    assert net.cost(X, Y) == pytest.approx(cost_by_definition(net, X, Y), rel=1e-12)


@pytest.mark.parametrize("cost_name, output, wrong", [
    ("cross-entropy", "sigmoid", lambda a, y: (a - y) * a * (1 - a)),  # sigma' kept, not cancelled
    ("cross-entropy", "softmax", lambda a, y: 2 * (a - y)),            # the quadratic's factor 2
    ("quadratic", "sigmoid", lambda a, y: a - y),                      # the cross-entropy's delta
])
def test_a_wrong_output_delta_fails_the_finite_difference_check(monkeypatch, cost_name, output,
                                                                 wrong):
    net = Network((3, 4, 3), init="classic", seed=1, cost=cost_name, output=output)
    X, Y = small_problem(1, output)
    monkeypatch.setattr(Network, "_output_delta", lambda self, a, y: wrong(a, y))
    assert finite_difference_error(net, X, Y) > 1e-2


def test_softmax_outputs_are_probabilities_and_the_default_is_unchanged():
    net = Network((3, 4, 5), seed=2, cost="cross-entropy", output="softmax")
    a = net.feedforward(np.random.default_rng(0).standard_normal((3, 7)))
    assert np.all(a > 0) and np.allclose(a.sum(axis=0), 1.0, rtol=0, atol=1e-15)
    assert repr(net).endswith("cost='cross-entropy', output='softmax')")
    default = Network((3, 4, 5), seed=2)
    assert (default.cost_name, default.output) == ("quadratic", "sigmoid")
    assert repr(default) == "Network(3-4-5, init='scaled', seed=2, dtype=float64)"
    X, Y = np.ones((3, 2)), np.zeros((5, 2))
    assert default.cost(X, Y) == pytest.approx(cost(default.feedforward(X), Y), rel=1e-15)


@pytest.mark.parametrize("output", ["sigmoid", "softmax"])
def test_cross_entropy_of_saturated_outputs_is_finite_and_silent(output):
    """a exactly 0 where y = 1: ln 0 would be -inf; clipped to eps, the cost is large but finite."""
    a = np.array([[0.0, 1.0], [1.0, 0.0]])
    y = np.array([[1.0, 1.0], [0.0, 0.0]])
    with np.errstate(all="raise"):
        c = cost(a, y, "cross-entropy", output)
    one_wrong = -np.log(np.finfo(np.float64).eps)  # 36.04: an output of 0 where y = 1
    # column 1 is all wrong (sigmoid also charges a = 1 where y = 0); column 2 is right: cost 0
    expected = (2 * one_wrong if output == "sigmoid" else one_wrong) / 2
    assert c == pytest.approx(expected, rel=1e-6)


# ---- lesson 8: L2 regularisation, C = C_0 + (lambda / 2n) sum of w^2 over the weights ----

def regularised_cost(l2, n):
    """C_0 by definition plus the penalty written out here: weights only, never the biases."""
    def C(net, X, Y):
        squares = sum(np.sum(net.W[l] ** 2) for l in range(1, net.L + 1))
        return cost_by_definition(net, X, Y) + l2 / (2 * n) * squares
    return C


def l2_gradient_error(net, X, Y, l2, n, backprop_l2):
    """Relative distance between backprop(l2=backprop_l2) and central differences of C_0 plus
    the penalty with l2."""
    nabla_W, nabla_b = net.backprop(X, Y, l2=backprop_l2, n=n)
    params = all_params(net)
    analytic = np.array([(nabla_W if w == "W" else nabla_b)[l][idx] for w, l, idx in params])
    numeric = central_differences(net, X, Y, params, regularised_cost(l2, n))
    return relative_error(analytic, numeric)


@pytest.mark.parametrize("cost_name, output", COMBINATIONS)
@pytest.mark.parametrize("l2, n", [(5.0, 50), (0.3, 7)])
def test_l2_gradient_matches_finite_differences_of_the_regularised_cost(cost_name, output, l2, n):
    """The penalty is a quadratic, so central differences are exact for it up to rounding: the
    1e-7 of the unregularised check holds. The same check fails by far when backprop leaves the
    penalty out, so the term is large enough here to be seen."""
    net = Network((3, 4, 3), init="classic", seed=2, cost=cost_name, output=output)
    X, Y = small_problem(2, output)
    assert l2_gradient_error(net, X, Y, l2, n, backprop_l2=l2) < 1e-7
    assert l2_gradient_error(net, X, Y, l2, n, backprop_l2=0.0) > 1e-2
    assert net.cost(X, Y, l2=l2, n=n) == pytest.approx(regularised_cost(l2, n)(net, X, Y),
                                                       rel=1e-12)


def test_l2_step_is_weight_decay_and_leaves_the_biases_alone():
    """Nielsen's form of the step, W <- (1 - lr lambda / n) W - lr dC_0/dW, computed here from
    the unregularised gradient: the same numbers up to a few roundings of terms of order 1
    (rtol 1e-13). The biases step as without L2: b - lr dC_0/db, to the same tolerance."""
    rng = np.random.default_rng(4)
    X, Y = rng.random((784, 5)), np.eye(10)[:, rng.integers(0, 10, 5)]
    net, plain = Network(seed=4), Network(seed=4)
    nabla_W, nabla_b = net.backprop(X, Y)
    W1, b1, lr, l2, n = net.W[1].copy(), net.b[1].copy(), 0.5, 5.0, 100
    net.sgd_step(X, Y, lr, l2=l2, n=n)
    plain.sgd_step(X, Y, lr)
    np.testing.assert_allclose(net.W[1], (1 - lr * l2 / n) * W1 - lr * nabla_W[1], rtol=1e-13)
    np.testing.assert_allclose(net.b[1], b1 - lr * nabla_b[1], rtol=1e-13)
    np.testing.assert_allclose(net.b[1], plain.b[1], rtol=1e-13)
    assert not np.allclose(net.W[1], plain.W[1], rtol=1e-3)  # lr lambda / n = 2.5 %: it shows
    assert np.linalg.norm(net.W[1]) < np.linalg.norm(plain.W[1])


@pytest.mark.parametrize("kwargs, message", [
    (dict(l2=-1.0, n=10), "l2 .* must be a number of at least 0, 0 for none, got -1.0"),
    (dict(l2=float("nan"), n=10), "must be a number of at least 0, 0 for none, got nan"),
    (dict(l2="5", n=10), "must be a number of at least 0, 0 for none, got '5'"),
    (dict(l2=True, n=10), "must be a number of at least 0"),
    (dict(l2=5.0), r"n \(the number of training examples.*got None"),
    (dict(l2=5.0, n=0), r"n \(the number of training examples.*got 0"),
])
@pytest.mark.parametrize("method", ["sgd_step", "backprop", "cost"])
def test_bad_l2_gets_a_clear_value_error_and_changes_nothing(method, kwargs, message):
    net = Network((3, 4, 3), seed=0)
    X, Y = small_problem(0, "sigmoid")
    before = [w.copy() for w in net.W[1:]] + [b.copy() for b in net.b[1:]]
    args = (X, Y, 0.5) if method == "sgd_step" else (X, Y)
    with pytest.raises(ValueError, match=message):
        getattr(net, method)(*args, **kwargs)
    for old, new in zip(before, net.W[1:] + net.b[1:]):
        np.testing.assert_array_equal(old, new)
