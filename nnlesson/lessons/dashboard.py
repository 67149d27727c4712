"""The live training dashboard of lesson 6: press Train, watch the network learn, press Stop.

Lesson 6 trains the paper's network with mini-batch stochastic gradient descent, ``train`` in
training.py. This module puts that one function behind sliders, on top of layers that can each
be read (and tested) on their own: ``trainer.py`` (a run's settings, and :class:`Trainer`,
which trains in a background thread, one run at a time, with a Stop that takes effect after the
current mini-batch) and ``curves.py`` (the cost and the test accuracy so far, as two figures).
The training thread reaches the widgets only by setting their values (ipykernel 6+ and
ipywidgets 8 send those messages from any thread).

What starts a run, and what never does:

  * Train starts one at once, with the settings as they are (one changed just before included).
    During a run it only says that a run is training.
  * A changed setting starts a run, or restarts the one training, once the learner has stopped
    changing things for ``settle`` seconds: typing 60000 or dragging a slider twice gives one run.
  * After Stop, changed settings start nothing until Train is pressed. (The browser sends a
    slider's next value only once the kernel has answered the one before, but a click at once:
    Stop can overtake the slider's last value, which must not start a run again.)
  * A new Dashboard (its cell run again) stops the runs of every older one, and so does Python
    exiting (a kernel shutting down).

So two runs never train at once and their losses never mix.
"""
from __future__ import annotations

import html
import math
import threading

from .curves import accuracy_figure, loss_figure, run_figures
from ..network import INITS
from .plots import LABEL_WIDTH, SLIDER_ROOM_PX, figure_to_png, labelled, wrapping
from .trainer import Settings, Trainer, close_all, hidden_sizes

SETTLE = 0.6         # seconds without a change before a changed setting starts a run


