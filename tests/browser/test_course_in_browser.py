"""The course as a learner meets it: JupyterLab in headless Chromium, Run All, then use the widgets.

nbval runs every cell but never renders a widget or fires a callback; these tests do. Every
notebook in notebooks/ is run (new ones are picked up as they are written), and the lessons'
interactive widgets are moved and pressed, each time asserting a visible change. A screenshot of
each notebook goes to screenshots/ (or NNLESSON_SCREENSHOTS).
"""
from __future__ import annotations

import time

import nbformat
import pytest

from labcourse import (NOTEBOOKS_DIR, Course, cells_raising_on_purpose, check_runs_clean, lesson,
                       screenshots_dir, shown_on_failure)
from labdashboard import (TRAIN_SUBSET, TRAINING_THREADS, check_train_and_stop, kernel_says, layout_figures,
                          layout_problems, measure_layout, progress_percent, run_number,
                          screenshot_output, set_number, show_file_browser, start_long_run,
                          status, stays_still, type_into)
from labdraw import check_pad, pad_layout_problems
from labpage import (PANEL, drag_slider, log_console_errors, looks, problems, prompts,
                     slider_value, wait_until, widget)
from labserver import LabServer

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))  # at collection time: new lessons join as they land


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_clean(course, nb):
    """Run All finishes; no cell shows an error; every widget renders as a widget."""
    check_runs_clean(course.run(nb))


# --- Interactions -------------------------------------------------------------------------

def drag_to_other_end(page, slider):
    """Drag to whichever end of the slider is further from the handle: the biggest change."""
    handle = slider.locator(".noUi-handle").first
    lo, hi, now = (float(handle.get_attribute(a)) for a in
                   ("aria-valuemin", "aria-valuemax", "aria-valuenow"))
    drag_slider(page, slider, 1.0 if now - lo < hi - now else 0.0)


def changes(what: str, read, before, timeout_s: float = 20):
    """Wait until ``read()`` differs from ``before``; returns the new value."""
    def changed():
        now = read()
        return now if now != before else None
    return wait_until(changed, timeout_s, f"{what} to change (it stayed {before!r:.80})")


@pytest.mark.notebook("02_feedforward.ipynb")
def test_lesson2_sigmoid_w_slider_redraws_the_curve(course):
    run = lesson(course, "02_feedforward.ipynb")
    page = run.page
    with shown_on_failure(run):
        w, plot = widget(page, "nnl-sigmoid-w"), widget(page, "nnl-sigmoid-plot")
        w_before, plot_before = slider_value(w), looks(plot)
        drag_slider(page, w, 0.9)  # a steep curve, far from the default w
        w_after = changes("the w readout", lambda: slider_value(w), w_before)
        changes("the sigmoid plot", lambda: looks(plot), plot_before)
    print(f"w {w_before} -> {w_after}; screenshot: {run.screenshot('interaction')}")


@pytest.mark.notebook("03_cost_and_gradient_descent.ipynb")
def test_lesson3_learning_rate_past_divergence_says_diverges(course):
    run = lesson(course, "03_cost_and_gradient_descent.ipynb")
    page = run.page
    with shown_on_failure(run):
        lr, plot = widget(page, "nnl-descent-lr"), widget(page, "nnl-descent-plot")
        message = widget(page, "nnl-descent-message")
        lr_before, plot_before = slider_value(lr), looks(plot)
        drag_slider(page, lr, 1.0)  # the slider's maximum is past the divergence point
        lr_after = changes("the learning-rate readout", lambda: slider_value(lr), lr_before)
        wait_until(lambda: "diverge" in message.inner_text().lower(), 20,
                   f"the message to say it diverges at learning rate {lr_after}")
        changes("the descent plot", lambda: looks(plot), plot_before)
    print(f"lr {lr_before} -> {lr_after}: {message.inner_text()!r}; "
          f"screenshot: {run.screenshot('interaction')}")


@pytest.mark.notebook("05_backpropagation.ipynb")
def test_lesson5_gradient_check_epsilon_slider(course):
    run = lesson(course, "05_backpropagation.ipynb")
    page = run.page
    with shown_on_failure(run):
        eps, plot = widget(page, "nnl-gradcheck-eps"), widget(page, "nnl-gradcheck-plot")
        message = widget(page, "nnl-gradcheck-message")
        eps_before, plot_before, msg_before = slider_value(eps), looks(plot), message.inner_text()
        drag_to_other_end(page, eps)
        eps_after = changes("the epsilon readout", lambda: slider_value(eps), eps_before)
        changes("the gradient-check plot", lambda: looks(plot), plot_before)
        changes("the gradient-check message", lambda: message.inner_text(), msg_before)
    print(f"eps {eps_before} -> {eps_after}: {message.inner_text()!r}; "
          f"screenshot: {run.screenshot('interaction')}")


