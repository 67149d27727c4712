"""Stacked training (nnlesson.tools.stack, planned by nnlesson.tools.sweep) is the same computation as training each network alone."""
import builtins
import csv
import os
import threading
import tracemalloc
import warnings

import numpy as np
import pytest

from nnlesson import Network, load_mnist, train
from nnlesson.tools.cli import main
from nnlesson.data import Dataset
from nnlesson.engine import Engine
from nnlesson.tools.stack import Stack, train_stack
from nnlesson.tools.sweep import (COLUMNS, PAPER_BATCH_SIZES, PAPER_LRS, STACK_BYTES, figures_of,
                                 read_results, run_to_csv, stacks, sweep)
from nnlesson.training import batch_order


@pytest.fixture(scope="module")
def mnist64():
    return load_mnist(dtype=np.float64)


@pytest.fixture(scope="module")
def mnist32():
    return load_mnist(dtype=np.float32)


def test_paper_grid_has_39_distinct_rates():
    assert len(PAPER_BATCH_SIZES) == 20 and len(PAPER_LRS) == 39
    assert figures_of(1.0) == (11, 12) and figures_of(0.05) == (11,) and figures_of(20) == (12,)
    assert figures_of(3.5) == ()


@pytest.mark.parametrize("dtype, itemsize", [("float32", 4), ("float64", 8)])
def test_stacks_cover_the_rates_in_order_within_the_cache_budget(dtype, itemsize):
    chunks = stacks(list(PAPER_LRS), dtype)
    assert [lr for chunk in chunks for lr in chunk] == list(PAPER_LRS)
    assert max(map(len, chunks)) - min(map(len, chunks)) <= 1  # as equal as possible
    assert all(len(c) * 784 * 32 * itemsize <= STACK_BYTES for c in chunks)
    assert len(stacks(list(PAPER_LRS), dtype)) == len(chunks)
    assert stacks([4.0], dtype) == [[4.0]]


def test_batch_order_is_the_order_train_uses(monkeypatch):
    # Image i carries its own index in pixel 0, so the batches train's engine steps on can be read
    # back from the batches themselves.
    n, batch_size, epochs = 103, 10, 2
    X = np.zeros((784, n))
    X[0] = np.arange(n) / n
    data = Dataset(X, np.arange(n) % 10, X[:, :5], np.arange(5))
    seen = []
    net = Network(seed=0)
    original = Engine.step

    def step(engine, idx, lr, *rest):  # rest: what else the engine's step takes (its L2 decay)
        seen.append(np.rint(engine.rows[idx, 0] * n).astype(int))
        return original(engine, idx, lr, *rest)
    monkeypatch.setattr(Engine, "step", step)
    train(net, data, epochs=epochs, batch_size=batch_size, lr=1.0, seed=7)
    ours = [idx for batches in batch_order(n, batch_size, epochs, seed=7) for idx in batches]
    assert len(ours) == len(seen) == 2 * 11 and len(ours[10]) == 3  # the last batch is smaller
    for a, b in zip(ours, seen):
        assert np.array_equal(a, b)


# Float64 rounding, bounded: every number of a step comes out of a sum of at most n = 784 terms
# (W^1 a^0), so a summation order of another BLAS kernel changes it by at most about n * eps =
# 784 * 2.2e-16 = 1.7e-13 relative. Over T = 100 steps such errors add up and are amplified by
# the training itself: we measured (by perturbing the initial weights by 1e-13) that at learning
# rates up to 4 an error grows at most ~40-fold over these 100 steps, so the runs must agree to
# T * 40 * 1.7e-13 = 7e-10 of each matrix's largest entry, worst case. (Rounding every weight by
# a full 1.7e-13 after every step, in a simulation, moves them by at most 8e-12; the machine
# that failed the old test saw 3e-14.) TOLERANCE keeps a factor 14 over the worst case and is
# still far below what a real bug does: without the 1/m the weights differ by 0.15 to 3.7, with
# the learning rates of the wrong networks by 0.3 or more, with W^l stepped before delta^(l-1)
# is computed by 1.5e-3 or more, and a learning rate off by one part in a million already
# moves them by 1e-7 (test_weight_tolerance_catches_a_learning_rate_off_by_one_millionth).
# Above lr ~8 training is chaotic (a 1e-13 perturbation grows 1e5-fold at lr 8), so there only
# the accuracies are compared.
TOLERANCE = 1e-8
STABLE_LRS, CHAOTIC_LRS = [0.05, 0.9, 4.0], [20.0]


