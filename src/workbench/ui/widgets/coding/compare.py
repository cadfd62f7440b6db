"""Sammenlign kodere: agreement between two coders, their disagreements side by side, and a consensus coder."""

from __future__ import annotations

import html

import ipywidgets as w
import pandas as pd

from workbench.coding.agreement import AgreementReport, agreement, resolve
from workbench.errors import WorkbenchError
from workbench.lang import numbers as numfmt
from workbench.material.codebook import Codebook
from workbench.project import Project
from workbench.report.text_da import AGREEMENT_COLUMNS, agreement_notes, agreement_rows, agreement_summary
from workbench.ui.widgets.coding.shared import (
    CONSENSUS_CODER,
    code_chip,
    set_options,
    show_frame,
)
from workbench.ui.widgets.common import StatusLine, reports_errors


class CompareView:
    """Agreement between two coders, their disagreements side by side, and a consensus coder."""

    def __init__(self, project: Project, store):
        self.project, self.store, self.codebook = project, store, project.codebook
        self.coder_a = w.Dropdown(description="Koder A:")
        self.coder_b = w.Dropdown(description="Koder B:")
        self.compare_button = w.Button(description="Sammenlign", button_style="primary")
        self.table = w.Output()
        self.disagreements = w.VBox()
        self.resolve_button = w.Button(description="Gem konsensus", icon="save", disabled=True)
        self.status = StatusLine()
        self.report: AgreementReport | None = None
        self.agreement_frame = pd.DataFrame()
        self.choices: dict[tuple[str, str], w.SelectMultiple] = {}
        self._rows: list[w.Widget] = []  # closed when the next comparison replaces them
        self.compare_button.on_click(self._on_compare)
        self.resolve_button.on_click(self._on_resolve)
        self.widget = w.VBox([
            self.status.widget,
            w.HBox([self.coder_a, self.coder_b, self.compare_button]),
            self.table,
            self.disagreements,
            self.resolve_button,
        ])
        self.refresh()

    def refresh(self) -> None:
        coders = self.store.coders()
        set_options(self.coder_a, coders)
        set_options(self.coder_b, coders)
        if self.coder_a.value == self.coder_b.value and len(coders) > 1:
            self.coder_b.value = next(c for c in coders if c != self.coder_a.value)

    @reports_errors
    def _on_compare(self, _button=None) -> None:
        a, b = self.coder_a.value, self.coder_b.value
        if not a or not b:
            raise WorkbenchError("Der skal være kodninger fra to kodere, før de kan sammenlignes.")
        self.report = agreement(self.store, self.project.codable_corpus, self.codebook, a, b)
        self.agreement_frame = agreement_table(self.report, self.codebook)
        show_frame(self.table, self.agreement_frame, "")
        for widget in self._rows:
            widget.close()
        self._rows, self.choices = [], {}
        rows = [self._disagreement_row(d, a, b) for d in self.report.disagreements]
        self.disagreements.children = rows
        self.resolve_button.disabled = not rows
        self.status.info(
            f"{agreement_summary(self.report)} {numfmt.count_noun(len(rows), 'enhed', 'enheder')} med uenighed. "
            + " ".join(agreement_notes(self.report, self.codebook))
        )

    def _disagreement_row(self, disagreement, coder_a: str, coder_b: str) -> w.Widget:
        def chips(keys) -> str:
            return " ".join(code_chip(self.codebook, k) for k in sorted(keys)) or "<i>ingen</i>"

        cell = "padding:4px 8px;vertical-align:top;border-top:1px solid #ddd"
        side_by_side = w.HTML(
            f'<table style="width:100%;table-layout:fixed"><tr>'
            f'<td style="{cell};width:50%"><small>{html.escape(disagreement.doc_id)} '
            f'{html.escape(disagreement.segment_id)}'
            f'</small><div style="white-space:pre-wrap">{html.escape(disagreement.text)}</div></td>'
            f'<td style="{cell}"><b>{html.escape(coder_a)}</b><br>{chips(disagreement.codes_a)}</td>'
            f'<td style="{cell}"><b>{html.escape(coder_b)}</b><br>{chips(disagreement.codes_b)}</td>'
            f"</tr></table>"
        )
        either = set(disagreement.codes_a) | set(disagreement.codes_b)
        # the codes either coder gave come first, so the preselected union is in view
        ordered = sorted(self.codebook.codes, key=lambda c: c.key not in either)
        choice = w.SelectMultiple(
            options=[(c.label, c.key) for c in ordered],
            value=tuple(c.key for c in ordered if c.key in either),
            description="Konsensus:", rows=6,
        )
        row = w.VBox([side_by_side, choice])
        self._rows += [side_by_side, choice, row]
        self.choices[(disagreement.doc_id, disagreement.segment_id)] = choice
        return row

    @reports_errors
    def _on_resolve(self, _button=None) -> None:
        if self.report is None:
            raise WorkbenchError("Sammenlign to kodere, før du gemmer en konsensus.")
        decisions = {key: set(choice.value) for key, choice in self.choices.items()}
        added, removed = resolve(
            self.store, self.project.codable_corpus, self.report, decisions, consensus_coder=CONSENSUS_CODER
        )
        self.status.saved(
            f"konsensus for {numfmt.count_noun(len(decisions), 'segment', 'segmenter')} gemt som koderen "
            f"'{CONSENSUS_CODER}' ({numfmt.integer(added)} tilføjet, {numfmt.integer(removed)} fjernet)"
        )
        self.refresh()  # the consensus coder can now be compared or searched like any coder


def agreement_table(report, codebook: Codebook) -> pd.DataFrame:
    """The agreement report as the chapter and the terminal show it: one row per code, then the pooled total."""
    return pd.DataFrame(agreement_rows(report, codebook), columns=AGREEMENT_COLUMNS).set_index("Kode")