class Dashboard:
    """Lesson 6's dashboard: the settings, Train and Stop, a progress bar, a status line, the live
    cost and accuracy plots, and after each run the confusion matrix, the surest mistakes, the
    first layer's weights and the paper's number.

    In a notebook, ``Dashboard(data)`` as the last line of a cell shows it. From code (a test, or
    a cell nbval runs), :meth:`start`, :meth:`stop`, :meth:`wait` and :meth:`run` drive it.
    """

    def __init__(self, data, settings=Settings(), interval=0.25, settle=SETTLE):
        import ipywidgets as W  # here, so that the rest of the module runs without a notebook

        close_all(reason="a newer dashboard took over: use the one below the cell you ran last")
        self.data, self.settle = data, settle
        self.trainer = Trainer(data, self._show_progress, self._show_end, interval)
        self.note = ""        # an extra line under the status: why a click did what it did
        self._quiet = False   # True while set() changes the widgets: no run for that
        self._replaced = None  # a run stopped by a changed setting: a new one follows at once
        self._held = False    # after Stop: changed settings wait for Train
        self._timer = None    # the pending start of a changed setting, until it settles
        self._lock = threading.RLock()  # the click handlers and the timer's thread, one at a time
        s = settings

        def control(widget, css):
            widget.add_class(css)
            widget.observe(self._setting_changed, names="value")
            return widget

        self.lr = control(W.FloatLogSlider(
            value=s.lr, base=10, min=-2, max=math.log10(20), step=0.005, readout_format=".2g",
            continuous_update=False), "nnl-train-lr")
        self.batch_size = control(W.IntSlider(value=s.batch_size, min=1, max=200,
                                              continuous_update=False), "nnl-train-batch")
        self.epochs = control(W.IntSlider(value=s.epochs, min=1, max=20, continuous_update=False),
                              "nnl-train-epochs")
        self.n_train = control(W.IntText(value=s.n_train), "nnl-train-n")
        self.hidden = control(W.Text(value=", ".join(map(str, hidden_sizes(s.hidden))),
                                     continuous_update=False), "nnl-train-hidden")
        self.init = control(W.ToggleButtons(options=INITS, value=s.init), "nnl-train-init")
        self.init.style.button_width = "6em"
        self.seed = control(W.IntText(value=s.seed), "nnl-train-seed")

        self.train_button = W.Button(description="Train", button_style="success", icon="play")
        self.stop_button = W.Button(description="Stop", button_style="danger", icon="stop")
        self.train_button.on_click(lambda _: self._train_clicked())
        self.stop_button.on_click(lambda _: self._stop_clicked())
        self.progress = W.FloatProgress(value=0, min=0, max=1, layout=W.Layout(
            flex="1 1 200px", min_width="200px", max_width="400px"))
        self.status = W.HTML("ready: press Train, or move a slider")
        blank = (loss_figure([], 1), accuracy_figure([], [], 1, 0))
        self.loss_plot, self.accuracy_plot = (W.Image(format="png", value=figure_to_png(f))
                                              for f in blank)
        self.comparison = W.HTML()
        self.confusion, self.mistakes, self.weights = (W.Image(format="png") for _ in range(3))
        self.results = W.Tab(children=[self.confusion, self.mistakes, self.weights],
                             titles=["confusion matrix", "surest mistakes", "layer 1 weights"])
        for widget, css in ((self.train_button, "nnl-train"), (self.stop_button, "nnl-stop"),
                            (self.progress, "nnl-progress"), (self.status, "nnl-status"),
                            (self.loss_plot, "nnl-loss-plot"),
                            (self.accuracy_plot, "nnl-accuracy-plot"),
                            (self.comparison, "nnl-paper"), (self.results, "nnl-results")):
            widget.add_class(css)
        self.plots = wrapping([self.loss_plot, self.accuracy_plot])
        self.box = W.VBox([self._settings_box(), wrapping([self.train_button, self.stop_button,
                                                           self.progress]),
                           self.status, self.plots, self.comparison, self.results])
        self.box.add_class("nnl-dashboard")

    def _settings_box(self):
        """The settings in two columns: sliders, then boxes; one column when that is too wide."""
        import ipywidgets as W
        slider = f"{SLIDER_ROOM_PX}px"

        def column(rows, basis):  # basis: the room its widest row needs beside its label
            return W.VBox(rows, layout=W.Layout(flex=f"1 1 calc({LABEL_WIDTH} + {basis})",
                                                margin="0 1em 0 0"))
        return wrapping([
            column([labelled("learning rate", self.lr, slider),
                    labelled("batch size", self.batch_size, slider),
                    labelled("epochs", self.epochs, slider),
                    labelled("start", self.init, "12em")], slider),
            column([labelled("training images", self.n_train, "8em"),
                    labelled("hidden layers", self.hidden, "8em"),
                    labelled("seed", self.seed, "8em")], "8em")])

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

    @property
    def pending(self):
        """True while a changed setting waits for the learner to stop changing things."""
        return self._timer is not None

    def start(self, settings=None):
        """Start a run with ``settings`` (default: the widgets'); None if one is training."""
        with self._lock:
            self._cancel()
            self._held = False
            run = self.trainer.start(settings or self.settings())
        if run is not None:
            self._show_start(run)
        else:
            # No "stop" in this sentence: a status that says "stop" must mean training stopped.
            self._say("already training: Train does nothing until this run ends "
                      "(change a setting to restart it)")
        return run

    def stop(self):
        """Stop the run; changed settings then start nothing until Train (or :meth:`start`)."""
        with self._lock:
            self._cancel()
            self._held, self.note = True, ""
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
        with self._lock:
            if self._held:
                self._say("settings changed: press Train to train with them")
                return
            self._cancel()
            self._timer = threading.Timer(self.settle, self._settled)
            self._timer.daemon = True
            self._timer.start()

    def _settled(self):
        with self._lock:
            if self._timer is not threading.current_thread():
                return  # cancelled (Stop, Train or a newer change) after it fired
            self._timer = None
            self._restart()

    def _restart(self):
        """Start a run with the changed settings; stop the training one first."""
        if self.trainer.running:
            self.note = "settings changed: the run restarted with them"
            self._replaced = self.trainer.run  # its results are not worth drawing
            self.trainer.stop()
            self.trainer.wait(timeout=10)  # one mini-batch and a test score: well under a second
        else:
            self.note = "settings changed: a new run started with them"
        run = self.trainer.start(self.settings())
        if run is None:  # the last run did not stop in 10 s
            self._say("the last run is still ending: press Train again in a moment")
        else:
            self._show_start(run)

    def _cancel(self):
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _train_clicked(self):
        with self._lock:
            if self._timer is not None:  # a change waits to settle: Train applies it now, once
                self._cancel()
                self._held = False
                self._restart()
                return
        self.note = ""
        self.start()

    def _stop_clicked(self):
        idle = not self.trainer.running
        self.stop()  # the status says "stopped" as soon as the thread has
        if idle:
            self._say("no run is training right now")

    def _say(self, note):
        self.note = note
        if self.trainer.run is not None:
            self.status.value = self.describe(self.trainer.run)
        else:
            self.status.value = html.escape(note)

    # ---- what the thread shows ----

    def describe(self, run):
        """The status line for ``run``, as HTML: how it goes, its settings, the latest note."""
        line = html.escape(run.status())
        if run.state != "failed":
            line += f"<br><small>{html.escape(run.settings.describe())}</small>"
        if self.note:
            line += f"<br><i>{html.escape(self.note)}</i>"
        return line

    def _show_start(self, run):
        """Say at once that ``run`` trains, not only after its first mini-batch."""
        with self.trainer.lock:  # so that this cannot overwrite the run's end, shown meanwhile
            if run.state == "training":
                self.status.value = self.describe(run)

    def _show_progress(self, run):
        if run is not self.trainer.run:
            return  # an old run's last word must not overwrite the new run
        self._draw(run)
        self.progress.value = run.fraction
        self.status.value = self.describe(run)

    def _show_end(self, run):
        if run is not self.trainer.run or run is self._replaced:
            return
        if not self._held:  # what a click said during the run no longer applies; after Stop, it does
            self.note = ""
        self.progress.value = run.fraction
        self.status.value = self.describe(run)  # first: a Stop must be seen to work at once
        if run.state == "failed":
            self._hide_results(run)
            return
        self._draw(run)
        if run.history.loss:
            self._show_results(run)

    def _draw(self, run):
        self.loss_plot.value, self.accuracy_plot.value = (
            figure_to_png(f) for f in run_figures(run, self._paper(run)))
        self.plots.layout.display = self.results.layout.display = None  # shown, if hidden

    def _hide_results(self, run):
        """A run that cannot train has no results: the last run's must not look like its own."""
        self.plots.layout.display = self.results.layout.display = "none"
        self.comparison.value = (f"<i>Run {run.number} cannot train, so there is nothing to "
                                 f"show: change the settings above, then press Train.</i>")

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

