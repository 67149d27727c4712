"""The live training dashboard of lesson 6: press Train, watch the network learn, press Stop.

Lesson 6 trains the paper's network with mini-batch stochastic gradient descent, ``train`` in
training.py. This module puts that one function behind sliders, in three layers that can each be
read (and tested) on their own:

  * :class:`Settings` and :func:`check_settings`: one run's choices, and what is wrong with them
    in plain words;
  * :class:`Trainer`: runs ``train`` in a background thread, one run at a time, with a Stop that
    takes effect after the current mini-batch;
  * :func:`training_figure`: the loss curve and the test accuracy, as a plain figure;
  * :class:`Dashboard`: the widgets, wired to the three above.

Why a thread. While a notebook cell runs, the kernel handles no widget events, so a Stop button
could not be heard until training ended by itself. Here ``train`` runs in a background thread and
the kernel stays free to handle clicks. The thread reaches the widgets only by setting their
values (ipykernel 6+ and ipywidgets 8 send those messages from any thread) and hears Stop only
through a ``threading.Event``: ``train`` calls our callback after every mini-batch, and the
callback returns True once Stop was pressed.

One run at a time. A setting changed while a run trains *restarts* it: the run is stopped, its
thread is waited for, and a new run starts from a fresh network. Pressing Train during a run does
nothing but say so. So two runs never train at once and their losses never mix.
"""
from __future__ import annotations

import dataclasses
import html
import math
import numbers
import threading
import time

import numpy as np

from .network import INITS, Network, check_lr
from .plots import Figure, figure_to_png
from .training import History, check_batch_size, evaluate, train

N_IMAGES = 60000     # MNIST's training set
QUICK_TEST = 1000    # test images scored at each redraw: cheap, and enough to see the trend
MAX_HIDDEN = 1000    # neurons per hidden layer: more trains too slowly to watch
MAX_DRAWN = 2000     # loss points drawn at most; more are averaged in groups first


@dataclasses.dataclass(frozen=True)
class Settings:
    """One run's choices. The defaults are the paper's best one-epoch setting on a subset."""
    n_train: int = 10000          # training images (the first n of MNIST's 60,000)
    hidden: tuple | str = (32, 16)  # hidden layer sizes, or text such as "32, 16"
    epochs: int = 1
    batch_size: int = 40
    lr: float = 4.0
    init: str = "scaled"
    seed: int = 0

    @property
    def sizes(self):
        """The whole network (784, hidden..., 10); raises ValueError when ``hidden`` makes none."""
        return (784, *hidden_sizes(self.hidden), 10)

    def describe(self):
        shape = "-".join(map(str, self.sizes))
        return (f"{shape}, {self.n_train:,} images, {self.epochs} epoch{'s' * (self.epochs != 1)}, "
                f"batch {self.batch_size}, learning rate {self.lr:g}, {self.init} start, "
                f"seed {self.seed}")


def hidden_sizes(hidden):
    """``"32, 16"`` or ``(32, 16)`` -> (32, 16); ``""`` -> () (no hidden layer at all)."""
    if isinstance(hidden, str):
        parts = [p for p in hidden.replace(",", " ").split()]
        try:
            hidden = [int(p) for p in parts]
        except ValueError:
            raise ValueError(f"hidden layer sizes must be whole numbers such as 32, 16; "
                             f"got {hidden!r}") from None
    sizes = tuple(hidden)
    for n in sizes:
        if isinstance(n, bool) or not isinstance(n, numbers.Integral) or not 1 <= n <= MAX_HIDDEN:
            raise ValueError(f"each hidden layer needs 1 to {MAX_HIDDEN} neurons, got {n!r}")
    return tuple(int(n) for n in sizes)


