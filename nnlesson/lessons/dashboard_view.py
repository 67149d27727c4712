"""What lesson 6's dashboard looks like: its widgets, their layout, and how a run is drawn.

:class:`DashboardView` builds the settings (sliders and boxes, in two columns that wrap into one
on a narrow screen), Train and Stop, the progress bar, the status line, the cost and accuracy
plots and the result tabs, and draws a run into them. What a click or a changed setting *does*
is :mod:`.dashboard`'s business; this module only shows.
"""
from __future__ import annotations

import html
import math

from ..network import INITS
from .curves import accuracy_figure, loss_figure, run_figures
from .plots import LABEL_WIDTH, SLIDER_ROOM_PX, figure_to_png, labelled, wrapping
from .trainer import Settings, hidden_sizes


class DashboardView:
    """The widgets of lesson 6's dashboard, laid out, with the run drawn in them.

    ``on_change(change)`` is called when a setting changes, ``on_train()`` and ``on_stop()`` when
    the buttons are clicked. ``self.note`` is a line shown under the status.
    """

    def __init__(self, data, settings, on_change, on_train, on_stop):
        import ipywidgets as W  # here, so that the rest of the package runs without a notebook

        self.data = data
        self.note = ""        # an extra line under the status: why a click did what it did
        self._quiet = False   # True while set() changes the widgets: no run for that
        s = settings

        def control(widget, css):
            widget.add_class(css)
            widget.observe(lambda change: self._quiet or on_change(change), names="value")
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
        self.train_button.on_click(lambda _: on_train())
        self.stop_button.on_click(lambda _: on_stop())
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

    def settings(self):
        """The widgets' current values as :class:`Settings`."""
        # The learning rate is rounded to two figures: the paper's rates all have two (0.9, 4),
        # a slider position almost never does (3.98), and 4 can then be looked up in the paper.
        return Settings(n_train=self.n_train.value, hidden=self.hidden.value,
                        epochs=self.epochs.value, batch_size=self.batch_size.value,
                        lr=float(f"{self.lr.value:.2g}"), init=self.init.value,
                        seed=self.seed.value)

    def set(self, **values):
        """Set widgets by name, ``set(n_train=2000, lr=0.5)``, without starting a run."""
        self._quiet = True
        try:
            for name, value in values.items():
                getattr(self, name).value = value
        finally:
            self._quiet = False

    def describe(self, run):
        """The status line for ``run``, as HTML: how it goes, its settings, the latest note."""
        line = html.escape(run.status())
        if run.state != "failed":
            line += f"<br><small>{html.escape(run.settings.describe())}</small>"
        if self.note:
            line += f"<br><i>{html.escape(self.note)}</i>"
        return line

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
