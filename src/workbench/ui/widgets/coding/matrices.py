"""Matricer: code × respondent group and principle × factor, as clickable heatmaps.

On screen each matrix is a grid of buttons shaded by count, with the full code names as row labels,
so it stays legible at any number of codes; a cell opens its codings in Søgning. The PNG heatmaps
(with alt text) are what the export writes, for the report and for Word.
"""

from __future__ import annotations

import base64
import html
from collections import defaultdict
from collections.abc import Callable

import ipywidgets as w
import pandas as pd

from workbench.coding.retrieval import code_group_matrix, cooccurrence, segment_codings
from workbench.lang import numbers as numfmt
from workbench.project import Project
from workbench.report.figures import heatmap_png
from workbench.ui.widgets import table_exports
from workbench.ui.widgets.coding.shared import (
    choices,
    file_stem,
    selected,
    set_options,
)
from workbench.ui.widgets.common import StatusLine, reports_errors

TITLES = table_exports.MATRIX_TITLES


def _shade(value: float, top: float) -> tuple[str, str]:
    """Background and text colour of a cell: white to dark blue with the count."""
    share = value / top if top else 0.0
    r, g, b = (round(255 - share * (255 - c)) for c in (8, 69, 148))
    return f"#{r:02x}{g:02x}{b:02x}", "#ffffff" if share > 0.55 else "#1d1d1d"


def _flat(label) -> str:
    return " · ".join(str(part) for part in label) if isinstance(label, tuple) else str(label)


def alt_text(frame: pd.DataFrame, title: str) -> str:
    """What a screen reader says for a heatmap: its title, its size and its five largest cells."""
    cells = sorted(
        ((value, _flat(row_label), _flat(column)) for row_label, row in frame.iterrows()
         for column, value in zip(frame.columns, row) if value > 0),
        key=lambda cell: -cell[0],
    )
    size = (f"{numfmt.count_noun(len(frame.index), 'række', 'rækker')} × "
            f"{numfmt.count_noun(len(frame.columns), 'kolonne', 'kolonner')}")
    largest = "; ".join(f"{row} og {column}: {numfmt.integer(value)}" for value, row, column in cells[:5])
    return f"Heatmap: {title}, {size}. " + (f"Største celler: {largest}." if largest else "Ingen kodninger.")


