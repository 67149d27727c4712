"""Fixtures for the browser tests: one JupyterLab server, one headless Chromium, one notebook at a time.

The server and the browser are module-scoped: they start with the first browser test and stop
right after the last one, before nbval executes the notebooks (less memory, and Playwright's
event loop is gone before nbval's kernels use theirs). With one test module that is the whole
browser run.

Needs /usr/bin/chromium (Debian's ``chromium``) and the ``playwright`` Python package; never
``playwright install``. Without them the tests skip, unless NNLESSON_REQUIRE_BROWSER=1 (CI), where
they fail. Screenshots go to NNLESSON_SCREENSHOTS, default ``screenshots/`` at the repo root.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from labpage import open_notebook, problems, prompts, run_all, screenshot_notebook, wait_for_widgets
from labserver import LabServer

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS_DIR = REPO / "notebooks"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
VIEWPORT = {"width": 1280, "height": 900}
# Per notebook: opening it (JupyterLab's front end and a kernel) and running every cell.
OPEN_TIMEOUT_MS = 90_000
RUN_TIMEOUT_MS = int(os.environ.get("NNLESSON_BROWSER_RUN_TIMEOUT", "240")) * 1000
THIS_MODULE = "test_course_in_browser.py"


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "notebook(name): a browser test that works on notebooks/<name> after it ran")


def pytest_collection_modifyitems(session, config, items):
    """Put each notebook's interaction tests right after its Run All test.

    The notebook that just ran is kept open (kernel, widgets and all), so its interaction tests
    reuse that run instead of running the lesson a second time. Only the slots held by this
    module's tests are reordered; everything else keeps its place.
    """
    slots = [i for i, item in enumerate(items) if item.path.name == THIS_MODULE]

    def key(item):
        nb = item.callspec.params.get("nb") if hasattr(item, "callspec") else None
        marker = item.get_closest_marker("notebook")
        name = nb.name if nb is not None else (marker.args[0] if marker else "~")
        return (name, 0 if nb is not None else 1)

    ordered = sorted((items[i] for i in slots), key=key)  # stable: file order within a notebook
    for i, item in zip(slots, ordered):
        items[i] = item


def screenshots_dir() -> Path:
    return Path(os.environ.get("NNLESSON_SCREENSHOTS") or REPO / "screenshots")


def require_browser():
    """Skip (or fail in CI) with a clear reason when the browser tools are missing."""
    missing = []
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        missing.append(f"{CHROMIUM} (apt-get install -y chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright Python package (pip install playwright; "
                       "never `playwright install`, Debian's chromium is used)")
    if missing:
        reason = "browser tests need " + " and ".join(missing)
        if os.environ.get("NNLESSON_REQUIRE_BROWSER") == "1":
            pytest.fail(reason + " (NNLESSON_REQUIRE_BROWSER=1)", pytrace=False)
        pytest.skip(reason)


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A private JupyterLab serving the repo root; stopped with its kernels, strays checked."""
    require_browser()
    server = LabServer(REPO, tmp_path_factory.mktemp("jupyterlab")).start()
    yield server
    strays = server.stop()
    assert not strays, f"JupyterLab left processes behind (killed): {strays}"


@pytest.fixture(scope="module")
def browser():
    """Headless Debian Chromium driven by Playwright, shared by all notebooks."""
    require_browser()
    from playwright.sync_api import sync_playwright
    pw = sync_playwright().start()
    try:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    except Exception:
        pw.stop()
        raise
    yield chromium
    chromium.close()
    pw.stop()


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
        except PlaywrightError as e:
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


@pytest.fixture(scope="module")
def course(browser, lab):
    c = Course(browser, lab)
    yield c
    c.close()
    assert lab.kernel_count() == 0, "a notebook's kernel was left running"


def pytest_terminal_summary(terminalreporter):
    folder = screenshots_dir()
    ran = [r for key in ("passed", "failed", "error")
           for r in terminalreporter.stats.get(key, []) if THIS_MODULE in getattr(r, "nodeid", "")]
    if ran and folder.is_dir():
        terminalreporter.write_sep("-", "browser screenshots")
        terminalreporter.write_line(f"screenshots of the notebooks as a learner sees them: {folder}")