def _difference(net, other):
    """The largest difference of any W^l or b^l entry, relative to that matrix's largest entry."""
    return max(np.abs(mine - theirs).max() / np.abs(theirs).max()
               for l in range(1, net.L + 1)
               for mine, theirs in ((net.W[l], other.W[l]), (net.b[l], other.b[l])))


@pytest.fixture(scope="module")
def hundred_steps(mnist64):
    """1000 images at batch size 10: 100 steps. Each network trained alone by train(), float64."""
    data = mnist64.subset(1000, 1000)
    alone = {}
    for init in ("classic", "scaled"):
        for lr in STABLE_LRS + CHAOTIC_LRS:
            alone[init, lr] = net = Network(init=init, seed=3)
            alone[init, lr, "accuracy"] = train(net, data, 1, 10, lr, seed=3).test_accuracy[-1]
    return data, alone


@pytest.mark.parametrize("init", ["classic", "scaled"])
def test_stacked_weights_equal_alone(hundred_steps, init):
    """A hundred steps on real MNIST, float64: at learning rates up to 4 every network of the
    stack ends where the same network trained alone by train() ends, within TOLERANCE (above).

    Test accuracies: at lr <= 4 the weights agree to 1e-8, so an image can change its answer only
    if its two largest outputs are that close: allow one image of the 1000 (0.1 points). At lr 20
    a rounding difference grows at most ~1e4-fold over 100 steps (measured as above), still far
    too little to move more than a few images: allow 1 point.
    """
    data, alone = hundred_steps
    lrs = STABLE_LRS + CHAOTIC_LRS
    stack = Stack([Network(init=init, seed=3)] * len(lrs))
    accuracy = train_stack(stack, data, epochs=1, batch_size=10, lrs=lrs, seed=3)[-1]
    for r, lr in enumerate(lrs):
        if lr in STABLE_LRS:
            assert _difference(stack.network(r), alone[init, lr]) <= TOLERANCE, f"lr {lr}"
        allowed = 0.1 if lr in STABLE_LRS else 1.0
        assert abs(accuracy[r] - alone[init, lr, "accuracy"]) <= allowed + 1e-9, f"lr {lr}"


def test_weight_tolerance_catches_a_learning_rate_off_by_one_millionth(hundred_steps):
    """The tolerance is tight enough to see a bug: steps one millionth too long fail it."""
    data, alone = hundred_steps
    stack = Stack([Network(init="scaled", seed=3)] * len(STABLE_LRS))
    train_stack(stack, data, 1, 10, [lr * (1 + 1e-6) for lr in STABLE_LRS], seed=3)
    for r, lr in enumerate(STABLE_LRS):
        assert _difference(stack.network(r), alone["scaled", lr]) > TOLERANCE


def test_stacked_accuracy_equals_alone_full_epoch(mnist32):
    """One float32 epoch of all 60,000 images at stable settings: same accuracies within 0.5.

    Float32 rounding is 2^29 times coarser than float64's and 600 steps are taken, so here the
    weights of the two runs need not agree closely. How far can rounding move the accuracy? In a
    simulation that rounds every weight by the worst case n * eps (784 * 1.2e-7) after every step,
    the weights moved by 3e-3 relative and the accuracy by at most 0.04 points at these settings.
    0.5 points leaves a factor 10 over that.
    """
    lrs = [1.0, 4.0]
    accuracy = train_stack(Stack([Network(init="classic", seed=0, dtype=np.float32)] * 2),
                           mnist32, epochs=1, batch_size=100, lrs=lrs, seed=0)[-1]
    for lr, ours in zip(lrs, accuracy):
        alone = train(Network(init="classic", seed=0, dtype=np.float32), mnist32, epochs=1,
                      batch_size=100, lr=lr, seed=0).test_accuracy[-1]
        assert abs(ours - alone) <= 0.5
    assert accuracy[1] > 50  # and it learned: lr 4 at batch 100 is far above chance