def check_settings(settings, n_available=N_IMAGES):
    """Everything wrong with ``settings``, one sentence each; an empty list when it can train.

    Uses the same checks as ``train`` and ``Network``, so the messages are the course's own.
    """
    s, problems = settings, []

    def check(test):
        try:
            test()
        except ValueError as e:
            problems.append(str(e))

    n_ok = _whole(s.n_train) and 1 <= s.n_train <= n_available
    if not n_ok:
        problems.append(f"the number of training images must be a whole number from 1 to "
                        f"{n_available:,}, got {s.n_train!r}")
    check(lambda: check_lr(s.lr))
    if n_ok:
        check(lambda: check_batch_size(s.batch_size, s.n_train))
    if not (_whole(s.epochs) and s.epochs >= 1):
        problems.append(f"epochs must be a whole number of at least 1, got {s.epochs!r}")
    check(lambda: hidden_sizes(s.hidden))
    if s.init not in INITS:
        problems.append(f"the start (initialisation) must be one of {', '.join(INITS)}, "
                        f"got {s.init!r}")
    if not (_whole(s.seed) and s.seed >= 0):
        problems.append(f"the seed must be a whole number of at least 0, got {s.seed!r}")
    return problems


def _whole(n):
    return isinstance(n, numbers.Integral) and not isinstance(n, bool)


