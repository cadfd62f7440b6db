"""The coding store: what each coder did, as an append-only log per coder.

`codings/<coder>.jsonl` holds one event per line. Coding events: add, update, remove. Decision
events, so that agreement can tell a decision from an unread segment: no_code / undo_no_code
(the coder says no code applies to a segment), document_complete / document_incomplete (the coder
has coded a whole document), and reject_suggestion (a code suggestion the coder turned down).
Nothing is rewritten in place: the current state is the replay of the log, and the log is the
full history of who coded, changed or removed what, and when. Appends are locked and fsynced (fsio.append_line), so
two processes coding at once lose nothing, and a crash mid-write can only tear the last line,
which readers skip. Each coding stores a hash of the text it covers: if the transcript is edited
afterwards, the coding is reported as stale, never moved; new codings also keep a word
fingerprint (`coding.fingerprint`) from which `coding.reanchor` proposes the new place.

The same coder, code and span is one coding: `add` gives back the existing coding when asked
for it again with the same valence, memo, star and question, and refuses (in Danish) when asked
with different ones, so nothing the coder chose is silently dropped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path

from workbench.anonymity.full_name import looks_like_full_name
from workbench.coding.fingerprint import encode_anchor
from workbench.errors import WorkbenchError
from workbench.io.files import append_line, locked, locked_append
from workbench.material.codebook import VALENCES, Codebook
from workbench.material.corpus import Corpus, Document, Segment, text_hash

CODER_NAME = re.compile(r"^[A-Za-zÆØÅæøå0-9][A-Za-zÆØÅæøå0-9_.-]{0,39}$")
# start, end, text_hash, segment_id and anchor change together, when a coding is re-anchored
CHANGEABLE = ("code", "valence", "memo", "quote", "question", "start", "end", "text_hash", "segment_id", "anchor")
SPAN_FIELDS = ("start", "end", "text_hash")
# which evaluation question a principle coding speaks to
# The coder whose codings record resolved disagreements between two coders (written by agreement.resolve);
# where it has coded a document, the chapter counts its codings instead of the primary coder's.
CONSENSUS = "konsensus"
QUESTIONS = ("relevans", "efterlevelse", "resultat")
CODING_ACTIONS = ("add", "update", "remove")
# The first line of a log written by this version; a log without it (older workbench) reads the same.
FORMAT_NAME, FORMAT_VERSION = "workbench-codings", 1
HEADER_LINE = json.dumps({"format": FORMAT_NAME, "version": FORMAT_VERSION}, separators=(",", ":"))
# the fields of a coding whose values repeat from coding to coding (shared when a log is read)
_SHARED_FIELDS = ("doc_id", "segment_id", "code", "valence", "question")
DECISION_ACTIONS = (
    "no_code", "undo_no_code", "document_complete", "document_incomplete", "reject_suggestion", "undo_reject_suggestion"
)


@dataclass(frozen=True, slots=True)  # slots: a season's log holds 100,000s of codings
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
    question: str | None = None  # relevans | efterlevelse | resultat, for principle codings
    anchor: str = ""  # word fingerprint of the covered text (coding.fingerprint); empty on old codings

    @property
    def span_key(self) -> tuple[str, str, int, int]:
        """What makes two codings of one coder the same coding."""
        return (self.doc_id, self.code, self.start, self.end)


@dataclass(frozen=True)
class NoCodeMark:
    """A coder's decision that no code applies to a segment ("ingen kode")."""

    coder: str
    doc_id: str
    segment_id: str
    start: int
    end: int
    text_hash: str
    at: str


@dataclass(frozen=True)
class Rejection:
    """A code suggestion the coder turned down, remembered across sessions."""

    coder: str
    doc_id: str
    segment_id: str
    code: str
    at: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.doc_id, self.segment_id, self.code)