def test_collapsed_networks_give_numbers_not_warnings(mnist32):
    data = mnist32.subset(3000, 2000)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an overflow or invalid-value warning fails the test
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            accuracy = train_stack(Stack([Network(init="classic", seed=1, dtype=np.float32)] * 2),
                                   data, 1, 5, [20.0, 1000.0], seed=1)
    assert np.all(np.isfinite(accuracy)) and np.all((accuracy >= 0) & (accuracy <= 100))


def test_bad_inputs(mnist32):
    data = mnist32.subset(100, 10)
    stack = Stack([Network(seed=0, dtype=np.float32)] * 2)
    with pytest.raises(ValueError, match="2 networks"):
        train_stack(stack, data, lrs=[1.0])
    with pytest.raises(ValueError, match="learning rate"):
        train_stack(stack, data, lrs=[1.0, -1.0])
    with pytest.raises(ValueError, match="larger than"):
        train_stack(stack, data, batch_size=101, lrs=[1.0, 2.0])
    with pytest.raises(ValueError, match="epochs"):
        train_stack(stack, data, epochs=0, lrs=[1.0, 2.0])
    with pytest.raises(ValueError, match="same sizes"):
        Stack([Network((784, 10)), Network()])


def test_sweep_rows_and_lr_one_reported_for_both_figures(mnist32):
    data = mnist32.subset(2000, 500)
    rows = list(sweep(data, batch_sizes=[50], lrs=[1.0, 3.5, 1.0], seeds=[0, 1]))
    assert [(r["seed"], r["lr"], r["figure"]) for r in rows] == [
        (0, 1.0, 11), (0, 1.0, 12), (0, 3.5, ""), (1, 1.0, 11), (1, 1.0, 12), (1, 3.5, "")]
    assert rows[0]["accuracy"] == rows[1]["accuracy"]  # one network, reported twice
    assert set(rows[0]) == set(COLUMNS)


def test_csv_resume_skips_done_cells(mnist32, tmp_path, monkeypatch):
    data = mnist32.subset(2000, 500)
    path = str(tmp_path / "out" / "sweep.csv")
    new, skipped = run_to_csv(path, data, batch_sizes=[100], lrs=[0.5, 2.0])
    assert (len(new), skipped) == (2, 0)
    # A second, larger grid trains only the new cells: count the networks actually trained.
    trained = []
    import nnlesson.tools.sweep as sweep_module
    real = sweep_module.train_stack
    monkeypatch.setattr(sweep_module, "train_stack",
                        lambda stack, *a, **k: trained.append(stack.R) or real(stack, *a, **k))
    new, skipped = run_to_csv(path, data, batch_sizes=[100, 200], lrs=[0.5, 2.0])
    assert trained == [2] and skipped == 2  # batch 100 was done; only batch 200 ran
    new, skipped = run_to_csv(path, data, batch_sizes=[100, 200], lrs=[0.5, 2.0])
    assert trained == [2] and new == [] and skipped == 4
    new, skipped = run_to_csv(path, data, batch_sizes=[100], lrs=[0.5], init="scaled")
    assert trained == [2, 1] and skipped == 0  # another init is another cell
    new, skipped = run_to_csv(path, data, batch_sizes=[100], lrs=[0.5], dtype="float64")
    assert trained == [2, 1, 1] and skipped == 0  # and so is another dtype
    rows = read_results(path)
    assert sorted((r["init"], r["batch_size"], r["lr"], r["dtype"]) for r in rows) == [
        ("classic", 100, 0.5, "float32"), ("classic", 100, 0.5, "float64"),
        ("classic", 100, 2.0, "float32"), ("classic", 200, 0.5, "float32"),
        ("classic", 200, 2.0, "float32"), ("scaled", 100, 0.5, "float32")]
    with open(path) as f:
        assert next(csv.reader(f)) == list(COLUMNS)


