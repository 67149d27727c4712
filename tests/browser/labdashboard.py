"""Lesson 6's dashboard and the widgets' layout, as the browser tests read and drive them.

Everything here works the way a learner does (typing, clicking, dragging, narrowing the window,
opening and closing the file browser), and reads what the learner sees: the status line, the
progress bar, where each widget is drawn. Two things a learner cannot see are read from the
kernel instead (:func:`kernel_says`): whether a training thread is still running, and that every
message the page sent before has been handled.
"""
from __future__ import annotations

import re
import time

from labpage import PANEL, count, drag_slider, looks, wait_until, widget

TRAIN_SUBSET = 20_000  # lesson 6: images per epoch; with the most epochs, many seconds of training
STOP_WITHIN_S = 1.0  # lesson 6 promises that Stop stops training within a second (reported, not asserted)
STOP_DEADLINE_S = 15  # the test fails only if Stop is not heard at all: a loaded machine is slow
MIN_TRACK_PX = 200  # a slider shorter than this cannot be set with the mouse to a useful precision
MIN_PLOT_SCALE = 0.8  # a plot drawn smaller than this share of its size has unreadable labels


def progress_percent(bar) -> float:
    """How full a FloatProgress/IntProgress is, in %, read from its bar's width as drawn."""
    inner = bar.locator(".progress-bar").first
    width = inner.evaluate("e => e.style.width || e.style.height")
    return float(width.rstrip("%") or 0)


def set_number(page, control, value: int):
    """Type ``value`` into a number box (IntText) or a slider's readout, as a learner would."""
    box = control.locator("input").first
    if box.count():
        box.fill(str(value))
        box.press("Enter")  # IntText sends its value on Enter (or blur), not on every key
    else:
        readout = control.locator(".widget-readout").first
        readout.click()
        page.keyboard.press("Control+A")
        page.keyboard.type(str(value))
        page.keyboard.press("Enter")


def type_into(page, control, text: str, enter: bool = True):
    """Click into a text box, replace what it holds by typing ``text`` key by key."""
    control.locator("input").first.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(text)
    if enter:
        page.keyboard.press("Enter")


def stays_still(read, seconds: float):
    """The values ``read()`` gives over ``seconds`` (a span is the point: nothing may move)."""
    seen, end = [read()], time.monotonic() + seconds
    while time.monotonic() < end:
        time.sleep(0.1)
        seen.append(read())
    return seen


def status(page) -> str:
    return widget(page, "nnl-status").inner_text()


def run_number(text: str) -> int | None:
    """The run a status line is about: "run 3 · training ..." -> 3."""
    found = re.match(r"\s*run (\d+)", text)
    return int(found.group(1)) if found else None


def kernel_says(page, code: str, timeout_ms: int = 60_000) -> str:
    """Run ``code`` in the notebook's kernel, outside any cell; returns what it printed.

    The kernel handles messages in the order they came, so once this answers, every click,
    slider value and key the page sent before has been handled too. Needs the server's
    ``expose_app_in_browser`` (labserver.py sets it).
    """
    return page.evaluate(
        """async ([code]) => {
            const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
            const future = kernel.requestExecute({code, store_history: false});
            let out = '';
            future.onIOPub = msg => {
                if (msg.header.msg_type === 'stream') out += msg.content.text;
                if (msg.header.msg_type === 'error') out += msg.content.ename + ': ' + msg.content.evalue;
            };
            await future.done;
            return out;
        }""", [code])


TRAINING_THREADS = ("import threading; print(sum(t.name.startswith('nnlesson-run') "
                    "for t in threading.enumerate()))")


