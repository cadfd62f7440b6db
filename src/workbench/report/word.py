"""Rendering a chapter model to Word with python-docx.

Word's built-in styles are used throughout (Title, Heading 1-3, Caption, Quote, List Bullet), so
the navigation pane, the table of contents and a municipal template's look all work. Tables and
figures get SEQ-field numbers (with the number already filled in for readers that do not update
fields), an "Anm." line and a "Kilde:" line; figures carry alt text; the footer has page numbers.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
import warnings
from pathlib import Path

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextToPath

from workbench.errors import WorkbenchError
from workbench.report.model import (
    BulletList,
    Chapter,
    Figure,
    Heading,
    Paragraph,
    Quote,
    Section,
    Table,
)
from workbench.report.template import FIELD_NOTE, ensure_styles, find_style, open_template

_NUMERIC = re.compile(r"^[−+\-±]?[\d.,]+([ \u00a0]%| procentpoint)?\*?$|^–$")  # "*": a mark the note explains
_MINUS = re.compile(r"(?<![\w\-–])-(?=\d)")  # "-0,01" → "−0,01"; ids such as INT-FAM-01 keep their hyphens
# «Ja» → »Ja«, the chapter's one Danish quotation style; only a « that opens (at the start, after a space or a
# bracket) so that the text between two »…« quotes in one cell (»A«; »B«) is never taken for a quote
_GUILLEMETS = re.compile(r"(?:^|(?<=[\s(\[]))«(?=\S)([^«»]*?)(?<=\S)»")
_TEXT_PATH = TextToPath()
_RANGE = re.compile(r"(?<![\w\-–])(\d{1,4})-(\d{1,4})(?![\w\-])")  # 2024-2026, 1-5: en dash; not 2025-03-14


def typeset(text: str) -> str:
    """Danish typography for every text the chapter prints: no-break space before %, minus sign, en dash in
    ranges, »…«."""
    text = re.sub(r"(\d) %", "\\1\u00a0%", text)
    text = _RANGE.sub("\\1–\\2", text)
    text = _MINUS.sub("−", text)
    return _GUILLEMETS.sub(r"»\1«", text)


# header words that may be shortened when a table cannot otherwise fit the page without breaking a word
ABBREVIATIONS = {
    "Respondentgruppe": "Resp.-gruppe", "Understøttende": "Underst.", "Udfordrende": "Udfordr.",
    "procentpoint": "pct.-point", "Selvevaluering,": "Selveval.,", "Besvarelser": "Besvar.",
    "Krippendorffs": "Kripp.", "Procent": "Pct.",
}
_CELL_PADDING = Pt(14)  # both sides' cell margins and a little air, so the longest word never wraps


@functools.lru_cache(maxsize=4096)
def text_width(text: str, size: float, bold: bool = False) -> float:
    """The printed width of a text in points, measured with DejaVu Serif (wider than Calibri or Cambria)."""
    properties = FontProperties(family="DejaVu Serif", size=size, weight="bold" if bold else "normal")
    width, _, _ = _TEXT_PATH.get_text_width_height_descent(text, properties, ismath=False)
    return width


LABEL_SHARE = 0.28  # of the text width
FIGURES_LABEL_SHARE = 0.45  # when every other column holds short figures (the agreement table's codes)
SHORT_HEADER = 6  # a header this short ("I alt", "Ord") is not broken between its words
UNBROKEN_CELL = 18  # a figure cell shorter than this ("100 %", "+50 procentpoint", "18 / 12") stays on one line


def _words(text: str) -> list[str]:
    return re.split(r"[ \t\n]+", text.strip())  # a no-break space ("97 %") holds its words together


def _longest_word(texts: list[str], size: float, bold: bool) -> float:
    return max((text_width(w, size, bold) for t in texts for w in _words(t)), default=0.0)


def column_widths(columns: list[str], rows: list[list[str]], available: int) -> tuple[list[int], list[str]]:
    """Column widths (EMU) that fit every column's longest word, header and cells; the headers, shortened by
    ABBREVIATIONS only when the words would not fit the page otherwise."""
    headers = list(columns)

    def minimum(index: int) -> float:
        cells = [typeset(str(r[index])) for r in rows if index < len(r)]
        whole = [c for c in cells if index > 0 and len(c) < UNBROKEN_CELL]
        header = typeset(headers[index])
        short = text_width(header, 8, True) if len(header) <= SHORT_HEADER else 0.0  # "I alt" on one line
        return max(_longest_word([header], 8, True), _longest_word(cells, 9, False), short,
                   max((text_width(c, 9) for c in whole), default=0.0))

    needs = [Pt(minimum(i)) + _CELL_PADDING for i in range(len(headers))]
    label = max((Pt(text_width(typeset(str(r[0])), 9)) + _CELL_PADDING for r in rows if r), default=0)
    figures_only = bool(rows) and all(len(typeset(str(c))) < UNBROKEN_CELL for r in rows for c in r[1:])
    if sum(needs) > available or (figures_only and label > 2 * (available - sum(needs[1:]))):
        # shortened headers: when the words would not fit otherwise, or a table of figures would squeeze its
        # row labels ("FF3 Dosering og timing af …") onto three lines
        headers = [" ".join(ABBREVIATIONS.get(w, w) for w in _words(h)) for h in headers]
        needs = [Pt(minimum(i)) + _CELL_PADDING for i in range(len(headers))]
    if needs and needs[0] < label:  # a row label ("Rådgivere (SOF og BIF)") on one line, or as near as fits
        share = FIGURES_LABEL_SHARE if figures_only else LABEL_SHARE
        if figures_only or (label <= share * available and sum(needs[1:]) + label <= available):
            needs[0] = int(max(needs[0], min(label, share * available, available - sum(needs[1:]))))
    # a column of short figures beside a column of text (a judgement, a question) takes its longest word and lets
    # its header wrap between words, so that the text gets the room
    figures = [i > 0 and all(len(typeset(str(r[i]))) < UNBROKEN_CELL for r in rows if i < len(r))
               for i in range(len(headers))]
    texts = [i for i in range(len(headers)) if i > 0 and not figures[i]]
    wants = []
    for index, need in enumerate(needs):
        cells = sorted(text_width(typeset(str(r[index])), 9) for r in rows if index < len(r))
        typical = cells[len(cells) // 2] if cells else 0.0
        longest_header = text_width(typeset(headers[index]), 8, True)
        if figures[index] and texts:
            wants.append(need)
            continue
        wants.append(max(need, Pt(min(max(typical, longest_header), 260)) + _CELL_PADDING))
    if sum(wants) <= available:
        spare = available - sum(wants)  # fill the page in proportion to what each column wants
        growing = [i for i in range(len(wants)) if not (figures[i] and texts)]
        share = sum(wants[i] for i in growing)
        return [int(w + spare * w / share) if i in growing else int(w) for i, w in enumerate(wants)], headers
    if sum(needs) >= available:
        return [int(available * n / sum(needs)) for n in needs], headers
    spare = available - sum(needs)  # every column its longest word; the rest where the text is longer
    extra = [w - n for w, n in zip(wants, needs)]
    return [int(n + spare * e / sum(extra)) for n, e in zip(needs, extra)], headers


def _field(paragraph, instruction: str, result: str = "") -> None:
    """A complex field (PAGE, SEQ, TOC) with a cached result for readers that don't update fields."""
    def char(kind: str):
        run = paragraph.add_run()
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        run._r.append(element)

    char("begin")
    run = paragraph.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run._r.append(instr)
    char("separate")
    paragraph.add_run(result)
    char("end")


