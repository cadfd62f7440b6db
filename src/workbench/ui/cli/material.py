"""`workbench import` and `workbench documents`: bringing transcripts in and listing them."""

from __future__ import annotations

from pathlib import Path

from workbench.lang import numbers as numfmt
from workbench.ui.cli.common import Commands, project_of


def register(commands: Commands) -> None:
    p = commands.add("import", cmd_import, "importér .docx-, .txt- og .md-filer som transskriptioner")
    p.add_argument("files", nargs="+", metavar="FIL")
    p.add_argument("--id")
    p.add_argument("--type", choices=["interview", "observation", "focus_group"])
    p.add_argument("--group", help="respondentgruppe fra kodebogen, fx radgiver")
    p.add_argument("--role", help="rolle i citatangivelser, fx Rådgiver")
    p.add_argument("--unit", help="fx BIF eller SOF")
    p.add_argument("--date", help="ÅÅÅÅ-MM-DD")
    p.add_argument("--consent", choices=["given", "withdrawn"])
    p.add_argument("--replace", action="store_true", help="erstat et eksisterende dokument med samme id")

    commands.add("documents", cmd_documents, "vis projektets dokumenter")


def cmd_import(args) -> int:
    from workbench.exchange.importer import import_files

    metadata = {
        "id": args.id, "type": args.type, "group": args.group, "role": args.role,
        "unit": args.unit, "date": args.date, "consent": args.consent,
    }
    project = project_of(args)
    imported = import_files(project, [Path(f) for f in args.files], metadata, replace=args.replace)
    for item in imported:
        print(
            f"Importeret {item.source} → {project.relative(item.target)} "
            f"(tegnkodning: {item.encoding}, linjeskift: {item.line_endings}, "
            f"{numfmt.count_noun(item.segments, 'segment', 'segmenter')}, "
            f"{numfmt.integer(item.suggestions)} kodeforslag)"
        )
    return 0


def cmd_documents(args) -> int:
    project = project_of(args)
    for document in project.corpus.documents:
        status = "" if document.included else "  [samtykke trukket tilbage – udelades]"
        print(
            f"{document.id:14} {document.meta.type:12} {document.meta.group:12} "
            f"{document.word_count:6} ord {len(document.segments):4} segmenter{status}"
        )
    return 0
