"""Kodning: the transcript beside the code panel.

The coder selects words in the transcript (snapped to whole words) or clicks a turn number, then
clicks a code or presses its key. Valence, star and memo belong to one coding: set before coding
they go with the next coding only, and once a coding is chosen in the text they edit that coding
and are saved at once. The same coder, code and span is one coding: coding it again chooses the
existing one. Every action is written to the coder's log as it happens, the status line (one row
right above the text and the panel, always in view) and a "✔ Gemt" beside the text say so, and the
last actions can be undone by writing their inverse events, changes of the codebook too.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import ipywidgets as w

from workbench.coding.retrieval import progress
from workbench.coding.store import Coding, check_coder, staleness
from workbench.errors import WorkbenchError
from workbench.lang import numbers as numfmt
from workbench.material.codebook import VALENCES, Codebook
from workbench.material.corpus import Document
from workbench.privacy.typed import typed_findings
from workbench.project import Project
from workbench.project.identity import hub_identity
from workbench.ui.widgets.coding.shared import CodeButtons, document_label
from workbench.ui.widgets.coding.tools import CodeManager, Reanchor, TextSearch
from workbench.ui.widgets.coding.undo import UndoLog
from workbench.ui.widgets.common import StatusLine, mark_personal_data, reports_errors
from workbench.ui.widgets.transcript import (
    TranscriptView,
    code_colours,
    snap_to_words,
    turns,
)

if TYPE_CHECKING:
    from workbench.coding.suggestions import Suggestion

NEUTRAL = "neutral"
VALENCE_KEYS = {"+": "understøttende", "-": "udfordrende", "=": NEUTRAL}
KEY_ROWS = {"principle": "123456789", "factor": "qwertyuiop"}
THEME_KEYS = "asdfghjklzxcvbnm"
STALE_TITLE = "Kodninger på ændret tekst"
PANEL_WIDTH = "340px"
VIEW_HEIGHT = "max(320px, calc(100vh - 250px))"  # the app fits a laptop screen under JupyterLab's bars
# The rest of an action's answer (status line, form, suggestions, progress) follows the text's change by
# about a frame, so that the change the coder waits for travels to the page and is drawn on its own.
REST_AFTER_S = 0.015


def shortcuts(codebook: Codebook) -> dict[str, str]:
    """Key → code: principles on the digits, factors on the top letter row, further codes on the rest."""
    keys: dict[str, str] = {}
    themes = iter(THEME_KEYS)
    for group in codebook.code_groups:
        row = iter(KEY_ROWS.get(group.kind, ""))
        for code in group.codes:
            key = next(row, None) if group.kind in KEY_ROWS else next(themes, None)
            if key is not None:
                keys[key] = code.key
    return keys


def _suggestions():
    """workbench.coding.suggestions, imported when first used (once the coder has a name): it brings
    numpy, a tenth of a second that the notebook's start need not wait for."""
    from workbench.coding import suggestions

    return suggestions


def turn_span(document: Document, index: int) -> tuple[int, int]:
    start, end, _, _ = turns(document)[index]
    return start, end


@dataclass(frozen=True)
class InlineSuggestion:
    """One place of a suggestion on the text: the indicator's words, for the segment's code."""

    id: str
    suggestion: Suggestion
    start: int
    end: int
    reason: str