def _set_danish(document) -> None:
    r_pr = find_style(document, "Normal").element.get_or_add_rPr()
    lang = r_pr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        r_pr.append(lang)
    lang.set(qn("w:val"), "da-DK")


def _setting(document, name: str) -> None:
    settings = document.settings.element
    if settings.find(qn(f"w:{name}")) is None:
        element = OxmlElement(f"w:{name}")
        element.set(qn("w:val"), "true")
        settings.append(element)


class _Renderer:
    def __init__(self, document, styles: dict, excerpt: bool = False):
        self.doc = document
        self.styles = styles
        self.excerpt = excerpt  # an excerpt's SEQ fields restart at the full chapter's numbers
        self.tables = 0
        self.figures = 0

    def heading(self, text: str, level: int) -> None:
        self.doc.add_paragraph(typeset(text), style=self.styles[f"Heading {min(max(level, 1), 4)}"])

    def paragraph(self, block: Paragraph) -> None:
        paragraph = self.doc.add_paragraph()
        run = paragraph.add_run(typeset(block.text))
        run.italic = block.italic
        if block.placeholder:
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW

    def bullets(self, block: BulletList) -> None:
        for item in block.items:
            if block.lettered:  # "a) …" hanging under its letter, as a list, without a bullet before the letter
                paragraph = self.doc.add_paragraph(typeset(item))
                paragraph.paragraph_format.left_indent = Cm(0.63)
                paragraph.paragraph_format.first_line_indent = Cm(-0.63)
                paragraph.paragraph_format.space_after = Pt(3)  # set close, as a list, not as paragraphs
            else:
                self.doc.add_paragraph(typeset(item), style=self.styles["List Bullet"])

    def quote_block(self, block: Quote) -> None:
        if block.field_note:  # what was seen at a meeting, not words spoken to the evaluator: no quotation marks
            paragraph = self.doc.add_paragraph(style=self.styles[FIELD_NOTE])
            paragraph.add_run(typeset(block.text))
            said = block.attribution if block.attribution.lower().startswith("observation") else \
                f"observation, {block.attribution}"
            paragraph.add_run(f" ({said})").italic = True
            return
        paragraph = self.doc.add_paragraph(style=self.styles["Quote"])
        paragraph.paragraph_format.left_indent = Cm(1)
        paragraph.add_run(f"»{typeset(block.text)}«").italic = True
        paragraph.add_run(f" ({block.attribution})")

    def _caption(self, kind: str, number: int, title: str) -> None:
        paragraph = self.doc.add_paragraph(style=self.styles["Caption"])
        paragraph.add_run(f"{kind} ")
        restart = f" \\r {number}" if self.excerpt else ""
        _field(paragraph, f"SEQ {kind} \\* ARABIC{restart}", str(number))
        paragraph.add_run(f". {typeset(title)}")
        paragraph.paragraph_format.keep_with_next = True

    def _notes(self, note: str, source: str) -> None:
        written: list = []
        for label, text in (("Anm.: ", note), ("Kilde: ", source)):
            if text and text.lower().startswith(label.strip().lower()):  # users write "Kilde: ..." themselves
                text = text[len(label.strip()):].strip()
            if not text:
                continue
            if written:  # the Anm. stays on the page of its Kilde line (and so of its table or figure)
                written[-1].paragraph_format.keep_with_next = True
            paragraph = self.doc.add_paragraph()
            written.append(paragraph)
            paragraph.paragraph_format.space_after = Pt(2)
            lead = paragraph.add_run(label)
            lead.italic = True
            lead.font.size = Pt(8)
            body = paragraph.add_run(typeset(text))
            body.font.size = Pt(8)

    def table(self, block: Table) -> None:
        self.tables += 1
        self._caption("Tabel", self.tables, block.title)
        section = self.doc.sections[-1]
        available = section.page_width - section.left_margin - section.right_margin
        widths, headers = column_widths(block.columns, block.rows, available)
        table = self.doc.add_table(rows=1, cols=len(block.columns))
        table.style = self.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        header = table.rows[0]
        tr_pr = header._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        tr_pr.append(repeat)
        for cell, text in zip(header.cells, headers):
            cell.text = ""
            run = cell.paragraphs[0].add_run(typeset(text))
            run.bold = True
            run.font.size = Pt(8)
        for values in block.rows:
            row = table.add_row()
            cant_split = OxmlElement("w:cantSplit")  # a row is never split across pages
            cant_split.set(qn("w:val"), "true")
            row._tr.get_or_add_trPr().append(cant_split)
            for index, (cell, text) in enumerate(zip(row.cells, values)):
                cell.text = ""
                paragraph = cell.paragraphs[0]
                text = typeset(str(text))
                run = paragraph.add_run(text)
                run.font.size = Pt(9)
                if values[0] == "I alt":
                    run.bold = True
                if index > 0 and _NUMERIC.match(str(text).strip()):
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        for cell in table.rows[-1].cells:  # the table's last row stays on the page of its Anm.
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.keep_with_next = True
        table.autofit = False
        for index, width in enumerate(widths):
            table.columns[index].width = width  # the grid, which LibreOffice reads
            for cell in table.columns[index].cells:
                cell.width = width  # the cells, which Word reads
        self._notes(block.note, block.source)

    def figure(self, block: Figure) -> None:
        self.figures += 1
        self._caption("Figur", self.figures, block.title)
        self.doc.add_picture(io.BytesIO(block.png), width=Cm(block.width_cm))
        picture_paragraph = self.doc.paragraphs[-1]
        picture_paragraph.paragraph_format.keep_with_next = True  # the chart stays with its Anm. and Kilde
        for doc_pr in picture_paragraph._p.iter(qn("wp:docPr")):
            doc_pr.set("descr", block.alt_text)
            doc_pr.set("title", block.title)
        self._notes(block.note, block.source)

    def skip(self, section: Section) -> None:
        """A section left out of an excerpt still counts its tables and figures, so the numbers match."""
        self.tables += sum(isinstance(b, Table) for b in section.blocks)
        self.figures += sum(isinstance(b, Figure) for b in section.blocks)

    def section(self, section: Section) -> None:
        self.heading(section.title, section.level)
        for block in section.blocks:
            if isinstance(block, Heading):
                self.heading(block.text, block.level + section.level - 1)
            elif isinstance(block, Paragraph):
                self.paragraph(block)
            elif isinstance(block, BulletList):
                self.bullets(block)
            elif isinstance(block, Quote):
                self.quote_block(block)
            elif isinstance(block, Table):
                self.table(block)
            elif isinstance(block, Figure):
                self.figure(block)
            else:  # pragma: no cover - the model has no other block types
                raise TypeError(f"unknown block {block!r}")


