"""The evaluator judges, the software shows: the judgements in the chapter, read from the Word file."""

from __future__ import annotations

import shutil

import docx
import pytest
from docx.enum.text import WD_COLOR_INDEX
from docx.oxml.ns import qn

from workbench.judgements.evidence import quote_ref, selfeval_ref
from workbench.judgements.model import Criterion, Judgement, QuestionJudgement
from workbench.judgements.store import save_judgement
from workbench.project import Project
from workbench.report import export_chapter


def _judgement(round_: str, principle: str, levels: tuple[str, str, str], evidence=()) -> Judgement:
    questions = {
        q: QuestionJudgement(level=level, rationale=f"Vores begrundelse for {q} i {round_}.",
                             evidence=list(evidence) if q == "efterlevelse" else [])
        for q, level in zip(("relevans", "efterlevelse", "resultat"), levels)
    }
    guide = {"vejledende": Criterion(level="nogen", rationale="Formuleringen leder kun delvist.")}
    return Judgement(principle=principle, round=round_, assessor="konsensus", questions=questions, guide=guide)


def _tables(document):
    """Each table with the caption before it: {caption: rows}."""
    found, last = {}, ""
    for element in document.element.body:
        if element.tag == qn("w:p"):
            text = "".join(t.text or "" for t in element.iter(qn("w:t")))
            if text.startswith(("Tabel", "Figur")):
                last = text
        elif element.tag == qn("w:tbl"):
            found[last] = [[c.text for c in row.cells] for row in docx.table.Table(element, document).rows]
    return found


def _table(document, needle):
    tables = _tables(document)
    return next(rows for caption, rows in tables.items() if needle in caption)


def _section(document, start: str, end: str) -> list[str]:
    body = [p.text for p in document.paragraphs if not p.style.name.startswith("TOC")]
    return body[body.index(start) : body.index(end)]


@pytest.fixture
def judged(chapter_project, tmp_path):
    project = Project(chapter_project)
    quote = next(c for c in project.coding_store().codings("NP") if c.code == "P3" and c.quote)
    save_judgement(project, _judgement("2025-H1", "P3", ("nogen", "mindre", "mindre")))
    save_judgement(project, _judgement("2025-H2", "P3", ("hoej", "nogen", "mindre"),
                                       evidence=[quote_ref(quote.id), selfeval_ref("P3", "2025-H2", "adherence")]))
    out = export_chapter(Project(chapter_project), tmp_path / "kapitel.docx")
    return docx.Document(str(out))


def test_the_judgement_table_shows_the_assessors_levels_rationale_and_evidence(judged):
    rows = _table(judged, "Evaluators vurdering af P3 Kontakt, 2. halvår 2025")
    assert rows[0] == ["Spørgsmål", "Niveau", "Begrundelse", "Belæg"]
    assert rows[1][:3] == ["Relevans", "i høj grad", "Vores begrundelse for relevans i 2025-H2."]
    assert rows[2][:2] == ["Efterlevelse", "i nogen grad"]
    # the table names the cited evidence by letter and kind; the list under it writes each out as a reader can
    # look it up: the quote's words and attribution, the self-rating's mean and n
    assert rows[2][3] == "a) citat; b) selvevaluering"
    assert rows[1][3] == "–"
    body = [p.text for p in judged.paragraphs]
    start = body.index("Belæg, vurderingen henviser til:")
    quote, selfeval = body[start + 1], body[start + 2]
    assert quote.startswith("a) Citat (") and "»" in quote
    assert selfeval.startswith("b) Selvevaluering 2. halvår 2025: ") and "(n = 3)" in selfeval
    # a list by its letters, not bullets before letters ("• a) Citat")
    listed = [p for p in judged.paragraphs if p.text in (quote, selfeval)]
    assert all(p.style.name != "List Bullet" and p.paragraph_format.first_line_indent < 0 for p in listed)
    assert rows[3][:2] == ["Bidrag til resultater", "i mindre grad"]


def test_the_guide_table_shows_unjudged_criteria_as_not_judged_yet(judged):
    rows = _table(judged, "GUIDE-vurdering af formuleringen af P3 Kontakt")
    assert rows[1] == ["Vejledende", "i nogen grad", "Formuleringen leder kun delvist."]
    assert rows[2] == ["Brugbart", "ikke vurderet endnu", "–"]


