"""The report notebook: choose sections, preview, build, and see refusals explained."""

import docx
from conftest import execute_notebook

from workbench.project import Project
from workbench.ui.widgets.report import ReportApp


def test_build_the_whole_chapter_from_the_widget(chapter_project):
    app = ReportApp(Project(chapter_project))
    assert ("P3 – Princip 3 – Kontakt", "P3") in app.sections.options
    app.build_button.click()
    out = chapter_project / "exports" / "evalueringskapitel.docx"
    assert out.exists()
    assert "Gemt kl." in app.status.value and "exports/evalueringskapitel.docx" in app.status.value


def test_preview_shows_the_chosen_sections_tables_and_figures(chapter_project):
    app = ReportApp(Project(chapter_project))
    app.sections.value = ("P1",)
    app.preview_button.click()
    shown = " ".join(c.value for c in app.preview.children if c.__class__.__name__ == "HTML")
    assert "Princip 1 – Familien" in shown
    assert "Tabel 1. Kodede segmenter om P1 Familien" in shown
    assert "Princip 2" not in shown
    assert any(c.__class__.__name__ == "Image" for c in app.preview.children)


def test_a_single_section_with_the_users_template(chapter_project, tmp_path):
    template = tmp_path / "kommune.docx"
    base = docx.Document()
    base.styles["Normal"].font.name = "Garamond"
    base.save(template)
    app = ReportApp(Project(chapter_project))
    app.sections.value = ("P3",)
    app.template.value = str(template)
    app.out.value = "kontakt.docx"
    app.build_button.click()
    document = docx.Document(str(chapter_project / "exports" / "kontakt.docx"))
    assert document.styles["Normal"].font.name == "Garamond"
    assert [p.text for p in document.paragraphs if p.style.name == "Heading 2"] == ["Princip 3 – Kontakt"]


def test_refusal_is_shown_and_nothing_written(chapter_project):
    memo = chapter_project / "memos" / "koder" / "P1.md"
    memo.write_text(memo.read_text(encoding="utf-8") + "\n- Ring til 12 34 56 78.\n", encoding="utf-8")
    app = ReportApp(Project(chapter_project))
    app.build_button.click()
    assert "telefonnummer: 12 34 56 78" in app.status.value
    assert not (chapter_project / "exports" / "evalueringskapitel.docx").exists()
    app.out.value = "../udenfor.docx"
    app.build_button.click()
    assert "Filnavnet skal være" in app.status.value


def test_report_notebook_runs_headless(chapter_project, monkeypatch):
    monkeypatch.setenv("WORKBENCH_PROJECT", str(chapter_project))
    outputs = execute_notebook("03_rapport.ipynb")
    assert any("Evalueringskapitel for projektet" in o.get("data", {}).get("text/plain", "") for o in outputs)
