"""Building the chapter model from a project: the sections in the chapter's order.

The chapter follows seed 000's principle chapter: method and data; one section per principle
(statement, the evaluator's memo under "Understøttende elementer" and "Udfordrende elementer",
the coded evidence by respondent group, starred quotes, the support team's self-evaluation, the
linked survey items and a triangulation line per data source); the nine effective factors; the
overall assessment by evaluation question; appendices. Everything is computed once in
`report.data.ChapterData` and laid out by `report.sections`; nothing here writes files.
"""

from __future__ import annotations

from collections.abc import Callable

from workbench.project import Project
from workbench.report.data import ChapterData
from workbench.report.model import Chapter
from workbench.report.sections.appendices import (
    agreement_appendix,
    codebook_appendix,
    survey_appendix,
)
from workbench.report.sections.assessment import assessment_section
from workbench.report.sections.closing import recommendations_section, references_section
from workbench.report.sections.factors import code_section, further_groups, group_intro
from workbench.report.sections.front import introduction_section, summary_section
from workbench.report.sections.method import method_section
from workbench.report.sections.principles import principle_section, principles_intro


def build_chapter(project: Project, progress: Callable[[str], None] | None = None) -> Chapter:
    """The chapter model; `progress` is told each step in Danish as it starts (the notebook shows them)."""
    def step(text: str) -> None:
        if progress is not None:
            progress(text)

    data = ChapterData(project)
    step("Resumé, indledning og metode: koder, enighed, selvevalueringer og spørgeskemaer tælles")
    sections = [summary_section(data), introduction_section(data), method_section(data), principles_intro(data)]
    for code in data.codebook.principles:
        step(f"Princip {code.key} – {code.name}")
        sections.append(principle_section(data, code))
    for group in further_groups(data):
        step(group.name)
        sections.append(group_intro(data, group))
        sections += [code_section(data, code, group) for code in group.codes]
    step("Samlet vurdering, anbefalinger og referencer")
    sections.append(assessment_section(data))
    sections += [recommendations_section(data), references_section(data)]
    step("Bilag")
    sections.append(codebook_appendix(data))
    sections += [s for s in (agreement_appendix(data), survey_appendix(data)) if s is not None]
    settings = data.settings
    return Chapter(
        title=settings.title,
        subtitle=settings.period,
        author=settings.author,
        draft=settings.draft,
        sections=sections,
        sources=data.sources,
        hidden_documents=frozenset(d.id for d in data.corpus.documents if d.meta.group in data.small_group_keys),
    )