class CodingView:
    def __init__(self, project: Project, store):
        self.project, self.store = project, store
        self.codebook = project.codebook
        self.corpus = project.codable_corpus
        self.colours = code_colours(self.codebook)
        self.keys = shortcuts(self.codebook)
        self.key_of = {code: key for key, code in self.keys.items()}
        self.undo_log = UndoLog(store, self.corpus, project.root)
        self.status = StatusLine()
        self._coder: str | None = None
        self._document: Document | None = None
        self._pending: tuple[int, int] | None = None
        self._selected: Coding | None = None
        self._filling = False  # the form is being set from a coding, not by the coder
        self._suggestions: dict[str, InlineSuggestion] = {}
        # what does not change between actions, kept so an action redoes only what it touched:
        # by id() of the store's Coding (checked with `is`: hashing a Coding costs more than the row)
        self._entries: dict[int, tuple[Coding, bool, str | None, list]] = {}  # a coding's row for the transcript
        self._problems: dict[int, tuple[Coding, str, str | None]] = {}  # staleness, with the text it was for
        self.stale_ids: set[str] = set()
        self._suggest_cache: tuple[tuple, list[Suggestion]] | None = None
        self._places: dict[int, list[InlineSuggestion]] = {}  # a suggestion's places, by id() of the cached one
        # the app's hook: the other views follow a changed codebook
        self.on_codebook: Callable[[Codebook], None] | None = None
        self._auto_document = True  # the open document is the app's choice, not the coder's (yet)
        self._defaulting = False
        self._backlog: list[Callable[[], None]] = []  # the rest of the last actions' answers (`_later`)
        self._backlog_timer: asyncio.TimerHandle | None = None
        self._catching_up = False
        self.widget = self._build()
        self._open_default()
        self._take_hub_identity()

    def _take_hub_identity(self) -> None:
        """On a team server the login decides who codes: the coder field is set from it and locked."""
        try:
            identity = hub_identity(self.project.settings)
        except WorkbenchError as exc:  # logged in, but not in project.yaml's hub_users: say so, code nothing
            self.coder.disabled = True
            self.status.error(exc)
            return
        if identity is not None and identity.coder:
            self.coder.value = identity.coder
            self.coder.disabled = True

    # -- building

    def _build(self) -> w.Widget:
        self.coder = w.Combobox(
            options=self.store.coders(), description="Koder:", placeholder="initialer eller pseudonym",
            ensure_option=False, continuous_update=False, layout=w.Layout(width="230px"),
        )
        self.coder.style.description_width = "50px"
        self.document = w.Dropdown(
            options=[(document_label(d, self.codebook), d.id) for d in self.corpus.included],
            value=None, description="Dokument:", layout=w.Layout(width="380px"),
        )
        self.document.style.description_width = "78px"
        self.other_coder = w.Dropdown(options=[("ingen", "")], value="", description="Vis også:",
                                      layout=w.Layout(width="180px"))
        self.other_coder.style.description_width = "60px"
        self.show_suggestions = w.Checkbox(value=True, description="Forslag", indent=False,
                                           layout=w.Layout(width="80px"))
        self.progress_label = w.HTML(layout=w.Layout(margin="0 12px 0 8px", flex="0 0 auto"))
        self.log_warning = w.HTML()  # skipped lines in a coding log: stays until the log is repaired
        self.transcript = TranscriptView(height=VIEW_HEIGHT, layout=w.Layout(flex="1 1 auto", min_width="0"))
        for kind, handler in (("select", self._on_select), ("turn", self._on_turn), ("pick", self._on_pick),
                              ("key", self._on_key), ("accept", self._on_accept), ("reject", self._on_reject)):
            self.transcript.on(kind, self._caught_up(handler))

        self.undo_button = w.Button(description="↶ Fortryd", tooltip="Fortryd den seneste handling (Ctrl+Z)",
                                    disabled=True, layout=w.Layout(width="92px", min_width="92px"))
        self.status.widget.layout = w.Layout(flex="1 1 auto", min_width="0")
        # the status line spans text and panel, right above both: always in view, never scrolled away
        sticky = w.HBox([self.progress_label, self.status.widget, self.undo_button],
                        layout=w.Layout(align_items="center", width="100%"))
        sticky.add_class("wb-sticky")
        self.target = w.HTML("<i>Markér tekst med musen, eller klik på et turnummer.</i>")
        # shown with a chosen coding on edited text: its re-anchoring, one click, where the eye is
        self.reanchor_here = w.Button(description="Genplacér på forslaget", icon="crosshairs",
                                      tooltip="Flyt kodningen til stedet, der er vist i teksten",
                                      layout=w.Layout(width="auto", display="none"))
        self.reanchor_here.on_click(lambda _b: self.reanchor.accept())
        self.valence = w.ToggleButtons(options=list(VALENCES), value=NEUTRAL, tooltips=[
            "Understøttende (tast +)", "Udfordrende (tast -)", "Neutral (tast =)"])
        self.valence.style.button_width = "auto"  # each as wide as its word: "understøttende" whole
        self.star = w.ToggleButton(value=False, description="★ Citat", tooltip="Markér kodningen som citat (tast *)",
                                   layout=w.Layout(width="84px", height="26px"))
        self.remove_button = w.Button(description="Fjern", icon="trash", disabled=True,
                                      tooltip="Fjern den valgte kodning (Delete)", layout=w.Layout(width="84px",
                                                                                                  height="26px"))
        self.memo = w.Textarea(placeholder="Memo (valgfrit)", continuous_update=False, rows=2,
                               layout=w.Layout(flex="1 1 auto", width="auto", min_width="0"))

        self.codes_box = w.VBox(layout=w.Layout(width="100%"))
        self.button_maker = CodeButtons()
        self._open_group: str | None = None  # the folded code group the coder unfolded, by name
        self._build_codes()

        self.coder.observe(self._on_coder, "value")
        self.document.observe(self._on_document, "value")
        self.other_coder.observe(lambda _: self._send_codings(), "value")
        self.show_suggestions.observe(lambda _: self._send_suggestions(), "value")
        self.valence.observe(functools.partial(self._on_form, "valence"), "value")
        self.star.observe(functools.partial(self._on_form, "quote"), "value")
        self.memo.observe(functools.partial(self._on_form, "memo"), "value")
        self.remove_button.on_click(lambda _: self._remove())
        self.undo_button.on_click(self._on_undo_button)

        # the tools are built when first unfolded: they were half of the panel's widgets, each a model the
        # browser makes before the app shows (and they sit below the codes, out of view until scrolled to)
        self._tool_boxes = {"text_search": w.VBox(), "reanchor": w.VBox(), "code_manager": w.VBox()}
        tools = w.Accordion(children=list(self._tool_boxes.values()),
                            titles=["Søg i teksten", STALE_TITLE, "Koder: ny, omdøb, farve, flet"])
        tools.selected_index = None
        tools.observe(self._on_tool, "selected_index")
        self.tools = tools
        self.panel = w.VBox(
            [self.target, self.reanchor_here, self.valence,
             w.HBox([self.memo, w.VBox([self.star, self.remove_button], layout=w.Layout(flex="0 0 auto"))],
                    layout=w.Layout(width="100%")),
             self.codes_box, tools],
            layout=w.Layout(width=PANEL_WIDTH, min_width=PANEL_WIDTH, height=VIEW_HEIGHT, overflow="hidden auto",
                            padding="0 4px"),
        )
        self.panel.add_class("wb-panel")
        header = w.HBox([self.coder, self.document, self.other_coder, self.show_suggestions],
                        layout=w.Layout(flex_flow="row wrap", align_items="center"))
        return w.VBox([header, sticky, self.log_warning,
                       w.HBox([self.transcript, self.panel], layout=w.Layout(width="100%"))])

    @functools.cached_property
    def text_search(self) -> TextSearch:
        tool = TextSearch(self)
        self._tool_boxes["text_search"].children = [tool.widget]
        return tool

    @functools.cached_property
    def reanchor(self) -> Reanchor:
        tool = Reanchor(self)
        self._tool_boxes["reanchor"].children = [tool.widget]
        tool.refresh()
        return tool

    @functools.cached_property
    def code_manager(self) -> CodeManager:
        tool = CodeManager(self)
        self._tool_boxes["code_manager"].children = [tool.widget]
        return tool

    def _on_tool(self, change) -> None:
        if change.new is not None:
            getattr(self, list(self._tool_boxes)[change.new])  # built on first unfolding

    def _built(self, tool: str) -> bool:
        return tool in self.__dict__

    def _show_log_warning(self) -> None:
        if self._coder is not None:
            self.store.unreadable_lines(self._coder)  # reads the coder's log, so its warning shows at once
        warning = self.store.unreadable_warning()
        self.log_warning.value = (
            f'<span style="color:#b00020;white-space:pre-wrap">⚠ {html.escape(warning)}</span>' if warning else ""
        )

    def _build_codes(self) -> None:
        """The code buttons, by group: principles and factors shown, further groups folded, their buttons
        made when the group is first unfolded (their shortcut keys work either way)."""
        for button in getattr(self, "code_buttons", {}).values():
            button.close()
        self.code_buttons: dict[str, w.Button] = {}
        self.button_maker.set_codes([(code, self.colours[code.key], self.key_of.get(code.key))
                                     for group in self.codebook.code_groups for code in group.codes])
        shown, self._folded = [], []
        for group in self.codebook.code_groups:
            box = w.GridBox(layout=w.Layout(grid_template_columns="repeat(2, minmax(0, 1fr))", grid_gap="2px",
                                            width="100%"))
            if group.kind in ("principle", "factor"):
                self._fill_group(box, group)
                shown += [w.HTML(f"<b>{html.escape(group.name)}</b>"), box]
            else:
                self._folded.append((group, box))
        self._unfolding = True  # the group open before stays open, by its name
        try:
            self.more_codes = w.Accordion(children=[box for _, box in self._folded],
                                          titles=[group.name for group, _ in self._folded])
            self.more_codes.observe(self._on_group, "selected_index")
            names = [group.name for group, _ in self._folded]
            self.more_codes.selected_index = names.index(self._open_group) if self._open_group in names else None
        finally:
            self._unfolding = False
        self.codes_box.children = [self.button_maker.css, *shown, self.more_codes]

    def _fill_group(self, box: w.GridBox, group) -> None:
        buttons = []
        for code in group.codes:
            button = self.button_maker.make(code.key)
            button.on_click(functools.partial(self._on_code_button, code.key))
            self.code_buttons[code.key] = button
            buttons.append(button)
        box.children = buttons

    def _on_group(self, change) -> None:
        if change.new is not None:
            group, box = self._folded[change.new]
            if not box.children:
                self._fill_group(box, group)
        if not self._unfolding:  # the coder's choice, kept when the buttons are made anew
            self._open_group = self._folded[change.new][0].name if change.new is not None else None

    def show_group_of(self, code_key: str) -> None:
        """Unfold the folded group a code is in (a code just created), so its button shows."""
        index = next((i for i, (group, _) in enumerate(self._folded) if any(c.key == code_key for c in group.codes)),
                     None)
        if index is not None:
            self.more_codes.selected_index = index

    def codebook_changed(self, codebook: Codebook) -> None:
        """A code was added, renamed, recoloured or merged: buttons, colours and the text follow."""
        self.catch_up()
        self.project.__dict__["codebook"] = codebook  # Project caches it
        self.project.__dict__.pop("memos", None)
        self.store.codebook = codebook
        self.codebook = codebook
        self.colours = code_colours(codebook)
        self.keys = shortcuts(codebook)
        self.key_of = {code: key for key, code in self.keys.items()}
        self._entries.clear()
        self._build_codes()
        if self._built("code_manager"):
            self.code_manager.refresh()
        if self._selected is not None:
            self._selected = next((c for c in self.mine() + self.others() if c.id == self._selected.id), None)
        with self.transcript.batch():
            self._choose(pending=self._pending, coding=self._selected)
            self._send_codings()
            self._send_suggestions()
        if self.on_codebook is not None:
            self.on_codebook(codebook)

    def has_target(self) -> bool:
        return self._pending is not None or self._selected is not None

    # -- state

    def _require_coder(self) -> str:
        if self._coder is None:
            raise WorkbenchError("Skriv dit kodernavn (initialer eller pseudonym) i feltet Koder, før du koder.")
        return self._coder

    def _require_document(self) -> Document:
        if self._document is None:
            raise WorkbenchError("Vælg et dokument, før du koder.")
        return self._document

    def mine(self) -> list[Coding]:
        if self._coder is None or self._document is None:
            return []
        return self.store.document_codings(self._coder, self._document.id)

    def others(self) -> list[Coding]:
        other = self.other_coder.value
        if not other or self._document is None or other == self._coder:
            return []
        return self.store.document_codings(other, self._document.id)

    def _find(self, coding_id: str) -> Coding | None:
        return next((c for c in self.mine() + self.others() if c.id == coding_id), None)

    # -- what goes to the transcript

    def _entry(self, coding: Coding, mine: bool, problem: str | None) -> list:
        known = self._entries.get(id(coding))
        if known is not None and known[0] is coding and known[1] == mine and known[2] == problem:
            return known[3]
        if len(self._entries) > 20_000:
            self._entries.clear()
        row = self._new_entry(coding, mine, problem)
        self._entries[id(coding)] = (coding, mine, problem, row)
        return row

    def _new_entry(self, coding: Coding, mine: bool, problem: str | None) -> list:
        label = self.codebook.code(coding.code).label if self.codebook.has_code(coding.code) else coding.code
        tip = f"{label} · {coding.coder} · {coding.valence}" + (" · ★ citat" if coding.quote else "")
        if not mine:
            tip += " (læses kun)"
        if coding.memo:
            tip += f"\nMemo: {coding.memo}"
            if typed_findings(self.project, coding.memo):  # marked until the memo is fixed
                tip += "\n⚠ Memoet indeholder mulige personoplysninger"
        if problem:
            tip += f"\n⚠ {problem}"
        colour = self.colours.get(coding.code, "#888888")
        return [coding.id, coding.start, coding.end, coding.code, colour, int(mine), int(coding.quote),
                int(problem is not None), tip]

    def _problem(self, coding: Coding) -> str | None:
        """`staleness`, remembered while the document's text stays the same: it hashes the coding's text,
        which for every coding on every action was the largest part of an action's time."""
        document = self.corpus.get(coding.doc_id)
        if document is None:
            return staleness(coding, self.corpus)
        known = self._problems.get(id(coding))
        if known is not None and known[0] is coding and known[1] is document.body:
            return known[2]
        if len(self._problems) > 20_000:
            self._problems.clear()
        problem = staleness(coding, self.corpus)
        self._problems[id(coding)] = (coding, document.body, problem)
        return problem

    def _send_codings(self) -> None:
        rows, stale = [], set()
        for coding in self.mine():
            problem = self._problem(coding)
            rows.append(self._entry(coding, True, problem))
            if problem is not None:
                stale.add(coding.id)
        rows += [self._entry(c, False, self._problem(c)) for c in self.others()]
        self.transcript.update_rows("codings", rows)
        self.stale_ids = stale
        # the tool's title says how many, folded or not
        self.tools.set_title(1, f"⚠ {STALE_TITLE} ({len(self.stale_ids)})" if self.stale_ids else STALE_TITLE)
        if self._built("reanchor"):
            self.reanchor.refresh()

    def _send_suggestions(self) -> None:
        """Open suggestions on the words that prompted them; a suggestion's places share its answer."""
        self._suggestions = {}
        document = self._document
        if document is not None and self._coder is not None and self.show_suggestions.value:
            module = _suggestions()
            turned_down = module.rejected(self.project, self._coder)
            for s in module.open_suggestions(document, self.codebook, self.mine(), turned_down, self._suggested()):
                for place in self._places_of(s):
                    self._suggestions[place.id] = place
        self.transcript.update_rows("suggestions", [
            [i.id, i.start, i.end, i.suggestion.code, self.colours.get(i.suggestion.code, "#888888"), i.reason]
            for i in self._suggestions.values()
        ])

    def _places_of(self, s: Suggestion) -> list[InlineSuggestion]:
        """The places of one of `_suggested()`'s suggestions, made once per suggestion."""
        places = self._places.get(id(s))
        if places is None:
            label = self.codebook.code(s.code).label
            places = self._places[id(s)] = [
                InlineSuggestion(f"{s.segment_id}:{s.code}:{number}", s, hit.start, hit.end,
                                 f"»{hit.text}« er indikatorord for {label} (indikator: {hit.indicator})")
                for number, hit in enumerate(s.hits)
            ]
        return places

    def _suggested(self) -> list[Suggestion]:
        """`suggest` for the open document, computed once per document and codebook."""
        document = self._require_document()
        key = (document.id, document.body, id(self.codebook))
        if self._suggest_cache is None or self._suggest_cache[0] != key:
            self._suggest_cache = (key, _suggestions().suggest(document, self.codebook))
            self._places = {}  # keyed by id() of the suggestions just replaced
        return self._suggest_cache[1]

    def _show_progress(self) -> None:
        self._show_log_warning()
        if self._document is None:
            self.progress_label.value = ""
        elif self._coder is None:
            self.progress_label.value = "<i>Skriv dit kodernavn for at se din fremdrift.</i>"
        else:
            coded, total = progress(self.store, self._document, self._coder, stale=self.stale_ids)
            self.progress_label.value = f"{numfmt.integer(coded)} af {numfmt.integer(total)} segmenter kodet"

    def _refresh_other_coders(self) -> None:
        others = [c for c in self.store.coders() if c != self._coder]
        old = self.other_coder.value
        self.other_coder.options = [("ingen", "")] + [(c, c) for c in others]
        self.other_coder.value = old if old in others else ""

    # -- the form: valence, star, memo of one coding

    def _fill_form(self, coding: Coding | None) -> None:
        self._filling = True
        try:
            self.valence.value = coding.valence if coding else NEUTRAL
            self.star.value = coding.quote if coding else False
            self.memo.value = coding.memo if coding else ""
        finally:
            self._filling = False
        mark_personal_data(self.project, self.memo, self.memo.value)  # a chosen coding's memo shows its mark
        editable = coding is None or coding.coder == self._coder
        for control in (self.valence, self.star, self.memo):
            control.disabled = not editable
        self.remove_button.disabled = coding is None or not editable

    def _describe_target(self) -> None:
        document = self._document
        if self._selected is not None:
            c = self._selected
            own = c.coder == self._coder
            label = self.codebook.code(c.code).label if self.codebook.has_code(c.code) else c.code
            excerpt = document.body[c.start : c.end] if document else ""
            self.target.value = (
                f"<b>Valgt kodning:</b> {html.escape(label)} · {html.escape(c.coder)}"
                + ("" if own else " <i>(læses kun)</i>")
                + f"<br><small>»{html.escape(_shorten(excerpt))}«</small>"
            )
            if own and c.id in self.stale_ids:
                proposal = self.reanchor.proposal.value if self._reanchoring(c) else ""
                self.target.value += ('<br><span style="color:#b00020">⚠ Teksten er ændret efter kodningen.</span> '
                                      + proposal)
        elif self._pending is not None and document is not None:
            start, end = self._pending
            self.target.value = (
                f"<b>Markeret:</b> »{html.escape(_shorten(document.body[start:end]))}«"
                f"<br><small>Klik på en kode eller tryk dens tast.</small>"
            )
        else:
            self.target.value = "<i>Markér tekst med musen, eller klik på et turnummer.</i>"
        chosen = self._selected
        ready = chosen is not None and chosen.coder == self._coder and self._reanchoring(chosen)
        self.reanchor_here.layout.display = "" if ready and not self.reanchor.accept_button.disabled else "none"

    def _reanchoring(self, coding: Coding) -> bool:
        """Whether the re-anchoring tool has this stale coding chosen (and so its proposal shown)."""
        return coding.id in self.stale_ids and self._built("reanchor") and self.reanchor.stale.value == coding.id

    def _choose(self, pending: tuple[int, int] | None = None, coding: Coding | None = None) -> None:
        """Make a text selection or a coding the target of the next action; the form starts afresh."""
        self._mark(pending, coding)
        self._show_target()

    def _mark(self, pending: tuple[int, int] | None = None, coding: Coding | None = None) -> None:
        """The target, in the text: the half of `_choose` that the transcript shows."""
        self._pending, self._selected = pending, coding
        with self.transcript.batch():
            self.transcript.selection = list(pending) if pending else []
            self.transcript.selected = coding.id if coding else ""

    def _show_target(self) -> None:
        """The target, in the panel: the form afresh and what the next action applies to."""
        self._fill_form(self._selected)
        self._describe_target()

    # -- events from the header

    @reports_errors
    def _on_coder(self, change) -> None:
        self.catch_up()
        name = (change.new or "").strip()
        self._coder = None
        try:
            if name:
                self._coder = check_coder(name)
                self.status.info(f"Du koder som {name}.")
        finally:
            self._refresh_other_coders()
            if self._open_default():  # drawn for this coder as it opened
                if self._coder is not None and self._document is not None:  # not a refused name's error
                    self.status.info(f"Du koder som {name}. {self._document.id} er åbnet: det dokument, du sidst "
                                     "har kodet i.")
            else:
                with self.transcript.batch():
                    self._choose()
                    self._send_codings()
                self._show_progress()
                self._send_suggestions()

    def _open_default(self) -> bool:
        """Until the coder chooses a document, show the one this coder last coded in, else the first;
        True when that opened another document."""
        included = [value for _, value in self.document.options]
        if not self._auto_document or not included:
            return False
        wanted = self.document.value or included[0]
        if self._coder is not None:
            mine = [(c.updated or c.created, order, c.doc_id)  # the log's order breaks ties within a second
                    for order, c in enumerate(self.store.codings(self._coder)) if c.doc_id in included]
            wanted = max(mine)[2] if mine else wanted
        if wanted == self.document.value:
            return False
        self._defaulting = True
        try:
            self.document.value = wanted
        finally:
            self._defaulting = False
        return True

    def _on_document(self, change) -> None:
        self.catch_up()
        if not self._defaulting:
            self._auto_document = False  # the coder chose: it stays open when the coder's name changes
        self._document = self.corpus.get(change.new) if change.new else None
        with self.transcript.batch():  # the text with its codings: one message, drawn once
            self.transcript.show(self._document)
            self._choose()
            self._send_codings()
            self.transcript.take_focus()
        self._show_progress()
        if self._document is not None:
            words = numfmt.count_noun(self._document.word_count, "ord", "ord")
            self.status.info(f"{self._document.id}: {numfmt.count_noun(len(turns(self._document)), 'tur', 'ture')}, "
                             f"{words}.")
        # last, and on their own: the first document's suggestions wait for spaCy's start (about half a
        # second), which the text and its codings, already drawn, need not wait for
        self._send_suggestions()

    def open(self, doc_id: str, start: int, end: int) -> None:
        """Show a document at a place (from retrieval, a matrix cell or a search hit)."""
        self.catch_up()
        if self.document.value != doc_id:
            self.document.value = doc_id
        self.transcript.jump(start, end)

    # -- events from the transcript

    @reports_errors
    def _on_select(self, message: dict) -> None:
        document = self._require_document()
        span = snap_to_words(document.body, int(message["start"]), int(message["end"]))
        self._choose(pending=span)

    @reports_errors
    def _on_turn(self, message: dict) -> None:
        self._choose(pending=turn_span(self._require_document(), int(message["index"])))

    def _on_pick(self, message: dict) -> None:
        coding = self._find(str(message.get("id", "")))
        self._choose(coding=coding)
        if coding is not None and coding.id in self.stale_ids:  # its re-anchoring, one click away
            self.reanchor.choose(coding.id)  # the proposal shown in the text
            self._describe_target()

    @reports_errors
    def _on_key(self, message: dict) -> None:
        """A key, with the selection made just before it when the front end had not sent that yet
        (`start`, `end`, as body offsets): snapped here, so a selection and its code are one message."""
        key = str(message.get("key", ""))
        if "start" in message and "end" in message:
            span = snap_to_words(self._require_document().body, int(message["start"]), int(message["end"]))
            self.transcript.selection_unknown()  # the front end shows its own provisional mark
            if key.lower() in self.keys and span is not None:
                self.code(self.keys[key.lower()], span=span)
                return
            self._choose(pending=span)
        if key == "undo":
            self._undo()
        elif key == "Escape":
            self._choose()
        elif key in ("Delete", "Backspace"):
            self._remove()
        elif key in VALENCE_KEYS:
            self.valence.value = VALENCE_KEYS[key]
        elif key == "*":
            self.star.value = not self.star.value
        elif key.lower() in self.keys:
            self.code(self.keys[key.lower()])

    def _on_code_button(self, code_key: str, _button=None) -> None:
        self.code(code_key)
        self.transcript.take_focus()  # so the next key is a shortcut again

    @reports_errors
    def _on_accept(self, message: dict) -> None:
        """Accepting a suggestion codes its segment with the suggested code."""
        place = self._suggestions.get(str(message.get("id")))
        document = self._require_document()
        if place is not None:
            segment = document.segment(place.suggestion.segment_id)
            # the suggestions on screen were made from this document's segments
            assert segment is not None, f"suggested segment {place.suggestion.segment_id} is in {document.id}"
            self._choose(pending=(segment.start, segment.end))
            self.code(place.suggestion.code)

    @reports_errors
    def _on_reject(self, message: dict) -> None:
        """A rejection is remembered in the coder's log, across sessions."""
        place = self._suggestions.get(str(message.get("id")))
        coder = self._require_coder()
        if place is not None:
            suggestion = place.suggestion
            _suggestions().reject(self.project, coder, suggestion)
            self.undo_log.record("reject", None, f"forslaget {suggestion.code} på {suggestion.segment_id} er afvist",
                                 after={"suggestion": suggestion})
            self.after_write(f"forslaget {suggestion.code} på {suggestion.segment_id} er afvist",
                             chosen=self._selected)

    # -- actions

    @reports_errors
    def code(self, code_key: str, span: tuple[int, int] | None = None) -> None:
        """Code the marked text (or the chosen coding's text) with a code; `span`, a selection not yet
        shown as marked, is coded instead, as if marked just before (so the form starts afresh)."""
        self.catch_up()
        if span is not None:
            self._code_new_selection(code_key, span)
            return
        coder, document = self._require_coder(), self._require_document()
        if self._pending is not None:
            span, fields = self._pending, (self.valence.value, self.star.value, self.memo.value.strip())
        elif self._selected is not None:
            span, fields = (self._selected.start, self._selected.end), (NEUTRAL, False, "")
        else:
            raise WorkbenchError("Markér først noget tekst (træk med musen, eller klik på et turnummer).")
        label = self.codebook.code(code_key).label
        existing = self.store.find(coder, document.id, code_key, *span)
        if existing is not None:
            self._choose(coding=existing)
            self.status.info(f"Teksten er allerede kodet med {label}; den kodning er nu valgt.")
            return
        valence, quote, memo = fields
        coding = self.store.add(coder, document, code_key, valence, span=span, memo=memo, quote=quote)
        what = f"{label} ({valence}) på »{_shorten(document.body[span[0]:span[1]], 40)}«"
        self.undo_log.record("add", coding, what)
        self.after_write(what, chosen=coding)

    def _code_new_selection(self, code_key: str, span: tuple[int, int]) -> None:
        """Mark `span` and code it in one go, as a selection and a code one after the other would: the
        form starts afresh, and a refused coding leaves the span marked."""
        if span != self._pending or self._selected is not None:
            self._filling = True  # what `_choose` does for a new selection, without a message of its own
            try:
                self.valence.value, self.star.value, self.memo.value = NEUTRAL, False, ""
            finally:
                self._filling = False
        self._pending, self._selected = span, None
        try:
            self.code(code_key)
        finally:
            if self._pending == span:  # not coded: marked, with the panel saying so
                self._choose(pending=span)

    def _on_form(self, field: str, change) -> None:
        if self._filling:
            return
        self.catch_up()
        self._update_selected(field, change.new.strip() if field == "memo" else change.new)

    @reports_errors
    def _update_selected(self, field: str, value) -> None:
        coding = self._selected
        if coding is None or coding.coder != self._coder:
            return  # set for the next coding only
        if getattr(coding, field) == value:
            return
        updated = self.store.update(coding.coder, coding.id, **{field: value})
        names = {"valence": "valens", "quote": "citatmarkering", "memo": "memo"}
        what = f"{names[field]} for {coding.code} er ændret"
        self.undo_log.record("update", coding, what, after={field: value})
        self._selected = updated
        self.after_write(what, chosen=updated)

    @reports_errors
    def _remove(self) -> None:
        self.catch_up()
        coding = self._selected
        if coding is None:
            raise WorkbenchError("Vælg en kodning i teksten (klik på den), før du fjerner den.")
        if coding.coder != self._coder:
            raise WorkbenchError(f"Kodningen tilhører {coding.coder}; du kan kun fjerne dine egne kodninger.")
        self.store.remove(coding.coder, coding.id)
        what = f"{coding.code} er fjernet"
        self.undo_log.record("remove", coding, what)
        self.after_write(what, chosen=None)

    def _on_undo_button(self, _button=None) -> None:
        self._undo()
        self.transcript.take_focus()  # so the next key is a shortcut again

    @reports_errors
    def _undo(self) -> None:
        """Undo the last action, and the one before with it when one click did both (a code created
        and the marked text coded with it)."""
        self.catch_up()
        if not self.undo_log:
            raise WorkbenchError("Der er ingen handling at fortryde.")
        done: list[str] = []
        chosen = self._selected
        try:
            while True:
                action = self.undo_log.actions[-1]
                if action.kind == "reject":
                    self.undo_log.actions.pop()
                    _suggestions().unreject(self.project, self._require_coder(), action.after["suggestion"])
                    done.append(action.what)
                elif action.kind == "codebook":
                    action, undone = self.undo_log.undo_codebook(self._require_coder())
                    self.codebook_changed(undone.codebook)
                    chosen = self._selected
                    done.append(action.what + _followed_back(action, undone))
                else:
                    action, chosen = self.undo_log.undo()
                    done.append(action.what)
                if not (action.with_previous and self.undo_log):
                    break
        finally:
            if done:  # what was undone shows, also when the step before it could not be
                self.after_write("fortrudt: " + " og ".join(done), chosen=chosen)
            self.undo_button.disabled = not self.undo_log

    def after_write(self, what: str, chosen: Coding | None) -> None:
        """Show a saved action: first the text's change with "✔ Gemt" beside it, where the eye is (one
        message, one redraw); the rest a moment later (`_later`)."""
        self.catch_up()
        if self._coder not in self.coder.options:
            self.coder.options = self.store.coders()
        with self.transcript.batch():
            self._send_codings()  # first: which codings are stale, which the chosen coding's description says
            self._mark(coding=chosen)
            self.transcript.say("✔ Gemt")
        self._later(functools.partial(self._show_saved, what, chosen))

    def _show_saved(self, what: str, chosen: Coding | None) -> None:
        """The rest of a saved action's answer: "Gemt" in the status line, then the form, the target and the
        progress (held, so they go together) and the suggestions the change answered (mostly none)."""
        self.status.saved(what)
        with contextlib.ExitStack() as held:
            for widget in (self.valence, self.star, self.memo, self.remove_button, self.target, self.progress_label,
                           self.undo_button, self.reanchor_here.layout):
                held.enter_context(widget.hold_sync())
            self._show_target()
            self._send_suggestions()
            self._show_progress()
            self.undo_button.disabled = not self.undo_log
        if chosen is not None and chosen.memo:  # saved either way; personal data in the memo is marked at once
            mark_personal_data(self.project, self.memo, chosen.memo, self.status, what)

    def _later(self, work: Callable[[], None]) -> None:
        """Do `work` about a frame from now when a kernel's event loop runs (JupyterLab, Voilà), at once
        without one (tests, scripts). What is pending is done before the next action (`catch_up`), so
        everything is shown in the order it happened."""
        self._backlog.append(work)
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.catch_up()
            return
        if self._backlog_timer is None:
            self._backlog_timer = loop.call_later(REST_AFTER_S, self._caught_up(lambda: None))

    def catch_up(self) -> None:
        """Do what earlier actions left to show (`_later`), in order."""
        if self._backlog_timer is not None:
            self._backlog_timer.cancel()
            self._backlog_timer = None
        while self._backlog and not self._catching_up:  # not again from within: one after the other
            self._catching_up = True
            try:
                self._backlog.pop(0)()
            finally:
                self._catching_up = False

    def _caught_up(self, handler: Callable[..., None]) -> Callable[..., None]:
        """`handler`, after `catch_up`; an error in what was left to show goes to the status line."""

        @functools.wraps(handler)
        def wrapper(*args, **kwargs):
            try:
                self.catch_up()
            except WorkbenchError as exc:
                self.status.error(exc)
            return handler(*args, **kwargs)

        return wrapper


def _followed_back(action, undone) -> str:
    """What undoing a merge did with the codings, for the status line."""
    change = action.change
    if change is None or change.kind != "merge":
        return ""
    said = f" ({numfmt.count_noun(sum(undone.returned.values()), 'kodning', 'kodninger')} tilbage på {change.source}"
    if undone.left:
        said += f"; {numfmt.count_noun(undone.left, 'kodning', 'kodninger')} ændret siden, de er ikke flyttet"
    return said + ")"


def _shorten(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