class MatrixView:
    def __init__(self, project: Project, store, open_cell: Callable[..., None]):
        self.project, self.store, self.codebook = project, store, project.codebook
        self.open_cell = open_cell
        self.coder = w.Dropdown(options=choices([]), description="Koder:")
        self.valence_split = w.Checkbox(value=False, description="Opdel grupper efter valens")
        self.export_button = w.Button(description="Eksportér tabeller og billeder", icon="download")
        self.group_grid, self.cooccurrence_grid = w.VBox(), w.VBox()
        self.group_image, self.cooccurrence_image = w.HTML(), w.HTML()
        self.status = StatusLine()
        self.group_matrix = self.cooccurrence_matrix = pd.DataFrame()
        self.images: dict[str, bytes] = {}
        self.cells: dict[tuple[str, str, str], w.Button] = {}  # (matrix, row, column) → button
        self._updating = False
        for control in (self.coder, self.valence_split):
            control.observe(lambda _c: None if self._updating else self.update(), "value")
        self.export_button.on_click(self._on_export)
        self.widget = w.VBox([
            self.status.widget,
            w.HBox([self.coder, self.valence_split, self.export_button]),
            w.HTML(f"<h4>{TITLES['group']}</h4><small>Klik på en celle for at se dens kodninger.</small>"),
            self.group_grid,
            w.HTML(f"<h4>{TITLES['cooccurrence']}</h4>"), self.cooccurrence_grid,
            w.Accordion(children=[w.VBox([self.group_image, self.cooccurrence_image])],
                        titles=["Heatmaps som billeder (til rapporten)"]),
        ])

    def refresh(self) -> None:
        self._updating = True
        try:
            set_options(self.coder, choices((c, c) for c in self.store.coders()))
        finally:
            self._updating = False
        self.update()

    @reports_errors
    def update(self) -> None:
        coder, corpus = selected(self.coder), self.project.codable_corpus
        self.group_matrix = code_group_matrix(
            self.store, corpus, self.codebook, coder=coder, valence_split=self.valence_split.value
        )
        self.cooccurrence_matrix = cooccurrence(self.store, corpus, self.codebook, coder=coder)
        self.cells = {}
        self.group_grid.children = [self._grid("group", self.group_matrix)]
        self.cooccurrence_grid.children = [self._grid("cooccurrence", self.cooccurrence_matrix)]
        for name, frame, target in (("group", self.group_matrix, self.group_image),
                                    ("cooccurrence", self.cooccurrence_matrix, self.cooccurrence_image)):
            self.images[name] = heatmap_png(frame, TITLES[name])
            data = base64.b64encode(self.images[name]).decode("ascii")
            alt = html.escape(alt_text(frame, TITLES[name]))
            target.value = f'<img src="data:image/png;base64,{data}" alt="{alt}" style="max-width:100%">'
        self.status.info("Matricerne er opdateret.")

    def _grid(self, name: str, frame: pd.DataFrame) -> w.Widget:
        if not frame.size:
            return w.HTML("<i>Ingen kodninger endnu.</i>")
        top = float(frame.to_numpy().max()) or 1.0
        columns = [_flat(c) for c in frame.columns]
        cells: list[w.Widget] = [w.HTML("")]
        cells += [w.HTML(f'<div style="font-size:12px;line-height:1.2;text-align:center">{html.escape(c)}</div>')
                  for c in columns]
        for row_label, row in frame.iterrows():
            cells.append(w.HTML(f'<div style="font-size:13px;line-height:1.3">{html.escape(_flat(row_label))}</div>'))
            for column, value in zip(frame.columns, row):
                background, colour = _shade(float(value), top)
                button = w.Button(description=numfmt.integer(value), layout=w.Layout(width="auto", height="26px"),
                                  tooltip=f"{_flat(row_label)} × {_flat(column)}: {numfmt.integer(value)}")
                button.style.button_color, button.style.text_color = background, colour
                button.on_click(lambda _b, r=row_label, c=column: self._open(name, r, c))
                self.cells[(name, _flat(row_label), _flat(column))] = button
                cells.append(button)
        return w.GridBox(cells, layout=w.Layout(
            grid_template_columns=f"minmax(160px, 260px) repeat({len(columns)}, minmax(56px, 1fr))",
            grid_gap="2px", align_items="center", max_width=f"{260 + 110 * len(columns)}px",
        ))

    @reports_errors
    def _open(self, name: str, row_label, column) -> None:
        coder = selected(self.coder)
        by_label = {c.label: c.key for c in self.codebook.codes}
        if name == "group":
            group_name = column[0] if isinstance(column, tuple) else column
            group = next(g.key for g in self.codebook.respondent_groups if g.name == group_name)
            only: set[str] | None = None  # None: every coding of the code in the group
            if isinstance(column, tuple):  # a valence column
                only = {c.id for c in self.store.current(self.project.codable_corpus, coder)
                        if c.code == by_label[row_label] and c.valence == column[1]}
            self.open_cell(code=by_label[row_label], group=group, coder=coder, only=only,
                           label=f"{row_label} × {_flat(column)}")
            return
        principle, factor = by_label[row_label], by_label[column]
        corpus = self.project.codable_corpus
        together: set[str] = set()  # the ids of codings where the principle and the factor meet
        for codings in segment_codings(self.store.current(corpus, coder), corpus).values():
            by_coder: dict[str, list] = defaultdict(list)
            for coding in codings:
                by_coder[coding.coder].append(coding)
            for own in by_coder.values():
                codes = {c.code for c in own}
                if principle in codes and factor in codes:
                    together.update(c.id for c in own if c.code in (principle, factor))
        self.open_cell(code=None, group=None, coder=coder, only=together, label=f"{row_label} × {column}")

    @reports_errors
    def _on_export(self, _button=None) -> None:
        suffix = file_stem(selected(self.coder), "valens" if self.valence_split.value else None)
        export = table_exports.matrices.write(self.project, folder=self.project.exports_dir, suffix=suffix,
                                              coder=selected(self.coder), valence_split=self.valence_split.value)
        self.status.saved(", ".join(self.project.relative(path) for path in export.written))
