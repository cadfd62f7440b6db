"""Shared fixtures: small project folders copied to a temporary directory, never the example data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def mini_project(tmp_path: Path) -> Path:
    """A scratch copy of tests/fixtures/mini: three documents with consent and one withdrawn."""
    target = tmp_path / "projekt"
    shutil.copytree(FIXTURES / "mini", target)
    for folder in ("codings", "memos", "selfeval", "surveys"):  # git keeps no empty folders
        (target / folder).mkdir(exist_ok=True)
    return target


@pytest.fixture
def chapter_project(mini_project: Path) -> Path:
    """The mini project with everything a chapter uses: codings by two coders, memos, self-evaluations, surveys."""
    from workbench.project import Project

    shutil.copytree(FIXTURES / "selfeval", mini_project / "selfeval", dirs_exist_ok=True)
    shutil.copytree(FIXTURES / "surveys", mini_project / "surveys", dirs_exist_ok=True)
    project = Project(mini_project)
    store = project.coding_store()
    rad = project.corpus.get("INT-RAD-01")
    fam = project.corpus.get("INT-FAM-01")
    obs = project.corpus.get("OBS-01")
    # NP, the evaluator: segment ids as the fixture texts segment (see test_report_chapter.py)
    for document, segment, code, valence, quote in [
        (rad, "S002", "P3", "understøttende", True),
        (rad, "S002", "F2", "understøttende", False),
        (rad, "S004.1", "F1", "understøttende", True),
        (rad, "S004.1", "P5", "understøttende", False),
        (rad, "S004.2", "P4", "udfordrende", False),
        (rad, "S006", "F4", "udfordrende", False),
        (fam, "S002", "P3", "understøttende", True),
        (fam, "S004", "P1", "understøttende", False),
        (obs, "S001", "F3", "understøttende", False),
        (obs, "S002", "P2", "understøttende", False),
        (obs, "S003", "P1", "udfordrende", False),
    ]:
        store.add("NP", document, code, valence, segment=document.segment(segment), quote=quote)
    # the challenging side of P1 in the same turn: its own span (one coder, code and span is one coding)
    challenge = fam.body.index("Men min eksmand")
    store.add("NP", fam, "P1", "udfordrende", span=(challenge, fam.segment("S004").end), quote=True)
    # KL, the second coder, on the caseworker interview only
    for segment, code, valence in [("S002", "P3", "understøttende"), ("S004.1", "F1", "understøttende"),
                                   ("S004.2", "P2", "udfordrende"), ("S006", "F4", "udfordrende")]:
        store.add("KL", rad, code, valence, segment=rad.segment(segment))
    memo_dir = mini_project / "memos" / "koder"
    memo_dir.mkdir(parents=True, exist_ok=True)
    (memo_dir / "P1.md").write_text(
        "# P1 Familien\n\nFamiliens ønsker er udgangspunktet.\n\n## Understøttende elementer\n\n"
        "- Forældrene oplever at blive spurgt om deres ønsker.\n\n## Udfordrende elementer\n\n"
        "- Fædrenes perspektiv mangler ofte.\n",
        encoding="utf-8",
    )
    (memo_dir / "F1.md").write_text(
        "# F1 Samtykket er afgørende\n\n## Analyse\n\nSamtykket gør deling af dokumenter mulig.\n", encoding="utf-8"
    )
    return mini_project


NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def execute_notebook(name: str) -> list:
    """Run notebooks/<name> headless in the venv's kernel (as nbconvert --execute would) and return its outputs.

    The notebook finds its project through $WORKBENCH_PROJECT, which the test sets.
    """
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}
    ).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    return outputs
