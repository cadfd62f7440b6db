"""`workbench survey-summary`: the surveys' valid answers, shares and changes, as text or JSON."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from workbench.ui.cli.common import Commands, project_of

if TYPE_CHECKING:
    from workbench.surveys.model import Survey


def register(commands: Commands) -> None:
    p = commands.add(
        "survey-summary", cmd_survey_summary, "spørgeskemaer: gyldige svar, udeladte, andel og ændring i procentpoint"
    )
    p.add_argument("--json", action="store_true")


def cmd_survey_summary(args) -> int:
    from workbench.surveys.load import load_surveys
    from workbench.surveys.summary import summary_records as survey_records

    surveys = load_surveys(project_of(args))
    if args.json:
        print(json.dumps(survey_records(surveys), ensure_ascii=False, indent=2))
    else:
        print(survey_summary_text(surveys))
    return 0


def _survey_file_description(survey: Survey) -> str:
    """How the data file was read: its format, encoding, separator and answer sheets."""
    from workbench.lang import numbers as numfmt
    from workbench.surveys.load import SEPARATORS

    kind = "respondentniveau" if survey.item_map.format == "respondent" else "aggregeret tabel"
    parts = [kind, survey.encoding]
    if survey.separator is not None:
        parts.append(f"{SEPARATORS[survey.separator]} som skilletegn")
    if survey.sheets:
        sheets = numfmt.count_noun(len(survey.sheets), "besvarelse", "besvarelser")
        points = survey.item_map.time_points
        if len(points) > 1:
            sheets += f" ({', '.join(f'{p.label.lower()} {survey.answer_sheets(p.key)}' for p in points)})"
        parts.append(sheets)
    return ", ".join(parts)


def survey_summary_text(surveys: list[Survey]) -> str:
    """The survey summary as text for the terminal: per survey, item and time point."""
    from workbench.lang import numbers as numfmt
    from workbench.report.text_da import small_numbers_note, survey_share
    from workbench.surveys.summary import SmallNumbers, changes, summarise

    if not surveys:
        return "Projektet har ingen spørgeskemaer (surveys/<navn>.yaml med en datafil ved siden af)."
    lines: list[str] = []
    for survey in surveys:
        results = summarise(survey)
        moved = {c.item: c for c in changes(survey, results)}
        lines += [
            f"{survey.title} – {survey.item_map.population}",
            f"{survey.data_path.name}: {_survey_file_description(survey)}",
            survey.source,
        ]
        for item in survey.item_map.items:
            links = ", ".join(item.principles + item.factors)
            lines.append("")
            lines.append(f"  {item.key}: {item.question}" + (f" [{links}]" if links else ""))
            direction = " (lavere er bedre)" if item.direction == "lower_is_better" else ""
            lines.append(f"    Andel: {item.share_description}{direction}")
            if item.note:
                lines.append(f"    Note: {item.note}")
            lines.append(f"    {'Tidspunkt':<16}{'Gyldige':>8}{'Udeladte':>10}  Andel")
            for r in (r for r in results if r.item == item.key):
                when = survey.time_label(r.time_point)
                lines.append(f"    {when:<16}{r.n_valid:>8}{r.n_excluded:>10}  {survey_share(r)}")
                if r.shares:
                    shares = " · ".join(f"{label} {numfmt.percent(share)}" for label, share in r.shares.items())
                    lines.append(f"    {'':<16}{'':>8}{'':>10}  {shares}")
            if item.key in moved:
                lines.append(f"    {'Ændring':<16}{'':>8}{'':>10}  {numfmt.points(moved[item.key].change_points)}")
        lines.append("")
    lines.append(
        small_numbers_note(surveys[0].limits if surveys else SmallNumbers()) + " "
        "Procenter er af de gyldige svar; \"Ved ikke\" og tomme svar er udeladt."
    )
    return "\n".join(lines)
