"""Everything the chapter reports, computed once from the project (`ChapterData`).

Codings, agreement, evidence, self-evaluation and survey results, and the user-written texts the chapter
carries (remembered in `sources` for the export checks). The sections (`report.sections`) lay it out;
nothing here writes files.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from workbench.coding import evidence
from workbench.coding.agreement import AgreementReport, agreement
from workbench.io.text import read_text as read_user_text
from workbench.judgements.chapter import AssessmentChapter, PrincipleAssessment, chapter_assessments
from workbench.privacy.guard import TextSource
from workbench.project import Project
from workbench.project.settings import ProjectSettings
from workbench.selfeval.answers import has_answers
from workbench.selfeval.form import form_path, load_form
from workbench.selfeval.summary import DisagreementLimits, summary_table
from workbench.surveys.load import load_surveys
from workbench.surveys.model import Survey
from workbench.surveys.summary import ItemResult, SmallNumbers, summarise


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
    def shown_documents(self) -> list:
        """The included documents outside the small groups: what every document count in the chapter counts."""
        small = {g.key for g in self.codebook.respondent_groups if g.name in self.small_groups}
        return [d for d in self.corpus.included if d.meta.group not in small]

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
