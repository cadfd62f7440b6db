"""`workbench export-qdpx|export-qdc|import-qdpx|export-xlsx`: files for other programs."""

from __future__ import annotations

from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.ui.cli.common import Commands, project_of


def register(commands: Commands) -> None:
    p = commands.add(
        "export-qdpx", cmd_export_qdpx,
        "eksportér projektet som REFI-QDA-projekt (.qdpx) til NVivo, ATLAS.ti, MAXQDA, QualCoder",
    )
    p.add_argument("--out", metavar="FIL.qdpx", help="standard: exports/projekt.qdpx")

    p = commands.add("export-qdc", cmd_export_qdc, "eksportér kodebogen alene som REFI-QDA-kodebog (.qdc)")
    p.add_argument("--out", metavar="FIL.qdc", help="standard: exports/kodebog.qdc")

    p = commands.add("import-qdpx", cmd_import_qdpx, "importér kilder og kodninger fra et REFI-QDA-projekt (.qdpx)")
    p.add_argument("file", metavar="FIL.qdpx")
    p.add_argument("--map-unknown", action="append", metavar="NAVN=KODE",
                   help="importér kodninger med en ukendt kode under en kode fra kodebogen (kan gentages)")
    p.add_argument("--coder", action="append", metavar="BRUGER=KODER",
                   help="kodernavn for en bruger i filen, fx \"Anne Holm=AH\" (kan gentages)")
    p.add_argument("--metadata", metavar="FIL", help="YAML- eller CSV-fil med kildernes id, type, group, role, unit, "
                   "date og consent (kildens navn som i det andet program)")
    p.add_argument("--dry-run", action="store_true",
                   help="vis, hvad der ville blive importeret (kilder, koder, kodere, personoplysninger); skriv intet")

    p = commands.add(
        "export-xlsx", cmd_export_xlsx,
        "eksportér tabeller til Excel: kodninger, matricer, enighed, selvevaluering, spørgeskemaer",
    )
    p.add_argument("--what", choices=["codings", "matrices", "agreement", "selfeval", "surveys", "all"], default="all",
                   help="hvilke tabeller (standard: all)")
    p.add_argument("--out", metavar="FIL.xlsx", help="standard: exports/<tabel>.xlsx")
    p.add_argument("--coders", metavar="A,B", help="de to kodere i enighedstabellen (standard: projektets to kodere)")


def pairs(values: list[str] | None, option: str, example: str) -> dict[str, str]:
    """Repeated NAVN=VÆRDI options as a dict."""
    pairs = {}
    for value in values or []:
        name, sep, target = value.rpartition("=")
        if not sep or not name.strip() or not target.strip():
            raise WorkbenchError(
                f"{option} skal skrives som NAVN=VÆRDI, fx {option} \"{example}\" (fundet: '{value}')."
            )
        pairs[name.strip()] = target.strip()
    return pairs


def cmd_export_qdpx(args) -> int:
    from workbench.exchange.qdpx import (
        export_qdpx,
        exported_codings,
        exported_documents,
    )
    from workbench.lang.numbers import count_noun

    project = project_of(args)
    out = export_qdpx(project, Path(args.out) if args.out else project.exports_dir / "projekt.qdpx")
    documents = count_noun(len(exported_documents(project)), "dokument", "dokumenter")
    print(f"REFI-QDA-projektet er skrevet til {out} ({documents}, "
          f"{count_noun(len(exported_codings(project)), 'kodning', 'kodninger')}).")
    return 0


def cmd_export_qdc(args) -> int:
    from workbench.exchange.qdpx import export_qdc

    project = project_of(args)
    out = export_qdc(project, Path(args.out) if args.out else project.exports_dir / "kodebog.qdc")
    print(f"Kodebogen er skrevet til {out} (REFI-QDA-kodebog).")
    return 0


