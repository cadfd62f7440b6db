"""The evaluation chapter: a chapter model built from the project, checked, rendered to Word."""

from pathlib import Path

from workbench.privacy.guard import ensure_clean, ensure_no_withdrawn
from workbench.project import Project
from workbench.report.build import build_chapter
from workbench.report.word import write_docx

__all__ = ["build_chapter", "write_docx", "export_chapter"]


def export_chapter(
    project: Project, out: Path, template: Path | None = None, sections: list[str] | None = None
) -> Path:
    """Build, check and write the chapter (or some of its sections).

    The memos and quotes in it pass the anonymity guard and the withdrawn-consent check first; if
    anything is found, nothing is written and the error lists every finding.
    """
    chapter = build_chapter(project)
    what = "Evalueringskapitlet"
    ensure_clean(project, chapter.sources, what)
    ensure_no_withdrawn(project, chapter.sources, what)
    return write_docx(chapter, out, template, sections)
