"""Lesson 7's heatmaps: readable tick labels, only the cells we have, clear errors; and the
lesson itself draws with them."""
from pathlib import Path

import nbformat
import numpy as np
import pytest

from nnlesson.lessons.paper_plots import (column_labels, comparison_maps, heatmap, paper_map)
from nnlesson.lessons.plots import figure_to_png, new_figure
from nnlesson.paper import paper_table


@pytest.fixture(scope="module")
def paper():
    return paper_table()


def tick_sizes(ax):
    return [t.get_fontsize() for t in ax.get_xticklabels() + ax.get_yticklabels()]


def test_paper_map_labels_are_at_least_8_points(paper):
    fig = paper_map(paper)
    ax = fig.axes[0]
    assert min(tick_sizes(ax)) >= 8
    # 40 columns: every other one is labelled, so the labels do not overlap
    assert [t.get_text() for t in ax.get_xticklabels()] == column_labels(paper)[::2]
    assert len(ax.get_yticklabels()) == 20
    assert figure_to_png(fig).startswith(b"\x89PNG")


def test_column_labels_tell_the_two_runs_of_rate_1_apart(paper):
    labels = column_labels(paper)
    assert len(labels) == 40 and labels.count("1'") == 1 and labels.count("1") == 1
    assert labels[0] == "0.05" and labels[-1] == "20"


def test_comparison_shows_only_the_cells_we_have(paper):
    ours = np.full(paper.shape, np.nan)
    rows, cols = [1, 3, 9], [1, 3, 19, 20, 39]
    ours[np.ix_(rows, cols)] = 50.0
    fig = comparison_maps(paper, ours)
    assert len(fig.axes) == 6                 # three maps, three colour bars
    for ax in fig.axes[:3]:
        assert ax.images[0].get_array().shape == (3, 5)
        assert min(tick_sizes(ax)) >= 8
        assert [t.get_text() for t in ax.get_yticklabels()] == ["10", "20", "50"]
        assert [t.get_text() for t in ax.get_xticklabels()] == ["0.1", "0.2", "1'", "1", "20"]
    diff = fig.axes[2].images[0].get_array()
    assert np.allclose(diff, 50.0 - paper.accuracy[np.ix_(rows, cols)])


def test_wrong_shape_says_what_to_pass(paper):
    ax = new_figure().subplots()
    with pytest.raises(ValueError, match=r"shape \(3, 3\).*one number per cell"):
        heatmap(ax, np.zeros((3, 3)), paper, "x")


def lesson_7_code(path=None):
    path = path or Path(__file__).parent.parent / "notebooks" / "07_paper_experiments.ipynb"
    return [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


def test_lesson_7_draws_with_the_package():
    # Its maps come from here; that its lines fit the page, test_notebook_hygiene checks for all.
    code = [c.source for c in lesson_7_code()]
    assert not any("def heatmap" in source for source in code), "plotting code in the lesson"
    assert any("paper_map(paper)" in source for source in code)
    # no cell ends by dumping the raw PaperTable (a hundred lines of array)
    assert not any(source.strip().splitlines()[-1].strip() == "paper" for source in code)
