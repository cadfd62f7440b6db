"""One section per principle (memo, coded evidence, quotes, self-evaluation, surveys, triangulation) and
the principles' introduction."""

from __future__ import annotations

from collections import Counter

from workbench.lang import numbers as numfmt
from workbench.material import memos
from workbench.material.codebook import Code
from workbench.report import figures, text_da
from workbench.report.data import ChapterData
from workbench.report.model import (
    BulletList,
    Figure,
    Heading,
    Paragraph,
    Section,
    Table,
)
from workbench.report.sections.blocks import (
    SOURCE_CODINGS,
    markdown_blocks,
    memo_intro,
    quote_blocks,
    small_group_mark,
    survey_blocks,
    valence_sum,
)
from workbench.selfeval.form import ADHERENCE
from workbench.selfeval.period import Period
from workbench.surveys.summary import changes as survey_changes

QUOTES_PER_PRINCIPLE = 4


def principles_intro(data: ChapterData) -> Section:
    principles = data.codebook.principles
    rows = []
    for code in principles:
        ev = data.evidence(code.key)
        latest = "–"
        selfeval_rows = data.selfeval_rows(code.key)
        if selfeval_rows is not None:
            adherence = selfeval_rows[selfeval_rows["item"] == ADHERENCE]
            last = adherence.sort_values("period", key=lambda s: s.map(Period.parse)).iloc[-1]
            latest = numfmt.decimal(last["mean"], 1)
        rows.append([f"{code.key} {code.name}", numfmt.integer(sum(r.segments["understøttende"] for r in ev)),
                     numfmt.integer(sum(r.segments["udfordrende"] for r in ev)), latest])
    blocks: list = [
        Paragraph(
            "Indsatsen styres af "
            f"{numfmt.count_words(len(principles), 'guidende princip', 'guidende principper', neuter=True)}. "
            "For hvert princip samler kapitlet, hvad der har understøttet og "
            "udfordret princippet, på tværs af interview, observationer, selvevalueringer og spørgeskemaer."
        ),
        Table(
            title=f"{text_da.the_count(len(principles), 'princip', 'principper').capitalize()} i materialet",
            columns=["Princip", "Understøttende segmenter", "Udfordrende segmenter", "Selvevaluering, seneste halvår"],
            rows=rows,
            note="Segmenter kodet med princippet efter valens; selvevaluering er teamets gennemsnitlige vurdering af "
            "efterlevelsen (1–5) i seneste halvår.",
            source=SOURCE_CODINGS + " Supportteamets selvevalueringer.",
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
                note="Gennemsnit på en skala fra 1 (slet ikke) til 5 (i meget høj grad). "
                + text_da.disagreement_note(data.disagreement_limits),
                source="Supportteamets halvårlige selvevalueringer.",
            )
        )
    return Section("principper", "Fem guidende principper", blocks)


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
        missing = [Paragraph("Evaluator har endnu ikke skrevet dette afsnit.", italic=True)]
        blocks += markdown_blocks(body) if body else missing
    blocks += [Heading("Datagrundlag", 2), evidence_block(data, code)]
    quotes = quote_blocks(data, code, QUOTES_PER_PRINCIPLE)
    if quotes:
        blocks += [Heading("Stemmer fra materialet", 3)] + quotes
    blocks += selfeval_blocks(data, code)
    blocks += survey_blocks(data, code)
    blocks += triangulation(data, code)
    number = code.key[1:] if code.key[1:].isdigit() else code.key
    return Section(code.key, f"Princip {number} – {code.name}", blocks)


