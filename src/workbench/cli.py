"""The `workbench` command: a thin layer over the library.

Every command takes --project DIR (default: the current directory). User errors print one Danish
message to stderr and exit with code 2; nothing is half-written.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .errors import WorkbenchError
from .project import Project


def _project(args) -> Project:
    return Project(Path(args.project))


def cmd_import(args) -> int:
    from .convert import import_files

    metadata = {
        "id": args.id, "type": args.type, "group": args.group, "role": args.role,
        "unit": args.unit, "date": args.date, "consent": args.consent,
    }
    imported = import_files(_project(args), [Path(f) for f in args.files], metadata, replace=args.replace)
    for item in imported:
        print(
            f"Importeret {item.source} → {item.target.relative_to(_project(args).root)} "
            f"(tegnkodning: {item.decoded.encoding}, linjeskift: {item.decoded.line_endings}, "
            f"{len(item.document.segments)} segmenter)"
        )
    return 0


def cmd_check_anonymity(args) -> int:
    from .guard import scan_project

    findings = scan_project(_project(args))
    if args.json:
        print(json.dumps([f.as_dict() for f in findings], ensure_ascii=False, indent=2))
    else:
        for finding in findings:
            print(finding)
        if not findings:
            print("Ingen mulige personoplysninger fundet.")
    return 1 if findings else 0


def cmd_pseudonymise(args) -> int:
    from .pseudonymise import pseudonymise_file

    project = _project(args)
    findings = pseudonymise_file(Path(args.file), Path(args.key), project.root)
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
    from .report import build_chapter, write_docx

    project = _project(args)
    out = Path(args.out) if args.out else project.exports_dir / "evalueringskapitel.docx"
    chapter = build_chapter(project)
    sections = [args.section] if args.section else None
    if sections and not args.out:
        out = project.exports_dir / f"evalueringskapitel-{args.section}.docx"
    write_docx(chapter, out, Path(args.template) if args.template else None, sections)
    print(f"Evalueringskapitlet er skrevet til {out}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="workbench", description="Arbejdsbord til principfokuseret evaluering.")
    parser.add_argument("--project", default=".", help="projektmappen (standard: den aktuelle mappe)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="KOMMANDO")

    def add(name: str, handler, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
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
