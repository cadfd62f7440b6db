"""The coding notebook (`notebooks/01_kodning.ipynb`): code transcripts, retrieve, compare coders.

`CodingApp` is a Tab of five views. Every widget is wired to a library call (CodingStore,
suggestions, retrieval, agreement, memos); nothing is computed here that the CLI or the report
would need. Each write happens on the click that asks for it, and the view's status line says
"Gemt kl. HH:MM:SS" or shows the Danish error. Only a small window of segments is rendered, so a
long transcript stays responsive; widgets of the previous render are closed so a long session
does not pile up widget models in the browser.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable
from dataclasses import dataclass

import ipywidgets as w
import pandas as pd
from IPython.display import HTML, display

from workbench.coding.agreement import AgreementReport, agreement, resolve
from workbench.coding.retrieval import code_group_matrix, cooccurrence, progress, retrieve
from workbench.coding.store import CONSENSUS, Coding, CodingStore, check_coder, staleness
from workbench.coding.suggestions import open_suggestions
from workbench.errors import WorkbenchError
from workbench.lang import numbers as numfmt
from workbench.material.codebook import VALENCES, Code, Codebook
from workbench.material.corpus import TYPE_LABELS, Document, Segment
from workbench.privacy.typed import typed_findings
from workbench.project import Project
from workbench.report.figures import heatmap_png
from workbench.report.text_da import AGREEMENT_COLUMNS, agreement_notes, agreement_rows, agreement_summary
from workbench.ui.widgets import table_exports
from workbench.ui.widgets.common import StatusLine, mark_personal_data, reports_errors

ALL = ""  # the "Alle" choice of a filter; ipywidgets shows an empty selection for None
CONTEXT_SEGMENTS = 2  # dimmed segments shown before and after the current one


# ---------------------------------------------------------------- small pieces

def _text_colour(background: str) -> str:
    r, g, b = (int(background[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return "#000000" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.55 else "#ffffff"


def code_chip(codebook: Codebook, key: str) -> str:
    """A code as a small coloured label; a code the codebook no longer has is shown as its bare key."""
    if not codebook.has_code(key):
        return f"<span>{html.escape(key)}</span> "
    code = codebook.code(key)
    return (
        f'<span style="background:{code.colour};color:{_text_colour(code.colour)};padding:1px 6px;'
        f'border-radius:3px;margin-right:3px;white-space:nowrap">{html.escape(code.label)}</span>'
    )


def code_button(code: Code) -> w.Button:
    button = w.Button(
        description=code.label,
        tooltip=code.statement or code.definition or code.name,
        layout=w.Layout(width="auto", margin="2px"),
    )
    button.style.button_color = code.colour
    button.style.text_color = _text_colour(code.colour)
    return button


def document_label(document: Document, codebook: Codebook) -> str:
    group = next((g.name for g in codebook.respondent_groups if g.key == document.meta.group), document.meta.group)
    return f"{document.id} · {group} · {TYPE_LABELS.get(document.meta.type, document.meta.type)}"


def _choices(pairs, all_label: str = "Alle") -> list[tuple[str, str]]:
    return [(all_label, ALL)] + list(pairs)


def _set_options(dropdown: w.Dropdown, options: list) -> None:
    """Replace a dropdown's options, keeping the selection when it is still there, else the first option."""
    old = dropdown.value
    dropdown.options = options
    values = [o[1] if isinstance(o, tuple) else o for o in options]
    if values:
        dropdown.value = old if old in values else values[0]


def _selected(dropdown: w.Dropdown) -> str | None:
    return dropdown.value or None


def _file_stem(*parts: str | None) -> str:
    return "_".join(re.sub(r"[^A-Za-z0-9ÆØÅæøå_-]+", "-", p) for p in parts if p)


def _show_frame(output: w.Output, frame: pd.DataFrame, empty: str) -> None:
    output.clear_output()
    with output, pd.option_context("display.max_colwidth", 400, "display.max_rows", 500):
        display(frame if len(frame) else HTML(f"<i>{html.escape(empty)}</i>"))


