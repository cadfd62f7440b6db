"""Every number the chapter prints in running text is traced: the companion's sheet "Tal i teksten" lists it by
section and sentence with the codings, documents, answers, survey rows or project.yaml lines behind it.

The test walks the built .docx, not the chapter model: every number in a body paragraph (résumé, method,
bullets, the Anm. under tables and figures) must be a figure the companion lists in that sentence, or one of the
kinds listed here as not computed: years and half-year labels, code keys and ids, and the user's own words
(memos, quotes, rationales, the codebook, survey and form texts, project.yaml's title, period and references).
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import docx
import pytest
from openpyxl import load_workbook
from test_report_companion import listed_under

from workbench.exchange import companion
from workbench.exchange.companion import FILE_NAME, companion_path, companion_sheets, paged
from workbench.exchange.xlsx import Sheet, workbook_bytes
from workbench.judgements.evidence import selfeval_ref, survey_ref
from workbench.judgements.model import Judgement, QuestionJudgement
from workbench.judgements.store import save_judgement
from workbench.project import Project
from workbench.report import build_chapter, export_chapter
from workbench.report.word import typeset

NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# what is not a computed count or percentage: years (also in "2023–2025"), the half year's number in "1. halvår",
# code keys and ids (P1, EQ2, FF4, Gwets AC1, INT-RAD-01), the judgement list's letters
NOT_COMPUTED = re.compile(
    r"\b(?:19|20)\d{2}\b|\b[12]\. halvår\b|\b[A-ZÆØÅ][A-ZÆØÅa-z]{0,3}\d+\b|\b[A-Z]+(?:-[A-Z0-9]+)+\b"
)
SKIPPED_STYLES = ("TOC", "Heading", "Title", "Caption", "Quote", "Feltnote")  # captions and quotes: not computed


def _rows(book, name: str) -> list[dict]:
    found = []
    for title in book.sheetnames:
        if title == name or re.fullmatch(rf"{re.escape(name)} \(\d+\)", title):
            rows = list(book[title].iter_rows(values_only=True))
            found += [dict(zip(rows[0], r)) for r in rows[1:] if isinstance(r[0], int)]
    return found


def _flat(text: str) -> str:
    return " ".join(typeset(text).split())


def _user_texts(project: Project, chapter) -> list[str]:
    """The user's own words the chapter prints, longest first (a number in them is theirs, not computed)."""
    codebook, settings = project.codebook, project.settings
    texts = [s.text for s in chapter.sources]
    for group in codebook.code_groups:
        texts += [group.name, group.description or ""]
        for code in group.codes:
            texts += [code.name, code.statement or "", code.definition or ""]
    texts += [q.text for q in codebook.evaluation_questions] + list(codebook.departmental_goals.values())
    texts += [g.name for g in codebook.respondent_groups]
    for survey in chapter_surveys(project):
        texts += [survey.title, survey.source, survey.item_map.population]
        texts += [t for item in survey.item_map.items for t in (item.question, item.share_description)]
    texts += [settings.title, settings.period or "", *settings.references]
    flat = {_flat(t) for t in texts if t.strip()}
    # a memo's lines are joined into paragraphs and its bullets lose their "- ": split long texts the same way
    pieces = {_flat(part) for t in texts for part in re.split(r"\n\s*\n|\n\s*[-*] ", t) if part.strip()}
    return sorted(flat | pieces, key=len, reverse=True)


def chapter_surveys(project: Project):
    from workbench.surveys.load import load_surveys

    return load_surveys(project)


