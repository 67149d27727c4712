"""The benchmark runs end to end (its numbers are reported, never asserted)."""
from nnlesson.bench import BATCH_SIZES, DTYPES, run


def test_bench_prints_a_row_per_setting(mnist):
    lines = []
    rows = run(epochs_images=400, repeats=1, naive_images=100, print=lines.append)
    assert [(r[0], r[1]) for r in rows] == [(b, d) for d in DTYPES for b in BATCH_SIZES]
    assert all(r[2] > 0 and r[4] > 0 for r in rows) and len(lines) == 2 + len(rows)
