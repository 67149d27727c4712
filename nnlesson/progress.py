"""A one-line text progress bar for downloads and the command line (lesson 6 draws its own).

Written here rather than taken from a library because it is twenty lines and the course keeps its
dependencies to the ones it teaches with.
"""
import sys
import time


class ProgressBar:
    """``bar.update(done)`` redraws ``label [#####.....] 50% 3.2/6.4 MB`` on stderr."""

    def __init__(self, total, label, unit="", enabled=True, stream=None):
        self.total, self.label, self.unit, self.enabled = total, label, unit, enabled
        self.stream = stream or sys.stderr
        self._last = -1.0

    def update(self, done, suffix=""):
        now = time.monotonic()
        if not self.enabled or now - self._last < 0.1:
            return  # redrawing more than ten times a second only slows the work down
        self._last = now
        if self.total:
            frac = min(done / self.total, 1.0)
            bar = "#" * int(30 * frac) + "." * (30 - int(30 * frac))
            text = f"{self.label} [{bar}] {100 * frac:3.0f}% {self._fmt(done)}/{self._fmt(self.total)}"
        else:
            text = f"{self.label} {self._fmt(done)}"
        self.stream.write("\r" + text + (" " + suffix if suffix else "") + "\033[K")
        self.stream.flush()

    def close(self, done=None, suffix=""):
        """Draw the final state (``done`` defaults to the total) and end the line."""
        if self.enabled:
            self._last = -1.0
            self.update(self.total if done is None else done, suffix)
            self.stream.write("\n")
            self.stream.flush()

    def _fmt(self, n):
        return f"{n / 1e6:.1f} MB" if self.unit == "B" else str(n)
