"""Intercoder agreement between two coders, counted as the field counts it, and writing their consensus.

Definition (also in docs/kodning.md, for users):

* Documents compared: those both coders worked on (a coding, an "ingen kode" mark or a "fully coded" mark
  in each coder's log). Current codings only: documents with consent, text unchanged.
* Units of analysis, per document:
  - both coders marked the document as fully coded → every segment of it is a unit (NVivo's and
    QualCoder's view: an uncoded segment is a decision);
  - otherwise → every segment that either coder coded or marked "ingen kode" (MAXQDA's segment rule), so
    a code one coder used and the other didn't is a disagreement, not a left-out segment.
  A span coding counts for every segment it overlaps.
* Per code: each unit gives a binary value per coder, code present or absent; n = units. Percent
  agreement = units with equal values / n. Cohen's kappa = (p_o − p_e) / (1 − p_e), p_e from each coder's
  own marginals. Krippendorff's alpha (nominal, from the coincidence matrix). Gwet's AC1 =
  (p_o − p_e) / (1 − p_e) with p_e = 2π(1 − π), π = the mean share of units the two gave the code; AC1 does
  not collapse when a code is rare. Kappa and alpha are undefined when only one value occurs at all.
* The kappa paradox: a rare code gives high percent agreement with kappa near 0 (both coders agree on
  absence almost everywhere, so chance agreement is nearly 1). Such codes carry a note in words.
* Overall: the per-code decisions pooled, one decision per (unit, code) for every code either coder used.
* Character-based figure per code, as NVivo computes it: per document where either coder used the code,
  each character is a unit; percent = characters both coded or neither coded / all characters; kappa from
  the four character counts; averaged over those documents weighted by their length (NVivo's advice for an
  average across sources).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from functools import cached_property

from workbench.coding.retrieval import SegmentKey, segment_codings
from workbench.coding.store import CONSENSUS, Coding, CodingStore, check_coder
from workbench.errors import WorkbenchError
from workbench.material.codebook import Codebook
from workbench.material.corpus import Corpus, Document

OVERALL = "I alt"
UNDEFINED = "ikke defineret: begge kodere har givet alle enheder samme værdi (forventet enighed = 1)"
PARADOX = (
    "høj procent enighed, men lav kappa, fordi koden er sjælden: næsten al enighed er om, at koden ikke "
    "findes (kappa-paradokset). Se AC1, som ikke har den skævhed"
)
# the paradox is named when agreement is this high, kappa this low and the code this rare (share of units)
PARADOX_PERCENT, PARADOX_KAPPA, PARADOX_PREVALENCE = 90.0, 0.4, 0.1

RULE_SEGMENTS = "segmentreglen: segmenter, som mindst én af koderne har kodet eller markeret 'ingen kode'"
RULE_COMPLETE = "alle segmenter: dokumenter, som begge kodere har markeret som færdigkodede"


@dataclass
class CodeAgreement:
    code: str  # a code key, or "I alt" for the pooled figure
    n: int  # units (segments; for "I alt" segment × code decisions)
    percent: float
    kappa: float | None
    alpha: float | None
    ac1: float | None = None
    note: str = ""  # why kappa or alpha is undefined, or the kappa paradox
    char_percent: float | None = None  # NVivo's character-based figures (None for "I alt")
    char_kappa: float | None = None


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
    segments: int  # units of analysis
    disagreements: list[Disagreement]
    documents: int = 0  # documents both coders worked on
    complete_documents: int = 0  # of those, marked fully coded by both (all their segments are units)
    only_a: int = 0  # units only the first coder coded (counted: the other coder's omission is a disagreement)
    only_b: int = 0
    rules: list[str] = field(default_factory=list)  # which unit rules were used, in words
    units: list[SegmentKey] = field(default_factory=list, repr=False)  # in corpus order

    def as_dict(self) -> dict:
        """For JSON: sets become sorted lists."""
        return {
            "coders": list(self.coders),
            "segments": self.segments,
            "documents": self.documents,
            "complete_documents": self.complete_documents,
            "rules": self.rules,
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


Pairs = Sequence[tuple[Hashable, Hashable]]


def percent_agreement(pairs: Pairs) -> float:
    return _percent(Counter(pairs))


def cohen_kappa(pairs: Pairs) -> float | None:
    """(p_o − p_e) / (1 − p_e), p_e = Σ_c (share of A's values that are c) · (share of B's that are c)."""
    return _kappa(Counter(pairs))


def gwet_ac1(pairs: Pairs, categories: Sequence[Hashable] = (False, True)) -> float | None:
    """Gwet's AC1 for two coders: p_e = Σ_c π_c (1 − π_c) / (q − 1), π_c = mean share of values c."""
    return _ac1(Counter(pairs), categories)


