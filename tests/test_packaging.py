"""Packaging: dependencies are what the code imports, environment.yml follows pyproject.toml, the gates run,
committed notebooks carry no outputs, and the platform is stated."""

from __future__ import annotations

import ast
import importlib.metadata
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
sys.path.insert(0, str(ROOT / "tools"))
import check_notebooks  # noqa: E402
import environment  # noqa: E402


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[;]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _distributions_imported_by(folder: Path) -> set[str]:
    """The installed distributions whose top-level modules any .py file under folder imports (at any depth)."""
    modules: set[str] = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                modules |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.split(".")[0])
    providers = importlib.metadata.packages_distributions()
    local = {"workbench"} | {p.stem for d in ("tests", "tools", "bench", "deploy") for p in (ROOT / d).glob("*.py")}
    third_party = {m for m in modules if m not in sys.stdlib_module_names and m not in local}
    unknown = sorted(m for m in third_party if m not in providers)
    assert not unknown, f"imported but not installed: {unknown}"
    return {_name(d) for m in third_party for d in providers[m]}


def _extra(name: str) -> set[str]:
    """An extra's distributions, with the extras it names as workbench[…] (the test extra names hub) expanded."""
    found = set()
    for requirement in PYPROJECT["project"]["optional-dependencies"][name]:
        nested = re.fullmatch(r"workbench\[(.+)\]", requirement)
        if nested:
            found |= set().union(*(_extra(n.strip()) for n in nested.group(1).split(",")))
        else:
            found.add(_name(requirement))
    return found


def test_runtime_dependencies_are_exactly_what_src_imports():
    declared = {_name(r) for r in PYPROJECT["project"]["dependencies"]}
    assert declared == _distributions_imported_by(ROOT / "src")


def test_what_tests_tools_and_bench_import_is_declared():
    declared = {_name(r) for r in PYPROJECT["project"]["dependencies"]} | _extra("test") | _extra("notebooks")
    used = set().union(*(_distributions_imported_by(ROOT / d) for d in ("tests", "tools", "bench")))
    assert used <= declared, sorted(used - declared)


def test_test_extra_holds_no_runtime_dependency():
    assert not _extra("test") & {_name(r) for r in PYPROJECT["project"]["dependencies"]}


def test_environment_yml_is_written_from_pyproject():
    text = (ROOT / "environment.yml").read_text(encoding="utf-8")
    assert text == environment.render(PYPROJECT), "run `make environment`"
    pip = next(d["pip"] for d in yaml.safe_load(text)["dependencies"] if isinstance(d, dict))
    everything = PYPROJECT["project"]["dependencies"] + [
        r for extra in PYPROJECT["project"]["optional-dependencies"].values() for r in extra
        if not r.startswith("workbench[")
    ]
    assert sorted(pip) == sorted(set(everything))


def test_environment_check_fails_when_pyproject_changes():
    changed = {**PYPROJECT, "project": {**PYPROJECT["project"]}}
    changed["project"]["dependencies"] = [*PYPROJECT["project"]["dependencies"], "rich>=13"]
    assert environment.render(changed) != environment.render(PYPROJECT)
    assert "      - rich>=13\n" in environment.render(changed)


def test_constraints_pin_every_declared_dependency_and_not_the_project():
    lines = [line for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines()
             if line and not line.startswith("#")]
    pinned = {}
    for line in lines:
        name, _, version = line.partition("==")
        assert version, f"constraints.txt: '{line}' is not name==version"
        pinned[_name(name)] = version
    assert "workbench" not in pinned
    declared = {_name(r) for r in PYPROJECT["project"]["dependencies"]} | _extra("test") | _extra("notebooks")
    assert declared - {"workbench"} <= pinned.keys()


def test_make_test_runs_every_gate_before_the_suite():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^test: gates$", makefile, re.M)
    gates = re.search(r"^gates: (.+)$", makefile, re.M)[1].split()
    recipes = {target: re.search(rf"^{target}: .*\n\t(.+)$", makefile, re.M)[1] for target in gates}
    assert "ruff check" in recipes["lint"] and "mypy" in recipes["typecheck"]
    assert "lint-imports" in recipes["layers"] and "check_notebooks.py" in recipes["notebooks-clean"]
    assert "-c $(CONSTRAINTS)" in makefile and "CONSTRAINTS = constraints.txt" in makefile


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_committed_notebooks_carry_no_outputs():
    assert check_notebooks.main([]) == 0
    assert check_notebooks.notebooks([]), "no notebooks found"


def test_notebook_check_names_the_cells_with_output(tmp_path):
    notebook = {
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": "# Titel"},
            {"cell_type": "code", "metadata": {}, "source": "1 + 1", "execution_count": None, "outputs": []},
            {"cell_type": "code", "metadata": {}, "source": "print(2)", "execution_count": 4,
             "outputs": [{"output_type": "stream", "name": "stdout", "text": "2\n"}]},
        ],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
    }
    path = tmp_path / "kladde.ipynb"
    path.write_text(json.dumps(notebook), encoding="utf-8")
    assert check_notebooks.dirty_cells(path) == [
        f"{path}: celle 3: har output",
        f"{path}: celle 3: har et kørselsnummer (4)",
    ]
    assert check_notebooks.main([str(tmp_path)]) == 1


def test_the_package_states_its_platform():
    assert "Operating System :: POSIX" in PYPROJECT["project"]["classifiers"]


def test_without_fcntl_the_file_layer_says_in_danish_that_it_needs_posix():
    code = "import sys; sys.modules['fcntl'] = None\nimport workbench.io.files"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env={"PYTHONPATH": str(ROOT / "src")}
    )
    assert result.returncode == 1
    assert "ImportError: Arbejdsbordet kører kun på Linux og macOS (POSIX)" in result.stderr
    assert "WSL" in result.stderr