class Run:
    """One training run: its settings, its network, what it measured and how it ended.

    ``state`` goes "training" -> "finished", "stopped" or "failed" (then ``message`` says why).
    ``accuracy`` holds (mini-batches so far, % right on the first QUICK_TEST test images), one
    pair per redraw: a live estimate between the full test scores at each epoch's end.
    """

    def __init__(self, number, settings):
        self.number, self.settings = number, settings
        self.net, self.history = None, History()
        self.progress = None                 # the latest training.Progress
        self.accuracy = []
        self.state, self.message = "training", ""
        self.started, self.ended = time.perf_counter(), None
        self.stop_requested = threading.Event()

    @property
    def batches(self):
        """Mini-batches per epoch: ceil(n / batch size)."""
        return -(-self.settings.n_train // self.settings.batch_size)

    @property
    def fraction(self):
        """How much of the run is done, 0 to 1."""
        if self.state == "finished":
            return 1.0
        return self.progress.fraction if self.progress else 0.0

    def figure(self, paper=None):
        """This run's :func:`training_figure`."""
        return training_figure(self.history.loss, self.batches, self.accuracy,
                               self.history.test_accuracy, self.batches * self.settings.epochs,
                               paper=paper)


class Trainer:
    """Runs ``train`` in a background thread, one run at a time.

    ``on_update(run)`` is called from that thread after the first mini-batch and then at most
    every ``interval`` seconds; ``on_finish(run)`` once when the run ends, however it ends. Both
    should be quick: training waits for them.
    """

    def __init__(self, data, on_update=None, on_finish=None, interval=0.25):
        self.data, self.on_update, self.on_finish = data, on_update, on_finish
        self.interval = interval
        self.run, self.runs = None, 0
        self._thread = None
        self._lock = threading.Lock()

    @property
    def running(self):
        return self._thread is not None and self._thread.is_alive()

    def start(self, settings):
        """Start a run and return it; None (and nothing starts) while another run is going.

        Settings that cannot train give a run that has already failed, with the reasons.
        """
        with self._lock:  # two quick clicks must not both see "not running"
            if self.running:
                return None
            self.runs += 1
            run = self.run = Run(self.runs, settings)
            problems = check_settings(settings, self.data.X_train.shape[1])
            if problems:
                self._end(run, "failed", "cannot train: " + "; ".join(problems))
                return run
            self._thread = threading.Thread(target=self._train, args=(run,), daemon=True,
                                            name=f"nnlesson-run-{run.number}")
            self._thread.start()
        return run

    def stop(self):
        """Ask the current run to stop after its mini-batch; returns at once."""
        if self.run is not None:
            self.run.stop_requested.set()

    def wait(self, timeout=None):
        """Wait until the current run has ended (or ``timeout`` seconds); return it."""
        if self._thread is not None:
            self._thread.join(timeout)
        return self.run

    def _train(self, run):
        s, next_redraw = run.settings, [0.0]

        def after_batch(progress):
            run.progress, run.history = progress, progress.history
            start = time.perf_counter()
            # Redraw after the first mini-batch, then every `interval` seconds, or less often if
            # drawing is slow (a busy machine): one redraw costs as much as hundreds of
            # mini-batches, and training must keep at least half of the time.
            if start >= next_redraw[0]:
                run.accuracy.append((len(run.history.loss), self._quick_accuracy(run.net)))
                if self.on_update is not None:
                    self.on_update(run)
                spent = time.perf_counter() - start
                next_redraw[0] = start + max(self.interval, 2 * spent)
            return run.stop_requested.is_set()

        try:
            run.net = Network(s.sizes, init=s.init, seed=s.seed)
            history = train(run.net, self.data.subset(s.n_train), epochs=s.epochs,
                            batch_size=s.batch_size, lr=s.lr, seed=s.seed, callback=after_batch)
            run.history = history
            self._end(run, "stopped" if history.stopped else "finished")
        except Exception as e:  # whatever went wrong, the learner gets a sentence, not a traceback
            self._end(run, "failed", f"training failed: {type(e).__name__}: {e}")

    def _quick_accuracy(self, net):
        return evaluate(net, self.data.X_test[:, :QUICK_TEST], self.data.y_test[:QUICK_TEST])

    def _end(self, run, state, message=""):
        run.state, run.message, run.ended = state, message, time.perf_counter()
        if self.on_finish is not None:
            try:
                self.on_finish(run)
            except Exception as e:  # a drawing problem must not hide how training went
                run.message += f" (showing the result failed: {type(e).__name__}: {e})"


# ---- the loss curve -----------------------------------------------------------------------------

def block_means(values, k):
    """Means of consecutive groups of ``k`` values: (position of each group's last value, mean).

    Positions count from 1. The last group may be shorter. Values that are NaN or infinite are
    left out, and a group with none left is dropped, so the result never holds a NaN.
    Each value is divided by the group's size *before* adding, so that even costs near the
    largest float average without overflowing.

    One function, three uses in the figure: the mean cost of each epoch (k = mini-batches per
    epoch), the smoothed curve (k = a twentieth of an epoch), and thinning a long run to at most
    MAX_DRAWN points.
    """
    x = np.asarray(values, dtype=float).ravel()
    if not _whole(k) or k < 1:
        raise ValueError(f"k must be a whole number of at least 1, got {k!r}")
    if x.size == 0:
        return np.zeros(0, dtype=int), np.zeros(0)
    groups = np.concatenate([x, np.full(-x.size % k, np.nan)]).reshape(-1, k)
    ok = np.isfinite(groups)
    counts = ok.sum(axis=1)
    means = (np.where(ok, groups, 0.0) / np.maximum(counts, 1)[:, None]).sum(axis=1)
    ends = np.minimum(np.arange(1, len(groups) + 1) * k, x.size)
    keep = counts > 0
    return ends[keep], means[keep]


def training_figure(loss, batches, accuracy=(), test_accuracy=(), total=None, paper=None):
    """The run so far: the cost per mini-batch (left) and the test accuracy (right).

    ``loss`` is ``history.loss``, one cost per mini-batch; ``batches`` is the number of
    mini-batches per epoch; ``accuracy`` the live (mini-batches, %) estimates; ``test_accuracy``
    the full test score after each epoch; ``total`` the run's planned mini-batches (fixes the
    x-axis, so the curves grow from left to right); ``paper`` the paper's number to compare with.
    """
    # Fixed margins instead of the course's constrained layout: this figure is redrawn several
    # times a second while training waits, and the layout's search for room doubles its cost.
    fig = Figure(figsize=(9, 3.2))
    fig.subplots_adjust(left=0.07, right=0.98, bottom=0.16, top=0.9, wspace=0.22)
    ax_loss, ax_acc = fig.subplots(1, 2)
    # The cost of this network is at most 10 (ten outputs, each off by at most 1), but a figure
    # should survive any numbers: beyond about 1e300 matplotlib's tick arithmetic overflows.
    loss = np.minimum(np.asarray(loss, dtype=float).ravel(), 1e300)
    batches = max(1, int(batches))
    thin = max(1, math.ceil(loss.size / MAX_DRAWN))
    x, y = block_means(loss, thin)
    ax_loss.plot(x, y, color="tab:blue", alpha=0.3, lw=0.8, label="each mini-batch")
    x, y = block_means(loss, max(thin, batches // 20))
    ax_loss.plot(x, y, color="tab:blue", lw=2, label="smoothed")
    x, y = block_means(loss, batches)
    ax_loss.plot(x, y, "o", color="tab:orange", label="mean of the epoch")
    finite = loss[np.isfinite(loss)]
    top = float(finite.max()) if finite.size else 0.0
    ax_loss.set_ylim(0, 1.05 * top if top > 0 else 1.0)
    ax_loss.set(xlabel="mini-batches", ylabel="cost C", title="cost (lower is better)")
    if loss.size == 0:
        ax_loss.text(0.5, 0.5, "no mini-batches yet", ha="center", va="center",
                     transform=ax_loss.transAxes, color="gray")
    else:
        ax_loss.legend(loc="upper right", fontsize="small")

    if accuracy:
        ax_acc.plot(*zip(*accuracy), color="tab:green", label=f"first {QUICK_TEST:,} test images")
    ends = [min((e + 1) * batches, loss.size) for e in range(len(test_accuracy))]
    ax_acc.plot(ends, list(test_accuracy), "o", color="tab:red", label="all test images, per epoch")
    ax_acc.axhline(10, color="gray", ls=":", lw=1, label="guessing (10 %)")
    if paper is not None:
        ax_acc.axhline(paper, color="black", ls="--", lw=1, label=f"the paper ({paper:.2f} %)")
    ax_acc.set_ylim(0, 100)
    ax_acc.set(xlabel="mini-batches", ylabel="% right", title="test accuracy (higher is better)")
    # Centre right: a learning run climbs above the legend, a saturated one stays below it.
    ax_acc.legend(loc="center right", fontsize="small")
    right = max(total or loss.size, 1)
    for ax in (ax_loss, ax_acc):
        ax.set_xlim(0, 1.02 * right)  # room for the last epoch's dot
    return fig


# ---- the widgets ---------------------------------------------------------------------------------

class Dashboard:
    """Lesson 6's dashboard: the settings, Train and Stop, a progress bar, a status line, the live
    loss and accuracy plot, and after each run the confusion matrix, the surest mistakes, the
    first layer's weights and the paper's number.

    In a notebook, ``Dashboard(data)`` as the last line of a cell shows it. From code (a test, or
    a cell nbval runs), :meth:`start`, :meth:`stop`, :meth:`wait` and :meth:`run` drive it.
    """

    def __init__(self, data, settings=Settings(), interval=0.25):
        import ipywidgets as W  # here, so that the rest of the module runs without a notebook

        self.data = data
        self.trainer = Trainer(data, self._show_progress, self._show_end, interval)
        self.note = ""        # an extra line under the status: why a click did what it did
        self._quiet = False   # True while set() changes the widgets: no restart for that
        self._replaced = None  # a run stopped by a changed setting: a new one follows at once
        s, wide = settings, {"description_width": "9em"}

        def control(widget, css):
            widget.style, widget.layout.width = wide, "26em"
            widget.add_class(css)
            widget.observe(self._setting_changed, names="value")
            return widget

        self.lr = control(W.FloatLogSlider(
            value=s.lr, base=10, min=-2, max=math.log10(20), step=0.005, readout_format=".2g",
            continuous_update=False, description="learning rate"), "nnl-train-lr")
        self.batch_size = control(W.IntSlider(
            value=s.batch_size, min=1, max=200, continuous_update=False, description="batch size"),
            "nnl-train-batch")
        self.epochs = control(W.IntSlider(
            value=s.epochs, min=1, max=20, continuous_update=False, description="epochs"),
            "nnl-train-epochs")
        self.n_train = control(W.IntText(value=s.n_train, description="training images"),
                               "nnl-train-n")
        self.hidden = control(W.Text(value=", ".join(map(str, hidden_sizes(s.hidden))),
                                     continuous_update=False, description="hidden layers"),
                              "nnl-train-hidden")
        self.init = control(W.ToggleButtons(options=INITS, value=s.init, description="start"),
                            "nnl-train-init")
        self.init.style.button_width = "6em"
        self.seed = control(W.IntText(value=s.seed, description="seed"), "nnl-train-seed")

        self.train_button = W.Button(description="Train", button_style="success", icon="play")
        self.stop_button = W.Button(description="Stop", button_style="danger", icon="stop")
        self.train_button.on_click(lambda _: self._train_clicked())
        self.stop_button.on_click(lambda _: self._stop_clicked())
        self.progress = W.FloatProgress(value=0, min=0, max=1, description="progress")
        self.status = W.HTML("ready: press Train, or move a slider")
        self.loss_plot = W.Image(format="png", value=figure_to_png(training_figure([], 1)))
        self.comparison = W.HTML()
        self.confusion, self.mistakes, self.weights = (W.Image(format="png") for _ in range(3))
        self.results = W.Tab(children=[self.confusion, self.mistakes, self.weights],
                             titles=["confusion matrix", "surest mistakes", "layer 1 weights"])
        for widget, css in ((self.train_button, "nnl-train"), (self.stop_button, "nnl-stop"),
                            (self.progress, "nnl-progress"), (self.status, "nnl-status"),
                            (self.loss_plot, "nnl-loss-plot"), (self.comparison, "nnl-paper"),
                            (self.results, "nnl-results")):
            widget.add_class(css)
        controls = W.HBox([W.VBox([self.lr, self.batch_size, self.epochs, self.init]),
                           W.VBox([self.n_train, self.hidden, self.seed])])
        self.box = W.VBox([controls, W.HBox([self.train_button, self.stop_button, self.progress]),
                           self.status, self.loss_plot, self.comparison, self.results])

    def _repr_mimebundle_(self, **kwargs):
        return self.box._repr_mimebundle_(**kwargs)

    # ---- driving it from code ----

    def settings(self):
        """The widgets' current values as :class:`Settings`."""
        # The learning rate is rounded to two figures: the paper's rates all have two (0.9, 4),
        # a slider position almost never does (3.98), and 4 can then be looked up in the paper.
        return Settings(n_train=self.n_train.value, hidden=self.hidden.value,
                        epochs=self.epochs.value, batch_size=self.batch_size.value,
                        lr=float(f"{self.lr.value:.2g}"), init=self.init.value,
                        seed=self.seed.value)

    def start(self, settings=None):
        """Start a run with ``settings`` (default: the widgets'); None if one is training."""
        run = self.trainer.start(settings or self.settings())
        if run is None:
            # No "stop" in this sentence: a status that says "stop" must mean training stopped.
            self._say("already training: Train does nothing until this run ends "
                      "(change a setting to restart it)")
        return run

    def stop(self):
        self.trainer.stop()

    def wait(self, timeout=None):
        return self.trainer.wait(timeout)

    def set(self, **values):
        """Set widgets by name, ``set(n_train=2000, lr=0.5)``, without starting a run."""
        self._quiet = True
        try:
            for name, value in values.items():
                getattr(self, name).value = value
        finally:
            self._quiet = False

    def run(self, **values):
        """Set widgets by name, train to the end and return the run; any current run stops.

        Blocks until the run ends: for a notebook cell that must train before the next one.
        """
        self.stop()
        self.wait()
        self.set(**values)
        run = self.start()
        self.wait()
        return run

    # ---- what the widgets do ----

    def _setting_changed(self, change):
        if self._quiet:
            return
        if self.trainer.running:
            self.note = "settings changed: the run restarted with them"
            self._replaced = self.trainer.run  # its results are not worth drawing
            self.trainer.stop()
            self.trainer.wait(timeout=10)  # one mini-batch and a test score: well under a second
        else:
            self.note = "settings changed: a new run started with them"
        self.start()

    def _train_clicked(self):
        run = self.trainer.run
        if run is not None and run.state != "training":
            self.trainer.wait(timeout=2)  # the last run is only drawing its results: let it finish
        self.note = ""
        self.start()

    def _stop_clicked(self):
        if self.trainer.running:
            self.trainer.stop()  # the status says "stopped" as soon as the thread has
        else:
            self._say("no run is training right now")

    def _say(self, note):
        self.note = note
        if self.trainer.run is not None:
            self.status.value = self.describe(self.trainer.run)
        else:
            self.status.value = html.escape(note)

    # ---- what the thread shows ----

    def describe(self, run):
        """The status line for ``run``, as HTML."""
        n_loss = len(run.history.loss)
        points = f"{n_loss} loss point{'s' * (n_loss != 1)}"
        p, s = run.progress, run.settings
        where = (f"epoch {p.epoch + 1}/{p.epochs}, batch {p.batch}/{p.batches}" if p else "")
        if run.state == "training":
            text = f"training: {where}"
            if run.accuracy:
                text += (f", {run.accuracy[-1][1]:.1f} % of the first {QUICK_TEST:,} "
                         f"test images right")
        elif run.state == "failed":
            text = run.message
        else:
            accuracy = run.history.test_accuracy[-1] if run.history.test_accuracy else float("nan")
            text = (f"stopped after {where}: " if run.state == "stopped" else "finished: ")
            text += f"test accuracy {accuracy:.2f} %"
        line = f"run {run.number} \u00b7 {html.escape(text)} \u00b7 {points}"
        if run.state != "failed":
            line += f"<br><small>{html.escape(s.describe())}</small>"
        if self.note:
            line += f"<br><i>{html.escape(self.note)}</i>"
        return line

    def _show_progress(self, run):
        if run is not self.trainer.run:
            return  # an old run's last word must not overwrite the new run
        png = figure_to_png(run.figure(self._paper(run)))
        self.loss_plot.value = png
        self.progress.value = run.fraction
        self.status.value = self.describe(run)

    def _show_end(self, run):
        if run is not self.trainer.run or run is self._replaced:
            return
        self.note = ""  # whatever a click said during the run no longer applies
        self.progress.value = run.fraction
        self.status.value = self.describe(run)  # first: a Stop must be seen to work at once
        if run.state == "failed":
            return
        self.loss_plot.value = figure_to_png(run.figure(self._paper(run)))
        if run.history.loss:
            self._show_results(run)

    def _paper(self, run):
        from .diagnostics import paper_number
        try:
            return paper_number(run.settings)
        except ValueError:
            return None

    def _show_results(self, run):
        from .diagnostics import (confusion_figure, confusion_matrix, gallery_figure, mistakes,
                                  paper_comparison, weights_figure)
        X, y = self.data.X_test, self.data.y_test
        accuracy = run.history.test_accuracy[-1]
        self.comparison.value = (f"<b>run {run.number}</b> ({html.escape(run.state)}): "
                                 f"{html.escape(paper_comparison(run.settings, accuracy))}")
        self.confusion.value = figure_to_png(confusion_figure(confusion_matrix(run.net, X, y)))
        self.mistakes.value = figure_to_png(gallery_figure(X, mistakes(run.net, X, y)))
        self.weights.value = figure_to_png(weights_figure(run.net))