def krippendorff_alpha_nominal(units: Iterable[Sequence[Hashable | None]]) -> float | None:
    """Krippendorff's alpha for nominal data; each unit lists the coders' values, None = missing.

    Coincidences o_ck = Σ_u (pairs of values c, k within unit u) / (m_u − 1) over units with at
    least two values; n_c = Σ_k o_ck; n.. = Σ_c n_c; alpha = 1 − (n.. − 1) Σ_{c≠k} o_ck / Σ_{c≠k} n_c n_k.
    """
    return _alpha(Counter(tuple(unit) for unit in units))


# The measures are computed from a tally of the distinct units (how many units gave each pair of values),
# not unit by unit: a code's decisions over a corpus are a few distinct pairs repeated 100,000s of times.
# The counts are whole numbers, so each figure is exactly what the unit-by-unit sums give.

def _percent(tally: Counter) -> float:
    n = sum(tally.values())
    return 100.0 * sum(count for (a, b), count in tally.items() if a == b) / n


def _kappa(tally: Counter) -> float | None:
    n = sum(tally.values())
    agreed = sum(count for (a, b), count in tally.items() if a == b)
    first: Counter = Counter()
    second: Counter = Counter()
    for (a, b), count in tally.items():
        first[a] += count
        second[b] += count
    chance = sum(first[c] * second[c] for c in first)  # p_e · n², kept whole so p_e = 1 is exact
    if chance == n * n:
        return None
    p_o, p_e = agreed / n, chance / (n * n)
    return (p_o - p_e) / (1 - p_e)


def _ac1(tally: Counter, categories: Sequence[Hashable]) -> float | None:
    n = sum(tally.values())
    counts: Counter = Counter()
    for (a, b), count in tally.items():
        counts[a] += count
        counts[b] += count
    q = len(categories)
    chance = sum((counts[c] / (2 * n)) * (1 - counts[c] / (2 * n)) for c in categories) / (q - 1)
    if chance == 1:
        return None
    p_o = sum(count for (a, b), count in tally.items() if a == b) / n
    return (p_o - chance) / (1 - chance)


def _alpha(tally: Counter) -> float | None:
    """Krippendorff's alpha from a tally of distinct units (tuples of values, None = missing)."""
    coincidences: dict[tuple[Hashable, Hashable], float] = defaultdict(float)
    for unit, repeats in tally.items():
        values = Counter(v for v in unit if v is not None)
        m = sum(values.values())
        if m < 2:
            continue  # a value nobody else rated cannot be paired
        for c, count_c in values.items():
            for k, count_k in values.items():
                pairs = count_c * (count_k - 1) if c == k else count_c * count_k
                if m == 2:  # whole numbers: one multiplication is exactly the repeated sum
                    coincidences[(c, k)] += repeats * pairs
                else:
                    for _ in range(repeats):
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


def character_agreement(length: int, spans_a: Iterable[tuple[int, int]], spans_b: Iterable[tuple[int, int]]
                        ) -> tuple[float, float]:
    """NVivo's percent agreement and kappa for one code in one document, each character a unit.

    Kappa = (agreed − ΣEF) / (total − ΣEF) with ΣEF = coded_A·coded_B/total + uncoded_A·uncoded_B/total;
    when ΣEF = total (nothing to tell apart) NVivo reports complete agreement, 1. The characters are counted
    from the spans, not character by character: a season's codes × documents would each walk a whole text.
    """
    covered_a, covered_b = _covered(length, spans_a), _covered(length, spans_b)
    coded_a, coded_b = sum(e - s for s, e in covered_a), sum(e - s for s, e in covered_b)
    agreed = length - coded_a - coded_b + 2 * _overlap(covered_a, covered_b)
    chance = (coded_a * coded_b + (length - coded_a) * (length - coded_b)) / length
    kappa = 1.0 if chance == length else (agreed - chance) / (length - chance)
    return 100.0 * agreed / length, kappa


