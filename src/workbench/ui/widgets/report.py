"""The report notebook (`notebooks/03_rapport.ipynb`): choose sections and template, preview, build, download.

`ReportApp` appears at once: given the project's folder (the notebook's way), it shows itself and reads the
project in a thread meanwhile, only the codebook, to offer the chapter's sections as check boxes; it imports
`workbench.report` (python-docx, matplotlib) first when a preview or a build is asked for. A build
runs in a thread and names each step in Danish as it starts, so the notebook stays usable; the finished
chapter and its companion (the sources behind every number) are offered as real browser downloads (links
with the file inside, which work the same in JupyterLab and Voilà). An uploaded template is checked as
`workbench report --template` checks it and saved in the project's `templates/` folder.
"""

from __future__ import annotations

import base64
import html
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import ipywidgets as w
from ipywidgets.widgets.widget_bool import CheckboxStyle

from workbench.errors import WorkbenchError
from workbench.ui.widgets.common import StatusLine, reports_errors

if TYPE_CHECKING:  # imported when the project is read: the notebook shows the app first
    from workbench.project import Project

DEFAULT_OUT = "evalueringskapitel.docx"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_STEPS_STYLE = "max-height:150px;overflow-y:auto;font-size:90%;line-height:1.3"  # the download stays in view
# ipywidgets cuts a check box's label with "…" at its width: the section names wrap onto a second line instead
_LABELS_WRAP = (".wb-report .widget-checkbox{height:auto;min-height:var(--jp-widgets-inline-height,28px)}"
                ".wb-report .widget-checkbox label{white-space:normal;overflow:visible;text-overflow:clip;"
                "line-height:1.25}")


def section_choices(project: Project) -> list[tuple[str, str, list[str]]]:
    """(key, title, sub-section keys) of the chapter's top-level sections, from the codebook alone (cheap).

    The same keys `workbench report --section` knows; tests/test_report_widgets.py checks them against the
    built chapter."""
    codebook = project.codebook
    choices: list[tuple[str, str, list[str]]] = [("resume", "Resumé", []), ("indledning", "Indledning", []),
               ("metode", "Evalueringens tilgang og data", []), ("principper", "Principperne – overblik", [])]
    for code in codebook.principles:
        number = code.key[1:] if code.key[1:].isdigit() else code.key
        choices.append((code.key, f"Princip {number} – {code.name}", []))
    groups = sorted((g for g in codebook.code_groups if g.kind != "principle"), key=lambda g: g.kind != "factor")
    choices += [(g.key, g.name, [c.key for c in g.codes]) for g in groups]
    choices += [("vurdering", "Samlet vurdering", []), ("anbefalinger", "Anbefalinger", []),
                ("litteratur", "Litteraturliste", []), ("bilag-kodebog", "Bilag: Kodebog", []),
                ("bilag-enighed", "Bilag: Enighed mellem kodere", []),
                ("bilag-spoergeskema", "Bilag: Spørgeskemaernes spørgsmål", [])]
    return choices


def download_link(name: str, data: bytes, mime: str, label: str) -> str:
    """An <a download> with the file inside: the browser saves it, in JupyterLab and in Voilà alike."""
    encoded = base64.b64encode(data).decode("ascii")
    return (f'<a download="{html.escape(name)}" href="data:{mime};base64,{encoded}" class="wb-download" '
            'style="display:inline-block;margin:4px 12px 4px 0;padding:6px 14px;border-radius:3px;'
            f'background:#1565c0;color:white;text-decoration:none">⬇ {html.escape(label)}</a>')


def _table_html(table, number: int) -> str:
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


def section_preview(section, numbers: dict[str, int]) -> list[w.Widget]:
    """Widgets showing a section as the reader will see it (tables numbered across the preview)."""
    from workbench.report.model import BulletList, Figure, Heading, Paragraph, Quote, Table

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
                f"<blockquote><i>»{html.escape(block.text)}«</i> ({html.escape(block.attribution)})</blockquote>"
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


NOT_READ = "Projektets data kunne ikke hentes. Ret fejlen, og tryk derefter på »Hent data«."
READING = "Projektet læses endnu; prøv igen om et øjeblik."


