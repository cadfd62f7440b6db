"""Retrieval and cross-tabulation of codings: what was coded with a code, by whom, where.

Everything here reads only current codings (`CodingStore.current`): on documents with consent
and on text that has not changed since it was coded. The unit of counting is the segment: a
segment coded twice with the same code (two coders, or two spans) counts once, and a span coding
counts for every segment it touches (a span inside a segment counts for that segment).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable

import pandas as pd

from workbench.coding.store import Coding, CodingStore
from workbench.material.codebook import VALENCES, Code, Codebook
from workbench.material.corpus import Corpus, Document, Segment, text_hash

COLUMNS = [
    "dokument", "segment", "gruppe", "type", "rolle", "enhed", "koder", "kode", "valens", "citat", "memo", "tekst",
]

SegmentKey = tuple[str, str]  # (doc_id, segment_id)


def coded_segments(coding: Coding, document: Document) -> list[Segment]:
    """The segments a coding counts for: its own segment, or every segment its span overlaps."""
    own = document.segment(coding.segment_id) if coding.segment_id else None
    if own is not None and own.start <= coding.start and coding.end <= own.end:
        return [own]
    return [s for s in document.segments if s.start < coding.end and coding.start < s.end]


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
    codings = _filtered(store, corpus, code=code, group=group, doc_type=doc_type, valence=valence, coder=coder)
    documents = {d.id: d for d in corpus.documents}
    groups = {g.key: g.name for g in codebook.respondent_groups}
    order = {c.key: i for i, c in enumerate(codebook.codes)}
    codings.sort(key=lambda c: (c.doc_id, c.start, c.end, order.get(c.code, len(order)), c.coder))
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


def progress(store: CodingStore, document: Document, coder: str) -> tuple[int, int]:
    """(segments of the document the coder has coded, all its segments); stale codings do not count."""
    coded: set[str] = set()
    for coding in store.codings(coder):
        if coding.doc_id == document.id and text_hash(document.body[coding.start : coding.end]) == coding.text_hash:
            coded.update(s.id for s in coded_segments(coding, document))
    return len(coded), len(document.segments)
