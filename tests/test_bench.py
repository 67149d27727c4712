"""The benchmark runs end to end (its numbers are reported, never asserted)."""
import pytest

from nnlesson.tools.bench import BATCH_SIZES, DTYPES, run


def test_bench_prints_a_row_per_setting(mnist):
    lines = []
    rows = run(epochs_images=400, repeats=1, naive_images=100, print=lines.append)
    assert [(r[0], r[1]) for r in rows] == [(b, d) for d in DTYPES for b in BATCH_SIZES]
    assert all(r[2] > 0 and r[4] > 0 for r in rows) and len(lines) == 2 + len(rows)


@pytest.mark.parametrize("kwargs, message", [
    (dict(epochs_images=50), "images must be a whole number from 100"),  # batch size 100 > 50
    (dict(epochs_images=70000), "to 60000, got 70000"),
    (dict(repeats=0), "repeats must be a whole number of at least 1"),
    (dict(naive_images=0), "naive_images must be a whole number of at least 1"),
])
def test_bad_settings_are_refused_before_a_line_is_printed(mnist, kwargs, message):
    lines = []
    with pytest.raises(ValueError, match=message):
        run(**{"epochs_images": 400, "repeats": 1, "naive_images": 100, **kwargs},
            print=lines.append)
    assert lines == []