def _show_text_table(output: w.Output, frame: pd.DataFrame, empty: str) -> None:
    """A table of quotes and memos: left-aligned text, yes/no in Danish, at most 500 rows on screen."""
    if not len(frame):
        _show_frame(output, frame, empty)
        return
    shown = frame.copy()
    for column in shown.columns[shown.dtypes == bool]:  # noqa: E721 (pandas dtype comparison)
        shown[column] = shown[column].map({True: "ja", False: "nej"})
    output.clear_output()
    with output:
        display(HTML(
            "<style>.wb-text-table td, .wb-text-table th{text-align:left !important;vertical-align:top}</style>"
            + shown.to_html(classes="wb-text-table", max_rows=500, border=0)
        ))


# ---------------------------------------------------------------- the coding view

@dataclass
class CodingControls:
    """The editable row of one existing coding of the current segment."""

    coding: Coding
    valence: w.Dropdown
    star: w.ToggleButton
    remove_button: w.Button
    row: w.HBox


@dataclass
class SuggestionControls:
    accept_button: w.Button
    reject_button: w.Button
    row: w.HBox


class CodingApp:
    """The coding notebook: Kodning, Søgning, Matricer, Memoer and Sammenlign kodere."""

    def __init__(self, project: Project):
        self.project = project
        self.codebook = project.codebook
        self.corpus = project.codable_corpus
        self.store = project.coding_store()
        self._coder: str | None = None
        self._document: Document | None = None
        self._loading = False
        self._rejected: set[tuple[str, str, str]] = set()  # (doc, segment, code) rejected this session
        self._transient: list[w.Widget] = []
        self.coding_controls: dict[str, CodingControls] = {}
        self.suggestion_controls: dict[str, SuggestionControls] = {}
        self.status = StatusLine()
        self.log_warning = w.HTML()  # skipped lines in a coding log: stays until the log is repaired

        coding_tab = self._build_coding_view()
        self.search = SearchView(project, self.store)
        self.matrices = MatrixView(project, self.store)
        self.memos = MemoView(project)
        self.compare = CompareView(project, self.store)
        self.tabs = w.Tab(
            children=[coding_tab, self.search.widget, self.matrices.widget, self.memos.widget, self.compare.widget],
            titles=["Kodning", "Søgning", "Matricer", "Memoer", "Sammenlign kodere"],
        )
        self.tabs.observe(self._on_tab, "selected_index")
        self._render()

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.tabs._repr_mimebundle_(**kwargs)
        # what a front end without widget support shows instead of the tabs
        documents = numfmt.count_noun(len(self.corpus.included), "dokument", "dokumenter")
        bundle["text/plain"] = f"Kodning i projektet {self.project.root} ({documents})"
        return bundle

    # -- building

    def _build_coding_view(self) -> w.Widget:
        self.coder = w.Combobox(
            options=self.store.coders(), description="Koder:", placeholder="initialer eller pseudonym",
            ensure_option=False, continuous_update=False,
        )
        self.document = w.Dropdown(
            options=[(document_label(d, self.codebook), d.id) for d in self.corpus.included],
            value=None, description="Dokument:", layout=w.Layout(width="60%"),
        )
        self.progress = w.IntProgress(min=0, max=1, value=0, layout=w.Layout(width="40%"))
        self.progress_label = w.Label()
        self.segment_view = w.HTML(layout=w.Layout(max_height="420px", overflow="auto"))
        self.previous_button = w.Button(description="◀ Forrige", layout=w.Layout(width="auto"))
        self.next_button = w.Button(description="Næste ▶", layout=w.Layout(width="auto"))
        self.segment_slider = w.IntSlider(min=1, max=1, value=1, description="Segment:", continuous_update=False)
        self.segment_label = w.Label()

        self.code_buttons: dict[str, w.Button] = {}
        shown, folded = [], []
        for group in self.codebook.code_groups:
            buttons = [code_button(code) for code in group.codes]
            for code, button in zip(group.codes, buttons):
                button.on_click(functools.partial(self._on_code, code.key))
                self.code_buttons[code.key] = button
            box = w.Box(buttons, layout=w.Layout(flex_flow="row wrap"))
            if group.kind in ("principle", "factor"):
                shown.append(w.VBox([w.HTML(f"<b>{html.escape(group.name)}</b>"), box]))
            else:
                folded.append((group.name, box))
        self.more_codes = w.Accordion(children=[box for _, box in folded], titles=[name for name, _ in folded])
        self.more_codes.selected_index = None

        self.valence = w.ToggleButtons(options=list(VALENCES), value="neutral", description="Valens:")
        self.memo = w.Textarea(placeholder="Memo til næste kodning (valgfrit)", layout=w.Layout(width="60%"))
        self.star = w.ToggleButton(
            value=False, description="★ Citat", tooltip="Markér kodningen som citat til rapporten"
        )
        self.codings_box = w.VBox()
        self.suggestions_box = w.VBox()

        self.coder.observe(self._on_coder, "value")
        self.document.observe(self._on_document, "value")
        self.segment_slider.observe(self._on_slider, "value")
        self.previous_button.on_click(lambda _: self._step(-1))
        self.next_button.on_click(lambda _: self._step(1))

        return w.VBox([
            w.HBox([self.coder, self.document]),
            w.HBox([self.progress, self.progress_label]),
            w.HBox([self.previous_button, self.segment_slider, self.next_button, self.segment_label]),
            self.segment_view,
            self.suggestions_box,
            self.valence,
            w.HBox([self.memo, self.star]),
            *shown,
            self.more_codes,
            w.HTML("<b>Kodninger på segmentet</b>"),
            self.codings_box,
            self.status.widget,
            self.log_warning,
        ])

    # -- state

    @property
    def segment(self) -> Segment | None:
        if self._document is None or not self._document.segments:
            return None
        return self._document.segments[self.segment_slider.value - 1]

    def _require(self) -> tuple[str, Document, Segment]:
        if self._coder is None:
            raise WorkbenchError("Skriv dit kodernavn (initialer eller pseudonym) i feltet Koder, før du koder.")
        if self._document is None or self.segment is None:
            raise WorkbenchError("Vælg et dokument, før du koder.")
        return self._coder, self._document, self.segment

    def _document_codings(self) -> list[Coding]:
        if self._coder is None or self._document is None:
            return []
        return [c for c in self.store.codings(self._coder) if c.doc_id == self._document.id]

    # -- events

    def _on_tab(self, change) -> None:
        view = [None, self.search, self.matrices, self.memos, self.compare][change.new or 0]
        if view is not None:
            view.refresh()

    @reports_errors
    def _on_coder(self, change) -> None:
        name = (change.new or "").strip()
        self._coder = None
        try:
            if name:
                self._coder = check_coder(name)
                self.status.info(f"Du koder som {name}.")
        finally:
            self._render()

    def _on_document(self, change) -> None:
        self._document = self.corpus.get(change.new) if change.new else None
        if self._document is not None:
            self.status.info(f"Henter {self._document.id} …")  # the first document also loads the language model
        segments = self._document.segments if self._document else []
        coded = {c.segment_id for c in self._document_codings()}
        first_open = next((i for i, s in enumerate(segments) if s.id not in coded), 0)
        self._loading = True  # one render for the new document, not one per slider change
        try:
            self.segment_slider.max = max(len(segments), 1)
            self.segment_slider.value = first_open + 1
        finally:
            self._loading = False
        self._render()
        if self._document is not None:
            self.status.info(f"{self._document.id}: {numfmt.count_noun(len(segments), 'segment', 'segmenter')}.")

    def _on_slider(self, change) -> None:
        if not self._loading:
            self._render()

    def _step(self, delta: int) -> None:
        self.segment_slider.value = min(max(self.segment_slider.value + delta, 1), self.segment_slider.max)

    @reports_errors
    def _on_code(self, code_key: str, _button=None) -> None:
        coder, document, segment = self._require()
        memo = self.memo.value.strip()
        self.store.add(
            coder, document, code_key, self.valence.value, segment=segment, memo=memo, quote=self.star.value,
        )
        self.star.value = False
        what = f"{self.codebook.code(code_key).label} ({self.valence.value}) på {segment.id}"
        self._after_write(what)
        # the memo is saved either way; with personal data it stays in the field, marked, for the coder to fix
        if not mark_personal_data(self.project, self.memo, memo, self.status, what):
            self.memo.value = ""

    @reports_errors
    def _on_reject(self, code_key: str, _button=None) -> None:
        _, document, segment = self._require()
        self._rejected.add((document.id, segment.id, code_key))
        self.status.info(f"Forslaget {code_key} på {segment.id} er afvist i denne session.")
        self._render()

    @reports_errors
    def _on_change_coding(self, coding: Coding, field: str, change) -> None:
        self.store.update(coding.coder, coding.id, **{field: change.new})
        what = "citatmarkering" if field == "quote" else "valens"
        self._after_write(f"{what} for {coding.code} på {coding.segment_id} er ændret")

    @reports_errors
    def _on_remove(self, coding: Coding, _button=None) -> None:
        self.store.remove(coding.coder, coding.id)
        self._after_write(f"{coding.code} er fjernet fra {coding.segment_id}")

    def _after_write(self, what: str) -> None:
        if self._coder not in self.coder.options:
            self.coder.options = self.store.coders()
        self._render()
        self.status.saved(what)  # last, so "Gemt" appears once the view shows the change

    # -- rendering

    def _show_log_warning(self) -> None:
        if self._coder is not None:
            self.store.unreadable_lines(self._coder)  # reads the coder's log, so its warning shows at once
        warning = self.store.unreadable_warning()
        self.log_warning.value = (
            f'<span style="color:#b00020;white-space:pre-wrap">⚠ {html.escape(warning)}</span>' if warning else ""
        )

    def _render(self) -> None:
        for widget in self._transient:
            widget.close()
        self._transient = []
        self.coding_controls = {}
        self.suggestion_controls = {}
        segment = self.segment
        codings = self._document_codings()
        self._show_log_warning()
        if segment is None:
            self.segment_view.value = "<i>Vælg et dokument for at begynde at kode.</i>"
            self.segment_label.value = ""
            self.progress.value, self.progress_label.value = 0, ""
            self.codings_box.children = self.suggestions_box.children = ()
            return
        document = self._document
        assert document is not None  # a segment is shown only for a chosen document
        self.segment_label.value = f"{segment.id} · {self.segment_slider.value} af {len(document.segments)}"
        self.segment_view.value = self._window_html(document, self.segment_slider.value - 1, codings)
        if self._coder is None:
            self.progress.value, self.progress_label.value = 0, "Skriv dit kodernavn for at se din fremdrift."
        else:
            coded, total = progress(self.store, document, self._coder)
            self.progress.max, self.progress.value = max(total, 1), coded
            self.progress_label.value = f"{coded} af {total} segmenter kodet"
        rows = [self._coding_row(c).row for c in codings if c.segment_id == segment.id]
        if not rows:
            rows = [w.HTML("<i>Ingen kodninger på segmentet endnu.</i>")]
            self._transient += rows
        self.codings_box.children = rows
        self.suggestions_box.children = [self._suggestion_row(s).row for s in self._open_suggestions(codings, segment)]

    def _window_html(self, document: Document, index: int, codings: list[Coding]) -> str:
        first, last = max(index - CONTEXT_SEGMENTS, 0), min(index + CONTEXT_SEGMENTS, len(document.segments) - 1)
        parts = []
        for i in range(first, last + 1):
            segment = document.segments[i]
            chips = " ".join(code_chip(self.codebook, c.code) for c in codings if c.segment_id == segment.id)
            speaker = f"<b>{html.escape(segment.speaker)}:</b> " if segment.speaker else ""
            style = (
                "border-left:4px solid #333;background:#f6f6f6;padding:6px 8px;margin:4px 0"
                if i == index else "opacity:0.45;padding:2px 8px;margin:2px 0"
            )
            parts.append(
                f'<div style="{style}"><small style="color:#666">{segment.id}</small> {chips}'
                f'<div style="white-space:pre-wrap">{speaker}{html.escape(segment.text)}</div></div>'
            )
        return "".join(parts)

    def _coding_row(self, coding: Coding) -> CodingControls:
        notes = []
        if coding.memo:
            notes.append(f"<i>{html.escape(coding.memo)}</i>")
            if typed_findings(self.project, coding.memo):  # marked until the memo is fixed
                notes.append('<span style="color:#b00020">⚠ Memoet indeholder mulige personoplysninger</span>')
        problem = staleness(coding, self.corpus)
        if problem:
            notes.append(f'<span style="color:#b00020">⚠ {html.escape(problem)}</span>')
        valence = w.Dropdown(options=list(VALENCES), value=coding.valence, layout=w.Layout(width="150px"))
        star = w.ToggleButton(value=coding.quote, description="★ Citat", layout=w.Layout(width="90px"))
        remove = w.Button(description="Fjern", icon="trash", layout=w.Layout(width="90px"))
        valence.observe(functools.partial(self._on_change_coding, coding, "valence"), "value")
        star.observe(functools.partial(self._on_change_coding, coding, "quote"), "value")
        remove.on_click(functools.partial(self._on_remove, coding))
        text = w.HTML(code_chip(self.codebook, coding.code) + " ".join(notes))
        row = w.HBox([text, valence, star, remove])
        self._transient += [text, valence, star, remove, row]
        controls = CodingControls(coding, valence, star, remove, row)
        self.coding_controls[coding.id] = controls
        return controls

    def _open_suggestions(self, codings: list[Coding], segment: Segment):
        if self._coder is None or self._document is None:
            return []
        return [
            s for s in open_suggestions(self._document, self.codebook, codings)
            if s.segment_id == segment.id and (s.doc_id, s.segment_id, s.code) not in self._rejected
        ]

    def _suggestion_row(self, suggestion) -> SuggestionControls:
        code = self.codebook.code(suggestion.code)
        matched = suggestion.matched if isinstance(suggestion.matched, str) else ", ".join(suggestion.matched)
        text = w.HTML(f"Forslag: {code_chip(self.codebook, code.key)} ({html.escape(matched)})")
        accept = w.Button(description="✓", tooltip=f"Kod segmentet med {code.label} og den valgte valens",
                          layout=w.Layout(width="40px"))
        reject = w.Button(description="✗", tooltip="Afvis forslaget i denne session", layout=w.Layout(width="40px"))
        accept.on_click(functools.partial(self._on_code, code.key))
        reject.on_click(functools.partial(self._on_reject, code.key))
        row = w.HBox([text, accept, reject])
        self._transient += [text, accept, reject, row]
        controls = SuggestionControls(accept, reject, row)
        self.suggestion_controls[code.key] = controls
        return controls