def _footer_page_numbers(document) -> None:
    """'Side N' in a paragraph of its own, so a template's footer text keeps its line."""
    for section in document.sections:
        footer = section.footer
        if "PAGE" in footer._element.xml:
            continue
        paragraphs = footer.paragraphs
        empty = len(paragraphs) == 1 and not paragraphs[0].text.strip()
        paragraph = paragraphs[0] if empty else footer.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run("Side ")
        _field(paragraph, "PAGE", "1")


def _contents(document, sections: list[Section], styles: dict) -> None:
    """The contents list: a TOC field whose result already lists the headings, so it reads before any update."""
    title = document.add_paragraph("Indhold", style=styles["TOC Heading"])
    title.paragraph_format.keep_with_next = True
    entries = [(s.title, s.level) for s in sections]
    first = document.add_paragraph()

    def char(paragraph, kind: str) -> None:
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        paragraph.add_run()._r.append(element)

    char(first, "begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = ' TOC \\o "1-3" \\h \\z \\u '
    first.add_run()._r.append(instr)
    char(first, "separate")
    paragraphs = [first] + [document.add_paragraph() for _ in entries[1:]]
    for paragraph, (text, level) in zip(paragraphs, entries):
        paragraph.style = styles[f"TOC {min(level, 3)}"]  # Word's own contents styles
        paragraph.add_run(typeset(text))
        paragraph.paragraph_format.left_indent = Cm(0.6 * (level - 1))
        paragraph.paragraph_format.space_after = Pt(0)
    char(paragraphs[-1], "end")
    paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)


