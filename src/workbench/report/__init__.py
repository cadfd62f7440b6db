"""The evaluation chapter: a chapter model built from the project, checked, rendered to Word.

`build_chapter` and `render_docx` are imported on first use (PEP 562 `__getattr__`), not with the package:
the light modules here (`report.figures`, `report.text_da`) are imported by the self-evaluation form, which
should not wait for every section, python-docx and the analyses they call.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.privacy import sources
from workbench.privacy.gate import Export, exporter
from workbench.privacy.guard import TextSource
from workbench.project import Project

if TYPE_CHECKING:
    from workbench.report.build import build_chapter
    from workbench.report.model import Chapter
    from workbench.report.word import render_docx

__all__ = ["build_chapter", "chapter_export", "export_chapter", "render_docx"]
_ON_FIRST_USE = {"build_chapter": "workbench.report.build", "render_docx": "workbench.report.word"}


def __getattr__(name: str) -> Any:
    if name in _ON_FIRST_USE:
        return getattr(importlib.import_module(_ON_FIRST_USE[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))

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
    from workbench.report.build import build_chapter
    from workbench.report.word import render_docx

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
