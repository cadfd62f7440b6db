"""The coding store: what each coder did, as an append-only log per coder.

`codings/<coder>.jsonl` holds one event per line (add, update, remove). Nothing is rewritten in
place: the current codings are the replay of the log, and the log is the full history of who
coded, changed or removed what, and when. Appends are locked and fsynced (fsio.append_line), so
two processes coding at once lose nothing, and a crash mid-write can only tear the last line,
which readers skip. Each coding stores a hash of the text it covers: if the transcript is edited
afterwards, the coding is reported as stale, never moved.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.io.files import append_line
from workbench.material.codebook import VALENCES, Codebook
from workbench.material.corpus import Corpus, Document, Segment, text_hash

CODER_NAME = re.compile(r"^[A-Za-zÆØÅæøå0-9][A-Za-zÆØÅæøå0-9_.-]{0,39}$")
CHANGEABLE = ("code", "valence", "memo", "quote")


@dataclass(frozen=True)
class Coding:
    id: str
    coder: str
    doc_id: str
    segment_id: str | None
    start: int
    end: int
    code: str
    valence: str
    text_hash: str
    memo: str = ""
    quote: bool = False
    created: str = ""
    updated: str = ""


@dataclass(frozen=True)
class CodingEvent:
    action: str  # add | update | remove
    coding_id: str
    coder: str
    at: str
    fields: dict = field(default_factory=dict)


@dataclass(frozen=True)
class StaleCoding:
    coding: Coding
    reason: str  # Danish, for the user


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


def check_coder(name: str) -> str:
    if not CODER_NAME.match(name or ""):
        raise WorkbenchError(
            f"Kodernavnet '{name}' kan ikke bruges. Brug initialer eller et pseudonym med bogstaver, tal, '-' eller "
            "'_'."
        )
    return name


class _CoderLog:
    """One coder's log, replayed incrementally: only lines appended since the last read are parsed."""

    def __init__(self, path: Path, coder: str):
        self.path = path
        self.coder = coder
        self.offset = 0
        self.state: dict[str, Coding] = {}
        self.events: list[CodingEvent] = []
        self.skipped: list[int] = []  # line numbers of torn or unreadable lines
        self._lines_read = 0

    def refresh(self) -> None:
        try:
            size = os.path.getsize(self.path)
        except FileNotFoundError:
            return
        if size < self.offset:  # the file was replaced (e.g. restored from backup): start over
            self.__init__(self.path, self.coder)  # type: ignore[misc]  # a fresh replay of the same log
        if size == self.offset:
            return
        with open(self.path, "rb") as handle:
            handle.seek(self.offset)
            chunk = handle.read(size - self.offset)
        # only whole lines; a torn tail without newline stays unread until it is terminated
        end = chunk.rfind(b"\n") + 1
        line_number = self._lines_read
        for raw in chunk[:end].split(b"\n")[:-1]:
            line_number += 1
            self._apply_raw(raw, line_number)
        self._lines_read = line_number
        self.offset += end

    def _apply_raw(self, raw: bytes, line_number: int) -> None:
        if not raw.strip():
            return
        try:
            record = json.loads(raw)
            event = CodingEvent(record["action"], record["id"], self.coder, record["at"], record.get("fields", {}))
            self.apply(event)
        except (ValueError, KeyError, TypeError, AttributeError):
            # torn by a crash, or valid JSON that is not a coding event (hand-edited): skip, never crash the reader
            self.skipped.append(line_number)

    def apply(self, event: CodingEvent) -> None:
        if event.action == "add":
            self.state[event.coding_id] = Coding(
                id=event.coding_id, coder=self.coder, created=event.at, updated=event.at, **event.fields
            )
        elif event.action == "update" and event.coding_id in self.state:
            self.state[event.coding_id] = replace(self.state[event.coding_id], updated=event.at, **event.fields)
        elif event.action == "remove":
            self.state.pop(event.coding_id, None)
        self.events.append(event)  # only after the event applied cleanly


