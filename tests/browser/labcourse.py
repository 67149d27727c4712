"""One notebook at a time in the shared browser: open, Run All, keep it open for its interactions.

A run is kept open after its Run All test so that the lesson's interaction tests use the same
page and kernel instead of running the lesson a second time (conftest orders the tests so that
they follow each other). Opening another notebook shuts the previous one's kernel down first.
"""
from __future__ import annotations

import os
from pathlib import Path

from labpage import (log_console_errors, open_notebook, problems, prompts, run_all,
                     screenshot_notebook, wait_for_widgets)

REPO = Path(__file__).resolve().parents[2]
VIEWPORT = {"width": 1280, "height": 900}
# Per notebook: opening it (JupyterLab's front end and a kernel) and running every cell.
OPEN_TIMEOUT_MS = 90_000
RUN_TIMEOUT_MS = int(os.environ.get("NNLESSON_BROWSER_RUN_TIMEOUT", "240")) * 1000


def screenshots_dir() -> Path:
    """Where screenshots go: NNLESSON_SCREENSHOTS, default screenshots/ at the repo root."""
    return Path(os.environ.get("NNLESSON_SCREENSHOTS") or REPO / "screenshots")


class NotebookRun:
    """One notebook opened in its own tab and run once: the page and how the run went."""

    def __init__(self, path: Path, page, root: Path = REPO):
        self.path, self.page = path, page
        self.rel = path.relative_to(root).as_posix()   # as the server knows it
        self.failure = ""    # why the run did not finish, if it did not

    def screenshot(self, label: str = "") -> Path:
        """Save the whole notebook as a PNG; returns its path."""
        folder = screenshots_dir()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{self.path.stem}{'-' + label if label else ''}.png"
        screenshot_notebook(self.page, path)
        return path

    def report(self, label: str = "FAILED") -> str:
        """A screenshot plus what is visibly wrong, for an assertion message."""
        lines = []
        try:
            lines.append(f"screenshot: {self.screenshot(label)}")
        except Exception as e:  # a broken page must not hide the real failure
            lines.append(f"(no screenshot: {e})")
        try:
            lines.append(f"prompts: {' '.join(prompts(self.page))}")
            lines += problems(self.page)
            lines += log_console_errors(self.page)
        except Exception as e:
            lines.append(f"(page unreadable: {e})")
        return "\n".join(lines)


class Course:
    """Opens notebooks one at a time; the last run stays open for the interaction tests."""

    def __init__(self, browser, lab):
        self.browser, self.lab = browser, lab
        self.current: NotebookRun | None = None

    def run(self, path: Path) -> NotebookRun:
        """Open ``path`` in a fresh tab, Run All, wait for widgets: reused if it is the last one."""
        path = Path(path)
        if self.current is not None and self.current.path == path:
            return self.current
        self.close()
        page = self.browser.new_page(viewport=VIEWPORT)
        run = self.current = NotebookRun(path, page, self.lab.root)
        from playwright.sync_api import Error as PlaywrightError
        step = "opening it"
        try:
            open_notebook(page, self.lab, run.rel, timeout_ms=OPEN_TIMEOUT_MS)
            step = f"Run All (timeout {RUN_TIMEOUT_MS // 1000} s)"
            run_all(page, timeout_ms=RUN_TIMEOUT_MS)
            step = "widgets to render"
            wait_for_widgets(page)
        except (PlaywrightError, RuntimeError) as e:
            run.failure = f"{run.rel}: timed out or failed waiting for {step}: {str(e).splitlines()[0]}"
        return run

    def close(self):
        """Shut down the open notebook's kernel and close its tab (nothing is saved)."""
        run, self.current = self.current, None
        if run is None:
            return
        try:
            self.lab.shutdown_kernels_of(run.rel)
        finally:
            run.page.close()
