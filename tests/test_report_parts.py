"""Every part a steering group reads, built from the project: résumé, introduction, questions and goals, the
judging method, recommendations and references."""

from __future__ import annotations

import docx
import pytest

from workbench.project import Project
from workbench.report import export_chapter


def _build(project_dir, out):
    return docx.Document(str(export_chapter(Project(project_dir), out)))


def _tables(document) -> dict[str, list[list[str]]]:
    from docx.oxml.ns import qn

    found, last = {}, ""
    for element in document.element.body:
        if element.tag == qn("w:p"):
            text = "".join(t.text or "" for t in element.iter(qn("w:t")))
            if text.startswith("Tabel"):
                last = text
        elif element.tag == qn("w:tbl"):
            found[last] = [[c.text for c in row.cells] for row in docx.table.Table(element, document).rows]
    return found


@pytest.fixture
def with_memos(chapter_project):
    memos = chapter_project / "memos"
    (memos / "indledning.md").write_text("# Indledning\n\nKapitlet afrapporterer første runde.\n", encoding="utf-8")
    (memos / "anbefalinger.md").write_text("# Anbefalinger\n\n- Fastholde koordineringen.\n", encoding="utf-8")
    (chapter_project / "project.yaml").write_text(
        "title: Prøveevaluering\nreferences:\n  - \"KL 2022: Helhedsorienterede indsatser, Kommuneforlaget\"\n",
        encoding="utf-8",
    )
    return chapter_project


def test_the_chapter_opens_with_resume_introduction_questions_and_goals(with_memos, tmp_path):
    document = _build(with_memos, tmp_path / "k.docx")
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[:3] == ["Resumé", "Indledning", "Evalueringens tilgang og data"]
    assert "Anbefalinger" in headings and "Litteraturliste" in headings
    body = [p.text for p in document.paragraphs if not p.style.name.startswith("TOC")]
    assert "Kapitlet afrapporterer første runde." in body
    key_figures = body[body.index("Datagrundlaget") + 1]
    # one parent and one caseworker interviewed: too few to count, so only the observation is counted
    assert key_figures == (
        "0 interview og 1 observation er kodet (n = 1 dokument). Dertil interview med forældre og rådgivere "
        "(SOF og BIF), som ikke tælles med, fordi så få er interviewet, at de kunne genkendes."
    )
    assert any(t.startswith("Supportteamets selvevalueringer i 2 halvår (1. halvår 2025: n = ") for t in body)
    resume = next(rows for caption, rows in _tables(document).items() if "Evaluatorernes vurdering af principperne"
                  in caption)
    assert [r[0] for r in resume[1:]] == ["P1 Familien", "P2 Sammenhæng", "P3 Kontakt", "P4 Helheden", "P5 Viden"]
    assert {r[1] for r in resume[1:]} == {"ikke vurderet endnu"}  # nothing judged in this project
    assert "Oplever familierne de kommunale indsatser som mere sammenhængende og overskuelige? (P2 og P3)" in body
    goals = next(rows for caption, rows in _tables(document).items() if "Forvaltningernes mål" in caption)
    assert goals[0] == ["Forvaltning", "Mål"] and len(goals) == 6


def test_the_method_explains_the_guide_criteria_and_the_rubric(with_memos, tmp_path):
    tables = _tables(_build(with_memos, tmp_path / "k.docx"))
    criteria = next(rows for caption, rows in tables.items() if "GUIDE-kriterier" in caption)
    assert [r[0] for r in criteria[1:]] == ["Relevans", "Efterlevelse", "Bidrag til resultater", "Vejledende",
                                            "Brugbart", "Inspirerende", "Udviklende", "Evaluerbart"]
    rubric = next(rows for caption, rows in tables.items() if "Vurderingsskalaen" in caption)
    assert [r[0] for r in rubric[1:]] == ["i høj grad", "i nogen grad", "i mindre grad", "ikke"]


def test_recommendations_come_from_the_memo_and_references_from_the_project(with_memos, tmp_path):
    body = [p.text for p in _build(with_memos, tmp_path / "k.docx").paragraphs if not p.style.name.startswith("TOC")]
    recommendations = body[body.index("Anbefalinger") + 1 : body.index("Litteraturliste")]
    assert recommendations == ["Fastholde koordineringen."]
    references = body[body.index("Litteraturliste") + 1 :]
    assert references[0] == "KL 2022: Helhedsorienterede indsatser, Kommuneforlaget"
    assert references[1].startswith("Patton, Michael Quinn 2017: Principles-Focused Evaluation")


def test_without_the_memos_the_introduction_and_recommendations_are_marked_not_written(chapter_project, tmp_path):
    body = [p.text for p in _build(chapter_project, tmp_path / "k.docx").paragraphs
            if not p.style.name.startswith("TOC")]
    assert body[body.index("Indledning") + 1] == "Memo ikke skrevet endnu."
    assert body[body.index("Anbefalinger") + 1] == "Memo ikke skrevet endnu."


def test_the_resume_gives_each_survey_the_n_the_method_table_gives(with_memos, tmp_path):
    """A steering group compares the résumé with Table "Selvevalueringer og spørgeskemaer": the same n, answer
    sheets where the survey has them, else the largest number of valid answers to one question, said so."""
    document = _build(with_memos, tmp_path / "k.docx")
    sources = next(rows for caption, rows in _tables(document).items() if "Selvevalueringer og spørgeskemaer"
                   in caption)
    body = [p.text for p in document.paragraphs]
    figures = body[body.index("Datagrundlaget") + 1: body.index("Vurderingen af principperne")]
    surveys = {row[0] for row in sources[1:] if not row[0].startswith("Selvevaluering")}
    assert surveys
    for title in surveys:
        line = next(text for text in figures if text.startswith(title + " ("))
        rows = [row for row in sources[1:] if row[0] == title]
        for _, point, n in rows:
            assert f"{point}: n = {n.removesuffix('*')}" in line
        per_question = any(n.endswith("*") for *_, n in rows)
        assert ("største n pr. spørgsmål" in line) == per_question, line
    note = next(text for text in body if text.startswith("Anm.: Besvarelser er"))
    assert ("* Største antal svar på ét spørgsmål" in note) == any(n.endswith("*") for *_, n in sources[1:])