def check_train_and_stop(page, n_train: int):
    """Train on ``n_train`` images, watch the loss plot and progress move, then Stop it.

    Returns a line of what was seen, for the test output.
    """
    n, train, stop = widget(page, "nnl-train-n"), widget(page, "nnl-train"), widget(page, "nnl-stop")
    plot, bar, status = widget(page, "nnl-loss-plot"), widget(page, "nnl-progress"), widget(page, "nnl-status")
    if count(page, ".nnl-train-epochs .noUi-handle"):
        # Most epochs: a fast machine must not finish the run before Stop is pressed.
        drag_slider(page, widget(page, "nnl-train-epochs"), 1.0)
    set_number(page, n, n_train)
    train.click()
    started = time.monotonic()
    # The lesson may start a run as soon as a setting changes; either way a run must be going.
    wait_until(lambda: "training" in status.inner_text().lower(), 30,
               lambda: f"the status to say training (it says {status.inner_text()!r})")
    looks_seen, progress_seen = [looks(plot)], [progress_percent(bar)]

    def moving():
        # While it trains, the loss plot must redraw at least twice and the bar must advance.
        look = looks(plot)
        if look != looks_seen[-1]:
            looks_seen.append(look)
        progress_seen.append(progress_percent(bar))
        # Advance: higher than at some earlier moment (the bar may still show the last run's
        # 100 % for a moment after the status already says training).
        return len(looks_seen) >= 3 and progress_seen[-1] > min(progress_seen)

    wait_until(moving, 60, lambda: (
        f"the loss plot to redraw twice and the progress bar to advance (redraws: "
        f"{len(looks_seen) - 1}, progress seen: {sorted(set(progress_seen))[:8]}%, "
        f"status {status.inner_text()!r})"))
    pct_at_stop = progress_percent(bar)
    assert pct_at_stop < 100 and "training" in status.inner_text().lower(), (
        f"training on {n_train} images finished before Stop could be pressed "
        f"({time.monotonic() - started:.1f} s): the test needs a bigger subset")
    stop.click()
    clicked = time.monotonic()
    wait_until(lambda: "stop" in status.inner_text().lower(), STOP_DEADLINE_S,
               lambda: f"the status to say stopped (it says {status.inner_text()!r})", interval_s=0.05)
    took = time.monotonic() - clicked
    if took > STOP_WITHIN_S:  # speed is for benchmarks; a slow Stop is worth a line in the log
        print(f"note: Stop took {took:.2f} s to show, more than lesson 6's {STOP_WITHIN_S} s")
    after = stays_still(lambda: progress_percent(bar), 1.5)
    assert len(set(after)) == 1, f"the progress bar still moves after Stop: {after}"
    assert after[0] < 100, "the progress bar is full: training was not stopped"
    return (f"trained on {n_train} images for {clicked - started:.1f} s, loss plot redrew "
            f"{len(looks_seen) - 1}x, progress {min(progress_seen):.1f}% -> {pct_at_stop:.1f}%, "
            f"stopped in {took:.2f} s at {after[0]:.1f}%: {status.inner_text()!r}")


def start_long_run(page):
    """Stop whatever runs, set 60,000 images and the most epochs, press Train; returns the run's number.

    Waits until the new run has trained a mini-batch or more: a learner presses Stop on a run
    they have seen move.
    """
    stop, train = widget(page, "nnl-stop"), widget(page, "nnl-train")
    stop.click()
    type_into(page, widget(page, "nnl-train-hidden"), "32, 16")
    type_into(page, widget(page, "nnl-train-n"), "60000")
    drag_slider(page, widget(page, "nnl-train-epochs"), 1.0)
    before = run_number(status(page))
    train.click()
    wait_until(lambda: "training: epoch" in status(page) and run_number(status(page)) != before,
               60, lambda: f"a new run to train (status: {status(page)!r})")
    wait_until(lambda: "60,000 images, 20 epochs" in status(page), 30,
               lambda: f"the run to use 60,000 images and 20 epochs (status: {status(page)!r})")
    return run_number(status(page))


# --- layout -------------------------------------------------------------------------------------

def show_file_browser(page, shown: bool):
    """Open or close JupyterLab's file browser, as a learner does: click its tab on the left."""
    stack = page.locator("#jp-left-stack")
    is_shown = stack.count() and "lm-mod-hidden" not in (stack.get_attribute("class") or "")
    if bool(is_shown) != shown:
        page.locator(".jp-SideBar .lm-TabBar-tab[data-id='filebrowser']").click()
    wait_until(lambda: ("lm-mod-hidden" not in (stack.get_attribute("class") or "")) == shown, 10,
               f"the file browser to {'open' if shown else 'close'}")