# ---------------------------------------------------------------- Søgning and Matricer

class FilteredView:
    """A view recomputed whenever one of its filters changes; its coder filter follows the store."""

    coder: w.Dropdown
    store: CodingStore
    update: Callable[[], None]  # each view's own recomputation
    _updating_options = False

    def _watch(self, *controls: w.ValueWidget) -> None:
        for control in controls:
            control.observe(self._on_filter, "value")

    def _on_filter(self, _change) -> None:
        if not self._updating_options:
            self.update()

    def refresh(self) -> None:
        """Pick up coders and codings added since the view was last shown."""
        self._updating_options = True
        try:
            _set_options(self.coder, _choices((c, c) for c in self.store.coders()))
        finally:
            self._updating_options = False
        self.update()


class SearchView(FilteredView):
    """Everything coded with a code, filtered, as a table that can be exported."""

    def __init__(self, project: Project, store):
        self.project, self.store, self.codebook = project, store, project.codebook
        types = sorted({d.meta.type for d in project.codable_corpus.included})
        self.code = w.Dropdown(options=_choices((c.label, c.key) for c in self.codebook.codes), description="Kode:")
        self.group = w.Dropdown(
            options=_choices((g.name, g.key) for g in self.codebook.respondent_groups), description="Gruppe:"
        )
        self.doc_type = w.Dropdown(options=_choices((TYPE_LABELS.get(t, t), t) for t in types), description="Type:")
        self.valence = w.Dropdown(options=_choices((v, v) for v in VALENCES), description="Valens:")
        self.coder = w.Dropdown(options=_choices([]), description="Koder:")
        self.export_button = w.Button(description="Eksportér til CSV", icon="download")
        self.output = w.Output()
        self.status = StatusLine()
        self.result = pd.DataFrame()
        self._watch(self.code, self.group, self.doc_type, self.valence, self.coder)
        self.export_button.on_click(self._on_export)
        self.widget = w.VBox([
            w.HBox([self.code, self.group, self.doc_type]),
            w.HBox([self.valence, self.coder, self.export_button]),
            self.output,
            self.status.widget,
        ])

    def _filters(self) -> dict:
        return {
            "code": _selected(self.code), "group": _selected(self.group), "doc_type": _selected(self.doc_type),
            "valence": _selected(self.valence), "coder": _selected(self.coder),
        }

    @reports_errors
    def update(self) -> None:
        self.result = retrieve(self.store, self.project.codable_corpus, self.codebook, **self._filters())
        self.status.info(f"{numfmt.count_noun(len(self.result), 'kodning', 'kodninger')} fundet.")
        _show_text_table(self.output, self.result, "Ingen kodninger passer til filtrene.")

    @reports_errors
    def _on_export(self, _button=None) -> None:
        stem = _file_stem("kodninger", *self._filters().values())
        out = self.project.exports_dir / f"{stem}.csv"
        rows = table_exports.retrieval_csv.write(self.project, out=out, filters=self._filters()).summary
        self.status.saved(f"{self.project.relative(out)} ({numfmt.count_noun(rows, 'række', 'rækker')})")


