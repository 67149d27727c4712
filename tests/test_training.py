"""Training on the real MNIST: the accuracies the course promises, and a callback that can stop."""
import os
import threading
import tracemalloc

import numpy as np
import pytest
from threadpoolctl import threadpool_info, threadpool_limits

from nnlesson import Network, evaluate, train
from nnlesson.tools import budget
from nnlesson.tools.budget import LONG_RUN_SECONDS, available_memory, estimate
from nnlesson.data import Dataset
from nnlesson.engine import Engine
from nnlesson.training import batch_order, collapse_note
from nnlesson.tools.bench import naive_epoch
from nnlesson import one_hot


@pytest.mark.parametrize("init, floor", [("scaled", 92.5), ("classic", 88.5)])
def test_one_epoch_at_the_papers_best_setting(mnist, init, floor):
    """Batch 40, lr 4, one epoch of 60,000 images: the paper reached 83.50 %."""
    accuracies = []
    for seed in range(3):
        history = train(Network(init=init, seed=seed), mnist, epochs=1, batch_size=40, lr=4,
                        seed=seed)
        accuracies.append(history.test_accuracy[-1])
        assert len(history.loss) == 1500 and len(history.seconds) == 1
    assert np.mean(accuracies) >= floor, accuracies


def test_ten_epochs_at_the_papers_ten_epoch_setting(mnist):
    """Batch 20, lr 0.9, ten epochs: the paper reached 89.45 %."""
    history = train(Network(seed=0), mnist, epochs=10, batch_size=20, lr=0.9, seed=0)
    assert len(history.test_accuracy) == 10 and history.test_accuracy[-1] >= 95.5


def test_train_is_the_textbook_loop_batched(mnist):
    """Same order, same steps: train() and the per-example loop give the same weights, up to
    the order of additions, which a BLAS chooses. The tolerance holds for any order:

    reordering a sum of n terms moves it by at most n u times the sum of the terms' sizes
    (u = 1.1e-16 in float64). Here z^1 sums 785 terms whose sizes add up to under 30 (|x| <= 1,
    rows of |W^1| sum to under 30 throughout), so z^1 may move by 2.6e-12 and a^1 by a quarter of
    that; through layer 2 (columns of |W^2| under 7) delta moves by at most ~5e-12, each gradient
    entry delta a by about as much, a step of lr 2 by 1e-11, 19 steps by 2e-10. (Carried forward,
    such differences do not grow here: nudging every starting weight by 1e-15 moves the result
    by ~1e-15.) Measured: 2e-16. So atol 1e-9; a missing 1/m (steps 32 times too long) or the
    short last batch divided by 32 instead of 24 moves weights by 1e-3 and more.
    """
    small = mnist.subset(600, 100)
    a, b = Network((784, 8, 10), seed=1), Network((784, 8, 10), seed=1)
    train(a, small, epochs=1, batch_size=32, lr=2.0, seed=5)  # 600 = 18 * 32 + 24: a short last batch
    naive_epoch(b, np.ascontiguousarray(small.X_train), one_hot(small.y_train), 32, 2.0, seed=5)
    for l in (1, 2):
        np.testing.assert_allclose(a.W[l], b.W[l], rtol=0, atol=1e-9)


def test_the_callback_sees_progress_and_can_stop(mnist):
    small = mnist.subset(2000, 500)
    seen = []

    def callback(progress):
        seen.append((progress.epoch, progress.batch, progress.fraction))
        return progress.batch == 7

    net = Network(seed=0)
    before = net.W[1].copy()
    history = train(net, small, epochs=3, batch_size=100, lr=3, callback=callback)
    assert history.stopped and len(history.loss) == 7 and seen[-1][:2] == (0, 7)
    assert seen[-1][2] == pytest.approx(7 / 60)
    assert len(history.test_accuracy) == 1 and not np.array_equal(net.W[1], before)


