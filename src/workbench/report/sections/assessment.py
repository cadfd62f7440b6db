"""The overall assessment, by evaluation question: the evaluator's text and the data it rests on."""

from __future__ import annotations

from workbench.lang import numbers as numfmt
from workbench.report.data import ChapterData
from workbench.report.model import (
    BulletList,
    Heading,
    Paragraph,
    Section,
)
from workbench.report.sections.blocks import (
    markdown_blocks,
)
from workbench.selfeval.form import ADHERENCE
from workbench.selfeval.period import Period


def assessment_section(data: ChapterData) -> Section:
    blocks: list = [
        Paragraph(
            "Vurderingen er ordnet efter evalueringens "
            f"{numfmt.count_words(len(data.codebook.evaluation_questions), 'spørgsmål', 'spørgsmål', neuter=True)}. "
            "Under hvert spørgsmål står evaluators "
            "vurdering og det datagrundlag, den bygger på."
        )
    ]
    folder = data.project.memos_dir / "vurdering"
    for question in data.codebook.evaluation_questions:
        blocks.append(Heading(question.text, 2))
        text = data.read_exported(folder / f"{question.key}.md")
        if text:
            blocks += markdown_blocks(text)
        basis = []
        for key in question.principles:
            code = data.codebook.code(key)
            rows = data.evidence(key)
            basis.append(
                f"{code.key} {code.name}: {numfmt.integer(sum(r.segments['understøttende'] for r in rows))} "
                f"understøttende og {numfmt.integer(sum(r.segments['udfordrende'] for r in rows))} "
                "udfordrende segmenter"
                + _latest_selfeval(data, key)
            )
        blocks += [Paragraph("Datagrundlag:", italic=True), BulletList(basis)]
    return Section("vurdering", "Samlet vurdering", blocks)


def _latest_selfeval(data: ChapterData, key: str) -> str:
    rows = data.selfeval_rows(key)
    if rows is None:
        return ""
    adherence = rows[rows["item"] == ADHERENCE].sort_values("period", key=lambda s: s.map(Period.parse))
    last = adherence.iloc[-1]
    return (
        f"; selvevaluering {numfmt.decimal(last['mean'], 1)} i {Period.parse(last['period']).label}"
    )
