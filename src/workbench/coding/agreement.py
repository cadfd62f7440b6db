"""Intercoder agreement between two coders, and writing their consensus.

Definition (also in docs/kodning.md, for users):

* Unit of analysis: a segment that BOTH coders coded with at least one code (current codings
  only: documents with consent, text unchanged). A span coding counts for every segment it
  touches, so a span inside a segment counts for that segment. Segments only one coder coded are
  not units; their numbers are reported (`only_a`, `only_b`) so the reader sees what is left out.
* Per code: each unit gives a binary value per coder, code present or absent. n = the number of
  units. Percent agreement = units with equal values / n. Cohen's kappa = (p_o − p_e) / (1 − p_e)
  with p_e from each coder's own marginals; undefined (None) when p_e = 1. Krippendorff's alpha
  (nominal) = 1 − (n.. − 1) · Σ_{c≠k} o_ck / Σ_{c≠k} n_c n_k from the coincidence matrix;
  undefined when only one value occurs at all. Both are undefined in the same case: both coders
  gave the code to every unit, or to none.
* Overall: the per-code binary decisions pooled, one decision per (unit, code) for every code
  either coder used on the units; n = units × codes. Pooling counts agreement on absence too, so
  it is computed only over codes that were used.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import asdict, dataclass

from workbench.coding.retrieval import SegmentKey, segment_codings
from workbench.coding.store import CONSENSUS, Coding, CodingStore, check_coder
from workbench.errors import WorkbenchError
from workbench.material.codebook import Codebook
from workbench.material.corpus import Corpus

OVERALL = "I alt"
UNDEFINED = "ikke defineret: begge kodere har givet alle segmenter samme værdi (forventet enighed = 1)"


@dataclass
class CodeAgreement:
    code: str  # a code key, or "I alt" for the pooled figure
    n: int  # units (segments; for "I alt" segment × code decisions)
    percent: float
    kappa: float | None
    alpha: float | None
    note: str = ""  # why kappa or alpha is undefined


@dataclass
class Disagreement:
    doc_id: str
    segment_id: str
    text: str
    codes_a: set
    codes_b: set


@dataclass
class AgreementReport:
    coders: tuple[str, str]
    per_code: list[CodeAgreement]
    overall: CodeAgreement
    segments: int
    disagreements: list[Disagreement]
    only_a: int = 0  # segments only the first coder coded (not units of analysis)
    only_b: int = 0

    def as_dict(self) -> dict:
        """For JSON: sets become sorted lists."""
        return {
            "coders": list(self.coders),
            "segments": self.segments,
            "only_a": self.only_a,
            "only_b": self.only_b,
            "per_code": [asdict(m) for m in self.per_code],
            "overall": asdict(self.overall),
            "disagreements": [
                {"doc_id": d.doc_id, "segment_id": d.segment_id, "text": d.text,
                 "codes_a": sorted(d.codes_a), "codes_b": sorted(d.codes_b)}
                for d in self.disagreements
            ],
        }


def percent_agreement(pairs: Sequence[tuple[Hashable, Hashable]]) -> float:
    return 100.0 * sum(a == b for a, b in pairs) / len(pairs)


def cohen_kappa(pairs: Sequence[tuple[Hashable, Hashable]]) -> float | None:
    """(p_o − p_e) / (1 − p_e), p_e = Σ_c (share of A's values that are c) · (share of B's that are c)."""
    n = len(pairs)
    agreed = sum(a == b for a, b in pairs)
    first, second = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    chance = sum(first[c] * second[c] for c in first)  # p_e · n², kept whole so p_e = 1 is exact
    if chance == n * n:
        return None
    p_o, p_e = agreed / n, chance / (n * n)
    return (p_o - p_e) / (1 - p_e)


def krippendorff_alpha_nominal(units: Iterable[Sequence[Hashable | None]]) -> float | None:
    """Krippendorff's alpha for nominal data; each unit lists the coders' values, None = missing.

    Coincidences o_ck = Σ_u (pairs of values c, k within unit u) / (m_u − 1) over units with at
    least two values; n_c = Σ_k o_ck; n.. = Σ_c n_c; alpha = 1 − (n.. − 1) Σ_{c≠k} o_ck / Σ_{c≠k} n_c n_k.
    """
    coincidences: dict[tuple[Hashable, Hashable], float] = defaultdict(float)
    for unit in units:
        values = Counter(v for v in unit if v is not None)
        m = sum(values.values())
        if m < 2:
            continue  # a value nobody else rated cannot be paired
        for c, count_c in values.items():
            for k, count_k in values.items():
                pairs = count_c * (count_k - 1) if c == k else count_c * count_k
                coincidences[(c, k)] += pairs / (m - 1)
    totals: dict[Hashable, float] = defaultdict(float)
    for (c, _), value in coincidences.items():
        totals[c] += value
    n = sum(totals.values())
    observed = sum(value for (c, k), value in coincidences.items() if c != k)
    expected = sum(totals[c] * totals[k] for c in totals for k in totals if c != k)
    if n <= 1 or expected == 0:
        return None
    return 1 - (n - 1) * observed / expected


def _measure(code: str, pairs: list[tuple[bool, bool]]) -> CodeAgreement:
    kappa = cohen_kappa(pairs)
    alpha = krippendorff_alpha_nominal(pairs)
    note = UNDEFINED if kappa is None or alpha is None else ""
    return CodeAgreement(code, len(pairs), percent_agreement(pairs), kappa, alpha, note)


def _units_by_coder(store: CodingStore, corpus: Corpus, coder: str) -> dict[SegmentKey, list[Coding]]:
    if coder not in store.coders():
        known = ", ".join(store.coders()) or "ingen endnu"
        raise WorkbenchError(f"Koderen '{coder}' har ingen kodninger i projektet (kodere: {known}).")
    return segment_codings(store.current(corpus, coder), corpus)


def _segment_order(corpus: Corpus) -> dict[SegmentKey, int]:
    order: dict[SegmentKey, int] = {}
    for document in corpus.documents:
        for segment in document.segments:
            order[(document.id, segment.id)] = len(order)
    return order


def agreement(store: CodingStore, corpus: Corpus, codebook: Codebook, coder_a: str, coder_b: str) -> AgreementReport:
    """Percent agreement, Cohen's kappa and Krippendorff's alpha per code and pooled (see the module doc)."""
    check_coder(coder_a)
    check_coder(coder_b)
    if coder_a == coder_b:
        raise WorkbenchError("Vælg to forskellige kodere for at beregne enighed.")
    by_a = _units_by_coder(store, corpus, coder_a)
    by_b = _units_by_coder(store, corpus, coder_b)
    order = _segment_order(corpus)
    units = sorted(set(by_a) & set(by_b), key=order.__getitem__)
    if not units:
        raise WorkbenchError(
            f"{coder_a} og {coder_b} har ikke kodet nogen af de samme segmenter, så enigheden kan ikke beregnes. "
            "Lad begge kode de samme dokumenter."
        )
    codes_a = {u: {c.code for c in by_a[u]} for u in units}
    codes_b = {u: {c.code for c in by_b[u]} for u in units}
    used = set().union(*codes_a.values(), *codes_b.values())
    rank = {c.key: i for i, c in enumerate(codebook.codes)}
    codes = sorted(used, key=lambda key: (rank.get(key, len(rank)), key))
    decisions = {code: [(code in codes_a[u], code in codes_b[u]) for u in units] for code in codes}
    documents = {d.id: d for d in corpus.documents}
    return AgreementReport(
        coders=(coder_a, coder_b),
        per_code=[_measure(code, decisions[code]) for code in codes],
        overall=_measure(OVERALL, [pair for code in codes for pair in decisions[code]]),
        segments=len(units),
        disagreements=[
            Disagreement(u[0], u[1], documents[u[0]].segment(u[1]).text, codes_a[u], codes_b[u])  # type: ignore[union-attr]
            for u in units if codes_a[u] != codes_b[u]
        ],
        only_a=len(set(by_a) - set(by_b)),
        only_b=len(set(by_b) - set(by_a)),
    )


def resolve(
    store: CodingStore,
    corpus: Corpus,
    report: AgreementReport,
    decisions: dict[tuple[str, str], set[str]],
    consensus_coder: str = CONSENSUS,
) -> tuple[int, int]:
    """Write the consensus coder's codings for the report's segments; returns (added, removed).

    Segments where the two coders agreed get their codes; a decided segment gets exactly the
    decided codes; an undecided disagreement gets the codes both gave, so it can be decided later.
    Codes are copied from the first coder's coding (its span, valence, memo and quote star), else
    from the second's; a decided code neither gave is put on the whole segment as neutral. Running
    it again adds nothing twice. Everything is checked before anything is written.
    """
    coder_a, coder_b = report.coders
    check_coder(consensus_coder)
    if consensus_coder in report.coders:
        raise WorkbenchError(f"Konsensus skal gemmes under et andet navn end {coder_a} og {coder_b}.")
    disagreeing = {(d.doc_id, d.segment_id) for d in report.disagreements}
    for key, codes in decisions.items():
        if key not in disagreeing:
            raise WorkbenchError(f"Segmentet {key[0]} {key[1]} er ikke et af de segmenter, koderne er uenige om.")
        for code in codes:
            if store.codebook is not None and not store.codebook.has_code(code):
                raise WorkbenchError(f"Koden '{code}' i afgørelsen for {key[0]} {key[1]} findes ikke i kodebogen.")
    by_a = segment_codings(store.current(corpus, coder_a), corpus)
    by_b = segment_codings(store.current(corpus, coder_b), corpus)
    existing = segment_codings(store.current(corpus, consensus_coder), corpus)
    documents = {d.id: d for d in corpus.documents}
    units = sorted(set(by_a) & set(by_b), key=_segment_order(corpus).__getitem__)

    added: list[tuple[Coding | None, SegmentKey, str]] = []  # (source coding or None, segment, code)
    removals: list[Coding] = []
    for key in units:
        mine = {c.code for c in existing.get(key, [])}
        source = by_a[key] + by_b[key]
        if key in decisions:
            target = set(decisions[key])
            removals += [c for c in existing.get(key, []) if c.code not in target]
        else:
            target = {c.code for c in by_a[key]} & {c.code for c in by_b[key]}
        for code in sorted(target - mine):
            copy = next((c for c in source if c.code == code), None)
            added.append((copy, key, code))

    written: set[str] = set()  # a span over several segments is copied once
    for copy, (doc_id, segment_id), code in added:
        document = documents[doc_id]
        if copy is None:
            store.add(consensus_coder, document, code, segment=document.segment(segment_id))
        elif copy.id not in written:
            written.add(copy.id)
            store.add(consensus_coder, document, code, copy.valence, span=(copy.start, copy.end),
                      memo=copy.memo, quote=copy.quote)
    removed = {c.id for c in removals}
    for coding_id in removed:
        store.remove(consensus_coder, coding_id)
    return len(written) + sum(copy is None for copy, _, _ in added), len(removed)
