"""`workbench report`: the evaluation chapter in Word."""

from __future__ import annotations

from pathlib import Path

from workbench.ui.cli.common import Commands, project_of


def register(commands: Commands) -> None:
    p = commands.add("report", cmd_report, "byg evalueringskapitlet i Word")
    p.add_argument("--out", metavar="FIL.docx")
    p.add_argument("--template", metavar="SKABELON.docx", help="kommunens egen Word-skabelon")
    p.add_argument("--section", help="kun ét afsnit, fx P3")


def cmd_report(args) -> int:
    from workbench.exchange.companion import companion_path, export_companion
    from workbench.report import build_chapter, export_chapter

    project = project_of(args)
    out = Path(args.out) if args.out else project.exports_dir / "evalueringskapitel.docx"
    sections = [args.section] if args.section else None
    if sections and not args.out:
        out = project.exports_dir / f"evalueringskapitel-{args.section}.docx"
    chapter = build_chapter(project)
    export_chapter(project, out, Path(args.template) if args.template else None, sections, chapter=chapter)
    print(f"Evalueringskapitlet er skrevet til {out}")
    companion = export_companion(project, companion_path(out), sections, chapter=chapter)
    print(f"Kilderne bag kapitlets tal er skrevet til {companion}")
    return 0