# ---------------------------------------------------------------- Matricer

class MatrixView(FilteredView):
    """Code × respondent group and principle × factor co-occurrence, as tables and heatmaps."""

    def __init__(self, project: Project, store):
        self.project, self.store, self.codebook = project, store, project.codebook
        self.coder = w.Dropdown(options=_choices([]), description="Koder:")
        self.valence_split = w.Checkbox(value=False, description="Opdel grupper efter valens")
        self.export_button = w.Button(description="Eksportér tabeller og billeder", icon="download")
        self.group_table, self.cooccurrence_table = w.Output(), w.Output()
        self.group_image = w.Image(format="png", layout=w.Layout(max_width="700px"))
        self.cooccurrence_image = w.Image(format="png", layout=w.Layout(max_width="700px"))
        self.status = StatusLine()
        self.group_matrix = self.cooccurrence_matrix = pd.DataFrame()
        self._watch(self.coder, self.valence_split)
        self.export_button.on_click(self._on_export)
        self.widget = w.VBox([
            w.HBox([self.coder, self.valence_split, self.export_button]),
            w.HTML("<h4>Koder × respondentgrupper</h4>"), self.group_table, self.group_image,
            w.HTML("<h4>Principper × virksomme faktorer (samforekomst i segmenter)</h4>"),
            self.cooccurrence_table, self.cooccurrence_image,
            self.status.widget,
        ])

    @reports_errors
    def update(self) -> None:
        coder, corpus = _selected(self.coder), self.project.codable_corpus
        self.group_matrix = code_group_matrix(
            self.store, corpus, self.codebook, coder=coder, valence_split=self.valence_split.value
        )
        self.cooccurrence_matrix = cooccurrence(self.store, corpus, self.codebook, coder=coder)
        _show_frame(self.group_table, self.group_matrix, "Ingen kodninger endnu.")
        _show_frame(self.cooccurrence_table, self.cooccurrence_matrix, "Ingen kodninger endnu.")
        self.group_image.value = heatmap_png(self.group_matrix, table_exports.MATRIX_TITLES["group"])
        self.cooccurrence_image.value = heatmap_png(
            self.cooccurrence_matrix, table_exports.MATRIX_TITLES["cooccurrence"]
        )
        self.status.info("Matricerne er opdateret.")

    @reports_errors
    def _on_export(self, _button=None) -> None:
        suffix = _file_stem(_selected(self.coder), "valens" if self.valence_split.value else None)
        export = table_exports.matrices.write(self.project, folder=self.project.exports_dir, suffix=suffix,
                                              coder=_selected(self.coder), valence_split=self.valence_split.value)
        self.status.saved(", ".join(self.project.relative(path) for path in export.written))