def test_same_seed_same_run(mnist):
    """The seed fixes the start and the batches exactly (integers, no arithmetic); the losses
    then agree but for the order of BLAS's additions, which need not be the same from one call to
    the next (some BLAS choose kernels by memory alignment). By the argument of the test above,
    at most ~1e-11 per step, 200 steps, losses above 0.7: rtol 1e-8. Another seed moves some
    of them by more than 10 %."""
    small = mnist.subset(1000, 1000)
    assert all(np.array_equal(Network(seed=3).W[l], Network(seed=3).W[l]) for l in (1, 2, 3))
    orders = [[list(map(list, epoch)) for epoch in batch_order(1000, 10, 2, 4)] for _ in range(2)]
    assert orders[0] == orders[1]
    runs = [train(Network(seed=3), small, epochs=2, batch_size=10, lr=1, seed=s) for s in (4, 4, 5)]
    np.testing.assert_allclose(runs[0].loss, runs[1].loss, rtol=1e-8)
    assert not np.allclose(runs[0].loss, runs[2].loss, rtol=1e-3)
    assert len(runs[0].test_accuracy) == 2


def test_evaluate_counts_correct_predictions(mnist):
    net = Network(seed=0)
    X, y = mnist.X_test[:, :50], mnist.y_test[:50]
    a_L = net.feedforward(X)
    top2 = np.sort(a_L, axis=0)[-2:]
    assert np.min(top2[1] - top2[0]) > 1e-9  # no near-tie: the same answers in any summation order
    assert evaluate(net, X, y) == 100 * np.mean(np.argmax(a_L, axis=0) == y)
    with pytest.raises(ValueError, match="one column per label"):
        evaluate(net, X, y[:10])


def test_evaluate_a_wide_network_a_chunk_at_a_time(mnist):
    """10,000 test images through 4,000 hidden neurons are one 320 MB activation matrix (float64),
    and sigma makes two or three such matrices at once. evaluate() must not need even half of one:
    a hidden layer that fits for training must not fail in the evaluation after it."""
    net = Network((784, 4000, 10), seed=0)
    scores = []
    peak = traced_peak(lambda: scores.append(evaluate(net, mnist.X_test, mnist.y_test)))
    accuracy = scores[0]
    assert peak < 4000 * 10000 * 8 / 2
    a_L = np.hstack([net.feedforward(mnist.X_test[:, k:k + 1000]) for k in range(0, 10000, 1000)])
    right = np.argmax(a_L, axis=0) == mnist.y_test
    # The same answers, except where the two largest outputs agree so closely that another
    # chunking (another summation order in BLAS) might pick the other one.
    top2 = np.sort(a_L, axis=0)[-2:]
    near_ties = np.count_nonzero(top2[1] - top2[0] < 1e-12)
    assert abs(accuracy - 100 * np.mean(right)) <= 100 * near_ties / 10000


@pytest.mark.parametrize("seed", range(3))
def test_a_collapsed_network_is_told_from_a_healthy_one_and_from_one_that_has_not_learned(mnist, seed):
    """Real MNIST (3,000 images, 300 steps of 10). At learning rate 100 the network collapses; at
    3 it learns; at 0.001 it has hardly moved from its start. The last two answer one digit for
    most images alike; only the collapsed one has saturated outputs, so only it blames a large
    learning rate."""
    small = mnist.subset(3000, 2000)
    notes = {}
    for lr in (100, 3, 0.001):
        net = Network(seed=seed)
        train(net, small, batch_size=10, lr=lr, seed=seed)
        notes[lr] = collapse_note(net, small.X_test)
    assert notes[100].startswith("the network has collapsed: it answers ")
    assert "learning rate is probably too large" in notes[100]
    assert notes[3] is None
    assert "hardly learned" in notes[0.001] and "too large" not in notes[0.001]


def traced_peak(work):
    """The most memory numpy and Python held at once during work(), above what they held before."""
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def in_dtype(data, dtype):
    """data with its images in dtype, laid out as load_mnist lays them out (image per row)."""
    def convert(X):
        return np.ascontiguousarray(X.T, dtype=dtype).T
    return Dataset(convert(data.X_train), data.y_train, convert(data.X_test), data.y_test)


@pytest.mark.parametrize("sizes, batch_size, dtype", [
    ((784, 2000, 10), 50, np.float64), ((784, 2000, 10), 50, np.float32),
    ((784, 32, 16, 10), 3000, np.float64), ((784, 300, 300, 10), 1, np.float64),
])
def test_the_estimate_bounds_the_memory_training_takes(mnist, sizes, batch_size, dtype):
    """Measured (tracemalloc sees numpy's arrays), not timed: from making the network to the end
    of training, never more than estimated, and not wastefully less (the CLI refuses on it)."""
    small = in_dtype(mnist.subset(3000, 2000), dtype)
    guess = estimate(sizes, batch_size, epochs=1, dtype=dtype, n_train=3000, n_test=2000)
    peak = traced_peak(lambda: train(Network(sizes, seed=0, dtype=dtype), small,
                                     batch_size=batch_size, lr=1, callback=lambda p: p.batch == 20))
    assert peak <= guess.train_bytes <= 2 * peak


