"""One section per principle (memo, coded evidence, quotes, self-evaluation, surveys, the sources side by
side, the evaluators' judgement) and
the principles' introduction."""

from __future__ import annotations

from collections import Counter

from workbench.coding import evidence
from workbench.lang import numbers as numfmt
from workbench.material import memos
from workbench.material.codebook import VALENCES, Code
from workbench.report import figures, text_da
from workbench.report.data import ChapterData
from workbench.report.model import (
    COUNT,
    BulletList,
    Cell,
    Figure,
    Heading,
    Paragraph,
    Prose,
    Section,
    Table,
    missing_memo,
    prose,
    prose_join,
)
from workbench.report.sections.blocks import (
    SUPPRESSED,
    codings_source,
    disagreement_note,
    markdown_blocks,
    memo_intro,
    quote_blocks,
    small_group_mark,
    supporting_challenging,
    suppression_note,
    survey_blocks,
    valence_sum,
)
from workbench.report.sections.judgements import judgement_blocks, one_line, round_label
from workbench.selfeval.form import ADHERENCE
from workbench.selfeval.period import Period
from workbench.surveys.summary import changes as survey_changes

QUOTES_PER_PRINCIPLE = 4


def principles_intro(data: ChapterData) -> Section:
    principles = data.codebook.principles
    rows = []
    for code in principles:
        latest = "–"
        selfeval_rows = data.selfeval_rows(code.key)
        if selfeval_rows is not None:
            adherence = selfeval_rows[selfeval_rows["item"] == ADHERENCE]
            last = adherence.sort_values("period", key=lambda s: s.map(Period.parse)).iloc[-1]
            latest = Cell(numfmt.decimal(last["mean"], 1), data.selfeval_tally(code.key, last["period"], ADHERENCE))
        rows.append([f"{code.key} {code.name}"] + supporting_challenging(data, code.key)
                    + ([latest] if data.selfeval_table is not None else []) + [one_line(data, code.key)])
    has_selfeval = data.selfeval_table is not None
    judged = data.assessments.round
    judged_column = "Evaluators vurdering" + (f" {round_label(judged)}" if judged else "")
    blocks: list = [
        Paragraph(
            "Indsatsen styres af "
            f"{numfmt.count_words(len(principles), 'guidende princip', 'guidende principper', neuter=True)}. "
            "For hvert princip samler kapitlet, hvad der har understøttet og "
            f"udfordret princippet, på tværs af {text_da.join_and(data.source_kinds)}. Vurderingen af "
            "princippet er evaluatorernes egen; kapitlet viser den sammen med datagrundlaget."
        ),
        Table(
            title=f"{text_da.the_count(len(principles), 'princip', 'principper').capitalize()} i materialet",
            columns=["Princip", "Understøttende segmenter", "Udfordrende segmenter"]
            + (["Selvevaluering, seneste halvår"] if has_selfeval else []) + [judged_column],
            rows=rows,
            note=prose("Segmenter kodet med princippet efter valens; ",
                       prose("selvevaluering er teamets gennemsnitlige vurdering af efterlevelsen (",
                             *_scale_range(data), ") i seneste halvår; ") if has_selfeval else "",
                       "vurderingen er evaluatorernes niveau for relevans, efterlevelse og bidrag til resultater."),
            source=codings_source(data) + (" Supportteamets selvevalueringer." if has_selfeval else ""),
        ),
    ]
    if data.selfeval_table is not None:
        labels = sorted(data.selfeval_table["period"].unique(), key=Period.parse)
        blocks.append(
            Figure(
                title="Supportteamets vurdering af efterlevelsen af "
                f"{text_da.the_count(len(principles), 'princip', 'principper')} pr. halvår",
                png=figures.selfeval_trend_png(data.project),
                alt_text="Linjediagram med en linje pr. princip, der viser supportteamets gennemsnitlige vurdering af, "
                f"i hvilken grad teamet har arbejdet efter princippet, fra {Period.parse(labels[0]).label} til "
                f"{Period.parse(labels[-1]).label}.",
                note=prose("Gennemsnit på en skala fra ", data.scale_ends()[0], " (slet ikke) til ",
                           data.scale_ends()[1], " (i meget høj grad). ", disagreement_note(data)),
                source="Supportteamets halvårlige selvevalueringer.",
            )
        )
    return Section("principper", "Fem guidende principper", blocks)