def cmd_import_qdpx(args) -> int:
    from workbench.exchange.qdpx import import_qdpx
    from workbench.exchange.qdpx.source_metadata import load_source_metadata
    from workbench.lang.numbers import count_noun

    project = project_of(args)
    coders = pairs(args.coder, "--coder", "Anne Holm=AH")
    codes = pairs(args.map_unknown, "--map-unknown", "Ventetid=P3")
    metadata = load_source_metadata(Path(args.metadata), project.codebook) if args.metadata else None
    report = import_qdpx(project, Path(args.file), coders, codes, metadata, dry_run=args.dry_run)
    if report.dry_run:
        print("\n".join(dry_run_lines(report)))
        return 0
    print(f"Importeret fra {args.file}" + (f" (lavet med {report.origin})" if report.origin else "") + ":")
    for label, ids in (("Nye dokumenter", report.documents_created),
                       ("Dokumenter, der fandtes i forvejen", report.documents_matched)):
        print(f"  {label} ({len(ids)}): {', '.join(ids) or 'ingen'}")
    print(f"  {count_noun(report.imported, 'kodning', 'kodninger')} importeret"
          + (f" (kodere: {', '.join(report.coders)})" if report.coders else "")
          + (f"; {report.already_present} fandtes allerede" if report.already_present else "") + ".")
    if report.unknown_codes:
        left_out = count_noun(report.left_out, "kodning", "kodninger")
        print(f"  {left_out} er IKKE importeret, fordi koden ikke findes i kodebogen:")
        for name, count in report.unknown_codes.items():
            print(f"    {name}: {count_noun(count, 'kodning', 'kodninger')}")
        print('  Importér dem under en kode fra kodebogen med fx --map-unknown "NAVN=P3".')
    for line in report.skipped:
        print(f"  Ikke importeret: {line}")
    for line in report.warnings:
        print(f"  Bemærk: {line}")
    return 0


def dry_run_lines(report) -> list[str]:
    """What `import-qdpx --dry-run` prints: sources, codes, coders and personal data, nothing written."""
    from workbench.exchange.qdpx.import_ import privacy_lines
    from workbench.lang.numbers import count_noun

    lines = [f"Prøveimport af {report.path}" + (f" (lavet med {report.origin})" if report.origin else "")
             + ": intet er skrevet.", "", "Kilder:"]
    for source in report.sources:
        target = f" → {source.document}" if source.document else ""
        lines.append(f"  {source.name}{target} ({source.status}, "
                     f"{count_noun(source.codings, 'kodning', 'kodninger')})")
        for name, value in source.metadata.items():
            lines.append(f"    {name}: {value} (fra {source.origin.get(name, '?')})")
        if source.missing:
            lines.append(f"    MANGLER: {', '.join(source.missing)} (giv dem med --metadata FIL)")
    lines += ["", "Koder:"]
    for name, (key, n) in report.codes.items():
        target = f"→ {key}" if key else "IKKE i kodebogen (brug --map-unknown \"NAVN=KODE\")"
        lines.append(f"  {name} {target}: {count_noun(n, 'kodning', 'kodninger')}")
    lines += ["", "Kodere:"]
    lines += [f"  {name or '(ingen bruger)'} → {coder}" for name, coder in sorted(report.users.items())] or ["  ingen"]
    lines += ["", "Mulige personoplysninger:"]
    lines += [f"  {line}" for line in privacy_lines(report.privacy)] or ["  ingen fundet"]
    if report.privacy:
        lines.append("  En rigtig import afvises, indtil teksterne er anonymiseret (fx med `workbench pseudonymise`).")
    for line in report.skipped:
        lines.append(f"Springes over: {line}")
    for line in report.warnings:
        lines.append(f"Bemærk: {line}")
    return lines


def cmd_export_xlsx(args) -> int:
    from workbench.exchange.xlsx import export_xlsx

    project = project_of(args)
    coders = tuple(c.strip() for c in args.coders.split(",")) if args.coders else None
    if coders is not None and len(coders) != 2:
        raise WorkbenchError("Angiv præcis to kodere, fx --coders AB,CD.")
    result = export_xlsx(project, args.what, Path(args.out) if args.out else None, coders)
    print(f"Excel-filen er skrevet til {result.path} med arkene: {', '.join(result.sheets)}.")
    for line in result.left_out:
        print(f"Ikke med: {line}")
    return 0
