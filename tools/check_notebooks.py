"""Committed notebooks carry no outputs: every code cell has `outputs == []` and `execution_count` None.

    python tools/check_notebooks.py [NOTEBOOK_OR_FOLDER ...]   # default: notebooks/

Outputs in git would show one run's data (possibly personal data from a real project) to everyone who
clones the repository, and make every diff noisy. Exit 1 with the list of cells to clear.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def dirty_cells(path: Path) -> list[str]:
    """'file: cell N: what' for each code cell that carries output or an execution count."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    problems = []
    for number, cell in enumerate(notebook.get("cells", []), start=1):
        if cell.get("cell_type") != "code":
            continue
        if cell.get("outputs"):
            problems.append(f"{path}: celle {number}: har output")
        if cell.get("execution_count") is not None:
            problems.append(f"{path}: celle {number}: har et kørselsnummer ({cell['execution_count']})")
    return problems


def notebooks(arguments: list[str]) -> list[Path]:
    found: list[Path] = []
    for argument in arguments or [str(ROOT / "notebooks")]:
        path = Path(argument)
        found += sorted(path.rglob("*.ipynb")) if path.is_dir() else [path]
    return [p for p in found if ".ipynb_checkpoints" not in p.parts]


def main(arguments: list[str]) -> int:
    problems = [problem for path in notebooks(arguments) for problem in dirty_cells(path)]
    if problems:
        print("Notebooks skal gemmes uden output (Ryd alle output i JupyterLab, og gem):", file=sys.stderr)
        print("\n".join(problems), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