def _scale_range(data: ChapterData) -> tuple[str, ...]:
    """"1–5": the self-evaluation scale's ends, traced to the form."""
    low, high = data.scale_ends()
    return low, "–", high


def principle_section(data: ChapterData, code: Code) -> Section:
    memo = data.memo(code.key)
    sections = memos.memo_sections(memo) if memo else {}
    blocks: list = [Paragraph(code.statement or "", italic=True)]
    intro = memo_intro(memo)
    if intro:
        blocks += markdown_blocks(intro)
    for heading in (memos.SUPPORTING, memos.CHALLENGING):
        blocks.append(Heading(heading, 2))
        body = sections.get(heading, "").strip()
        blocks += markdown_blocks(body) if body else [missing_memo()]
    blocks += [Heading("Datagrundlag", 2), evidence_block(data, code)]
    quotes = quote_blocks(data, code, QUOTES_PER_PRINCIPLE)
    if quotes:
        blocks += [Heading("Stemmer fra materialet", 3)] + quotes
    blocks += selfeval_blocks(data, code)
    blocks += survey_blocks(data, code)
    blocks += sources_side_by_side(data, code)
    blocks += judgement_blocks(data, code.key)
    number = code.key[1:] if code.key[1:].isdigit() else code.key
    return Section(code.key, f"Princip {number} – {code.name}", blocks, level=2)


def evidence_block(data: ChapterData, code: Code) -> Table:
    rows = []
    totals: Counter[str] = Counter()
    shown = []
    for row in data.evidence(code.key):
        if row.group in data.small_groups:
            columns = ("Dokumenter", "Personer", "Understøttende", "Udfordrende", "Neutral", "I alt")
            rows.append([row.group, *[Cell(SUPPRESSED, data.suppressed_tally(c.lower())) for c in columns]])
            continue
        shown.append(row.group)
        rows.append([row.group + small_group_mark(data, row), *_evidence_cells(data, code, [row.group], row)])
        totals.update(row.segments)
        totals["documents"] += row.documents
        totals["documents_total"] += row.documents_total
        totals["persons"] += row.persons or 0
    rows.append(["I alt", *_evidence_cells(data, code, shown, evidence.EvidenceRow(
        "I alt", totals["documents"], totals["documents_total"], totals["persons"],
        {v: totals[v] for v in VALENCES}))])
    flagged = any(small_group_mark(data, r) for r in data.evidence(code.key))
    note = (
        "Dokumenter: dokumenter i gruppen med mindst ét segment kodet med princippet. Personer: interviewede "
        "personer, der omtaler princippet (observationer tæller ikke som personer). Segmenter tælles én gang pr. "
        "valens."
    )
    if flagged:
        note = prose(note, " * Færre end ", data.setting("small_group_documents"), " dokumenter i gruppen.")
    note = prose(note, suppression_note(data))
    return Table(
        title=f"Kodede segmenter om {code.key} {code.name} fordelt på respondentgruppe og valens",
        columns=["Respondentgruppe", "Dokumenter", "Personer", "Understøttende", "Udfordrende", "Neutral", "I alt"],
        rows=rows,
        note=note,
        source=codings_source(data),
    )