@pytest.mark.notebook("06_training_mnist.ipynb")
def test_lesson6_train_on_a_subset_then_stop(course):
    run = lesson(course, "06_training_mnist.ipynb")
    with shown_on_failure(run):
        seen = check_train_and_stop(run.page, n_train=TRAIN_SUBSET)
    print(f"{seen}; screenshot: {run.screenshot('interaction')}")


LAYOUTS = [(width, files) for width in (1280, 800) for files in (True, False)]  # files: browser open


@pytest.mark.parametrize("name, anchor", [
    pytest.param("02_feedforward.ipynb", "nnl-sigmoid-w", id="lesson2",
                 marks=pytest.mark.notebook("02_feedforward.ipynb")),
    pytest.param("03_cost_and_gradient_descent.ipynb", "nnl-descent-lr", id="lesson3",
                 marks=pytest.mark.notebook("03_cost_and_gradient_descent.ipynb")),
    pytest.param("04_chain_rule.ipynb", "nnl-chain-w", id="lesson4",
                 marks=pytest.mark.notebook("04_chain_rule.ipynb")),
    pytest.param("05_backpropagation.ipynb", "nnl-gradcheck-eps", id="lesson5",
                 marks=pytest.mark.notebook("05_backpropagation.ipynb")),
    pytest.param("05_backpropagation.ipynb", "nnl-backprop-digit", id="lesson5-backprop",
                 marks=pytest.mark.notebook("05_backpropagation.ipynb")),
    pytest.param("06_training_mnist.ipynb", "nnl-train-lr", id="lesson6",
                 marks=pytest.mark.notebook("06_training_mnist.ipynb")),
])
def test_widgets_fit_wide_and_narrow_windows(course, name, anchor):
    """At 1280 and 800 px, file browser open and closed: nothing overlaps or sticks out, every
    slider is longer than 200 px, every live plot is drawn at a readable size."""
    run = lesson(course, name)
    page, found, seen = run.page, [], []
    with shown_on_failure(run):
        try:
            for width, file_browser in LAYOUTS:
                where = f"{width} px, file browser {'open' if file_browser else 'closed'}"
                page.set_viewport_size({"width": width, "height": 900})
                show_file_browser(page, file_browser)
                measured = measure_layout(page, anchor)
                found += [f"{where}: {p}" for p in layout_problems(measured)]
                seen.append(f"{where}: {layout_figures(measured)}")
                picture = screenshots_dir() / (f"{run.path.stem}-{anchor}-{width}"
                                               f"{'-files' if file_browser else ''}.png")
                screenshot_output(page, widget(page, anchor), picture)
        finally:
            page.set_viewport_size({"width": 1280, "height": 900})
            show_file_browser(page, True)
    assert not found, "\n".join(found + seen + ["pictures: " + str(screenshots_dir())])
    print("\n".join(seen))


@pytest.mark.notebook("06_training_mnist.ipynb")
def test_lesson6_typing_a_number_then_train_trains_once(course):
    """The number typed reaches the kernel as Train is pressed (the box loses focus): one run."""
    run = lesson(course, "06_training_mnist.ipynb")
    page = run.page
    with shown_on_failure(run):
        widget(page, "nnl-stop").click()
        kernel_says(page, "pass")  # the Stop is handled
        before = run_number(status(page))
        type_into(page, widget(page, "nnl-train-n"), "30000", enter=False)
        widget(page, "nnl-train").click()
        seen = wait_until(lambda: "30,000 images" in status(page) and status(page), 60,
                          lambda: f"a run on 30,000 images (status: {status(page)!r})")
        kernel_says(page, "pass")
        later = stays_still(lambda: status(page), 2.0)  # longer than any wait for typing to end
        numbers = {run_number(t) for t in [seen, *later]}
        told = [t for t in [seen, *later] if "already training" in t]
        assert numbers == {before + 1} and not told, (
            f"typing 30000 and pressing Train gave runs {sorted(numbers)} after run {before}"
            f"{'; the status said: ' + told[0] if told else ''}")
        widget(page, "nnl-stop").click()
    print(f"one run (run {before + 1}): {seen!r}")


