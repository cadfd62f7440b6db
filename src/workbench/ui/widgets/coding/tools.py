"""The code panel's tools below the codes: free-text search, code management and re-anchoring.

Each is a thin front on a library call: `coding.search.search` (lemma-aware, whole words),
`material.codebook_edit` (add, rename, recolour, merge: the YAML rewritten atomically, codings
following by new events) and `coding.reanchor.propose` with `CodingStore.reanchor` (the workbench
proposes where a stale coding's text is now; the coder accepts it, nothing moves by itself).
Search and re-anchoring import their library modules when first used: those bring numpy, which
the notebook's start need not wait for (the panel builds re-anchoring and code management when
their sections are first unfolded).
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

import ipywidgets as w

from workbench.errors import WorkbenchError
from workbench.lang import numbers as numfmt
from workbench.material import codebook_edit
from workbench.ui.widgets.common import StatusLine, reports_errors

if TYPE_CHECKING:
    from workbench.coding.search import Hit
    from workbench.ui.widgets.coding.panel import CodingView

THIS_DOCUMENT, ALL_DOCUMENTS = "Dette dokument", "Alle dokumenter"


def full_width() -> w.Layout:
    """A layout of its own for each widget. One Layout shared by every app in the kernel broke the corpus
    search list of the next app run in the same kernel after codes were renamed and merged (the front end
    reported "widget model not found" for the list)."""
    return w.Layout(width="98%")


def _context(body: str, start: int, end: int, width: int = 30) -> str:
    """The hit in brackets with some words either side, on one line."""
    shown = f"{body[max(0, start - width) : start]}[{body[start:end]}]{body[end : end + width]}"
    return f"…{' '.join(shown.split())}…"


class TextSearch:
    """Search a word or phrase in the open document or the whole corpus; choosing a hit jumps to it."""

    def __init__(self, view: CodingView):
        self.view = view
        self.status: StatusLine = view.status
        self.query = w.Text(placeholder="Søg ord eller udtryk", continuous_update=False, layout=w.Layout(width="60%"))
        self.scope = w.Dropdown(options=[THIS_DOCUMENT, ALL_DOCUMENTS], layout=w.Layout(width="38%"))
        self.count = w.HTML()
        self.results = w.Select(options=[], rows=5, layout=full_width())
        self.found: list[Hit] = []
        self._filling = False
        self.query.observe(lambda _c: self.run(), "value")
        self.scope.observe(lambda _c: self.run(), "value")
        self.results.observe(self._on_result, "value")
        self.widget = w.VBox([w.HBox([self.query, self.scope]), self.count, self.results])

    @reports_errors
    def run(self) -> None:
        query = self.query.value.strip()
        document = self.view._document
        if not query:
            self.found = []
        else:
            doc_id = None
            if self.scope.value == THIS_DOCUMENT:
                if document is None:
                    raise WorkbenchError("Vælg et dokument, eller søg i alle dokumenter.")
                doc_id = document.id
            from workbench.coding.search import search  # numpy, imported at the first search

            self.found = search(self.view.corpus, query, doc_id=doc_id)
        documents = len({h.doc_id for h in self.found})
        where = ""
        if self.scope.value == ALL_DOCUMENTS:
            where = f" i {numfmt.count_noun(documents, 'dokument', 'dokumenter')}"
        self.count.value = f"{numfmt.count_noun(len(self.found), 'fund', 'fund')}{where}" if query else ""
        bodies = {d.id: d.body for d in self.view.corpus.documents}
        self._filling = True
        try:
            self.results.options = [
                (f"{h.doc_id}: {_context(bodies[h.doc_id], h.start, h.end)}", index)
                for index, h in enumerate(self.found)
            ]
            self.results.value = None
        finally:
            self._filling = False
        self.show_hits()

    def show_hits(self) -> None:
        """Mark the hits in the open document."""
        document = self.view._document
        self.view.transcript.hits = [[h.start, h.end] for h in self.found if document and h.doc_id == document.id]

    def _on_result(self, change) -> None:
        if self._filling or change.new is None:
            return
        hit = self.found[change.new]
        self.view.open(hit.doc_id, hit.start, hit.end)
        self.show_hits()


class CodeManager:
    """Create a code while coding, rename, recolour and merge codes."""

    def __init__(self, view: CodingView):
        self.view = view
        self.status: StatusLine = view.status
        self.new_key = w.Text(placeholder="Nøgle, fx N1", layout=w.Layout(width="30%"))
        self.new_name = w.Text(placeholder="Navn på den nye kode", layout=w.Layout(width="68%"))
        self.new_group = w.Dropdown(layout=w.Layout(width="60%"))
        self.new_colour = w.ColorPicker(value="#6a4c93", concise=True, layout=w.Layout(width="40px"))
        self.add_button = w.Button(description="Opret kode", icon="plus", layout=w.Layout(width="auto"))
        self.code = w.Dropdown(description="Kode:", layout=full_width())
        self.code.style.description_width = "40px"
        self.rename_to = w.Text(placeholder="Nyt navn", layout=w.Layout(width="60%"))
        self.rename_button = w.Button(description="Omdøb", layout=w.Layout(width="auto"))
        self.colour = w.ColorPicker(concise=True, layout=w.Layout(width="40px"))
        self.recolour_button = w.Button(description="Skift farve", layout=w.Layout(width="auto"))
        self.merge_into = w.Dropdown(description="Flet ind i:", layout=full_width())
        self.merge_into.style.description_width = "70px"
        self.merge_button = w.Button(description="Flet koderne", icon="compress", layout=w.Layout(width="auto"),
                                     tooltip="Kodningerne flyttes til den anden kode; koden forsvinder fra kodebogen")
        self.add_button.on_click(lambda _b: self._add())
        self.rename_button.on_click(lambda _b: self._rename())
        self.recolour_button.on_click(lambda _b: self._recolour())
        self.merge_button.on_click(lambda _b: self._merge())
        self.code.observe(self._on_code, "value")
        self.widget = w.VBox([
            w.HTML("<b>Ny kode</b> <small>(koder den markerede tekst med det samme)</small>"),
            w.HBox([self.new_key, self.new_name]), w.HBox([self.new_group, self.new_colour, self.add_button]),
            w.HTML("<b>Ret en kode</b> <small>(alt her kan fortrydes med ↶ Fortryd)</small>"), self.code,
            w.HBox([self.rename_to, self.rename_button]), w.HBox([self.colour, self.recolour_button]),
            self.merge_into, self.merge_button,
        ])
        self.refresh()

    def refresh(self) -> None:
        codebook = self.view.codebook
        options = [(c.label, c.key) for c in codebook.codes]
        old, old_target = self.code.value, self.merge_into.value
        self.code.options = options
        self.merge_into.options = options
        keys = [key for _, key in options]
        self.code.value = old if old in keys else keys[0]
        self.merge_into.value = old_target if old_target in keys else keys[-1]
        groups = [(g.name, g.key) for g in codebook.code_groups if g.kind == "theme"]
        if codebook_edit.NEW_CODES_GROUP[0] not in [key for _, key in groups]:
            groups.append((codebook_edit.NEW_CODES_GROUP[1], codebook_edit.NEW_CODES_GROUP[0]))
        self.new_group.options = groups
        self.new_group.value = codebook_edit.NEW_CODES_GROUP[0]

    def _on_code(self, change) -> None:
        if change.new and self.view.codebook.has_code(change.new):
            self.colour.value = self.view.colours.get(change.new, self.view.codebook.code(change.new).colour)
            self.rename_to.value = self.view.codebook.code(change.new).name

    @property
    def root(self):
        return self.view.project.root

    def _changed(self, change: codebook_edit.CodebookChange, what: str) -> None:
        """The codebook changed: the app follows, and the change can be undone like a coding."""
        assert change.codebook is not None, "every edit reports the codebook it leaves"
        self.view.codebook_changed(change.codebook)
        self.view.undo_log.record("codebook", None, what, change=change)
        self.view.undo_button.disabled = False

    @reports_errors
    def _add(self) -> None:
        key = self.new_key.value.strip().upper()
        change = codebook_edit.add_code(self.root, self.new_group.value, key, self.new_name.value.strip(),
                                        self.new_colour.value)
        assert change.codebook is not None, "add_code reports the codebook it leaves"
        label = change.codebook.code(key).label
        self._changed(change, f"koden {label} er oprettet")
        self.view.show_group_of(key)  # its button in view
        self.new_key.value = self.new_name.value = ""
        if self.view.has_target():
            actions = self.view.undo_log.actions
            before = len(actions)
            self.view.code(key)  # says "Gemt"
            if len(actions) > before:  # one click created the code and coded with it: one undo takes both back
                actions[-1].with_previous = True
        else:
            self.status.saved(f"koden {label} er oprettet i kodebogen")

    @reports_errors
    def _rename(self) -> None:
        key = self.code.value
        old = self.view.codebook.code(key).label
        change = codebook_edit.rename_code(self.root, key, self.rename_to.value.strip())
        assert change.codebook is not None, "rename_code reports the codebook it leaves"
        new = change.codebook.code(key).label
        self._changed(change, f"{old} er omdøbt til {new}")
        self.status.saved(f"{old} hedder nu {new}; kodningerne er uændrede")

    @reports_errors
    def _recolour(self) -> None:
        key = self.code.value
        change = codebook_edit.recolour_code(self.root, key, self.colour.value)
        label = self.view.codebook.code(key).label
        self._changed(change, f"{label} har fået en ny farve")
        self.status.saved(f"{label} har fået farven {self.colour.value}")

    @reports_errors
    def _merge(self) -> None:
        source, target = self.code.value, self.merge_into.value
        coder = self.view._coder
        if coder is None:
            raise WorkbenchError("Skriv dit kodernavn, før du fletter koder: sammenfletningen skrives i dit navn.")
        labels = self.view.codebook.code(source).label, self.view.codebook.code(target).label
        report = codebook_edit.merge_codes(self.root, self.view.store, source, target, coder)
        self._changed(report, f"{labels[0]} er flettet ind i {labels[1]}")
        moved, joined = sum(report.moved.values()), sum(report.joined.values())
        self.status.saved(
            f"{labels[0]} er flettet ind i {labels[1]}: {numfmt.count_noun(moved, 'kodning', 'kodninger')} flyttet"
            + (f", {numfmt.integer(joined)} lagt sammen med en ens kodning" if joined else "")
        )


class Reanchor:
    """The coder's stale codings in the open document, each re-anchored with one click on the proposal."""

    def __init__(self, view: CodingView):
        self.view = view
        self.status: StatusLine = view.status
        self.count = w.HTML()
        self.stale = w.Select(options=[], rows=3, layout=full_width())
        self.accept_button = w.Button(description="Genplacér på forslaget", icon="crosshairs", disabled=True,
                                      layout=w.Layout(width="auto"))
        self.proposal = w.HTML()
        self._filling = False
        self.stale.observe(self._on_choice, "value")
        self.accept_button.on_click(lambda _b: self.accept())
        self.widget = w.VBox([self.count, self.stale, self.proposal, self.accept_button])

    def refresh(self) -> None:
        view, document = self.view, self.view._document
        stale = [c for c in view.mine() if c.id in view.stale_ids] if document else []
        self.count.value = (
            f'<span style="color:#b00020">⚠ {numfmt.count_noun(len(stale), "kodning", "kodninger")} på tekst, '
            "der er ændret efter kodningen</span>" if stale else "<i>Ingen kodninger på ændret tekst.</i>"
        )
        before = self.stale.value
        self._filling = True
        try:
            self.stale.options = [(f"{c.code} · {c.start}-{c.end}", c.id) for c in stale]
            self.stale.value = before if before in {c.id for c in stale} else stale[0].id if stale else None
        finally:
            self._filling = False
        # the text jumps to the proposal when another coding is chosen, not after every action
        self._show_proposal(jump=self.stale.value != before)

    def choose(self, coding_id: str) -> None:
        """Choose a stale coding (picked in the text): its proposal shows, the text at that place."""
        if coding_id in {value for _, value in self.stale.options}:
            self.stale.value = coding_id

    def _on_choice(self, _change) -> None:
        if not self._filling:
            self._show_proposal(jump=True)

    def _chosen(self):
        return next((c for c in self.view.mine() if c.id == self.stale.value), None)

    def _show_proposal(self, jump: bool) -> None:
        coding, document = self._chosen(), self.view._document
        from workbench.coding.reanchor import propose  # numpy: imported when re-anchoring is first needed

        found = propose(coding, document) if coding is not None and document is not None else None
        self.accept_button.disabled = found is None
        if coding is None:
            self.proposal.value = ""
        elif found is None:
            self.proposal.value = "<i>Teksten er ikke fundet; fjern kodningen, og kod stedet igen.</i>"
        else:
            assert document is not None, "a proposal is only found in the open document"
            text = " ".join(document.body[found.start : found.end].split())
            self.proposal.value = (f"<small>Forslag ({numfmt.percent(found.score * 100)} sikkert):</small> "
                                   f"»{html.escape(text[:120])}«")
            if jump:
                self.view.transcript.jump(found.start, found.end)

    @reports_errors
    def accept(self) -> None:
        coding, document = self._chosen(), self.view._document
        if coding is None or document is None:
            raise WorkbenchError("Vælg en kodning på ændret tekst.")
        from workbench.coding.reanchor import propose

        found = propose(coding, document)
        if found is None:
            raise WorkbenchError("Der er intet forslag til, hvor teksten står nu.")
        moved = self.view.store.reanchor(coding.coder, coding.id, document, found.start, found.end)
        moved_fields = ("start", "end", "text_hash", "segment_id", "anchor")
        self.view.undo_log.record("update", coding, f"{coding.code} er genplaceret",
                                  after={k: getattr(moved, k) for k in moved_fields})
        self.view.after_write(f"{coding.code} er genplaceret på den ændrede tekst", chosen=moved)
