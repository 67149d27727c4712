"""Notebooks are stored without outputs, except cells whose output nbval checks (tools/nbstore.py)."""
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).parent.parent / "notebooks").glob("*.ipynb"))
MARK = "# NBVAL_CHECK_OUTPUT"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_stray_outputs(path):
    nb = nbformat.read(path, as_version=4)
    assert "widgets" not in nb.metadata, "saved widget state: run python tools/nbstore.py --strip"
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if cell.source.lstrip().startswith(MARK):
            # A checked cell with nothing stored would compare against nothing.
            assert cell.outputs and cell.execution_count, f"{path.name} cell {i}: checked, no output"
        else:
            assert not cell.outputs and cell.execution_count is None, (
                f"{path.name} cell {i} is stored with outputs: run python tools/nbstore.py {path}")


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks found"
