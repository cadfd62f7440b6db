"""The effective factors: an overview table per respondent group and one short section per factor."""

from __future__ import annotations

from workbench.lang import numbers as numfmt
from workbench.material.codebook import Code
from workbench.report.data import ChapterData
from workbench.report.model import (
    Paragraph,
    Section,
    Table,
)
from workbench.report.sections.blocks import (
    SOURCE_CODINGS,
    lower_first,
    markdown_blocks,
    quote_blocks,
    survey_blocks,
)


def factors_intro(data: ChapterData) -> Section:
    groups = [g for g in data.codebook.respondent_groups if any(d.meta.group == g.key for d in data.corpus.included)]
    rows = []
    for code in data.codebook.factors:
        by_group = {r.group: r for r in data.evidence(code.key)}
        cells = []
        for group in groups:
            row = by_group.get(group.name)
            cells.append(f"{row.documents} af {row.documents_total}" if row else "–")
        rows.append([f"{code.key} {code.name}"] + cells)
    return Section(
        "faktorer",
        numfmt.count_words(len(data.codebook.factors), "virksom faktor", "virksomme faktorer").capitalize(),
        [
            Paragraph(
                "På tværs af interview og observationer peger medarbejdere og familier på "
                f"{numfmt.count_words(len(data.codebook.factors), 'forhold', 'forhold', neuter=True)}, der har "
                "betydning "
                "for et bedre samarbejde om komplekse familiesager. Tabellen viser, i hvor mange dokumenter i hver "
                "gruppe faktoren omtales."
            ),
            Table(
                title="De virksomme faktorer omtalt pr. respondentgruppe",
                columns=["Faktor"] + [g.name for g in groups],
                rows=rows,
                note="Antal dokumenter i gruppen med mindst ét segment kodet med faktoren, af alle gruppens "
                "dokumenter.",
                source=SOURCE_CODINGS,
            ),
        ],
    )


def factor_section(data: ChapterData, code: Code) -> Section:
    memo = data.memo(code.key)
    blocks: list = []
    if code.definition:
        blocks.append(Paragraph(code.definition, italic=True))
    if memo:
        body = "\n".join(line for line in memo.splitlines() if not line.startswith("# "))
        blocks += markdown_blocks(body)
    mentions = [r for r in data.evidence(code.key) if r.documents]
    if mentions:
        listing = ", ".join(f"{r.documents} af {r.documents_total} i gruppen {lower_first(r.group)}" for r in mentions)
        blocks.append(Paragraph(f"Faktoren omtales i {listing}."))
    blocks += quote_blocks(data, code, 1)
    blocks += survey_blocks(data, code, kind="factors")
    return Section(code.key, f"{code.key[1:]}. {code.name}", blocks, level=2)
