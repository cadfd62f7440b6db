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

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.io.files import atomic_write_text, locked
from workbench.io.text import read_text
from workbench.material.codebook import Codebook
from workbench.material.corpus import Corpus, Document

CODE_DIR = "koder"
DOCUMENT_DIR = "dokumenter"
CONFLICTS_DIR = ".konflikter"  # a memo saved over a colleague's newer text is kept here instead
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
        if code is not None and doc_id is None:
            self.codebook.code(code)  # raises the Danish error for an unknown code
            return self.folder / CODE_DIR / f"{code}.md"
        if doc_id is not None and code is None:
            self._document(doc_id)
            return self.folder / DOCUMENT_DIR / f"{doc_id}.md"
        raise ValueError("give exactly one of code and doc_id")

    def _document(self, doc_id: str) -> Document:
        document = self._corpus().get(doc_id)
        if document is None:
            raise WorkbenchError(
                f"Dokumentet '{doc_id}' findes ikke i projektet, så der kan ikke skrives et memo om det.",
                self.documents_dir,
            )
        return document

    def is_principle(self, code: str) -> bool:
        return self.codebook.group_of(code).kind == "principle"

    def template(self, code: str | None = None, doc_id: str | None = None) -> str:
        """The text a new memo starts from."""
        self.path(code=code, doc_id=doc_id)
        if doc_id is not None:
            document = self._document(doc_id)
            return (
                f"# Memo: {doc_id}\n\n"
                f"Analytiske noter om dokumentet ({document.meta.type}, {document.meta.group}).\n\n"
                f"## {ANALYSIS}\n"
            )
        assert code is not None  # path() has checked that exactly one is given
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

    def write(self, text: str, code: str | None = None, doc_id: str | None = None, *, base: str | None = None,
              author: str = "") -> Path:
        """Save a memo atomically; a principle memo must keep both of its headings.

        `base` is the text the writer started from (what `read` gave them). If someone else saved the memo
        since, nothing is overwritten: the new text is kept beside it in `.konflikter/` and a Danish error
        names both, so two evaluators editing one memo never lose each other's work silently.
        """
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
        text = text.replace("\r\n", "\n").replace("\r", "\n").rstrip("\n") + "\n"
        with locked(path):
            if base is not None:
                current = self.read(code=code, doc_id=doc_id)
                if current.rstrip("\n") != base.replace("\r\n", "\n").rstrip("\n") and current != text:
                    kept = self._keep_conflict(path, text, author)
                    raise WorkbenchError(
                        f"Memoet er ændret af en anden, siden du åbnede det, så din tekst har ikke overskrevet "
                        f"den. Din tekst er gemt i {kept.relative_to(self.folder.parent)}; åbn memoet igen, flet "
                        "de to tekster og gem.",
                        path,
                    )
            atomic_write_text(path, text)
        return path

    def _keep_conflict(self, path: Path, text: str, author: str) -> Path:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        who = f"-{author}" if author else ""
        kept = self.folder / CONFLICTS_DIR / f"{path.stem}{who}-{stamp}.md"
        atomic_write_text(kept, text)
        return kept


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
