"""environment.yml (conda, Binder) lists the same packages as pyproject.toml (pip)."""
import re
from pathlib import Path

try:
    import tomllib
except ImportError:  # Python 3.10: the same parser, as a package (the course extra installs it)
    import tomli as tomllib

ROOT = Path(__file__).parent.parent


def names(requirements):
    return {re.split(r"[<>=!~\[ ;]", r.strip(), maxsplit=1)[0].lower() for r in requirements}


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pip = names(project["dependencies"]) | names(project["optional-dependencies"]["course"])
    conda, in_deps = set(), False
    for line in (ROOT / "environment.yml").read_text().splitlines():
        if line.startswith("dependencies:"):
            in_deps = True
        elif in_deps and re.match(r"^  - [A-Za-z][^:]*$", line):
            conda.add(line[4:].strip())
    conda = names(conda) - {"python", "pip"}
    assert conda == pip
    assert "-e ." in (ROOT / "environment.yml").read_text()
