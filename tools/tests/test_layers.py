"""The house's layers (pyproject.toml's import-linter contracts): core <- directory <- home, search
<- devdata, and inside the directory models <- services <- listing <- open data, journeys, admin.

If these fail, a module reaches up a layer: the import circles come back and a change to a page
model can break the listing, the admin or the open data in ways no test of theirs foresees.
"""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("core", "directory", "home", "search", "devdata", "tools")


def lint_imports(cwd):
    """Run the contracts in pyproject.toml on the packages below ``cwd``, in a process of its own."""
    code = "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports(no_cache=True, no_logo=True))"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, env={"PYTHONPATH": str(cwd)}, capture_output=True, text=True, timeout=300
    )


def test_no_module_reaches_up_a_layer():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 3 kept, 0 broken." in result.stdout


def test_a_page_model_importing_a_view_breaks_the_contracts(tmp_path):
    """The contracts catch a crossing, even one made inside a function (as the old page models did)."""
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__", "*.html"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    with open(tmp_path / "directory" / "models" / "pages.py", "a") as module:
        module.write("\n\ndef crossing():\n    from directory.journeys import nominate  # noqa\n")
    result = lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "directory.models.pages -> directory.journeys.nominate" in result.stdout
