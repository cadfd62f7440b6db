"""The evidence a judgement can rest on, picked from lists and cited by reference.

A reference is a short text that a person can also write by hand in an assessment file:
  kodning:<coding id>                     a coding (any coder's, on a document with consent)
  citat:<coding id>                       a coding starred as a quote
  selvevaluering:<principle>/<half year>/<item>   a self-evaluation figure, e.g. selvevaluering:P1/2025-H2/adherence
  spoergeskema:<survey>/<item>            a survey item with its time points and change,
                                          e.g. spoergeskema:familier/overskue_aftaler
An id that never existed is an error in the file. A coding whose document was withdrawn or deleted,
whose text changed, or which its coder removed, is *unavailable*: reported by reference and reason,
never with its text, and left out of everything the judgement is shown in.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

from workbench.coding.evidence import INTERVIEWER_LABELS, analysis_codings, attribution
from workbench.coding.store import Coding, staleness
from workbench.errors import WorkbenchError
from workbench.judgements.model import QUESTIONS
from workbench.material.codebook import VALENCES
from workbench.project import Project

KINDS = ("kodning", "citat", "selvevaluering", "spoergeskema")
NO_QUESTION = "uden spørgsmål"  # a coding of the principle that does not say which question it speaks to


@dataclass(frozen=True)
class CodingEvidence:
    ref: str
    coding_id: str
    coder: str
    doc_id: str
    segment_id: str | None
    group: str  # respondent group key
    attribution: str  # "(Rådgiver, BIF)" without brackets, coarsened for small groups
    code: str
    valence: str
    question: str | None  # relevans | efterlevelse | resultat, when the coder said
    quote: bool
    text: str  # the coded words (only ever from a document with consent)


@dataclass(frozen=True)
class SelfevalEvidence:
    ref: str
    principle: str
    period: str
    item: str
    item_label: str
    n: int
    mean: float | None  # None (and the rest too) when suppressed: fewer respondents than project.yaml allows
    median: float | None
    min: int | None
    max: int | None
    suppressed: bool = False


@dataclass(frozen=True)
class SurveyPoint:
    time_point: str
    label: str
    n_valid: int
    percent: float | None  # None when suppressed (too few answers)
    suppressed: bool
    flagged: bool


@dataclass(frozen=True)
class SurveyEvidence:
    ref: str
    survey: str
    survey_title: str
    item: str
    question: str
    lower_is_better: bool
    principles: tuple[str, ...]
    points: tuple[SurveyPoint, ...]
    change_points: float | None  # first → last time point, procentpoint; None when unmeasured or suppressed


@dataclass(frozen=True)
class Unavailable:
    """Cited evidence that can no longer be shown; `reason` is Danish and carries no text from the material."""

    ref: str
    reason: str
    withdrawn: bool = False  # the document's consent was withdrawn


Evidence = CodingEvidence | SelfevalEvidence | SurveyEvidence


@dataclass(frozen=True)
class CodingTableRow:
    """Codings of a principle by respondent group, valence and the question they speak to (segments, not people)."""

    group: str  # respondent group name
    valence: str
    counts: dict[str, int] = field(default_factory=dict)  # question (or NO_QUESTION) → codings


class UnknownEvidence(ValueError):
    """A reference that names nothing in the project (a typo, or the wrong form); the message is Danish."""


def coding_ref(coding_id: str) -> str:
    return f"kodning:{coding_id}"


def quote_ref(coding_id: str) -> str:
    return f"citat:{coding_id}"


def selfeval_ref(principle: str, period: str, item: str) -> str:
    return f"selvevaluering:{principle}/{period}/{item}"


def survey_ref(survey: str, item: str) -> str:
    return f"spoergeskema:{survey}/{item}"


def split_ref(ref: str) -> tuple[str, str]:
    kind, sep, key = str(ref).partition(":")
    if not sep or kind not in KINDS or not key.strip():
        raise UnknownEvidence(
            f"henvisningen '{ref}' har en ugyldig form; brug kodning:<id>, citat:<id>, "
            "selvevaluering:<princip>/<halvår>/<spørgsmål> eller spoergeskema:<skema>/<spørgsmål>"
        )
    return kind, key.strip()


def coding_question(coding: Coding, fields: dict | None = None) -> str | None:
    """Which of the three questions a coding speaks to, read tolerantly: the store may not know the field yet."""
    value = getattr(coding, "question", None) or (fields or {}).get("question")
    return value if value in QUESTIONS else None


class EvidenceIndex:
    """Everything a project offers as evidence, loaded once, by principle and by reference."""

    def __init__(self, project: Project):
        self.project = project

    # ------------------------------------------------------------------ sources

    @cached_property
    def _store(self):
        return self.project.coding_store()

    @cached_property
    def _all_codings(self) -> dict[str, Coding]:
        return {c.id: c for c in self._store.codings()}

    @cached_property
    def _questions(self) -> dict[str, str]:
        """coding id → question, from the coding itself or the latest event that set one."""
        found: dict[str, str] = {}
        for event in self._store.history():
            question = (event.fields or {}).get("question")
            if question in QUESTIONS:
                found[event.coding_id] = question
        for coding in self._all_codings.values():
            question = coding_question(coding)
            if question:
                found[coding.id] = question
        return found

    @cached_property
    def _ever_coded(self) -> set[str]:
        return {e.coding_id for e in self._store.history()}

    @cached_property
    def _analysis(self) -> list[Coding]:
        current = self._store.current(self.project.corpus)
        return analysis_codings(current, self.project.settings.primary_coder)

    @cached_property
    def _selfeval(self) -> dict[str, SelfevalEvidence]:
        from workbench.selfeval.answers import has_answers
        from workbench.selfeval.summary import summary_table

        if not has_answers(self.project):
            return {}
        found = {}
        for row in summary_table(self.project).itertuples():
            if row.suppressed:  # too few answers to show; its figures can't be cited
                continue
            ref = selfeval_ref(row.principle, row.period, row.item)
            hidden = bool(getattr(row, "suppressed", False))
            found[ref] = SelfevalEvidence(
                ref, row.principle, row.period, row.item, row.item_label, int(row.n),
                None if hidden else float(row.mean), None if hidden else float(row.median),
                None if hidden else int(row.min), None if hidden else int(row.max), hidden,
            )
        return found

    @cached_property
    def _surveys(self) -> dict[str, SurveyEvidence]:
        from workbench.surveys.load import load_surveys
        from workbench.surveys.summary import changes, summarise

        found = {}
        for survey in load_surveys(self.project):
            results = summarise(survey)
            moved = {c.item: c.change_points for c in changes(survey, results)}
            for item in survey.item_map.items:
                points = tuple(
                    SurveyPoint(r.time_point, survey.time_label(r.time_point), r.n_valid, r.percent, r.suppressed,
                                r.flagged)
                    for r in results if r.item == item.key
                )
                ref = survey_ref(survey.name, item.key)
                found[ref] = SurveyEvidence(
                    ref, survey.name, survey.title, item.key, item.question, item.direction == "lower_is_better",
                    tuple(item.principles), points, moved.get(item.key),
                )
        return found

    # ------------------------------------------------------------------ by reference

    def resolve(self, ref: str) -> Evidence | Unavailable:
        """The evidence a reference names, or why it can't be shown; UnknownEvidence if it names nothing."""
        kind, key = split_ref(ref)
        if kind in ("kodning", "citat"):
            return self._resolve_coding(ref, kind, key)
        if kind == "selvevaluering":
            if key.count("/") != 2:
                raise UnknownEvidence(
                    f"henvisningen '{ref}' skal have formen selvevaluering:<princip>/<halvår>/<spørgsmål>, "
                    "fx selvevaluering:P1/2025-H2/adherence"
                )
            figure = self._selfeval.get(ref)
            if figure is None:
                raise UnknownEvidence(
                    f"selvevalueringstallet '{key}' findes ikke (ingen indsendte svar på det spørgsmål i det halvår)"
                )
            return figure
        found = self._surveys.get(ref)
        if found is None:
            known = ", ".join(sorted({s.survey for s in self._surveys.values()})) or "ingen"
            raise UnknownEvidence(f"spørgeskemaspørgsmålet '{key}' findes ikke (spørgeskemaer i projektet: {known})")
        return found

    def _resolve_coding(self, ref: str, kind: str, coding_id: str) -> CodingEvidence | Unavailable:
        coding = self._all_codings.get(coding_id)
        if coding is None:
            if coding_id in self._ever_coded:
                return Unavailable(ref, "kodningen er fjernet af koderen")
            raise UnknownEvidence(f"kodningen '{coding_id}' findes ikke i codings/")
        corpus = self.project.codable_corpus
        document = corpus.get(coding.doc_id)
        if document is None:
            return Unavailable(ref, f"dokumentet {coding.doc_id} findes ikke længere")
        if not document.included:
            return Unavailable(ref, f"samtykket til dokumentet {coding.doc_id} er trukket tilbage", withdrawn=True)
        if staleness(coding, corpus):
            return Unavailable(ref, f"teksten i {coding.doc_id} er ændret efter kodningen")
        if kind == "citat" and not coding.quote:
            return Unavailable(ref, f"kodningen {coding_id} er ikke (længere) markeret som citat")
        return self._coding_evidence(coding, document, kind)

    def _coding_evidence(self, coding: Coding, document, kind: str = "kodning") -> CodingEvidence:
        segment = document.segment(coding.segment_id) if coding.segment_id else None
        speaker = (segment.speaker or "").lower() if segment is not None else ""
        text = " ".join(document.body[coding.start : coding.end].split())
        if speaker in INTERVIEWER_LABELS:
            text = ""  # the interviewer's words are never shown as evidence of what a respondent said
        try:
            label = attribution(self.project.corpus, self.project.codebook, document)
        except WorkbenchError:  # a self-evaluation text's group may not be in the codebook
            label = document.meta.role
        ref = quote_ref(coding.id) if kind == "citat" else coding_ref(coding.id)
        return CodingEvidence(
            ref, coding.id, coding.coder, coding.doc_id, coding.segment_id, document.meta.group, label, coding.code,
            coding.valence, self._questions.get(coding.id), coding.quote, text,
        )

    # ------------------------------------------------------------------ by principle (the pick lists)

    def codings(self, principle: str) -> list[CodingEvidence]:
        """The principle's codings the chapter rests on (consensus where there is one, else the primary coder's)."""
        corpus = self.project.corpus
        return [
            self._coding_evidence(c, corpus.get(c.doc_id))
            for c in sorted(self._analysis, key=lambda c: (c.doc_id, c.start))
            if c.code == principle
        ]

    def quotes(self, principle: str) -> list[CodingEvidence]:
        corpus = self.project.corpus
        return [
            self._coding_evidence(c, corpus.get(c.doc_id), "citat")
            for c in sorted(self._analysis, key=lambda c: (c.doc_id, c.start))
            if c.code == principle and c.quote
        ]

    def selfeval(self, principle: str) -> list[SelfevalEvidence]:
        return [e for e in self._selfeval.values() if e.principle == principle]

    def surveys(self, principle: str) -> list[SurveyEvidence]:
        return [e for e in self._surveys.values() if principle in e.principles]

    def coding_table(self, principle: str) -> list[CodingTableRow]:
        """The principle's codings counted by respondent group and valence, split by question where coded."""
        groups = {g.key: g.name for g in self.project.codebook.respondent_groups}
        tally: Counter = Counter()
        for item in self.codings(principle):
            tally[(item.group, item.valence, item.question or NO_QUESTION)] += 1
        rows = []
        for key, name in groups.items():
            for valence in VALENCES:
                counts = {q: tally[(key, valence, q)] for q in (*QUESTIONS, NO_QUESTION)}
                if any(counts.values()):
                    rows.append(CodingTableRow(name, valence, counts))
        return rows
