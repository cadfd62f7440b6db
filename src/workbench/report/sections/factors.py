"""Every code group beside the principles (the effective factors, and themes such as the parents' perspective),
in one form: an overview table per respondent group, then per code its definition, the evaluator's memo (or a
visible "Memo ikke skrevet endnu"), where it is coded, a quote and the linked survey items."""

from __future__ import annotations

from workbench.lang import numbers as numfmt
from workbench.material.codebook import Code, CodeGroup
from workbench.report.data import ChapterData
from workbench.report.model import (
    Paragraph,
    Section,
    Table,
    missing_memo,
    prose,
    prose_join,
)
from workbench.report.sections.blocks import (
    codings_source,
    document_share,
    lower_first,
    markdown_blocks,
    quote_blocks,
    survey_blocks,
)


def further_groups(data: ChapterData) -> list[CodeGroup]:
    """The code groups after the principles, factors first, in the codebook's order."""
    groups = [g for g in data.codebook.code_groups if g.kind != "principle"]
    return sorted(groups, key=lambda g: g.kind != "factor")


def group_intro(data: ChapterData, group: CodeGroup) -> Section:
    respondents = [g for g in data.codebook.respondent_groups
                   if any(d.meta.group == g.key for d in data.corpus.included)]
    rows = []
    for code in group.codes:
        by_group = {r.group: r for r in data.evidence(code.key)}
        cells = []
        for respondent in respondents:
            row = by_group.get(respondent.name)
            cells.append(document_share(data, row, code.key) if row else "–")
        rows.append([f"{code.key} {code.name}"] + cells)
    kind = "faktoren" if group.kind == "factor" else "koden"
    # the factors' count in words follows the codebook (a group name would keep "Ni" after a factor is removed)
    title = group.name if group.kind != "factor" else numfmt.count_words(
        len(group.codes), "virksom faktor", "virksomme faktorer").capitalize()
    blocks: list = []
    if group.kind == "factor":
        blocks.append(Paragraph(
            "Kodningen af de virksomme faktorer sætter fokus på "
            f"{numfmt.count_words(len(group.codes), 'forhold', 'forhold', neuter=True)}, der kan have betydning for "
            "samarbejdet; hvad materialet viser om hvert af dem, står i evaluators memo."
        ))
    if group.description:
        blocks.append(Paragraph(group.description))
    blocks += [
        Paragraph(f"Tabellen viser, i hvor mange dokumenter i hver gruppe {kind} er kodet. Under hver kode står "
                  "kodebogens definition, evaluators memo og et citat."),
        Table(
            title=f"{title}: kodede dokumenter pr. respondentgruppe",
            columns=["Kode"] + [g.name for g in respondents],
            rows=rows,
            note=prose("Antal dokumenter i gruppen med mindst ét segment kodet med koden, af alle gruppens "
                       "dokumenter. Grupper med færre end ", data.setting("min_group_size"),
                       " personer vises ikke (–)."),
            source=codings_source(data),
        ),
    ]
    return Section(group.key, title, blocks)


def code_section(data: ChapterData, code: Code, group: CodeGroup) -> Section:
    memo = data.memo(code.key)
    blocks: list = []
    if code.definition:
        blocks.append(Paragraph(f"Definition i kodebogen: {' '.join(code.definition.split())}", italic=True))
    body = "\n".join(line for line in memo.splitlines() if not line.startswith("# ")).strip()
    blocks += markdown_blocks(body) if body else [missing_memo()]
    mentions = [r for r in data.shown_evidence(code.key) if r.documents]
    if mentions:
        listing = prose_join(", ", [prose(document_share(data, r, code.key), f" i gruppen {lower_first(r.group)}")
                                    for r in mentions])
        blocks.append(Paragraph(prose("Kodet i ", listing, ".")))
    blocks += quote_blocks(data, code, 1)
    blocks += survey_blocks(data, code, kind="factors", level=2)  # directly under the code: no "Datagrundlag"
    title = f"{code.key[1:]}. {code.name}" if group.kind == "factor" and code.key[1:].isdigit() else code.label
    return Section(code.key, title, blocks, level=2)


# the former names, kept for callers outside the chapter
def factors_intro(data: ChapterData) -> Section:
    return group_intro(data, next(g for g in data.codebook.code_groups if g.kind == "factor"))


def factor_section(data: ChapterData, code: Code) -> Section:
    group = next(g for g in data.codebook.code_groups if code in g.codes)
    return code_section(data, code, group)
