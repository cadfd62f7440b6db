"""Blocks more than one section lays out: memo Markdown, quotes, the linked survey items."""

from __future__ import annotations

import re

from workbench.coding import evidence
from workbench.lang import numbers as numfmt
from workbench.material.codebook import Code
from workbench.privacy.guard import TextSource
from workbench.report import figures, text_da
from workbench.report.data import ChapterData
from workbench.report.model import (
    BulletList,
    Cell,
    Figure,
    Heading,
    Paragraph,
    Quote,
    Table,
    prose,
)
from workbench.report.word import typeset
from workbench.surveys.summary import changes as survey_changes


def codings_source(data: ChapterData) -> str:
    """The Kilde line of tables counted from the codings, naming only the kinds of material the project has."""
    kinds = [k for k in data.source_kinds if k in ("interview", "fokusgrupper", "observationer")]
    return f"Evaluators kodning af {text_da.join_and(kinds) or 'materialet'}; egne beregninger."


def markdown_blocks(text: str) -> list:
    """Memo Markdown → paragraphs and bullet lists (headings are laid out by the caller)."""
    blocks: list = []
    bullets: list[str] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            blocks.append(Paragraph(" ".join(paragraph)))
            paragraph.clear()
        if bullets:
            blocks.append(BulletList(list(bullets)))
            bullets.clear()

    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith(("- ", "* ")):
            if paragraph:
                blocks.append(Paragraph(" ".join(paragraph)))
                paragraph.clear()
            bullets.append(stripped[2:].strip())
        elif not stripped or stripped.startswith("#"):
            flush()
        elif bullets and line.startswith((" ", "\t")):
            bullets[-1] += " " + stripped
        else:
            if bullets:
                blocks.append(BulletList(list(bullets)))
                bullets.clear()
            paragraph.append(stripped)
    flush()
    return blocks


def memo_intro(text: str) -> str:
    """The memo's text between its title and its first section."""
    lines = []
    for line in text.splitlines():
        if line.startswith("## "):
            break
        if not line.startswith("# "):
            lines.append(line)
    return "\n".join(lines).strip()


def valence_sum(row: evidence.EvidenceRow) -> int:
    return sum(row.segments.values())


def supporting_challenging(data: ChapterData, code: str) -> list[Cell]:
    """The supporting and the challenging segments of a code outside the small groups, with their codings."""
    shown = data.shown_evidence(code)
    groups = [r.group for r in shown]
    return [Cell(numfmt.integer(sum(r.segments[v] for r in shown)),
                 data.coding_tally(code, groups, f"{v} segmenter", v)) for v in ("understøttende", "udfordrende")]

SUPPRESSED = "–"
CHANGE = "Ændring (procentpoint)"  # the survey tables' change column: its cells "+31", "−20"
# a time point at which the item was not asked (a survey run once has no start), told apart from a suppressed
# share ("–")
NOT_MEASURED = "ikke målt"


def disagreement_note(data: ChapterData) -> str:
    """What "uenighed" means under the self-evaluation tables, its limits traced to project.yaml."""
    return text_da.disagreement_note(data.disagreement_limits, data.setting("disagreement_range"),
                                     data.setting("disagreement_sd"))


def suppression_note(data: ChapterData) -> str:
    """The Anm. sentence for tables in which a small group's counts are left out, or ""."""
    if not data.small_groups:
        return ""
    return (
        f" {SUPPRESSED} = gruppen har færre interviewede personer end mindstegrænsen, så tallene vises ikke og "
        "indgår ikke i I alt."
    )


def document_share(data: ChapterData, row: evidence.EvidenceRow, code: str | None = None) -> str:
    """"2 af 5" documents, or "–" for a group too small to show; with `code`, a Cell carrying the documents."""
    if row.group in data.small_groups:
        return SUPPRESSED if code is None else Cell(SUPPRESSED, data.suppressed_tally("dokumenter med koden"))
    text = f"{numfmt.integer(row.documents)} af {numfmt.integer(row.documents_total)}"
    if code is None:
        return text
    return Cell(text, data.coding_tally(code, [row.group], "dokumenter med koden", by="document"),
                data.group_documents_tally(row.group))


def small_group_mark(data: ChapterData, row: evidence.EvidenceRow) -> str:
    """'*' after a group with fewer documents than project.yaml's small_group_documents."""
    return "*" if row.documents_total < data.settings.small_group_documents else ""


def quote_blocks(data: ChapterData, code: Code, limit: int) -> list:
    chosen = data.evidence_index.quotes(code.key)[:limit]
    for quote in chosen:
        document = data.corpus.get(quote.doc_id)
        segment = document.segment(quote.segment_id)
        line = document.line_of(segment.start) if segment else document.body_line
        data.sources.append(TextSource(data.project.relative(document.path), quote.text, line))
    # one style for every attribution, whatever case the metadata's role has: "(rådgiver, SOF)" as "(mor, HFI)"
    return [Quote(q.text, lower_first(q.attribution), field_note=data.corpus.get(q.doc_id).meta.type == "observation")
            for q in chosen]


def source_text(source: str) -> str:
    """A survey's source without the "Kilde:" the user may have written (the renderer adds it)."""
    return re.sub(r"^\s*kilde\s*:\s*", "", source, flags=re.IGNORECASE).rstrip(".")


