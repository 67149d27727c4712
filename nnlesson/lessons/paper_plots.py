"""Lesson 7's pictures: the paper's Appendix 4 table and ours as heatmaps, and their difference.

A table of the paper has 20 batch sizes and 40 learning-rate columns (the rate 1.0 twice, once
from each figure). Forty labels side by side are unreadable at a size that fits a page, so a
map with more than 20 columns labels every other one. The prime in ``1'`` marks Figure 11's
column for 1.0, so that it can be told from Figure 12's.
"""
from __future__ import annotations

import numpy as np

from .plots import new_figure

FONTSIZE = 9          # tick labels, in points: readable on a laptop screen at the course's DPI
MAX_LABELS = 20       # more columns than this and only every other one is labelled


def column_labels(table):
    """One label per learning-rate column of ``table``; Figure 11's 1.0 is written ``1'``."""
    return [f"{lr:g}" + ("'" if fig == 11 and lr == 1 else "")
            for lr, fig in zip(table.lrs, table.figures)]


def _check(values, table):
    values = np.asarray(values, dtype=float)
    if values.shape != table.accuracy.shape:
        raise ValueError(f"values have shape {values.shape} but the table has "
                         f"{table.accuracy.shape}: pass one number per cell of the table")
    return values


def heatmap(ax, values, table, title, cmap="viridis", vmin=0, vmax=100):
    """Draw ``values`` (shaped like ``table.accuracy``) on ``ax``, keeping only the rows and
    columns that hold at least one number, so a small grid is not lost among empty cells.
    Returns the image, for a colour bar."""
    values = _check(values, table)
    rows, cols = ~np.isnan(values).all(axis=1), ~np.isnan(values).all(axis=0)
    image = ax.imshow(values[rows][:, cols], cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto")
    labels = np.array(column_labels(table), dtype=object)[cols]
    step = 2 if len(labels) > MAX_LABELS else 1
    ax.set_xticks(range(0, len(labels), step), labels[::step], rotation=90, fontsize=FONTSIZE)
    ax.set_yticks(range(rows.sum()), table.batch_sizes[rows], fontsize=FONTSIZE)
    ax.set_xlabel("learning rate (1' is Figure 11's column for 1.0)", fontsize=FONTSIZE + 1)
    ax.set_ylabel("batch size", fontsize=FONTSIZE + 1)
    ax.set_title(title, fontsize=FONTSIZE + 2)
    return image


def paper_map(table):
    """The paper's whole table as one heatmap of test accuracy (%)."""
    fig = new_figure(10, 5)
    ax = fig.subplots()
    image = heatmap(ax, table.accuracy, table, "the paper, Appendix 4: test accuracy (%)")
    fig.colorbar(image, ax=ax, shrink=0.9)
    return fig


def comparison_maps(table, ours, label="ours"):
    """Three maps, one above the other: the paper, ``ours`` (NaN where not trained) and ours
    minus the paper (blue: ours higher). All show only the cells that ours has."""
    ours = _check(ours, table)
    paper = np.where(np.isnan(ours), np.nan, table.accuracy)
    fig = new_figure(10, 13)
    axes = fig.subplots(3, 1)
    for ax, values, title in [(axes[0], paper, "the paper: test accuracy (%)"),
                              (axes[1], ours, f"{label}: test accuracy (%)")]:
        fig.colorbar(heatmap(ax, values, table, title), ax=ax, shrink=0.9)
    diff = heatmap(axes[2], ours - table.accuracy, table, f"{label} minus the paper (points)",
                   "RdBu", -50, 50)
    fig.colorbar(diff, ax=axes[2], shrink=0.9)
    return fig
