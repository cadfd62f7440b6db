"""The evaluation chapter: a chapter model built from the project, checked, rendered to Word."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from workbench.privacy import sources
from workbench.privacy.gate import Export, exporter
from workbench.privacy.guard import TextSource
from workbench.project import Project
from workbench.report.build import build_chapter
from workbench.report.model import Chapter
from workbench.report.word import render_docx

__all__ = ["build_chapter", "chapter_export", "export_chapter", "render_docx"]

_FOLDER_KINDS = {  # what a chapter source is, by the project folder its file is in
    "memos": sources.MEMO, "interviews_anonymised": sources.DOCUMENT, "selfeval": sources.SELFEVAL,
}


def _carried(project: Project, chapter: Chapter) -> list[TextSource]:
    """The memos and quotes the chapter model collected, plus the codebook, survey and coder texts it shows."""
    documents = {project.relative(d.path): d for d in project.corpus.documents}
    texts: list[TextSource] = []
    for source in chapter.sources:
        kind = _FOLDER_KINDS.get(source.path.split("/", 1)[0], sources.MEMO)
        texts.append(TextSource(source.path, source.text, source.first_line, kind))
    quoted = {s.path for s in texts if s.kind == sources.DOCUMENT}
    for path in sorted(quoted & set(documents)):
        texts += sources.document_metadata(project, documents[path])
    texts += sources.codebook_texts(project) + sources.survey_texts(project)
    texts += sources.coder_names(project, project.coding_store().coders())
    return texts


@exporter("chapter", carries=(sources.MEMO, sources.DOCUMENT, sources.METADATA, sources.CODEBOOK, sources.SURVEY,
                              sources.CODER))
def chapter_export(project: Project, out: Path, template: Path | None = None,
                   sections: list[str] | None = None, chapter: Chapter | None = None,
                   progress: Callable[[str], None] | None = None) -> Export:
    """The chapter (or some of its sections) as a Word document; `chapter`: one already built."""
    chapter = chapter if chapter is not None else build_chapter(project, progress)
    if progress:
        progress("Sætter Word-filen op")
    docx_bytes = render_docx(chapter, template, sections)
    if progress:  # the gate checks next, in Exporter.write
        progress("Kontrollerer citater og memoer for personoplysninger og tilbagetrukket materiale")
    return Export("Evalueringskapitlet", {out: docx_bytes}, _carried(project, chapter))


def export_chapter(
    project: Project, out: Path, template: Path | None = None, sections: list[str] | None = None,
    chapter: Chapter | None = None, progress: Callable[[str], None] | None = None,
) -> Path:
    """Build, check and write the chapter (or some of its sections) through the export gate.

    If any text in it holds possible personal data or repeats a withdrawn document, nothing is
    written and the error lists every finding. `progress` is told each step in Danish as it starts.
    """
    chapter_export.write(project, out=Path(out), template=template, sections=sections, chapter=chapter,
                         progress=progress)
    return Path(out)