def _covered(length: int, spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The characters of a text of `length` that the spans cover (as Python slices of it), as sorted disjoint
    (start, end) intervals."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(slice(a, b).indices(length)[:2] for a, b in spans):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _overlap(x: list[tuple[int, int]], y: list[tuple[int, int]]) -> int:
    """Characters in both of two lists of sorted disjoint intervals."""
    i = j = total = 0
    while i < len(x) and j < len(y):
        total += max(0, min(x[i][1], y[j][1]) - max(x[i][0], y[j][0]))
        if x[i][1] < y[j][1]:
            i += 1
        else:
            j += 1
    return total


def _measure(code: str, tally: Counter) -> CodeAgreement:
    """The figures of one code (or the pooled ones) from the tally of its (first coder, second coder) decisions."""
    n = sum(tally.values())
    kappa = _kappa(tally)
    alpha = _alpha(tally)
    percent = _percent(tally)
    note = UNDEFINED if kappa is None or alpha is None else ""
    prevalence = sum(count for (a, b), count in tally.items() if a or b) / n
    if (not note and percent >= PARADOX_PERCENT and kappa is not None and kappa < PARADOX_KAPPA
            and prevalence <= PARADOX_PREVALENCE):
        note = PARADOX
    return CodeAgreement(code, n, percent, kappa, alpha, _ac1(tally, (False, True)), note)


@dataclass
class _Coder:
    """What one coder decided in the compared material: codes per segment, 'ingen kode' marks, finished documents."""

    codings: list[Coding]
    by_segment: dict[SegmentKey, list[Coding]]
    no_code: set[SegmentKey]
    complete: set[str]

    @cached_property
    def documents(self) -> set[str]:
        return {doc for doc, _ in self.by_segment} | {doc for doc, _ in self.no_code} | self.complete

    @cached_property
    def _decided(self) -> dict[str, set[SegmentKey]]:
        found: dict[str, set[SegmentKey]] = defaultdict(set)
        for key in (*self.by_segment, *self.no_code):
            found[key[0]].add(key)
        return found

    def decided(self, doc_id: str) -> set[SegmentKey]:
        return self._decided.get(doc_id, set())

    @cached_property
    def spans(self) -> dict[tuple[str, str], list[tuple[int, int]]]:
        """(doc_id, code) → the coded spans, so the character figures need not scan every coding per code."""
        found: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
        for c in self.codings:
            found[(c.doc_id, c.code)].append((c.start, c.end))
        return found


def _coder(store: CodingStore, corpus: Corpus, coder: str) -> _Coder:
    if coder not in store.coders():
        known = ", ".join(store.coders()) or "ingen endnu"
        raise WorkbenchError(f"Koderen '{coder}' har ingen kodninger i projektet (kodere: {known}).")
    codings = store.current(corpus, coder)
    included = {d.id for d in corpus.included}
    no_code = {key for key in store.no_code_keys(coder) if key[0] in included}
    complete = set(store.completed_documents(coder)) & included
    return _Coder(codings, segment_codings(codings, corpus), no_code, complete)


def _units(corpus: Corpus, a: _Coder, b: _Coder) -> tuple[list[SegmentKey], list[str], int]:
    """The units of analysis in corpus order, the documents compared and how many were fully coded by both."""
    compared = a.documents & b.documents
    units: list[SegmentKey] = []
    documents, complete = [], 0
    for document in corpus.documents:
        if document.id not in compared:
            continue
        documents.append(document.id)
        if document.id in a.complete and document.id in b.complete:
            complete += 1
            units += [(document.id, s.id) for s in document.segments]
        else:
            decided = a.decided(document.id) | b.decided(document.id)
            units += [(document.id, s.id) for s in document.segments if (document.id, s.id) in decided]
    return units, documents, complete


def _character_figures(code: str, documents: list[Document], a: _Coder, b: _Coder) -> tuple[float, float] | None:
    """NVivo's figures of one code, weighted by document length, over the documents (those compared, in the
    corpus order, that either coder gave the code: see `_coded_documents`)."""
    figures = []
    for document in documents:
        spans_a = a.spans.get((document.id, code), [])
        spans_b = b.spans.get((document.id, code), [])
        if (spans_a or spans_b) and document.body:
            figures.append((len(document.body), *character_agreement(len(document.body), spans_a, spans_b)))
    if not figures:
        return None
    total = sum(length for length, _, _ in figures)
    return (sum(length * p for length, p, _ in figures) / total, sum(length * k for length, _, k in figures) / total)


def decision_tallies(units: list[SegmentKey], codes_a: dict[SegmentKey, set[str]], codes_b: dict[SegmentKey, set[str]],
                     codes: Iterable[str]) -> dict[str, Counter]:
    """Per code, how many units had each pair of decisions (the first coder gave it, the second did): one pass
    over the codes given in each unit, not one over every unit per code; the units where neither gave a code
    are the rest. The same counts as counting unit by unit for every code."""
    tallies: dict[str, Counter] = {code: Counter() for code in codes}
    for unit in units:
        given_a, given_b = codes_a[unit], codes_b[unit]
        if given_a or given_b:
            for code in given_a | given_b:
                tallies[code][(code in given_a, code in given_b)] += 1
    for tally in tallies.values():
        neither = len(units) - sum(tally.values())
        if neither:
            tally[(False, False)] = neither
    return tallies


def _coded_documents(compared: list[str], a: _Coder, b: _Coder) -> dict[str, list[str]]:
    """Per code, the compared documents (in their order) in which either coder gave it."""
    order = {doc_id: rank for rank, doc_id in enumerate(compared)}
    found: dict[str, set[str]] = defaultdict(set)
    for doc_id, code in (*a.spans, *b.spans):
        if doc_id in order:
            found[code].add(doc_id)
    return {code: sorted(docs, key=order.__getitem__) for code, docs in found.items()}


def agreement(store: CodingStore, corpus: Corpus, codebook: Codebook, coder_a: str, coder_b: str) -> AgreementReport:
    """Percent agreement, Cohen's kappa, Krippendorff's alpha and Gwet's AC1 per code and pooled.

    See the module docstring."""
    check_coder(coder_a)
    check_coder(coder_b)
    if coder_a == coder_b:
        raise WorkbenchError("Vælg to forskellige kodere for at beregne enighed.")
    a, b = _coder(store, corpus, coder_a), _coder(store, corpus, coder_b)
    units, compared, complete = _units(corpus, a, b)
    if not units:
        raise WorkbenchError(
            f"{coder_a} og {coder_b} har ikke kodet nogen af de samme dokumenter, så enigheden kan ikke beregnes. "
            "Lad begge kode de samme dokumenter."
        )
    codes_a = {u: {c.code for c in a.by_segment.get(u, [])} for u in units}
    codes_b = {u: {c.code for c in b.by_segment.get(u, [])} for u in units}
    used = set().union(*codes_a.values(), *codes_b.values())
    rank = {c.key: i for i, c in enumerate(codebook.codes)}
    codes = sorted(used, key=lambda key: (rank.get(key, len(rank)), key))
    decisions = decision_tallies(units, codes_a, codes_b, codes)
    documents = {d.id: d for d in corpus.documents}
    coded = _coded_documents(compared, a, b)
    per_code = []
    for code in codes:
        measure = _measure(code, decisions[code])
        characters = _character_figures(code, [documents[d] for d in coded.get(code, ())], a, b)
        if characters is not None:
            measure.char_percent, measure.char_kappa = characters
        per_code.append(measure)
    rules = [RULE_SEGMENTS] if complete < len(compared) else []
    rules += [RULE_COMPLETE] if complete else []
    return AgreementReport(
        coders=(coder_a, coder_b),
        per_code=per_code,
        overall=_measure(OVERALL, sum(decisions.values(), Counter())),
        segments=len(units),
        disagreements=[
            Disagreement(u[0], u[1], documents[u[0]].segment(u[1]).text, codes_a[u], codes_b[u])  # type: ignore[union-attr]
            for u in units if codes_a[u] != codes_b[u]
        ],
        documents=len(compared),
        complete_documents=complete,
        only_a=sum(bool(codes_a[u]) and not codes_b[u] for u in units),
        only_b=sum(bool(codes_b[u]) and not codes_a[u] for u in units),
        rules=rules,
        units=units,
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

    added: list[tuple[Coding | None, SegmentKey, str]] = []  # (source coding or None, segment, code)
    removals: list[Coding] = []
    for key in report.units:
        mine = {c.code for c in existing.get(key, [])}
        source = by_a.get(key, []) + by_b.get(key, [])
        if key in decisions:
            target = set(decisions[key])
            removals += [c for c in existing.get(key, []) if c.code not in target]
        else:
            target = {c.code for c in by_a.get(key, [])} & {c.code for c in by_b.get(key, [])}
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
