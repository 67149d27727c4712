"""The matrix product and the transpose, entry by entry (appendix A1; the paper's Appendices 2, 3).

Entries are indexed from 0, as in the paper and in NumPy: M[i, j] is the entry in row i, column j.

The product of an (r x n) matrix A and an (n x c) matrix B is the (r x c) matrix with

    (A B)[i, j] = A[i, 0] B[0, j] + A[i, 1] B[1, j] + ... + A[i, n-1] B[n-1, j],

row i of A times column j of B. It exists only when the number of *columns of the first* equals
the number of *rows of the second* (both are n). The transpose of an (r x c) matrix M is the
(c x r) matrix M^T with M^T[i, j] = M[j, i]: rows become columns.

These loops are slow and only for reading; code everywhere else uses NumPy's ``A @ B`` and
``M.T``, and the lesson checks that the two agree.
"""
from __future__ import annotations

from html import escape

import numpy as np

from ..checks import is_whole

MAX_SHOWN = 6  # the widget prints matrices of at most this many rows and columns in full


def _plural(n, word):
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def shape_problem(shape, name="the matrix"):
    """Why ``shape`` (rows, columns) is not the shape of a matrix, or None."""
    try:
        rows, cols = shape
    except (TypeError, ValueError):
        return f"{name} needs a shape (rows, columns), got {shape!r}."
    for count, what in ((rows, "rows"), (cols, "columns")):
        if not is_whole(count):
            return f"{name} has {count!r} {what}: it must be a whole number."
        if count < 1:
            return f"{name} has {count} {what}: a matrix needs at least one row and one column."
    return None


def product_problem(shape_A, shape_B):
    """Why A B does not exist for these shapes, as a sentence; None if it does."""
    problem = shape_problem(shape_A, "The first matrix") or shape_problem(shape_B, "The second matrix")
    if problem:
        return problem
    (r1, c1), (r2, c2) = shape_A, shape_B
    if c1 != r2:
        return (f"a {r1}x{c1} matrix times a {r2}x{c2} matrix: the first has "
                f"{_plural(c1, 'column')} but the second has {_plural(r2, 'row')}")
    return None


def product_shape(shape_A, shape_B):
    """The shape of A B: (rows of A, columns of B). Raises ValueError with the reason if impossible."""
    problem = product_problem(shape_A, shape_B)
    if problem:
        raise ValueError(problem)
    return shape_A[0], shape_B[1]


def matmul(A, B):
    """A B by the definition: entry (i, j) is sum over k of A[i, k] B[k, j]."""
    A, B = np.asarray(A), np.asarray(B)
    rows, cols = product_shape(A.shape, B.shape)
    C = np.zeros((rows, cols), dtype=np.result_type(A, B))
    for i in range(rows):
        for j in range(cols):
            C[i, j] = sum(A[i, k] * B[k, j] for k in range(A.shape[1]))
    return C


def transpose(M):
    """M^T by the definition: entry (i, j) of M^T is entry (j, i) of M."""
    M = np.asarray(M)
    rows, cols = M.shape
    T = np.empty((cols, rows), dtype=M.dtype)
    for i in range(cols):
        for j in range(rows):
            T[i, j] = M[j, i]
    return T


def example_matrix(rows, cols, seed):
    """A matrix of small whole numbers from -3 to 3, the same every time for the same seed."""
    return np.random.default_rng(seed).integers(-3, 4, size=(rows, cols))


def _html_matrix(M, name, lit=lambda i, j: False):
    """M as an HTML table drawn with square-ish brackets; entries where lit(i, j) are shaded."""
    rows = []
    for i, row in enumerate(M):
        tds = "".join(f'<td style="padding:2px 7px;text-align:right;'
                      f'{"background:#fde0c5;" if lit(i, j) else ""}">{value}</td>'
                      for j, value in enumerate(row))
        rows.append(f"<tr>{tds}</tr>")
    table = ('<table style="border-left:2px solid;border-right:2px solid;'
             'display:inline-table;vertical-align:middle">' + "".join(rows) + "</table>")
    return (f'<div style="display:inline-block;text-align:center;margin:0 6px">{table}'
            f'<div style="font-size:90%">{escape(name)} ({M.shape[0]}x{M.shape[1]})</div></div>')


def worked_entry(A, B, i=0, j=0):
    """The sum that gives entry (i, j) of A B, written out: "(AB)[0,0] = 1·2 + (-1)·0 = 2"."""
    terms = " + ".join(f"{_paren(A[i, k])}\u00b7{_paren(B[k, j])}" for k in range(A.shape[1]))
    return f"(AB)[{i},{j}] = {terms} = {sum(A[i, k] * B[k, j] for k in range(A.shape[1]))}"


def _paren(value):
    return f"({value})" if value < 0 else f"{value}"


def product_view(rows_A, cols_A, rows_B, cols_B, seed=0):
    """The appendix A1 widget: ``(html, message)``, or ``(None, reason)`` for an impossible product.

    The html shows example matrices A and B of the chosen shapes and their product, with row 0
    of A, column 0 of B and entry (0, 0) of A B highlighted; the message names the shapes and
    writes out that entry's sum.
    """
    shape_A, shape_B = (rows_A, cols_A), (rows_B, cols_B)
    problem = product_problem(shape_A, shape_B)
    if problem:
        return None, problem[0].upper() + problem[1:] + ("" if problem.endswith(".") else ".")
    rows, cols = product_shape(shape_A, shape_B)
    message = (f"A ({rows_A}x{cols_A}) times B ({rows_B}x{cols_B}) is a {rows}x{cols} matrix: "
               f"A has as many columns as B has rows ({cols_A}), so every entry (i, j), row i of A "
               f"times column j of B, can be computed.")
    if max(rows_A, cols_A, rows_B, cols_B) > MAX_SHOWN:
        return None, message + f" (Too big to print: at most {MAX_SHOWN} rows and columns are shown.)"
    A, B = example_matrix(rows_A, cols_A, seed), example_matrix(rows_B, cols_B, seed + 1)
    sign = "<span style='font-size:150%'>{}</span>"
    html = (_html_matrix(A, "A", lambda i, j: i == 0) + sign.format("&times;")
            + _html_matrix(B, "B", lambda i, j: j == 0) + sign.format("=")
            + _html_matrix(matmul(A, B), "AB", lambda i, j: i == j == 0))
    return html, message + " For example, " + escape(worked_entry(A, B)) + "."
