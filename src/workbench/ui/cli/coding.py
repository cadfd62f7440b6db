"""`workbench codings export|import|stale` and `workbench agreement`: codings as CSV, stale codings,
agreement between two coders."""

from __future__ import annotations

import json
from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.ui.cli.common import Commands, project_of


def register(commands: Commands) -> None:
    actions = commands.group("codings", "kodninger: eksport og import som CSV, forældede kodninger", "HANDLING")
    q = actions.add("export", cmd_codings_export, "eksportér kodninger som CSV (doc_id, segment_id, start, end, ...)")
    q.add_argument("--format", choices=["csv"], default="csv")
    q.add_argument("--out", metavar="FIL.csv", help="standard: exports/kodninger.csv")
    q.add_argument("--coder", help="kun denne koders kodninger")
    q = actions.add("import", cmd_codings_import, "importér kodninger fra en CSV-fil")
    q.add_argument("--format", choices=["csv"], default="csv")
    q.add_argument("file", metavar="FIL")
    actions.add("stale", cmd_codings_stale, "vis kodninger, hvis tekst er ændret efter kodningen")

    p = commands.add("agreement", cmd_agreement, "enighed mellem to kodere: procent, Cohens kappa, Krippendorffs alpha")
    p.add_argument("--coders", required=True, metavar="A,B", help="to kodere adskilt af komma")
    p.add_argument("--json", action="store_true")


def cmd_codings_export(args) -> int:
    from workbench.exchange.codings_csv import export_codings_csv

    project = project_of(args)
    store = project.coding_store()
    out = Path(args.out) if args.out else project.exports_dir / "kodninger.csv"
    written = export_codings_csv(project, out, args.coder)
    print(f"{written} kodninger er eksporteret til {out}.")
    left_out = len(store.codings(args.coder)) - written
    if left_out:
        print(
            f"{left_out} kodninger er ikke med, fordi teksten er ændret eller samtykket trukket tilbage "
            "(se `workbench codings stale`)."
        )
    return 0


def cmd_codings_import(args) -> int:
    from workbench.exchange.codings_csv import import_codings_csv

    project = project_of(args)
    result = import_codings_csv(project.coding_store(), project.codable_corpus, project.codebook, Path(args.file))
    print(f"{result.imported} kodninger er importeret fra {args.file}."
          + (f" {result.already_present} fandtes allerede i projektet og er ikke gemt igen." if result.already_present
             else ""))
    return 0


def cmd_codings_stale(args) -> int:
    project = project_of(args)
    stale = project.coding_store().stale(project.codable_corpus)
    for item in stale:
        c = item.coding
        print(f"{c.coder}\t{c.doc_id}\t{c.segment_id or f'{c.start}-{c.end}'}\t{c.code}\t{item.reason}")
    if not stale:
        print("Ingen forældede kodninger.")
    return 1 if stale else 0


def cmd_agreement(args) -> int:
    from workbench.coding.agreement import agreement
    from workbench.report.text_da import AGREEMENT_COLUMNS, agreement_notes, agreement_rows, agreement_summary

    project = project_of(args)
    coders = [c.strip() for c in args.coders.split(",")]
    if len(coders) != 2:
        raise WorkbenchError("Angiv præcis to kodere, fx --coders AB,CD.")
    report = agreement(project.coding_store(), project.codable_corpus, project.codebook, *coders)
    a, b = report.coders
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        return 0
    print(agreement_summary(report))
    rows = [AGREEMENT_COLUMNS, *agreement_rows(report, project.codebook)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(AGREEMENT_COLUMNS))]
    print()
    for row in rows:
        print("  ".join(cell.ljust(widths[0]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row)))
    for note in agreement_notes(report, project.codebook):
        print(note)
    print(f"\nUenigheder: {len(report.disagreements)} enheder")
    for d in report.disagreements:
        codes_a, codes_b = ", ".join(sorted(d.codes_a)) or "–", ", ".join(sorted(d.codes_b)) or "–"
        print(f"\n{d.doc_id} {d.segment_id}  {a}: {codes_a}  {b}: {codes_b}")
        print(f"  {d.text if len(d.text) <= 300 else d.text[:300] + ' …'}")
    return 0
