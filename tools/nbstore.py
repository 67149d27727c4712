"""Store notebooks the way the course keeps them in git: outputs only where they are checked.

    python tools/nbstore.py notebooks/02_feedforward.ipynb [...]        # execute, then store
    python tools/nbstore.py --strip notebooks/*.ipynb                   # strip unchecked outputs only

A code cell whose first line contains ``# NBVAL_CHECK_OUTPUT`` keeps its output and execution
count: nbval compares that output on every CI run, so the number on the page is a tested number.
Every other cell is stored without outputs or execution count (small diffs, no stale plots), and
the notebook's saved widget state is dropped. tests/test_notebook_hygiene.py enforces the result.
"""
import argparse
import sys
from pathlib import Path

import nbformat

MARK = "# NBVAL_CHECK_OUTPUT"


def is_checked(cell):
    return cell.cell_type == "code" and cell.source.lstrip().startswith(MARK)


def strip(nb):
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type != "code":
            continue
        if not is_checked(cell):
            cell.outputs, cell.execution_count = [], None
    return nb


def execute(nb, path, timeout=600):
    from nbclient import NotebookClient
    NotebookClient(nb, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return nb


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--strip", action="store_true", help="only strip unchecked outputs, execute nothing")
    args = parser.parse_args(argv)
    for path in args.notebooks:
        nb = nbformat.read(path, as_version=4)
        if not args.strip:
            execute(nb, path)
        strip(nb)
        nbformat.write(nb, path)
        print(f"stored {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