MEASURE = """([panel, anchor]) => {
    const output = document.querySelector(panel + ' .' + anchor).closest('.jp-OutputArea-output');
    const box = e => e.getBoundingClientRect();
    const visible = e => { const r = box(e); return r.width > 0 && r.height > 0
                                && getComputedStyle(e).visibility !== 'hidden'; };
    const name = e => [...e.classList].find(c => c.startsWith('nnl-'))
                      || [...e.classList].filter(c => c.startsWith('widget-')).join('.');
    const widgets = [...output.querySelectorAll('.jupyter-widgets')].filter(visible);
    // The widgets that hold no other visible widget: what the learner reads and handles.
    const leaves = widgets.filter(w => !widgets.some(o => o !== w && w.contains(o)));
    const area = box(output);
    return {
        area: {left: area.left, right: area.right},
        leaves: leaves.map(e => ({name: name(e), left: box(e).left, top: box(e).top,
                                  right: box(e).right, bottom: box(e).bottom})),
        tracks: [...output.querySelectorAll('.widget-slider')].filter(visible).map(e => (
            {name: name(e), length: box(e.querySelector('.noUi-target')).width})),
        plots: [...output.querySelectorAll('img.widget-image')]
            .filter(e => visible(e) && /(^| )nnl-\\S*-plot( |$)/.test(e.className))
            .map(e => ({name: name(e), scale: box(e).width / e.naturalWidth})),
    };
}"""


def measure_layout(page, anchor_css: str) -> dict:
    """Where the widgets of the output holding ``.anchor_css`` are drawn, once the layout settles.

    JupyterLab lays the notebook out again after the window or the sidebar changes: measured
    until two readings in a row agree.
    """
    last = [None]

    def settled():
        now = page.evaluate(MEASURE, [PANEL, anchor_css])
        same, last[0] = now == last[0], now
        return now if same else None
    return wait_until(settled, 20, "the layout to settle", interval_s=0.3)


def layout_problems(m: dict) -> list[str]:
    """What a learner would find broken in a measured layout, one line each."""
    found, leaves, area = [], m["leaves"], m["area"]
    for i, a in enumerate(leaves):
        for b in leaves[i + 1:]:
            dx = min(a["right"], b["right"]) - max(a["left"], b["left"])
            dy = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
            if dx > 1 and dy > 1:
                found.append(f"{a['name']} and {b['name']} overlap by {dx:.0f} x {dy:.0f} px")
        out = max(a["right"] - area["right"], area["left"] - a["left"])
        if out > 1:
            found.append(f"{a['name']} sticks out of the notebook by {out:.0f} px")
    found += [f"the slider {t['name']}'s track is {t['length']:.0f} px long (needs more than "
              f"{MIN_TRACK_PX})" for t in m["tracks"] if t["length"] <= MIN_TRACK_PX]
    found += [f"the plot {p['name']} is drawn at {p['scale']:.0%} of its size (labels unreadable "
              f"below {MIN_PLOT_SCALE:.0%})" for p in m["plots"] if p["scale"] < MIN_PLOT_SCALE]
    return found


def layout_figures(m: dict) -> str:
    """The numbers behind :func:`layout_problems`, for the test's output."""
    leaves, worst = m["leaves"], 0.0
    for i, a in enumerate(leaves):
        for b in leaves[i + 1:]:
            dx = min(a["right"], b["right"]) - max(a["left"], b["left"])
            dy = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
            if dy > 1:
                worst = max(worst, dx)
    tracks = [round(t["length"]) for t in m["tracks"]]
    scales = [f"{p['scale']:.2f}" for p in m["plots"]]
    return (f"width {m['area']['right'] - m['area']['left']:.0f} px, largest overlap {worst:.0f} px, "
            f"slider tracks {tracks} px, plot scales {scales}")


def screenshot_output(page, inside, path):
    """A picture of the whole output holding ``inside``, at the window's width.

    The window is made tall enough for all of it (JupyterLab scrolls inside its own panel, so
    a tall output would otherwise be cut off), then put back.
    """
    output = inside.locator("xpath=ancestor::div[contains(@class, 'jp-OutputArea-output')][1]")
    size = page.viewport_size
    height = output.bounding_box()["height"]
    page.set_viewport_size({"width": size["width"], "height": int(max(size["height"], height + 300))})
    try:
        output.scroll_into_view_if_needed()
        output.screenshot(path=str(path), animations="disabled")
    finally:
        page.set_viewport_size(size)
