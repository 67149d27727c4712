"""The house stays as CONTRIBUTING.md maps it: small modules, arrows that point down or sideways."""
import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "nnlesson"
ROOMS = ("lessons", "derivations", "paper", "tools")
MODULES = sorted(PACKAGE.rglob("*.py"))


def room(path):
    """'core' for nnlesson/*.py, else the subpackage's name."""
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else "core"


def imported_rooms(path, source=None):
    """The rooms a module imports from (relative imports only: the package's own)."""
    found = set()
    here = path.relative_to(PACKAGE).parts[:-1]  # () for the core, ("tools",) for tools/
    source = path.read_text(encoding="utf-8") if source is None else source
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = here[:len(here) - (node.level - 1)] if node.level > 1 else here
            target = list(base) + (node.module.split(".") if node.module else [])
            found.add(target[0] if target and target[0] in ROOMS else "core")
    return found


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_every_module_reads_in_one_sitting(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= 300, f"{path.name} has {lines} lines: split it by concept"


@pytest.mark.parametrize("path", [p for p in MODULES if p.name not in ("__init__.py", "__main__.py")],
                         ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_down_or_sideways(path):
    rooms = imported_rooms(path)
    if room(path) == "core":
        assert rooms <= {"core"}, f"the core module {path.name} imports from {rooms - {'core'}}"
    elif room(path) != "tools":
        assert "tools" not in rooms, f"{path.name} ({room(path)}) imports from tools/"


def test_only_the_command_line_parses_arguments():
    parsers = {p.name for p in MODULES if "argparse" in p.read_text(encoding="utf-8")}
    assert parsers <= {"cli.py", "sweep_cli.py"}, parsers


@pytest.mark.parametrize("where, source, expected", [
    ("network.py", "from .tools.bench import run", {"tools"}),
    ("network.py", "from .checks import check_lr", {"core"}),
    ("lessons/x.py", "from ..tools import sweep", {"tools"}),
    ("lessons/x.py", "from .plots import new_figure\nfrom ..network import Network", {"lessons", "core"}),
    ("tools/x.py", "from . import stack", {"tools"}),
])
def test_the_import_reader_sees_each_arrow(where, source, expected):
    assert imported_rooms(PACKAGE / where, source) == expected
