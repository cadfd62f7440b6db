"""The chapter identifies nobody: small groups' counts are suppressed in every table, a unique role is coarsened."""

from __future__ import annotations

import re

import docx
import pytest

from workbench.project import Project
from workbench.report import export_chapter

TRANSCRIPT = """---
id: {id}
type: interview
group: {group}
role: {role}
unit: HFI
date: 2025-05-0{day}
consent: given
---
I: Hvordan oplever du samarbejdet?

{speaker}: {text}
"""

MOTHER = "Møderne er blevet færre, og jeg ved, hvem jeg skal ringe til, når noget går galt med aftalerne."
FATHER = "Jeg blev først inviteret med til det tredje møde, og da var planen allerede lagt uden mig."
LEADER = "Som leder ser jeg, at teamet samler rådgiverne, men vi mangler et fast ophæng i forvaltningerne."


@pytest.fixture
def project(chapter_project):
    folder = chapter_project / "interviews_anonymised"
    for i, (doc_id, group, role, text) in enumerate([
        ("INT-FAM-03", "familie", "mor", MOTHER), ("INT-FAM-04", "familie", "mor", MOTHER + " Det er bedre nu."),
        ("INT-FAM-05", "familie", "far", FATHER), ("INT-LED-01", "leder", "leder", LEADER),
    ], start=1):
        speaker = role.capitalize()
        (folder / f"{doc_id}.md").write_text(
            TRANSCRIPT.format(id=doc_id, group=group, role=role, day=i, speaker=speaker, text=text), encoding="utf-8"
        )
    project = Project(chapter_project)
    store = project.coding_store()
    for doc_id in ("INT-FAM-05", "INT-LED-01"):
        document = project.corpus.get(doc_id)
        store.add("NP", document, "P1", "udfordrende", segment=document.segment("S002"), quote=True)
    return chapter_project


@pytest.fixture
def chapter(project, tmp_path):
    return docx.Document(str(export_chapter(Project(project), tmp_path / "kapitel.docx")))


def _all_text(document) -> str:
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs if not p.style.name.startswith("TOC")] + cells)


def test_the_only_leader_is_in_no_count_of_any_table(chapter):
    for table in chapter.tables:
        for row in table.rows:
            cells = [c.text for c in row.cells]
            if cells[0].startswith("Ledere"):
                assert set(cells[1:]) == {"–"}, cells
    table = next(t for t in chapter.tables if [c.text for c in t.rows[0].cells][-1] == "Ord")
    sources = [[c.text for c in row.cells] for row in table.rows]
    totals = next(r for r in sources if r[0] == "I alt")
    leader_words = len(LEADER.split()) + len("Hvordan oplever du samarbejdet?".split())
    shown = {r[0]: r for r in sources}
    # the total is the sum of the rows shown, so the leader's word count can't be found by subtraction
    assert int(totals[-1].replace(".", "")) == sum(
        int(r[-1].replace(".", "")) for name, r in list(shown.items())[1:]
        if name != "I alt" and not name.startswith(" ") and r[-1] != "–"
    )
    assert str(leader_words) not in [r[-1] for r in sources]
    assert "Ledere 1 af 1" not in _all_text(chapter) and "1 af 1" not in _all_text(chapter).split("Forældre")[0]
    assert "færre interviewede personer end mindstegrænsen" in _all_text(chapter)


def test_the_only_father_and_the_only_leader_are_quoted_with_the_coarse_attribution(chapter):
    text = _all_text(chapter)
    assert "(far, HFI)" not in text and "(leder, HFI)" not in text
    father = next(p.text for p in chapter.paragraphs if p.text.startswith("»Jeg blev først inviteret"))
    assert father.endswith("(forælder, HFI)")
    leader = next(p.text for p in chapter.paragraphs if p.text.startswith("»Som leder ser jeg"))
    assert leader.endswith("(medarbejder, HFI)")


def test_a_group_with_enough_people_is_counted(chapter):
    rows = next([[c.text for c in r.cells] for r in t.rows] for t in chapter.tables
                if [c.text for c in t.rows[0].cells][:2] == ["Respondentgruppe", "Dokumenter"])
    parents = next(r for r in rows if r[0].startswith("Forældre"))
    assert re.fullmatch(r"\d+ af 4", parents[1])  # four parents interviewed: shown
