"""Søgning: what was coded with a code, filtered, as readable hits that open the text where they are.

By default one coder's codings are shown (the coder coding now, else the consensus coder), so a
passage coded by two coders and a consensus does not appear three times; "Alle kodere" shows them
all. Each hit shows document, group, valence and the coded text, and "Vis i teksten" opens the
document at that place. The table behind the hits exports to CSV for Excel.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Collection

import ipywidgets as w
import pandas as pd

from workbench.coding.retrieval import retrieve
from workbench.lang import numbers as numfmt
from workbench.material.codebook import VALENCES
from workbench.material.corpus import TYPE_LABELS
from workbench.project import Project
from workbench.ui.widgets import table_exports
from workbench.ui.widgets.coding.shared import (
    ALL,
    CONSENSUS_CODER,
    choices,
    code_chip,
    file_stem,
    selected,
)
from workbench.ui.widgets.common import StatusLine, reports_errors

PAGE = 20
EVERY_CODER = "*"  # the "Alle kodere" choice


class RetrievalView:
    def __init__(self, project: Project, store, open_at: Callable[[str, int, int], None], colours: dict[str, str]):
        self.project, self.store, self.codebook = project, store, project.codebook
        self.open_at, self.colours = open_at, colours
        types = sorted({d.meta.type for d in project.codable_corpus.included})
        self.code = w.Dropdown(options=choices((c.label, c.key) for c in self.codebook.codes), description="Kode:")
        self.group = w.Dropdown(
            options=choices((g.name, g.key) for g in self.codebook.respondent_groups), description="Gruppe:"
        )
        self.doc_type = w.Dropdown(options=choices((TYPE_LABELS.get(t, t), t) for t in types), description="Type:")
        self.valence = w.Dropdown(options=choices((v, v) for v in VALENCES), description="Valens:")
        self.coder = w.Dropdown(options=[("Alle kodere", EVERY_CODER)], description="Koder:")
        self.export_button = w.Button(description="Eksportér til CSV", icon="download")
        self.count = w.HTML()
        self.hits = w.VBox()
        self.more_button = w.Button(description=f"Vis {PAGE} mere", layout=w.Layout(width="auto"))
        self.status = StatusLine()
        self.result = pd.DataFrame()
        self.only: Collection[str] | None = None  # coding ids a matrix cell limits the hits to
        self.only_label = ""
        self._shown = 0
        self._updating = False
        self._chosen_coder = False  # once the user picks a coder, refreshing keeps it
        self.preferred_coder: str | None = None
        for control in (self.code, self.group, self.doc_type, self.valence, self.coder):
            control.observe(self._on_filter, "value")
        self.export_button.on_click(self._on_export)
        self.more_button.on_click(lambda _: self._show_more())
        self.widget = w.VBox([
            self.status.widget,
            w.HBox([self.code, self.group, self.doc_type]),
            w.HBox([self.valence, self.coder, self.export_button]),
            self.count, self.hits, self.more_button,
        ])

    def _on_filter(self, change) -> None:
        if not self._updating:
            self._chosen_coder = self._chosen_coder or change.owner is self.coder
            self.only = None
            self.update()

    def refresh(self) -> None:
        """Pick up coders and codings added since the view was last shown."""
        coders = self.store.coders()
        self._updating = True
        try:
            old = self.coder.value
            options = [(c, c) for c in coders] + [("Alle kodere", EVERY_CODER)]
            self.coder.options = options
            if self._chosen_coder and old in dict(options).values():
                self.coder.value = old
            elif self.preferred_coder in coders:
                self.coder.value = self.preferred_coder
            elif CONSENSUS_CODER in coders:
                self.coder.value = CONSENSUS_CODER
            else:
                self.coder.value = coders[0] if coders else EVERY_CODER
        finally:
            self._updating = False
        self.update()

    def show_cell(self, *, code: str | None = None, group: str | None = None, coder: str | None = None,
                  only: Collection[str] | None = None, label: str = "") -> None:
        """The hits of a matrix cell: filters set, and optionally only the given codings."""
        self.refresh()
        self._updating = True
        try:
            self.code.value, self.group.value = code or ALL, group or ALL
            self.doc_type.value = self.valence.value = ALL
            if coder:
                self.coder.value = coder
        finally:
            self._updating = False
        self.only, self.only_label = only, label
        self.update()

    def _filters(self) -> dict:
        coder = self.coder.value
        return {
            "code": selected(self.code), "group": selected(self.group), "doc_type": selected(self.doc_type),
            "valence": selected(self.valence), "coder": None if coder in (EVERY_CODER, ALL, None) else coder,
        }

    @reports_errors
    def update(self) -> None:
        result = retrieve(self.store, self.project.codable_corpus, self.codebook, **self._filters())
        if self.only is not None:
            result = result[result.index.isin(list(self.only))]
        self.result = result
        who = "alle kodere" if self._filters()["coder"] is None else f"koder {self.coder.value}"
        where = f" i cellen {html.escape(self.only_label)}" if self.only is not None and self.only_label else ""
        self.count.value = f"<b>{numfmt.count_noun(len(result), 'kodning', 'kodninger')}</b> ({who}){where}"
        self._shown = 0
        self.hits.children = []
        self._show_more()
        self.status.info(f"{numfmt.count_noun(len(result), 'kodning', 'kodninger')} fundet.")

    def _show_more(self) -> None:
        rows = self.result.iloc[self._shown : self._shown + PAGE]
        self.hits.children = [*self.hits.children, *(self._hit(coding_id, row) for coding_id, row in rows.iterrows())]
        self._shown += len(rows)
        self.more_button.layout.display = "" if self._shown < len(self.result) else "none"

    def _hit(self, coding_id: str, row) -> w.Widget:
        code = next((c for c in self.codebook.codes if c.label == row["kode"]), None)
        chip = code_chip(self.codebook, code.key, self.colours.get(code.key)) if code else html.escape(row["kode"])
        star = " ★" if row["citat"] else ""
        memo = f'<div style="color:#555"><i>Memo: {html.escape(row["memo"])}</i></div>' if row["memo"] else ""
        card = w.HTML(
            f'<div style="border-top:1px solid #ddd;padding:4px 0">{chip}'
            f'<small>{html.escape(row["dokument"])} · {html.escape(row["gruppe"])} · {html.escape(row["valens"])}'
            f' · {html.escape(row["koder"])}{star}</small>'
            f'<div style="white-space:pre-wrap;font-size:14px;line-height:1.5;max-width:80ch">'
            f'{html.escape(row["tekst"])}</div>{memo}</div>',
            layout=w.Layout(flex="1 1 auto"),
        )
        button = w.Button(description="Vis i teksten", layout=w.Layout(width="auto", align_self="center"))
        button.on_click(lambda _b, cid=coding_id, coder=row["koder"]: self._open(cid, coder))
        return w.HBox([card, button])

    @reports_errors
    def _open(self, coding_id: str, coder: str) -> None:
        coding = next(c for c in self.store.codings(coder) if c.id == coding_id)
        self.open_at(coding.doc_id, coding.start, coding.end)

    @reports_errors
    def _on_export(self, _button=None) -> None:
        stem = file_stem("kodninger", *self._filters().values())
        out = self.project.exports_dir / f"{stem}.csv"
        rows = table_exports.retrieval_csv.write(self.project, out=out, filters=self._filters()).summary
        self.status.saved(f"{self.project.relative(out)} ({numfmt.count_noun(rows, 'række', 'rækker')})")
