"""Appendix A1: the matrix product and transpose by their definitions, and the size rule."""
import math

import numpy as np
import pytest

from nnlesson.lessons.matrices import (matmul, product_problem, product_shape, product_view,
                               transpose, worked_entry)


@pytest.mark.parametrize("r, n, c", [(1, 1, 1), (2, 3, 2), (2, 3, 4), (4, 3, 1), (1, 5, 3), (6, 1, 6)])
def test_product_matches_numpy(r, n, c):
    rng = np.random.default_rng(r * 100 + n * 10 + c)
    A, B = rng.normal(size=(r, n)), rng.normal(size=(n, c))
    assert np.allclose(matmul(A, B), A @ B)


def test_transpose_matches_numpy_and_reverses_products():
    rng = np.random.default_rng(0)
    A, B = rng.normal(size=(2, 3)), rng.normal(size=(3, 4))
    assert np.array_equal(transpose(A), A.T)
    assert np.allclose(transpose(matmul(A, B)), matmul(transpose(B), transpose(A)))


@pytest.mark.parametrize("shape_A, shape_B", [((2, 3), (2, 3)), ((2, 3), (4, 2)), ((3, 1), (3, 1))])
def test_impossible_products_are_refused_like_numpy_refuses_them(shape_A, shape_B):
    A, B = np.ones(shape_A), np.ones(shape_B)
    with pytest.raises(ValueError):
        A @ B
    with pytest.raises(ValueError, match="columns? but the second has"):
        matmul(A, B)


def test_the_reason_names_columns_of_the_first_and_rows_of_the_second():
    assert product_problem((2, 3), (2, 3)) == (
        "a 2x3 matrix times a 2x3 matrix: the first has 3 columns but the second has 2 rows")
    assert product_problem((1, 1), (2, 1)).endswith("the first has 1 column but the second has 2 rows")


def test_the_size_rule_over_many_shapes():
    # possible exactly when numpy can do it, and then the shape is numpy's
    for r1, c1, r2, c2 in np.ndindex(4, 4, 4, 4):
        shape_A, shape_B = (r1 + 1, c1 + 1), (r2 + 1, c2 + 1)
        try:
            expected = (np.ones(shape_A) @ np.ones(shape_B)).shape
        except ValueError:
            expected = None
        assert (product_problem(shape_A, shape_B) is None) == (expected is not None)
        if expected:
            assert product_shape(shape_A, shape_B) == expected


def test_worked_entry_adds_up_row_times_column():
    A, B = np.array([[1, -2], [3, 4]]), np.array([[5, 6], [7, 8]])
    assert worked_entry(A, B, 0, 1) == "(AB)[0,1] = 1\u00b76 + (-2)\u00b78 = -10"
    assert (A @ B)[0, 1] == -10


def test_view_shows_the_product():
    html, message = product_view(2, 3, 3, 4)
    assert "is a 2x4 matrix" in message
    assert html.count("<table") == 3 and "AB (2x4)" in html
    assert html.count("<tr>") == 2 + 3 + 2  # rows of A, B and AB


@pytest.mark.parametrize("args, words", [
    ((2, 3, 2, 3), "A 2x3 matrix times a 2x3 matrix: the first has 3 columns but the second has 2 rows."),
    ((0, 3, 3, 2), "0 rows"), ((2, -1, 3, 2), "-1 columns"),
    ((2, math.nan, 3, 3), "whole number"), ((2, 3, 3, 2.5), "whole number"),
])
def test_view_refuses_with_a_reason(args, words):
    html, message = product_view(*args)
    assert html is None and words in message


def test_huge_shapes_are_described_not_printed():
    html, message = product_view(10**6, 3, 3, 10**6)
    assert html is None and "is a 1000000x1000000 matrix" in message and "Too big" in message