def lower_first(name: str) -> str:
    """"Rådgivere (SOF og BIF)" → "rådgivere (SOF og BIF)": lower case inside a sentence, acronyms kept."""
    return name[:1].lower() + name[1:] if name[1:2].islower() else name


def _survey_item_row(data: ChapterData, survey, item, results) -> list[str] | None:
    points = survey.item_map.time_points
    by_point = {r.time_point: r for r in results if r.item == item.key}
    first = by_point.get(points[0].key) if len(points) > 1 else None
    last = by_point.get(points[-1].key)
    if last is None and first is None:
        return None
    change = "–"
    if first is not None and last is not None and first.percent is not None and last.percent is not None:
        change = Cell(numfmt.signed(round(last.percent) - round(first.percent)),
                      data.survey_share_tally(survey, first, "start"), data.survey_share_tally(survey, last, "slut"))
    shown = [(r, label) for r, label in ((first, "start"), (last, "slut")) if r is not None]
    n_parts = [f"{numfmt.integer(r.n_valid)}" for r, _ in shown]
    reversed_mark = " †" if item.direction == "lower_is_better" else ""
    question = f"{item.question} (andel {item.share_description})" + reversed_mark
    return [
        question,
        survey.item_map.population,
        Cell(text_da.survey_share(first), data.survey_share_tally(survey, first)) if first is not None
        else NOT_MEASURED,
        Cell(text_da.survey_share(last), data.survey_share_tally(survey, last)) if last is not None else NOT_MEASURED,
        change,
        Cell(" / ".join(n_parts), *[data.survey_count_tally(survey, r, label=label) for r, label in shown]),
    ]


def _survey_figure(data: ChapterData, code: Code, kind: str) -> Figure | None:
    """Start and end shares side by side for the linked items measured at both time points."""
    labels, starts, ends, sources, populations = [], [], [], [], []
    for survey in data.surveys:
        for change in survey_changes(survey, data.survey_results[survey.name]):
            item = next(i for i in survey.item_map.items if i.key == change.item)
            if code.key not in getattr(item, kind) or change.change_points is None:
                continue
            label = item.question  # wrapped, never cut, by the chart
            label += f"\n(andel {item.share_description})"
            labels.append(label + (" †" if item.direction == "lower_is_better" else ""))
            starts.append(change.start.percent)
            ends.append(change.end.percent)
            sources.append(source_text(survey.source))
            start, end = survey.time_label(change.start.time_point), survey.time_label(change.end.time_point)
            populations.append(f"{start} → {end}")
    if not labels:
        return None
    start_label, end_label = populations[0].split(" → ")
    png = figures.survey_start_end(
        [typeset(label) for label in labels], starts, ends, start_label, end_label,
        f"{code.key} {code.name}: andele ved start og slut"
    )
    described = "; ".join(
        f"{label.rstrip(' †').replace(chr(10), ' ')}: {numfmt.percent(a)} ved start og {numfmt.percent(b)} ved slut"
        for label, a, b in zip(labels, starts, ends)
    )
    return Figure(
        title=f"Spørgsmål knyttet til {code.key} {code.name} ved start og slut",
        png=png,
        alt_text=f"Søjlediagram over andelen af gyldige svar ved start og slut. {described}.",
        note="Andel af gyldige svar; n fremgår af tabellen ovenfor. † Andelen måler en belastning; et fald er en "
        "forbedring."
        if any(label.endswith("†") for label in labels) else "Andel af gyldige svar; n fremgår af tabellen ovenfor.",
        source="; ".join(dict.fromkeys(sources)) + ".",
    )


def survey_blocks(data: ChapterData, code: Code, kind: str = "principles", level: int = 3) -> list:
    """The linked survey items' table and chart under a heading at `level` (in the section's own levels)."""
    rows, sources, start_labels, end_labels, reversed_ = [], [], set(), set(), False
    for survey in data.surveys:
        for item in survey.item_map.items:
            if code.key not in getattr(item, kind):
                continue
            row = _survey_item_row(data, survey, item, data.survey_results[survey.name])
            if row is None:
                continue
            rows.append(row)
            sources.append(source_text(survey.source))
            points = survey.item_map.time_points
            if len(points) > 1:
                start_labels.add(points[0].label)
            end_labels.add(points[-1].label)
            reversed_ |= item.direction == "lower_is_better"
    if not rows:
        return []
    note = prose(
        f"Andel af gyldige svar. Start: {', '.join(sorted(start_labels)) or '–'}; "
        f"slut: {', '.join(sorted(end_labels))}. "
        "n er antal gyldige svar (start / slut). Ændringen er forskellen mellem de afrundede andele. "
        "Andele bygget på færre end ", data.setting("survey_suppress_below"), " svar vises ikke (–); færre end ",
        data.setting("survey_flag_below"), " er markeret.",
        f" »{NOT_MEASURED}«: spørgsmålet er ikke stillet ved den måling." if any(NOT_MEASURED in r for r in rows)
        else "",
        " † Andelen måler en belastning; her er et fald en forbedring." if reversed_ else "",
    )
    blocks = [
        Heading("Spørgeskemaerne", level),
        Table(
            title=f"Spørgsmål knyttet til {code.key} {code.name}",
            columns=["Spørgsmål", "Svargruppe", "Start", "Slut", CHANGE, "n"],
            rows=rows,
            note=note,
            source="; ".join(dict.fromkeys(sources)) + ".",
        ),
    ]
    figure = _survey_figure(data, code, kind)
    return blocks + ([figure] if figure else [])
