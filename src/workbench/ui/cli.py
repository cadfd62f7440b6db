"""The `workbench` command: a thin layer over the library.

Every command takes --project DIR (default: the current directory). User errors print one Danish
message to stderr and exit with code 2; nothing is half-written.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.lang import numbers as numfmt
from workbench.project import Project
from workbench.report.text_da import disagreement_note, selfeval_summary, survey_share
from workbench.selfeval.summary import summary_records, summary_table
from workbench.surveys.load import SEPARATORS, load_surveys
from workbench.surveys.model import Survey
from workbench.surveys.summary import FLAG_BELOW, SUPPRESS_BELOW, changes, summarise
from workbench.surveys.summary import summary_records as survey_records


def _project(args) -> Project:
    return Project(Path(args.project))


def cmd_import(args) -> int:
    from workbench.exchange.importer import import_files

    metadata = {
        "id": args.id, "type": args.type, "group": args.group, "role": args.role,
        "unit": args.unit, "date": args.date, "consent": args.consent,
    }
    project = _project(args)
    imported = import_files(project, [Path(f) for f in args.files], metadata, replace=args.replace)
    for item in imported:
        print(
            f"Importeret {item.source} → {project.relative(item.target)} "
            f"(tegnkodning: {item.decoded.encoding}, linjeskift: {item.decoded.line_endings}, "
            f"{len(item.document.segments)} segmenter)"
        )
    return 0


def cmd_check_anonymity(args) -> int:
    from workbench.anonymity import detectors_run, ner_status
    from workbench.privacy.guard import scan_project

    findings = scan_project(_project(args))
    ner = ner_status()
    if args.json:
        report = {
            "detectors": detectors_run(),
            "ner": {"model": ner.model, "error": ner.error},
            "findings": [f.as_dict() for f in findings],
        }
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        for finding in findings:
            print(finding)
        if not findings:
            print("Ingen mulige personoplysninger fundet.")
        # on stderr, so that stdout stays one line per finding
        print("Søgt efter: " + ", ".join(detectors_run()) + ".", file=sys.stderr)
        if ner.error:
            print(ner.error, file=sys.stderr)
    return 1 if findings else 0


def cmd_pseudonymise(args) -> int:
    from workbench.privacy.pseudonymise import pseudonymise_file

    project = _project(args)
    findings = pseudonymise_file(
        Path(args.file),
        Path(args.key),
        project.root,
        allowed=project.codebook.anonymity.allowed_terms,
        places=project.codebook.anonymity.local_places,
    )
    print(f"{len(findings)} forekomster erstattet i {args.file}. Nøglen er gemt i {args.key} (del den aldrig).")
    return 0


def cmd_documents(args) -> int:
    project = _project(args)
    for document in project.corpus.documents:
        status = "" if document.included else "  [samtykke trukket tilbage – udelades]"
        print(
            f"{document.id:14} {document.meta.type:12} {document.meta.group:12} "
            f"{document.word_count:6} ord {len(document.segments):4} segmenter{status}"
        )
    return 0


def cmd_report(args) -> int:
    from workbench.report import export_chapter

    project = _project(args)
    out = Path(args.out) if args.out else project.exports_dir / "evalueringskapitel.docx"
    sections = [args.section] if args.section else None
    if sections and not args.out:
        out = project.exports_dir / f"evalueringskapitel-{args.section}.docx"
    export_chapter(project, out, Path(args.template) if args.template else None, sections)
    print(f"Evalueringskapitlet er skrevet til {out}")
    return 0


def cmd_codings_export(args) -> int:
    from workbench.exchange.codings_csv import export_codings_csv

    project = _project(args)
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

    project = _project(args)
    imported = import_codings_csv(project.coding_store(), project.codable_corpus, project.codebook, Path(args.file))
    print(f"{imported} kodninger er importeret fra {args.file}.")
    return 0


def cmd_codings_stale(args) -> int:
    project = _project(args)
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

    project = _project(args)
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


def cmd_survey_summary(args) -> int:
    surveys = load_surveys(_project(args))
    if args.json:
        print(json.dumps(survey_records(surveys), ensure_ascii=False, indent=2))
    else:
        print(survey_summary_text(surveys))
    return 0


def _survey_file_description(survey: Survey) -> str:
    kind = "respondentniveau" if survey.item_map.format == "respondent" else "aggregeret tabel"
    parts = [kind, survey.encoding]
    if survey.separator is not None:
        parts.append(f"{SEPARATORS[survey.separator]} som skilletegn")
    if survey.sheets:
        sheets = numfmt.count_noun(len(survey.sheets), "besvarelse", "besvarelser")
        points = survey.item_map.time_points
        if len(points) > 1:
            sheets += f" ({', '.join(f'{p.label.lower()} {survey.answer_sheets(p.key)}' for p in points)})"
        parts.append(sheets)
    return ", ".join(parts)


def survey_summary_text(surveys: list[Survey]) -> str:
    """The survey summary as text for the terminal: per survey, item and time point."""
    if not surveys:
        return "Projektet har ingen spørgeskemaer (surveys/<navn>.yaml med en datafil ved siden af)."
    lines: list[str] = []
    for survey in surveys:
        results = summarise(survey)
        moved = {c.item: c for c in changes(survey, results)}
        lines += [
            f"{survey.title} – {survey.item_map.population}",
            f"{survey.data_path.name}: {_survey_file_description(survey)}",
            survey.source,
        ]
        for item in survey.item_map.items:
            links = ", ".join(item.principles + item.factors)
            lines.append("")
            lines.append(f"  {item.key}: {item.question}" + (f" [{links}]" if links else ""))
            direction = " (lavere er bedre)" if item.direction == "lower_is_better" else ""
            lines.append(f"    Andel: {item.share_description}{direction}")
            if item.note:
                lines.append(f"    Note: {item.note}")
            lines.append(f"    {'Tidspunkt':<16}{'Gyldige':>8}{'Udeladte':>10}  Andel")
            for r in (r for r in results if r.item == item.key):
                lines.append(f"    {survey.time_label(r.time_point):<16}{r.n_valid:>8}{r.n_excluded:>10}  {survey_share(r)}")
                if r.shares:
                    shares = " · ".join(f"{label} {numfmt.percent(share)}" for label, share in r.shares.items())
                    lines.append(f"    {'':<16}{'':>8}{'':>10}  {shares}")
            if item.key in moved:
                lines.append(f"    {'Ændring':<16}{'':>8}{'':>10}  {numfmt.points(moved[item.key].change_points)}")
        lines.append("")
    lines.append(
        f"– = færre end {SUPPRESS_BELOW} gyldige svar (vises ikke, så ingen kan genkendes); "
        f"(n < {FLAG_BELOW}) = {SUPPRESS_BELOW}-{FLAG_BELOW - 1} gyldige svar, tolk med forsigtighed. "
        "Procenter er af de gyldige svar; \"Ved ikke\" og tomme svar er udeladt."
    )
    return "\n".join(lines)


def cmd_selfeval_summary(args) -> int:
    project = _project(args)
    if args.json:
        print(json.dumps(summary_records(summary_table(project)), ensure_ascii=False, indent=2))
    else:
        print(selfeval_summary_text(project))
    return 0


def selfeval_summary_text(project: Project) -> str:
    """The self-evaluation summary as text tables, one per principle."""
    table = summary_table(project)
    if table.empty:
        return "Der er endnu ingen indsendte selvevalueringer i selfeval/."
    formatted = selfeval_summary(table)
    blocks = ["Selvevaluering i supportteamet: svar pr. princip og halvår"]
    for principle in dict.fromkeys(formatted["Princip"]):
        part = formatted[formatted["Princip"] == principle].drop(columns="Princip")
        blocks.append(f"{principle}\n{part.to_string(index=False)}")
    blocks.append(disagreement_note())
    return "\n\n".join(blocks)


def _pairs(values: list[str] | None, option: str, example: str) -> dict[str, str]:
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
    from workbench.exchange.qdpx import export_qdpx, exported_codings, exported_documents
    from workbench.lang.numbers import count_noun

    project = _project(args)
    out = export_qdpx(project, Path(args.out) if args.out else project.exports_dir / "projekt.qdpx")
    documents = count_noun(len(exported_documents(project)), "dokument", "dokumenter")
    print(f"REFI-QDA-projektet er skrevet til {out} ({documents}, "
          f"{count_noun(len(exported_codings(project)), 'kodning', 'kodninger')}).")
    return 0


def cmd_export_qdc(args) -> int:
    from workbench.exchange.qdpx import export_qdc

    project = _project(args)
    out = export_qdc(project, Path(args.out) if args.out else project.exports_dir / "kodebog.qdc")
    print(f"Kodebogen er skrevet til {out} (REFI-QDA-kodebog).")
    return 0


def cmd_import_qdpx(args) -> int:
    from workbench.exchange.qdpx import import_qdpx
    from workbench.lang.numbers import count_noun

    project = _project(args)
    coders = _pairs(args.coder, "--coder", "Anne Holm=AH")
    codes = _pairs(args.map_unknown, "--map-unknown", "Ventetid=P3")
    report = import_qdpx(project, Path(args.file), coders, codes)
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


def cmd_export_xlsx(args) -> int:
    from workbench.exchange.xlsx import export_xlsx

    project = _project(args)
    coders = tuple(c.strip() for c in args.coders.split(",")) if args.coders else None
    if coders is not None and len(coders) != 2:
        raise WorkbenchError("Angiv præcis to kodere, fx --coders AB,CD.")
    result = export_xlsx(project, args.what, Path(args.out) if args.out else None, coders)
    print(f"Excel-filen er skrevet til {result.path} med arkene: {', '.join(result.sheets)}.")
    for line in result.left_out:
        print(f"Ikke med: {line}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="workbench", description="Arbejdsbord til principfokuseret evaluering.")
    parser.add_argument("--project", default=".", help="projektmappen (standard: den aktuelle mappe)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="KOMMANDO")

    def add(name: str, handler, help_text: str, under=commands) -> argparse.ArgumentParser:
        sub = under.add_parser(name, help=help_text, description=help_text)
        sub.add_argument("--project", default=argparse.SUPPRESS, help="projektmappen")
        sub.set_defaults(handler=handler)
        return sub

    p = add("import", cmd_import, "importér .docx-, .txt- og .md-filer som transskriptioner")
    p.add_argument("files", nargs="+", metavar="FIL")
    p.add_argument("--id")
    p.add_argument("--type", choices=["interview", "observation", "focus_group"])
    p.add_argument("--group", help="respondentgruppe fra kodebogen, fx radgiver")
    p.add_argument("--role", help="rolle i citatangivelser, fx Rådgiver")
    p.add_argument("--unit", help="fx BIF eller SOF")
    p.add_argument("--date", help="ÅÅÅÅ-MM-DD")
    p.add_argument("--consent", choices=["given", "withdrawn"])
    p.add_argument("--replace", action="store_true", help="erstat et eksisterende dokument med samme id")

    p = add("check-anonymity", cmd_check_anonymity, "søg efter personoplysninger i hele projektet")
    p.add_argument("--json", action="store_true")

    p = add("pseudonymise", cmd_pseudonymise, "erstat personoplysninger i en fil med faste pladsholdere")
    p.add_argument("file", metavar="FIL")
    p.add_argument("--key", required=True, metavar="NØGLEFIL", help="nøglefil uden for projektmappen")

    add("documents", cmd_documents, "vis projektets dokumenter")

    p = add("report", cmd_report, "byg evalueringskapitlet i Word")
    p.add_argument("--out", metavar="FIL.docx")
    p.add_argument("--template", metavar="SKABELON.docx", help="kommunens egen Word-skabelon")
    p.add_argument("--section", help="kun ét afsnit, fx P3")

    p = add("codings", None, "kodninger: eksport og import som CSV, forældede kodninger")
    actions = p.add_subparsers(dest="action", required=True, metavar="HANDLING")

    def add_action(name: str, handler, help_text: str) -> argparse.ArgumentParser:
        return add(name, handler, help_text, under=actions)

    q = add_action("export", cmd_codings_export, "eksportér kodninger som CSV (doc_id, segment_id, start, end, ...)")
    q.add_argument("--format", choices=["csv"], default="csv")
    q.add_argument("--out", metavar="FIL.csv", help="standard: exports/kodninger.csv")
    q.add_argument("--coder", help="kun denne koders kodninger")
    q = add_action("import", cmd_codings_import, "importér kodninger fra en CSV-fil")
    q.add_argument("--format", choices=["csv"], default="csv")
    q.add_argument("file", metavar="FIL")
    add_action("stale", cmd_codings_stale, "vis kodninger, hvis tekst er ændret efter kodningen")

    p = add("agreement", cmd_agreement, "enighed mellem to kodere: procent, Cohens kappa, Krippendorffs alpha")
    p.add_argument("--coders", required=True, metavar="A,B", help="to kodere adskilt af komma")
    p.add_argument("--json", action="store_true")

    p = add(
        "survey-summary", cmd_survey_summary, "spørgeskemaer: gyldige svar, udeladte, andel og ændring i procentpoint"
    )
    p.add_argument("--json", action="store_true")

    p = add(
        "selfeval-summary",
        cmd_selfeval_summary,
        "selvevalueringer: n, gennemsnit, median, min og maks pr. princip og halvår",
    )
    p.add_argument("--json", action="store_true")

    p = add(
        "export-qdpx",
        cmd_export_qdpx,
        "eksportér projektet som REFI-QDA-projekt (.qdpx) til NVivo, ATLAS.ti, MAXQDA, QualCoder",
    )
    p.add_argument("--out", metavar="FIL.qdpx", help="standard: exports/projekt.qdpx")

    p = add("export-qdc", cmd_export_qdc, "eksportér kodebogen alene som REFI-QDA-kodebog (.qdc)")
    p.add_argument("--out", metavar="FIL.qdc", help="standard: exports/kodebog.qdc")

    p = add("import-qdpx", cmd_import_qdpx, "importér kilder og kodninger fra et REFI-QDA-projekt (.qdpx)")
    p.add_argument("file", metavar="FIL.qdpx")
    p.add_argument("--map-unknown", action="append", metavar="NAVN=KODE",
                   help="importér kodninger med en ukendt kode under en kode fra kodebogen (kan gentages)")
    p.add_argument("--coder", action="append", metavar="BRUGER=KODER",
                   help="kodernavn for en bruger i filen, fx \"Anne Holm=AH\" (kan gentages)")

    p = add(
        "export-xlsx",
        cmd_export_xlsx,
        "eksportér tabeller til Excel: kodninger, matricer, enighed, selvevaluering, spørgeskemaer",
    )
    p.add_argument("--what", choices=["codings", "matrices", "agreement", "selfeval", "surveys", "all"], default="all",
                   help="hvilke tabeller (standard: all)")
    p.add_argument("--out", metavar="FIL.xlsx", help="standard: exports/<tabel>.xlsx")
    p.add_argument("--coders", metavar="A,B", help="de to kodere i enighedstabellen (standard: projektets to kodere)")

    from workbench.ui import cli_assessments

    cli_assessments.register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except WorkbenchError as exc:
        print(str(exc), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