def _lines(path):
    with open(path, encoding="utf-8", newline="") as f:
        return f.read().split("\n")


def test_duplicate_batch_sizes_and_seeds_train_once(mnist32, tmp_path):
    data = mnist32.subset(1000, 200)
    rows = list(sweep(data, batch_sizes=[100, 100], lrs=[0.5], seeds=[0, 0]))
    assert [(r["batch_size"], r["seed"]) for r in rows] == [(100, 0)]
    path = str(tmp_path / "sweep.csv")
    new, skipped = run_to_csv(path, data, batch_sizes=[100, 100], lrs=[0.5, 0.5], seeds=[0, 0])
    assert (len(new), skipped, len(read_results(path))) == (1, 0, 1)


def test_csv_interrupted_last_line_is_redone_and_dropped(mnist32, tmp_path):
    data = mnist32.subset(1000, 200)
    path = tmp_path / "sweep.csv"
    run_to_csv(str(path), data, batch_sizes=[100], lrs=[0.5])
    path.write_text(path.read_text() + "100,2.0,12,0,clas")  # killed while writing a line
    new, skipped = run_to_csv(str(path), data, batch_sizes=[100], lrs=[0.5, 2.0])
    assert [r["lr"] for r in new] == [2.0] and skipped == 1
    assert len(read_results(str(path))) == 2
    lines = _lines(path)  # the cut line is gone, not left in the middle of the file
    assert len(lines) == 4 and lines[0] == ",".join(COLUMNS) and lines[-1] == ""
    assert [line.split(",")[1] for line in lines[1:3]] == ["0.5", "2.0"]


def test_csv_last_row_without_its_newline_is_kept(mnist32, tmp_path):
    data = mnist32.subset(1000, 200)
    path = tmp_path / "sweep.csv"
    run_to_csv(str(path), data, batch_sizes=[100], lrs=[0.5])
    path.write_text(path.read_text().rstrip("\n"))  # a whole row, saved by an editor without "\n"
    new, skipped = run_to_csv(str(path), data, batch_sizes=[100], lrs=[0.5, 2.0])
    assert [r["lr"] for r in new] == [2.0] and skipped == 1
    assert [r["lr"] for r in read_results(str(path))] == [0.5, 2.0]


@pytest.mark.parametrize("cut", ["100,2.0,12,0,clé".encode(),       # ends in a 2-byte character
                                 "100,2.0,12,0,clé".encode()[:-1]])  # cut inside it
def test_csv_cut_line_ending_in_a_multibyte_character(cut, mnist32, tmp_path):
    data = mnist32.subset(1000, 200)
    path = tmp_path / "sweep.csv"
    run_to_csv(str(path), data, batch_sizes=[100], lrs=[0.5])
    path.write_bytes(path.read_bytes() + cut)
    assert [r["lr"] for r in read_results(str(path))] == [0.5]
    new, skipped = run_to_csv(str(path), data, batch_sizes=[100], lrs=[0.5, 2.0])
    assert [r["lr"] for r in new] == [2.0] and skipped == 1
    assert len(_lines(path)) == 4  # the header, two rows and "": the cut line is gone


def test_cell_missing_its_figure_12_row_is_completed(mnist32, tmp_path):
    """lr 1.0 is one network and two rows (Figures 11 and 12). A sweep stopped between the two
    rows must not lose the second for good: on resume the cell is trained again and only the
    missing row is written."""
    data = mnist32.subset(1000, 200)
    path = tmp_path / "sweep.csv"
    run_to_csv(str(path), data, batch_sizes=[100], lrs=[1.0, 2.0])
    lines = _lines(path)
    assert lines[2].startswith("100,1.0,12,")
    path.write_text("\n".join(lines[:2] + lines[3:]))  # as if stopped after the Figure 11 row
    new, skipped = run_to_csv(str(path), data, batch_sizes=[100], lrs=[1.0, 2.0])
    assert [(r["lr"], r["figure"]) for r in new] == [(1.0, 12)] and skipped == 1
    assert sorted((r["lr"], r["figure"]) for r in read_results(str(path))) == [
        (1.0, 11), (1.0, 12), (2.0, 12)]


