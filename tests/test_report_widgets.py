"""The report notebook: choose sections with check boxes, upload a template, build with progress, download the
chapter and its companion, and see refusals explained. Driven without a browser (tests/test_browser_report.py
drives it in Chromium)."""

import base64
import datetime as dt
import re
import subprocess
import sys

import docx
from conftest import execute_notebook

from workbench.project import Project
from workbench.report import build_chapter
from workbench.ui.widgets.report import ReportApp


def _app(root) -> ReportApp:
    return ReportApp(Project(root), background=False)


def _downloads(app: ReportApp) -> dict[str, bytes]:
    return {name: base64.b64decode(data) for name, data in
            re.findall(r'download="([^"]+)" href="data:[^;]+;base64,([^"]+)"', app.download.value)}


def test_the_check_boxes_are_the_chapters_sections(chapter_project):
    app = _app(chapter_project)
    chapter = build_chapter(Project(chapter_project))
    top = [s.key for s in chapter.sections if s.level == 1]
    assert [key for key in app.boxes if key in top] == top  # every top-level section, in the chapter's order
    offered = {key for key, _, subs in app.choices for key in (key, *subs)}
    assert set(chapter.section_keys) <= offered
    assert app.chapter is None  # nothing built before it is asked for: the notebook appears at once


def test_build_the_whole_chapter_with_progress_and_download(chapter_project):
    app = _app(chapter_project)
    app.build_button.click()
    assert "Gemt kl." in app.status.value and "exports/evalueringskapitel.docx" in app.status.value
    steps = app.steps
    assert steps[0].startswith("Henter projektets data") and any(s.startswith("Princip P3") for s in steps)
    assert any("personoplysninger" in s for s in steps) and steps[-1].startswith("Skriver sporingsfilen")
    assert "Færdig" in app.progress.value and not app.build_button.disabled
    files = _downloads(app)
    written = chapter_project / "exports" / "evalueringskapitel.docx"
    assert files["evalueringskapitel.docx"] == written.read_bytes()
    assert files["evalueringskapitel-spor.xlsx"] == (chapter_project / "exports" /
                                                     "evalueringskapitel-spor.xlsx").read_bytes()


def test_unticked_sections_are_left_out(chapter_project):
    app = _app(chapter_project)
    app.none_button.click()
    app.boxes["P3"].value = True
    app.boxes["faktorer"].value = True
    assert app.chosen()[:2] == ["P3", "faktorer"] and "F1" in app.chosen()
    app.out.value = "udvalg.docx"
    app.build_button.click()
    document = docx.Document(str(chapter_project / "exports" / "udvalg.docx"))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert any("Kontakt" in h for h in headings) and not any("Princip 1" in h for h in headings)


def test_the_preview_shows_the_chosen_sections_tables_and_figures(chapter_project):
    app = _app(chapter_project)
    app.none_button.click()
    app.boxes["P1"].value = True
    app.preview_button.click()
    shown = " ".join(c.value for c in app.preview.children if c.__class__.__name__ == "HTML")
    assert "Princip 1" in shown and "Tabel 1." in shown and "Princip 2" not in shown
    assert any(c.__class__.__name__ == "Image" for c in app.preview.children)


def _upload(app: ReportApp, name: str, data: bytes) -> None:
    app.template_upload.value = ({"name": name, "type": "", "size": len(data), "content": memoryview(data),
                                  "last_modified": dt.datetime.now(dt.UTC)},)


def test_an_uploaded_template_is_checked_saved_in_the_project_and_used(chapter_project, tmp_path):
    template = tmp_path / "kommune.docx"
    base = docx.Document()
    base.styles["Normal"].font.name = "Garamond"
    base.save(template)
    app = _app(chapter_project)
    _upload(app, "kommune.docx", template.read_bytes())
    saved = chapter_project / "templates" / "kommune.docx"
    assert saved.read_bytes() == template.read_bytes() and "templates/kommune.docx" in app.template_label.value
    app.none_button.click()
    app.boxes["P3"].value = True
    app.build_button.click()
    document = docx.Document(str(chapter_project / "exports" / "evalueringskapitel.docx"))
    assert document.styles["Normal"].font.name == "Garamond"
    assert [p.text for p in document.paragraphs if p.style.name == "Heading 2"] == ["Princip 3 – Kontakt"]
    # the command line finds the same file
    result = subprocess.run([sys.executable, "-m", "workbench.ui.cli", "--project", str(chapter_project), "report",
                             "--template", str(saved), "--out", str(tmp_path / "cli.docx")], capture_output=True)
    assert result.returncode == 0, result.stderr