def _untraced(paragraph: str, traced: list[dict], user_texts: list[str]) -> list[str]:
    """The numbers of a paragraph that are neither a traced figure of one of its sentences nor exempt."""
    covered = [False] * len(paragraph)

    def cover(start: int, end: int) -> None:
        covered[start:end] = [True] * (end - start)

    for text in user_texts:
        for match in re.finditer(re.escape(text), paragraph):
            cover(match.start(), match.end())
    for figure in traced:  # each listed figure covers one occurrence of its printed value inside its sentence
        sentence, value = _flat(figure["Sætning"]), _flat(figure["Trykt værdi"])
        for found in re.finditer(re.escape(sentence), paragraph):
            whole = rf"(?<![\w.,−+-]){re.escape(value)}(?![\w]|[.,]\d)"  # "5", not the 5 of "2025"
            for at in re.finditer(whole, paragraph[found.start():found.end()]):
                start = found.start() + at.start()
                if not all(covered[start:start + len(value)]):
                    cover(start, start + len(value))
                    break
    for match in NOT_COMPUTED.finditer(paragraph):
        cover(match.start(), match.end())
    return [m.group() for m in NUMBER.finditer(paragraph) if not all(covered[m.start():m.end()])]


@pytest.fixture
def judged_project(chapter_project: Path) -> Path:
    """The chapter project with a judgement citing a self-evaluation and a survey item (their figures in text)."""
    project = Project(chapter_project)
    evidence = [selfeval_ref("P2", "2025-H2", "adherence"), survey_ref("kort", "hjaelp")]
    questions = {q: QuestionJudgement(level="nogen", rationale=f"Begrundelse for {q}.",
                                      evidence=evidence if q == "efterlevelse" else [])
                 for q in ("relevans", "efterlevelse", "resultat")}
    save_judgement(project, Judgement(principle="P2", round="2025-H2", assessor="konsensus", questions=questions))
    return chapter_project


def test_every_number_in_the_running_text_is_in_the_companion_with_its_sources(judged_project: Path):
    project = Project(judged_project)
    out = export_chapter(project, project.exports_dir / "evalueringskapitel.docx")
    companion.export_companion(project, companion_path(out))
    book = load_workbook(companion_path(out), read_only=True)
    prose, sources = _rows(book, "Tal i teksten"), _rows(book, "Kilder")
    listed = defaultdict(int)
    for s in sources:
        listed[s["Tal nr."]] += 1
    for figure in prose:  # each traced figure shows its sources, or says why it lists none
        own = sum(listed[n] for n in listed_under(figure))
        if figure["Status"] == companion.NOTHING_COUNTED:
            assert NUMBER.findall(figure["Trykt værdi"]) == ["0"], figure
        else:  # listed, or suppressed / withdrawn with the reason
            assert own or figure["Status"].startswith(("undertrykt", "kilderne listes ikke")), figure
        assert figure["Sætning"] and _flat(figure["Trykt værdi"]) in _flat(figure["Sætning"]), figure
    user_texts = _user_texts(project, build_chapter(project))
    document = docx.Document(str(out))
    checked, untraced = 0, []
    for paragraph in document.paragraphs:
        if paragraph.style.name.startswith(SKIPPED_STYLES) or not NUMBER.search(paragraph.text):
            continue
        text = _flat(paragraph.text)
        checked += len(NUMBER.findall(text))
        missing = _untraced(text, prose, user_texts)
        if missing:
            untraced.append((missing, text))
    assert not untraced, untraced
    assert checked > 100  # the résumé, method, principles' sources side by side, notes and the judgement's list
    kinds = {s["Kildeart"] for s in sources if s["Tal nr."] in {f["Tal nr."] for f in prose}}
    assert {"dokument", "indstilling", "selvevaluering", "spørgeskema", "kodebog"} <= kinds


def test_a_number_printed_without_its_sources_is_found(judged_project: Path):
    # the check above must be able to fail: an evaluator's count typed into a sentence the software wrote
    project = Project(judged_project)
    out = export_chapter(project, project.exports_dir / "evalueringskapitel.docx")
    companion.export_companion(project, companion_path(out))
    prose = _rows(load_workbook(companion_path(out), read_only=True), "Tal i teksten")
    sentence = next(f for f in prose if f["Afsnit"] == "metode" and "kvalitative materiale består" in f["Sætning"])
    text = _flat(sentence["Sætning"]).replace(_flat(sentence["Trykt værdi"]), "7 interview")
    assert _untraced(text, prose, []) == ["7"]