def test_two_sweeps_on_one_file_the_second_is_refused(mnist32, tmp_path):
    """While one sweep writes a CSV, a second one on the same file is refused in one line, and
    the file gets one header and no duplicate rows."""
    data = mnist32.subset(1000, 200)
    path = str(tmp_path / "sweep.csv")
    training, go_on = threading.Event(), threading.Event()

    def first_progress(done, total, text):
        training.set()
        go_on.wait(60)
    first = threading.Thread(target=run_to_csv, args=(path, data),
                             kwargs=dict(progress=first_progress, batch_sizes=[100], lrs=[0.5]))
    first.start()
    try:
        assert training.wait(60)
        with pytest.raises(ValueError, match=f"another sweep is writing {path} "
                                             f"\\(pid {os.getpid()}\\); wait for it"):
            run_to_csv(path, data, batch_sizes=[100], lrs=[0.5])
    finally:
        go_on.set()
        first.join(60)
    assert _lines(path).count(",".join(COLUMNS)) == 1 and len(read_results(path)) == 1
    assert not os.path.exists(path + ".lock")  # the first sweep, done, left no lock file behind
    new, skipped = run_to_csv(path, data, batch_sizes=[100], lrs=[0.5, 2.0])  # now free again
    assert len(new) == 1 and skipped == 1


@pytest.fixture
def read_only(monkeypatch):
    """Makes a file read-only as a user finds it. chmod is not enough when the tests run as root
    (root may write anyway), so open() and os.open() also refuse to write it."""
    paths, real_open, real_os_open = set(), builtins.open, os.open

    def refuse(file):
        raise PermissionError(13, "Permission denied", file)

    def guarded_open(file, mode="r", *args, **kwargs):
        if isinstance(file, (str, os.PathLike)) and os.path.abspath(file) in paths \
                and set(mode) & set("wax+"):
            refuse(file)
        return real_open(file, mode, *args, **kwargs)

    def guarded_os_open(file, flags, *args, **kwargs):
        if os.path.abspath(file) in paths and flags & (os.O_WRONLY | os.O_RDWR):
            refuse(file)
        return real_os_open(file, flags, *args, **kwargs)
    monkeypatch.setattr(builtins, "open", guarded_open)
    monkeypatch.setattr(os, "open", guarded_os_open)

    def make(path):
        os.chmod(path, 0o444)
        paths.add(os.path.abspath(path))
    yield make
    for path in paths:
        os.chmod(path, 0o644)


def test_read_only_csv_with_nothing_to_do(mnist32, tmp_path, read_only, capsys, monkeypatch):
    path = str(tmp_path / "sweep.csv")
    run_to_csv(path, mnist32.subset(1000, 200), batch_sizes=[100], lrs=[0.5, 1.0])
    read_only(path)
    assert run_to_csv(path, None, batch_sizes=[100], lrs=[1.0]) == ([], 1)
    monkeypatch.setattr("nnlesson.data.load_mnist", _no_data)
    argv = ["sweep", "--batch-sizes", "100", "--lrs", "0.5", "1", "--out", path, "--quiet"]
    assert main(argv) == 0
    assert capsys.readouterr().out == f"nothing to do: all 2 cells are already in {path}\n"


