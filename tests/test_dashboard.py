"""Lesson 6's dashboard without a browser: real MNIST runs in a real background thread.

Every Trainer and Dashboard made here is stopped and waited for at the end of its test, and the
last fixture checks that no training thread outlives a test. Speeds are printed (run with -s),
never asserted.
"""
import dataclasses
import threading
import time
import warnings

import numpy as np
import pytest

from nnlesson.data import Dataset
from nnlesson.lessons.curves import accuracy_figure, block_means, loss_figure, run_figures
from nnlesson.lessons.dashboard import Dashboard
from nnlesson.lessons.trainer import (QUICK_TRAIN, Settings, Trainer, check_settings, hidden_sizes,
                                      train_sample)
from nnlesson.training import evaluate
from nnlesson.lessons.plots import figure_to_png

LONG = Settings(n_train=60000, epochs=20, batch_size=10, lr=1.0)  # minutes: only ever stopped


def training_threads():
    return [t for t in threading.enumerate() if t.name.startswith("nnlesson-run")]


@pytest.fixture
def made():
    """A list to put Trainers and Dashboards in; each is stopped and waited for afterwards."""
    things = []
    yield things
    for thing in things:
        thing.stop()
    for thing in things:
        thing.wait(timeout=30)
    assert not training_threads(), "a training thread outlived its test"


@pytest.fixture
def trainer(mnist, made):
    t = Trainer(mnist)
    made.append(t)
    return t


def until(condition, timeout=30.0):
    """Poll ``condition`` until true; False after ``timeout`` seconds (only a safety net)."""
    end = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > end:
            return False
        time.sleep(0.005)
    return True


# ---- settings ------------------------------------------------------------------------------------

def test_the_default_settings_can_train():
    assert check_settings(Settings()) == []


@pytest.mark.parametrize("change, words", [
    (dict(lr=-1.0), "learning rate must be a positive number"),
    (dict(lr=0), "learning rate"),
    (dict(batch_size=200, n_train=100), "batch size 200 is larger than the 100 training examples"),
    (dict(batch_size=0), "batch size must be a whole number"),
    (dict(n_train=0), "number of training images must be a whole number from 1 to 60,000"),
    (dict(n_train=70000), "from 1 to 60,000"),
    (dict(epochs=0), "epochs must be"),
    (dict(hidden="32, sixteen"), "whole numbers such as 32, 16"),
    (dict(hidden=(32, 0)), "each hidden layer needs 1 to"),
    (dict(init="zeros"), "scaled, classic"),
    (dict(seed=-1), "seed"),
])
def test_bad_settings_are_explained(change, words):
    problems = check_settings(dataclasses.replace(Settings(), **change))
    assert len(problems) == 1 and words in problems[0], problems


def test_every_problem_is_reported_at_once():
    assert len(check_settings(Settings(n_train=0, lr=-1, epochs=0, init="?"))) == 4


def test_hidden_layers_from_text():
    assert hidden_sizes("32, 16") == (32, 16)
    assert hidden_sizes("64 32 16") == (64, 32, 16)
    assert hidden_sizes("") == ()
    assert Settings(hidden="").sizes == (784, 10)


# ---- the trainer --------------------------------------------------------------------------------

def test_a_run_trains_to_the_end(trainer):
    run = trainer.start(Settings(n_train=5000, batch_size=10, lr=1.0, epochs=2))
    trainer.wait()
    assert run.state == "finished" and not run.history.stopped
    assert len(run.history.loss) == 2 * 500
    assert len(run.history.test_accuracy) == 2
    assert run.history.test_accuracy[-1] > 60  # 10 % is guessing; it measures about 80 %
    assert run.accuracy and all(0 <= a <= 100 for _, a in run.accuracy)
    assert run.fraction == 1.0


