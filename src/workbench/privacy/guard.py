"""The anonymity guard applied to a whole project and to everything that leaves it.

`check-anonymity` scans transcripts, memos and every other free text the project holds; exports
call `ensure_clean` on the texts they are about to write and are refused if anything is found.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

from workbench.anonymity import KIND_LABELS, find_personal_data
from workbench.errors import WorkbenchError
from workbench.project import Project


@dataclass(frozen=True)
class TextSource:
    path: str          # shown to the user, relative to the project
    text: str
    first_line: int = 1  # file line on which `text` starts


@dataclass(frozen=True)
class ProjectFinding:
    path: str
    line: int
    kind: str
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {KIND_LABELS[self.kind]}: {self.text}"

    def as_dict(self) -> dict:
        return {"file": self.path, "line": self.line, "kind": self.kind, "label": KIND_LABELS[self.kind], "text": self.text}


def _transcripts(project: Project) -> Iterator[TextSource]:
    for document in project.corpus.documents:
        path = project.relative(document.path)
        yield TextSource(path, document.body, document.body_line)
        for field in ("role", "unit"):
            value = getattr(document.meta, field)
            if value:
                yield TextSource(path, str(value), 2)


def _memos(project: Project) -> Iterator[TextSource]:
    if project.memos_dir.exists():
        for path in sorted(project.memos_dir.rglob("*.md")):
            yield TextSource(project.relative(path), path.read_text(encoding="utf-8"))


def _coding_memos(project: Project) -> Iterator[TextSource]:
    """Coders' memos, found on the log line that wrote them (history included: a removed memo still sits on disk)."""
    if not project.codings_dir.exists():
        return
    for path in sorted(project.codings_dir.glob("*.jsonl")):
        with open(path, encoding="utf-8", errors="replace") as handle:
            for number, line in enumerate(handle, start=1):
                try:
                    memo = json.loads(line).get("fields", {}).get("memo")
                except (ValueError, AttributeError):
                    continue
                if isinstance(memo, str) and memo.strip():
                    yield TextSource(project.relative(path), memo, number)


def _selfeval_texts(project: Project) -> Iterator[TextSource]:
    from workbench.selfeval.answers import text_sources

    yield from text_sources(project)


# Every place the project keeps free text that a person wrote.
TEXT_COLLECTORS: list[Callable[[Project], Iterable[TextSource]]] = [_transcripts, _memos, _coding_memos, _selfeval_texts]


def project_text_sources(project: Project) -> Iterator[TextSource]:
    for collect in TEXT_COLLECTORS:
        yield from collect(project)


def scan_texts(
    sources: Iterable[TextSource], allowed: Iterable[str] = (), places: Iterable[str] = ()
) -> list[ProjectFinding]:
    allowed, places = tuple(allowed), tuple(places)
    findings = []
    for source in sources:
        for finding in find_personal_data(source.text, allowed=allowed, places=places):
            findings.append(ProjectFinding(source.path, source.first_line + finding.line - 1, finding.kind, finding.text))
    return findings


def scan_project(project: Project) -> list[ProjectFinding]:
    anonymity = project.codebook.anonymity
    return scan_texts(project_text_sources(project), anonymity.allowed_terms, anonymity.local_places)


_SHINGLE = 8  # words: long enough that a shared run of words means copied text, not common phrasing


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = [w.strip(".,;:!?»«\"'()[]–-").lower() for w in text.split()]
    words = [w for w in words if w]
    return {tuple(words[i : i + _SHINGLE]) for i in range(len(words) - _SHINGLE + 1)}


def ensure_no_withdrawn(project: Project, sources: Iterable[TextSource], what: str) -> None:
    """Refuse an export that repeats text from a document whose consent was withdrawn."""
    withdrawn = {d.id: _shingles(d.body) for d in project.corpus.withdrawn}
    if not withdrawn:
        return
    hits = []
    for source in sources:
        shingles = _shingles(source.text)
        for doc_id, theirs in withdrawn.items():
            if shingles & theirs:
                hits.append(f"{source.path}: gengiver tekst fra {doc_id}")
    if hits:
        raise WorkbenchError(
            f"{what} er ikke lavet, fordi det gengiver materiale fra en person, der har trukket sit samtykke "
            "tilbage. Fjern teksten og prøv igen:\n" + "\n".join(hits)
        )


def ensure_clean(project: Project, sources: Iterable[TextSource], what: str) -> None:
    """Refuse an export whose texts contain possible personal data, listing every finding."""
    anonymity = project.codebook.anonymity
    findings = scan_texts(sources, anonymity.allowed_terms, anonymity.local_places)
    if findings:
        listing = "\n".join(str(f) for f in findings)
        raise WorkbenchError(
            f"{what} er ikke lavet, fordi teksterne indeholder mulige personoplysninger. Ret dem og prøv igen:\n{listing}"
        )
