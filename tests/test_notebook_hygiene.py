"""Notebooks are stored without outputs, except cells whose output nbval checks (tools/nbstore.py),
and no line is wider than a JupyterLab page."""
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


WIDTH = 95  # characters a JupyterLab page shows before it cuts a line off on the right


def lines_cut_off(nb):
    """Every code line, and every stored line a cell prints, wider than the page."""
    cells = [c for c in nb.cells if c.cell_type == "code"]
    texts = [c.source for c in cells]
    for cell in cells:
        for out in cell.outputs:
            texts.append("".join(out.get("text", "")))
            texts.append("".join(out.get("data", {}).get("text/plain", "")))
    return [line for text in texts for line in text.splitlines() if len(line) > WIDTH]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_line_is_cut_off_on_the_right(path):
    long = lines_cut_off(nbformat.read(path, as_version=4))
    assert not long, f"{path.name}: lines over {WIDTH} characters, cut off in JupyterLab: {long}"