def test_a_run_records_training_accuracy_beside_test_accuracy(mnist, trainer):
    """Issue #12: the same fixed 1,000 training images are scored whenever the test images are."""
    runs = []
    for settings in (Settings(n_train=2000, batch_size=10, lr=1.0, epochs=2, seed=1),
                     Settings(n_train=5000, batch_size=20, lr=3.0, seed=2, hidden="20")):
        runs.append(trainer.start(settings))
        trainer.wait()
    for run in runs:
        assert run.state == "finished", run.message
        assert run.train_accuracy and len(run.train_accuracy) == len(run.accuracy)
        # Scored at the same moments, after the same mini-batches.
        assert [n for n, _ in run.train_accuracy] == [n for n, _ in run.accuracy]
        assert all(0 <= a <= 100 for _, a in run.train_accuracy)
        # Scored at each epoch's end too, where the full test score is: the last point is there.
        ends = [(e + 1) * run.batches for e in range(run.settings.epochs)]
        assert set(ends) <= {n for n, _ in run.train_accuracy}
        # The sample is the first 1,000 training images in every run (a run of at least 1,000).
        X, y = train_sample(mnist, run.settings.n_train)
        assert X.shape == (784, QUICK_TRAIN)
        assert np.array_equal(X, mnist.X_train[:, :QUICK_TRAIN])
        assert np.array_equal(y, mnist.y_train[:QUICK_TRAIN])
        # The final network scores these images as recorded; a near-tie output could round the
        # other way in another summation order: at most one image, 0.1 points.
        assert abs(run.train_accuracy[-1][1] - evaluate(run.net, X, y)) <= 100 / QUICK_TRAIN
        assert run.train_accuracy[-1][1] > 30  # it learned something (guessing gets 10 %)
    X_small, _ = train_sample(mnist, 300)  # a smaller run is scored on all of its own images
    assert X_small.shape == (784, 300)


def test_stop_stops_the_run(trainer):
    run = trainer.start(LONG)
    assert until(lambda: len(run.history.loss) > 10)
    asked = time.perf_counter()
    trainer.stop()
    trainer.wait(timeout=30)
    print(f"\nstop -> thread ended: {time.perf_counter() - asked:.3f} s")
    assert not trainer.running
    assert run.state == "stopped" and run.history.stopped
    total = run.batches * LONG.epochs
    assert 10 < len(run.history.loss) < total
    assert len(run.history.test_accuracy) == 1  # scored once, on the network as it stopped
    assert 0 < run.fraction < 1


def test_start_during_a_run_starts_nothing_and_runs_never_mix(trainer):
    first = trainer.start(LONG)
    assert until(lambda: len(first.history.loss) > 0)
    assert trainer.start(Settings(n_train=1000)) is None
    assert trainer.runs == 1 and trainer.run is first
    trainer.stop()
    trainer.wait()
    kept = list(first.history.loss)
    second = trainer.start(Settings(n_train=1000, batch_size=10))
    trainer.wait()
    assert trainer.runs == 2 and second.number == 2
    assert first.history.loss == kept  # the second run added nothing to the first
    assert len(second.history.loss) == 100 and second.history is not first.history


def test_impossible_settings_fail_with_a_message_and_start_no_thread(trainer):
    run = trainer.start(Settings(n_train=100, batch_size=500, lr=-2.0))
    assert run.state == "failed" and not trainer.running
    assert "cannot train" in run.message and "learning rate" in run.message
    assert "batch size 500" in run.message
    assert trainer.wait() is run


def test_an_error_inside_the_thread_becomes_a_message(mnist, made):
    X = np.array(mnist.X_train[:, :100])
    broken = Dataset(X, mnist.y_train[:100], mnist.X_test[:, :100], mnist.y_test[:100])
    X[0, 99] = np.nan  # after Dataset's own check; in the last image: the first 50 are clean
    trainer = Trainer(broken)
    made.append(trainer)
    run = trainer.start(Settings(n_train=100))
    trainer.wait()
    assert run.state == "failed" and "NaN" in run.message
    assert not trainer.running
    assert trainer.start(Settings(n_train=50, batch_size=10)) is not None  # still usable
    trainer.wait()
    assert trainer.run.state == "finished"