@pytest.mark.notebook("06_training_mnist.ipynb")
def test_lesson6_stop_right_after_dragging_the_learning_rate_stays_stopped(course):
    """The slider's last value reaches the kernel after Stop does: it must not start a run."""
    run = lesson(course, "06_training_mnist.ipynb")
    page = run.page
    lr, stop = widget(page, "nnl-train-lr"), widget(page, "nnl-stop")
    with shown_on_failure(run):
        for attempt in range(3):  # the race was lost about one time in four
            number = start_long_run(page)
            drag_slider(page, lr, 0.3)
            drag_slider(page, lr, 0.7)
            stop.click()
            clicked = time.monotonic()
            wait_until(lambda: "stopped" in status(page).split("\n")[0], 30,
                       lambda: f"the status to say stopped (it says {status(page)!r})",
                       interval_s=0.02)
            took = time.monotonic() - clicked
            kernel_says(page, "pass")  # every slider value sent before has been handled
            after = stays_still(lambda: (status(page).split("\n")[0], progress_percent(
                widget(page, "nnl-progress"))), 3.0)
            # The run that stopped may be a restart by the first value, if that came before Stop.
            moved = [a for a in after if a != after[0] or "stopped" not in a[0]]
            assert not moved, (f"try {attempt + 1}: after Stop (run {number} was training) the "
                               f"dashboard went on: {after[0]} -> {moved[-1]}")
            print(f"try {attempt + 1}: Stop showed after {took:.2f} s; {after[0][0]!r}")


@pytest.mark.notebook("06_training_mnist.ipynb")
def test_lesson6_a_run_that_cannot_train_clears_the_last_results(course):
    run = lesson(course, "06_training_mnist.ipynb")
    page = run.page
    plot, results = widget(page, "nnl-loss-plot"), widget(page, "nnl-results")
    with shown_on_failure(run):
        assert plot.is_visible() and results.is_visible(), "no results to begin with"
        try:
            type_into(page, widget(page, "nnl-train-hidden"), "abc")
            widget(page, "nnl-train").click()
            wait_until(lambda: "cannot train" in status(page), 30,
                       lambda: f"the status to say cannot train (it says {status(page)!r})")
            kernel_says(page, "pass")
            wait_until(lambda: not plot.is_visible() and not results.is_visible(), 20,
                       "the last run's plots and results to be cleared")
            note = widget(page, "nnl-paper").inner_text()
            assert "cannot train" in note, f"no note where the results were: {note!r}"
            picture = screenshots_dir() / f"{run.path.stem}-cannot-train.png"
            screenshot_output(page, plot, picture)
            print(f"status {status(page)!r}; note {note!r}; screenshot: {picture}")
        finally:
            type_into(page, widget(page, "nnl-train-hidden"), "32, 16")
            widget(page, "nnl-stop").click()


@pytest.mark.notebook("06_training_mnist.ipynb")
def test_lesson6_running_the_dashboard_cell_again_stops_the_old_run(course):
    run = lesson(course, "06_training_mnist.ipynb")
    page = run.page
    with shown_on_failure(run):
        number = start_long_run(page)
        assert kernel_says(page, TRAINING_THREADS).strip() == "1"
        cell = page.locator(f"{PANEL} .jp-CodeCell", has=page.locator(".nnl-train")).first
        cell.locator(".jp-InputArea-editor").click()
        page.keyboard.press("Shift+Enter")  # run this cell again, as after editing it
        wait_until(lambda: widget(page, "nnl-status").is_visible() and "run" not in status(page),
                   60, "the new dashboard to show")
        wait_until(lambda: kernel_says(page, TRAINING_THREADS).strip() == "0", 60,
                             lambda: f"run {number} of the old dashboard to stop (training "
                                     f"threads: {kernel_says(page, TRAINING_THREADS).strip()})")
    print(f"old run {number} stopped; the new dashboard says {status(page)!r}")


# --- The harness itself -------------------------------------------------------------------

