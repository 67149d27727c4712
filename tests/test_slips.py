"""Appendix A2: every slip of the paper, each verdict computed, never written down by hand."""
import dis
import html

import nbformat
import numpy as np
import pytest
from pathlib import Path

from nnlesson.network import Network
from nnlesson.paper.slips import HOW, READING, Check, Slip, paper_slips, slips_markdown, slips_table

A2 = Path(__file__).parent.parent / "notebooks" / "A2_reading_the_paper.ipynb"


@pytest.fixture(scope="module")
def slips():
    return paper_slips()


def find(slips, where):
    found = [s for s in slips if where in s.where]
    assert len(found) == 1, (where, [s.where for s in found])
    return found[0]


def returns_a_literal(function):
    """Whether some ``return`` of this function hands back a constant True or False."""
    previous = None
    for instruction in dis.get_instructions(function):
        if instruction.opname == "RETURN_CONST" and isinstance(instruction.argval, bool):
            return True
        if (instruction.opname == "RETURN_VALUE" and previous is not None
                and previous.opname == "LOAD_CONST" and isinstance(previous.argval, bool)):
            return True
        previous = instruction
    return False


def test_the_literal_detector_detects_literals():
    assert returns_a_literal(lambda v: True) and returns_a_literal(lambda v: False)
    assert not returns_a_literal(lambda v: v == 1) and not returns_a_literal(lambda v: not v)


def test_a_slip_cannot_hold_a_literal_verdict():
    with pytest.raises(TypeError, match="Check"):
        Slip("w", "what", "p", "c", "course", "SymPy", False)
    with pytest.raises(ValueError, match="checked by reading"):
        Slip("w", "what", "p", "c", "course", READING, Check(bool, lambda: 1, lambda: 0))
    with pytest.raises(ValueError, match="how"):
        Slip("w", "what", "p", "c", "course", "intuition")


def test_no_verdict_is_a_literal(slips):
    for s in slips:
        assert s.how in HOW, s.where
        if s.how == READING:
            assert s.check is None and s.paper_holds is None and s.correct_holds is None, s.where
            continue
        check = s.check
        assert isinstance(check, Check), s.where
        assert all(callable(f) for f in (check.judge, check.paper, check.course)), s.where
        assert hasattr(check.judge, "__code__") and not returns_a_literal(check.judge), s.where
        assert isinstance(s.paper_holds, bool) and isinstance(s.correct_holds, bool), s.where
        if s.right:  # a passage found right: the judge must still be able to say no
            assert check.control is not None and not s.judged(check.control), s.where
        else:        # one judge, two answers: so the answer depends on what it is shown
            assert s.paper_holds != s.correct_holds, s.where


def test_every_slip_fails_and_its_correction_holds(slips):
    machine = [s for s in slips if s.how != READING]
    assert all(s.correct_holds for s in machine), [s.where for s in machine if not s.correct_holds]
    right = [s.where for s in machine if s.paper_holds]
    assert right == [s.where for s in machine if s.right]
    assert len(right) == 3
    assert sum(not s.paper_holds for s in machine) >= 24


@pytest.mark.parametrize("where", [
    "weighted sum: a bias", "weighted sum: indices", "output layer", "Figure 6, the matrix",
    "Figure 6, the product a^1", "Figure 6, the product's third row", "cost of one example",
    "number of parameters", "over all examples", "chain rule in words", "factor 2", "second row",
    "the column sigma'", "dC_t/db^L", "two columns", "as printed", "recursion's layers", "one neuron",
    "Appendix 2: when", "at least three layers", "batch size: 1", "best result",
    "identical rows", "learning rate 1.0",
])
def test_machine_checked_slips_are_found(where, slips):
    s = find(slips, where)
    assert s.how != READING and s.paper_holds is False and s.correct_holds is True


@pytest.mark.parametrize("where", [
    "definition of a weight", "Figure 6, the biases", "a^l where", "sigma'(z^(L-h))",
    "Appendix 1", "dot product", "normalizing",
])
def test_slips_no_program_can_decide_are_labelled_checked_by_reading(where, slips):
    s = find(slips, where)
    assert s.how == READING and s.paper_holds is None and s.numbers is None


@pytest.mark.parametrize("where, changes", [
    ("weighted sum: a bias", "yes"), ("Figure 6, the matrix", "yes"),
    ("Figure 6, the product's third row", "yes"), ("cost of one example", "yes"),
    ("over all examples", "yes"), ("factor 2", "yes"), ("one neuron", "yes"),
    ("second row", "yes"), ("the column sigma'", "yes"), ("dC_t/db^L", "yes"),
    ("as printed", "yes"), ("recursion's layers", "yes"),
    ("weighted sum: indices", "cannot be computed"), ("Figure 6, the product a^1", "cannot be computed"),
    ("two columns", "cannot be computed"), ("Appendix 2: when", "cannot be computed"),
    ("chain rule in words", "no"), ("worked product", "no"), ("In summary", "no"),
    ("number of parameters", None), ("best result", None), ("at least three layers", None),
])
def test_which_slips_change_the_numbers_is_computed(where, changes, slips):
    assert find(slips, where).changes == changes


def test_the_numbers_are_the_ones_the_maths_predicts(slips):
    # the doubled factor 2 doubles the number; dividing the cost by its n = 10 outputs divides it
    doubled, averaged = find(slips, "factor 2").numbers, find(slips, "cost of one example").numbers
    assert np.allclose(doubled.paper, 2 * doubled.course, rtol=1e-12)
    assert np.allclose(averaged.paper, averaged.course / 10, rtol=1e-12)
    cannot = find(slips, "Figure 6, the product a^1").numbers
    assert cannot.paper is None and cannot.course.shape == (4,)


def test_the_parameter_count_says_what_it_tests(slips):
    s = find(slips, "number of parameters")
    assert "about 13,000" in s.paper and "interpretation" in s.what
    assert f"{Network((784, 16, 16, 10)).n_params:,}" in s.what
    assert Network((784, 16, 16, 10)).n_params == 784 * 16 + 16 + 16 * 16 + 16 + 16 * 10 + 10
    assert Network((784, 16, 16, 10)).n_params < 13100 < Network((784, 32, 16, 10)).n_params


def test_the_best_result_slip_names_every_larger_cell(slips):
    s = find(slips, "best result")
    assert "84.08 % at (15, 0.9)" in s.what and "83.72 % at (35, 6)" in s.what


def test_the_table_wraps_and_shows_every_slip(slips):
    table = slips_table(slips)
    assert "table-layout: fixed" in table and "overflow-wrap" in table
    assert table.count("<tr>") == len(slips) + 1
    assert all(html.escape(s.where) in table for s in slips)
    assert table.count(READING) >= sum(s.how == READING for s in slips)


def test_every_slip_gets_a_block(slips):
    blocks = slips_markdown(slips).split("\n\n**")
    assert len(blocks) == len(slips)
    assert all(f"**{n}. " in slips_markdown(slips[n - 1:n], start=n) for n in (1, len(slips)))


def test_a2_does_not_call_the_summary_right_while_its_recursion_fails(slips):
    assert find(slips, "as printed").paper_holds is False
    opening = " ".join(nbformat.read(A2, as_version=4).cells[0].source.split())
    assert "formulas for backpropagation are right" not in opening
