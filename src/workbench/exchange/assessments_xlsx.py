"""The judgements and the assessors' agreement as an Excel workbook (exports/vurderinger.xlsx).

Written through the export gate (privacy/gate.py): the rationales and revised wordings are the
evaluator's own free text, declared at their line in the assessment file, so personal data or text
from withdrawn material stops the export before anything is written. Evidence is listed by reference
only, never with the material's text.
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
from workbench.judgements.model import criterion_label
from workbench.judgements.store import load_assessments
from workbench.judgements.table import agreement_rows, judgement_rows
from workbench.privacy import sources
from workbench.privacy.gate import Export, exporter
from workbench.project import Project
from workbench.selfeval.period import Period

FILE_NAME = "vurderinger.xlsx"


def assessment_sheets(project: Project, round_: str | None = None) -> list[Sheet]:
    """The judgements sheet (one row per judged criterion) and, with two assessors, the agreement sheet."""
    assessments = load_assessments(project)
    rubric = project.settings.rubric
    rows = judgement_rows(assessments, rubric, round_)
    if not rows:
        raise WorkbenchError("Der er ingen vurderinger at eksportere (assessments/<runde>/<bedømmer>/<princip>.yaml).",
                             project.root / "assessments")
    texts = []
    for r in rows:  # the assessor's own words, at their line in the file (a MEMO: the evaluator's analytic text)
        path = assessments.paths[(r["round"], r["assessor"], r["principle"])]
        texts += [sources.at(project, path, text, sources.MEMO) for text in (r["rationale"], r["statement"]) if text]
    texts += sources.coder_names(project, {r["assessor"] for r in rows})
    texts += sources.codebook_texts(project, names_only=True)
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
        texts=list(dict.fromkeys(texts)),
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


@exporter("assessments-xlsx", carries=(sources.MEMO, sources.CODER, sources.CODEBOOK))
def assessments_xlsx_export(project: Project, out: Path, round_: str | None = None) -> Export:
    sheets = assessment_sheets(project, round_)
    texts = list(dict.fromkeys(t for sheet in sheets for t in sheet.texts))
    return Export(f"Excel-filen {out.name}", {out: workbook_bytes(sheets)}, texts,
                  summary=XlsxExport(out, [s.title for s in sheets]))


def export_assessments_xlsx(project: Project, out: str | Path | None = None, round_: str | None = None) -> XlsxExport:
    """Write exports/vurderinger.xlsx (or `out`) through the export gate."""
    out = Path(out) if out else project.exports_dir / FILE_NAME
    return assessments_xlsx_export.write(project, out=out, round_=round_).summary
