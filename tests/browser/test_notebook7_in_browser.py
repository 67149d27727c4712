"""Lessons 6 and 8 in Notebook 7 (`jupyter notebook`), where students also open the course.

The same server as for JupyterLab serves Notebook 7 at /notebooks/<path> (the ``notebook``
package is a course dependency); the same Chromium drives it. Both lessons run with Run All, then
their widgets are used as in JupyterLab: lesson 6's dashboard trains and stops, lesson 8's pad
reads strokes drawn with the mouse at 1280 and 800 px. The tests of one lesson follow each other
in this file, so each lesson runs once.
"""
from __future__ import annotations

import pytest

from labcourse import Course, check_runs_clean, lesson, screenshots_dir, shown_on_failure
from labdashboard import TRAIN_SUBSET, check_train_and_stop
from labdraw import check_pad, pad_layout_problems

LESSON6, LESSON8 = "06_training_mnist.ipynb", "08_beyond_the_paper.ipynb"


@pytest.fixture(scope="module")
def notebook7(browser, lab):
    """Runs notebooks one at a time in Notebook 7, in the shared browser and server."""
    c = Course(browser, lab, ui="notebook")
    yield c
    c.close()
    assert lab.kernel_count() == 0, "a notebook's kernel was left running"


def test_lesson6_runs_clean_in_notebook7(notebook7):
    check_runs_clean(lesson(notebook7, LESSON6))


def test_lesson6_dashboard_trains_and_stops_in_notebook7(notebook7):
    run = lesson(notebook7, LESSON6)
    with shown_on_failure(run):
        seen = check_train_and_stop(run.page, n_train=TRAIN_SUBSET)
    print(f"{seen}; screenshot: {run.screenshot('interaction')}")


def test_lesson8_runs_clean_in_notebook7(notebook7):
    check_runs_clean(lesson(notebook7, LESSON8))


def test_lesson8_draw_a_digit_in_notebook7(notebook7):
    """The pad fits and reads strokes at 1280 and 800 px (labdraw.check_pad)."""
    run = lesson(notebook7, LESSON8)
    page, seen = run.page, []
    with shown_on_failure(run):
        try:
            for width in (1280, 800):
                page.set_viewport_size({"width": width, "height": 900})
                found, measured = pad_layout_problems(page)
                assert not found, f"{width} px: " + "; ".join(found) + f"\n{measured}"
                picture = screenshots_dir() / f"{run.path.stem}-notebook7-draw-{width}.png"
                seen.append(f"{width} px: {check_pad(page, picture)}; picture: {picture}")
        finally:
            page.set_viewport_size({"width": 1280, "height": 900})
    print("\n".join(seen))
