"""Danish text for people about the analyses' results: tables, shares and notes.

The analyses (selfeval, surveys) return numbers; this is where they become "2,4", "67 % (n < 10)" and
the sentences that explain them. Used by the chapter, the notebooks' widgets, the terminal and the
XLSX tables, so each figure reads the same everywhere.
"""

from __future__ import annotations

import pandas as pd

from workbench.coding.agreement import PARADOX, UNDEFINED, AgreementReport
from workbench.lang import numbers as numfmt
from workbench.material.codebook import Codebook
from workbench.report.model import prose
from workbench.selfeval.period import Period
from workbench.selfeval.summary import DisagreementLimits
from workbench.surveys.summary import ItemResult, SmallNumbers

SELFEVAL_COLUMNS = ["Princip", "Halvår", "Spørgsmål", "n", "Gns.", "Median", "Min–maks", "Sd", "Uenighed"]


def selfeval_summary(table: pd.DataFrame) -> pd.DataFrame:
    """The self-evaluation summary (`selfeval.answers.summary_table`) in Danish style for tables people read."""
    return pd.DataFrame(
        {
            "Princip": [f"{p} {n}" for p, n in zip(table["principle"], table["principle_name"])],
            "Halvår": [Period.parse(p).label for p in table["period"]],
            "Spørgsmål": table["item_label"],
            "n": [numfmt.integer(n) for n in table["n"]],
            "Gns.": [numfmt.decimal(v, 1) for v in table["mean"]],
            "Median": [numfmt.decimal(v, 1) for v in table["median"]],
            "Min–maks": [
                "–" if s else f"{int(a)}–{int(b)}" for a, b, s in zip(table["min"], table["max"], table["suppressed"])
            ],
            "Sd": [numfmt.decimal(v, 1) for v in table["sd"]],
            "Uenighed": ["uenighed" if d else "" for d in table["disagreement"]],
        },
        columns=SELFEVAL_COLUMNS,
    )


def disagreement_note(limits: DisagreementLimits, range_: str | None = None, sd: str | None = None) -> str:
    """What "uenighed" means in the self-evaluation tables, and which answers count; `range_` and `sd`: the
    limits as the chapter prints them, traced to project.yaml (`ChapterData.setting`)."""
    return prose(
        "Uenighed: spændet mellem laveste og højeste svar er mindst ", range_ or numfmt.integer(limits.range),
        " point, eller standardafvigelsen er mindst ", sd or numfmt.decimal(limits.sd, 1),
        ". Kun indsendte besvarelser tæller; kladder indgår ikke.",
    )


def survey_share(result: ItemResult) -> str:
    """A survey item's share as the report prints it: "80 %", "56 % (n < 10)" or "–" when suppressed."""
    if result.percent is None:
        return "–"
    text = numfmt.percent(result.percent)
    return f"{text} (n < {result.limits.flag_below})" if result.flagged else text


def small_numbers_note(limits: SmallNumbers) -> str:
    """What "–" and "(n < 10)" mean beside survey shares."""
    return (
        f"– = færre end {limits.suppress_below} gyldige svar (vises ikke, så ingen kan genkendes); "
        f"(n < {limits.flag_below}) = {limits.suppress_below}-{limits.flag_below - 1} gyldige svar, tolk med "
        "forsigtighed."
    )


# ---------------------------------------------------------------- intercoder agreement: one table everywhere

AGREEMENT_COLUMNS = [
    "Kode", "n", "Procent enighed", "Cohens kappa", "Krippendorffs alpha", "Gwets AC1", "Tegn: enighed", "Tegn: kappa",
]
AGREEMENT_OVERALL = "I alt (kode × enhed)"


def _code_label(codebook: Codebook, key: str) -> str:
    return codebook.code(key).label if codebook.has_code(key) else key


def agreement_values(report: AgreementReport, codebook: Codebook) -> list[list]:
    """The agreement table as numbers (None where undefined): one row per code, then the pooled total."""
    rows = [[_code_label(codebook, m.code), m.n, m.percent, m.kappa, m.alpha, m.ac1, m.char_percent, m.char_kappa]
            for m in report.per_code]
    o = report.overall
    rows.append([AGREEMENT_OVERALL, o.n, o.percent, o.kappa, o.alpha, o.ac1, None, None])
    return rows


def agreement_rows(report: AgreementReport, codebook: Codebook) -> list[list[str]]:
    """The agreement table in Danish number style, for the terminal, the notebook and the chapter."""
    def text(column: int, value) -> str:
        if column == 0:
            return value
        if column == 1:
            return numfmt.integer(value)
        if value is None:
            return "–"
        return numfmt.percent(value) if column in (2, 6) else numfmt.decimal(value, 2)

    return [[text(i, v) for i, v in enumerate(row)] for row in agreement_values(report, codebook)]


def agreement_summary(report: AgreementReport, figures: dict[str, str] | None = None) -> str:
    """What was compared, by which rule, and what the units include, in one or two sentences; `figures`: the
    counts ("documents", "complete", "units", "only_a", "only_b") as the chapter prints them, traced."""
    a, b = report.coders
    given = figures or {}
    documents = given.get("documents") or numfmt.count_noun(report.documents, "dokument", "dokumenter")
    units = given.get("units") or numfmt.count_noun(report.segments, "enhed", "enheder")
    complete = prose(", heraf ", given.get("complete") or numfmt.integer(report.complete_documents),
                     " færdigkodet af begge") if report.complete_documents else ""
    return prose(
        f"Enighed mellem {a} og {b} i ", documents, ", som begge har kodet", complete, ", over ", units,
        f" ({'; '.join(report.rules)}). ", given.get("only_a") or numfmt.integer(report.only_a),
        f" enheder er kodet kun af {a} og ", given.get("only_b") or numfmt.integer(report.only_b),
        f" kun af {b}; de tæller som uenighed.",
    )


def agreement_notes(report: AgreementReport, codebook: Codebook) -> list[str]:
    """The notes under the table: what "–" means and which codes show the kappa paradox."""
    notes = []
    undefined = [m.code for m in report.per_code if m.note == UNDEFINED]
    if undefined or report.overall.note == UNDEFINED:
        notes.append(f"– = {UNDEFINED}.")
    paradox = [m.code for m in report.per_code if m.note == PARADOX]
    if paradox:
        notes.append(f"{', '.join(paradox)}: {PARADOX}.")
    notes.append(
        "Tegn: enighed og kappa regnet tegn for tegn, som NVivo gør, vægtet med dokumenternes længde."
    )
    return notes


def selfeval_suppression_note(minimum: int | str) -> str:
    """Why some self-evaluation figures show "–"; `minimum` as a number or as the chapter prints it, traced."""
    return prose(
        "Med færre end ", numfmt.integer(minimum) if isinstance(minimum, int) else minimum,
        " indsendte besvarelser vises tallene ikke (–), så ingen kan se en enkelt persons svar.",
    )


def the_count(n: int, singular: str, plural: str) -> str:
    """ "de fem guidende principper", "det guidende princip": a count from the codebook, in words."""
    return f"det {singular}" if n == 1 else f"de {numfmt.number_word(n)} {plural}"


def join_and(items: list[str]) -> str:
    """"a, b og c"; "" for none."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " og " + items[-1] if items else ""
