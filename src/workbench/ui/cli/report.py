"""`workbench report`: the evaluation chapter in Word, or an excerpt of some of its sections."""

from __future__ import annotations

from pathlib import Path

from workbench.ui.cli.common import Commands, project_of


def register(commands: Commands) -> None:
    p = commands.add("report", cmd_report, "byg evalueringskapitlet i Word")
    p.add_argument("--out", metavar="FIL.docx")
    p.add_argument("--template", metavar="SKABELON.docx",
                   help="kommunens egen Word-skabelon (.docx eller .dotx) eller et samledokument med «KAPITEL»")
    p.add_argument("--section", action="append", metavar="AFSNIT",
                   help="kun disse afsnit, fx P3 eller P1,P3 (kan gentages); numre som i hele kapitlet")


def sections_of(values: list[str] | None) -> list[str] | None:
    """`--section P1,P3 --section metode` → ["P1", "P3", "metode"]; None for the whole chapter."""
    keys = [key.strip() for value in values or [] for key in value.split(",") if key.strip()]
    return keys or None


def cmd_report(args) -> int:
    from workbench.exchange.companion import companion_path, export_companion
    from workbench.report import build_chapter, export_chapter

    project = project_of(args)
    sections = sections_of(args.section)
    out = Path(args.out) if args.out else project.exports_dir / "evalueringskapitel.docx"
    if sections and not args.out:
        out = project.exports_dir / f"evalueringskapitel-{'-'.join(sections)}.docx"
    chapter = build_chapter(project)
    export_chapter(project, out, Path(args.template) if args.template else None, sections, chapter=chapter)
    print(f"Evalueringskapitlet er skrevet til {out}" if not sections else
          f"Uddraget ({', '.join(sections)}) er skrevet til {out}")
    companion = export_companion(project, companion_path(out), sections, chapter=chapter)
    print(f"Kilderne bag kapitlets tal er skrevet til {companion}")
    return 0
