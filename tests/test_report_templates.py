"""User templates (python-docx, LibreOffice, .dotx, a master document), bad templates, `--section` excerpts,
column widths, field notes and charts, each read from what the user gets."""

from __future__ import annotations

import io
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from workbench.project import Project
from workbench.report import export_chapter, figures
from workbench.report.template import MARKER, duplicate_style_ids
from workbench.report.word import text_width
from workbench.ui.cli import main

TEMPLATES = Path(__file__).parent / "fixtures" / "templates"
LIBREOFFICE = TEMPLATES / "libreoffice-skabelon.docx"  # made with soffice --convert-to docx from the .fodt beside it


def _without_styles(path: Path, names: tuple[str, ...]) -> None:
    """Remove styles from a .docx's styles.xml, as a template made elsewhere may lack them."""
    with zipfile.ZipFile(path) as archive:
        members = {i.filename: archive.read(i) for i in archive.infolist()}
    styles = docx.oxml.parse_xml(members["word/styles.xml"])
    for style in styles.findall(qn("w:style")):
        if style.find(qn("w:name")).get(qn("w:val")) in names:
            styles.remove(style)
    members["word/styles.xml"] = docx.oxml.xmlchemy.serialize_for_reading(styles).encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)


@pytest.fixture
def word_template(tmp_path) -> Path:
    """A municipal template made with python-docx: header and footer text, Garamond, wide margins, and no
    List Bullet, Table Grid or Quote."""
    document = docx.Document()
    document.styles["Normal"].font.name = "Garamond"
    section = document.sections[0]
    section.left_margin = section.right_margin = Cm(3.1)
    section.header.paragraphs[0].text = "Aarhus Kommune"
    section.footer.paragraphs[0].text = "HFI-evaluering"
    document.add_paragraph("Skabelonens eksempeltekst")
    path = tmp_path / "kommune.docx"
    document.save(str(path))
    _without_styles(path, ("List Bullet", "Table Grid", "Quote"))
    return path


def _report(project: Path, *args: str) -> int:
    return main(["--project", str(project), "report", *args])


def _style_ids(document) -> list[str]:
    return [s.get(qn("w:styleId")) for s in document.styles.element.findall(qn("w:style"))]


def test_a_word_template_keeps_its_look_and_gets_the_styles_it_lacks(chapter_project, word_template, tmp_path,
                                                                      capsys):
    out = tmp_path / "k.docx"
    assert _report(chapter_project, "--template", str(word_template), "--out", str(out)) == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines()[0] == f"Evalueringskapitlet er skrevet til {out}" and captured.err == ""
    assert all(line.endswith(("er skrevet til " + str(out), ".xlsx", ".html")) for line in captured.out.splitlines())
    document = docx.Document(str(out))
    assert document.styles["Normal"].font.name == "Garamond"
    assert abs(document.sections[0].left_margin - Cm(3.1)) < Cm(0.01)
    assert document.sections[0].header.paragraphs[0].text == "Aarhus Kommune"
    footer = [p.text for p in document.sections[0].footer.paragraphs]
    assert footer == ["HFI-evaluering", "Side 1"]  # the page number in a paragraph of its own
    assert "Skabelonens eksempeltekst" not in [p.text for p in document.paragraphs]
    assert duplicate_style_ids(document) == []
    bullets = [p for p in document.paragraphs if p.style.name == "List Bullet"]
    assert bullets and bullets[0].style.element.pPr.numPr is not None  # real bullets, from the numbering part
    assert document.part.numbering_part.element.find(qn("w:abstractNum")) is not None
    grid = document.tables[0].style
    assert grid.name == "Table Grid" and grid.element.find(qn("w:tblPr")).find(qn("w:tblBorders")) is not None


def test_a_libreoffice_template_keeps_heading_colours_without_duplicate_style_ids(chapter_project, tmp_path):
    out = export_chapter(Project(chapter_project), tmp_path / "k.docx", LIBREOFFICE)
    document = docx.Document(str(out))
    assert duplicate_style_ids(document) == []
    assert _style_ids(document).count("Heading1") == 1
    first = [p for p in document.paragraphs if p.text == "Resumé"][-1]  # the heading, after the contents entry
    assert first.style.style_id == "Heading1"
    assert str(first.style.font.color.rgb) == "8B1A1A"  # the template's own heading colour
    assert abs(document.sections[0].left_margin - Cm(3)) < Cm(0.01)
    assert document.sections[0].header.paragraphs[0].text == "Aarhus Kommune – Socialforvaltningen"
    assert [p.text for p in document.sections[0].footer.paragraphs] == ["HFI-evaluering", "Side 1"]


