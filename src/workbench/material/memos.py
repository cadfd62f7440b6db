"""Analytic memos: Markdown files per code (`memos/koder/<CODE>.md`) and per document
(`memos/dokumenter/<DOC_ID>.md`).

A principle memo is where the evaluator writes what supported and what challenged the principle;
the report places its two sections under "Understøttende elementer" and "Udfordrende elementer".
So a new principle memo starts from a template with exactly those headings, and a principle memo
that has lost one of them is refused rather than silently dropped from the report.

`Memos` is given its folder, the codebook and the codable corpus explicitly (a `Project` wires
them as `project.memos`), so this module knows nothing about project folders.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.io.files import atomic_write_text
from workbench.io.yaml import read_text
from workbench.material.codebook import Codebook
from workbench.material.corpus import Corpus

CODE_DIR = "koder"
DOCUMENT_DIR = "dokumenter"
SUPPORTING = "Understøttende elementer"
CHALLENGING = "Udfordrende elementer"
ANALYSIS = "Analyse"
PRINCIPLE_HEADINGS = (SUPPORTING, CHALLENGING)

_HEADING = re.compile(r"^##[ \t]+(?P<title>.+?)[ \t#]*$")
_FENCE = re.compile(r"^[ \t]{0,3}(```|~~~)")


class Memos:
    """The memos of one project.

    `corpus` is called only when a document memo is asked for (loading the codable corpus reads
    every transcript and self-evaluation); `documents_dir` is named in the error for an unknown document.
    """

    def __init__(self, folder: Path, codebook: Codebook, corpus: Callable[[], Corpus], documents_dir: Path):
        self.folder = Path(folder)
        self.codebook = codebook
        self._corpus = corpus
        self.documents_dir = Path(documents_dir)

    def path(self, code: str | None = None, doc_id: str | None = None) -> Path:
        """Where the memo on one code or one document lives; unknown codes and documents are refused."""
        if (code is None) == (doc_id is None):
            raise ValueError("give exactly one of code and doc_id")
        if code is not None:
            self.codebook.code(code)  # raises the Danish error for an unknown code
            return self.folder / CODE_DIR / f"{code}.md"
        if self._corpus().get(doc_id) is None:
            raise WorkbenchError(
                f"Dokumentet '{doc_id}' findes ikke i projektet, så der kan ikke skrives et memo om det.",
                self.documents_dir,
            )
        return self.folder / DOCUMENT_DIR / f"{doc_id}.md"

    def is_principle(self, code: str) -> bool:
        return self.codebook.group_of(code).kind == "principle"

    def template(self, code: str | None = None, doc_id: str | None = None) -> str:
        """The text a new memo starts from."""
        self.path(code=code, doc_id=doc_id)
        if doc_id is not None:
            document = self._corpus().get(doc_id)
            return (
                f"# Memo: {doc_id}\n\n"
                f"Analytiske noter om dokumentet ({document.meta.type}, {document.meta.group}).\n\n"
                f"## {ANALYSIS}\n"
            )
        entry = self.codebook.code(code)
        if self.is_principle(code):
            return (
                f"# Memo: {entry.label}\n\n"
                f"Hvad har understøttet og udfordret princippet: {entry.statement or entry.name}\n\n"
                f"## {SUPPORTING}\n\n"
                f"## {CHALLENGING}\n"
            )
        return (
            f"# Memo: {entry.label}\n\n"
            f"Analytiske noter om {self.codebook.group_of(code).name.lower()}: {entry.name}.\n\n"
            f"## {ANALYSIS}\n"
        )

    def read(self, code: str | None = None, doc_id: str | None = None) -> str:
        """The memo's text, or the template when no memo has been written yet."""
        path = self.path(code=code, doc_id=doc_id)
        if not path.exists():
            return self.template(code=code, doc_id=doc_id)
        return read_text(path)

    def write(self, text: str, code: str | None = None, doc_id: str | None = None) -> Path:
        """Save a memo atomically; a principle memo must keep both of its headings."""
        path = self.path(code=code, doc_id=doc_id)
        if code is not None and self.is_principle(code):
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
