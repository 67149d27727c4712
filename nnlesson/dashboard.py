"""The live training dashboard of lesson 6: press Train, watch the network learn, press Stop.

Lesson 6 trains the paper's network with mini-batch stochastic gradient descent, ``train`` in
training.py. This module puts that one function behind sliders, on top of two layers that can
each be read (and tested) on their own:

  * ``trainer.py``: :class:`~nnlesson.trainer.Settings` (one run's choices and what is wrong with
    them) and :class:`~nnlesson.trainer.Trainer`, which runs ``train`` in a background thread,
    one run at a time, with a Stop that takes effect after the current mini-batch;
  * :func:`training_figure` here: the loss curve and the test accuracy, as a plain figure;
  * :class:`Dashboard` here: the widgets, wired to the two above.

The training thread reaches the widgets only by setting their values (ipykernel 6+ and
ipywidgets 8 send those messages from any thread).

One run at a time. A setting changed while a run trains *restarts* it: the run is stopped, its
thread is waited for, and a new run starts from a fresh network. Pressing Train during a run does
nothing but say so. So two runs never train at once and their losses never mix.
"""
from __future__ import annotations

import html
import math

import numpy as np

from .plots import Figure, figure_to_png
from .network import INITS
from .trainer import QUICK_TEST, Settings, Trainer, hidden_sizes, is_whole

MAX_DRAWN = 2000     # loss points drawn at most; more are averaged in groups first


# ---- the loss curve -----------------------------------------------------------------------------

def run_figure(run, paper=None):
    """A :class:`~nnlesson.trainer.Run`'s :func:`training_figure`, so far."""
    return training_figure(run.history.loss, run.batches, run.accuracy, run.history.test_accuracy,
                           run.batches * run.settings.epochs, paper=paper)


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
    if not is_whole(k) or k < 1:
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
        png = figure_to_png(run_figure(run, self._paper(run)))
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
        self.loss_plot.value = figure_to_png(run_figure(run, self._paper(run)))
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
