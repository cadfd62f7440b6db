"""A user's Word template or master document, opened for the chapter and completed with the styles it lacks.

Templates made in Word (.docx, .dotx) or LibreOffice keep their styles, page set-up, header and footer. A
.dotx is opened by converting its content type. A master document marks where the chapter goes with a
paragraph holding only «KAPITEL» (MARKER): the text before and after it is kept. Styles the chapter uses and
the template lacks (headings, List Bullet with real bullets, Table Grid with borders, Quote, Caption, the
field-note style) are added with plain definitions; a style the template already has, under its name or its
style id (LibreOffice writes "Heading1" with the name "Heading 1"), is used as it is, so no id is duplicated.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from pathlib import Path

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor

from workbench.errors import WorkbenchError
from workbench.io.archive import check_zip, open_zip, read_member

MARKER = "«KAPITEL»"  # a paragraph holding only this marks where the chapter goes in a master document
FIELD_NOTE = "Feltnote"  # the field-note excerpts' paragraph style

_DOCUMENT = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_TEMPLATE = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"


def _package_bytes(path: Path) -> bytes:
    """The template's bytes, checked as a zip; a .dotx's content type turned into a document's."""
    try:
        check_zip(path)
    except WorkbenchError as error:
        raise WorkbenchError(f"Skabelonen kan ikke åbnes: {error.message}", path) from None
    with open_zip(path) as archive:
        names = set(archive.namelist())
        if "word/styles.xml" not in names or "[Content_Types].xml" not in names:
            raise WorkbenchError(
                "Skabelonen kan ikke åbnes som Word-dokument: den mangler sine typografier (word/styles.xml). "
                "Åbn den i Word eller LibreOffice, og gem den igen som .docx.",
                path,
            )
        types = read_member(archive, "[Content_Types].xml", path)
        if _TEMPLATE.encode() not in types:
            return path.read_bytes()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
            for info in archive.infolist():
                content = read_member(archive, info, path)
                if info.filename == "[Content_Types].xml":
                    content = content.replace(_TEMPLATE.encode(), _DOCUMENT.encode())
                out.writestr(info, content)
        return buffer.getvalue()


def _a4(document) -> None:
    for section in document.sections:  # python-docx's default is US Letter; Danish reports are A4
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.2)
        section.top_margin = section.bottom_margin = Cm(2.5)


class Opened:
    """The document the chapter is written into, and (for a master document) what follows the marker."""

    def __init__(self, document, after: list, master: bool):
        self.document = document
        self.after = after
        self.master = master

    def finish(self) -> None:
        """Put the master document's text after the marker back, after the chapter."""
        body = self.document.element.body
        final = body.find(qn("w:sectPr"))
        for element in self.after:
            if final is not None:
                final.addprevious(element)
            else:
                body.append(element)


def open_template(template: Path | None) -> Opened:
    if template is None:
        document = docx.Document()
        _a4(document)
        return Opened(document, [], False)
    template = Path(template)
    content = _package_bytes(template)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            document = docx.Document(io.BytesIO(content))
    except Exception as exc:  # python-docx raises several types for a broken package
        raise WorkbenchError(
            "Skabelonen kan ikke åbnes som et Word-dokument (.docx eller .dotx). Åbn den i Word eller LibreOffice, "
            "og gem den igen.",
            template,
        ) from exc
    body = document.element.body
    children = [c for c in body if c.tag != qn("w:sectPr")]
    marker = next((i for i, c in enumerate(children)
                   if c.tag == qn("w:p") and "".join(t.text or "" for t in c.iter(qn("w:t"))).strip() == MARKER),
                  None)
    if marker is None:
        for child in children:
            body.remove(child)
        return Opened(document, [], False)
    after = children[marker + 1:]
    for child in [children[marker], *after]:
        body.remove(child)
    return Opened(document, after, True)


def find_style(document, name: str):
    """The template's style by name (any case) or by style id, or None."""
    wanted = name.lower()
    style_id = name.replace(" ", "").lower()
    for style in document.styles:
        if style.name and style.name.lower() == wanted:
            return style
    for style in document.styles:
        if (style.style_id or "").lower() == style_id:
            return style
    return None


def _outline(style, level: int) -> None:
    p_pr = style.element.get_or_add_pPr()
    element = OxmlElement("w:outlineLvl")
    element.set(qn("w:val"), str(level))
    p_pr.append(element)


