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

import pytest

from labcourse import REPO, Course, screenshots_dir
from labserver import LabServer

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
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


@pytest.fixture(scope="module")
def course(browser, lab):
    """Runs notebooks one at a time in the shared browser and server (see labcourse.py)."""
    # A failure picture left from an earlier run would look like one from this run.
    for stale in screenshots_dir().glob("*-FAILED.png"):
        stale.unlink()
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
