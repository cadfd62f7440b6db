"""The team's figures: per principle, half year and score item, from the submitted answers only."""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from typing import Any

import pandas as pd

from workbench.selfeval.answers import submitted_evaluations
from workbench.selfeval.form import SelfEvalProject, load_form

# Disagreement on a 1-5 scale: someone answers "i mindre grad" and someone "i meget høj grad" (range ≥ 3),
# or the answers are spread widely overall (sample standard deviation ≥ 1.2).
DISAGREEMENT_RANGE = 3
DISAGREEMENT_SD = 1.2


@dataclass(frozen=True)
class DisagreementLimits:
    """When the team disagrees (project.yaml: disagreement_range, disagreement_sd); today's defaults above."""

    range: int = DISAGREEMENT_RANGE
    sd: float = DISAGREEMENT_SD

    @classmethod
    def of(cls, project: Any) -> DisagreementLimits:
        """From a project's settings; a project object without settings gets the defaults."""
        settings = getattr(project, "settings", None)
        if settings is None:
            return cls()
        return cls(settings.disagreement_range, settings.disagreement_sd)

SUMMARY_COLUMNS = [
    "principle", "principle_name", "period", "item", "item_label",
    "n", "mean", "median", "min", "max", "sd", "disagreement", "suppressed",
]


def summary_table(project: SelfEvalProject) -> pd.DataFrame:
    """Per principle, half year and score item: n respondents, mean, median, min, max, sd and disagreement.

    Only submitted answers count. sd is the sample standard deviation (n − 1), empty when n = 1. Below the
    project's minimum number of respondents the figures are suppressed (NaN, `suppressed` true): with one or
    two answers a mean is a person's own score.
    """
    minimum = project.settings.min_respondents
    form = load_form(project)
    limits = DisagreementLimits.of(project)
    evaluations = submitted_evaluations(project, form)
    periods = sorted({e.period for e in evaluations})
    rows = []
    for principle in form.principles:
        name = project.codebook.code(principle).name
        for period in periods:
            for item in form.score_items:
                scores = [
                    e.value(principle, item.key) for e in evaluations
                    if e.period == period and e.value(principle, item.key) is not None
                ]
                if not scores:
                    continue
                sd = statistics.stdev(scores) if len(scores) > 1 else math.nan
                if len(scores) < minimum:
                    rows.append({
                        "principle": principle, "principle_name": name, "period": str(period),
                        "item": item.key, "item_label": item.heading, "n": len(scores), "mean": math.nan,
                        "median": math.nan, "min": math.nan, "max": math.nan, "sd": math.nan,
                        "disagreement": False, "suppressed": True,
                    })
                    continue
                rows.append({
                    "principle": principle, "principle_name": name, "period": str(period),
                    "item": item.key, "item_label": item.heading, "n": len(scores),
                    "mean": statistics.fmean(scores), "median": float(statistics.median(scores)),
                    "min": min(scores), "max": max(scores), "sd": sd,
                    "disagreement": max(scores) - min(scores) >= limits.range
                    or (not math.isnan(sd) and sd >= limits.sd),
                    "suppressed": False,
                })
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def summary_records(table: pd.DataFrame) -> list[dict]:
    """The summary as plain JSON-ready records (numbers as numbers, no sd → null)."""
    records = []
    for row in table.to_dict("records"):
        records.append({
            "principle": row["principle"], "principle_name": row["principle_name"], "period": row["period"],
            "item": row["item"], "item_label": row["item_label"], "n": int(row["n"]),
            "mean": _number(row["mean"], 3), "median": _number(row["median"], 1),
            "min": _number(row["min"], None), "max": _number(row["max"], None), "sd": _number(row["sd"], 3),
            "disagreement": bool(row["disagreement"]), "suppressed": bool(row["suppressed"]),
        })
    return records


def _number(value: float, digits: int | None) -> float | int | None:
    if math.isnan(value):
        return None
    return int(value) if digits is None else round(float(value), digits)