class CodingEvent:
    """One event of a coder's log, as `history` gives it back.

    An add event's fields are the fields of the Coding it made, so the replay keeps them once, in that
    Coding (`CodingEvent.added`), not a second time in a dict per event: read back, they are the same
    values under the same keys in the same order as on the line."""

    __slots__ = ("action", "coding_id", "coder", "at", "by", "_fields", "_added")

    def __init__(self, action: str, coding_id: str, coder: str, at: str, fields: dict | None = None, by: str = ""):
        self.action = action  # add | update | remove, or one of DECISION_ACTIONS
        self.coding_id = coding_id
        self.coder = coder
        self.at = at
        self.by = by  # who wrote the event when it was not the coder (a merge of codes, say)
        self._fields: dict = {} if fields is None else fields
        self._added: tuple[Coding, tuple[str, ...]] | None = None

    @classmethod
    def added(cls, coding: Coding, keys: tuple[str, ...], by: str = "") -> CodingEvent:
        """The add event that made `coding`, whose line held the fields `keys` (in that order)."""
        event = cls("add", coding.id, coding.coder, coding.created, None, by)
        event._added = (coding, keys)
        return event

    @property
    def fields(self) -> dict:
        if self._added is not None:
            coding, keys = self._added
            return {key: getattr(coding, key) for key in keys}
        return self._fields

    def _key(self) -> tuple:
        return (self.action, self.coding_id, self.coder, self.at, self.fields, self.by)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CodingEvent) and self._key() == other._key()

    __hash__ = None  # type: ignore[assignment]  # its fields are a dict

    def __repr__(self) -> str:
        return (f"CodingEvent(action={self.action!r}, coding_id={self.coding_id!r}, coder={self.coder!r}, "
                f"at={self.at!r}, fields={self.fields!r}, by={self.by!r})")


@dataclass(frozen=True)
class NewCoding:
    """One coding of an import batch (`CodingStore.add_batch`)."""

    document: Document
    start: int
    end: int
    code: str
    valence: str = "neutral"
    memo: str = ""
    quote: bool = False
    question: str | None = None


@dataclass
class BatchResult:
    added: list[Coding] = field(default_factory=list)
    present: list[Coding] = field(default_factory=list)  # the log had them already (an earlier or concurrent import)


@dataclass(frozen=True)
class StaleCoding:
    coding: Coding
    reason: str  # Danish, for the user


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


