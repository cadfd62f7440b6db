"""Retrieval and cross-tabulation of codings: what was coded with a code, by whom, where.

Everything here reads only current codings (`CodingStore.current`): on documents with consent
and on text that has not changed since it was coded. The unit of counting is the segment: a
segment coded twice with the same code (two coders, or two spans) counts once, and a span coding
counts for every segment it touches (a span inside a segment counts for that segment).

For the coding view, `retrieve_hits` gives one hit per coding of the chosen coder (the consensus
unless another is named, or all coders when asked) with its offsets, so the view can open the
document there; `matrix_cell` and `cooccurrence_cell` give the segments behind a matrix cell.
Nothing here formats for people: the view and the report do.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from itertools import islice, takewhile
from operator import attrgetter
from typing import TYPE_CHECKING

from workbench.coding.store import CONSENSUS, Coding, CodingStore
from workbench.errors import WorkbenchError
from workbench.material.codebook import VALENCES, Code, Codebook
from workbench.material.corpus import Corpus, Document, Segment, text_hash

if TYPE_CHECKING:  # pandas is imported by the functions that make tables, so the coding view starts without it
    import pandas as pd

COLUMNS = [
    "dokument", "segment", "gruppe", "type", "rolle", "enhed", "koder", "kode", "valens", "citat", "memo", "tekst",
]

SegmentKey = tuple[str, str]  # (doc_id, segment_id)


def coded_segments(coding: Coding, document: Document) -> list[Segment]:
    """The segments a coding counts for: its own segment, or every segment its span overlaps."""
    own = document.segment(coding.segment_id) if coding.segment_id else None
    if own is not None and own.start <= coding.start and coding.end <= own.end:
        return [own]
    segments = document.segments  # in text order and disjoint: the first ending after the start, onwards
    first = bisect.bisect_right(segments, coding.start, key=attrgetter("end"))
    return list(takewhile(lambda s: s.start < coding.end, islice(segments, first, None)))


def segment_codings(codings: Iterable[Coding], corpus: Corpus) -> dict[SegmentKey, list[Coding]]:
    """Codings grouped by the segments they count for."""
    documents = {d.id: d for d in corpus.documents}
    grouped: dict[SegmentKey, list[Coding]] = defaultdict(list)
    for coding in codings:
        for segment in coded_segments(coding, documents[coding.doc_id]):
            grouped[(coding.doc_id, segment.id)].append(coding)
    return dict(grouped)


def _wanted(value: str | None, wanted: str | Collection[str] | None) -> bool:
    if wanted is None:
        return True
    return value == wanted if isinstance(wanted, str) else value in wanted


def _filtered(
    store: CodingStore, corpus: Corpus, *, code=None, group=None, doc_type=None, valence=None, coder=None
) -> list[Coding]:
    documents = {d.id: d for d in corpus.documents}
    return [
        c for c in store.current(corpus, coder if isinstance(coder, str) else None)
        if _wanted(c.code, code)
        and _wanted(c.valence, valence)
        and _wanted(c.coder, coder)
        and _wanted(documents[c.doc_id].meta.group, group)
        and _wanted(documents[c.doc_id].meta.type, doc_type)
    ]


def retrieve(
    store: CodingStore,
    corpus: Corpus,
    codebook: Codebook,
    *,
    code: str | Collection[str] | None = None,
    group: str | Collection[str] | None = None,
    doc_type: str | Collection[str] | None = None,
    valence: str | Collection[str] | None = None,
    coder: str | Collection[str] | None = None,
) -> pd.DataFrame:
    """Every current coding matching the filters (code keys, respondent group keys, document types,
    valences, coders; each a value or a collection), one row per coding, indexed by coding id."""
    import pandas as pd

    codings = _in_text_order(
        _filtered(store, corpus, code=code, group=group, doc_type=doc_type, valence=valence, coder=coder), codebook)
    documents = {d.id: d for d in corpus.documents}
    groups = {g.key: g.name for g in codebook.respondent_groups}
    rows = []
    for coding in codings:
        document = documents[coding.doc_id]
        meta = document.meta
        segment = coding.segment_id or "+".join(s.id for s in coded_segments(coding, document))
        rows.append([
            coding.doc_id, segment, groups.get(meta.group, meta.group), meta.type, meta.role, meta.unit or "",
            coding.coder, _label(codebook, coding.code), coding.valence, coding.quote, coding.memo,
            document.body[coding.start : coding.end],
        ])
    frame = pd.DataFrame(rows, columns=COLUMNS, index=pd.Index([c.id for c in codings], name="id"))
    return frame.astype({"citat": bool})


def _in_text_order(codings: list[Coding], codebook: Codebook) -> list[Coding]:
    """Codings by document and place, then in codebook order, then by coder: how retrieval lists them."""
    order = {c.key: i for i, c in enumerate(codebook.codes)}
    return sorted(codings, key=lambda c: (c.doc_id, c.start, c.end, order.get(c.code, len(order)), c.coder))


def _label(codebook: Codebook, key: str) -> str:
    return codebook.code(key).label if codebook.has_code(key) else key


def _codes(codebook: Codebook, kinds: Collection[str] | None) -> list[Code]:
    return [c for c in codebook.codes if kinds is None or codebook.group_of(c.key).kind in kinds]


def code_group_matrix(
    store: CodingStore,
    corpus: Corpus,
    codebook: Codebook,
    *,
    coder: str | Collection[str] | None = None,
    valence_split: bool = False,
    kinds: Collection[str] | None = None,
) -> pd.DataFrame:
    """Number of coded segments per code (rows, "P1 Familien") and respondent group (columns, by name).

    Only groups with included documents are columns. With `valence_split` the columns are
    (group, valence) pairs. `kinds` limits the rows to code groups of those kinds ("principle", ...).
    """
    import pandas as pd

    documents = {d.id: d for d in corpus.included}
    groups = [g for g in codebook.respondent_groups if any(d.meta.group == g.key for d in documents.values())]
    codes = _codes(codebook, kinds)
    coded: dict[tuple[str, str, str], set[SegmentKey]] = defaultdict(set)  # (code, group, valence) → segments
    for key, codings in segment_codings(_filtered(store, corpus, coder=coder), corpus).items():
        group = documents[key[0]].meta.group
        for coding in codings:
            coded[(coding.code, group, coding.valence)].add(key)
    if valence_split:
        columns = pd.MultiIndex.from_tuples(
            [(g.name, v) for g in groups for v in VALENCES], names=["gruppe", "valens"]
        )
        cells = [[len(coded[(c.key, g.key, v)]) for g in groups for v in VALENCES] for c in codes]
    else:
        columns = pd.Index([g.name for g in groups], name="gruppe")
        cells = [
            [len(set().union(*(coded[(c.key, g.key, v)] for v in VALENCES))) for g in groups] for c in codes
        ]
    return pd.DataFrame(cells, index=pd.Index([c.label for c in codes], name="kode"), columns=columns, dtype=int)


def cooccurrence(
    store: CodingStore,
    corpus: Corpus,
    codebook: Codebook,
    *,
    same_coder: bool = True,
    coder: str | Collection[str] | None = None,
) -> pd.DataFrame:
    """Principles (rows) × effective factors (columns): the number of segments coded with both.

    With `same_coder` a segment counts only when one coder applied both codes; otherwise the
    codes of all coders on the segment are pooled.
    """
    import pandas as pd

    principles, factors = codebook.principles, codebook.factors
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for codings in segment_codings(_filtered(store, corpus, coder=coder), corpus).values():
        if same_coder:
            by_coder: dict[str, set[str]] = defaultdict(set)
            for coding in codings:
                by_coder[coding.coder].add(coding.code)
            pairs = {(p, f) for codes in by_coder.values() for p in codes for f in codes}
        else:
            codes = {c.code for c in codings}
            pairs = {(p, f) for p in codes for f in codes}
        for pair in pairs:
            counts[pair] += 1
    return pd.DataFrame(
        [[counts[(p.key, f.key)] for f in factors] for p in principles],
        index=pd.Index([p.label for p in principles], name="princip"),
        columns=pd.Index([f.label for f in factors], name="faktor"),
        dtype=int,
    )


def progress(
    store: CodingStore, document: Document, coder: str, stale: Collection[str] | None = None
) -> tuple[int, int]:
    """(segments of the document the coder has coded, all its segments); stale codings do not count.

    `stale`: the ids of the coder's stale codings in the document, when the caller knows them already
    (the coding view does, after every action), so no coding's text is hashed again."""
    segments = document.segments
    starts = [s.start for s in segments]  # segments are in text order and disjoint: bisect, not a scan per coding
    coded: set[str] = set()
    for coding in store.document_codings(coder, document.id):
        current = (coding.id not in stale) if stale is not None else (
            text_hash(document.body[coding.start : coding.end]) == coding.text_hash)
        if current:
            own = document.segment(coding.segment_id) if coding.segment_id else None
            if own is not None and own.start <= coding.start and coding.end <= own.end:
                coded.add(own.id)
                continue
            first = max(bisect.bisect_right(starts, coding.start) - 1, 0)
            for segment in segments[first : bisect.bisect_left(starts, coding.end)]:
                if segment.start < coding.end and coding.start < segment.end:
                    coded.add(segment.id)
    return len(coded), len(segments)