def chosen_sections(chapter: Chapter, sections: list[str] | None) -> list[Section]:
    """The sections asked for (keys in any case, in the chapter's order), or every section; a Danish error
    for an unknown key."""
    if not sections:
        return list(chapter.sections)
    wanted = {s.strip().lower() for s in sections if s.strip()}
    chosen = [s for s in chapter.sections if s.key.lower() in wanted]
    unknown = wanted - {s.key.lower() for s in chosen}
    if unknown:
        raise WorkbenchError(
            f"Afsnittet {', '.join(sorted(unknown))} findes ikke. Vælg blandt: {', '.join(chapter.section_keys)}."
        )
    return chosen


def _title_page(document, chapter: Chapter, styles: dict, excerpt: list[Section] | None) -> None:
    if excerpt:
        lead = document.add_paragraph().add_run(f"Uddrag af {typeset(chapter.title)}")
        lead.bold = True
        lead.font.size = Pt(14)
        listed = "; ".join(s.title for s in excerpt)
        document.add_paragraph(typeset(f"Afsnit: {listed}. Tabeller og figurer har samme numre som i kapitlet."))
    else:
        document.add_paragraph(typeset(chapter.title), style=styles["Title"])
    if chapter.subtitle:
        document.add_paragraph(typeset(chapter.subtitle))
    if chapter.draft:
        mark = document.add_paragraph().add_run("Udkast")
        mark.bold = True
        mark.font.size = Pt(16)


