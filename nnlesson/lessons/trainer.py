"""Training in the background, one run at a time: the engine of lesson 6's dashboard.

While a notebook cell runs, the kernel handles no widget events, so a Stop button could not be
heard until training ended by itself. :class:`Trainer` therefore runs ``train`` in a background
thread and the kernel stays free to handle clicks. The thread hears Stop only through a
``threading.Event``: ``train`` calls our callback after every mini-batch, and the callback
returns True once Stop was pressed.

  * :class:`Settings` and :func:`check_settings`: one run's choices, and what is wrong with them
    in plain words;
  * :class:`Run`: one run's settings, network, measurements and how it ended;
  * :class:`Trainer`: starts, stops and waits for runs; never two at once;
  * :func:`close_all`: stops every Trainer's run; a new dashboard closes the old ones (a cell run
    again must not leave the old dashboard training out of sight, its Stop button gone), and it
    runs when Python exits (a kernel shutting down ends its runs cleanly).

``dashboard.py`` puts sliders and plots on top; this module needs no widgets and is tested
without a browser.
"""
from __future__ import annotations

import atexit
import dataclasses
import threading
import time
import weakref

from ..checks import check_batch_size, check_epochs, check_lr, check_seed, is_whole
from ..data import N_TRAIN
from ..network import INITS, Network
from ..training import History, evaluate, train

QUICK_TEST = 1000    # test images scored at each redraw: cheap, and enough to see the trend
# Training images scored with them: the first 1,000, the same in every run and trained on in every
# run of at least 1,000 images (a smaller run is scored on all of its own).
QUICK_TRAIN = 1000
MAX_HIDDEN = 1000    # neurons per hidden layer: more trains too slowly to watch


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
        if not is_whole(n) or not 1 <= n <= MAX_HIDDEN:
            raise ValueError(f"each hidden layer needs 1 to {MAX_HIDDEN} neurons, got {n!r}")
    return tuple(int(n) for n in sizes)


def train_sample(data, n_train):
    """(X, y) of the training images a run on the first ``n_train`` is scored on as it trains."""
    n = min(QUICK_TRAIN, n_train)
    return data.X_train[:, :n], data.y_train[:n]


def check_settings(settings, n_available=N_TRAIN):
    """Everything wrong with ``settings``, one sentence each; an empty list when it can train.

    Uses the same checks as ``train`` and ``Network``, so the messages are the course's own.
    """
    s, problems = settings, []

    def check(test):
        try:
            test()
        except ValueError as e:
            problems.append(str(e))

    n_ok = is_whole(s.n_train) and 1 <= s.n_train <= n_available
    if not n_ok:
        problems.append(f"the number of training images must be a whole number from 1 to "
                        f"{n_available:,}, got {s.n_train!r}")
    check(lambda: check_lr(s.lr))
    if n_ok:
        check(lambda: check_batch_size(s.batch_size, s.n_train))
    check(lambda: check_epochs(s.epochs))
    check(lambda: hidden_sizes(s.hidden))
    if s.init not in INITS:
        problems.append(f"the start (initialisation) must be one of {', '.join(INITS)}, "
                        f"got {s.init!r}")
    check(lambda: check_seed(s.seed))
    return problems


class Run:
    """One training run: its settings, its network, what it measured and how it ended.

    ``state`` goes "training" -> "finished", "stopped" or "failed" (then ``message`` says why).
    ``accuracy`` holds (mini-batches so far, % right on the first QUICK_TEST test images), one
    pair per redraw and one at each epoch's end: a live estimate beside the full test scores.
    ``train_accuracy`` holds the same pairs for the training sample (:func:`train_sample`),
    scored at the same moments: the gap between the two is how much the network memorises.
    """

    def __init__(self, number, settings):
        self.number, self.settings = number, settings
        self.net, self.history = None, History()
        self.progress = None                 # the latest training.Progress
        self.accuracy, self.train_accuracy = [], []
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

    def status(self):
        """How the run goes, in one line: "run 2 · training: epoch 1/3, batch 40/250, ..."."""
        n_loss, p = len(self.history.loss), self.progress
        where = f"epoch {p.epoch + 1}/{p.epochs}, batch {p.batch}/{p.batches}" if p else ""
        if self.state == "training":
            text = f"training: {where}"
            if self.accuracy:
                text += (f", {self.accuracy[-1][1]:.1f} % of the first {QUICK_TEST:,} "
                         f"test images right")
        elif self.state == "failed":
            text = self.message
        else:
            scores = self.history.test_accuracy
            text = (f"stopped after {where}: " if self.state == "stopped" else "finished: ")
            text += f"test accuracy {scores[-1] if scores else float('nan'):.2f} %"
            if self.message:
                text += f" ({self.message})"
        return f"run {self.number} \u00b7 {text} \u00b7 {n_loss} loss point{'s' * (n_loss != 1)}"


