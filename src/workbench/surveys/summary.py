"""Survey results: per item and time point the valid answers and the share, small groups suppressed; the
change from first to last time point; the same as plain records and as a table with Danish columns."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from workbench.lang.rounding import round_half_up
from workbench.surveys.load import load_surveys
from workbench.surveys.model import FLAG_BELOW, SUPPRESS_BELOW, SmallNumbers, Survey, SurveyItem, normalise

__all__ = ["FLAG_BELOW", "SUPPRESS_BELOW", "SmallNumbers"]  # the limits' defaults, re-exported for callers


@dataclass(frozen=True)
class ItemResult:
    survey: str
    item: str
    time_point: str
    n_valid: int
    n_excluded: int
    n_positive: int | None  # None when suppressed: the count would reveal as much as the share
    percent: float | None  # unrounded; None when suppressed
    suppressed: bool  # n_valid < limits.suppress_below
    flagged: bool  # limits.suppress_below <= n_valid < limits.flag_below
    counts: dict[str, int] = field(default_factory=dict)  # valid answers per label; empty for aggregated tables
    limits: SmallNumbers = field(default_factory=SmallNumbers)

    @property
    def shares(self) -> dict[str, float]:
        """Each valid answer's share of the valid answers, in the questionnaire's order."""
        return {label: 100 * n / self.n_valid for label, n in self.counts.items()}


@dataclass(frozen=True)
class ItemChange:
    item: str
    start: ItemResult
    end: ItemResult
    # in procentpoint, from the unrounded shares (so it can differ by one from the difference of the
    # rounded figures); None when either side is suppressed
    change_points: float | None


def _result(
    survey: Survey, item: SurveyItem, time_point: str, n_valid: int, n_excluded: int, n_positive: int,
    percent: float | None, counts: dict[str, int],
) -> ItemResult:
    limits = survey.limits
    suppressed = n_valid < limits.suppress_below
    return ItemResult(
        survey=survey.name,
        item=item.key,
        time_point=time_point,
        n_valid=n_valid,
        n_excluded=n_excluded,
        n_positive=None if suppressed else n_positive,
        percent=None if suppressed else percent,
        suppressed=suppressed,
        flagged=not suppressed and n_valid < limits.flag_below,
        counts={} if suppressed else counts,
        limits=limits,
    )


def _respondent_result(survey: Survey, item: SurveyItem, time_point: str) -> ItemResult | None:
    answers = [s.answers[item.key] for s in survey.sheets if s.time_point == time_point]
    if not answers:
        return None
    counts = {label: 0 for label in item.valid_labels}
    for answer in answers:
        if answer in counts:
            counts[answer] += 1
    n_valid = sum(counts.values())
    positive = {normalise(label) for label in item.positive}
    n_positive = sum(n for label, n in counts.items() if normalise(label) in positive)
    percent = 100 * n_positive / n_valid if n_valid else None
    return _result(survey, item, time_point, n_valid, len(answers) - n_valid, n_positive, percent, counts)


def _aggregated_result(survey: Survey, item: SurveyItem, time_point: str) -> ItemResult | None:
    row = next((r for r in survey.aggregated if r.item == item.key and r.time_point == time_point), None)
    if row is None:
        return None
    n_positive = round(row.percent * row.n_valid / 100)
    return _result(survey, item, time_point, row.n_valid, row.n_excluded, n_positive, row.percent, {})


def summarise(survey: Survey) -> list[ItemResult]:
    """Per item and time point (in the map's order): n valid, n excluded and the share, small groups suppressed."""
    tally = _respondent_result if survey.item_map.format == "respondent" else _aggregated_result
    results = []
    for item in survey.item_map.items:
        for point in survey.item_map.time_points:
            result = tally(survey, item, point.key)
            if result is not None:
                results.append(result)
    return results


def changes(survey: Survey, results: list[ItemResult] | None = None) -> list[ItemChange]:
    """Per item, the change from the first to the last time point in procentpoint (when both were measured).

    The change is the difference of the two percentages as printed (each rounded to a whole percent), so a
    reader can check it in the table: 32 % → 69 % is +37, even when the unrounded shares differ by 37,8.
    """
    points = survey.item_map.time_points
    if len(points) < 2:
        return []
    by_key = {(r.item, r.time_point): r for r in (results if results is not None else summarise(survey))}
    found = []
    for item in survey.item_map.items:
        start, end = by_key.get((item.key, points[0].key)), by_key.get((item.key, points[-1].key))
        if start is None or end is None:
            continue
        change = (None if start.percent is None or end.percent is None
                  else round_half_up(end.percent) - round_half_up(start.percent))
        found.append(ItemChange(item.key, start, end, change))
    return found


# ---------------------------------------------------------------- plain data (JSON, notebook, XLSX)


def summary_records(surveys: list[Survey]) -> list[dict]:
    """The summary as plain data (numbers unrounded): one entry per survey with its items and time points."""
    records = []
    for survey in surveys:
        results = summarise(survey)
        moved = {c.item: c.change_points for c in changes(survey, results)}
        items = []
        for item in survey.item_map.items:
            items.append({
                "item": item.key,
                "question": item.question,
                "share_of": list(item.positive),
                "direction": item.direction,
                "note": item.note,
                "principles": list(item.principles),
                "factors": list(item.factors),
                "time_points": [
                    {
                        "time_point": r.time_point,
                        "label": survey.time_label(r.time_point),
                        "n_valid": r.n_valid,
                        "n_excluded": r.n_excluded,
                        "n_positive": r.n_positive,
                        "percent": r.percent,
                        "suppressed": r.suppressed,
                        "flagged": r.flagged,
                        "counts": r.counts,
                    }
                    for r in results
                    if r.item == item.key
                ],
                "change_points": moved.get(item.key),
            })
        records.append({
            "survey": survey.name,
            "title": survey.title,
            "population": survey.item_map.population,
            "source": survey.source,
            "format": survey.item_map.format,
            "file": survey.data_path.name,
            "encoding": survey.encoding,
            "separator": survey.separator,
            "answer_sheets": len(survey.sheets) if survey.item_map.format == "respondent" else None,
            "items": items,
        })
    return records


def summary_columns(limits: SmallNumbers) -> list[str]:
    return [
        "Spørgeskema", "Spørgsmål", "Principper", "Tidspunkt", "Gyldige svar", "Udeladte svar", "Andel (%)",
        "Andelen omfatter", "Lavere er bedre", f"Markeret (n < {limits.flag_below})",
        f"Undertrykt (n < {limits.suppress_below})", "Ændring (procentpoint)",
    ]


def summary_table(project) -> pd.DataFrame:
    """One row per survey, item and time point with Danish column names (for the notebook and XLSX export)."""
    rows = []
    for record in summary_records(load_surveys(project)):
        for item in record["items"]:
            points = item["time_points"]
            for point in points:
                rows.append([
                    record["title"],
                    item["question"],
                    ", ".join(item["principles"]),
                    point["label"],
                    point["n_valid"],
                    point["n_excluded"],
                    point["percent"],
                    ", ".join(item["share_of"]),
                    item["direction"] == "lower_is_better",
                    point["flagged"],
                    point["suppressed"],
                    item["change_points"] if point is points[-1] else None,  # the change belongs to the end row
                ])
    return pd.DataFrame(rows, columns=summary_columns(SmallNumbers.of(project)))