def test_the_estimate_of_memory_and_time():
    paper = estimate((784, 32, 16, 10), batch_size=40)
    assert paper.bytes < 1e9 and paper.seconds < LONG_RUN_SECONDS / 10
    assert estimate((784, 32, 16, 10), batch_size=1).seconds < LONG_RUN_SECONDS  # no false alarm
    assert estimate((784, 32, 16, 10), epochs=10).seconds == pytest.approx(10 * paper.seconds)
    assert estimate((784, 32, 16, 10), dtype=np.float32).bytes < paper.bytes
    # Issue 8: 100,000 hidden neurons took 1.5 hours per epoch; 10,000,000 cannot be stored.
    assert estimate((784, 100000, 10)).seconds > 1800
    assert estimate((784, 10**7, 10)).train_bytes > 3 * 8 * 784 * 10**7  # W, dC/dW, lr dC/dW


def test_available_memory_and_its_fallbacks(tmp_path, monkeypatch):
    total = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else None
    real = available_memory()
    assert real is None or 0 < real <= (total or real)
    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal:  8000000 kB\nMemFree:  100 kB\nMemAvailable:  3000000 kB\n")
    monkeypatch.setattr(budget, "MEMINFO", str(meminfo))
    monkeypatch.setattr(budget, "CGROUP", str(tmp_path / "no-cgroup"))
    assert available_memory() == 3000000 * 1024
    cgroup = tmp_path / "cgroup"
    cgroup.mkdir()
    (cgroup / "memory.max").write_text("2000000000\n")
    (cgroup / "memory.current").write_text("500000000\n")
    monkeypatch.setattr(budget, "CGROUP", str(cgroup))
    assert available_memory() == 1500000000  # a container's limit is less than the machine's
    (cgroup / "memory.max").write_text("max\n")
    assert available_memory() == 3000000 * 1024
    monkeypatch.setattr(budget, "MEMINFO", str(tmp_path / "missing"))
    if hasattr(os, "sysconf"):
        assert 0 < available_memory() <= total  # from sysconf: free pages or all of them

    def no_sysconf(name):
        raise ValueError(name)
    monkeypatch.setattr(os, "sysconf", no_sysconf, raising=False)
    assert available_memory() is None  # unknown: the caller then does not refuse


@pytest.mark.parametrize("kwargs, message", [
    (dict(lr=0), "learning rate"), (dict(lr=-4), "learning rate"),
    (dict(batch_size=0), "batch size"), (dict(batch_size=2.5), "batch size"),
    (dict(batch_size=101), "larger than the 100"), (dict(epochs=0), "epochs"),
    (dict(seed=-1), "seed must be"), (dict(callback="print"), "callback must be a function"),
    (dict(l2=-1.0), "l2 .* at least 0"), (dict(l2=float("nan")), "l2 .* at least 0, 0 for none"),
    (dict(l2="5"), "l2 .* got '5'"), (dict(lr_decay=0), "lr decay .* positive number"),
    (dict(lr_decay=-2.0), "lr decay"), (dict(lr_decay=float("inf")), "lr decay .* got inf"),
    (dict(lr_decay="10"), "lr decay .* got '10'"),
])
def test_bad_settings_get_a_clear_value_error(mnist, kwargs, message):
    with pytest.raises(ValueError, match=message):
        train(Network(seed=0), mnist.subset(100, 10), **kwargs)


@pytest.mark.parametrize("kwargs", [dict(batch_size=70000), dict(seed=-1), dict(lr=0),
                                    dict(callback=3), dict(l2=-5.0), dict(lr_decay=0)])
def test_bad_settings_are_refused_before_the_data_is_converted(mnist, kwargs):
    """A float32 network makes train() convert the 60,000 float64 images (188 MB): not before
    every setting has been checked. tracemalloc sees numpy's allocations, so this is a memory
    measurement, not a timing."""
    def refused():
        with pytest.raises(ValueError):
            train(Network(seed=0, dtype=np.float32), mnist, **kwargs)
    peak = traced_peak(refused)
    assert peak < 60000 * 784 * 4 / 10