_live = weakref.WeakSet()  # every Trainer not yet garbage: a training one is kept by its thread


class Trainer:
    """Runs ``train`` in a background thread, one run at a time.

    ``on_update(run)`` is called from that thread after the first mini-batch and then at most
    every ``interval`` seconds; ``on_finish(run)`` once when the run ends, however it ends. Both
    should be quick: training waits for them, and a new run waits for ``on_finish``.
    """

    def __init__(self, data, on_update=None, on_finish=None, interval=0.25):
        self.data, self.on_update, self.on_finish = data, on_update, on_finish
        self.interval = interval
        self.run, self.runs = None, 0
        self.closed = ""     # why this Trainer trains no more, once close() was called
        self._threads = []   # the current run's thread, and any earlier one still returning
        # Held while a run starts and while it ends (state set, on_finish called): so start()
        # sees a run either training or completely over, never "ended but still drawing", and
        # whoever holds it may show a run's state without its end overtaking them.
        # Re-entrant: on_finish may start the next run.
        self.lock = threading.RLock()
        _live.add(self)

    @property
    def running(self):
        """True while a run trains (from start() until its state is no longer "training")."""
        return self.run is not None and self.run.state == "training"

    def start(self, settings):
        """Start a run and return it; None (and nothing starts) while another run is training.

        If the last run is just ending, this waits until its ``on_finish`` has returned. Settings
        that cannot train, or a closed Trainer, give a run that has already failed, with reasons.
        """
        with self.lock:  # two quick clicks must not both see "not running"
            if self.running:
                return None
            self.runs += 1
            run = self.run = Run(self.runs, settings)
            problems = ([self.closed] if self.closed else
                        check_settings(settings, self.data.X_train.shape[1]))
            if problems:
                self._end(run, "failed", "cannot train: " + "; ".join(problems))
                return run
            thread = threading.Thread(target=self._train, args=(run,), daemon=True,
                                      name=f"nnlesson-run-{run.number}")
            thread.start()  # before wait() can see it: a thread not started cannot be joined
            self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        return run

    def stop(self):
        """Ask the current run to stop after its mini-batch; returns at once."""
        if self.run is not None:
            self.run.stop_requested.set()

    def close(self, reason="this trainer was closed"):
        """Stop the current run and refuse every later one, saying ``reason``; returns at once."""
        self.closed = reason
        run = self.run
        if run is not None and run.state == "training":
            run.message = reason
        self.stop()

    def wait(self, timeout=None):
        """Wait until the current run has ended (or ``timeout`` seconds); return it.

        Also waits for the thread of a run that ended just before (it may still be returning).
        """
        end = None if timeout is None else time.perf_counter() + timeout
        for thread in list(self._threads):
            if thread is not threading.current_thread():  # on_finish may call wait()
                thread.join(None if end is None else max(0.0, end - time.perf_counter()))
        return self.run

    def _train(self, run):
        s, next_redraw = run.settings, [0.0]

        def after_batch(progress):
            run.progress, run.history = progress, progress.history
            start = time.perf_counter()
            # Redraw after the first mini-batch, then every `interval` seconds, or less often if
            # drawing is slow (a busy machine): one redraw costs as much as hundreds of
            # mini-batches, and training must keep at least half of the time.
            due = start >= next_redraw[0]
            # Also where the full test score comes (an epoch's end, a stop): the live curves
            # then reach the points they are compared with.
            if due or progress.batch == progress.batches or run.stop_requested.is_set():
                self._score(run)
            if due:
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

    def _score(self, run):
        n = len(run.history.loss)
        run.accuracy.append((n, evaluate(run.net, self.data.X_test[:, :QUICK_TEST],
                                         self.data.y_test[:QUICK_TEST])))
        run.train_accuracy.append((n, evaluate(run.net, *train_sample(self.data,
                                                                      run.settings.n_train))))

    def _end(self, run, state, message=""):
        with self.lock:
            run.state, run.ended = state, time.perf_counter()
            run.message = message or run.message
            if self.on_finish is not None:
                try:
                    self.on_finish(run)
                except Exception as e:  # a drawing problem must not hide how training went
                    run.message += f" (showing the result failed: {type(e).__name__}: {e})"


def close_all(reason="a newer dashboard took over", wait=0.0):
    """Close every Trainer there is, then wait up to ``wait`` seconds for their threads."""
    trainers = list(_live)
    for trainer in trainers:
        trainer.close(reason)
    end = time.perf_counter() + wait
    for trainer in trainers:
        trainer.wait(max(0.0, end - time.perf_counter()))


# Daemon threads are killed mid-step when Python exits; stopping them first lets every run end
# the normal way (its on_finish runs). Ten seconds: a mini-batch and a test score, with room.
atexit.register(close_all, reason="Python is exiting", wait=10.0)