@dataclass(frozen=True)
class Coverage:
    """How far a coder is with a document: segments coded, marked "ingen kode", and in all."""

    coded: int
    no_code: int
    total: int
    complete: bool  # the coder marked the document as fully coded

    @property
    def open(self) -> int:
        """Segments neither coded nor marked "ingen kode"."""
        return self.total - self.coded - self.no_code


def coverage(store: CodingStore, document: Document, coder: str) -> Coverage:
    coded, total = progress(store, document, coder)
    marked = {s.id for s in document.segments} & store.no_code_segments(coder, document.id)
    return Coverage(coded, len(marked), total, document.id in store.completed_documents(coder))


# --- Hits for the coding view: one row per coding, with the place to jump to --------------------



@dataclass(frozen=True)
class RetrievalHit:
    """One coding as retrieval shows it: where it is (offsets into Document.body, to jump there),
    what it is, and whose."""

    coding_id: str
    coder: str
    doc_id: str
    segments: tuple[str, ...]  # the segments it counts for
    start: int
    end: int
    code: str
    group: str  # the respondent group's key ...
    group_name: str  # ... and name
    doc_type: str
    role: str
    valence: str
    quote: bool
    memo: str
    question: str | None
    text: str


@dataclass(frozen=True)
class Retrieval:
    hits: tuple[RetrievalHit, ...]
    coders: tuple[str, ...]  # whose codings these are

    @property
    def count(self) -> int:
        return len(self.hits)

    @property
    def documents(self) -> int:
        return len({h.doc_id for h in self.hits})


