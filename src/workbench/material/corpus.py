"""Transcripts and observations: front matter, speaker turns and segments.

A document is `interviews_anonymised/<id>.md`: YAML front matter, then the body text. The body
is split into segments (speaker turns or paragraphs; long ones into whole sentences with spaCy)
whose ids and character offsets are deterministic, so codings can point at them. Each segment
carries a hash of its text so that codings on text that later changed are found, not moved.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Literal, NamedTuple

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from workbench.errors import WorkbenchError
from workbench.io.text import has_suffix
from workbench.io.yaml import Dumper, YamlDocument, parse_yaml, read_text, validate
from workbench.lang.nlp import sentence_spans
from workbench.material.codebook import Codebook

DOCUMENT_DIR = "interviews_anonymised"
DOC_ID = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"
# A speaker label: a short capitalised label and a colon at the start of a line ("I:", "Mor:", "Interviewer:").
SPEAKER = re.compile(r"^(?P<label>[A-ZÆØÅ][A-Za-zÆØÅæøåé.\-]{0,19}(?: [A-Za-zÆØÅæøå.\-]{1,12})?):[ \t]*")
LONG_UNIT_CHARS = 600   # longer turns are split into sentences ...
SEGMENT_TARGET_CHARS = 350  # ... grouped into segments of about this size

DocumentType = Literal["interview", "observation", "focus_group", "selfeval"]
TYPE_LABELS = {
    "interview": "Interview",
    "observation": "Observation",
    "focus_group": "Fokusgruppe",
    "selfeval": "Selvevaluering",
}


class Metadata(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=DOC_ID)
    type: DocumentType
    group: str
    role: str = Field(min_length=1)
    unit: str | None = None
    date: dt.date
    consent: Literal["given", "withdrawn"]  # required: a document states its consent, none is assumed

    @field_validator("group")
    @classmethod
    def _known_group(cls, value: str, info: ValidationInfo) -> str:
        codebook: Codebook | None = (info.context or {}).get("codebook")
        if codebook is not None and value not in codebook.respondent_group_keys:
            raise ValueError(
                f"ukendt respondentgruppe '{value}'; brug en af: {', '.join(codebook.respondent_group_keys)}"
            )
        return value


@dataclass(frozen=True, slots=True, repr=False, eq=False)
class Segment:
    """A segment of a document: its id and character offsets. Its text is read from the document's body, which
    it shares (a season's transcripts held twice, once as bodies and once as segments, is a few hundred MB)."""

    doc_id: str
    id: str
    start: int  # character offsets into Document.body
    end: int
    speaker: str | None
    body: str  # the whole document body (the same string object as Document.body)

    @property
    def text(self) -> str:
        return self.body[self.start : self.end]

    @property
    def hash(self) -> str:
        return text_hash(self.text)

    def _key(self) -> tuple:
        return (self.doc_id, self.id, self.start, self.end, self.speaker, self.text)

    def __eq__(self, other: object) -> bool:  # as when a segment held its text: the same text, not the same body
        return isinstance(other, Segment) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return (f"Segment(doc_id={self.doc_id!r}, id={self.id!r}, start={self.start!r}, end={self.end!r}, "
                f"speaker={self.speaker!r}, text={self.text!r})")


def text_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


@dataclass
class Document:
    meta: Metadata
    body: str
    path: Path
    body_line: int  # file line on which the body starts
    _segments: list[Segment] | None = field(default=None, repr=False, compare=False)  # made from the body

    @property
    def id(self) -> str:
        return self.meta.id

    @property
    def included(self) -> bool:
        """Withdrawn consent takes a document out of every analysis and output."""
        return self.meta.consent == "given"

    @property
    def segments(self) -> list[Segment]:
        if self._segments is None:
            self._segments = segment_body(self.id, self.body, self.meta.type)
        return self._segments

    def __getstate__(self) -> dict:
        # Segments do not travel between processes; they are made again from the body if asked for. An import's
        # workers send a season's transcripts back, and its command only counts their segments (the workers
        # count them): sending them, even as offsets, took most of the time the import's main process spent.
        state = {k: v for k, v in self.__dict__.items() if k not in ("segment_index", "_words")}
        state["_segments"] = None
        return state

    @cached_property
    def segment_index(self) -> dict[str, Segment]:
        return {s.id: s for s in self.segments}

    def segment(self, segment_id: str) -> Segment | None:
        return self.segment_index.get(segment_id)

    def line_of(self, offset: int) -> int:
        """File line of a character offset in the body (for error and finding reports)."""
        return self.body_line + self.body.count("\n", 0, offset)

    @property
    def word_count(self) -> int:
        # counted once per body: a chapter's tables ask for every document's count in many cells
        counted = self.__dict__.get("_words")
        if counted is None or counted[0] is not self.body:
            counted = self.__dict__["_words"] = (self.body, len(self.body.split()))
        return counted[1]


def split_front_matter(text: str, path: Path) -> tuple[str, str, int]:
    """(front matter YAML, body, line where the body starts)."""
    if not text.startswith("---\n") and text.strip() != "---":
        raise WorkbenchError(
            "Filen mangler metadata øverst. Den skal begynde med en linje '---', felterne id, type, group, role, "
            "date og consent, og en linje '---'.",
            path,
            1,
        )
    # line by line from the top: the body, most of the text, is not split into lines
    first = end = text.find("\n")
    number = 1  # of the line after end, counted from 0
    while end >= 0:
        start, end = end + 1, text.find("\n", end + 1)
        if (text[start:] if end < 0 else text[start:end]).rstrip() == "---":
            return text[first + 1 : start - 1], "" if end < 0 else text[end + 1 :], number + 2
        number += 1
    raise WorkbenchError("Metadata øverst i filen er ikke afsluttet med en linje '---'.", path, 1)


def parse_document(text: str, path: Path, codebook: Codebook | None = None, expected_id: str | None = None) -> Document:
    front, body, body_line = split_front_matter(text, path)
    doc: YamlDocument = parse_yaml(front, path, first_line=2)
    if not isinstance(doc.data, dict):
        raise WorkbenchError("Metadata øverst i filen skal være felter som 'id: INT-RAD-03'.", path, 2)
    if "consent" not in doc.data:  # never assumed: a forgotten line must not count as consent
        raise WorkbenchError(
            "Metadata mangler feltet 'consent'. Skriv 'consent: given', hvis deltageren har givet samtykke, "
            "eller 'consent: withdrawn', hvis samtykket er trukket tilbage.",
            path,
            body_line - 1,
        )
    meta = validate(Metadata, doc, context={"codebook": codebook})
    if expected_id is not None and meta.id != expected_id:
        raise WorkbenchError(
            f"id '{meta.id}' skal være lig med filnavnet '{expected_id}'. Ret id eller omdøb filen.",
            path,
            doc.line_of(("id",)),
        )
    if not body.strip():
        raise WorkbenchError("Dokumentet har ingen tekst efter metadata.", path, body_line)
    return Document(meta=meta, body=body, path=path, body_line=body_line)


def front_matter(fields: dict) -> str:
    """Metadata fields as the YAML between the two '---' lines, in the order given."""
    return yaml.dump(fields, Dumper=Dumper, allow_unicode=True, sort_keys=False, default_flow_style=False)


def document_header(meta: Metadata) -> str:
    """The lines of a document file before its body: front matter in the field order of Metadata."""
    return f"---\n{front_matter({k: v for k, v in meta.model_dump().items() if v is not None})}---\n"


def document_text(meta: Metadata, body: str) -> str:
    """The file text of a document: its header, then the body."""
    return document_header(meta) + body


def load_document(path: Path, codebook: Codebook | None = None) -> Document:
    text = read_text(path)
    if not text.strip():
        raise WorkbenchError("Filen er tom.", path)
    return parse_document(text, path, codebook, expected_id=path.stem)


class _Unit(NamedTuple):  # a tuple: a transcript has hundreds, made faster than a frozen dataclass
    start: int
    end: int
    speaker: str | None


def _units(body: str, doc_type: str) -> list[_Unit]:
    """Speaker turns (interviews) or paragraphs.

    A turn runs until the next label or blank-line paragraph without one.
    """
    units: list[_Unit] = []
    use_speakers = doc_type != "observation"
    offset = 0
    current: list[int] | None = None  # [start, end]
    speaker: str | None = None
    in_turn = False

    def close() -> None:
        nonlocal current
        if current is not None and current[1] > current[0]:
            start, end = current
            while end > start and body[end - 1].isspace():  # so that offsets cover exactly the text
                end -= 1
            units.append(_Unit(start, end, speaker))
        current = None

    for line in body.split("\n"):
        line_start, line_end = offset, offset + len(line)
        offset = line_end + 1
        stripped = line.strip()
        match = SPEAKER.match(line) if use_speakers else None
        if match and stripped[len(match.group(0).strip()):].strip():
            close()
            speaker = match.group("label")
            in_turn = True
            current = [line_start + match.end(), line_end]
            continue
        if not stripped:
            if not in_turn:
                close()
            continue
        if current is None:
            if not in_turn:
                speaker = None
            current = [line_start + (len(line) - len(line.lstrip())), line_end]
        else:
            current[1] = line_end
    close()
    return units


_OPENING = "[(“„«\"'"


def _sentence_bounds(text: str) -> list[tuple[int, int]]:
    """Sentence spans; an opening bracket or quote the sentencizer left at a sentence end moves to the next."""
    bounds = [[start, end] for start, end in sentence_spans(text)]
    for current, following in zip(bounds, bounds[1:]):
        cut = current[1]
        while cut > current[0] and (text[cut - 1] in _OPENING or text[cut - 1].isspace()):
            cut -= 1
        if cut < current[1] and text[cut:current[1]].strip():
            following[0] = cut + len(text[cut:current[1]]) - len(text[cut:current[1]].lstrip())
            current[1] = cut
    return [(a, b) for a, b in bounds if b > a]


def segment_body(doc_id: str, body: str, doc_type: str) -> list[Segment]:
    segments: list[Segment] = []
    speakers: dict[str, str] = {}  # each speaker label once, not once per turn
    for number, (unit_start, unit_end, speaker) in enumerate(_units(body, doc_type), start=1):
        base = f"S{number:03d}"
        speaker = speaker if speaker is None else speakers.setdefault(speaker, speaker)
        if unit_end - unit_start <= LONG_UNIT_CHARS:
            segments.append(Segment(doc_id, base, unit_start, unit_end, speaker, body))
            continue
        pieces = _group_sentences(body[unit_start:unit_end])
        for part, (start, end) in enumerate(pieces, start=1):
            segments.append(Segment(doc_id, f"{base}.{part}", unit_start + start, unit_start + end, speaker, body))
    return segments


def _group_sentences(text: str) -> list[tuple[int, int]]:
    groups: list[tuple[int, int]] = []
    for start, end in _sentence_bounds(text):
        while end > start and text[end - 1].isspace():
            end -= 1
        if end <= start:
            continue
        if groups and (end - groups[-1][0] <= SEGMENT_TARGET_CHARS or start - groups[-1][0] < 60):
            groups[-1] = (groups[-1][0], end)
        else:
            groups.append((start, end))
    return groups


@dataclass
class Corpus:
    documents: list[Document]

    def __post_init__(self) -> None:
        self._by_id = {d.id: d for d in self.documents}

    @property
    def included(self) -> list[Document]:
        return [d for d in self.documents if d.included]

    @property
    def withdrawn(self) -> list[Document]:
        return [d for d in self.documents if not d.included]

    def get(self, doc_id: str) -> Document | None:
        return self._by_id.get(doc_id)

    def __getitem__(self, doc_id: str) -> Document:
        """A document known to be in the corpus (KeyError otherwise)."""
        return self._by_id[doc_id]

    def __iter__(self):
        return iter(self.documents)

    def __len__(self) -> int:
        return len(self.documents)


def document_paths(folder: Path) -> list[Path]:
    """The transcripts: every '.md' file, whatever the case of its suffix ('.MD' from Windows tools)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if has_suffix(p, ".md") and p.is_file() and not p.name.startswith("."))


def load_corpus(folder: Path, codebook: Codebook | None = None, paths: Iterable[Path] | None = None) -> Corpus:
    documents = [load_document(p, codebook) for p in (paths if paths is not None else document_paths(folder))]
    seen: dict[str, Path] = {}
    for document in documents:
        if document.id in seen:
            raise WorkbenchError(
                f"id '{document.id}' bruges også i {seen[document.id].name}. Hvert dokument skal have sit eget id.",
                document.path,
                2,
            )
        seen[document.id] = document.path
    return Corpus(documents)