class ReportApp:
    def __init__(self, project: Project | Path, background: bool = True):
        """`project`: a Project, read now; or its folder, read in a thread once the app is shown (background)."""
        self.root = Path(project) if isinstance(project, (str, Path)) else project.root
        self.project: Project | None = None if isinstance(project, (str, Path)) else project
        self.background = background  # False: build in the caller's thread (tests without a kernel)
        self.reader: threading.Thread | None = None
        self.chapter = None
        self.choices: list[tuple[str, str, list[str]]] = []
        self.boxes: dict[str, w.Checkbox] = {}
        self.template_path: Path | None = None
        self.worker: threading.Thread | None = None
        self.steps: list[str] = []
        # the boxes share one Layout and one style: three widget models each would be sent to the page otherwise
        self._box_layout = w.Layout(width="370px", height="auto")
        self._box_style = CheckboxStyle()
        self.section_box = w.GridBox(layout=w.Layout(grid_template_columns="repeat(2, 375px)", width="750px"))
        self.all_button = w.Button(description="Vælg alle", layout=w.Layout(width="110px"))
        self.none_button = w.Button(description="Fravælg alle", layout=w.Layout(width="110px"))
        self.template_upload = w.FileUpload(accept=".docx,.dotx", multiple=False, description="Upload skabelon",
                                            layout=w.Layout(width="180px"))
        self.template_label = w.HTML("Ingen skabelon: Words standardopsætning.")
        self.out = w.Text(value=DEFAULT_OUT, description="Filnavn i exports/", layout=w.Layout(width="520px"),
                          style={"description_width": "initial"})
        self.load_button = w.Button(description="Hent data", icon="refresh")
        self.preview_button = w.Button(description="Forhåndsvis", icon="eye")
        self.build_button = w.Button(description="Byg Word-kapitel", button_style="primary", icon="file-word-o")
        self.progress = w.HTML()
        self.download = w.HTML()
        self.preview = w.VBox()
        self.status = StatusLine()
        self.all_button.on_click(lambda _: self._tick(True))
        self.none_button.on_click(lambda _: self._tick(False))
        self.template_upload.observe(lambda _: self.take_template(), names="value")
        self.load_button.on_click(lambda _: self.load())
        self.preview_button.on_click(lambda _: self.show_preview())
        self.build_button.on_click(lambda _: self.build())
        self.widget = w.VBox([
            # the notebook's title is the page's one heading; long section names wrap instead of being cut
            w.HTML(f"<style>{_LABELS_WRAP}</style><p>Citater og memoer kontrolleres for personoplysninger, før "
                   "noget gemmes. Sammen med kapitlet laves en sporingsfil med kilderne bag hvert tal.</p>"
                   "<b>Afsnit</b>"),
            self.section_box, w.HBox([self.all_button, self.none_button]),
            w.HTML("<b>Word-skabelon</b> (.docx eller .dotx, valgfri)"),
            w.HBox([self.template_upload, self.template_label]), self.out,
            w.HBox([self.load_button, self.preview_button, self.build_button]),
            self.progress, self.download, self.status.widget, self.preview,
        ], layout=w.Layout(max_width="760px"))
        self.widget.add_class("wb-report")
        if self.project is None and background:
            self.status.info("Projektet læses …")
            self.reader = threading.Thread(target=self.load, daemon=True)
            self.reader.start()
        else:
            self.load()

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        sections = f"{len(self.choices)} afsnit" if self.choices else "data kunne ikke hentes"
        bundle["text/plain"] = f"Evalueringskapitel for projektet {self.root} ({sections})"
        return bundle

    @reports_errors
    def load(self) -> None:
        """(Re)read the project; the chapter is built when it is previewed or built, with what is there then."""
        from workbench.project import Project

        self.project = Project(self.root)
        self.chapter = None  # a chapter from before would show stale data
        self.choices = []
        _ = self.project.settings  # a broken project.yaml is told now, not at the build
        self.choices = section_choices(self.project)
        ticked = {key: box.value for key, box in self.boxes.items()}
        self.boxes = {key: w.Checkbox(value=ticked.get(key, True), description=title, indent=False,
                                      layout=self._box_layout, style=self._box_style)
                      for key, title, _ in self.choices}
        self.section_box.children = list(self.boxes.values())
        self.status.info(f"Projektet er læst: {len(self.choices)} afsnit kan vælges.")

    def _require_project(self) -> Project:
        """The project, once it is read; a Danish error while it is being read or could not be."""
        if self.reader is not None and self.reader.is_alive():
            raise WorkbenchError(READING)
        if not self.choices or self.project is None:
            raise WorkbenchError(NOT_READ)
        return self.project

    def _tick(self, value: bool) -> None:
        for box in self.boxes.values():
            box.value = value

    def chosen(self) -> list[str] | None:
        """The ticked sections with their sub-sections, or None when every box is ticked (the whole chapter)."""
        if all(box.value for box in self.boxes.values()):
            return None
        return [k for key, _, subs in self.choices if self.boxes[key].value for k in (key, *subs)]

    def _chapter(self, progress=None):
        from workbench.report import build_chapter

        self._require_project()
        self.chapter = build_chapter(self.project, progress)
        return self.chapter

    @reports_errors
    def take_template(self) -> Path | None:
        """Check the uploaded template as `report --template` does and save it in templates/."""
        uploads = self.template_upload.value
        if not uploads:
            return None
        self._require_project()
        upload = uploads[0] if isinstance(uploads, (list, tuple)) else next(iter(uploads.values()))
        from workbench.project.templates import save_template
        from workbench.report.word import render_docx

        def check(path: Path) -> None:  # the same opening and the same Danish errors as the command line
            from workbench.report.model import Chapter
            render_docx(Chapter(title="Prøve", sections=[]), path)

        self.template_path = None
        self.template_label.value = "Skabelonen kontrolleres …"
        try:
            self.template_path = save_template(self.root, upload["name"], bytes(upload["content"]), check)
        except WorkbenchError:
            self.template_label.value = "Ingen skabelon: Words standardopsætning."
            raise
        relative = self.template_path.relative_to(self.root).as_posix()
        self.template_label.value = f"Skabelon: <code>{html.escape(relative)}</code> (gemt i projektet)"
        self.status.info(f"Skabelonen er gemt som {relative}; den bruges, når kapitlet bygges.")
        return self.template_path

    @reports_errors
    def show_preview(self) -> None:
        chapter = self._chapter()
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

    def _step(self, text: str) -> None:
        self.steps.append(text)
        items = "".join(f"<li style='color:#555'>✔ {html.escape(s)}</li>" for s in self.steps[:-1][-3:])
        items += f"<li><b>⏳ {html.escape(self.steps[-1])} …</b></li>"  # the last steps done and the current one
        self.progress.value = (f"<div class='wb-progress' style='{_STEPS_STYLE}'><b>Kapitlet bygges</b>"
                               f"<ol>{items}</ol></div>")

    @reports_errors
    def build(self) -> Path | None:
        """Build the chapter and its companion; in a thread unless `background` is False."""
        name = self.out.value.strip() or DEFAULT_OUT
        if "/" in name or "\\" in name or not name.lower().endswith(".docx"):
            raise WorkbenchError("Filnavnet skal være et navn som evalueringskapitel.docx (uden mappe).")
        self._require_project()
        if self.worker is not None and self.worker.is_alive():
            raise WorkbenchError("Kapitlet er ved at blive bygget; vent, til det er færdigt.")
        out = self._require_project().exports_dir / name
        self.steps, self.download.value = [], ""
        self.build_button.disabled = True
        self.status.info("Kapitlet bygges …")
        if not self.background:
            return self._build(out, self.chosen(), self.template_path)
        self.worker = threading.Thread(target=self._build, args=(out, self.chosen(), self.template_path), daemon=True)
        self.worker.start()
        return None

    @reports_errors
    def _run(self, out: Path, sections: list[str] | None, template: Path | None) -> Path:
        from workbench.exchange.companion import companion_path, export_companion
        from workbench.project import Project
        from workbench.report import export_chapter

        self._step("Henter projektets data og indlæser Word og diagrammer")
        self.project = Project(self.root)  # codings and memos may have changed since the notebook opened
        chapter = self._chapter(self._step)
        if sections:
            sections = [s for s in sections if chapter.section(s) is not None]
        export_chapter(self.project, out, template, sections, chapter=chapter, progress=self._step)
        companion = export_companion(self.project, companion_path(out), sections, chapter=chapter,
                                     progress=self._step)
        self.download.value = (
            download_link(out.name, out.read_bytes(), DOCX, f"Hent {out.name}")
            + download_link(companion.name, companion.read_bytes(), XLSX, f"Hent {companion.name} (kilder)")
        )
        self.status.saved(f"kapitlet er skrevet til {self.project.relative(out)} og kilderne til "
                          f"{self.project.relative(companion)}")
        return out

    def _build(self, out: Path, sections: list[str] | None, template: Path | None) -> Path | None:
        try:
            written = self._run(out, sections, template)
        except Exception as exc:  # a thread's error would vanish: show it on the status line
            self.status.error(WorkbenchError(f"Kapitlet kunne ikke bygges: {exc}"))
            written = None
        finally:
            self.build_button.disabled = False
        done = "Færdig" if written else "Stoppet"
        if self.steps:
            items = "".join(f"<li style='color:#555'>✔ {html.escape(s)}</li>" for s in self.steps)
            self.progress.value = f"<div class='wb-progress' style='{_STEPS_STYLE}'><b>{done}</b><ol>{items}</ol></div>"
        return written