# ---------------------------------------------------------------- Memoer

class MemoView:
    """One analytic memo per code (or document), pre-filled from the template."""

    def __init__(self, project: Project):
        self.project = project
        codebook = project.codebook
        options = [(code.label, ("code", code.key)) for code in codebook.codes]
        options += [(f"Dokument {d.id}", ("doc", d.id)) for d in project.codable_corpus.included]
        self.target = w.Dropdown(options=options, description="Memo om:", layout=w.Layout(width="60%"))
        self.definition = w.HTML()
        self.text = w.Textarea(layout=w.Layout(width="95%", height="360px"))
        self.save_button = w.Button(description="Gem memo", button_style="primary", icon="save")
        self.status = StatusLine()
        self._loaded_text = ""
        self._loading = False
        self.target.observe(self._on_target, "value")
        self.save_button.on_click(self._on_save)
        self.widget = w.VBox([self.target, self.definition, self.text, self.save_button, self.status.widget])
        self._load(self.target.value)

    def refresh(self) -> None:
        """Show the memo as it is on disk now (it may have been edited elsewhere), unless it has unsaved edits."""
        if self.text.value == self._loaded_text:
            self._load(self.target.value)

    @staticmethod
    def _where(target: tuple[str, str]) -> dict:
        kind, key = target
        return {"code": key} if kind == "code" else {"doc_id": key}

    def _load(self, target: tuple[str, str]) -> None:
        kind, key = target
        if kind == "code":
            code = self.project.codebook.code(key)
            self.definition.value = f"<i>{html.escape(code.statement or code.definition or code.name)}</i>"
        else:
            self.definition.value = ""
        self._loaded_text = self.project.memos.read(**self._where(target))
        self.text.value = self._loaded_text
        mark_personal_data(self.project, self.text, self._loaded_text)  # marked from the moment it is opened

    def _save(self, target: tuple[str, str]) -> None:
        path = self.project.memos.write(self.text.value, **self._where(target))
        self._loaded_text = self.text.value
        mark_personal_data(self.project, self.text, self.text.value, self.status, self.project.relative(path))

    @reports_errors
    def _on_save(self, _button=None) -> None:
        self._save(self.target.value)

    def _on_target(self, change) -> None:
        if self._loading:
            return
        if self.text.value != self._loaded_text:  # switching memos saves the one being left
            try:
                self._save(change.old)
            except WorkbenchError as exc:
                self._loading = True
                try:
                    self.target.value = change.old
                finally:
                    self._loading = False
                self.status.error(exc)
                return
        self._load(change.new)