def check_coder(name: str) -> str:
    if looks_like_full_name(name):  # coder names reach every log, file name and export
        raise WorkbenchError(
            f"Kodernavnet '{name}' ligner et fuldt navn. Brug initialer (fx AH) eller et pseudonym, så ingen kan "
            "genkendes."
        )
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
        self.by_span: dict[tuple[str, str, int, int], str] = {}  # Coding.span_key → coding id
        # doc_id → its codings' ids: the coding view asks per document, and a log holds a season's codings
        self.by_doc: dict[str, dict[str, None]] = {}
        self.no_code: dict[tuple[str, str], NoCodeMark] = {}  # (doc_id, segment_id) → mark
        self.complete: dict[str, str] = {}  # doc_id → when it was marked fully coded
        self.rejections: dict[tuple[str, str, str], Rejection] = {}
        self.events: list[CodingEvent] = []
        self.skipped: list[int] = []  # line numbers of torn or unreadable lines
        self._lines_read = 0
        self._shared: dict[str, str] = {}  # one copy of each document id, segment id, code and valence
        self._key_sets: dict[tuple[str, ...], tuple[str, ...]] = {}  # the add events' field names, once each

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
            if isinstance(record, dict) and "format" in record and "action" not in record:
                self._check_header(record, line_number)
                return
            if isinstance(record, dict) and record.get("action") == "batch":
                self._apply_batch(record)
                return
            if record["action"] == "add":  # the usual line, applied without a dict of fields kept per event
                coding = self._coding(record["id"], record["at"], record["fields"])
                self._put(coding)
                self.events.append(CodingEvent.added(coding, self._keys(record["fields"]), record.get("by", "")))
                return
            event = CodingEvent(record["action"], record["id"], self.coder, record["at"], record.get("fields", {}),
                                record.get("by", ""))
            self.apply(event)
        except (ValueError, KeyError, TypeError, AttributeError):
            # torn by a crash, or valid JSON that is not a coding event (hand-edited): skip, never crash the reader
            self.skipped.append(line_number)

    def _check_header(self, record: dict, line_number: int) -> None:
        if record.get("format") != FORMAT_NAME or not isinstance(record.get("version"), int):
            raise ValueError("not a coding log header")
        if record["version"] > FORMAT_VERSION:
            raise WorkbenchError(
                f"Kodningsloggen er skrevet af en nyere version af arbejdsbordet (format {record['version']}). "
                "Opdatér arbejdsbordet for at læse den.",
                self.path,
                line_number,
            )

    def _apply_batch(self, record: dict) -> None:
        """An import batch: one line holding every coding it added, applied whole or (unreadable) not at all."""
        at = record["at"]
        by = record.get("by", "")
        codings = [self._coding(e["id"], at, e["fields"]) for e in record["events"]]
        for coding in codings:
            self._drop(coding.id)  # an id seen before (the same batch twice) is the same coding, not a second one
            self._put(coding)
        self.events += [CodingEvent.added(coding, self._keys(e["fields"]), by)
                        for coding, e in zip(codings, record["events"], strict=True)]

    def _coding(self, coding_id: str, at: str, fields: dict) -> Coding:
        """A coding from an add event's fields, its repeated values (document, segment, code, valence) shared
        with the codings read before it rather than held once per line."""
        shared = self._shared
        for key in _SHARED_FIELDS:
            value = fields.get(key)
            if isinstance(value, str):
                fields[key] = shared.setdefault(value, value)
        return Coding(id=coding_id, coder=self.coder, created=at, updated=at, **fields)

    def _keys(self, fields: dict) -> tuple[str, ...]:
        keys = tuple(fields)
        return self._key_sets.setdefault(keys, keys)

    def apply(self, event: CodingEvent) -> None:
        action, fields = event.action, event.fields
        if action == "add":
            self._put(Coding(id=event.coding_id, coder=self.coder, created=event.at, updated=event.at, **fields))
        elif action == "update" and event.coding_id in self.state:
            old = self.state[event.coding_id]
            self._unindex(old)
            self._put(replace(old, updated=event.at, **fields))  # keeps its place in the order of codings
        elif action == "remove":
            self._drop(event.coding_id)
        elif action == "no_code":
            mark = NoCodeMark(self.coder, fields["doc_id"], fields["segment_id"], int(fields["start"]),
                              int(fields["end"]), fields["text_hash"], event.at)
            self.no_code[(mark.doc_id, mark.segment_id)] = mark
        elif action == "undo_no_code":
            self.no_code.pop((fields["doc_id"], fields["segment_id"]), None)
        elif action == "document_complete":
            self.complete[fields["doc_id"]] = event.at
        elif action == "document_incomplete":
            self.complete.pop(fields["doc_id"], None)
        elif action == "reject_suggestion":
            rejection = Rejection(self.coder, fields["doc_id"], fields["segment_id"], fields["code"], event.at)
            self.rejections[rejection.key] = rejection
        elif action == "undo_reject_suggestion":
            self.rejections.pop((fields["doc_id"], fields["segment_id"], fields["code"]), None)
        # an unknown action (from a newer workbench) is kept in the history and otherwise ignored
        self.events.append(event)  # only after the event applied cleanly

    def _put(self, coding: Coding) -> None:
        self.state[coding.id] = coding
        self.by_span[coding.span_key] = coding.id
        self.by_doc.setdefault(coding.doc_id, {})[coding.id] = None

    def _unindex(self, coding: Coding) -> None:
        if self.by_span.get(coding.span_key) == coding.id:
            del self.by_span[coding.span_key]
        self.by_doc.get(coding.doc_id, {}).pop(coding.id, None)

    def _drop(self, coding_id: str) -> None:
        coding = self.state.pop(coding_id, None)
        if coding is not None:
            self._unindex(coding)

    def in_document(self, doc_id: str) -> list[Coding]:
        return [self.state[i] for i in self.by_doc.get(doc_id, ())]

    def same_span(self, key: tuple[str, str, int, int]) -> Coding | None:
        coding_id = self.by_span.get(key)
        return self.state.get(coding_id) if coding_id else None


