"""Danish text for people about the analyses' results: tables, shares and notes.

The analyses (selfeval, surveys) return numbers; this is where they become "2,4", "67 % (n < 10)" and
the sentences that explain them. Used by the chapter, the notebooks' widgets, the terminal and the
XLSX tables, so each figure reads the same everywhere.
"""

from __future__ import annotations

import pandas as pd

from workbench.lang import numbers as numfmt
from workbench.selfeval.answers import DisagreementLimits, Period
from workbench.surveys.load import ItemResult

SELFEVAL_COLUMNS = ["Princip", "Halvår", "Spørgsmål", "n", "Gns.", "Median", "Min–maks", "Sd", "Uenighed"]


def selfeval_summary(table: pd.DataFrame) -> pd.DataFrame:
    """The self-evaluation summary (`selfeval.answers.summary_table`) in Danish style for tables people read."""
    return pd.DataFrame({
        "Princip": [f"{p} {n}" for p, n in zip(table["principle"], table["principle_name"])],
        "Halvår": [Period.parse(p).label for p in table["period"]],
        "Spørgsmål": table["item_label"],
        "n": [numfmt.integer(n) for n in table["n"]],
        "Gns.": [numfmt.decimal(v, 1) for v in table["mean"]],
        "Median": [numfmt.decimal(v, 1) for v in table["median"]],
        "Min–maks": [f"{int(a)}–{int(b)}" for a, b in zip(table["min"], table["max"])],
        "Sd": [numfmt.decimal(v, 1) for v in table["sd"]],
        "Uenighed": ["uenighed" if d else "" for d in table["disagreement"]],
    }, columns=SELFEVAL_COLUMNS)


def disagreement_note(limits: DisagreementLimits) -> str:
    """What "uenighed" means in the self-evaluation tables, and which answers count."""
    return (
        f"Uenighed: spændet mellem laveste og højeste svar er mindst {limits.range} point, eller "
        f"standardafvigelsen er mindst {numfmt.decimal(limits.sd, 1)}. Kun indsendte besvarelser tæller; "
        f"kladder indgår ikke."
    )


def survey_share(result: ItemResult) -> str:
    """A survey item's share as the report prints it: "80 %", "56 % (n < 10)" or "–" when suppressed."""
    if result.percent is None:
        return "–"
    text = numfmt.percent(result.percent)
    return f"{text} (n < {result.limits.flag_below})" if result.flagged else text