@pytest.mark.parametrize("content", [
    bytes(range(256)) * 4,                                                   # binary
    (",".join(COLUMNS) + "\n100,0.5,11,0,classique réduit,1").encode("latin-1"),  # not UTF-8
])
def test_csv_that_is_not_text_is_refused_naming_it(content, mnist32, tmp_path, capsys):
    path = tmp_path / "sweep.csv"
    path.write_bytes(content)
    for call in (read_results, lambda p: run_to_csv(p, mnist32, batch_sizes=[100], lrs=[1.0])):
        with pytest.raises(ValueError, match="is not a sweep CSV") as error:
            call(str(path))
        assert str(path) in str(error.value) and "--out" in str(error.value)
    assert main(["sweep", "--out", str(path), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: {path} is not a sweep CSV") and err.count("\n") == 1
    assert path.read_bytes() == content  # and it is left as it was


def _no_data(*args, **kwargs):
    raise AssertionError("the data was loaded before the arguments were all checked")


@pytest.mark.parametrize("argv, message", [
    (["--batch-sizes", "0"], "--batch-sizes: '0' is not a whole number from 1 to 60000"),
    (["--batch-sizes", "forty"], "--batch-sizes: 'forty' is not"),
    (["--lrs", "-1"], "--lrs: '-1' is not a positive number"),
    (["--lrs", "nan"], "--lrs: 'nan' is not a positive number"),
    (["--epochs", "0"], "--epochs: '0' is not a whole number of at least 1"),
    (["--seeds", "-3"], "--seeds: '-3' is not"),
    (["--init", "zeros"], "--init must be one of scaled, classic"),
    (["--dtype", "float16"], "--dtype must be float32 or float64"),
    (["--workers", "0"], "--workers: '0' is not a whole number of at least 1"),
    (["--variant", "paper"], "--variant must be one of ours, factor_2_twice, "),
    (["--variant", "uniform01", "--init", "scaled"], "--variant uniform01 draws its own start "
                                                     "(uniform01); leave out --init"),
    (["--bench", "--variant", "no_shuffle"], "--bench times its own grid; it takes only --init "
                                             "and --dtype, not --variant"),
    (["--out", ""], "--out: '' is not a file name; give one such as results/sweep.csv"),
    (["--out", "results/"], "--out: 'results/' is not a file name"),
    (["--bench", "--batch-sizes", "7"], "--bench times its own grid; it takes only --init and "
                                        "--dtype, not --batch-sizes"),
])
def test_cli_bad_arguments_one_line(argv, message, capsys, tmp_path, monkeypatch):
    monkeypatch.setattr("nnlesson.data.load_mnist", _no_data)
    monkeypatch.chdir(tmp_path)
    assert main(["sweep", "--out", "s.csv", *argv]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and err.count("\n") == 1


def test_cli_runs_and_resumes(capsys, tmp_path):
    out = str(tmp_path / "s.csv")
    args = ["sweep", "--batch-sizes", "100", "--lrs", "1", "4", "--out", out, "--quiet"]
    assert main(args) == 0
    assert "2 networks trained" in capsys.readouterr().out
    assert main(args) == 0
    assert capsys.readouterr().out == f"nothing to do: all 2 cells are already in {out}\n"
    assert {(r["lr"], r["figure"]) for r in read_results(out)} == {(1.0, 11), (1.0, 12), (4.0, 12)}


@pytest.mark.parametrize("case, message", [
    ("folder", "is a folder, not a CSV; give --out a file name"),
    ("other columns", "is not a sweep CSV (its columns are ['a', 'b']"),
    ("read-only", "cannot write {out} (Permission denied); choose another --out"),
    ("in use", "another sweep is writing {out}"),
])
def test_cli_checks_out_before_loading_data(case, message, capsys, tmp_path, monkeypatch,
                                            read_only):
    out = tmp_path / "s.csv"
    if case == "folder":
        out = tmp_path
    elif case == "other columns":
        out.write_text("a,b\n1,2\n")
    elif case == "read-only":
        out.write_text(",".join(COLUMNS) + "\n")
        read_only(out)
    monkeypatch.setattr("nnlesson.data.load_mnist", _no_data)
    argv = ["sweep", "--batch-sizes", "100", "--lrs", "1", "--out", str(out), "--quiet"]
    if case == "in use":
        from nnlesson.tools.sweep_csv import writing
        with writing(str(out)):
            assert main(argv) == 1
    else:
        assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message.format(out=out) in err and err.count("\n") == 1


def test_two_worker_processes_train_the_same_cells(mnist32):
    """workers=2 forks two processes that each train whole stacks: the same cells come back, with
    the accuracies one process gives (same arithmetic; only a BLAS path that sums in another
    order may differ, and nudges of that size were measured to move such cells by up to 0.1
    point, so 0.5 as in test_hypotheses; lr <= 4 keeps the runs out of the chaotic range)."""
    data = mnist32.subset(3000, 2000)
    grid = dict(batch_sizes=[20, 50, 100], lrs=[0.5, 1.0, 4.0], seeds=[0, 1])
    alone = {(r["batch_size"], r["lr"], r["figure"], r["seed"]): r["accuracy"]
             for r in sweep(data, **grid)}
    forked = {(r["batch_size"], r["lr"], r["figure"], r["seed"]): r["accuracy"]
              for r in sweep(data, workers=2, **grid)}
    assert forked.keys() == alone.keys() and len(alone) == 3 * 4 * 2  # lr 1.0: two rows
    assert all(abs(forked[k] - alone[k]) <= 0.5 for k in alone), (forked, alone)
    assert max(alone.values()) > 30  # they learned: chance is 10 %



def test_variants_never_mix_their_cells(mnist32, tmp_path):
    """The variant is part of a cell's key: a hypothesis swept into a file that already holds
    "ours" trains its own cells, and each row says which it is."""
    data = mnist32.subset(1000, 200)
    path = str(tmp_path / "sweep.csv")
    run_to_csv(path, data, batch_sizes=[100], lrs=[0.5])
    new, skipped = run_to_csv(path, data, batch_sizes=[100], lrs=[0.5], variant="no_shuffle")
    assert (len(new), skipped) == (1, 0)
    new, skipped = run_to_csv(path, data, batch_sizes=[100], lrs=[0.5], variant="uniform01")
    assert (len(new), skipped) == (1, 0)
    assert [(r["variant"], r["init"]) for r in read_results(path)] == [
        ("ours", "classic"), ("no_shuffle", "classic"), ("uniform01", "uniform01")]
    assert run_to_csv(path, data, batch_sizes=[100], lrs=[0.5], variant="no_shuffle") == ([], 1)


OLD_HEADER = "batch_size,lr,figure,seed,init,epochs,dtype,accuracy,seconds"


def test_csv_from_before_the_variants_is_read_as_ours_and_kept_in_its_columns(mnist32, tmp_path):
    data = mnist32.subset(1000, 200)
    path = tmp_path / "sweep.csv"
    path.write_text(OLD_HEADER + "\n100,0.5,11,0,classic,1,float32,40.0,0.1\n")
    assert [(r["variant"], r["accuracy"]) for r in read_results(str(path))] == [("ours", 40.0)]
    new, skipped = run_to_csv(str(path), data, batch_sizes=[100], lrs=[0.5, 2.0])
    assert [r["lr"] for r in new] == [2.0] and skipped == 1  # 0.5 was there, as "ours"
    lines = _lines(path)
    assert lines[0] == OLD_HEADER and len(lines[2].split(",")) == 9  # appended in its columns
    with pytest.raises(ValueError, match=f"{path} was written before --variant existed, so it "
                                         f"holds only 'ours'; choose another --out for "
                                         f"--variant no_shuffle"):
        run_to_csv(str(path), data, batch_sizes=[100], lrs=[0.5], variant="no_shuffle")
    assert len(read_results(str(path))) == 2


@pytest.mark.parametrize("kwargs", [dict(batch_size=70000), dict(epochs=0)])
def test_a_stack_refuses_a_bad_setting_before_copying_the_images(mnist, kwargs):
    """train_stack converts the 60,000 float64 images to the stack's float32 (188 MB): not before
    its batch size and epochs are checked (it used to copy first). A memory measurement."""
    stack = Stack([Network(seed=0, dtype=np.float32)])
    tracemalloc.start()
    try:
        with pytest.raises(ValueError):
            train_stack(stack, mnist, lrs=(1.0,), **kwargs)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 60000 * 784 * 4 / 10