def test_the_change_since_the_previous_round_is_shown_in_rubric_steps(judged):
    rows = _table(judged, "Ændring i vurderingen af P3 Kontakt siden 1. halvår 2025")
    assert rows[0] == ["Kriterium", "1. halvår 2025", "2. halvår 2025", "Ændring"]
    assert rows[1] == ["Relevans", "i nogen grad", "i høj grad", "op 1 trin"]
    assert rows[2] == ["Efterlevelse", "i mindre grad", "i nogen grad", "op 1 trin"]
    assert rows[3] == ["Bidrag til resultater", "i mindre grad", "i mindre grad", "uændret"]


def test_an_unjudged_principle_says_so_visibly_and_nothing_is_computed_in_its_place(judged):
    section = _section(judged, "Princip 1 – Familien", "Princip 2 – Sammenhæng")
    start = section.index("Evaluators vurdering")
    assert section[start + 1] == "Princippet er ikke vurderet endnu i 2. halvår 2025."
    marked = next(p for p in judged.paragraphs if p.text == section[start + 1])
    assert marked.runs[0].font.highlight_color == WD_COLOR_INDEX.YELLOW
    overview = _table(judged, "principper i materialet")
    assert overview[0][-1] == "Evaluators vurdering 2. halvår 2025"
    assert overview[1][-1] == "ikke vurderet endnu"
    p3 = next(r for r in overview if r[0].startswith("P3"))
    assert p3[-1] == "relevans i høj grad; efterlevelse i nogen grad; bidrag til resultater i mindre grad"


def test_a_project_without_judgements_says_not_judged_for_every_principle(chapter_project, tmp_path):
    document = docx.Document(str(export_chapter(Project(chapter_project), tmp_path / "k.docx")))
    body = [p.text for p in document.paragraphs if not p.style.name.startswith("TOC")]
    assert body.count("Princippet er ikke vurderet endnu.") == 5


def test_a_missing_memo_is_marked_for_the_evaluator(judged):
    section = _section(judged, "Princip 2 – Sammenhæng", "Princip 3 – Kontakt")  # P2 has no memo
    assert section.count("Memo ikke skrevet endnu.") == 2
    marked = [p for p in judged.paragraphs if p.text == "Memo ikke skrevet endnu."]
    assert all(p.runs[0].italic and p.runs[0].font.highlight_color == WD_COLOR_INDEX.YELLOW for p in marked)


def test_each_evaluation_question_lists_the_evidence_linked_to_it(judged):
    eq3 = _table(judged, "Datagrundlag for spørgsmålet »Oplever familierne")
    assert [r[0] for r in eq3[1:]] == ["P2 Sammenhæng", "P3 Kontakt"]
    eq4 = _table(judged, "Datagrundlag for spørgsmålet »Understøtter principperne")
    assert [r[0] for r in eq4[1:]] == ["P4 Helheden", "P5 Viden"]
    # the family survey's items, linked to P2 and P3, stand under the families' question, not under question 4
    family_items = _table(judged, "Spørgeskemaspørgsmål knyttet til spørgsmålet »Oplever familierne")
    assert {r[0] for r in family_items[1:]} == {"Familien har fået hjælp til at overskue sine aftaler",
                                                 "Familien ved altid, hvem den skal kontakte"}
    goal_items = _table(judged, "Spørgeskemaspørgsmål knyttet til spørgsmålet »Understøtter principperne")
    assert "Familien ved altid, hvem den skal kontakte" not in {r[0] for r in goal_items[1:]}


def test_without_surveys_or_self_evaluations_the_method_claims_neither(chapter_project, tmp_path):
    shutil.rmtree(chapter_project / "surveys")
    shutil.rmtree(chapter_project / "selfeval")
    document = docx.Document(str(export_chapter(Project(chapter_project), tmp_path / "k.docx")))
    body = "\n".join(p.text for p in document.paragraphs)
    assert "fundene bygger alene på det kvalitative materiale" in body
    assert "trianguleret" not in body and "Kodningen er holdt op mod" not in body
    assert "Spørgeskema," not in body and "Selvevaluering:" not in body
