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


def test_every_data_file_the_package_reads_is_shipped():
    """A file beside the modules (the paper's tables, the hypotheses' CSVs, the drawing pad's
    JavaScript) reaches a user's install only if pyproject's package-data names it; one left out
    works here, in the source tree, and breaks after `pip install`."""
    globs = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"]["nnlesson"]
    package = ROOT / "nnlesson"
    data = [p for p in package.rglob("*") if p.is_file() and p.suffix not in (".py", ".pyc")
            and "__pycache__" not in p.parts]
    assert any(p.suffix == ".js" for p in data) and any(p.suffix == ".csv" for p in data)
    unshipped = [str(p.relative_to(package)) for p in data
                 if not any(p.relative_to(package).match(g) for g in globs)]
    assert not unshipped, f"add to [tool.setuptools.package-data] in pyproject.toml: {unshipped}"