def _bullet_numbering(document) -> int:
    """A one-level bullet list definition in the numbering part; its num id."""
    numbering = document.part.numbering_part.element
    ids = [int(n.get(qn("w:abstractNumId"))) for n in numbering.findall(qn("w:abstractNum"))]
    abstract_id = max(ids, default=0) + 1
    num_ids = [int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))]
    num_id = max(num_ids, default=0) + 1
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}"><w:multiLevelType w:val="singleLevel"/>'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/>'
        '<w:lvlJc w:val="left"/><w:pPr><w:ind w:left="360" w:hanging="360"/></w:pPr></w:lvl></w:abstractNum>'
    )
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)  # abstract definitions come before the nums (schema order)
    else:
        numbering.append(abstract)
    numbering.append(parse_xml(
        f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/></w:num>'
    ))
    return num_id


def _table_borders(style) -> None:
    borders = "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="808080"/>'
                      for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    style.element.append(parse_xml(f'<w:tblPr {nsdecls("w")}><w:tblBorders>{borders}</w:tblBorders>'
                                   '<w:tblCellMar><w:left w:w="85" w:type="dxa"/><w:right w:w="85" w:type="dxa"/>'
                                   '</w:tblCellMar></w:tblPr>'))


def _add(document, name: str, kind=WD_STYLE_TYPE.PARAGRAPH, base: str | None = "Normal"):
    style = document.styles.add_style(name, kind)
    if base and kind == WD_STYLE_TYPE.PARAGRAPH:
        based = find_style(document, base)
        if based is not None:
            style.base_style = based
    return style


def ensure_styles(document) -> dict:
    """Every style the chapter uses, the template's own where it has one; returns name → the style object
    (python-docx's lookup by name misses LibreOffice's "Heading 1", so the chapter never looks a style up)."""
    names: dict = {}

    def have(name: str):
        style = find_style(document, name)
        if style is not None:
            names[name] = style
        return style

    if have("Normal") is None:
        names["Normal"] = _add(document, "Normal", base=None)
    for level in (1, 2, 3, 4):
        name = f"Heading {level}"
        if have(name) is None:
            style = _add(document, name)
            _outline(style, level - 1)
            style.font.bold = True
            style.font.size = Pt((18, 15, 13, 11)[level - 1])
            style.font.color.rgb = RGBColor(0x1F, 0x3A, 0x5F)
            style.paragraph_format.space_before = Pt(12 if level < 3 else 8)
            style.paragraph_format.keep_with_next = True
            names[name] = style
    if have("Title") is None:
        style = _add(document, "Title")
        style.font.size = Pt(26)
        names["Title"] = style
    if have("Caption") is None:
        style = _add(document, "Caption")
        style.font.bold = True
        style.font.size = Pt(9)
        names["Caption"] = style
    if have("Quote") is None:
        style = _add(document, "Quote")
        style.font.italic = True
        style.paragraph_format.left_indent = Cm(1)
        names["Quote"] = style
    if have(FIELD_NOTE) is None:
        style = _add(document, FIELD_NOTE)
        style.font.size = Pt(10)
        style.paragraph_format.left_indent = Cm(1)
        p_pr = style.element.get_or_add_pPr()
        p_pr.append(parse_xml(f'<w:pBdr {nsdecls("w")}><w:left w:val="single" w:sz="12" w:space="8" '
                              'w:color="9AA5B1"/></w:pBdr>'))
        names[FIELD_NOTE] = style
    bullet = have("List Bullet")
    if bullet is None or bullet.element.pPr is None or bullet.element.pPr.numPr is None:
        if bullet is None:
            bullet = _add(document, "List Bullet")
            names["List Bullet"] = bullet
        num_pr = bullet.element.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_numId().val = _bullet_numbering(document)
    if have("Table Grid") is None:
        style = _add(document, "Table Grid", WD_STYLE_TYPE.TABLE, base=None)
        _table_borders(style)
        names["Table Grid"] = style
    for level in (1, 2, 3):
        if have(f"TOC {level}") is None:
            names[f"TOC {level}"] = _add(document, f"TOC {level}")
    if have("TOC Heading") is None:
        style = _add(document, "TOC Heading")
        style.font.bold = True
        style.font.size = Pt(14)
        names["TOC Heading"] = style
    return names


def duplicate_style_ids(document) -> list[str]:
    """Style ids that occur more than once (invalid OOXML); empty for every chapter the renderer writes."""
    ids = [s.get(qn("w:styleId")) for s in document.styles.element.findall(qn("w:style"))]
    return sorted({i for i in ids if ids.count(i) > 1})
