"""The judgements and the assessors' agreement as an Excel workbook (exports/vurderinger.xlsx).

The rationales are the evaluator's own free text: they pass the anonymity guard and the check for
text from withdrawn material before anything is written. Evidence is listed by reference only.
"""

from __future__ import annotations

from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.exchange.xlsx import (
    DECIMAL_2,
    INTEGER,
    Column,
    Sheet,
    XlsxExport,
    workbook_bytes,
)
from workbench.io.files import atomic_write_bytes
from workbench.judgements.model import criterion_label
from workbench.judgements.store import load_assessments
from workbench.judgements.table import agreement_rows, judgement_rows
from workbench.privacy.guard import TextSource, ensure_clean, ensure_no_withdrawn
from workbench.project import Project
from workbench.selfeval.answers import Period

FILE_NAME = "vurderinger.xlsx"
WHAT = "Excel-filen med vurderinger"


def assessment_sheets(project: Project, round_: str | None = None) -> list[Sheet]:
    assessments = load_assessments(project)
    rubric = project.settings.rubric
    rows = judgement_rows(assessments, rubric, round_)
    if not rows:
        raise WorkbenchError("Der er ingen vurderinger at eksportere (assessments/<runde>/<bedømmer>/<princip>.yaml).",
                             project.root / "assessments")
    texts = [TextSource(f"assessments/{r['round']}/{r['assessor']}/{r['principle']}.yaml ({r['question']})",
                        r["rationale"]) for r in rows if r["rationale"]]
    texts += [TextSource(f"assessments/{r['round']}/{r['assessor']}/{r['principle']}.yaml (statement)",
                         r["statement"]) for r in rows if r["statement"]]
    ensure_clean(project, texts, WHAT)
    ensure_no_withdrawn(project, texts, WHAT)
    names = {c.key: c.name for c in project.codebook.principles}
    labels = {level.key: level.label for level in rubric.levels}
    judgements = Sheet(
        "Vurderinger",
        [Column("Runde"), Column("Princip"), Column("Bedømmer"), Column("Type"), Column("Spørgsmål/kriterium"),
         Column("Niveau"), Column("Begrundelse", wrap=True), Column("Belæg", wrap=True)],
        [[Period.parse(r["round"]).label, f"{r['principle']} {names[r['principle']]}", r["assessor"],
          "GUIDE" if r["kind"] == "guide" else "Spørgsmål", criterion_label(r["question"]), r["level_label"] or "",
          r["rationale"], "\n".join(r["evidence"])] for r in rows],
        "Anm.: Bedømmernes egne vurderinger på projektets bedømmelsesskala; konsensus er den fælles vurdering. "
        "Belæg er henvisninger (kodning:, citat:, selvevaluering:, spoergeskema:); belæg fra materiale, hvor "
        "samtykket er trukket tilbage, er udeladt.",
        frozen_columns=2,
    )
    agreement = agreement_rows(assessments, rubric, round_)
    sheets = [judgements]
    if agreement:
        sheets.append(Sheet(
            "Enighed om vurderinger",
            [Column("Runde"), Column("Bedømmere"), Column("Krippendorffs alpha (ordinal)", DECIMAL_2),
             Column("Kriterier vurderet af begge (n)", INTEGER), Column("Samme niveau", INTEGER),
             Column("Uenighed: princip"), Column("Uenighed: spørgsmål/kriterium"), Column("Niveau A"),
             Column("Niveau B")],
            [[Period.parse(a["round"]).label, " og ".join(a["assessors"]), a["alpha"], a["n"], a["identical"],
              "", "", "", ""] for a in agreement]
            + [[Period.parse(a["round"]).label, " og ".join(a["assessors"]), None, None, None, d["principle"],
                criterion_label(d["question"]), labels[d["level_a"]], labels[d["level_b"]]]
               for a in agreement for d in a["disagreements"]],
            "Anm.: Alpha er beregnet på niveauerne som ordnet skala over de kriterier, begge bedømmere har vurderet; "
            "tomt, når alle vurderinger har samme niveau.",
        ))
    return sheets


def export_assessments_xlsx(project: Project, out: str | Path | None = None, round_: str | None = None) -> XlsxExport:
    out = Path(out) if out else project.exports_dir / FILE_NAME
    sheets = assessment_sheets(project, round_)
    atomic_write_bytes(out, workbook_bytes(sheets))
    return XlsxExport(out, [s.title for s in sheets])