def test_a_broken_template_gets_the_command_lines_danish_error_and_is_not_kept(chapter_project, tmp_path):
    broken = tmp_path / "ødelagt.docx"
    broken.write_bytes(b"ikke et Word-dokument")
    cli = subprocess.run([sys.executable, "-m", "workbench.ui.cli", "--project", str(chapter_project), "report",
                          "--template", str(broken)], capture_output=True, text=True)
    assert cli.returncode == 2
    app = _app(chapter_project)
    _upload(app, "ødelagt.docx", broken.read_bytes())
    message = cli.stderr.strip().splitlines()[-1].split(": ", 1)[-1]  # the sentence after the file's name
    assert message in app.status.value and "ødelagt.docx" in app.status.value
    assert not list((chapter_project / "templates").glob("*")) and app.template_path is None
    _upload(app, "skabelon.pdf", b"%PDF")
    assert ".docx eller .dotx" in app.status.value


def test_refusal_is_shown_and_nothing_written(chapter_project):
    memo = chapter_project / "memos" / "koder" / "P1.md"
    memo.write_text(memo.read_text(encoding="utf-8") + "\n- Ring til 12 34 56 78.\n", encoding="utf-8")
    app = _app(chapter_project)
    app.build_button.click()
    assert "telefonnummer: 12 34 56 78" in app.status.value and "Stoppet" in app.progress.value
    assert not (chapter_project / "exports" / "evalueringskapitel.docx").exists() and not app.download.value
    app.out.value = "../udenfor.docx"
    app.build_button.click()
    assert "Filnavnet skal være" in app.status.value


def test_a_build_in_the_background_reports_when_done(chapter_project):
    app = ReportApp(Project(chapter_project))
    app.build_button.click()
    assert app.worker is not None
    app.worker.join(120)
    assert "Gemt kl." in app.status.value and "evalueringskapitel.docx" in app.download.value


def test_report_notebook_runs_headless(chapter_project, monkeypatch):
    monkeypatch.setenv("WORKBENCH_PROJECT", str(chapter_project))
    outputs = execute_notebook("03_rapport.ipynb")
    assert any("Evalueringskapitel for projektet" in o.get("data", {}).get("text/plain", "") for o in outputs)


def test_the_notebook_shows_the_app_before_the_project_is_read(chapter_project):
    # what the notebook imports to show the app leaves the project (codebook, pydantic, corpus) for a thread
    shown = subprocess.run([sys.executable, "-c", "import sys\nfrom workbench.ui.widgets.common import notebook_root\n"
                            "from workbench.ui.widgets.report import ReportApp\n"
                            "print(sorted(m for m in sys.modules if m.startswith(('workbench.project', "
                            "'workbench.material', 'pydantic', 'docx', 'matplotlib'))))"],
                           capture_output=True, text=True, check=True)
    assert shown.stdout.strip() == "[]"
    app = ReportApp(chapter_project)  # the notebook's way: the folder, read in a thread
    app.reader.join(30)
    assert not app.reader.is_alive() and list(app.boxes) == [key for key, _, _ in app.choices]
    assert "Projektet er læst" in app.status.value
    header = app.widget.children[0].value
    assert "<h" not in header  # the notebook's title is the page's one heading


def test_a_build_asked_for_while_the_project_is_read_says_so(chapter_project, monkeypatch):
    import threading

    from workbench.ui.widgets import report

    release = threading.Event()
    load = report.ReportApp.load
    monkeypatch.setattr(report.ReportApp, "load", lambda self: (release.wait(10), load(self)))
    app = ReportApp(chapter_project)
    app.build_button.click()
    assert report.READING in app.status.value and not (chapter_project / "exports").exists()
    release.set()
    app.reader.join(30)
    assert app.boxes