def render_docx(chapter: Chapter, template: Path | None = None, sections: list[str] | None = None) -> bytes:
    """The chapter (or the sections asked for, as an excerpt numbered like the full chapter) as .docx bytes.

    A template's styles, page set-up, header and footer are kept; in a master document the chapter takes the
    place of the «KAPITEL» paragraph and brings neither title page nor contents list.
    """
    chosen = chosen_sections(chapter, sections)
    excerpt = chosen if sections else None
    with warnings.catch_warnings():  # python-docx's warnings about a template are not the user's concern
        warnings.simplefilter("ignore")
        opened = open_template(template)
        document = opened.document
        styles = ensure_styles(document)
        _set_danish(document)
        _setting(document, "autoHyphenation")  # long Danish compounds in narrow table columns
        renderer = _Renderer(document, styles, excerpt=excerpt is not None)
        if not opened.master:
            _title_page(document, chapter, styles, excerpt)
            if excerpt is None:
                _contents(document, chosen, styles)
                _setting(document, "updateFields")  # Word offers to bring the page numbers in on opening
        elif excerpt:
            document.add_paragraph().add_run(f"Uddrag af {typeset(chapter.title)}").bold = True
        for section in chapter.sections:
            if section in chosen:
                renderer.section(section)
            else:
                renderer.skip(section)
        opened.finish()
        _footer_page_numbers(document)
        core = document.core_properties
        core.title = f"Uddrag af {chapter.title}" if excerpt else chapter.title
        core.subject = ("Uddrag: " + ", ".join(s.key for s in excerpt)) if excerpt else (chapter.subtitle or "")
        # python-docx's default template carries its own author and a 2013 creation date: always set both
        core.author = core.last_modified_by = chapter.author or ""
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
        core.created = core.modified = chapter.created or now
        core.revision = 1
        core.language = "da-DK"
        buffer = io.BytesIO()
        document.save(buffer)
    return buffer.getvalue()
