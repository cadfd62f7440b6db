"""The first chapter: a method section generated from the project and the codebook as an appendix."""

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE

from workbench.errors import WorkbenchError
from workbench.project import Project
from workbench.report import build_chapter, render_docx
from workbench.ui.cli import main


def paragraphs(path, style_prefix=""):
    return [p for p in docx.Document(str(path)).paragraphs if p.style.name.startswith(style_prefix)]


def table_rows(table):
    return [[c.text for c in row.cells] for row in table.rows]


def write_docx(chapter, out, template=None, sections=None):
    """The rendered chapter written as the gate would (these tests look at the rendering, not the gate)."""
    out.write_bytes(render_docx(chapter, template, sections))
    return out


def test_make_run_equivalent_writes_the_chapter(mini_project, capsys):
    assert main(["--project", str(mini_project), "report"]) == 0
    out = mini_project / "exports" / "evalueringskapitel.docx"
    assert out.exists()
    headings = [p.text for p in paragraphs(out, "Heading 1")]
    assert "Evalueringens tilgang og data" in headings
    assert "Bilag: Kodebog" in headings


def test_data_sources_table_counts_groups_and_types_and_leaves_out_withdrawn(mini_project, tmp_path):
    path = mini_project / "codebook" / "codebook.yaml"  # every group shown, as if one person could hide
    path.write_text(path.read_text(encoding="utf-8").replace("min_persons: 3", "min_persons: 1"), encoding="utf-8")
    out = write_docx(build_chapter(Project(mini_project)), tmp_path / "k.docx")
    document = docx.Document(str(out))
    sources = table_rows(next(t for t in document.tables if t.rows[0].cells[0].text == "Respondentgruppe"))
    assert sources[0] == ["Respondentgruppe", "Interview", "Observation", "I alt", "Ord"]
    by_group = {row[0]: row[1:4] for row in sources[1:]}
    assert by_group["Forældre"] == ["1", "0", "1"]  # INT-FAM-02 withdrew consent
    assert by_group["Rådgivere (SOF og BIF)"] == ["1", "0", "1"]
    assert by_group["Mødeobservationer"] == ["0", "1", "1"]
    assert by_group["I alt"] == ["2", "1", "3"]
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Anm.: N = 3 dokumenter. 1 dokument er udeladt, fordi samtykket er trukket tilbage" in text
    assert "Kilde: " in text
    assert "tilbagetrukket" not in text  # nothing from the withdrawn transcript


def test_tables_are_numbered_with_captions_and_headings_use_builtin_styles(mini_project, tmp_path):
    out = write_docx(build_chapter(Project(mini_project)), tmp_path / "k.docx")
    captions = [p.text for p in paragraphs(out, "Caption") if p.text.startswith("Tabel")]
    assert "Kvalitative datakilder fordelt på respondentgruppe og type" in captions[2]  # after résumé and goals
    assert [c.split(".")[0] for c in captions] == [f"Tabel {i}" for i in range(1, len(captions) + 1)]
    document = docx.Document(str(out))
    xml = document.element.xml
    assert "TOC \\o" in xml and "SEQ Tabel" in xml
    assert "PAGE" in document.sections[0].footer.paragraphs[0]._p.xml
    heading = document.styles["Heading 1"]
    assert heading.type == WD_STYLE_TYPE.PARAGRAPH


def test_codebook_appendix_lists_every_code(mini_project, tmp_path):
    project = Project(mini_project)
    out = write_docx(build_chapter(project), tmp_path / "k.docx")
    cells = {row[0] for table in docx.Document(str(out)).tables for row in table_rows(table)}
    assert {c.key for c in project.codebook.codes} <= cells


def test_users_template_styles_are_kept(mini_project, tmp_path):
    template = tmp_path / "kommune.docx"
    base = docx.Document()
    base.styles["Heading 1"].font.name = "Georgia"
    base.add_paragraph("Skabelonens eksempeltekst, som ikke skal med")
    base.save(template)
    out = write_docx(build_chapter(Project(mini_project)), tmp_path / "k.docx", template=template)
    document = docx.Document(str(out))
    assert document.styles["Heading 1"].font.name == "Georgia"
    assert "Skabelonens eksempeltekst" not in "\n".join(p.text for p in document.paragraphs)


def test_one_section_alone_and_unknown_section(mini_project, tmp_path):
    chapter = build_chapter(Project(mini_project))
    out = write_docx(chapter, tmp_path / "metode.docx", sections=["metode"])
    headings = [p.text for p in paragraphs(out, "Heading 1")]
    assert headings == ["Evalueringens tilgang og data"]
    with pytest.raises(WorkbenchError, match="Afsnittet p9 findes ikke"):
        write_docx(chapter, tmp_path / "x.docx", sections=["P9"])
    assert not (tmp_path / "x.docx").exists()


def test_broken_template_is_a_clear_error(mini_project, tmp_path, capsys):
    template = tmp_path / "skabelon.docx"
    template.write_bytes(b"nonsense")
    code = main(["--project", str(mini_project), "report", "--template", str(template)])
    assert code == 2
    assert "Skabelonen kan ikke åbnes" in capsys.readouterr().err