def _evidence_cells(data: ChapterData, code: Code, groups: list[str], row: evidence.EvidenceRow) -> list[str]:
    """One evidence row's printed counts, each with the codings (or documents) it counts."""
    in_groups = [d for d in data.shown_documents if d.meta.group in data._group_keys(groups)]
    return [
        Cell(f"{numfmt.integer(row.documents)} af {numfmt.integer(row.documents_total)}",
             data.coding_tally(code.key, groups, "dokumenter med koden", by="document"),
             data.documents_tally(in_groups, "dokumenter i gruppen")),
        "–" if row.persons is None else Cell(
            numfmt.integer(row.persons), data.coding_tally(code.key, groups, "interviewede personer", by="person")),
        *[Cell(numfmt.integer(row.segments[v]), data.coding_tally(code.key, groups, f"{v} segmenter", v))
          for v in VALENCES],
        Cell(numfmt.integer(valence_sum(row)), data.coding_tally(code.key, groups, "segmenter")),
    ]


def selfeval_blocks(data: ChapterData, code: Code) -> list:
    rows = data.selfeval_rows(code.key)
    if rows is None:
        return []
    periods = sorted(rows["period"].unique(), key=Period.parse)
    labels = [Period.parse(p).label for p in periods]
    items = list(dict.fromkeys(rows["item"]))
    table_rows = []
    for item in items:
        part = rows[rows["item"] == item].set_index("period")
        cells: list[str] = []
        for period in periods:
            if period in part.index and part.loc[period]["suppressed"]:
                cells.append(Cell("–", data.selfeval_tally(code.key, period, item)))
            elif period in part.index:
                record = part.loc[period]
                mark = " !" if record["disagreement"] else ""
                text = f"{numfmt.decimal(record['mean'], 1)} ({int(record['min'])}–{int(record['max'])}){mark}"
                cells.append(Cell(text, data.selfeval_tally(code.key, period, item)))
            else:
                cells.append("–")
        table_rows.append([part["item_label"].iloc[0]] + cells)
    ns = rows[rows["item"] == ADHERENCE].set_index("period")["n"]
    n_text = prose_join(", ", [
        prose(f"{label}: ", Cell(numfmt.integer(ns[p]),
                                 data.selfeval_tally(code.key, p, ADHERENCE, "besvarelser", COUNT)))
        for p, label in zip(periods, labels) if p in ns.index])
    low, high = data.scale_ends()
    scale = data.selfeval_form.scale_of(data.selfeval_form.score_items[0])
    table = Table(
        title=f"Supportteamets selvevaluering af {code.key} {code.name} pr. halvår",
        columns=["Spørgsmål"] + labels,
        rows=table_rows,
        note=prose("Gennemsnit (laveste–højeste svar) på en skala fra ", low, " til ", high,
                   ". Besvarelser pr. halvår: ", n_text, ". ! markerer uenighed i teamet. ", disagreement_note(data),
                   " ", text_da.selfeval_suppression_note(data.setting("min_respondents"))
                   if rows["suppressed"].any() else ""),
        source="Supportteamets halvårlige selvevalueringer; egne beregninger.",
    )
    png = figures.selfeval_principle_trend(
        rows, periods, labels, code.colour, f"{code.key} {code.name}: gennemsnit pr. halvår", scale.min, scale.max
    )
    first = rows[(rows["item"] == ADHERENCE) & (rows["period"] == periods[0])]["mean"]
    last = rows[(rows["item"] == ADHERENCE) & (rows["period"] == periods[-1])]["mean"]
    alt = (
        f"Linjediagram over supportteamets gennemsnitlige vurdering af {code.key} {code.name} fra {labels[0]} til "
        f"{labels[-1]}. Efterlevelsen går fra {numfmt.decimal(float(first.iloc[0]), 1)} til "
        f"{numfmt.decimal(float(last.iloc[0]), 1)} på en skala fra 1 til 5."
    ) if len(first) and len(last) else f"Linjediagram over supportteamets vurdering af {code.key} {code.name}."
    figure = Figure(
        title=f"Udvikling i supportteamets selvevaluering af {code.key} {code.name}",
        png=png,
        alt_text=alt,
        note=prose("Gennemsnit pr. halvår; fed linje er efterlevelsen af princippet. Besvarelser pr. halvår: ",
                   n_text, "."),
        source="Supportteamets halvårlige selvevalueringer.",
    )
    return [Heading("Supportteamets selvevaluering", 3), table, figure]


