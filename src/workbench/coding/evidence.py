"""The qualitative evidence behind each code, as the chapter reports it.

Which codings count: for a document with a consensus coding (`konsensus`, written when two
coders' disagreements are resolved) the consensus codings; otherwise those of the primary coder,
the coder with the most current codings. Counting is by segment, so a segment coded twice with the
same code counts once. Only current codings count (documents with consent, text unchanged).
The chapter's evidence is the transcripts and observations; the support team's free-text
self-evaluations, though codable, are reported through the self-evaluation tables instead.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from workbench.coding.retrieval import coded_segments
from workbench.coding.store import CONSENSUS, Coding
from workbench.material.codebook import VALENCES, Codebook
from workbench.material.corpus import Corpus, Document

MIN_GROUP_SIZE = 3  # project.yaml's default min_group_size: fewer interviewed persons, coarse attribution
PERSON_TYPES = ("interview",)  # one interview = one person; observations and focus groups are not persons
# A quote speaks for the respondent: the interviewer's words are never quoted, an interpreter's are marked.
INTERVIEWER_LABELS = {"i", "int", "interviewer", "intervieweren", "evaluator"}
INTERPRETER_LABELS = {"tolk", "tolken"}


@dataclass(frozen=True)
class EvidenceRow:
    group: str  # respondent group name
    documents: int  # documents in the group with at least one segment coded with the code
    documents_total: int  # included documents in the group
    persons: int | None  # interviewed persons mentioning the code; None for groups without interviews
    segments: dict[str, int]  # valence → coded segments


@dataclass(frozen=True)
class QuoteCandidate:
    doc_id: str
    segment_id: str
    text: str
    attribution: str
    valence: str
    code: str


def primary_coder(current: Iterable[Coding]) -> str | None:
    """The coder with the most current codings (consensus excluded), or None."""
    counts = Counter(c.coder for c in current if c.coder != CONSENSUS)
    return counts.most_common(1)[0][0] if counts else None


def analysis_codings(current: list[Coding], primary: str | None = None) -> list[Coding]:
    """The codings the chapter is built on (see the module docstring), from the current codings.

    `primary` is the primary coder; None picks the coder with the most current codings.
    """
    consensus_docs = {c.doc_id for c in current if c.coder == CONSENSUS}
    primary = primary if primary is not None else primary_coder(current)
    return [
        c for c in current
        if (c.coder == CONSENSUS and c.doc_id in consensus_docs)
        or (c.coder == primary and c.doc_id not in consensus_docs)
    ]


class Evidence:
    """The analysis codings of a project, indexed once by code and segment.

    Given the current codings (`CodingStore.current(corpus)`), the corpus and the codebook explicitly;
    the report wires them from its project.
    """

    def __init__(
        self,
        current: list[Coding],
        corpus: Corpus,
        codebook: Codebook,
        primary: str | None = None,
        min_group_size: int = MIN_GROUP_SIZE,
    ):
        self.corpus = corpus
        self.codebook = codebook
        self.min_group_size = min_group_size
        self.codings = analysis_codings(current, primary)
        # code → (doc_id, segment_id) → valences the segment is coded with
        self._segments: dict[str, dict[tuple[str, str], set[str]]] = defaultdict(lambda: defaultdict(set))
        # code → (doc_id, segment_id) → the codings behind it: what each count counts, for the chapter's companion
        self._codings: dict[str, dict[tuple[str, str], list[Coding]]] = defaultdict(lambda: defaultdict(list))
        for coding in self.codings:
            document = corpus[coding.doc_id]  # current codings are on documents of the corpus
            for segment in coded_segments(coding, document):
                self._segments[coding.code][(coding.doc_id, segment.id)].add(coding.valence)
                self._codings[coding.code][(coding.doc_id, segment.id)].append(coding)

    def codings_behind(self, code: str) -> dict[tuple[str, str], list[Coding]]:
        """The analysis codings behind each (document, segment) that `table(code)` counts."""
        return dict(self._codings.get(code, {}))

    def table(self, code: str) -> list[EvidenceRow]:
        """Per respondent group with included documents: documents, persons and segments by valence."""
        segments = self._segments.get(code, {})
        rows = []
        for group in self.codebook.respondent_groups:
            documents = [d for d in self.corpus.included if d.meta.group == group.key]
            if not documents:
                continue
            ids = {d.id for d in documents}
            coded = {doc for doc, _ in segments if doc in ids}
            counts = {v: 0 for v in VALENCES}
            for (doc, _), valences in segments.items():
                if doc in ids:
                    for valence in valences:
                        counts[valence] += 1
            interviews = [d for d in documents if d.meta.type in PERSON_TYPES]
            persons = sum(1 for d in interviews if d.id in coded) if interviews else None
            rows.append(EvidenceRow(group.name, len(coded), len(documents), persons, counts))
        return rows

    def quotes(self, code: str) -> list[QuoteCandidate]:
        """Starred quotes for a code in document order, one per document first (a variety of voices)."""
        found = []
        for coding in self.codings:
            if coding.code != code or not coding.quote:
                continue
            document = self.corpus[coding.doc_id]
            segment = document.segment(coding.segment_id) if coding.segment_id else None
            speaker = (segment.speaker or "").lower() if segment else ""
            if speaker in INTERVIEWER_LABELS:
                continue
            label = attribution(self.corpus, self.codebook, document, self.min_group_size)
            if speaker in INTERPRETER_LABELS:
                label += ", gengivet af tolk"
            text = " ".join(document.body[coding.start : coding.end].split())
            found.append(QuoteCandidate(coding.doc_id, coding.segment_id or "", text, label, coding.valence, code))
        found.sort(key=lambda q: (q.doc_id, q.segment_id))
        first: list[QuoteCandidate] = []
        rest: list[QuoteCandidate] = []
        seen: set[str] = set()
        for quote in found:
            (rest if quote.doc_id in seen else first).append(quote)
            seen.add(quote.doc_id)
        return first + rest


def persons_in(corpus: Corpus, group: str, unit: str | None = None) -> int:
    return sum(
        1 for d in corpus.included
        if d.meta.group == group and d.meta.type in PERSON_TYPES and (unit is None or d.meta.unit == unit)
    )


def attribution(corpus: Corpus, codebook: Codebook, document: Document, min_group_size: int = MIN_GROUP_SIZE) -> str:
    """The role label for a quote, coarsened when the group (or its unit) has too few people to hide in.

    The group's `min_persons` in the codebook, when given, overrides the project's min_group_size."""
    group = codebook.respondent_group(document.meta.group)
    uses_unit = "{unit}" in group.attribution
    people = persons_in(corpus, group.key, document.meta.unit if uses_unit else None)
    minimum = group.min_persons if group.min_persons is not None else min_group_size
    if document.meta.type == "interview" and people < minimum:
        return group.coarse_attribution
    if document.meta.type == "interview" and "{role}" in group.attribution:
        # one father among mothers, one physiotherapist among caseworkers: the role alone would name the person
        same_role = sum(
            1 for d in corpus.included
            if d.meta.group == group.key and d.meta.type in PERSON_TYPES
            and d.meta.role.lower() == document.meta.role.lower()
            and (not uses_unit or d.meta.unit == document.meta.unit)
        )
        if same_role < minimum:
            return group.coarse_attribution
    return group.attribution.format(role=document.meta.role, unit=document.meta.unit or "").strip(", ")