class CodingStore:
    def __init__(self, folder: Path, codebook: Codebook | None = None):
        self.folder = Path(folder)
        self.codebook = codebook
        self._logs: dict[str, _CoderLog] = {}
        self._current: dict[str | None, tuple[tuple, list[Coding]]] = {}  # coder → (what it was read from, codings)

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

    def _write(self, coder: str, action: str, coding_id: str, fields: dict, by: str | None = None) -> CodingEvent:
        by = "" if by in (None, coder) else check_coder(by)
        event = CodingEvent(action, coding_id, coder, now(), fields, by)
        record = {"action": action, "id": coding_id, "at": event.at, "fields": fields}
        if by:
            record["by"] = by
        log = self._log(coder)
        append_line(log.path, json.dumps(record, ensure_ascii=False, separators=(",", ":")), header=HEADER_LINE)
        log.refresh()  # picks up our line and any a concurrent writer appended before it
        return event

    def _check(self, code: str | None = None, valence: str | None = None) -> None:
        if code is not None and self.codebook is not None and not self.codebook.has_code(code):
            raise WorkbenchError(f"Koden '{code}' findes ikke i kodebogen.")
        if valence is not None and valence not in VALENCES:
            raise WorkbenchError(f"Valensen '{valence}' er ukendt; brug {', '.join(VALENCES)}.")

    def _check_question(self, code: str, question: str | None) -> None:
        if question is None:
            return
        if question not in QUESTIONS:
            raise WorkbenchError(f"Spørgsmålet '{question}' er ukendt; brug {', '.join(QUESTIONS)}.")
        codebook = self.codebook
        if codebook is not None and codebook.has_code(code) and codebook.group_of(code).kind != "principle":
            raise WorkbenchError(
                f"Koden '{code}' er ikke et princip; kun kodninger af principper kan knyttes til {question}."
            )

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
        question: str | None = None,
        by: str | None = None,
    ) -> Coding:
        """Code a whole segment, or a character span of the document body; `by` is who did it when
        that is not the coder (e.g. a coding given back by undoing another coder's merge of codes).

        Asked again for a coding the coder already has (same code and span), the existing coding
        is returned and nothing is written; asked with another valence, memo, star or question,
        it is refused: change the existing coding instead (`find` tells whether there is one).
        """
        self._check(code, valence)
        self._check_question(code, question)
        segment_id: str | None
        if segment is not None:
            start, end, segment_id = segment.start, segment.end, segment.id
        elif span is not None:
            start, end = span
            if not 0 <= start < end <= len(document.body):
                raise WorkbenchError(f"Tekststykket {start}-{end} ligger uden for dokumentet {document.id}.")
            segment_id = _segment_containing(document, start, end)
        else:
            raise ValueError("give a segment or a span")
        fields = {
            "doc_id": document.id, "segment_id": segment_id, "start": start, "end": end, "code": code,
            "valence": valence, "memo": memo, "quote": bool(quote), "text_hash": text_hash(document.body[start:end]),
            "anchor": encode_anchor(document.body, start, end),
        }
        if question is not None:  # left out otherwise, so the line reads as before
            fields["question"] = question
        # under the log's lock, so two sessions of one coder cannot both add the same coding
        with locked(self.path_for(check_coder(coder))):
            existing = self._log(coder).same_span((document.id, code, start, end))
            if existing is not None:
                if (existing.valence, existing.memo, existing.quote, existing.question) == (
                    valence, memo, bool(quote), question
                ):
                    return existing
                raise WorkbenchError(
                    f"{coder} har allerede kodet {document.id} {start}-{end} med {code} (kodning {existing.id}). "
                    "Ret valens, memo, stjerne eller spørgsmål på den kodning i stedet for at kode igen."
                )
            coding_id = uuid.uuid4().hex[:12]
            self._write(coder, "add", coding_id, fields, by)
        return self._log(coder).state[coding_id]

    def add_batch(self, coder: str, items: list[NewCoding]) -> BatchResult:
        """Add many codings as one record: all of them are in the log, or (killed, disk full) none.

        The check against what the log holds and the append happen under the log's lock, so two
        imports of the same file at once add each coding once. A coding the coder already has with
        the same valence, memo, star and question is counted in `present`; with other values it is
        refused, and nothing is added. Ids come from the coding's content, so a batch replayed twice
        is still one coding each.
        """
        check_coder(coder)
        planned: list[tuple[tuple, dict]] = []
        for item in items:
            self._check(item.code, item.valence)
            self._check_question(item.code, item.question)
            if not 0 <= item.start < item.end <= len(item.document.body):
                raise WorkbenchError(
                    f"Tekststykket {item.start}-{item.end} ligger uden for dokumentet {item.document.id}."
                )
            fields = {
                "doc_id": item.document.id, "segment_id": _segment_containing(item.document, item.start, item.end),
                "start": item.start, "end": item.end, "code": item.code, "valence": item.valence, "memo": item.memo,
                "quote": bool(item.quote), "text_hash": text_hash(item.document.body[item.start:item.end]),
                "anchor": encode_anchor(item.document.body, item.start, item.end),
            }
            if item.question is not None:
                fields["question"] = item.question
            planned.append(((item.document.id, item.code, item.start, item.end), fields))
        result = BatchResult()
        log = self._log(coder)
        with locked_append(log.path, HEADER_LINE) as append:
            log.refresh()  # under the lock: what a concurrent import added is seen here
            events: list[dict] = []
            batch: dict[tuple, dict] = {}
            for key, fields in planned:
                existing = log.same_span(key)
                have = (existing.valence, existing.memo, existing.quote, existing.question) if existing else (
                    _choices(batch[key]) if key in batch else None)
                if have is not None:
                    if have != _choices(fields):
                        raise WorkbenchError(
                            f"{coder} har allerede kodet {key[0]} {key[2]}-{key[3]} med {key[1]}, men med en anden "
                            "valens, memo, stjerne eller et andet spørgsmål. Intet er importeret."
                        )
                    if existing is not None:
                        result.present.append(existing)
                    continue
                batch[key] = fields
                events.append({"id": _content_id(coder, fields), "fields": fields})
            if events:
                record = {"action": "batch", "id": _event_id(), "at": now(), "events": events}
                append(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
        log.refresh()
        result.added = [log.state[e["id"]] for e in events]
        return result

    def find(self, coder: str, doc_id: str, code: str, start: int, end: int) -> Coding | None:
        """The coder's current coding with this code on exactly this span, if there is one."""
        return self._log(coder).same_span((doc_id, code, start, end))

    def update(self, coder: str, coding_id: str, *, by: str | None = None, **changes) -> Coding:
        """Change a coding by a new event. Re-anchoring changes start, end and text_hash together
        (see `reanchor`); the result must not become a second coding of the same code and span.
        `by` names who made the change when it is not the coder (a merge of codes)."""
        unknown = set(changes) - set(CHANGEABLE)
        if unknown:
            raise ValueError(f"cannot change {unknown}")
        if set(SPAN_FIELDS) & set(changes) and not set(SPAN_FIELDS) <= set(changes):
            raise ValueError("start, end and text_hash change together")
        self._check(changes.get("code"), changes.get("valence"))
        log = self._log(coder)
        current = log.state.get(coding_id)
        if current is None:
            raise WorkbenchError(f"Kodningen {coding_id} findes ikke hos koderen {coder}.")
        if "question" in changes or "code" in changes:
            self._check_question(changes.get("code", current.code), changes.get("question", current.question))
        if "start" in changes and not 0 <= changes["start"] < changes["end"]:
            raise WorkbenchError(f"Tekststykket {changes['start']}-{changes['end']} er ugyldigt.")
        if "quote" in changes:
            changes["quote"] = bool(changes["quote"])
        after = replace(current, **changes)
        other = log.same_span(after.span_key)
        if other is not None and other.id != coding_id:
            raise WorkbenchError(
                f"{coder} har allerede en kodning med {after.code} på {after.doc_id} {after.start}-{after.end} "
                f"(kodning {other.id}); fjern den ene i stedet for at få to ens kodninger."
            )
        self._write(coder, "update", coding_id, changes, by)
        return self._log(coder).state[coding_id]

    def reanchor(self, coder: str, coding_id: str, document: Document, start: int, end: int) -> Coding:
        """Move a (stale) coding to body[start:end] of the edited document, by an update event: the
        coder accepted the place (`coding.reanchor.propose` only proposes)."""
        if not 0 <= start < end <= len(document.body):
            raise WorkbenchError(f"Tekststykket {start}-{end} ligger uden for dokumentet {document.id}.")
        return self.update(
            coder, coding_id, start=start, end=end, text_hash=text_hash(document.body[start:end]),
            segment_id=_segment_containing(document, start, end), anchor=encode_anchor(document.body, start, end),
        )

    def remove(self, coder: str, coding_id: str, *, by: str | None = None) -> None:
        if coding_id not in self._log(coder).state:
            raise WorkbenchError(f"Kodningen {coding_id} findes ikke hos koderen {coder}.")
        self._write(coder, "remove", coding_id, {}, by)

    # Decisions: "ingen kode", fully coded documents, rejected suggestions.

    def mark_no_code(self, coder: str, document: Document, segment: Segment) -> NoCodeMark:
        """Record that no code applies to the segment. Refused while the coder has codings on it."""
        log = self._log(check_coder(coder))
        coded = [c for c in log.in_document(document.id) if c.start < segment.end and segment.start < c.end]
        if coded:
            raise WorkbenchError(
                f"Segmentet {segment.id} i {document.id} har allerede {len(coded)} kodning(er) af {coder}; "
                "fjern dem, før det markeres som 'ingen kode'."
            )
        existing = log.no_code.get((document.id, segment.id))
        if existing is None or existing.text_hash != segment.hash:
            fields = {"doc_id": document.id, "segment_id": segment.id, "start": segment.start, "end": segment.end,
                      "text_hash": segment.hash}
            self._write(coder, "no_code", _event_id(), fields)
        return self._log(coder).no_code[(document.id, segment.id)]

    def undo_no_code(self, coder: str, doc_id: str, segment_id: str) -> None:
        if (doc_id, segment_id) not in self._log(coder).no_code:
            raise WorkbenchError(f"Segmentet {segment_id} i {doc_id} er ikke markeret som 'ingen kode' af {coder}.")
        self._write(coder, "undo_no_code", _event_id(), {"doc_id": doc_id, "segment_id": segment_id})

    def no_code_marks(self, coder: str, doc_id: str | None = None) -> list[NoCodeMark]:
        """The coder's "ingen kode" marks (all, or on one document), in segment order. A mark stays
        recorded even if the coder codes the segment later; `no_code_segments` leaves those out."""
        marks = [m for m in self._log(coder).no_code.values() if doc_id is None or m.doc_id == doc_id]
        return sorted(marks, key=lambda m: (m.doc_id, m.start, m.segment_id))

    def no_code_segments(self, coder: str, doc_id: str) -> set[str]:
        """Ids of the segments the coder marked "ingen kode" in the document and has not coded since."""
        return {segment_id for _, segment_id in self._uncoded_marks(coder, doc_id)}

    def no_code_keys(self, coder: str) -> set[tuple[str, str]]:
        """(doc_id, segment_id) of every segment the coder marked "ingen kode" and has not coded since, in one pass."""
        return self._uncoded_marks(coder, None)

    def _uncoded_marks(self, coder: str, doc_id: str | None) -> set[tuple[str, str]]:
        log = self._log(coder)
        return {
            (m.doc_id, m.segment_id) for m in log.no_code.values()
            if (doc_id is None or m.doc_id == doc_id)
            and not any(c.start < m.end and m.start < c.end for c in log.in_document(m.doc_id))
        }

    def mark_complete(self, coder: str, document: Document) -> None:
        """The coder has coded the whole document: every segment without a coding is a decision."""
        if document.id not in self._log(check_coder(coder)).complete:
            self._write(coder, "document_complete", _event_id(),
                        {"doc_id": document.id, "text_hash": text_hash(document.body)})

    def unmark_complete(self, coder: str, doc_id: str) -> None:
        if doc_id in self._log(coder).complete:
            self._write(coder, "document_incomplete", _event_id(), {"doc_id": doc_id})

    def completed_documents(self, coder: str) -> set[str]:
        """Ids of the documents the coder has marked as fully coded."""
        return set(self._log(coder).complete)

    def reject_suggestion(self, coder: str, doc_id: str, segment_id: str, code: str) -> Rejection:
        key = (doc_id, segment_id, code)
        if key not in self._log(check_coder(coder)).rejections:
            fields = {"doc_id": doc_id, "segment_id": segment_id, "code": code}
            self._write(coder, "reject_suggestion", _event_id(), fields)
        return self._log(coder).rejections[key]

    def undo_reject_suggestion(self, coder: str, doc_id: str, segment_id: str, code: str) -> None:
        if (doc_id, segment_id, code) in self._log(coder).rejections:
            self._write(coder, "undo_reject_suggestion", _event_id(),
                        {"doc_id": doc_id, "segment_id": segment_id, "code": code})

    def rejections(self, coder: str) -> list[Rejection]:
        return list(self._log(coder).rejections.values())

    def codings(self, coder: str | None = None) -> list[Coding]:
        coders = [coder] if coder else self.coders()
        return [c for name in coders for c in self._log(name).state.values()]

    def document_codings(self, coder: str, doc_id: str) -> list[Coding]:
        """The coder's current codings of one document, without a walk over all the coder's codings
        (in the order they were added or last changed)."""
        return self._log(coder).in_document(doc_id)

    def history(self, coder: str | None = None) -> list[CodingEvent]:
        coders = [coder] if coder else self.coders()
        events = [e for name in coders for e in self._log(name).events]
        return sorted(events, key=lambda e: e.at)

    def unreadable_lines(self, coder: str) -> list[int]:
        return list(self._log(coder).skipped)

    def unreadable_warning(self) -> str | None:
        """A Danish warning naming every log line that was skipped (torn by a crash or edited by hand), if any.

        Only logs read so far are looked at: a command warns about the codings it used."""
        found = [(name, log.skipped) for name, log in sorted(self._logs.items()) if log.skipped]
        if not found:
            return None
        places = "; ".join(
            f"{self.folder.name}/{name}.jsonl, linje {', '.join(map(str, lines))}" for name, lines in found
        )
        return (
            f"Advarsel: {sum(len(lines) for _, lines in found)} linje(r) i kodningsloggen kunne ikke læses og er "
            f"sprunget over ({places}). Linjen er ufuldstændig (fx efter et nedbrud) eller rettet i hånden; de "
            "kodninger, den indeholdt, tæller ikke med. Ret eller slet linjen."
        )

    def stale(self, corpus: Corpus, coder: str | None = None) -> list[StaleCoding]:
        documents = {d.id: d for d in corpus.documents}  # Corpus.get is a linear search
        found = []
        for coding in self.codings(coder):
            reason = _staleness(coding, documents.get(coding.doc_id))
            if reason:
                found.append(StaleCoding(coding, reason))
        return found

    def current(self, corpus: Corpus, coder: str | None = None) -> list[Coding]:
        """Codings that can be analysed: on included documents, with their text unchanged.

        Remembered until a log grows or a document's text or consent changes: a chapter asks once per
        code and table, and each answer checks every coding's text."""
        coders = [coder] if coder else self.coders()
        version = (
            tuple((name, id(log), log.offset) for name in coders for log in [self._log(name)]),
            tuple((d.id, d.included, hash(d.body)) for d in corpus.documents),
        )
        cached = self._current.get(coder)
        if cached is None or cached[0] != version:
            documents = {d.id: d for d in corpus.documents}
            found = [
                c for name in coders for c in self._logs[name].state.values()
                if _staleness(c, documents.get(c.doc_id)) is None and documents[c.doc_id].included
            ]
            cached = self._current[coder] = (version, found)
        return list(cached[1])


def _segment_containing(document: Document, start: int, end: int) -> str | None:
    return next((s.id for s in document.segments if s.start <= start and end <= s.end), None)


def _choices(fields: dict) -> tuple:
    """What a coder chose for a coding besides its code and span."""
    return (fields["valence"], fields["memo"], fields["quote"], fields.get("question"))


def _content_id(coder: str, fields: dict) -> str:
    """An imported coding's id, from what it is: the same coding imported twice has the same id."""
    key = json.dumps([coder, fields["doc_id"], fields["start"], fields["end"], fields["code"], fields["text_hash"]])
    return "i" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:11]


def _event_id() -> str:
    return uuid.uuid4().hex[:12]


def staleness(coding: Coding, corpus: Corpus) -> str | None:
    return _staleness(coding, corpus.get(coding.doc_id))


def _staleness(coding: Coding, document: Document | None) -> str | None:
    if document is None:
        return f"dokumentet {coding.doc_id} findes ikke længere"
    if coding.end > len(document.body) or text_hash(document.body[coding.start : coding.end]) != coding.text_hash:
        where = coding.segment_id or f"{coding.start}-{coding.end}"
        return f"teksten i {coding.doc_id} ({where}) er ændret efter kodningen"
    return None