def test_a_dotx_template_is_accepted(chapter_project, word_template, tmp_path):
    dotx = tmp_path / "kommune.dotx"
    with zipfile.ZipFile(word_template) as source, zipfile.ZipFile(dotx, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "[Content_Types].xml":
                content = content.replace(b"document.main+xml", b"template.main+xml")
            target.writestr(info, content)
    assert b"template.main+xml" in zipfile.ZipFile(dotx).read("[Content_Types].xml")
    out = tmp_path / "k.docx"
    assert _report(chapter_project, "--template", str(dotx), "--out", str(out)) == 0
    assert b"document.main+xml" in zipfile.ZipFile(out).read("[Content_Types].xml")
    assert docx.Document(str(out)).sections[0].header.paragraphs[0].text == "Aarhus Kommune"


def test_the_chapter_goes_where_the_master_document_marks_it(chapter_project, tmp_path):
    master = docx.Document()
    master.add_paragraph("Forord fra forvaltningen")
    master.add_paragraph(MARKER)
    master.add_paragraph("Bilag fra forvaltningen")
    path = tmp_path / "samledokument.docx"
    master.save(str(path))
    body = [p.text for p in docx.Document(str(export_chapter(Project(chapter_project), tmp_path / "k.docx",
                                                              path))).paragraphs]
    assert body[0] == "Forord fra forvaltningen" and body[-1] == "Bilag fra forvaltningen"
    assert MARKER not in body and "Indhold" not in body  # the master document has its own contents list
    assert body.index("Resumé") < body.index("Princip 1 – Familien") < body.index("Bilag fra forvaltningen")


@pytest.mark.parametrize("kind", ["not a zip", "no styles", "hostile"])
def test_a_bad_template_is_a_danish_error_naming_the_file(chapter_project, tmp_path, capsys, kind):
    path = tmp_path / "skabelon.docx"
    if kind == "not a zip":
        path.write_bytes(b"nonsense")
    else:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("word/document.xml" if kind == "no styles" else "../../etc/evil", "<x/>")
    out = chapter_project / "exports" / "evalueringskapitel.docx"
    assert _report(chapter_project, "--template", str(path)) == 2
    err = capsys.readouterr().err
    assert "Skabelonen kan ikke åbnes" in err and "skabelon.docx" in err
    assert not out.exists()


def test_sections_make_an_excerpt_numbered_like_the_full_chapter(chapter_project, tmp_path, capsys):
    full = docx.Document(str(export_chapter(Project(chapter_project), tmp_path / "full.docx")))
    captions = [p.text for p in full.paragraphs if p.style.name == "Caption"]
    assert _report(chapter_project, "--section", "P3,metode", "--section", "P1") == 0
    assert "Uddraget (P3, metode, P1)" in capsys.readouterr().out
    out = chapter_project / "exports" / "evalueringskapitel-P3-metode-P1.docx"
    excerpt = docx.Document(str(out))
    body = [p.text for p in excerpt.paragraphs]
    assert body[0].startswith("Uddrag af ") and excerpt.core_properties.title.startswith("Uddrag af ")
    headings = [p.text for p in excerpt.paragraphs if p.style.name.startswith("Heading") and p.style.name[-1] in "12"]
    assert headings[0] == "Evalueringens tilgang og data"  # the chapter's order, whatever order was asked for
    assert "Princip 1 – Familien" in headings and "Princip 3 – Kontakt" in headings and "Resumé" not in headings
    named = [(p.text, p.style.name) for p in full.paragraphs if p.style.name.startswith("Heading ")]
    levels = {t: s for t, s in named if [n for n, _ in named].count(t) == 1}  # headings the chapter has once
    wrong = [(p.text, p.style.name, levels[p.text]) for p in excerpt.paragraphs  # the full chapter's heading levels
             if p.style.name.startswith("Heading ") and p.text in levels and levels[p.text] != p.style.name]
    assert not wrong, wrong
    shown = [p.text for p in excerpt.paragraphs if p.style.name == "Caption"]
    assert shown and set(shown) <= set(captions)  # "Tabel 7. …" is table 7 in the full chapter too
    assert shown[0] != captions[0] or shown[0].startswith("Tabel 1")
    p3 = next(c for c in shown if "P3" in c)
    assert p3 in captions
    assert "\\r" in excerpt.element.xml  # the SEQ fields restart at those numbers when Word updates them


def test_the_single_section_form_still_works(chapter_project):
    assert _report(chapter_project, "--section", "P3") == 0
    document = docx.Document(str(chapter_project / "exports" / "evalueringskapitel-P3.docx"))
    assert [p.text for p in document.paragraphs if p.style.name == "Heading 2"][0] == "Princip 3 – Kontakt"


def test_no_header_word_is_wider_than_its_column(chapter_project, tmp_path):
    document = docx.Document(str(export_chapter(Project(chapter_project), tmp_path / "k.docx")))
    section = document.sections[0]
    page = section.page_width - section.left_margin - section.right_margin
    for table in document.tables:
        widths = [c.width for c in table.rows[0].cells]
        assert sum(widths) <= page + Pt(1)
        for cell, width in zip(table.rows[0].cells, widths):
            for word in cell.text.split(" "):
                assert Pt(text_width(word, 8, bold=True)) < width - Pt(10), (word, cell.text)


def test_libreoffice_breaks_no_header_word(chapter_project, tmp_path):
    """The chapter printed by LibreOffice: every header and row-label word comes out whole."""
    out = export_chapter(Project(chapter_project), tmp_path / "k.docx")
    profile = tmp_path / "lo-profile"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(out)], check=True, capture_output=True, timeout=180)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "k.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    printed = {w.strip("(),.;:") for w in text.split()}
    document = docx.Document(str(out))
    cells = [c for t in document.tables for c in t.rows[0].cells] + [r.cells[0] for t in document.tables
                                                                      for r in t.rows[1:]]  # headers, row labels
    words = {w.strip("(),.;:") for c in cells for w in c.text.split(" ")}
    assert words and not sorted(w for w in words if w and w not in printed)


