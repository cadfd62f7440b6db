"""The committed notebooks: clean (no outputs), and the coding notebook runs headless."""

from __future__ import annotations

from pathlib import Path

import nbformat
from conftest import execute_notebook

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def committed_notebooks() -> list[Path]:
    return sorted(p for p in NOTEBOOKS.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def test_committed_notebooks_carry_no_outputs_or_execution_counts():
    notebooks = committed_notebooks()
    assert NOTEBOOKS / "01_kodning.ipynb" in notebooks
    dirty = [
        f"{path.relative_to(NOTEBOOKS)} celle {number}"
        for path in notebooks
        for number, cell in enumerate(nbformat.read(path, as_version=4).cells, start=1)
        if cell.cell_type == "code" and (cell.get("outputs") or cell.get("execution_count") is not None)
    ]
    assert not dirty, "Ryd output før commit: " + ", ".join(dirty)


def test_coding_notebook_runs_headless_on_a_project(mini_project, monkeypatch):
    monkeypatch.setenv("WORKBENCH_PROJECT", str(mini_project))
    outputs = execute_notebook("01_kodning.ipynb")
    [shown] = [o for o in outputs if WIDGET_VIEW in o.get("data", {})]
    assert shown["data"]["text/plain"] == f"Kodning i projektet {mini_project.resolve()} (3 dokumenter)"
