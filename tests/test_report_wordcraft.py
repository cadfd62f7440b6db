"""Word craft, read from the .docx: a contents list with entries, rows kept on one page, Danish typography,
document properties and the draft mark."""

from __future__ import annotations

import docx
from docx.oxml.ns import qn

from workbench.project import Project
from workbench.report import build_chapter, export_chapter
from workbench.report.word import typeset


def test_typography_no_break_space_before_percent_minus_and_one_quotation_style():
    assert typeset("67 % (n < 10)") == "67\u00a0% (n < 10)"
    assert typeset("Ændring -0,01 og -3 procentpoint") == "Ændring −0,01 og −3 procentpoint"
    assert typeset("INT-FAM-01, 2024-2026, skala 1-5") == "INT-FAM-01, 2024–2026, skala 1–5"  # ranges: en dash
    assert typeset("den 2025-03-14 kl. 10") == "den 2025-03-14 kl. 10"  # a date keeps its hyphens
    assert typeset("(andel «Ja»)") == "(andel »Ja«)"
    # two quotes in one cell stay as they are: the text between them is not a quote
    assert typeset("Citat (mor): »Vi fik ro …«; Kodning (far): »Det gik«") == (
        "Citat (mor): »Vi fik ro …«; Kodning (far): »Det gik«")
    assert typeset("«Ja» og «Nej»") == "»Ja« og »Nej«"


def test_contents_list_shows_its_entries_without_updating_fields(chapter_project, tmp_path):
    (chapter_project / "project.yaml").write_text("title: Prøve\nperiod: 2025–2026\ndraft: true\n", encoding="utf-8")
    document = docx.Document(str(export_chapter(Project(chapter_project), tmp_path / "k.docx")))
    body = [p.text for p in document.paragraphs]
    assert body[:3] == ["Prøve", "2025–2026", "Udkast"]
    start = body.index("Indhold")
    assert body[start + 1 : start + 4] == ["Resumé", "Indledning", "Evalueringens tilgang og data"]
    assert "   " not in body[start + 1] and "1. Samtykket er afgørende" in body[start:start + 40]
    assert "TOC \\o" in document.element.xml  # the field stays, so Word can add page numbers
    assert not any(p.style.name == "Caption" and p.text == "Indhold" for p in document.paragraphs)
    text = "\n".join(body + [c.text for t in document.tables for r in t.rows for c in r.cells])
    assert "«Ja»" not in text and "»Ja«" in text
    assert " %" not in text and "\u00a0%" in text


def test_every_table_row_is_kept_on_one_page(chapter_project, tmp_path):
    document = docx.Document(str(export_chapter(Project(chapter_project), tmp_path / "k.docx")))
    for table in document.tables:
        for row in table.rows[1:]:
            assert row._tr.trPr is not None and row._tr.trPr.find(qn("w:cantSplit")) is not None


def _headings(document) -> list[tuple[int, str]]:
    return [(int(p.style.name.rsplit(" ", 1)[1]), p.text) for p in document.paragraphs
            if p.style.name.startswith("Heading ")]


def test_every_code_group_at_one_level_its_codes_one_below_and_no_level_skipped(chapter_project, tmp_path):
    project = Project(chapter_project)
    document = docx.Document(str(export_chapter(project, tmp_path / "k.docx")))
    headings = _headings(document)
    levels: dict[str, int] = {}
    for level, text in headings:  # the first: the codebook appendix repeats the groups' names further down
        levels.setdefault(text, level)
    chapter = build_chapter(project)
    groups = project.codebook.code_groups
    assert len(groups) >= 4  # principles, factors and further groups
    for group in groups:
        intro = chapter.section(group.key) or chapter.section("principper")
        assert levels[intro.title] == 1, intro.title
        for code in group.codes:
            assert levels[chapter.section(code.key).title] == 2, code.key
    # a principle's and a factor's sub-headings one level below the code, theirs one below that
    start = headings.index((2, "Princip 2 – Sammenhæng"))
    assert headings[start + 1:start + 4] == [(3, "Understøttende elementer"), (3, "Udfordrende elementer"),
                                             (3, "Datagrundlag")]
    assert (3, "Spørgeskemaerne") in headings  # a factor's linked survey items, directly under the factor
    for (above, _), (level, text) in zip(headings, headings[1:]):
        assert level <= above + 1, f"{text!r} skips a level"


def test_en_dash_in_ranges_but_not_in_ids_or_dates():
    assert typeset("HFI 2023-2025, s. 12-15, skalaen 1-5") == "HFI 2023–2025, s. 12–15, skalaen 1–5"
    assert typeset("(2024-2026)") == "(2024–2026)"
    for untouched in ("INT-FAM-01", "OBS-01", "2025-03-01", "gemt 2025-06-11 10:00", "S004.1", "P1-P3", "2025–2026"):
        assert typeset(untouched) == untouched


def test_the_built_chapter_prints_ranges_with_en_dash(chapter_project, tmp_path):
    survey = chapter_project / "surveys" / "kort.yaml"
    survey.write_text(survey.read_text(encoding="utf-8").replace(
        '"Kilde: Testskema til familierne"', '"Kilde: Testskema til familierne, HFI 2023-2025, udtræk 2025-03-01"'),
        encoding="utf-8")
    (chapter_project / "project.yaml").write_text("title: Prøve\nperiod: 2025-2026\n", encoding="utf-8")
    document = docx.Document(str(export_chapter(Project(chapter_project), tmp_path / "k.docx")))
    text = "\n".join([p.text for p in document.paragraphs] + [c.text for t in document.tables for r in t.rows
                                                               for c in r.cells])
    assert "HFI 2023–2025, udtræk 2025-03-01" in text and "2023-2025" not in text
    assert document.paragraphs[1].text == "2025–2026"  # the period on the title page
    assert "(1–5)" in text and "1-5" not in text  # the self-evaluation scale
