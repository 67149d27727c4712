"""Drive one notebook in JupyterLab the way a learner does: open it, Run All, look, move things.

Every selector is scoped to the visible notebook panel (PANEL): a workspace can restore hidden
tabs, and their cells would match too. Waits are conditions polled in the page, never sleeps,
except where the point is to show that nothing changes for a while (``stays_still``).
"""
from __future__ import annotations

import hashlib
import re
import time
import uuid

PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"

# What a broken widget looks like on the page: the front end could not render the model, or it
# fell back to the Python repr (widgets front end missing, widget displayed after close, ...).
WIDGET_ERROR = "Error displaying widget"
RAW_WIDGET_REPR = re.compile(
    r"^\s*(IntSlider|FloatSlider|FloatLogSlider|IntRangeSlider|VBox|HBox|Box|GridBox|Image|"
    r"Button|HTML|Label|Output|IntText|FloatText|Text|Dropdown|FloatProgress|IntProgress|"
    r"Checkbox|ToggleButtons|RadioButtons|Play|Tab|Accordion|interactive)"
    r"\((\)|\w+=)", re.M)  # a widget's repr has keyword arguments: not matplotlib's Text(0.5, ...)
# A rendered widget view: every ipywidgets view has the class jupyter-widgets; an anywidget view
# (lesson 8's drawing pad) has none, but carries the nnl- class the lesson gave it.
WIDGET_VIEW = '.jupyter-widgets, .lm-Widget[class*="nnl-"]'
# An error output: IPython's traceback, or the short form for SyntaxError and friends.
ERROR_TEXT = re.compile(r"Traceback \(most recent call last\)|^\s*\w*(Error|Exception)\b.*", re.M)


def notebook_url(server, rel_path: str, ui: str = "lab") -> str:
    """Where a learner opens ``rel_path``: JupyterLab (``ui="lab"``) or Notebook 7 (``"notebook"``).

    In JupyterLab, a fresh workspace (``?reset``) means no other tab is restored. Notebook 7
    shows one notebook per browser tab, at /notebooks/<path>; the same server serves both.
    """
    if ui == "notebook":
        return f"{server.url}/notebooks/{rel_path}?token={server.token}"
    return f"{server.url}/lab/workspaces/nnl-{uuid.uuid4().hex[:12]}/tree/{rel_path}?reset&token={server.token}"


def open_notebook(page, server, rel_path: str, timeout_ms: int = 90_000, ui: str = "lab"):
    """Open ``rel_path`` (see :func:`notebook_url`) and wait until its kernel is idle.

    Run All before the kernel is ready does nothing, so this waits for the kernel's name and an
    idle status in the toolbar (Notebook 7 has the same toolbar items as JupyterLab).
    """
    url = notebook_url(server, rel_path, ui)
    page.goto(url)
    page.wait_for_selector(f"{PANEL} .jp-Notebook", timeout=timeout_ms)
    page.wait_for_function(
        """([panel]) => {
            // A notebook without kernel metadata asks which kernel: a learner takes the default.
            const select = document.querySelector('.jp-Dialog .jp-mod-accept');
            if (select && /Select Kernel/.test(document.querySelector('.jp-Dialog').textContent)) select.click();
            const ind = document.querySelector(panel + ' .jp-Notebook-ExecutionIndicator');
            const name = document.querySelector(panel + ' .jp-Toolbar-kernelName');
            return ind && name && ind.dataset.status === 'idle' && name.textContent.trim() !== 'No Kernel';
        }""", arg=[PANEL], timeout=timeout_ms, polling=200)


