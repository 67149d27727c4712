"""Reading the paper with a machine: each slip beside the correct version (appendix A2).

:func:`paper_slips` lists, in the paper's order, every slip the course found, each as a
:class:`Slip`: where it is, the paper's version and the course's, how it was checked, and what
the course does instead. A slip that a program can decide carries a :class:`Check`: *one* test,
``judge``, put to both versions. Its verdicts are computed when asked for, so no verdict can be
written down by hand, and since the same judge fails the paper's version and passes the course's,
it must have looked at them. A slip no program can decide (a wrong letter in a sentence, a step
printed out of order) has no check and says so: "checked by reading".

:attr:`Slip.changes` answers a second question: would a program that follows the paper's version
compute different numbers from one that follows the course's? It runs both on the same inputs
(every symbol gets a number that depends only on its name) and compares.

The slips themselves are in :mod:`nnlesson.paper.slips_forward` (architecture to cost) and
:mod:`nnlesson.paper.slips_backprop` (chain rule to the appendices). A notebook shows them with
:func:`slips_table` and :func:`slips_markdown`; ``tests/test_slips.py`` asserts every verdict.
"""
from __future__ import annotations

import html
import zlib
from dataclasses import dataclass
from functools import cached_property
from typing import Callable, NamedTuple, Optional

import numpy as np
import sympy as sp

READING = "checked by reading"
HOW = ("SymPy", "arithmetic", "the paper's tables", READING)


class CannotCompute(Exception):
    """Raised by a version that a program could not evaluate at all."""


# What a program meets when it follows a version that cannot be computed: a matrix product of
# the wrong shapes, a neuron index past the end of its layer, or a rule that forbids the step.
UNCOMPUTABLE = (CannotCompute, sp.ShapeError, IndexError)


class Check(NamedTuple):
    """One test put to both versions; the versions are built only when the check runs."""
    judge: Callable                     # value -> bool: does this version hold?
    paper: Callable                     # () -> the paper's version
    course: Callable                    # () -> the course's version
    program: Optional[Callable] = None  # value -> the numbers a program following it outputs
    control: Optional[Callable] = None  # () -> a wrong version; needed where the paper is right


class Numbers(NamedTuple):
    """What a program following each version outputs on the same inputs (None: cannot compute)."""
    paper: Optional[np.ndarray]
    course: Optional[np.ndarray]


@dataclass(frozen=True)
class Slip:
    where: str     # where in the paper
    what: str      # the slip, in words
    paper: str     # the paper's formula or claim (LaTeX inside $...$)
    correct: str   # the course's formula or claim
    course: str    # what the course does instead, and why
    how: str       # one of HOW
    check: Optional[Check] = None  # None exactly when the slip is checked by reading
    right: bool = False            # a passage checked and found right, shown for its check

    def __post_init__(self):
        if self.how not in HOW:
            raise ValueError(f"how must be one of {HOW}, got {self.how!r}")
        if self.check is not None and not isinstance(self.check, Check):
            raise TypeError(f"a slip's check must be a Check (judge, paper, course), "
                            f"got {self.check!r}: a verdict is computed, never written down")
        if (self.check is None) != (self.how == READING):
            raise ValueError(f"{self.where}: a slip has a Check exactly when it is not "
                             f"{READING!r}")

    def judged(self, version):
        """The judge's verdict on a version (a zero-argument function); False if it cannot be built."""
        try:
            value = version()
        except UNCOMPUTABLE:
            return False
        verdict = self.check.judge(value)
        if not isinstance(verdict, (bool, np.bool_)):
            raise TypeError(f"{self.where}: the judge returned {verdict!r}, not a bool")
        return bool(verdict)

    @cached_property
    def paper_holds(self):
        """The machine's verdict on the paper's version; None when checked by reading."""
        return None if self.check is None else self.judged(self.check.paper)

    @cached_property
    def correct_holds(self):
        """The machine's verdict on the course's version; None when checked by reading."""
        return None if self.check is None else self.judged(self.check.course)

    @cached_property
    def numbers(self):
        """:class:`Numbers` of both versions, or None where there is no formula to compute."""
        if self.check is None or self.check.program is None:
            return None
        return Numbers(*(_run(self.check.program, v) for v in (self.check.paper, self.check.course)))

    @property
    def changes(self):
        """Would a program's numbers change: "yes", "no", "cannot be computed", or None."""
        n = self.numbers
        if n is None:
            return None
        if n.paper is None:
            return "cannot be computed"
        same = n.paper.shape == n.course.shape and np.allclose(n.paper, n.course, rtol=1e-12)
        return "no" if same else "yes"


