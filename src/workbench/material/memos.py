"""Analytic memos: Markdown files per code (`memos/koder/<CODE>.md`) and per document
(`memos/dokumenter/<DOC_ID>.md`).

A principle memo is where the evaluator writes what supported and what challenged the principle;
the report places its two sections under "Understøttende elementer" and "Udfordrende elementer".
So a new principle memo starts from a template with exactly those headings, and a principle memo
that has lost one of them is refused rather than silently dropped from the report.
"""

from __future__ import annotations

import re
from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.io.files import atomic_write_text
from workbench.io.yaml import read_text
from workbench.project import Project

CODE_DIR = "koder"
DOCUMENT_DIR = "dokumenter"
SUPPORTING = "Understøttende elementer"
CHALLENGING = "Udfordrende elementer"
ANALYSIS = "Analyse"
PRINCIPLE_HEADINGS = (SUPPORTING, CHALLENGING)

_HEADING = re.compile(r"^##[ \t]+(?P<title>.+?)[ \t#]*$")
_FENCE = re.compile(r"^[ \t]{0,3}(```|~~~)")


def memo_path(project: Project, code: str | None = None, doc_id: str | None = None) -> Path:
    """Where the memo on one code or one document lives; unknown codes and documents are refused."""
    if (code is None) == (doc_id is None):
        raise ValueError("give exactly one of code and doc_id")
    if code is not None:
        project.codebook.code(code)  # raises the Danish error for an unknown code
        return project.memos_dir / CODE_DIR / f"{code}.md"
    assert doc_id is not None
    if project.codable_corpus.get(doc_id) is None:
        raise WorkbenchError(
            f"Dokumentet '{doc_id}' findes ikke i projektet, så der kan ikke skrives et memo om det.",
            project.documents_dir,
        )
    return project.memos_dir / DOCUMENT_DIR / f"{doc_id}.md"


def is_principle(project: Project, code: str) -> bool:
    return project.codebook.group_of(code).kind == "principle"


def template(project: Project, code: str | None = None, doc_id: str | None = None) -> str:
    """The text a new memo starts from."""
    memo_path(project, code=code, doc_id=doc_id)
    if doc_id is not None:
        document = project.codable_corpus[doc_id]  # memo_path checked it
        return (
            f"# Memo: {doc_id}\n\n"
            f"Analytiske noter om dokumentet ({document.meta.type}, {document.meta.group}).\n\n"
            f"## {ANALYSIS}\n"
        )
    assert code is not None  # memo_path checked that exactly one was given
    entry = project.codebook.code(code)
    if is_principle(project, code):
        return (
            f"# Memo: {entry.label}\n\n"
            f"Hvad har understøttet og udfordret princippet: {entry.statement or entry.name}\n\n"
            f"## {SUPPORTING}\n\n"
            f"## {CHALLENGING}\n"
        )
    return (
        f"# Memo: {entry.label}\n\n"
        f"Analytiske noter om {project.codebook.group_of(code).name.lower()}: {entry.name}.\n\n"
        f"## {ANALYSIS}\n"
    )


def read_memo(project: Project, code: str | None = None, doc_id: str | None = None) -> str:
    """The memo's text, or the template when no memo has been written yet."""
    path = memo_path(project, code=code, doc_id=doc_id)
    if not path.exists():
        return template(project, code=code, doc_id=doc_id)
    return read_text(path)


def write_memo(project: Project, text: str, code: str | None = None, doc_id: str | None = None) -> Path:
    """Save a memo atomically; a principle memo must keep both of its headings."""
    path = memo_path(project, code=code, doc_id=doc_id)
    if code is not None and is_principle(project, code):
        sections = memo_sections(text)
        missing = [h for h in PRINCIPLE_HEADINGS if h not in sections]
        if missing:
            raise WorkbenchError(
                f"Memoet om {code} mangler overskriften '## {missing[0]}', som rapporten bruger. "
                "Sæt overskriften ind igen og gem på ny; intet blev gemt.",
                path,
            )
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    atomic_write_text(path, text.rstrip("\n") + "\n")
    return path


def memo_sections(text: str) -> dict[str, str]:
    """Level-2 heading → the text under it (up to the next level-2 heading), stripped.

    Text before the first heading (the title and intro) belongs to no section. Lines inside
    fenced code blocks are never headings.
    """
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    in_fence = False
    for line in text.replace("\r\n", "\n").split("\n"):
        if _FENCE.match(line):
            in_fence = not in_fence
        match = None if in_fence else _HEADING.match(line)
        if match:
            current = sections.setdefault(match.group("title").strip(), [])
        elif current is not None:
            current.append(line)
    return {title: "\n".join(lines).strip() for title, lines in sections.items()}