def run_all(page, timeout_ms: int = 180_000):
    """Run > Run All Cells from the menu bar, then wait until the run is over.

    The toolbar's execution indicator says ``busy`` from the moment cells are scheduled until
    the last one is done (it does not flicker to idle between cells, unlike the kernel status),
    so: over = it was seen busy (a MutationObserver catches even a quick notebook), it is idle
    again, and no ``[*]`` prompt remains. After an error JupyterLab drops the queued cells, so
    this also ends a run that stopped early. Prompts alone would not do: a collapsed solution
    cell shows no prompt at all.
    """
    code_cells = page.locator(f"{PANEL} .jp-CodeCell").count()
    page.evaluate(
        """([panel]) => {
            window.__nnlSawBusy = false;
            const root = document.querySelector(panel);
            const seen = () => {
                const ind = root.querySelector('.jp-Notebook-ExecutionIndicator');
                if ((ind && ind.dataset.status === 'busy') || [...root.querySelectorAll('.jp-InputPrompt')]
                        .some(p => p.textContent.includes('[*]')))
                    window.__nnlSawBusy = true;
            };
            new MutationObserver(seen).observe(root, {subtree: true, childList: true,
                characterData: true, attributes: true, attributeFilter: ['data-status']});
        }""", [PANEL])
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-item[data-command='runmenu:run-all']").first.click()
    if code_cells == 0:
        return
    done = page.wait_for_function(
        """([panel]) => {
            // A dialog during Run All (the kernel died or restarts) ends the wait at once.
            const dialog = document.querySelector('.jp-Dialog');
            if (dialog) return 'dialog: ' + dialog.innerText.replace(/\\s+/g, ' ').trim();
            const prompts = [...document.querySelectorAll(panel + ' .jp-CodeCell .jp-InputPrompt')];
            const ind = document.querySelector(panel + ' .jp-Notebook-ExecutionIndicator');
            return window.__nnlSawBusy && !prompts.some(p => p.textContent.includes('[*]'))
                   && ind && ind.dataset.status === 'idle';
        }""", arg=[PANEL], timeout=timeout_ms, polling=250).json_value()
    if isinstance(done, str):
        raise RuntimeError(f"Run All was interrupted by a {done}")


def wait_for_widgets(page, timeout_ms: int = 60_000):
    """Wait until every widget output has rendered a view (or shown its error).

    The kernel is idle before the front end has fetched the widget models, so this waits on the
    DOM: a widget output is done once it holds a ``.jupyter-widgets`` element (every ipywidgets
    view has one), a view the lesson tagged with an ``nnl-`` class (an anywidget view, such as
    lesson 8's drawing pad, has no ``.jupyter-widgets``) or an error text. One stuck at
    "Loading widget..." times out: the learner would see no widget either.
    """
    page.wait_for_function(
        """([panel, err, view]) => {
            const outs = [...document.querySelectorAll(panel + ' .jp-OutputArea-output')]
                // widget views carry no mime-type attribute; a view of no model hides itself
                .filter(o => !o.dataset.mimeType && !o.classList.contains('lm-mod-hidden'));
            return outs.every(o => o.querySelector(view) || o.textContent.includes(err));
        }""", arg=[PANEL, WIDGET_ERROR, WIDGET_VIEW], timeout=timeout_ms, polling=250)


def prompts(page) -> list[str]:
    """The input prompts of the code cells, like ``['[1]:', '[2]:', '[ ]:', '']``.

    A cell whose input is collapsed (a solution) shows an empty prompt, whether it ran or not.
    """
    return [t.strip() for t in page.locator(f"{PANEL} .jp-CodeCell .jp-InputPrompt").all_text_contents()]


def problems(page, errors_expected_in=()) -> list[str]:
    """What a learner would see as broken, one line per problem, naming the cell.

    ``errors_expected_in``: indexes of cells that show an error on purpose (nbval's
    ``raises-exception`` tag); their tracebacks are not problems.
    """
    # One round trip for the whole notebook: cell index, prompt, and each output's kind and text
    # (textContent, so collapsed outputs count too).
    cells = page.evaluate(
        """([panel]) => [...document.querySelectorAll(panel + ' .jp-Cell')].map((cell, i) => ({
            i, code: cell.classList.contains('jp-CodeCell'),
            prompt: (cell.querySelector('.jp-InputPrompt') || {textContent: ''}).textContent.trim(),
            outputs: [...cell.querySelectorAll('.jp-OutputArea-output')].map(o => ({
                mime: o.dataset.mimeType || 'widget', text: o.textContent || ''})),
        }))""", [PANEL])
    found = []
    for cell in cells:
        if not cell["code"]:
            continue
        where = f"cell {cell['i']} {cell['prompt']}"
        for out in cell["outputs"]:
            mime, text = out["mime"], out["text"]
            if mime == "application/vnd.jupyter.stderr" and ERROR_TEXT.search(text):
                if cell["i"] not in errors_expected_in:
                    found.append(f"{where} error output:\n{tail(text)}")
            elif WIDGET_ERROR in text:
                found.append(f"{where} widget failed to render: {tail(text, 3)}")
            elif mime == "text/plain" and RAW_WIDGET_REPR.search(text):
                found.append(f"{where} shows a widget's repr instead of the widget: {tail(text, 3)}")
    return list(dict.fromkeys(found))  # a widget inside an Output widget would be named twice


