"""The anonymity guard applied to a whole project and to everything that leaves it.

`check-anonymity` scans transcripts, memos and every other free text the project holds. What
leaves the project is checked by the export gate (privacy/gate.py) with the two checks here:
`scan_texts` (possible personal data) and `withdrawn_findings` (text repeating a document whose
consent was withdrawn).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from workbench.anonymity import KIND_LABELS, find_personal_data
from workbench.io.text import has_suffix
from workbench.io.text import read_text as read_user_text
from workbench.io.yaml import parse_yaml
from workbench.project import Project
from workbench.selfeval.texts import free_texts


@dataclass(frozen=True)
class TextSource:
    path: str          # shown to the user, relative to the project
    text: str
    first_line: int = 1  # file line on which `text` starts
    kind: str = ""  # what kind of text it is (privacy.sources: dokumenttekst, kodningsmemo, ...)


@dataclass(frozen=True)
class ProjectFinding:
    path: str
    line: int
    kind: str
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {KIND_LABELS[self.kind]}: {self.text}"

    def as_dict(self) -> dict:
        return {
            "file": self.path,
            "line": self.line,
            "kind": self.kind,
            "label": KIND_LABELS[self.kind],
            "text": self.text,
        }


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
        for path in sorted(p for p in project.memos_dir.rglob("*") if has_suffix(p, ".md") and p.is_file()):
            yield TextSource(project.relative(path), read_user_text(path))


def _coding_memos(project: Project) -> Iterator[TextSource]:
    """Coders' memos, found on the log line that wrote them (history included: a removed memo still sits on disk)."""
    if not project.codings_dir.exists():
        return
    for path in sorted(project.codings_dir.glob("*.jsonl")):
        with open(path, encoding="utf-8", errors="replace") as handle:
            for number, line in enumerate(handle, start=1):
                try:
                    record = json.loads(line)
                    events = record.get("events") if record.get("action") == "batch" else [record]  # an import batch
                    memos = [event.get("fields", {}).get("memo") for event in events]
                except (ValueError, AttributeError, TypeError):
                    continue
                for memo in memos:
                    if isinstance(memo, str) and memo.strip():
                        yield TextSource(project.relative(path), memo, number)


def _selfeval_texts(project: Project) -> Iterator[TextSource]:
    for text in free_texts(project):
        yield TextSource(project.relative(text.path), text.text, text.line)


# Every place the project keeps free text that a person wrote.
def _assessment_texts(project: Project) -> Iterator[TextSource]:
    """The assessors' rationales and revised wordings, each from the line it starts on in its file."""
    folder = project.root / "assessments"
    if not folder.exists():
        return
    for path in sorted(p for p in folder.rglob("*") if has_suffix(p, ".yaml", ".yml") and p.is_file()):
        doc = parse_yaml(read_user_text(path), path)
        for keys, text in _strings(doc.data, ()):
            if keys and keys[-1] in ("rationale", "statement"):
                yield TextSource(project.relative(path), text, doc.line_of(keys) or 1)