def test_harness_sees_what_a_learner_would_call_broken(browser, tmp_path):
    """The checks above are not vacuous: on a broken scratch notebook they report each fault.

    Runs in its own small JupyterLab rooted in a temp dir, so nothing is written near the course.
    """
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    on_purpose = nbformat.v4.new_code_cell('raise ValueError("shown on purpose")')
    on_purpose.metadata["tags"] = ["raises-exception"]
    solution = nbformat.v4.new_code_cell("print('solution')")
    solution.metadata["jupyter"] = {"source_hidden": True}
    nb.cells = [
        nbformat.v4.new_markdown_cell("# scratch"),
        nbformat.v4.new_code_cell("import ipywidgets as W\nw = W.IntSlider()\nw.close()\ndisplay(w)"),
        on_purpose,
        solution,
        nbformat.v4.new_code_cell(
            "s = W.FloatSlider(value=1, min=0, max=10)\ns.add_class('nnl-s')\n"
            "def at_ten(change):\n"
            "    if change['new'] == 10:\n"
            "        raise RuntimeError('callback broke at 10')\n"
            "s.observe(at_ten, 'value')\ns"),
        nbformat.v4.new_code_cell("1 / 0"),
        nbformat.v4.new_code_cell("print('never runs')"),
    ]
    nbformat.write(nb, tmp_path / "broken.ipynb")
    server = LabServer(tmp_path, tmp_path / "lab").start()
    course = Course(browser, server)
    try:
        run = course.run(tmp_path / "broken.ipynb")
        assert not run.failure, run.failure
        found = problems(run.page, errors_expected_in=cells_raising_on_purpose(tmp_path / "broken.ipynb"))
        assert len(found) == 2, found
        assert found[0].startswith("cell 1 [1]: shows a widget's repr") and "IntSlider(value=0)" in found[0]
        assert found[1].startswith("cell 5 [5]: error output") and "ZeroDivisionError" in found[1]
        assert prompts(run.page) == ["[1]:", "[2]:", "", "[4]:", "[5]:", "[ ]:"]
        slider = widget(run.page, "nnl-s")
        assert log_console_errors(run.page) == []
        drag_slider(run.page, slider, 1.0)
        wait_until(lambda: slider_value(slider) == "10.00", 10, "the dragged slider to read 10.00")
        logged = wait_until(lambda: log_console_errors(run.page), 10, "the callback's traceback")
        assert "RuntimeError: callback broke at 10" in logged[-1], logged
        set_number(run.page, slider, 4)  # typed into the slider's readout
        wait_until(lambda: slider_value(slider) == "4.00", 10, "the typed value to show")
        # The server serves the shared working tree: a save (here Ctrl+S) must be refused.
        stored = (tmp_path / "broken.ipynb").read_bytes()
        run.page.locator(f"{PANEL} .jp-Notebook").click()
        run.page.keyboard.press("Control+s")
        run.page.wait_for_selector(".jp-Dialog:has-text('browser tests do not save files')")
        assert (tmp_path / "broken.ipynb").read_bytes() == stored
    finally:
        course.close()
        assert not server.stop(), "the scratch server left processes behind"


@pytest.mark.notebook("05_backpropagation.ipynb")
def test_lesson5_backprop_pick_a_digit_then_step_fast(course):
    """Lesson 5's backprop widget: a new digit redraws it; five fast Step presses all reach the
    kernel (the message counts them) and redraw the picture, with no error."""
    run = lesson(course, "05_backpropagation.ipynb")
    page = run.page
    with shown_on_failure(run):
        digit, step = widget(page, "nnl-backprop-digit"), widget(page, "nnl-backprop-step")
        plot, message = widget(page, "nnl-backprop-plot"), widget(page, "nnl-backprop-message")
        digit_before, plot_before, msg_before = slider_value(digit), looks(plot), message.inner_text()
        drag_slider(page, digit, 0.5)
        digit_after = changes("the digit readout", lambda: slider_value(digit), digit_before)
        wait_until(lambda: f"Test image {digit_after} " in message.inner_text(), 20,
                   lambda: f"the message to name test image {digit_after} ({message.inner_text()!r})")
        picked = changes("the backprop picture", lambda: looks(plot), plot_before)
        for _ in range(5):
            step.click()
        # every press is heard, in order, each one step on the digit picked
        wait_until(lambda: "Step 5 on this digit." in message.inner_text(), 60,
                   lambda: f"the message to report the fifth step ({message.inner_text()!r})")
        changes("the backprop picture after the steps", lambda: looks(plot), picked)
        said = message.inner_text()
        assert f"on test image {digit_after}," in said and msg_before != said, said
        assert "Step 6" not in " ".join(stays_still(lambda: message.inner_text(), 1.0))
    print(f"digit {digit_before} -> {digit_after}: {said!r}; "
          f"screenshot: {run.screenshot('backprop')}")


@pytest.mark.notebook("08_beyond_the_paper.ipynb")
def test_lesson8_draw_a_digit_with_the_mouse(course):
    """Lesson 8's pad, at 1280 and 800 px with the file browser open (the narrowest notebook):
    it fits, and strokes drawn with the mouse update the preview and the bars; a clean vertical
    stroke reads 1; Clear empties it; fast strokes do not confuse it (labdraw.check_pad)."""
    run = lesson(course, "08_beyond_the_paper.ipynb")
    page, seen = run.page, []
    with shown_on_failure(run):
        try:
            for width, file_browser in LAYOUTS:
                page.set_viewport_size({"width": width, "height": 900})
                show_file_browser(page, file_browser)
                found, measured = pad_layout_problems(page)
                where = f"{width} px, file browser {'open' if file_browser else 'closed'}"
                assert not found, f"{where}: " + "; ".join(found) + f"\n{measured}"
                if file_browser:
                    picture = screenshots_dir() / f"{run.path.stem}-draw-{width}.png"
                    seen.append(f"{where}: {check_pad(page, picture)}; picture: {picture}")
        finally:
            page.set_viewport_size({"width": 1280, "height": 900})
            show_file_browser(page, True)
    print("\n".join(seen))