def _run(program, version):
    try:
        return np.atleast_1d(np.asarray(program(version()), dtype=float))
    except UNCOMPUTABLE:
        return None


# ---- helpers the slip modules share ----

def columns(name, n):
    return sp.Matrix(n, 1, lambda i, _: sp.Symbol(f"{name}_{i}"))


def weights(n, m, name="w"):
    return sp.Matrix(n, m, lambda j, k: sp.Symbol(f"{name}_{{{j},{k}}}"))


def _value(symbol):
    """A number for this symbol that depends only on its name, so both versions get the same."""
    rng = np.random.default_rng(zlib.crc32(symbol.name.encode()))
    return int(rng.integers(2, 10)) if symbol.is_integer else float(rng.uniform(0.1, 0.9))


def numeric(expr):
    """A SymPy expression, matrix or list of them, with every symbol replaced by its number."""
    items = list(expr) if isinstance(expr, (sp.MatrixBase, list, tuple)) else [expr]
    out = []
    for item in items:
        item = sp.sympify(item).rewrite(sp.exp)
        values = {s: sp.sympify(_value(s)) for s in item.free_symbols}
        out.append(float(item.xreplace(values).evalf(30)))
    return out


# ---- all of them, and how a notebook shows them ----

def paper_slips():
    """Every slip the course found in the paper, in the paper's order."""
    from .slips_backprop import backprop_slips
    from .slips_forward import forward_slips
    return forward_slips() + backprop_slips()


def verdict_text(holds):
    return READING if holds is None else "holds" if holds else "fails"


def numbers_text(slip):
    """The 'changes a program's numbers' answer, with the numbers that back it."""
    n, changes = slip.numbers, slip.changes
    if changes is None:
        return "no formula to compute" if slip.check else "\u2014"
    if changes == "cannot be computed":
        return "the paper's version cannot be computed"
    i = int(np.argmax(np.abs(n.paper - n.course)))
    if changes == "no":
        return f"no: both give {n.course[i]:.4g}"
    return f"yes: {n.paper[i]:.4g} instead of {n.course[i]:.4g}"


_CELL = "text-align: left; vertical-align: top; white-space: normal; overflow-wrap: break-word"
_WIDTHS = (5, 28, 15, 15, 15, 22)  # percent of the width: the words get the room


def slips_table(slips, start=1):
    """An HTML table, one row per slip, in fixed columns that wrap to the width of the page."""
    def row(cells, tag="td"):
        return "<tr>" + "".join(f'<{tag} style="{_CELL}">{c}</{tag}>' for c in cells) + "</tr>"

    def verdict(holds):
        text = verdict_text(holds)
        return f"<b>{text}</b>" if holds is False else f"<i>{text}</i>" if holds is None else text

    head = row(["", "where in the paper", "the paper's version", "the course's version",
                "checked with", "would a program's numbers change?"], "th")
    rows = [row([str(n), html.escape(s.where), verdict(s.paper_holds), verdict(s.correct_holds),
                 html.escape(s.how), html.escape(numbers_text(s))])
            for n, s in enumerate(slips, start)]
    cols = "".join(f'<col style="width: {w}%">' for w in _WIDTHS)
    return (f'<table style="table-layout: fixed; width: 100%; border-collapse: collapse">'
            f"<colgroup>{cols}</colgroup>{head}{''.join(rows)}</table>")


def slips_markdown(slips, start=1):
    """One Markdown block per slip: the two versions with their verdicts, and the course's way."""
    def block(n, s):
        checked = (f"* checked with {s.how}; would a program's numbers change? {numbers_text(s)}"
                   if s.check else f"* {READING}: no program can decide this one")
        return (f"**{n}. {s.where}.** {s.what}\n\n"
                f"* the paper: {s.paper} ({verdict_text(s.paper_holds)})\n"
                f"* the course: {s.correct} ({verdict_text(s.correct_holds)})\n"
                f"{checked}\n* in the course: {s.course}")
    return "\n\n".join(block(n, s) for n, s in enumerate(slips, start))
