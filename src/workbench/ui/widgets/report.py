"""The report notebook (`notebooks/03_rapport.ipynb`): choose inputs, preview, build the Word chapter.

`ReportApp` wires widgets to `report.build_chapter` (preview) and `report.export_chapter` (build,
with the anonymity and withdrawn-consent checks); it computes nothing itself.
"""

from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as w

from workbench.errors import WorkbenchError
from workbench.project import Project
from workbench.report import build_chapter, export_chapter
from workbench.report.model import (
    BulletList,
    Chapter,
    Figure,
    Heading,
    Paragraph,
    Quote,
    Section,
    Table,
)
from workbench.ui.widgets.common import StatusLine, reports_errors

DEFAULT_OUT = "evalueringskapitel.docx"


def _table_html(table: Table, number: int) -> str:
    head = "".join(f"<th style='text-align:left;padding:2px 6px'>{html.escape(c)}</th>" for c in table.columns)
    rows = "".join(
        "<tr>" + "".join(f"<td style='padding:2px 6px'>{html.escape(str(v))}</td>" for v in row) + "</tr>"
        for row in table.rows
    )
    return (
        f"<p><b>Tabel {number}. {html.escape(table.title)}</b></p>"
        "<table "
        f"style='border-collapse:collapse;font-size:90%'><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
        f"<p style='font-size:80%'><i>Anm.:</i> {html.escape(table.note)}<br><i>Kilde:</i> "
        f"{html.escape(table.source)}</p>"
    )


def section_preview(section: Section, numbers: dict[str, int]) -> list[w.Widget]:
    """Widgets showing a section as the reader will see it (tables numbered across the preview)."""
    parts: list[w.Widget] = [w.HTML(f"<h{section.level + 1}>{html.escape(section.title)}</h{section.level + 1}>")]
    for block in section.blocks:
        if isinstance(block, Heading):
            level = min(block.level + section.level, 6)
            parts.append(w.HTML(f"<h{level}>{html.escape(block.text)}</h{level}>"))
        elif isinstance(block, Paragraph):
            text = html.escape(block.text)
            parts.append(w.HTML(f"<p>{'<i>' + text + '</i>' if block.italic else text}</p>"))
        elif isinstance(block, BulletList):
            parts.append(w.HTML("<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in block.items) + "</ul>"))
        elif isinstance(block, Quote):
            parts.append(w.HTML(
                f"<blockquote><i>“{html.escape(block.text)}”</i> ({html.escape(block.attribution)})</blockquote>"
            ))
        elif isinstance(block, Table):
            numbers["Tabel"] += 1
            parts.append(w.HTML(_table_html(block, numbers["Tabel"])))
        elif isinstance(block, Figure):
            numbers["Figur"] += 1
            parts += [
                w.HTML(f"<p><b>Figur {numbers['Figur']}. {html.escape(block.title)}</b></p>"),
                w.Image(value=block.png, format="png", layout=w.Layout(max_width="720px")),
                w.HTML(f"<p style='font-size:80%'><i>Anm.:</i> {html.escape(block.note)}<br>"
                       f"<i>Kilde:</i> {html.escape(block.source)}</p>"),
            ]
    return parts


class ReportApp:
    def __init__(self, project: Project):
        self.project = project
        self.chapter: Chapter | None = None
        self.sections = w.SelectMultiple(
            description="Afsnit", rows=12, layout=w.Layout(width="520px"),
            style={"description_width": "initial"},
        )
        self.template = w.Text(
            description="Word-skabelon", placeholder="fx /sti/til/kommunens-skabelon.docx (valgfri)",
            layout=w.Layout(width="520px"), style={"description_width": "initial"},
        )
        self.out = w.Text(value=DEFAULT_OUT, description="Filnavn i exports/", layout=w.Layout(width="520px"),
                          style={"description_width": "initial"})
        self.load_button = w.Button(description="Hent data", icon="refresh")
        self.preview_button = w.Button(description="Forhåndsvis", icon="eye")
        self.build_button = w.Button(description="Byg Word-kapitel", button_style="primary", icon="file-word-o")
        self.preview = w.VBox()
        self.status = StatusLine()
        self.load_button.on_click(lambda _: self.load())
        self.preview_button.on_click(lambda _: self.show_preview())
        self.build_button.on_click(lambda _: self.build())
        self.widget = w.VBox([
            w.HTML("<h3>Evalueringskapitel</h3><p>Vælg afsnit (ingen valgt = hele kapitlet), forhåndsvis tabeller og "
                   "figurer, og byg Word-filen. Citater og memoer kontrolleres for personoplysninger, før noget "
                   "gemmes.</p>"),
            self.sections, self.template, self.out,
            w.HBox([self.load_button, self.preview_button, self.build_button]),
            self.status.widget, self.preview,
        ])
        self.load()

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        sections = f"{len(self.chapter.sections)} afsnit" if self.chapter else "data kunne ikke hentes"
        bundle["text/plain"] = f"Evalueringskapitel for projektet {self.project.root} ({sections})"
        return bundle

    @reports_errors
    def load(self) -> None:
        """(Re)read the project: codings, memos, self-evaluations and surveys may have changed since."""
        self.project = Project(self.project.root)
        self.chapter = None  # a chapter from before the error would show stale data
        self.chapter = build_chapter(self.project)
        self.sections.options = [(f"{s.key} – {s.title}", s.key) for s in self.chapter.sections]
        self.status.info(f"Data hentet: {len(self.chapter.sections)} afsnit.")

    def chosen(self) -> list[str] | None:
        return list(self.sections.value) or None

    def _loaded(self) -> Chapter:
        if self.chapter is None:
            raise WorkbenchError("Projektets data kunne ikke hentes. Ret fejlen, og tryk derefter på »Hent data«.")
        return self.chapter

    @reports_errors
    def show_preview(self) -> None:
        chapter = self._loaded()
        wanted = set(self.chosen() or [s.key for s in chapter.sections])
        numbers = {"Tabel": 0, "Figur": 0}
        parts: list[w.Widget] = []
        for section in chapter.sections:
            if section.key in wanted:
                parts += section_preview(section, numbers)
        for child in self.preview.children:
            child.close()
        self.preview.children = parts
        self.status.info(f"Forhåndsvisning af {len(wanted)} afsnit.")

    @reports_errors
    def build(self) -> Path:
        name = self.out.value.strip() or DEFAULT_OUT
        if "/" in name or "\\" in name or not name.lower().endswith(".docx"):
            raise WorkbenchError("Filnavnet skal være et navn som evalueringskapitel.docx (uden mappe).")
        template = Path(self.template.value.strip()).expanduser() if self.template.value.strip() else None
        out = export_chapter(self.project, self.project.exports_dir / name, template, self.chosen())
        self.status.saved(f"kapitlet er skrevet til {self.project.relative(out)}")
        return out