@dataclass(frozen=True)
class SegmentHit:
    """A segment a matrix cell counts, with the codings that put it there."""

    doc_id: str
    segment_id: str
    start: int
    end: int
    text: str
    coding_ids: tuple[str, ...]


def _coders(store: CodingStore, coder: str | None, all_coders: bool) -> str | None:
    """The one coder to show (None: all), defaulting to the consensus."""
    if all_coders:
        return None
    coder = coder or CONSENSUS
    if coder not in store.coders():
        raise WorkbenchError(
            f"Der er ingen kodninger fra '{coder}'. Vælg en koder blandt: {', '.join(store.coders()) or '(ingen)'}."
        )
    return coder


def retrieve_hits(
    store: CodingStore,
    corpus: Corpus,
    codebook: Codebook,
    *,
    coder: str | None = None,
    all_coders: bool = False,
    code: str | Collection[str] | None = None,
    group: str | Collection[str] | None = None,
    doc_type: str | Collection[str] | None = None,
    valence: str | Collection[str] | None = None,
    doc_id: str | None = None,
) -> Retrieval:
    """The current codings matching the filters, one hit per coding: of one coder (the consensus
    unless another is named), or of every coder with `all_coders`. In document and text order."""
    chosen = _coders(store, coder, all_coders)
    codings = _in_text_order([
        c for c in _filtered(store, corpus, code=code, group=group, doc_type=doc_type, valence=valence, coder=chosen)
        if doc_id is None or c.doc_id == doc_id
    ], codebook)
    documents = {d.id: d for d in corpus.documents}
    names = {g.key: g.name for g in codebook.respondent_groups}
    hits = []
    for coding in codings:
        document = documents[coding.doc_id]
        meta = document.meta
        hits.append(RetrievalHit(
            coding.id, coding.coder, coding.doc_id, tuple(s.id for s in coded_segments(coding, document)),
            coding.start, coding.end, coding.code, meta.group, names.get(meta.group, meta.group), meta.type,
            meta.role, coding.valence, coding.quote, coding.memo, coding.question,
            document.body[coding.start : coding.end],
        ))
    return Retrieval(tuple(hits), (chosen,) if chosen else tuple(store.coders()))


def _segment_hits(grouped: dict[SegmentKey, list[Coding]], corpus: Corpus) -> list[SegmentHit]:
    documents = {d.id: d for d in corpus.documents}
    found = []
    for (doc_id, segment_id), codings in grouped.items():
        segment = documents[doc_id].segment(segment_id)
        assert segment is not None  # codings were grouped by the segments of these documents
        found.append(SegmentHit(doc_id, segment_id, segment.start, segment.end, segment.text,
                                tuple(dict.fromkeys(c.id for c in codings))))
    return sorted(found, key=lambda hit: (hit.doc_id, hit.start))


def matrix_cell(
    store: CodingStore,
    corpus: Corpus,
    code: str,
    group: str,
    *,
    valence: str | None = None,
    coder: str | Collection[str] | None = None,
) -> list[SegmentHit]:
    """The segments one cell of `code_group_matrix` counts (same coder filter; a respondent group
    key; with `valence`, the cell of the valence split): as many as the cell says."""
    codings = _filtered(store, corpus, code=code, group=group, valence=valence, coder=coder)
    return _segment_hits(segment_codings(codings, corpus), corpus)


def cooccurrence_cell(
    store: CodingStore,
    corpus: Corpus,
    principle: str,
    factor: str,
    *,
    same_coder: bool = True,
    coder: str | Collection[str] | None = None,
) -> list[SegmentHit]:
    """The segments one cell of `cooccurrence` counts, with the codings of both codes on them."""
    both: dict[SegmentKey, list[Coding]] = {}
    for key, codings in segment_codings(_filtered(store, corpus, coder=coder), corpus).items():
        pair = [c for c in codings if c.code in (principle, factor)]
        if same_coder:
            coders = {c.coder for c in pair if c.code == principle} & {c.coder for c in pair if c.code == factor}
            pair = [c for c in pair if c.coder in coders]
        if {c.code for c in pair} == {principle, factor} or (principle == factor and pair):
            both[key] = pair
    return _segment_hits(both, corpus)
