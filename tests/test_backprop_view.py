"""Lesson 5's backprop widget: the passes it draws, the step it takes, the input it refuses."""
import re

import numpy as np
import pytest

from nnlesson.lessons import backprop_view as bv
from nnlesson.network import Network
from nnlesson.costs import cost, one_hot


@pytest.fixture
def digits():
    rng = np.random.default_rng(0)
    return Network(bv.SIZES, seed=0), rng.uniform(size=(784, 4)), np.array([7, 2, 1, 0])


def test_passes_are_backprop_layer_by_layer(digits):
    net, X, labels = digits
    x, y = X[:, [0]], one_hot(labels[:1], 10)
    a, delta, dC_da0 = bv.passes(net, x, y)
    nabla_W, nabla_b = net.backprop(x, y)
    for l in range(1, 4):  # same equations, same order of sums: equal to rounding
        np.testing.assert_allclose(delta[l] @ a[l - 1].T, nabla_W[l], rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(delta[l], nabla_b[l], rtol=1e-12, atol=1e-15)
    # dC/da^0 against a central difference on one pixel (error ~eps^2 and ~1e-16/eps: < 1e-8)
    eps, pixel = 1e-5, int(np.argmax(np.abs(dC_da0)))
    up, down = x.copy(), x.copy()
    up[pixel] += eps
    down[pixel] -= eps
    numeric = (cost(net.feedforward(up), y) - cost(net.feedforward(down), y)) / (2 * eps)
    assert dC_da0[pixel, 0] == pytest.approx(numeric, abs=1e-8)


@pytest.mark.parametrize("index", [0, 3])
def test_view_shows_first_and_last_digit(digits, index):
    net, X, labels = digits
    fig, message = bv.backprop_view(net, X, labels, index, 1.0)
    assert fig is not None
    assert f"Test image {index} is a {labels[index]}" in message
    said = int(re.search(r"the network says (\d)", message).group(1))
    assert said == int(np.argmax(net.feedforward(X[:, [index]])))


@pytest.mark.parametrize("index, lr, words", [
    (-1, 1.0, "from 0 to 3"), (4, 1.0, "from 0 to 3"), (1.5, 1.0, "whole number"),
    (True, 1.0, "whole number"), ("2", 1.0, "whole number"),
    (0, 0.0, "learning rate"), (0, -1.0, "learning rate"), (0, float("nan"), "learning rate"),
])
def test_bad_input_is_a_message_and_changes_nothing(digits, index, lr, words):
    net, X, labels = digits
    W_before = [w.copy() for w in net.W[1:]]
    for function in (bv.backprop_view, bv.sgd_step):
        fig, message = function(net, X, labels, index, lr)
        assert fig is None and words in message
    for old, new in zip(W_before, net.W[1:]):
        np.testing.assert_array_equal(old, new)


def test_wrong_images_or_network_is_a_message(digits):
    net, X, labels = digits
    assert "(784, n)" in bv.backprop_view(net, X.T, labels, 0)[1]
    assert "(784, n)" in bv.backprop_view(net, X, labels[:2], 0)[1]
    assert "784 inputs" in bv.backprop_view(Network((2, 3, 10)), X, labels, 0)[1]


def test_a_small_step_lowers_the_digits_cost_and_reports_what_moved(digits):
    net, X, labels = digits
    x, y = X[:, [1]], one_hot(labels[1:2], 10)
    before, W_before = cost(net.feedforward(x), y), [w.copy() for w in net.W[1:]]
    fig, message = bv.sgd_step(net, X, labels, 1, 0.1)
    # a small enough step along -gradient lowers the cost (first order: by lr |gradient|^2)
    assert fig is not None and cost(net.feedforward(x), y) < before
    for l, (old, new) in enumerate(zip(W_before, net.W[1:]), start=1):
        change = new - old
        j, k = np.unravel_index(np.argmax(np.abs(change)), change.shape)
        assert f"w^{l}_({j},{k}) {change[j, k]:+.4f}" in message
    assert f"cost {before:.4f} ->" in message


def test_widget_redraws_on_a_new_digit_and_on_each_step(digits):
    net, X, labels = digits
    box = bv.backprop_widget(net, X, labels, lr=1.0)
    sliders, message, plot = box.children
    digit_row, _, step = sliders.children
    digit = digit_row.children[1]  # after its name
    first = plot.value
    digit.value = 2
    assert plot.value != first and "Test image 2" in message.value
    shown = plot.value
    for n in range(1, 4):
        step.click()
        assert plot.value != shown and f"Step {n} on this digit. One step" in message.value
        shown = plot.value
    digit.value = 3  # a new digit starts the count again
    step.click()
    assert "Step 1 on this digit." in message.value
    assert {"nnl-backprop-digit", "nnl-backprop-step", "nnl-backprop-plot"} <= {
        c for w in (digit, step, plot) for c in w._dom_classes}


def test_lesson_network_learns_enough_to_show_on_real_digits(mnist):
    """The lesson's quick network (one epoch on 6,000 images) must know most digits, or the
    widget would show a network that has learned nothing. Chance is 10 %; 60 % is far from both."""
    net = bv.lesson_network(mnist)
    assert net.sizes == bv.SIZES
    X, y = mnist.X_test[:, :2000], mnist.y_test[:2000]
    assert np.mean(net.predict(X) == y) > 0.6


def test_passes_follow_the_networks_own_cost():
    """delta^L drawn for a cross-entropy network is backprop's, not the quadratic one's."""
    net = Network((4, 5, 3), init="classic", seed=1, cost="cross-entropy", output="softmax")
    x, y = np.full((4, 1), 0.5), one_hot(np.array([2]), 3)
    _, delta, _ = bv.passes(net, x, y)
    _, nabla_b = net.backprop(x, y)  # with one example, dC/db^l is delta^l
    for l in (1, 2):
        np.testing.assert_allclose(delta[l], nabla_b[l], rtol=1e-12, atol=1e-15)
