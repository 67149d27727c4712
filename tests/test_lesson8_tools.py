"""Lesson 8's helpers (generalisation, start, probabilities), against independent computations."""
import numpy as np
import pytest

from nnlesson import Dataset, Network, one_hot, sigmoid, sigmoid_prime, train
from nnlesson.lessons.generalisation import accuracy_curves, first_images
from nnlesson.lessons.probabilities import calibration, output_sums
from nnlesson.lessons.start import Z_SATURATED, after_steps, hidden_z, saturated_fraction
from nnlesson.training import batch_order


def toy_data(n=120, seed=0):
    """Ten blurry 'digits' on 16 pixels: class k lights pixel k, plus noise (learnable)."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 10, n)
    X = 0.1 * rng.random((16, n))
    X[y, np.arange(n)] += 0.8
    return Dataset(X, y, X[:, :40].copy(), y[:40].copy(), X[:, 40:80].copy(), y[40:80].copy())


def test_first_images_keeps_the_judging_sets_whole():
    data = toy_data()
    small = first_images(data, 30)
    assert small.X_train.shape == (16, 30) and np.array_equal(small.y_train, data.y_train[:30])
    assert small.X_test is data.X_test and small.X_val is data.X_val
    for bad in (0, 121):
        with pytest.raises(ValueError, match="from 1 to 120"):
            first_images(data, bad)


def test_accuracy_curves_measure_what_evaluate_measures():
    data = toy_data()
    net = Network((16, 12, 10), init="scaled", seed=1)
    seen, unseen = accuracy_curves(net, data, epochs=12, batch_size=10, lr=3.0)
    assert seen.shape == unseen.shape == (12,)
    # the last entries are the trained network's scores, computed here without evaluate
    for X, y, score in ((data.X_train, data.y_train, seen[-1]), (data.X_test, data.y_test,
                                                                  unseen[-1])):
        assert score == pytest.approx(100 * np.mean(net.feedforward(X).argmax(axis=0) == y))
    assert seen[-1] > seen[0]  # it learned something


def test_z_saturated_is_where_sigma_prime_is_one_hundredth():
    assert sigmoid_prime(Z_SATURATED) == pytest.approx(0.01, rel=1e-12)


def test_hidden_z_are_the_weighted_inputs_of_the_forward_pass():
    net = Network((16, 7, 5, 10), init="classic", seed=2)
    X = toy_data().X_train[:, :9]
    z = hidden_z(net, X)
    a = net.activations(X)  # the network's own forward pass
    assert len(z) == 2
    for l in (1, 2):
        np.testing.assert_allclose(sigmoid(z[l - 1]), a[l], rtol=1e-12)
        np.testing.assert_allclose(z[l - 1], net.W[l] @ a[l - 1] + net.b[l], rtol=1e-12)


def test_saturated_fraction_counts_neuron_image_pairs():
    net = Network((16, 7, 10), init="scaled", seed=0)
    X = toy_data().X_train[:, :20]
    net.W[1][:] = 0
    net.b[1][:] = 0
    net.b[1][:3] = 2 * Z_SATURATED  # 3 of 7 neurons saturated for every image
    assert saturated_fraction(net, X) == [pytest.approx(3 / 7)]


def test_after_steps_takes_exactly_that_many_textbook_steps():
    data = toy_data()
    net = Network((16, 8, 10), init="scaled", seed=3)
    by_hand = net.copy()
    after_steps(net, data, steps=15, batch_size=20, lr=2.0, seed=4)  # 6 batches per epoch
    batches = [idx for epoch in batch_order(120, 20, 3, 4) for idx in epoch][:15]
    for idx in batches:
        by_hand.sgd_step(data.X_train[:, idx], one_hot(data.y_train[idx]), 2.0)
    for l in (1, 2):  # same arithmetic, perhaps summed in another order: float64 rounding only
        np.testing.assert_allclose(net.W[l], by_hand.W[l], rtol=1e-9, atol=1e-12)
    one_more = by_hand.copy()
    one_more.sgd_step(data.X_train[:, batches[0]], one_hot(data.y_train[batches[0]]), 2.0)
    assert not np.allclose(net.W[1], one_more.W[1], rtol=1e-9, atol=1e-12)


def test_softmax_outputs_add_to_one_and_sigmoid_outputs_need_not():
    X = toy_data().X_train
    assert np.allclose(output_sums(Network((16, 8, 10), output="softmax", cost="cross-entropy"),
                                   X), 1, atol=1e-12)
    sums = output_sums(Network((16, 8, 10), init="classic"), X)
    assert sums.shape == (120,) and np.ptp(sums) > 0.1


def test_calibration_groups_by_confidence_and_counts_right_answers():
    data = toy_data()
    net = Network((16, 12, 10), output="softmax", cost="cross-entropy", init="scaled", seed=0)
    train(net, data, epochs=3, batch_size=10, lr=0.5)
    rows = calibration(net, data.X_train, data.y_train)
    a = net.feedforward(data.X_train)
    confidence, right = a.max(axis=0), a.argmax(axis=0) == data.y_train
    assert sum(n for _, _, n, _, _ in rows) == 120
    for low, high, n, sure, frac in rows:
        inside = (confidence >= low) & ((confidence < high) | (high == 1.0))
        assert n == inside.sum()
        assert sure == pytest.approx(confidence[inside].mean())
        assert frac == pytest.approx(right[inside].mean())