def _strings(data: object, keys: tuple) -> Iterator[tuple[tuple, str]]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, (*keys, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _strings(value, (*keys, index))
    elif isinstance(data, str):
        yield keys, data


TEXT_COLLECTORS: list[Callable[[Project], Iterable[TextSource]]] = [
    _transcripts,
    _memos,
    _coding_memos,
    _selfeval_texts,
    _assessment_texts,
]


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
            findings.append(
                ProjectFinding(source.path, source.first_line + finding.line - 1, finding.kind, finding.text)
            )
    return findings


def scan_project(project: Project) -> list[ProjectFinding]:
    anonymity = project.codebook.anonymity
    return scan_texts(project_text_sources(project), anonymity.allowed_terms, anonymity.local_places)


_SHINGLE = 8  # words: long enough that a shared run of words means copied text, not common phrasing
_WORD = re.compile(r"\S+")
_PUNCTUATION = ".,;:!?»«\"'()[]–-"


def _words(text: str) -> list[tuple[str, int]]:
    """(word in lower case without surrounding punctuation, its offset) for every word."""
    found = []
    for match in _WORD.finditer(text):
        word = match.group().strip(_PUNCTUATION).lower()
        if word:
            found.append((word, match.start()))
    return found


def shingles(text: str) -> set[tuple[str, ...]]:
    words = [w for w, _ in _words(text)]
    return {tuple(words[i : i + _SHINGLE]) for i in range(len(words) - _SHINGLE + 1)}


@dataclass(frozen=True)
class WithdrawnFinding:
    """A text that repeats a run of words from a withdrawn document (or names it)."""

    path: str
    line: int
    doc_id: str
    text: str  # the repeated words, or the id

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: gengiver tekst fra {self.doc_id}: {self.text}"


_COPY_SHARE = 0.3  # a document repeating this share of a withdrawn one's 8-word runs is a copy of it


@dataclass
class _WithdrawnMaterial:
    """What of the withdrawn documents must not leave: their own runs of words, and consented copies of them."""

    ids: re.Pattern
    owner: dict[tuple[str, ...], str]  # 8-word run found only in a withdrawn document → its id
    copies: dict[str, str]  # project path of a consented document that substantially repeats one → its id


def withdrawn_material(project: Project) -> _WithdrawnMaterial | None:
    """The withdrawn documents' material, worked out once for one check (None: nothing is withdrawn)."""
    withdrawn = {d.id: shingles(d.body) for d in project.corpus.withdrawn}
    if not withdrawn:
        return None
    every = set().union(*withdrawn.values())
    common: set[tuple[str, ...]] = set()  # runs a consented document has too: shared phrasing, not the person's
    copies: dict[str, str] = {}
    for document in project.corpus.included:
        words = [w for w, _ in _words(document.body)]
        shared = {run for i in range(len(words) - _SHINGLE + 1) if (run := tuple(words[i : i + _SHINGLE])) in every}
        copied = next((doc_id for doc_id, theirs in withdrawn.items()
                       if theirs and len(shared & theirs) >= _COPY_SHARE * len(theirs)), None)
        if copied:  # the withdrawn text imported again under another name: it is still withdrawn
            copies[project.relative(document.path)] = copied
        else:
            common |= shared
    owner = {run: doc_id for doc_id, theirs in withdrawn.items() for run in theirs if run not in common}
    ids = re.compile(r"(?<![\w-])(" + "|".join(re.escape(i) for i in sorted(withdrawn)) + r")(?![\w-])")
    return _WithdrawnMaterial(ids, owner, copies)


def withdrawn_findings(project: Project, sources: Iterable[TextSource],
                       material: _WithdrawnMaterial | None = None) -> list[WithdrawnFinding]:
    """Every text that repeats a withdrawn document: 8 words in a row that only the withdrawn document has,
    its id, or any part of a consented document that is a copy of it. One finding per text and document.

    Runs of words that a consented document shares with a withdrawn one (an interviewer's standard
    question) are ordinary phrasing and no finding; a consented document that repeats at least 30 %
    of a withdrawn one is the withdrawn material again.
    """
    material = material or withdrawn_material(project)
    if material is None:
        return []
    hits = []
    for source in sources:
        if source.path in material.copies:
            doc_id = material.copies[source.path]
            excerpt = " ".join(source.text.split()[:_SHINGLE])
            hits.append(WithdrawnFinding(source.path, source.first_line, doc_id, f"dokumentet er en kopi: {excerpt}"))
            continue
        words = _words(source.text)
        seen: set[str] = set()
        for i in range(len(words) - _SHINGLE + 1):
            shingle = tuple(w for w, _ in words[i : i + _SHINGLE])
            owner = material.owner.get(shingle)
            if owner is not None and owner not in seen:
                seen.add(owner)
                line = source.first_line + source.text.count("\n", 0, words[i][1])
                hits.append(WithdrawnFinding(source.path, line, owner, " ".join(shingle)))
        for match in material.ids.finditer(source.text):
            line = source.first_line + source.text.count("\n", 0, match.start())
            hits.append(WithdrawnFinding(source.path, line, match.group(1), match.group(1)))
    return hits