def evidence_block(data: ChapterData, code: Code) -> Table:
    rows = []
    totals: Counter[str] = Counter()
    for row in data.evidence(code.key):
        persons = "–" if row.persons is None else numfmt.integer(row.persons)
        rows.append(
            [
                row.group + small_group_mark(data, row),
                f"{numfmt.integer(row.documents)} af {numfmt.integer(row.documents_total)}",
                persons,
                numfmt.integer(row.segments["understøttende"]),
                numfmt.integer(row.segments["udfordrende"]),
                numfmt.integer(row.segments["neutral"]),
                numfmt.integer(valence_sum(row)),
            ]
        )
        totals.update(row.segments)
        totals["documents"] += row.documents
        totals["documents_total"] += row.documents_total
        totals["persons"] += row.persons or 0
    rows.append(
        ["I alt", f"{numfmt.integer(totals['documents'])} af {numfmt.integer(totals['documents_total'])}",
         numfmt.integer(totals["persons"]), numfmt.integer(totals["understøttende"]),
         numfmt.integer(totals["udfordrende"]), numfmt.integer(totals["neutral"]),
         numfmt.integer(totals["understøttende"] + totals["udfordrende"] + totals["neutral"])]
    )
    flagged = any(small_group_mark(data, r) for r in data.evidence(code.key))
    note = (
        "Dokumenter: dokumenter i gruppen med mindst ét segment kodet med princippet. Personer: interviewede "
        "personer, der omtaler princippet (observationer tæller ikke som personer). Segmenter tælles én gang pr. "
        "valens."
    )
    if flagged:
        note += f" * Færre end {data.settings.small_group_documents} dokumenter i gruppen."
    return Table(
        title=f"Kodede segmenter om {code.key} {code.name} fordelt på respondentgruppe og valens",
        columns=["Respondentgruppe", "Dokumenter", "Personer", "Understøttende", "Udfordrende", "Neutral", "I alt"],
        rows=rows,
        note=note,
        source=SOURCE_CODINGS,
    )


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
        cells = []
        for period in periods:
            if period in part.index and part.loc[period]["suppressed"]:
                cells.append("–")
            elif period in part.index:
                record = part.loc[period]
                mark = " !" if record["disagreement"] else ""
                cells.append(f"{numfmt.decimal(record['mean'], 1)} ({int(record['min'])}–{int(record['max'])}){mark}")
            else:
                cells.append("–")
        table_rows.append([part["item_label"].iloc[0]] + cells)
    ns = rows[rows["item"] == ADHERENCE].set_index("period")["n"]
    n_text = ", ".join(f"{label}: {numfmt.integer(ns[p])}" for p, label in zip(periods, labels) if p in ns.index)
    scale = data.selfeval_form.scale_of(data.selfeval_form.score_items[0])
    table = Table(
        title=f"Supportteamets selvevaluering af {code.key} {code.name} pr. halvår",
        columns=["Spørgsmål"] + labels,
        rows=table_rows,
        note=f"Gennemsnit (laveste–højeste svar) på en skala fra {scale.min} til {scale.max}. Besvarelser pr. halvår: "
        f"{n_text}. ! markerer uenighed i teamet: {text_da.disagreement_note(data.disagreement_limits)} "
        + (
            text_da.selfeval_suppression_note(data.project.settings.min_respondents) if rows["suppressed"].any() else ""
        ),
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
        note=f"Gennemsnit pr. halvår; fed linje er efterlevelsen af princippet. Besvarelser pr. halvår: {n_text}.",
        source="Supportteamets halvårlige selvevalueringer.",
    )
    return [Heading("Supportteamets selvevaluering", 3), table, figure]


def _sign(value: float) -> int:
    return (value > 0) - (value < 0)


def triangulation(data: ChapterData, code: Code) -> list:
    lines = []
    directions = []
    rows = data.evidence(code.key)
    supporting = sum(r.segments["understøttende"] for r in rows)
    challenging = sum(r.segments["udfordrende"] for r in rows)
    groups = sum(1 for r in rows if valence_sum(r))
    if supporting + challenging:
        lines.append(
            f"Interview og observationer: {numfmt.integer(supporting)} understøttende og "
            f"{numfmt.integer(challenging)} udfordrende segmenter fra {groups} af {len(rows)} respondentgrupper."
        )
        directions.append(_sign(supporting - challenging))
    selfeval_rows = data.selfeval_rows(code.key)
    if selfeval_rows is not None:
        adherence = selfeval_rows[selfeval_rows["item"] == ADHERENCE]
        ordered = adherence.sort_values("period", key=lambda s: s.map(Period.parse))
        if len(ordered) >= 2:
            a, b = ordered.iloc[0], ordered.iloc[-1]
            lines.append(
                f"Selvevaluering: teamets gennemsnitlige vurdering af efterlevelsen gik fra "
                f"{numfmt.decimal(a['mean'], 1)} ({Period.parse(a['period']).label}, n = {int(a['n'])}) til "
                f"{numfmt.decimal(b['mean'], 1)} ({Period.parse(b['period']).label}, n = {int(b['n'])})."
            )
            directions.append(_sign(round(float(b["mean"]) - float(a["mean"]), 1)))
    best = None
    for survey in data.surveys:
        for change in survey_changes(survey, data.survey_results[survey.name]):
            item = next(i for i in survey.item_map.items if i.key == change.item)
            if code.key in item.principles and change.change_points is not None:
                gain = change.change_points * (1 if item.direction == "higher_is_better" else -1)
                if best is None or abs(gain) > abs(best[0]):
                    best = (gain, item, change, survey)
    if best is not None:
        gain, item, change, survey = best
        assert change.start.percent is not None and change.end.percent is not None  # as change_points is
        lines.append(
            f"Spørgeskema, {survey.item_map.population}: »{item.question}« (andel {item.share_description}) "
            f"{text_da.survey_share(change.start)} → {text_da.survey_share(change.end)} "
            f"({numfmt.points(change.change_points)}, "
            f"n = {change.start.n_valid} / {change.end.n_valid})."
        )
        directions.append(_sign(round(gain)))
    if not lines:
        return []
    # each source points up (+1), down (−1) or nowhere (0: as many challenges as supports, no change)
    if len(directions) >= 2:
        up, down = any(d > 0 for d in directions), any(d < 0 for d in directions)
        if all(d > 0 for d in directions):
            lines.append("Samlet peger datakilderne i samme, positive retning.")
        elif all(d < 0 for d in directions):
            lines.append("Samlet peger datakilderne i samme retning: princippet er udfordret.")
        elif up and down:
            lines.append("Datakilderne peger ikke entydigt i samme retning; fundet bør tolkes med forsigtighed.")
        elif up:
            lines.append("Ingen datakilde peger i modsat retning, men ikke alle viser en positiv udvikling.")
        elif down:
            lines.append("Ingen datakilde peger i positiv retning, og nogle viser, at princippet er udfordret.")
        else:
            lines.append("Datakilderne viser hverken tydelig fremgang eller tilbagegang.")
    return [Heading("Triangulering", 3), BulletList(lines)]