class CodingStore:
    def __init__(self, folder: Path, codebook: Codebook | None = None):
        self.folder = Path(folder)
        self.codebook = codebook
        self._logs: dict[str, _CoderLog] = {}

    def path_for(self, coder: str) -> Path:
        return self.folder / f"{check_coder(coder)}.jsonl"

    def _log(self, coder: str) -> _CoderLog:
        if coder not in self._logs:
            self._logs[coder] = _CoderLog(self.path_for(coder), coder)
        log = self._logs[coder]
        log.refresh()
        return log

    def coders(self) -> list[str]:
        if not self.folder.exists():
            return []
        return sorted(p.stem for p in self.folder.glob("*.jsonl") if CODER_NAME.match(p.stem))

    def _write(self, coder: str, action: str, coding_id: str, fields: dict) -> CodingEvent:
        event = CodingEvent(action, coding_id, coder, now(), fields)
        record = {"action": action, "id": coding_id, "at": event.at, "fields": fields}
        log = self._log(coder)
        append_line(log.path, json.dumps(record, ensure_ascii=False, separators=(",", ":")))
        log.refresh()  # picks up our line and any a concurrent writer appended before it
        return event

    def _check(self, code: str | None = None, valence: str | None = None) -> None:
        if code is not None and self.codebook is not None and not self.codebook.has_code(code):
            raise WorkbenchError(f"Koden '{code}' findes ikke i kodebogen.")
        if valence is not None and valence not in VALENCES:
            raise WorkbenchError(f"Valensen '{valence}' er ukendt; brug {', '.join(VALENCES)}.")

    def add(
        self,
        coder: str,
        document: Document,
        code: str,
        valence: str = "neutral",
        *,
        segment: Segment | None = None,
        span: tuple[int, int] | None = None,
        memo: str = "",
        quote: bool = False,
    ) -> Coding:
        """Code a whole segment, or a character span of the document body."""
        self._check(code, valence)
        segment_id: str | None
        if segment is not None:
            start, end, segment_id = segment.start, segment.end, segment.id
        elif span is not None:
            start, end = span
            if not 0 <= start < end <= len(document.body):
                raise WorkbenchError(f"Tekststykket {start}-{end} ligger uden for dokumentet {document.id}.")
            segment_id = next((s.id for s in document.segments if s.start <= start and end <= s.end), None)
        else:
            raise ValueError("give a segment or a span")
        fields = {
            "doc_id": document.id, "segment_id": segment_id, "start": start, "end": end, "code": code,
            "valence": valence, "memo": memo, "quote": bool(quote), "text_hash": text_hash(document.body[start:end]),
        }
        coding_id = uuid.uuid4().hex[:12]
        self._write(check_coder(coder), "add", coding_id, fields)
        return self._log(coder).state[coding_id]

    def update(self, coder: str, coding_id: str, **changes) -> Coding:
        unknown = set(changes) - set(CHANGEABLE)
        if unknown:
            raise ValueError(f"cannot change {unknown}")
        self._check(changes.get("code"), changes.get("valence"))
        if coding_id not in self._log(coder).state:
            raise WorkbenchError(f"Kodningen {coding_id} findes ikke hos koderen {coder}.")
        if "quote" in changes:
            changes["quote"] = bool(changes["quote"])
        self._write(coder, "update", coding_id, changes)
        return self._log(coder).state[coding_id]

    def remove(self, coder: str, coding_id: str) -> None:
        if coding_id not in self._log(coder).state:
            raise WorkbenchError(f"Kodningen {coding_id} findes ikke hos koderen {coder}.")
        self._write(coder, "remove", coding_id, {})

    def codings(self, coder: str | None = None) -> list[Coding]:
        coders = [coder] if coder else self.coders()
        return [c for name in coders for c in self._log(name).state.values()]

    def history(self, coder: str | None = None) -> list[CodingEvent]:
        coders = [coder] if coder else self.coders()
        events = [e for name in coders for e in self._log(name).events]
        return sorted(events, key=lambda e: e.at)

    def unreadable_lines(self, coder: str) -> list[int]:
        return list(self._log(coder).skipped)

    def stale(self, corpus: Corpus, coder: str | None = None) -> list[StaleCoding]:
        documents = {d.id: d for d in corpus.documents}  # Corpus.get is a linear search
        found = []
        for coding in self.codings(coder):
            reason = _staleness(coding, documents.get(coding.doc_id))
            if reason:
                found.append(StaleCoding(coding, reason))
        return found

    def current(self, corpus: Corpus, coder: str | None = None) -> list[Coding]:
        """Codings that can be analysed: on included documents, with their text unchanged."""
        documents = {d.id: d for d in corpus.documents}
        return [
            c for c in self.codings(coder)
            if _staleness(c, documents.get(c.doc_id)) is None and documents[c.doc_id].included
        ]


def staleness(coding: Coding, corpus: Corpus) -> str | None:
    return _staleness(coding, corpus.get(coding.doc_id))


def _staleness(coding: Coding, document: Document | None) -> str | None:
    if document is None:
        return f"dokumentet {coding.doc_id} findes ikke længere"
    if coding.end > len(document.body) or text_hash(document.body[coding.start : coding.end]) != coding.text_hash:
        where = coding.segment_id or f"{coding.start}-{coding.end}"
        return f"teksten i {coding.doc_id} ({where}) er ændret efter kodningen"
    return None