def _adherence_change(data: ChapterData, code: Code):
    """First and last half year of the team's adherence rating, or None with fewer than two."""
    rows = data.selfeval_rows(code.key)
    if rows is None:
        return None
    ordered = rows[rows["item"] == ADHERENCE].sort_values("period", key=lambda s: s.map(Period.parse))
    return (ordered.iloc[0], ordered.iloc[-1]) if len(ordered) >= 2 else None


def sources_side_by_side(data: ChapterData, code: Code) -> list:
    """Each source's own figures for the principle, and where they move apart, in neutral words; no verdict."""
    lines: list[str] = []
    rows = data.shown_evidence(code.key)
    supporting, challenging = supporting_challenging(data, code.key)
    if int(supporting.tallies[0].value or 0) + int(challenging.tallies[0].value or 0):
        coded = [r.group for r in rows if valence_sum(r)]
        lines.append(prose(
            "Kodet materiale: ", supporting, " understøttende og ", challenging, " udfordrende segmenter fra ",
            data.count(data.groups_tally(coded, "respondentgrupper med kodede segmenter")), " af ",
            data.count(data.groups_tally([r.group for r in rows], "respondentgrupper med tal i kapitlet")),
            " respondentgrupper.",
        ))
    adherence = _adherence_change(data, code)
    if adherence is not None:
        a, b = adherence

        def rated(row) -> Prose:
            period = row["period"]
            return prose(
                Cell(numfmt.decimal(row["mean"], 1), data.selfeval_tally(code.key, period, ADHERENCE)),
                f" i {Period.parse(period).label} (n = ",
                Cell(numfmt.integer(row["n"]), data.selfeval_tally(code.key, period, ADHERENCE, "besvarelser", COUNT)),
                ")",
            )

        lines.append(prose("Selvevaluering: teamets gennemsnitlige vurdering af efterlevelsen var ", rated(a), " og ",
                           rated(b), "."))
    falling: list[str] = []
    rising: list[str] = []
    for survey in data.surveys:
        for change in survey_changes(survey, data.survey_results[survey.name]):
            item = next(i for i in survey.item_map.items if i.key == change.item)
            if code.key not in item.principles or change.change_points is None:
                continue
            assert change.start.percent is not None and change.end.percent is not None  # as change_points is
            points = change.change_points
            start, end = (data.survey_share_tally(survey, r, label) for r, label in ((change.start, "start"),
                                                                                      (change.end, "slut")))
            lines.append(prose(
                f"Spørgeskema, {survey.item_map.population}: »{item.question}« (andel {item.share_description}) ",
                Cell(text_da.survey_share(change.start), start), " ved start og ",
                Cell(text_da.survey_share(change.end), end), " ved slut (", Cell(numfmt.points(points), start, end),
                ", n = ", Cell(numfmt.integer(change.start.n_valid), data.survey_count_tally(survey, change.start)),
                " / ", Cell(numfmt.integer(change.end.n_valid), data.survey_count_tally(survey, change.end)), ").",
            ))
            better = points * (1 if item.direction == "higher_is_better" else -1)
            (falling if better < 0 else rising if better > 0 else []).append(item.question)
    if not lines:
        return []
    blocks: list = [Heading("Datakilderne side om side", 3), BulletList(lines)]
    if adherence is not None:
        step = round(float(adherence[1]["mean"]) - float(adherence[0]["mean"]), 1)
        against = falling if step > 0 else rising if step < 0 else []
        if against:
            listed = " og ".join(f"»{q}«" for q in against)
            blocks.append(Paragraph(
                f"Kilderne bevæger sig forskelligt: teamets egen vurdering af efterlevelsen "
                f"{'steg' if step > 0 else 'faldt'}, mens {listed} udviklede sig i den modsatte retning. "
                "Forskellen er en oplysning til evaluators vurdering, ikke en vurdering i sig selv."
            ))
    return blocks
