"""The live training dashboard of lesson 6: press Train, watch the network learn, press Stop.

Lesson 6 trains the paper's network with mini-batch stochastic gradient descent, ``train`` in
training.py. This module puts that one function behind sliders, on top of layers that can each
be read (and tested) on their own: ``trainer.py`` (a run's settings, and :class:`Trainer`,
which trains in a background thread, one run at a time, with a Stop that takes effect after the
current mini-batch), ``dashboard_view.py`` (the widgets, their layout, and how a run is drawn in
them) and ``curves.py`` (the cost, and the test and training accuracy so far, as two figures).
This module is what the widgets do.
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
  * For the same reason Train can overtake the number typed just before it. A setting heard
    within ``GRACE`` seconds of the Train that started the run belongs to that run: the run
    starts again with it, under the same number and without a "restarted" note.
  * A new Dashboard (its cell run again) stops the runs of every older one, and so does Python
    exiting (a kernel shutting down).

So two runs never train at once and their losses never mix.
"""
from __future__ import annotations

import html
import threading
import time

from .dashboard_view import DashboardView
from .trainer import Settings, Trainer, close_all

SETTLE = 0.6         # seconds without a change before a changed setting starts a run
GRACE = 1.0          # seconds after Train in which a setting heard late still belongs to its run


class Dashboard(DashboardView):
    """Lesson 6's dashboard: the settings, Train and Stop, a progress bar, a status line, the live
    cost and accuracy plots, and after each run the confusion matrix, the surest mistakes, the
    first layer's weights and the paper's number (the widgets: :class:`DashboardView`).

    In a notebook, ``Dashboard(data)`` as the last line of a cell shows it. From code (a test, or
    a cell nbval runs), :meth:`start`, :meth:`stop`, :meth:`wait` and :meth:`run` drive it.
    """

    def __init__(self, data, settings=Settings(), interval=0.25, settle=SETTLE):
        close_all(reason="a newer dashboard took over: use the one below the cell you ran last")
        self.settle = settle
        self.trainer = Trainer(data, self._show_progress, self._show_end, interval)
        self._replaced = None  # a run stopped by a changed setting: a new one follows at once
        self._held = False    # after Stop: changed settings wait for Train
        self._timer = None    # the pending start of a changed setting, until it settles
        self._clicked = (None, 0.0)  # the run the last Train started, and when
        self._lock = threading.RLock()  # the click handlers and the timer's thread, one at a time
        super().__init__(data, settings, self._setting_changed, self._train_clicked,
                         self._stop_clicked)

    # ---- driving it from code ----

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
        with self._lock:
            if self._held:
                self._say("settings changed: press Train to train with them")
                return
            run, when = self._clicked
            if run is not None and run is self.trainer.run and time.monotonic() - when < GRACE:
                self._clicked = (None, 0.0)  # typed before Train, heard after it: the same run
                self._cancel()
                self._restart(renumber=True)
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

    def _restart(self, renumber=False):
        """Start a run with the changed settings; stop the training one first. ``renumber``:
        the new run takes the stopped one's number, as the learner meant one run."""
        if self.trainer.running:
            self._replaced = self.trainer.run  # its results are not worth drawing
            self.trainer.stop()
            self.trainer.wait(timeout=10)  # one mini-batch and a test score: well under a second
            if renumber and not self.trainer.running:
                self.trainer.runs -= 1  # it never showed a result: its number is reused
            self.note = "" if renumber else "settings changed: the run restarted with them"
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
        self._clicked = (self.start(), time.monotonic())

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