def test_a_huge_learning_rate_saturates_without_warnings(mnist, made):
    trainer = Trainer(mnist)
    made.append(trainer)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # 100, not the paper's 20: at 20 whether a run collapses can depend on rounding (chaos)
        run = trainer.start(Settings(n_train=2000, batch_size=40, lr=100.0))
        trainer.wait()
        pngs = [figure_to_png(f) for f in run_figures(run)]
    assert run.state == "finished", run.message
    assert 5 < run.history.test_accuracy[-1] < 20  # guessing is 10 %
    assert np.all(np.isfinite(run.history.loss))
    assert all(png.startswith(b"\x89PNG") for png in pngs)


def test_updates_come_from_the_thread_and_the_first_one_is_quick(mnist, made):
    times = []
    trainer = Trainer(mnist, on_update=lambda run: times.append(
        (time.perf_counter(), len(run.history.loss), figure_to_png(run_figures(run)[0]))))
    made.append(trainer)
    started = time.perf_counter()
    run = trainer.start(LONG)
    assert until(lambda: len(times) >= 6)
    trainer.stop()
    trainer.wait()
    (first, n_first, png), *later = times
    rate = (len(times) - 1) / (times[-1][0] - first)
    print(f"\nstart -> first plotted loss point: {first - started:.3f} s; "
          f"then {rate:.1f} redraws per second")
    assert n_first >= 1 and png.startswith(b"\x89PNG")
    assert [n for _, n, _ in times] == sorted(n for _, n, _ in times)  # the curve only grows


def test_start_while_the_last_run_is_only_showing_its_end_waits_for_it(mnist, made):
    """A run's state says it ended before on_finish has drawn it: start() must not refuse then."""
    drawing, done_drawing = threading.Event(), threading.Event()

    def on_finish(run):
        if run.number == 1:
            drawing.set()
            done_drawing.wait(30)
    trainer = Trainer(mnist, on_finish=on_finish)
    made.append(trainer)
    first = trainer.start(Settings(n_train=500, batch_size=50))
    assert drawing.wait(30) and first.state == "finished"
    # Lets on_finish return a moment after start() below was called (if it waits for it; a
    # stalled machine could only make this test miss the window, never fail wrongly).
    threading.Timer(1.0, done_drawing.set).start()
    second = trainer.start(Settings(n_train=500, batch_size=50))
    assert second is not None and second.number == 2, "start() refused: 'already training'"
    trainer.wait()
    assert second.state == "finished" and len(second.history.loss) == 10


def test_a_closed_trainer_stops_its_run_and_starts_no_other(mnist, made):
    trainer = Trainer(mnist)
    made.append(trainer)
    run = trainer.start(LONG)
    assert until(lambda: len(run.history.loss) > 0)
    trainer.close("a newer dashboard took over")
    trainer.wait(timeout=30)
    assert run.state == "stopped" and "a newer dashboard took over" in run.message
    later = trainer.start(Settings(n_train=500, batch_size=50))
    assert later.state == "failed" and "a newer dashboard took over" in later.message
    assert not trainer.running and not training_threads()


EXITING = """
import atexit, sys, time
ended = []
atexit.register(lambda: print("on_finish saw:", ended))  # first registered, so it runs last
import numpy as np
from nnlesson.data import Dataset
from nnlesson.lessons.trainer import Settings, Trainer
rng = np.random.default_rng(0)
data = Dataset(rng.random((784, 500)), rng.integers(0, 10, 500), rng.random((784, 50)),
               rng.integers(0, 10, 50))
trainer = Trainer(data, on_finish=lambda run: ended.append(run.state))
run = trainer.start(Settings(n_train=500, batch_size=1, epochs=1000))  # minutes of work
while not run.history.loss:
    time.sleep(0.01)
sys.exit(0)
"""


