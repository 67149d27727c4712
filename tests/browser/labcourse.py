"""One notebook at a time in the shared browser: open, Run All, keep it open for its interactions.

A run is kept open after its Run All test so that the lesson's interaction tests use the same
page and kernel instead of running the lesson a second time (conftest orders the tests so that
they follow each other). Opening another notebook shuts the previous one's kernel down first.
"""
from __future__ import annotations

import json
import os
from contextlib import contextmanager
from pathlib import Path

import pytest

from labpage import (WIDGET_VIEW, count, log_console_errors, open_notebook, problems, prompts,
                     run_all, screenshot_notebook, wait_for_widgets)

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

    def __init__(self, path: Path, page, root: Path = REPO, ui: str = "lab"):
        self.path, self.page, self.ui = path, page, ui
        self.rel = path.relative_to(root).as_posix()   # as the server knows it
        self.failure = ""    # why the run did not finish, if it did not

    def screenshot(self, label: str = "") -> Path:
        """Save the whole notebook as a PNG; returns its path."""
        folder = screenshots_dir()
        folder.mkdir(parents=True, exist_ok=True)
        name = self.path.stem + ("-notebook7" if self.ui == "notebook" else "")
        path = folder / f"{name}{'-' + label if label else ''}.png"
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
    """Opens notebooks one at a time; the last run stays open for the interaction tests.

    ``ui``: "lab" opens them in JupyterLab, "notebook" in Notebook 7 (labpage.notebook_url).
    """

    def __init__(self, browser, lab, ui: str = "lab"):
        self.browser, self.lab, self.ui = browser, lab, ui
        self.current: NotebookRun | None = None

    def run(self, path: Path) -> NotebookRun:
        """Open ``path`` in a fresh tab, Run All, wait for widgets: reused if it is the last one."""
        path = Path(path)
        if self.current is not None and self.current.path == path:
            return self.current
        self.close()
        page = self.browser.new_page(viewport=VIEWPORT)
        run = self.current = NotebookRun(path, page, self.lab.root, self.ui)
        from playwright.sync_api import Error as PlaywrightError
        step = "opening it"
        try:
            open_notebook(page, self.lab, run.rel, timeout_ms=OPEN_TIMEOUT_MS, ui=self.ui)
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


NOTEBOOKS_DIR = REPO / "notebooks"


def uses_widgets(path) -> bool:
    text = path.read_text(encoding="utf-8")
    return "ipywidgets" in text or "interact" in text or "DigitPad" in text


def cells_raising_on_purpose(path) -> set[int]:
    """Indexes of the cells tagged ``raises-exception`` (shown errors that nbval accepts too)."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return {i for i, c in enumerate(cells) if "raises-exception" in c.get("metadata", {}).get("tags", [])}


def check_runs_clean(run: NotebookRun):
    """Run All finished; no cell shows an error; every widget renders as a widget; saves a
    screenshot of the whole notebook."""
    nb, page = run.path, run.page
    assert not run.failure, f"{run.failure}\n{run.report()}"
    found = problems(page, errors_expected_in=cells_raising_on_purpose(nb))
    # "[ ]:" never ran (an error stops Run All); collapsed solution cells show no prompt at all.
    not_run = [f"code cell {i} {p}" for i, p in enumerate(prompts(page)) if p in ("[ ]:", "[*]:")]
    if not_run:
        found.append(f"code cells that never ran: {', '.join(not_run)}")
    assert not found, f"{run.rel} as a learner sees it after Run All:\n" + "\n".join(found) + \
        "\n" + run.report()
    if uses_widgets(nb):
        n = count(page, WIDGET_VIEW)
        assert n > 0, f"{run.rel} uses widgets but no widget is on the page\n{run.report()}"
    print(f"screenshot: {run.screenshot()}")
    # Last, because reading the log console opens it (and it then shows in later screenshots).
    logged = log_console_errors(page)
    assert not logged, f"{run.rel}: errors outside any cell during Run All:\n" + "\n".join(logged)


def lesson(course, name: str):
    """The lesson's run (reused from its Run All test); skips only while the file is missing."""
    path = NOTEBOOKS_DIR / name
    if not path.exists():
        pytest.skip("notebook not written yet")
    run = course.run(path)
    assert not run.failure, f"{run.failure}\n{run.report()}"
    return run


@contextmanager
def shown_on_failure(run):
    """Turn any failure inside into an AssertionError with a screenshot and the page's errors.

    On success, also checks that the interaction raised nothing in a widget callback: such a
    traceback shows in no cell, only in JupyterLab's log console.
    """
    try:
        yield
        logged = log_console_errors(run.page)
        assert not logged, "a widget callback raised:\n" + "\n".join(logged)
    except Exception as e:
        raise AssertionError(f"{type(e).__name__}: {e}\n{run.report()}") from e