def log_console_errors(page) -> list[str]:
    """Tracebacks that went to JupyterLab's log console instead of a cell.

    An exception in a widget callback (a slider's observer, a button's on_click) or in a
    background thread shows in no cell: JupyterLab counts it on the log-console badge in the
    status bar. If that badge shows, open the console, as a learner would, and read its entries.
    """
    badge = page.locator(".jp-LogConsoleStatusItem:not(.lm-mod-hidden) .jp-StatusBar-GroupItem")
    if not badge.count() or not badge.first.is_visible():
        return []
    if not page.locator(".jp-LogConsole .jp-OutputArea-output").count():
        badge.first.click()
        page.wait_for_selector(".jp-LogConsole .jp-OutputArea-output", state="attached")
    texts = page.locator(".jp-LogConsole .jp-OutputArea-output").all_text_contents()
    return [f"log console: {tail(t)}" for t in texts if ERROR_TEXT.search(t)]


def tail(text: str, n: int = 12) -> str:
    """The last ``n`` non-empty lines: where a traceback says what went wrong."""
    lines = [l for l in text.splitlines() if l.strip()]
    return "\n".join(lines[-n:])


def widget(page, css_class: str):
    """The widget that the notebook tagged with ``add_class(css_class)`` (first match)."""
    return page.locator(f"{PANEL} .{css_class}").first


def count(page, selector: str) -> int:
    return page.locator(f"{PANEL} {selector}").count()


def looks(locator) -> str:
    """A fingerprint of what the element looks like on screen (hash of its screenshot).

    Comparing pixels, not DOM attributes, is the learner's view: an ``<img>`` whose src changed
    to the same picture, or a plot that re-rendered identically, counts as no change.
    """
    locator.scroll_into_view_if_needed()
    return hashlib.sha256(locator.screenshot(animations="disabled")).hexdigest()


def slider_value(slider) -> str:
    """The value a slider shows: its readout text (what the learner reads)."""
    return slider.locator(".widget-readout").inner_text().strip()


def drag_slider(page, slider, fraction: float):
    """Drag the slider's handle with the mouse to ``fraction`` (0 = left end, 1 = right end).

    The move is done in steps, as a hand would, so that sliders with continuous updates see
    intermediate values; dropping past an end clamps to that end.
    """
    handle = slider.locator(".noUi-handle").first
    track = slider.locator(".noUi-base").first
    handle.scroll_into_view_if_needed()
    h, t = handle.bounding_box(), track.bounding_box()
    x0, y = h["x"] + h["width"] / 2, h["y"] + h["height"] / 2
    x1 = t["x"] + max(0.0, min(1.0, fraction)) * t["width"]
    if fraction >= 1:
        x1 += 20  # past the end: the handle stops at the maximum
    elif fraction <= 0:
        x1 -= 20
    page.mouse.move(x0, y)
    page.mouse.down()
    page.mouse.move(x1, y, steps=12)
    page.mouse.up()


def wait_until(predicate, timeout_s: float, what, interval_s: float = 0.1):
    """Poll ``predicate()`` until it returns a truthy value; raise AssertionError naming ``what``.

    ``what`` may be a function, called only on timeout, to describe the state at that moment.
    """
    deadline = time.monotonic() + timeout_s
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s:.0f} s waiting for "
                                 f"{what() if callable(what) else what}")
        time.sleep(interval_s)


def screenshot_notebook(page, path, max_height: int = 12_000):
    """Save a picture of the whole notebook, as if the window were tall enough to show it all.

    JupyterLab scrolls inside its own panel, so a "full page" screenshot would only show the
    first screen. The viewport is stretched to the notebook's height, then put back.
    """
    size = page.viewport_size
    height = page.evaluate(
        """([panel]) => {
            const scroller = document.querySelector(panel + ' .jp-WindowedPanel-outer')
                          || document.querySelector(panel + ' .jp-Notebook');
            scroller.scrollTop = 0;
            return scroller.scrollHeight - scroller.clientHeight + window.innerHeight;
        }""", [PANEL])
    page.set_viewport_size({"width": size["width"], "height": int(min(max(height, size["height"]), max_height))})
    try:
        page.evaluate("""([panel]) => {
            const scroller = document.querySelector(panel + ' .jp-WindowedPanel-outer');
            if (scroller) scroller.scrollTop = 0;
        }""", [PANEL])
        page.screenshot(path=str(path), full_page=True, animations="disabled")
    finally:
        page.set_viewport_size(size)
