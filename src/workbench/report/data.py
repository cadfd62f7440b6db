"""Everything the chapter reports, computed once from the project (`ChapterData`).

Codings, agreement, evidence, self-evaluation and survey results, and the user-written texts the chapter
carries (remembered in `sources` for the export checks). The sections (`report.sections`) lay it out;
nothing here writes files.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from workbench.coding import evidence
from workbench.coding.agreement import AgreementReport, agreement
from workbench.coding.retrieval import SegmentKey, segment_codings
from workbench.coding.store import Coding
from workbench.io.text import read_text as read_user_text
from workbench.judgements.chapter import AssessmentChapter, PrincipleAssessment, chapter_assessments
from workbench.lang import numbers as numfmt
from workbench.privacy.guard import TextSource
from workbench.project import Project
from workbench.project.settings import SETTINGS_FILE, ProjectSettings
from workbench.report.model import (
    COUNT,
    GIVEN,
    MEAN,
    SHARE,
    STATISTIC,
    SUM,
    Cell,
    DeferredSources,
    Source,
    Tally,
)
from workbench.selfeval.answers import AnswerFile, has_answers, submitted_files
from workbench.selfeval.form import ADHERENCE, form_path, load_form
from workbench.selfeval.summary import DisagreementLimits, summary_table
from workbench.surveys.load import load_surveys
from workbench.surveys.model import Survey, normalise
from workbench.surveys.summary import ItemResult, SmallNumbers, summarise

WITHDRAWN = "kilderne listes ikke: samtykket er trukket tilbage"
SMALL_GROUP = "undertrykt: gruppen har for få interviewede personer; kilderne listes ikke"
FEW_ANSWERS = "undertrykt: for få besvarelser; kilderne listes ikke"


@dataclass
class ChapterData:
    project: Project

    @cached_property
    def codebook(self):
        return self.project.codebook

    @cached_property
    def corpus(self):
        return self.project.corpus

    @cached_property
    def settings(self) -> ProjectSettings:
        return self.project.settings

    @cached_property
    def disagreement_limits(self) -> DisagreementLimits:
        return DisagreementLimits.of(self.project)

    @cached_property
    def survey_limits(self) -> SmallNumbers:
        return SmallNumbers.of(self.project)

    @cached_property
    def current_codings(self):
        """Every coder's current codings, checked against the transcripts once (a hash per coding)."""
        return self.project.coding_store().current(self.corpus)

    @cached_property
    def primary_coder(self) -> str | None:
        """project.yaml's primary_coder, else the coder with the most current codings."""
        return self.settings.primary_coder or evidence.primary_coder(self.current_codings)

    @cached_property
    def agreements(self) -> list[AgreementReport]:
        """Every pair of coders (consensus excluded) who coded the same documents."""
        store = self.project.coding_store()
        current = self.current_codings
        docs: dict[str, set[str]] = {}
        for coding in current:
            if coding.coder != evidence.CONSENSUS:
                docs.setdefault(coding.coder, set()).add(coding.doc_id)
        coders = sorted(docs, key=lambda c: (c != self.primary_coder, c))
        reports = []
        for i, a in enumerate(coders):
            for b in coders[i + 1 :]:
                if docs[a] & docs[b]:
                    reports.append(agreement(store, self.corpus, self.codebook, a, b))
        return reports

    @cached_property
    def selfeval_table(self) -> pd.DataFrame | None:
        if not form_path(self.project).exists() or not has_answers(self.project):
            return None
        table = summary_table(self.project)
        return None if table.empty else table

    @cached_property
    def selfeval_form(self):
        return load_form(self.project) if self.selfeval_table is not None else None

    @cached_property
    def surveys(self) -> list[Survey]:
        return load_surveys(self.project)

    @cached_property
    def survey_results(self) -> dict[str, list[ItemResult]]:
        return {s.name: summarise(s) for s in self.surveys}

    @cached_property
    def evidence_index(self) -> evidence.Evidence:
        return evidence.Evidence(
            self.current_codings, self.corpus, self.codebook, self.primary_coder, self.settings.min_group_size
        )

    @cached_property
    def assessments(self) -> AssessmentChapter:
        """The evaluators' judgements of the latest judged round (none filled in by the software)."""
        return chapter_assessments(self.project)

    def assessment(self, key: str) -> PrincipleAssessment | None:
        return next((a for a in self.assessments.principles if a.principle == key), None)

    @cached_property
    def source_kinds(self) -> list[str]:
        """The kinds of data the project holds, in Danish, for sentences that name the sources."""
        types = {d.meta.type for d in self.corpus.included}
        kinds = [name for kind, name in (("interview", "interview"), ("focus_group", "fokusgrupper"),
                                         ("observation", "observationer")) if kind in types]
        if self.selfeval_table is not None:
            kinds.append("selvevalueringer")
        if self.surveys:
            kinds.append("spørgeskemaer")
        return kinds

    @cached_property
    def small_groups(self) -> set[str]:
        """Names of the respondent groups with interviews from fewer people than the group's minimum: their
        counts are suppressed in every table, so no one can be recognised by them."""
        found = set()
        for group in self.codebook.respondent_groups:
            people = evidence.persons_in(self.corpus, group.key)
            minimum = group.min_persons if group.min_persons is not None else self.settings.min_group_size
            if 0 < people < minimum:
                found.add(group.name)
        return found

    @cached_property
    def small_group_keys(self) -> frozenset[str]:
        """The keys of `small_groups`, as documents name their group."""
        return frozenset(g.key for g in self.codebook.respondent_groups if g.name in self.small_groups)

    @cached_property
    def shown_documents(self) -> list:
        """The included documents outside the small groups: what every document count in the chapter counts."""
        return [d for d in self.corpus.included if d.meta.group not in self.small_group_keys]

    def shown_evidence(self, code: str) -> list[evidence.EvidenceRow]:
        """The evidence rows whose counts may be printed (small groups left out of every sum)."""
        return [r for r in self.evidence(code) if r.group not in self.small_groups]

    def evidence(self, code: str) -> list[evidence.EvidenceRow]:
        return self.evidence_index.table(code)

    def selfeval_rows(self, key: str) -> pd.DataFrame | None:
        """The self-evaluation summary rows of one principle, or None when it has none."""
        if self.selfeval_table is None:
            return None
        rows = self.selfeval_table[self.selfeval_table["principle"] == key]
        return None if rows.empty else rows

    def memo(self, code: str) -> str:
        return self.read_exported(self.project.memos.path(code=code))

    def read_exported(self, path) -> str:
        """Text of a user-written file the chapter uses; remembered for the export checks."""
        if not path.exists():
            return ""
        text = read_user_text(path)  # a memo saved in Windows-1252 is read, other encodings refused by name
        self.sources.append(TextSource(self.project.relative(path), text))
        return text

    @cached_property
    def sources(self) -> list[TextSource]:
        return []

    # ------------------------------------------------------------ provenance: what each printed number counts
    # The sections put a `Cell` with these tallies where they print a number; report.companion lists them.

    def _group_keys(self, names: Iterable[str]) -> set[str]:
        wanted = set(names)
        return {g.key for g in self.codebook.respondent_groups if g.name in wanted}

    def coding_tally(self, code: str, groups: Iterable[str], what: str, valence: str | None = None,
                     by: str = "segment") -> Tally:
        """The analysis codings behind a count of `code` in the named respondent groups.

        by "segment": each segment once per valence (as `Evidence.table` counts); "document": each document
        with the code once; "person": each interview with the code once."""
        names = list(groups)
        if any(name in self.small_groups for name in names):
            return Tally(what, COUNT, None, suppressed=SMALL_GROUP)
        keys = self._group_keys(names)

        def counted() -> Iterator[tuple[str, str, str, Coding]]:  # (unit, document, segment, coding)
            for (doc_id, segment_id), codings in sorted(self.evidence_index.codings_behind(code).items()):
                document = self.corpus[doc_id]
                if document.meta.group not in keys or (
                        by == "person" and document.meta.type not in evidence.PERSON_TYPES):
                    continue
                for coding in codings:
                    if valence is not None and coding.valence != valence:
                        continue
                    unit = f"{doc_id} {segment_id} ({coding.valence})" if by == "segment" else doc_id
                    yield unit, doc_id, segment_id, coding

        def listed() -> Iterator[Source]:
            for unit, doc_id, segment_id, coding in counted():
                yield Source(
                    "kodning", unit, coding.id, doc_id, f"{segment_id}, tegn {coding.start}–{coding.end}",
                    coding.coder, f"{coding.code} {coding.valence}", coding=coding,
                )

        # the count now, the sources when read: only the companion lists them (DeferredSources)
        return Tally(what, COUNT, float(len({unit for unit, *_ in counted()})), DeferredSources(listed))

    def documents_tally(self, documents: list, what: str = "dokumenter", words: bool = False) -> Tally:
        """Documents counted (or their words summed)."""
        found = tuple(
            Source("dokument", d.id, self._relative_path(d), d.id, d.meta.type, subject=d.meta.group,
                   number=float(d.word_count) if words else None)
            for d in documents
        )
        if words:
            return Tally(what, SUM, float(sum(d.word_count for d in documents)), found)
        return Tally(what, COUNT, float(len(documents)), found)

    def _relative_path(self, document) -> str:
        """The document's path in the project, worked out once (a table of the corpus asks for it per cell)."""
        known = self._relative_paths.get(document.id)
        if known is None or known[0] != document.path:
            known = self._relative_paths[document.id] = (document.path, self.project.relative(document.path))
        return known[1]

    @cached_property
    def _relative_paths(self) -> dict[str, tuple]:
        return {}

    def group_documents_tally(self, group: str, what: str = "dokumenter i gruppen") -> Tally:
        if group in self.small_groups:
            return Tally(what, COUNT, None, suppressed=SMALL_GROUP)
        keys = self._group_keys([group])
        return self.documents_tally([d for d in self.corpus.included if d.meta.group in keys], what)

    @staticmethod
    def suppressed_tally(what: str, reason: str = SMALL_GROUP) -> Tally:
        return Tally(what, COUNT, None, suppressed=reason)

    @cached_property
    def selfeval_answers(self) -> list[AnswerFile]:
        """The submitted answers the self-evaluation summary counts (one per respondent and half year)."""
        return submitted_files(self.project, self.selfeval_form) if self.selfeval_form is not None else []

    def selfeval_tally(self, principle: str, period: str, item: str, what: str = "svar",
                       method: str = MEAN, label: str = "") -> Tally:
        """The submitted answers behind one figure of `summary_table` (suppressed below min_respondents)."""
        found = []
        for answer in self.selfeval_answers:
            evaluation = answer.evaluation
            value = evaluation.value(principle, item) if str(evaluation.period) == period else None
            if value is None:
                continue
            found.append(Source(
                "selvevaluering", f"{evaluation.respondent} {period}", self.project.relative(answer.path),
                place=period, who=evaluation.respondent, subject=f"{principle} {item}", value=str(value),
                number=float(value),
            ))
        if len(found) < self.settings.min_respondents:
            return Tally(what, method, None, suppressed=FEW_ANSWERS, label=label)
        numbers = [s.number for s in found if s.number is not None]
        value = sum(numbers) / len(numbers) if method == MEAN else float(len(found))
        return Tally(what, method, value, tuple(found), label=label)

    def _survey_rows(self, survey: Survey, item_key: str, time_point: str) -> list[Source]:
        item = next(i for i in survey.item_map.items if i.key == item_key)
        valid = {normalise(v) for v in item.valid_labels}
        positive = {normalise(v) for v in item.positive}
        path = self.project.relative(survey.data_path)
        found = []
        for sheet in survey.sheets:
            if sheet.time_point != time_point:
                continue
            answer = sheet.answers.get(item.key)
            is_valid = answer is not None and normalise(answer) in valid
            found.append(Source(
                "spørgeskema", f"{path}:{sheet.line}", f"{path}:{sheet.line}", place=f"linje {sheet.line}",
                subject=item.question, value=answer or "(blank)",
                counts=is_valid and answer is not None and normalise(answer) in positive,
                number=1.0 if is_valid else 0.0,
            ))
        return found

    def _aggregated_row(self, survey: Survey, result: ItemResult, what: str, label: str, value: str) -> Tally:
        """An aggregated table's row, which states the figure (`value`: percent, n_valid or n_excluded)."""
        row = next(r for r in survey.aggregated if r.item == result.item and r.time_point == result.time_point)
        path = self.project.relative(survey.data_path)
        question = next(i.question for i in survey.item_map.items if i.key == result.item)
        source = Source("spørgeskema", f"{path}:{row.line}", f"{path}:{row.line}", place=f"linje {row.line}",
                        subject=question, value=f"{row.percent} %, n = {row.n_valid}, udeladt {row.n_excluded}",
                        number=float(getattr(row, value)))
        return Tally(what, GIVEN, float(getattr(row, value)), (source,), label=label)

    def survey_share_tally(self, survey: Survey, result: ItemResult, label: str = "") -> Tally:
        """The answer sheets behind a share: the valid answers, those in the share marked as counting."""
        what = "andel af gyldige svar"
        if result.suppressed:
            return Tally(what, SHARE, None, suppressed=FEW_ANSWERS, label=label)
        if survey.item_map.format != "respondent":
            return self._aggregated_row(survey, result, what, label, "percent")
        valid = [s for s in self._survey_rows(survey, result.item, result.time_point) if s.number]
        return Tally(what, SHARE, result.percent, tuple(valid), label=label)

    def survey_count_tally(self, survey: Survey, result: ItemResult, excluded: bool = False,
                           label: str = "") -> Tally:
        """The answer sheets behind n valid (or n excluded) of one item and time point."""
        what = "udeladte svar" if excluded else "gyldige svar"
        if result.suppressed:
            return Tally(what, COUNT, None, suppressed=FEW_ANSWERS, label=label)
        if survey.item_map.format != "respondent":
            return self._aggregated_row(survey, result, what, label, "n_excluded" if excluded else "n_valid")
        rows = [s for s in self._survey_rows(survey, result.item, result.time_point) if bool(s.number) != excluded]
        return Tally(what, COUNT, float(len(rows)), tuple(rows), label=label)

    def survey_sheets_tally(self, survey: Survey, time_point: str) -> Tally:
        """Every answer sheet of one time point (a respondent-level survey)."""
        path = self.project.relative(survey.data_path)
        rows = tuple(Source("spørgeskema", f"{path}:{s.line}", f"{path}:{s.line}", place=f"linje {s.line}")
                     for s in survey.sheets if s.time_point == time_point)
        return Tally("besvarede skemaer", COUNT, float(len(rows)), rows)

    def agreement_tallies(self, report: AgreementReport, code: str | None) -> tuple[Tally, Tally, Tally]:
        """n, percent agreement and the basis of the statistics of one code (None: all codes, "I alt").

        A unit is a segment (for "I alt" a code × segment decision); it counts when both coders gave the code
        or both did not. The three tallies share their sources, listed only when read (`DeferredSources`): a
        unit × code list of a season's double coding runs to millions, which only the companion lays out.
        The two counts come from the units where either coder gave a code, without listing them."""
        key = (tuple(report.coders), code)
        if key not in self._agreement_tally_cache:  # one list of units per figure, however often it is printed
            self._agreement_tally_cache[key] = self._agreement_tallies(report, code)
        return self._agreement_tally_cache[key]

    @cached_property
    def _agreement_tally_cache(self) -> dict[tuple, tuple[Tally, Tally, Tally]]:
        return {}

    def _agreement_tallies(self, report: AgreementReport, code: str | None) -> tuple[Tally, Tally, Tally]:
        a, b = report.coders
        by_code = self._agreement_index(report)
        codes = [code] if code is not None else [c.code for c in report.per_code]
        units = report.units
        wanted = self._unit_set(report)
        disagreeing = 0
        for key in dict.fromkeys(codes):
            for unit, codings in by_code.get(key, {}).items():
                if unit in wanted and any(c.coder == a for c in codings) != any(c.coder == b for c in codings):
                    disagreeing += 1
        # every (code, unit) gives one distinct unit (ids hold no spaces), agreeing unless one coder alone gave it
        n = len(dict.fromkeys(codes)) * len(wanted)
        agreeing = n - disagreeing

        def listed() -> Iterator[Source]:
            for key in codes:
                coded = by_code.get(key, {})
                for doc_id, segment_id in units:
                    codings = coded.get((doc_id, segment_id), [])
                    has_a = any(c.coder == a for c in codings)
                    has_b = any(c.coder == b for c in codings)
                    unit = f"{doc_id} {segment_id}" if code is not None else f"{key} {doc_id} {segment_id}"
                    given = f"{a}: {'ja' if has_a else 'nej'}, {b}: {'ja' if has_b else 'nej'}"
                    options: list[Coding | None] = [*codings] or [None]
                    for coding in options:
                        yield Source(
                            "kodning", unit, coding.id if coding else "–", doc_id,
                            f"{segment_id}" + (f", tegn {coding.start}–{coding.end}" if coding else ""),
                            coding.coder if coding else "", key, given, counts=has_a == has_b, coding=coding,
                        )

        # "I alt" lists each code's units again (with the code in the unit): made of the codes' own lists
        parts = [self.agreement_tallies(report, key)[0].sources for key in dict.fromkeys(codes)] if code is None \
            else []
        sources = DeferredSources(listed, parts)
        return (Tally("enheder", COUNT, float(n), sources),
                Tally("enheder, hvor koderne er enige", SHARE, 100 * agreeing / n if n else None, sources),
                Tally("enheder, som målet er beregnet over", STATISTIC, None, sources))

    def _agreement_index(self, report: AgreementReport) -> dict[str, dict[SegmentKey, list[Coding]]]:
        """code → segment → the two coders' current codings of it there, in the order of `current_codings`;
        grouped once per pair of coders, not once per row of the agreement table."""
        pair = tuple(report.coders)
        if pair not in self._agreement_indexes:
            current = [c for c in self.current_codings if c.coder in pair]
            index: dict[str, dict[SegmentKey, list[Coding]]] = {}
            for unit, codings in segment_codings(current, self.corpus).items():
                for coding in codings:
                    index.setdefault(coding.code, {}).setdefault(unit, []).append(coding)
            self._agreement_indexes[pair] = index
        return self._agreement_indexes[pair]

    @cached_property
    def _agreement_indexes(self) -> dict[tuple, dict[str, dict[SegmentKey, list[Coding]]]]:
        return {}

    # ------------------------------------------------------------ figures in running text (report.model.prose)
    # A number printed in a sentence is a Cell as well; these give the ones that are not counts of the material.

    def setting(self, name: str, what: str = "") -> Cell:
        """A threshold from project.yaml printed in a note ("færre end 5 dokumenter"), traced to its line."""
        value = getattr(self.settings, name)
        path = self.project.root / SETTINGS_FILE
        lines = read_user_text(path).splitlines() if path.exists() else []
        line = next((i for i, text in enumerate(lines, 1) if text.startswith(f"{name}:")), None)
        reference = f"{SETTINGS_FILE}:{line}" if line else f"{SETTINGS_FILE} (standardværdi)"
        text = numfmt.integer(value) if isinstance(value, int) else numfmt.decimal(value, 1)
        source = Source("indstilling", name, reference, value=text, number=float(value))
        return Cell(text, Tally(what or f"indstillingen {name}", GIVEN, float(value), (source,)))

    def codebook_tally(self, keys: Iterable[str], what: str) -> Tally:
        """A count of codebook entries (codes, questions), each entry a source in the codebook file."""
        path = self.project.relative(self.project.codebook_path)
        found = tuple(Source("kodebog", key, path, subject=key) for key in keys)
        return Tally(what, COUNT, float(len(found)), found)

    def scale_ends(self) -> tuple[Cell, Cell]:
        """The self-evaluation scale's lowest and highest score, from the form."""
        form = self.selfeval_form
        scale = form.scale_of(form.score_items[0])
        path = self.project.relative(form_path(self.project))
        return tuple(  # type: ignore[return-value]
            Cell(numfmt.integer(value), Tally(what, GIVEN, float(value), (
                Source("selvevalueringsskema", what, path, value=str(value), number=float(value)),)))
            for what, value in (("skalaens laveste trin", scale.min), ("skalaens højeste trin", scale.max)))

    def count(self, tally: Tally, singular: str = "", plural: str = "") -> Cell:
        """A tally's value as a whole number ("18", or "18 dokumenter" with nouns), carrying the tally."""
        value = int(tally.value or 0)
        text = numfmt.count_noun(value, singular, plural) if singular else numfmt.integer(value)
        return Cell(text, tally)

    def withdrawn_tally(self) -> Tally:
        """The documents left out because consent was withdrawn: counted, never listed (the gate refuses them)."""
        return Tally("dokumenter udeladt (samtykket trukket tilbage)", COUNT, float(len(self.corpus.withdrawn)),
                     suppressed=WITHDRAWN)

    def periods_tally(self) -> Tally:
        """The half years with submitted self-evaluations (each answer a source, its half year the unit)."""
        found = tuple(
            Source("selvevaluering", str(answer.evaluation.period), self.project.relative(answer.path),
                   place=str(answer.evaluation.period), who=answer.evaluation.respondent)
            for answer in self.selfeval_answers
        )
        return Tally("halvår med selvevalueringer", COUNT, float(len({s.unit for s in found})), found)

    def groups_tally(self, groups: list[str], what: str) -> Tally:
        """Respondent groups of the codebook, one source each."""
        path = self.project.relative(self.project.codebook_path)
        found = tuple(Source("respondentgruppe", name, path, subject=name) for name in groups)
        return Tally(what, COUNT, float(len(found)), found)

    def agreement_units_tally(self, report: AgreementReport) -> Tally:
        """The units (segments) both coders' agreement is computed over; listed only when read (a season's
        double coding has hundreds of thousands, which only the companion lays out)."""
        def listed() -> Iterator[Source]:
            for doc, segment in report.units:
                yield Source("segment", f"{doc} {segment}", f"{doc} {segment}", doc, segment)

        return Tally("enheder i dobbeltkodningen", COUNT, float(len(report.units)), DeferredSources(listed))

    def agreement_documents_tally(self, report: AgreementReport, complete: bool = False) -> Tally:
        """The documents both coders coded (or marked fully coded), by their units."""
        if complete:
            store = self.project.coding_store()
            done = set(store.completed_documents(report.coders[0])) & set(store.completed_documents(report.coders[1]))
        docs = [d for d in dict.fromkeys(doc for doc, _ in report.units) if not complete or d in done]
        found = tuple(Source("dokument", d, self._relative_path(self.corpus[d]), d) for d in docs)
        what = "dokumenter færdigkodet af begge" if complete else "dokumenter kodet af begge"
        return Tally(what, COUNT, float(len(found)), found)

    def agreement_only_tally(self, report: AgreementReport, coder: str) -> Tally:
        """The units only `coder` of the two gave a code (the other gave none): counted as disagreement;
        listed only when read."""
        other = next(c for c in report.coders if c != coder)
        coded = self._unit_coders(report)
        only = [unit for unit in report.units if coder in coded.get(unit, ()) and other not in coded.get(unit, ())]

        def listed() -> Iterator[Source]:
            for doc, segment in only:
                yield Source("segment", f"{doc} {segment}", f"{doc} {segment}", doc, segment, who=coder)

        return Tally(f"enheder kodet kun af {coder}", COUNT, float(len(only)), DeferredSources(listed))

    def _unit_coders(self, report: AgreementReport) -> dict[SegmentKey, set[str]]:
        """unit → which of the two coders gave it a code; made once per pair of coders."""
        pair = tuple(report.coders)
        if pair not in self._unit_coder_maps:
            coded: dict[SegmentKey, set[str]] = {}
            for by_unit in self._agreement_index(report).values():
                for unit, codings in by_unit.items():
                    coded.setdefault(unit, set()).update(c.coder for c in codings)
            self._unit_coder_maps[pair] = coded
        return self._unit_coder_maps[pair]

    @cached_property
    def _unit_coder_maps(self) -> dict[tuple, dict[SegmentKey, set[str]]]:
        return {}

    def selfeval_count(self, period: str) -> Cell:
        """A half year's submitted self-evaluations: the answers to the principle most respondents answered."""
        table = self.selfeval_table
        assert table is not None  # asked only where the project has self-evaluations
        part = table[(table["item"] == ADHERENCE) & (table["period"] == period)]
        largest = part.loc[part["n"].idxmax()]
        return Cell(numfmt.integer(part["n"].max()),
                    self.selfeval_tally(largest["principle"], period, ADHERENCE, "besvarelser", COUNT))

    def survey_count(self, survey: Survey, time_point: str) -> Cell:
        """A time point's largest number of valid answers to one question, with the answers behind it."""
        results = [r for r in self.survey_results[survey.name] if r.time_point == time_point]
        largest = max(results, key=lambda r: r.n_valid, default=None)
        if largest is None:
            return Cell("0", Tally("gyldige svar", COUNT, 0.0))
        return Cell(numfmt.integer(largest.n_valid), self.survey_count_tally(survey, largest))

    def survey_answers(self, survey: Survey, time_point: str) -> tuple[Cell, bool]:
        """A time point's answers as the chapter counts them wherever it says n: the answer sheets of a
        respondent-level survey, else the largest number of valid answers to one question; the flag says it
        is the latter (the text then says so)."""
        if survey.item_map.format == "respondent":
            return Cell(numfmt.integer(survey.answer_sheets(time_point)),
                        self.survey_sheets_tally(survey, time_point)), False
        return self.survey_count(survey, time_point), True

    def survey_items_tally(self, survey: Survey, items: list[str],
                           what: str = "spørgsmål målt ved start og slut") -> Tally:
        """Questions of a survey's item map, one source each (the map's file)."""
        path = self.project.relative(survey.map_path)
        found = tuple(Source("spørgeskemakort", key, path, subject=next(i.question for i in survey.item_map.items
                                                                        if i.key == key)) for key in items)
        return Tally(what, COUNT, float(len(found)), found)

    def _unit_set(self, report: AgreementReport) -> set[SegmentKey]:
        """The report's units as a set, made once per pair of coders rather than once per row of its table (a
        season's units times the codebook's codes)."""
        pair = tuple(report.coders)
        if pair not in self._unit_sets:
            self._unit_sets[pair] = set(report.units)
        return self._unit_sets[pair]

    @cached_property
    def _unit_sets(self) -> dict[tuple, set[SegmentKey]]:
        return {}