def test_python_exiting_stops_the_runs_first():
    """A kernel shutting down ends its runs cleanly: each sees a Stop and reports how it ended."""
    import subprocess
    import sys
    done = subprocess.run([sys.executable, "-c", EXITING], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert "on_finish saw: ['stopped']" in done.stdout, done.stdout + done.stderr


# ---- the loss curve ------------------------------------------------------------------------------

def test_block_means():
    ends, means = block_means([1, 2, 3, 4, 5], 2)
    assert ends.tolist() == [2, 4, 5] and means.tolist() == [1.5, 3.5, 5.0]
    assert block_means([], 3)[0].size == 0
    assert block_means([7.0], 10)[1].tolist() == [7.0]
    ends, means = block_means([np.nan, np.inf, 1.0, 3.0, np.nan, np.nan], 2)
    assert ends.tolist() == [4] and means.tolist() == [2.0]
    with pytest.raises(ValueError, match="k must be"):
        block_means([1.0], 0)


def test_block_means_of_huge_costs_do_not_overflow():
    with np.errstate(all="raise"):
        _, means = block_means([1e308] * 7, 3)
    assert np.allclose(means, 1e308)


def lines_are_finite(fig):
    return all(np.all(np.isfinite(np.asarray(line.get_ydata(), dtype=float)))
               for ax in fig.axes for line in ax.get_lines())


@pytest.mark.parametrize("loss", [[], [0.5], [1.0] * 300, [1e308] * 50, [np.nan, 2.0, np.inf],
                                  [np.nan] * 5, list(np.linspace(3, 0.1, 5000))])
def test_the_figures_draw_any_history(loss):
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        figs = (loss_figure(loss, batches=50, total=100),
                accuracy_figure([(1, 9.0)], [50.0], batches=50, done=len(loss), total=100,
                                paper=83.5))
        for fig in figs:
            assert lines_are_finite(fig)
            assert figure_to_png(fig).startswith(b"\x89PNG")


def test_the_accuracy_figure_has_a_training_and_a_test_line():
    fig = accuracy_figure([(10, 50.0), (20, 70.0)], [72.0], batches=20, done=20,
                          train_accuracy=[(10, 55.0), (20, 80.0)])
    lines = {line.get_label(): line for line in fig.axes[0].get_lines()}
    training = lines[f"first {QUICK_TRAIN:,} training images"]
    test = lines["first 1,000 test images"]
    assert list(training.get_ydata()) == [55.0, 80.0] and list(test.get_ydata()) == [50.0, 70.0]
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert training.get_label() in legend and test.get_label() in legend
    assert training.get_color() != test.get_color()


def test_the_loss_figure_thins_a_long_run():
    fig = loss_figure(np.ones(100_000), batches=60000)
    assert max(len(line.get_xdata()) for line in fig.axes[0].get_lines()) <= 2000


# ---- the widgets ---------------------------------------------------------------------------------

@pytest.fixture
def dash(mnist, made):
    d = Dashboard(mnist)
    made.append(d)
    return d


def classes(widget):
    return set(widget._dom_classes)


def test_the_browser_test_finds_its_widgets(dash):
    import ipywidgets as W
    wanted = {"nnl-train-n": dash.n_train, "nnl-train-lr": dash.lr, "nnl-train": dash.train_button,
              "nnl-stop": dash.stop_button, "nnl-progress": dash.progress,
              "nnl-status": dash.status, "nnl-loss-plot": dash.loss_plot}
    for css, widget in wanted.items():
        assert css in classes(widget)
    assert isinstance(dash.progress, W.FloatProgress) and isinstance(dash.status, W.HTML)
    assert isinstance(dash.loss_plot, W.Image)
    assert bytes(dash.loss_plot.value).startswith(b"\x89PNG")


def test_run_trains_and_shows_the_results(dash):
    run = dash.run(n_train=2000, epochs=1)
    assert run.state == "finished" and dash.settings().n_train == 2000
    assert dash.progress.value == 1.0
    assert f"finished: test accuracy {run.history.test_accuracy[-1]:.2f} %" in dash.status.value
    assert "50 loss points" in dash.status.value
    for image in (dash.loss_plot, dash.accuracy_plot, dash.confusion, dash.mistakes, dash.weights):
        assert bytes(image.value).startswith(b"\x89PNG")
    assert "the paper got 83.50 %" in dash.comparison.value
    _, accuracy = run_figures(run)
    labels = [t.get_text() for t in accuracy.axes[0].get_legend().get_texts()]
    assert "first 1,000 training images" in labels and "first 1,000 test images" in labels


def test_buttons_start_stop_and_never_run_twice(dash):
    dash.set(n_train=60000, epochs=20, batch_size=10, lr=1.0)
    assert dash.trainer.runs == 0  # set() starts nothing
    dash.train_button.click()
    run = dash.trainer.run
    assert until(lambda: len(run.history.loss) > 0 and "training: epoch 1/20" in dash.status.value)
    dash.train_button.click()
    assert dash.trainer.runs == 1 and "already training" in dash.status.value
    assert until(lambda: dash.progress.value > 0)
    dash.stop_button.click()
    assert until(lambda: "stopped after epoch" in dash.status.value)
    dash.wait()
    assert run.state == "stopped" and not dash.trainer.running
    dash.stop_button.click()
    assert "no run is training right now" in dash.status.value


def test_a_setting_changed_during_a_run_restarts_it(dash):
    dash.set(n_train=60000, epochs=20, batch_size=10, lr=1.0)
    first = dash.start()
    assert until(lambda: len(first.history.loss) > 0)
    dash.lr.value = 0.5  # as if the slider were released here
    assert until(lambda: dash.trainer.run is not first)  # once the learner stopped changing it
    second = dash.trainer.run
    assert first.state == "stopped" and second.settings.lr == 0.5
    assert until(lambda: len(second.history.loss) > 0)
    assert until(lambda: "settings changed: the run restarted with them" in dash.status.value)
    assert len(training_threads()) == 1


def test_an_impossible_setting_shows_a_message_and_the_dashboard_still_works(dash):
    dash.n_train.value = 0  # starts a run once the learner stopped typing, which cannot train
    assert until(lambda: "cannot train" in dash.status.value)
    assert dash.trainer.run.state == "failed" and "Traceback" not in dash.status.value
    run = dash.run(n_train=500, batch_size=10)
    assert run.state == "finished" and "finished" in dash.status.value


def test_quick_changes_start_one_run_once_they_settle(dash):
    dash.settle = 3.0  # seconds without a change before a run starts: far longer than this loop
    dash.set(n_train=2000)
    for lr in (0.5, 0.6, 0.7):
        dash.lr.value = lr
    assert dash.trainer.runs == 0 and dash.pending
    assert until(lambda: dash.trainer.run is not None)
    assert dash.trainer.run.settings.lr == 0.7
    dash.wait()
    assert not dash.pending and dash.trainer.runs == 1


def test_a_number_typed_then_train_starts_one_run_without_a_complaint(dash):
    dash.n_train.value = 3000  # the box sends its number when it loses focus: as Train is pressed
    dash.train_button.click()
    assert "already training" not in dash.status.value
    run = dash.trainer.run
    assert run is not None and run.settings.n_train == 3000
    dash.wait()
    assert until(lambda: not dash.pending)
    assert dash.trainer.runs == 1 and run.state == "finished"


def test_after_stop_a_late_setting_starts_nothing_until_train(dash):
    dash.set(n_train=60000, epochs=20, batch_size=10, lr=1.0)
    run = dash.start()
    assert until(lambda: len(run.history.loss) > 0)
    dash.stop_button.click()
    dash.lr.value = 0.5  # the slider's last value, overtaken by the click in the browser
    dash.wait()
    assert dash.trainer.runs == 1 and run.state == "stopped"
    assert until(lambda: not dash.pending) and dash.trainer.runs == 1
    assert not dash.trainer.running and "press Train" in dash.status.value
    dash.train_button.click()  # the learner asks: now it trains, with the rate they chose
    assert dash.trainer.runs == 2 and dash.trainer.run.settings.lr == 0.5


def test_train_as_the_last_run_ends_starts_the_next_one(dash):
    """Train pressed while the last run draws its results waits for them, however long."""
    shown = dash._show_end
    drawing, done_drawing = threading.Event(), threading.Event()

    def slow_end(run):
        drawing.set()
        done_drawing.wait(30)
        shown(run)
    dash.trainer.on_finish = slow_end
    first = dash.start(Settings(n_train=500, batch_size=50))
    assert drawing.wait(30)
    threading.Timer(3.0, done_drawing.set).start()  # longer than the old 2 s wait
    dash.train_button.click()
    assert "already training" not in dash.status.value
    assert dash.trainer.runs == 2 and dash.trainer.run is not first


def test_a_run_that_cannot_train_clears_the_last_results(dash):
    dash.run(n_train=500, batch_size=10)
    shown = (dash.plots, dash.results)
    assert all(w.layout.display != "none" for w in shown)
    dash.set(hidden="abc")
    failed = dash.start()
    assert failed.state == "failed"
    assert all(w.layout.display == "none" for w in shown), "the last run's plots still show"
    assert "cannot train" in dash.comparison.value
    dash.run(hidden="32, 16", n_train=500, batch_size=10)
    assert all(w.layout.display != "none" for w in shown)
    assert "finished" in dash.comparison.value


def test_a_new_dashboard_stops_the_old_ones(mnist, made):
    old = Dashboard(mnist)
    made.append(old)
    old.set(n_train=60000, epochs=20, batch_size=10, lr=1.0)
    run = old.start()
    assert until(lambda: len(run.history.loss) > 0)
    new = Dashboard(mnist)  # the cell ran again
    made.append(new)
    old.wait(timeout=30)
    assert run.state == "stopped" and "newer dashboard" in old.status.value
    old.lr.value = 0.5  # a change in the old one trains nothing either
    assert until(lambda: not old.pending)
    assert not old.trainer.running and not training_threads()
    assert new.run(n_train=500, batch_size=10).state == "finished"


def test_the_learning_rate_is_read_to_two_figures(dash):
    dash.set(lr=10 ** 0.6)  # 3.98..., a slider position near 4
    assert dash.settings().lr == 4.0


@pytest.mark.parametrize("stopped_first", [False, True])
def test_a_number_typed_then_train_heard_after_the_click_gives_one_run(dash, stopped_first):
    """The browser may send a typed number *after* the Train click that took the focus from the
    box: it holds a widget's value back while the kernel is busy, never a click. The number was
    typed for that run, so it retrains with it under the same run number, without a 'restarted'
    note (a browser test saw run 2 become run 4 under load)."""
    dash.set(n_train=60000, epochs=20, batch_size=10, lr=1.0)
    if stopped_first:
        first = dash.start()
        assert until(lambda: len(first.history.loss) > 0)
        dash.stop_button.click()
        dash.wait()
    before = dash.trainer.runs
    dash.train_button.click()      # heard first ...
    dash.n_train.value = 3000      # ... the number typed before it, heard just after
    assert until(lambda: dash.trainer.run.settings.n_train == 3000 and not dash.pending)
    run = dash.trainer.run
    assert run.number == before + 1 and dash.trainer.runs == before + 1
    assert until(lambda: len(run.history.loss) > 0)
    assert "restarted" not in dash.status.value and "already training" not in dash.status.value
    assert len(training_threads()) == 1
