"""Tables sized to their content: each column as wide as its longest word, row labels whole when there is room."""

from __future__ import annotations

import re
from pathlib import Path

import docx
from docx.oxml.ns import qn
from docx.shared import Pt

from workbench.project import Project
from workbench.report import export_chapter
from workbench.report.word import _CELL_PADDING, column_widths, text_width


def _chapter(project: Path, out: Path) -> docx.document.Document:
    return docx.Document(str(export_chapter(Project(project), out)))


def _cell_words(cell) -> list[tuple[str, float, bool]]:
    words = []
    for run in (r for p in cell.paragraphs for r in p.runs):
        size = run.font.size.pt if run.font.size else 11
        words += [(w, size, bool(run.bold)) for w in re.split(r"[ \t\n]+", run.text) if w]
    return words


def test_every_column_is_as_wide_as_its_longest_word_needs(chapter_project, tmp_path):
    document = _chapter(chapter_project, tmp_path / "k.docx")
    assert len(document.tables) > 10
    for table in document.tables:
        tbl = table._tbl
        assert tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
        grid = [int(c.get(qn("w:w"))) * 635 for c in tbl.tblGrid.findall(qn("w:gridCol"))]  # twips → EMU
        for row in table.rows:
            for index, cell in enumerate(row.cells):
                assert int(cell._tc.tcPr.find(qn("w:tcW")).get(qn("w:w"))) * 635 == grid[index]  # Word reads these
                for word, size, bold in _cell_words(cell):
                    # 635 EMU: the grid is in whole twips
                    assert grid[index] + 635 >= Pt(text_width(word, size, bold)) + _CELL_PADDING, (word, grid)


def test_leftover_room_goes_to_the_long_texts():
    question = "Familien har fået hjælp til at overskue sine aftaler med kommunen (andel »Ja«)"
    widths, headers = column_widths(["Spørgsmål", "n"], [[question, "18 / 12"]], Pt(460))
    assert headers == ["Spørgsmål", "n"] and sum(widths) <= Pt(460)
    assert widths[0] > 4 * widths[1] and widths[1] >= Pt(text_width("18 / 12", 9)) + _CELL_PADDING
    # a row label on one line when the page has room for it beside the other columns' words
    rows = [["Rådgivere (SOF og BIF)", "5 af 5", "23", "Relevans i høj grad; efterlevelse i nogen grad " * 3]]
    widths, _ = column_widths(["Gruppe", "Dokumenter", "Understøttende", "Vurdering"], rows, Pt(460))
    assert widths[0] >= Pt(text_width("Rådgivere (SOF og BIF)", 9)) + _CELL_PADDING
