"""The conclusion by evaluation question: the evaluator's text (`memos/vurdering/<EQ>.md`) and the evidence
linked to that question in the codebook (its principles' coded segments, judgements and survey items)."""

from __future__ import annotations

from workbench.lang import numbers as numfmt
from workbench.material.codebook import EvaluationQuestion
from workbench.report import text_da
from workbench.report.data import ChapterData
from workbench.report.model import (
    Cell,
    Heading,
    Paragraph,
    Section,
    Table,
    missing_memo,
    prose,
)
from workbench.report.sections.blocks import codings_source, markdown_blocks, source_text, supporting_challenging
from workbench.report.sections.judgements import one_line, round_label


def assessment_section(data: ChapterData) -> Section:
    blocks: list = [
        Paragraph(
            "Konklusionen er ordnet efter evalueringens "
            f"{numfmt.count_words(len(data.codebook.evaluation_questions), 'spørgsmål', 'spørgsmål', neuter=True)}. "
            "Under hvert spørgsmål står evaluators konklusion og det datagrundlag, kodebogen knytter til "
            "spørgsmålet."
        )
    ]
    folder = data.project.memos_dir / "vurdering"
    for question in data.codebook.evaluation_questions:
        blocks.append(Heading(question.text, 2))
        text = data.read_exported(folder / f"{question.key}.md")
        blocks += markdown_blocks(text) if text.strip() else [missing_memo()]
        blocks += question_evidence(data, question)
    return Section("vurdering", "Samlet vurdering", blocks)


def question_evidence(data: ChapterData, question: EvaluationQuestion) -> list:
    """The principles the codebook links to the question, and the survey items linked to those principles."""
    if not question.principles:
        return [Paragraph("Kodebogen knytter ingen principper til spørgsmålet.", italic=True)]
    rows = []
    for key in question.principles:
        code = data.codebook.code(key)
        rows.append([f"{code.key} {code.name}"] + supporting_challenging(data, key) + [one_line(data, key)])
    judged = data.assessments.round
    blocks: list = [Table(
        title=f"Datagrundlag for spørgsmålet »{question.text}«",
        columns=["Princip", "Understøttende segmenter", "Udfordrende segmenter",
                 "Evaluators vurdering" + (f" {round_label(judged)}" if judged else "")],
        rows=rows,
        note="Principperne, kodebogen knytter til spørgsmålet; segmenter kodet med princippet efter valens.",
        source=codings_source(data),
    )]
    items, sources = [], []
    for survey in data.surveys:
        results = data.survey_results[survey.name]
        points = survey.item_map.time_points
        for item in survey.item_map.items:
            if not set(item.principles) & set(question.principles):
                continue
            by_point = {r.time_point: r for r in results if r.item == item.key}
            measured = [(p.label, by_point[p.key]) for p in points if p.key in by_point]
            shares = [f"{label}: {text_da.survey_share(r)} (n = {r.n_valid})" for label, r in measured]
            tallies = [t for label, r in measured for t in (data.survey_share_tally(survey, r, label),
                                                             data.survey_count_tally(survey, r, label=label))]
            items.append([item.question, survey.item_map.population, Cell("; ".join(shares), *tallies) if shares
                          else "–"])
            sources.append(source_text(survey.source))
    if items:
        blocks.append(Table(
            title=f"Spørgeskemaspørgsmål knyttet til spørgsmålet »{question.text}«",
            columns=["Spørgsmål", "Svargruppe", "Andele"],
            rows=items,
            note=prose("Spørgsmål, hvis kobling i spørgeskemaets kort nævner et af spørgsmålets principper. Andel af "
                       "gyldige svar; andele bygget på færre end ", data.setting("survey_suppress_below"),
                       " svar vises ikke (–)."),
            source="; ".join(dict.fromkeys(sources)) + ".",
        ))
    return blocks
