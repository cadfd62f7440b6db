"""Danish text for people about the analyses' results: tables, shares and notes.

The analyses (selfeval, surveys) return numbers; this is where they become "2,4", "67 % (n < 10)" and
the sentences that explain them. Used by the chapter, the notebooks' widgets, the terminal and the
XLSX tables, so each figure reads the same everywhere.
"""

from __future__ import annotations

import pandas as pd

from workbench.coding.agreement import OVERALL, AgreementReport, CodeAgreement
from workbench.lang import numbers as numfmt
from workbench.material.codebook import Codebook
from workbench.selfeval.answers import DisagreementLimits, Period
from workbench.surveys.load import ItemResult

AGREEMENT_COLUMNS = ["Kode", "n", "Procent enighed", "Cohens kappa", "Krippendorffs alpha", "Note"]


def agreement_measures(report: AgreementReport, codebook: Codebook) -> list[tuple[str, CodeAgreement]]:
    """The rows of every agreement table: each code by its codebook label, then the pooled total ("I alt")."""
    rows = [(codebook.code(m.code).label if codebook.has_code(m.code) else m.code, m) for m in report.per_code]
    return [*rows, (OVERALL, report.overall)]


def agreement_rows(report: AgreementReport, codebook: Codebook) -> list[list[str]]:
    """The agreement table in Danish number style (AGREEMENT_COLUMNS); "–" where kappa or alpha is undefined.

    The one rendering of the table: the chapter, the coding notebook and the terminal all show these rows."""
    return [
        [label, numfmt.integer(m.n), numfmt.percent(m.percent), numfmt.decimal(m.kappa, 2),
         numfmt.decimal(m.alpha, 2), m.note]
        for label, m in agreement_measures(report, codebook)
    ]


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