def test_the_resume_and_the_method_trace_their_counts_to_the_documents(judged_project: Path):
    project = Project(judged_project)
    chapter = build_chapter(project)
    book = load_workbook(__import__("io").BytesIO(workbook_bytes(companion_sheets(chapter))), read_only=True)
    prose, sources = _rows(book, "Tal i teksten"), _rows(book, "Kilder")
    shown = {d.id for d in project.corpus.included if d.meta.group not in ("familie", "radgiver")}
    observation = next(f for f in prose if f["Afsnit"] == "resume" and f["Trykt værdi"].endswith("observation"))
    documents = {s["Dokument"] for s in sources if s["Tal nr."] == observation["Tal nr."]}
    assert documents == {d for d in shown if project.corpus.get(d).meta.type == "observation"}
    assert observation["Trykt værdi"] == f"{len(documents)} observation"
    threshold = next(f for f in prose if f["Tal"] == "indstillingen survey_suppress_below")
    source = next(s for s in sources if s["Tal nr."] in listed_under(threshold))
    assert source["Kildeart"] == "indstilling" and source["Reference"].startswith("project.yaml")


def test_documents_of_a_too_small_group_are_never_named_in_the_companion(judged_project: Path):
    project = Project(judged_project)
    hidden = {d.id for d in project.corpus.documents if d.meta.group in ("familie", "radgiver")}
    data = workbook_bytes(companion_sheets(build_chapter(project)))
    book = load_workbook(__import__("io").BytesIO(data), read_only=True)
    for sheet in book.worksheets:  # in no cell of any sheet: not as a document, a unit, a reference or a place
        for row in sheet.iter_rows(values_only=True):
            for value in row:
                assert not (isinstance(value, str) and any(d in value for d in hidden)), (sheet.title, row)
    figures = _rows(book, "Tal i tabeller") + _rows(book, "Tal i teksten")
    skjult = [f for f in figures if f["Heraf skjult (lille gruppe)"]]
    assert skjult  # the agreement counts their units: as a number in the totals
    sources = _rows(book, "Kilder")
    for figure in skjult:
        rows = [s for s in sources if s["Tal nr."] in listed_under(figure)]
        hidden_rows = [s for s in rows if s["Enhed"] == "skjult (lille gruppe)"]
        assert hidden_rows and sum(s["Værdi"] for s in hidden_rows) == figure["Heraf skjult (lille gruppe)"]
        assert all(not s["Dokument"] and not s["Reference"] for s in hidden_rows)


def test_the_companion_stays_within_excels_rows_however_many_sources(judged_project: Path, monkeypatch):
    # Excel holds 1.048.576 rows a sheet; a season's double coding lists more units than that. The limit made
    # small here stands for it: the sources continue on further sheets, none lost, none over the limit
    project = Project(judged_project)
    chapter = build_chapter(project)
    whole = companion_sheets(chapter)
    total = sum(len(s.rows) for s in whole if s.title.startswith("Kilder"))
    assert total > 200
    monkeypatch.setattr(companion, "EXCEL_ROWS", 50)
    split = companion_sheets(chapter)
    parts = [s for s in split if s.title.startswith("Kilder")]
    assert len(parts) == -(-total // 47) and [s.title for s in parts[:2]] == ["Kilder", "Kilder (2)"]
    assert [r for s in parts for r in s.rows] == [r for s in whole if s.title.startswith("Kilder") for r in s.rows]
    book = load_workbook(__import__("io").BytesIO(workbook_bytes(split)), read_only=True)
    for sheet in book.worksheets:
        if sheet.title.startswith("Kilder"):
            assert sheet.max_row <= 50, sheet.title
    assert "fortsætter på Kilder (2)" in parts[0].note and "fortsætter" not in parts[-1].note
    # a short sheet stays one sheet
    assert paged(Sheet("Kilder", [], [[1]] * 47, "Anm."), 50)[0].rows == [[1]] * 47
    assert len(paged(Sheet("Kilder", [], [[1]] * 48, "Anm."), 50)) == 2


def test_the_companion_is_written_beside_the_chapter(judged_project: Path):
    project = Project(judged_project)
    out = project.exports_dir / "evalueringskapitel.docx"
    assert companion_path(out).name == FILE_NAME