def test_labels_that_do_not_fit_the_images_or_the_network(mnist):
    small = mnist.subset(100, 10)
    small.y_train = small.y_train[:99]
    with pytest.raises(ValueError, match="100 training images but 99 labels"):
        train(Network(), small)
    small = mnist.subset(100, 10)
    with pytest.raises(ValueError, match=r"labels must be whole numbers from 0 to 4"):
        train(Network((784, 5)), small)  # MNIST's labels go up to 9: five outputs cannot say 9


def test_data_of_the_wrong_shape_or_with_nan(mnist):
    small = mnist.subset(100, 10)
    with pytest.raises(ValueError, match=r"X must have shape \(100, m\).* got \(784, 1\)"):
        train(Network((100, 10)), small)
    small.X_train = small.X_train.copy()
    small.X_train[3, 7] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        train(Network(), small)


def blas_threads():
    return [p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"]


def set_blas_threads(n):
    """From a thread that then ends: threadpoolctl (3.8 and later) lets one live thread at a
    time control OpenBLAS, and the test's own thread must not be it."""
    setter = threading.Thread(target=threadpool_limits, kwargs=dict(limits=n, user_api="blas"))
    setter.start()
    setter.join()


@pytest.mark.parametrize("first_out", ["A", "B"])
def test_one_blas_thread_while_any_run_trains_even_when_runs_overlap(mnist, first_out):
    """A dashboard run in a background thread may overlap train() in a cell. BLAS's thread count
    is one setting for the whole process, so it must be 1 while either trains and the original
    once both have returned, whichever leaves first (A enters, B enters, then A or B leaves)."""
    before = blas_threads()
    set_blas_threads(2)  # an original that 1 can be told from
    original = blas_threads()
    try:
        if not original or set(original) != {2}:
            pytest.skip(f"this BLAS cannot be set to two threads ({original})")
        seen = overlapping_runs(mnist.subset(200, 10), first_out)
    finally:
        for n in set(before):
            set_blas_threads(n)
    assert seen[:3] == [[1] * len(original)] * 3, seen  # A in, both in, one still in
    assert seen[3] == original, seen  # both out


def overlapping_runs(small, first_out):
    """Two train() calls in threads A and B, entered A then B, left in the order asked for;
    the BLAS thread counts seen after each of the four moves."""
    inside = {name: threading.Event() for name in "AB"}
    leave = {name: threading.Event() for name in "AB"}
    errors = []

    def run(name):
        def callback(progress):  # inside train(), after its first mini-batch
            inside[name].set()
            return leave[name].wait(60) or errors.append(f"{name} waited too long")
        try:
            train(Network((784, 10), seed=0), small, batch_size=100, lr=1, callback=callback)
        except Exception as e:  # the main thread reports it
            errors.append(repr(e))
        inside[name].set()

    threads = {name: threading.Thread(target=run, args=(name,)) for name in "AB"}
    seen = []
    for name in "AB":
        threads[name].start()
        assert inside[name].wait(60), f"{name} never started training"
        seen.append(blas_threads())
    for name in (first_out, "B" if first_out == "A" else "A"):
        leave[name].set()
        threads[name].join(60)
        seen.append(blas_threads())
    assert not errors, errors
    return seen


# ---- lesson 8: L2 regularisation, and a validation set scored every epoch ----

def test_train_with_l2_is_the_textbook_loop_with_n_the_training_images(mnist):
    """train(l2=5) on 600 images takes Network.sgd_step(..., l2=5, n=600) on the same batches.
    The tolerance is the argument of test_train_is_the_textbook_loop_batched (atol 1e-9, 19
    steps); L2 adds one rounding of terms of order 1 per step. Telling sgd_step n = 60,000 (all
    of MNIST, not the images trained on) makes each step decay 100 times too little, a difference
    of about 1e-3, and fails."""
    small = mnist.subset(600, 100)
    X, Y = small.X_train, one_hot(small.y_train)
    nets = [Network((784, 8, 10), seed=1, cost="cross-entropy", output="softmax") for _ in "abcd"]
    train(nets[0], small, epochs=1, batch_size=32, lr=0.5, seed=5, l2=5.0)
    train(nets[3], small, epochs=1, batch_size=32, lr=0.5, seed=5)
    for net, n in ((nets[1], 600), (nets[2], 60000)):
        for idx in next(batch_order(600, 32, 1, 5)):
            net.sgd_step(X[:, idx], Y[:, idx], 0.5, l2=5.0, n=n)
    for l in (1, 2):
        np.testing.assert_allclose(nets[0].W[l], nets[1].W[l], rtol=0, atol=1e-9)
        np.testing.assert_allclose(nets[0].b[l], nets[1].b[l], rtol=0, atol=1e-9)
    with pytest.raises(AssertionError):
        np.testing.assert_allclose(nets[0].W[1], nets[2].W[1], rtol=0, atol=1e-9)
    assert np.linalg.norm(nets[0].W[1]) < np.linalg.norm(nets[3].W[1])  # the weights shrank


def test_a_validation_set_is_scored_after_every_epoch(mnist):
    """With a validation set, history.validation_accuracy has one score per epoch, that of
    evaluate() on X_val; without one it stays empty, and the test scores are kept either way."""
    with_val = Dataset(mnist.X_train[:, :500], mnist.y_train[:500], mnist.X_test[:, :300],
                       mnist.y_test[:300], mnist.X_train[:, 500:900], mnist.y_train[500:900])
    net = Network(seed=2, cost="cross-entropy", output="softmax")
    history = train(net, with_val, epochs=2, batch_size=10, lr=0.5, seed=2)
    assert len(history.validation_accuracy) == len(history.test_accuracy) == 2
    assert history.validation_accuracy[-1] == evaluate(net, with_val.X_val, with_val.y_val)
    assert history.test_accuracy[-1] == evaluate(net, with_val.X_test, with_val.y_test)
    untrained = evaluate(Network(seed=2), with_val.X_val, with_val.y_val)
    assert history.validation_accuracy[-1] > untrained + 10  # the score of the trained network
    assert train(Network(seed=2), mnist.subset(500, 300), seed=2).validation_accuracy == []


@pytest.mark.parametrize("k", [1, 2.5])
def test_lr_decay_steps_epoch_e_at_lr_over_1_plus_e_over_k(mnist, k):
    """The schedule by hand: epoch e of the same batches taken by the engine at lr / (1 + e / k).
    The same operations in the same order on the same numbers, so only a BLAS choosing another
    order of additions from call to call could tell them apart (atol 1e-9: the loop argument
    above bounds 19 such steps by 2e-10, so 30 by about 3e-10). Off by one epoch, lr / (1 + (e + 1) / k), moves the weights by far more."""
    small = mnist.subset(300, 10)
    X, Y = small.X_train, one_hot(small.y_train)
    trained, by_hand, off_by_one = (Network((784, 8, 10), seed=3) for _ in range(3))
    history = train(trained, small, epochs=3, batch_size=30, lr=2.0, seed=7, lr_decay=k)
    for net, shift in ((by_hand, 0), (off_by_one, 1)):
        engine = Engine(net, X, Y)
        for e, order in enumerate(batch_order(300, 30, 3, 7)):
            engine.run_epoch(order, 2.0 / (1 + (e + shift) / k))
    assert len(history.test_accuracy) == 3
    for l in (1, 2):
        np.testing.assert_allclose(trained.W[l], by_hand.W[l], rtol=0, atol=1e-9)
    with pytest.raises(AssertionError):
        np.testing.assert_allclose(trained.W[1], off_by_one.W[1], rtol=0, atol=1e-9)


def test_a_collapsed_cross_entropy_network_is_not_called_untrained(mnist):
    """Cross-entropy has no sigma' at the output, so at a learning rate of 20 (one epoch, batch
    20, the scaled start) its network collapses another way: its last hidden layer saturates,
    and its softmax outputs may stay unsaturated. That is still a rate too large, not one too
    small (lesson 8). Whichever way a run ends, it must be called a collapse."""
    net = Network(seed=0, cost="cross-entropy", output="softmax")
    train(net, mnist, batch_size=20, lr=20, seed=0)
    note = collapse_note(net, mnist.X_test)
    assert note.startswith("the network has collapsed: it answers "), note
    assert "too large" in note and "sigma' ~ 0 and learning stops" not in note
    # and a cross-entropy network that has hardly moved is still told apart
    slow = Network(seed=0, cost="cross-entropy", output="softmax")
    train(slow, mnist.subset(3000, 2000), batch_size=10, lr=1e-4, seed=0)
    assert "hardly learned" in collapse_note(slow, mnist.X_test[:, :2000])
