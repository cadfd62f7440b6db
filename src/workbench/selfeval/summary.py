"""The team's figures: per principle, half year and score item, from the submitted answers only."""

from __future__ import annotations

import math
import statistics

import pandas as pd

from workbench.selfeval.answers import submitted_evaluations
from workbench.selfeval.form import SelfEvalProject, load_form

# Disagreement on a 1-5 scale: someone answers "i mindre grad" and someone "i meget høj grad" (range ≥ 3),
# or the answers are spread widely overall (sample standard deviation ≥ 1.2).
DISAGREEMENT_RANGE = 3
DISAGREEMENT_SD = 1.2

SUMMARY_COLUMNS = [
    "principle", "principle_name", "period", "item", "item_label",
    "n", "mean", "median", "min", "max", "sd", "disagreement",
]


def summary_table(project: SelfEvalProject) -> pd.DataFrame:
    """Per principle, half year and score item: n respondents, mean, median, min, max, sd and disagreement.

    Only submitted answers count. sd is the sample standard deviation (n − 1), empty when n = 1.
    """
    form = load_form(project)
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
                rows.append({
                    "principle": principle, "principle_name": name, "period": str(period),
                    "item": item.key, "item_label": item.heading, "n": len(scores),
                    "mean": statistics.fmean(scores), "median": float(statistics.median(scores)),
                    "min": min(scores), "max": max(scores), "sd": sd,
                    "disagreement": max(scores) - min(scores) >= DISAGREEMENT_RANGE
                    or (not math.isnan(sd) and sd >= DISAGREEMENT_SD),
                })
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def summary_records(table: pd.DataFrame) -> list[dict]:
    """The summary as plain JSON-ready records (numbers as numbers, no sd → null)."""
    records = []
    for row in table.to_dict("records"):
        records.append({
            "principle": row["principle"], "principle_name": row["principle_name"], "period": row["period"],
            "item": row["item"], "item_label": row["item_label"], "n": int(row["n"]),
            "mean": round(float(row["mean"]), 3), "median": float(row["median"]),
            "min": int(row["min"]), "max": int(row["max"]),
            "sd": None if math.isnan(row["sd"]) else round(float(row["sd"]), 3),
            "disagreement": bool(row["disagreement"]),
        })
    return records