# ---------------------------------------------------------------- Sammenlign kodere

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
            w.HBox([self.coder_a, self.coder_b, self.compare_button]),
            self.table,
            self.disagreements,
            self.resolve_button,
            self.status.widget,
        ])
        self.refresh()

    def refresh(self) -> None:
        coders = self.store.coders()
        _set_options(self.coder_a, coders)
        _set_options(self.coder_b, coders)
        if self.coder_a.value == self.coder_b.value and len(coders) > 1:
            self.coder_b.value = next(c for c in coders if c != self.coder_a.value)

    @reports_errors
    def _on_compare(self, _button=None) -> None:
        a, b = self.coder_a.value, self.coder_b.value
        if not a or not b:
            raise WorkbenchError("Der skal være kodninger fra to kodere, før de kan sammenlignes.")
        self.report = agreement(self.store, self.project.codable_corpus, self.codebook, a, b)
        self.agreement_frame = agreement_table(self.report, self.codebook)
        _show_frame(self.table, self.agreement_frame, "")
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
            self.store, self.project.codable_corpus, self.report, decisions, consensus_coder=CONSENSUS
        )
        self.status.saved(
            f"konsensus for {numfmt.count_noun(len(decisions), 'segment', 'segmenter')} gemt som koderen "
            f"'{CONSENSUS}' ({numfmt.integer(added)} tilføjet, {numfmt.integer(removed)} fjernet)"
        )
        self.refresh()  # the consensus coder can now be compared or searched like any coder


def agreement_table(report, codebook: Codebook) -> pd.DataFrame:
    """The agreement report as the chapter and the terminal show it: one row per code, then the pooled total."""
    return pd.DataFrame(agreement_rows(report, codebook), columns=AGREEMENT_COLUMNS).set_index("Kode")