def test_field_notes_are_excerpts_not_quotes(chapter_project, tmp_path):
    project = Project(chapter_project)
    observation = project.corpus.get("OBS-01")
    project.coding_store().add("NP", observation, "F5", "understøttende", segment=observation.segment("S001"),
                               quote=True)
    document = docx.Document(str(export_chapter(project, tmp_path / "k.docx")))
    notes = [p for p in document.paragraphs if p.style.name == "Feltnote"]
    assert notes, "the starred observation is set in the field-note style"
    assert all("»" not in p.text and "(observation, " in p.text for p in notes)
    assert all(p.text.count("observation") == 1 for p in notes), "the attribution says 'observation' once"
    quotes = [p for p in document.paragraphs if p.style.name == "Quote"]
    assert quotes and all(p.text.startswith("»") and "observation" not in p.text for p in quotes)


def _grey(png: bytes):
    from PIL import Image

    return Image.open(io.BytesIO(png)).convert("L")


def test_survey_chart_start_above_end_distinct_in_greyscale_and_labels_uncut():
    label = "Alle medarbejdere omkring familien kender familiens situation og har talt sammen om den (andel »Ja«)"
    figure = figures.survey_start_end_figure([label, "Kort"], [40.0, 50.0], [80.0, 90.0], "Opstart", "Afslutning",
                                             "P2: andele ved start og slut")
    axes = figure.axes[0]
    start, end = axes.containers
    assert start.get_label() == "Opstart"
    # the y axis is inverted: the smaller y is drawn higher
    assert all(s.get_y() < e.get_y() for s, e in zip(start.patches, end.patches))
    legend = [t.get_text() for t in axes.get_legend().get_texts()]
    assert legend == ["Opstart", "Afslutning"]
    grey_start = figures.luminance(start.patches[0].get_facecolor())
    grey_end = figures.luminance(end.patches[0].get_facecolor())
    assert abs(grey_start - grey_end) > 0.35
    figure.canvas.draw()
    ticks = [t.get_text() for t in axes.get_yticklabels()]
    assert ticks[0].replace("\n", " ") == label  # wrapped, not cut
    box = figure.bbox
    renderer = figure.canvas.get_renderer()
    for text in axes.get_yticklabels():
        extent = text.get_window_extent(renderer)
        assert extent.x0 >= box.x0 and extent.x1 <= box.x1
    # and in the PNG itself the two bars' greys differ
    image = _grey(figures._png(figure))
    to_pixel = axes.transData

    def pixel(bar):
        x, y = to_pixel.transform((bar.get_x() + bar.get_width() / 2, bar.get_y() + bar.get_height() / 2))
        return image.getpixel((int(x * 150 / figure.dpi), int(image.height - y * 150 / figure.dpi)))

    assert abs(pixel(start.patches[1]) - pixel(end.patches[1])) > 80


def test_self_evaluation_lines_differ_by_marker_and_dash():
    import pandas as pd

    rows = pd.DataFrame([
        {"item": item, "item_label": item.title(), "period": period, "mean": 3.0 + index * 0.1}
        for index, item in enumerate(["adherence", "guiding", "useful", "inspiring"])
        for period in ("2024H1", "2024H2")
    ])
    figure = figures.selfeval_principle_figure(rows, ["2024H1", "2024H2"], ["1. halvår 2024", "2. halvår 2024"],
                                               "#2a9d8f", "P1", 1, 5)
    lines = figure.axes[0].get_lines()
    styles = {(line.get_marker(), str(line.get_linestyle())) for line in lines}
    assert len(styles) == len(lines) == 4
    assert lines[0].get_linewidth() > 2 * lines[1].get_linewidth()  # adherence stands out
