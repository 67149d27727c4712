"""The paper's Appendix 4 tables, as transcribed in nnlesson/paper_tables.csv."""
import numpy as np
import pytest

from nnlesson.paper import (BEST_ONE_EPOCH, BEST_TEN_EPOCHS, identical_rows, paper_accuracy,
                            paper_table)


@pytest.mark.parametrize("batch_size, lr, expected", [
    (40, 4, 83.50),      # the paper's best one-epoch result
    (5, 0.05, 44.62),    # first cell of Figure 11
    (100, 20, 10.19),    # last cell of Figure 12
    (100, 0.05, 11.20),
    (5, 20, 10.28),
    (15, 0.90, 84.08),
    (50, 10, 82.18),
    (45, 13, 54.57),
    (10, 1.0, 78.32),    # lr 1.0: Figure 12's value by default
])
def test_known_cells(batch_size, lr, expected):
    assert paper_accuracy(batch_size, lr) == expected


def test_lr_one_is_in_both_figures():
    assert paper_accuracy(5, 1.0, figure=11) == 83.39
    assert paper_accuracy(5, 1.0, figure=12) == 69.40
    assert paper_accuracy(5, 1.0) == 69.40


def test_settings_the_paper_never_ran():
    assert paper_accuracy(7, 1.0) is None
    assert paper_accuracy(40, 21) is None
    assert paper_accuracy(40, 0.07) is None
    assert paper_accuracy(40, 2.0, figure=11) is None


def test_learning_rates_computed_by_arithmetic_still_match():
    assert paper_accuracy(40, 0.1 + 0.05) == 32.22


def test_shapes_and_order():
    both = paper_table()
    assert both.shape == (20, 40)
    assert list(both.batch_sizes) == list(range(5, 101, 5))
    assert np.allclose(both.lrs[:20], np.arange(1, 21) * 0.05)
    assert np.allclose(both.lrs[20:], np.arange(1, 21))
    assert list(both.figures) == [11] * 20 + [12] * 20
    assert not np.isnan(both.accuracy).any()
    assert ((both.accuracy > 0) & (both.accuracy < 100)).all()
    assert paper_table(11).shape == paper_table(12).shape == (20, 20)


def test_bad_figure():
    with pytest.raises(ValueError, match="Figures 11 and 12"):
        paper_table(13)


def test_headlines_agree_with_the_table():
    assert BEST_ONE_EPOCH == (40, 4.0, 1, 83.50)
    assert paper_accuracy(BEST_ONE_EPOCH.batch_size, BEST_ONE_EPOCH.lr) == BEST_ONE_EPOCH.accuracy
    # The text's "best result" is not the largest number in its own tables: 84.08 at (15, 0.9)
    # and 83.72 at (35, 6) beat it. The notebook points this out; pin the fact here.
    t = paper_table()
    top3 = sorted(zip(t.accuracy.ravel(), np.repeat(t.batch_sizes, 40), np.tile(t.lrs, 20)))[-3:]
    assert [(a, b, lr) for a, b, lr in top3] == [(83.50, 40, 4.0), (83.72, 35, 6.0), (84.08, 15, 0.9)]
    assert BEST_TEN_EPOCHS == (20, 0.9, 10, 89.45)


def test_identical_rows_found():
    found = [(d.figure, d.lrs, d.batch_sizes) for d in identical_rows()]
    assert found == [(11, (0.05, 0.5), (5, 10)), (11, (0.55, 1.0), (5, 10)),
                     (12, (11.0, 20.0), (5, 10))]
