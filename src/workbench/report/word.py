"""Rendering a chapter model to Word with python-docx.

Word's built-in styles are used throughout (Title, Heading 1-3, Caption, Quote, List Bullet), so
the navigation pane, the table of contents and a municipal template's look all work. Tables and
figures get SEQ-field numbers (with the number already filled in for readers that do not update
fields), an "Anm." line and a "Kilde:" line; figures carry alt text; the footer has page numbers.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

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

_NUMERIC = re.compile(r"^[−+\-±]?[\d.,]+([ \u00a0]%| procentpoint)?$|^–$")
_MINUS = re.compile(r"(?<![\w\-–])-(?=\d)")  # "-0,01" → "−0,01"; ids such as INT-FAM-01 keep their hyphens
# «Ja» → »Ja«, the chapter's one Danish quotation style; only a « that opens (at the start, after a space or a
# bracket) so that the text between two »…« quotes in one cell (»A«; »B«) is never taken for a quote
_GUILLEMETS = re.compile(r"(?:^|(?<=[\s(\[]))«(?=\S)([^«»]*?)(?<=\S)»")


def typeset(text: str) -> str:
    """Danish typography for every text the chapter prints: no-break space before %, minus sign, »…«."""
    text = re.sub(r"(\d) %", "\\1\u00a0%", text)
    text = _MINUS.sub("−", text)
    return _GUILLEMETS.sub(r"»\1«", text)


def _open_template(template: Path | None) -> docx.document.Document:
    if template is None:
        document = docx.Document()
        for section in document.sections:  # python-docx's default is US Letter; Danish reports are A4
            section.page_width, section.page_height = Cm(21), Cm(29.7)
            section.left_margin = section.right_margin = Cm(2.2)
            section.top_margin = section.bottom_margin = Cm(2.5)
        return document
    template = Path(template)
    try:
        document = docx.Document(str(template))
    except Exception as exc:  # python-docx raises several types for a broken package
        raise WorkbenchError("Skabelonen kan ikke åbnes som et Word-dokument (.docx).", template) from exc
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    return document


def _ensure_style(document, name: str, base: str = "Normal", outline: int | None = None) -> str:
    styles = document.styles
    try:
        styles[name]
    except KeyError:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles[base]
        if outline is not None:
            p_pr = style.element.get_or_add_pPr()
            level = OxmlElement("w:outlineLvl")
            level.set(qn("w:val"), str(outline))
            p_pr.append(level)
            style.font.bold = True
            style.font.size = Pt(16 - 2 * outline)
    return name


def _set_danish(document) -> None:
    r_pr = document.styles["Normal"].element.get_or_add_rPr()
    lang = r_pr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        r_pr.append(lang)
    lang.set(qn("w:val"), "da-DK")


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


def _setting(document, name: str) -> None:
    settings = document.settings.element
    if settings.find(qn(f"w:{name}")) is None:
        element = OxmlElement(f"w:{name}")
        element.set(qn("w:val"), "true")
        settings.append(element)


class _Renderer:
    def __init__(self, document):
        self.doc = document
        self.tables = 0
        self.figures = 0
        self.caption = _ensure_style(document, "Caption")
        self.quote = _ensure_style(document, "Quote")
        self.bullet = _ensure_style(document, "List Bullet")
        self.title = _ensure_style(document, "Title")
        for level in (1, 2, 3):
            _ensure_style(document, f"Heading {level}", outline=level - 1)

    def heading(self, text: str, level: int) -> None:
        self.doc.add_paragraph(text, style=f"Heading {min(max(level, 1), 3)}")

    def paragraph(self, block: Paragraph) -> None:
        paragraph = self.doc.add_paragraph()
        run = paragraph.add_run(typeset(block.text))
        run.italic = block.italic
        if block.placeholder:
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW

    def bullets(self, block: BulletList) -> None:
        for item in block.items:
            self.doc.add_paragraph(typeset(item), style=self.bullet)

    def quote_block(self, block: Quote) -> None:
        paragraph = self.doc.add_paragraph(style=self.quote)
        paragraph.paragraph_format.left_indent = Cm(1)
        paragraph.add_run(f"»{typeset(block.text)}«").italic = True
        paragraph.add_run(f" ({block.attribution})")

    def _caption(self, kind: str, number: int, title: str) -> None:
        paragraph = self.doc.add_paragraph(style=self.caption)
        paragraph.add_run(f"{kind} ")
        _field(paragraph, f"SEQ {kind} \\* ARABIC", str(number))
        paragraph.add_run(f". {typeset(title)}")
        paragraph.paragraph_format.keep_with_next = True

    def _notes(self, note: str, source: str) -> None:
        for label, text in (("Anm.: ", note), ("Kilde: ", source)):
            if text and text.lower().startswith(label.strip().lower()):  # users write "Kilde: ..." themselves
                text = text[len(label.strip()):].strip()
            if not text:
                continue
            paragraph = self.doc.add_paragraph()
            paragraph.paragraph_format.space_after = Pt(2)
            lead = paragraph.add_run(label)
            lead.italic = True
            lead.font.size = Pt(8)
            body = paragraph.add_run(typeset(text))
            body.font.size = Pt(8)

    def table(self, block: Table) -> None:
        self.tables += 1
        self._caption("Tabel", self.tables, block.title)
        table = self.doc.add_table(rows=1, cols=len(block.columns))
        try:
            table.style = self.doc.styles["Table Grid"]
        except KeyError:
            pass
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        header = table.rows[0]
        tr_pr = header._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        tr_pr.append(repeat)
        for cell, text in zip(header.cells, block.columns):
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
        self._column_widths(table, block)
        self._notes(block.note, block.source)

    def _column_widths(self, table, block: Table) -> None:
        """Widths in proportion to each column's longest word and typical cell, so headers don't break mid-word."""
        section = self.doc.sections[-1]
        available = section.page_width - section.left_margin - section.right_margin
        weights = []
        for index, header in enumerate(block.columns):
            cells = [str(r[index]) for r in block.rows if index < len(r)]
            # a bold header word needs more room than its letters: it must never break inside the word
            header_words = [int(1.5 * len(w)) + 1 for w in header.split()]
            longest_word = max([len(w) for c in cells for w in c.split()] + header_words)
            typical = sorted(len(c) for c in cells)[len(cells) // 2]
            weights.append(max(longest_word, min(typical, 40), 7) + 2)  # 7: room for padding and a short number
        total = sum(weights)
        table.autofit = False
        for index, weight in enumerate(weights):
            width = int(available * weight / total)
            table.columns[index].width = width  # the grid, which LibreOffice reads
            for cell in table.columns[index].cells:
                cell.width = width  # the cells, which Word reads

    def figure(self, block: Figure) -> None:
        self.figures += 1
        self._caption("Figur", self.figures, block.title)
        self.doc.add_picture(io.BytesIO(block.png), width=Cm(block.width_cm))
        picture_paragraph = self.doc.paragraphs[-1]
        for doc_pr in picture_paragraph._p.iter(qn("wp:docPr")):
            doc_pr.set("descr", block.alt_text)
            doc_pr.set("title", block.title)
        self._notes(block.note, block.source)

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
    for section in document.sections:
        paragraph = section.footer.paragraphs[0] if section.footer.paragraphs else section.footer.add_paragraph()
        if "PAGE" in paragraph._p.xml:
            continue
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run("Side ")
        _field(paragraph, "PAGE", "1")


def _contents(document, sections: list[Section]) -> None:
    """The contents list: a TOC field whose result already lists the headings, so it reads before any update."""
    title = document.add_paragraph()
    run = title.add_run("Indhold")
    run.bold = True
    run.font.size = Pt(14)
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
        paragraph.style = _ensure_style(document, f"TOC {min(level, 3)}")  # Word's own contents styles
        paragraph.add_run(text)
        paragraph.paragraph_format.left_indent = Cm(0.6 * (level - 1))
        paragraph.paragraph_format.space_after = Pt(0)
    char(paragraphs[-1], "end")
    paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)


def render_docx(chapter: Chapter, template: Path | None = None, sections: list[str] | None = None) -> bytes:
    document = _open_template(template)
    _set_danish(document)
    _setting(document, "autoHyphenation")  # long Danish compounds in narrow table columns
    renderer = _Renderer(document)
    chosen = chapter.sections
    if sections:
        wanted = {s.lower() for s in sections}
        chosen = [s for s in chapter.sections if s.key.lower() in wanted]
        unknown = wanted - {s.key.lower() for s in chosen}
        if unknown:
            raise WorkbenchError(
                f"Afsnittet {', '.join(sorted(unknown))} findes ikke. Vælg blandt: {', '.join(chapter.section_keys)}."
            )
    document.add_paragraph(chapter.title, style=renderer.title)
    if chapter.subtitle:
        document.add_paragraph(chapter.subtitle)
    if chapter.draft:
        mark = document.add_paragraph().add_run("Udkast")
        mark.bold = True
        mark.font.size = Pt(16)
    if not sections:
        _contents(document, chosen)
        _setting(document, "updateFields")  # Word offers to bring the page numbers in on opening
    for section in chosen:
        renderer.section(section)
    _footer_page_numbers(document)
    core = document.core_properties
    core.title = chapter.title
    # python-docx's default template carries its own author and a 2013 creation date: always set both
    core.author = core.last_modified_by = chapter.author or ""
    core.created = core.modified = chapter.created or dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    core.revision = 1
    core.language = "da-DK"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
