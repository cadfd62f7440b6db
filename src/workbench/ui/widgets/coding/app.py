"""The coding notebook (`notebooks/01_kodning.ipynb`): code transcripts, retrieve, compare coders.

`CodingApp` is a Tab of five views, one module each: Kodning (panel.py), Søgning (retrieval.py),
Matricer (matrices.py), Memoer (memos.py) and Sammenlign kodere (compare.py). Every widget is
wired to a library call; nothing is computed here that the CLI or the report would need. A hit in
Søgning or a cell in Matricer opens the document in Kodning at that place.

Only Kodning is built when the notebook runs: the other views (and pandas, matplotlib, the chapter's
text and spaCy's lexicon they need) are built the first time their tab is opened or they are asked for,
so the coder can start coding without waiting for them.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

import ipywidgets as w

from workbench.lang import numbers as numfmt
from workbench.material.codebook import Codebook
from workbench.project import Project
from workbench.ui.widgets.coding.panel import CodingView
from workbench.ui.widgets.coding.shared import choices, set_options

if TYPE_CHECKING:
    from workbench.ui.widgets.coding.compare import CompareView
    from workbench.ui.widgets.coding.matrices import MatrixView
    from workbench.ui.widgets.coding.memos import MemoView
    from workbench.ui.widgets.coding.retrieval import RetrievalView

TITLES = ["Kodning", "Søgning", "Matricer", "Memoer", "Sammenlign kodere"]


class CodingApp:
    def __init__(self, project: Project):
        self.project = project
        self.store = project.coding_store()
        self.coding = CodingView(project, self.store)
        self.coding.status.widget.add_class("wb-status")
        # a box per further tab, filled when its view is first built
        self._boxes = [w.VBox() for _ in TITLES[1:]]
        self.tabs = w.Tab(children=[self.coding.widget, *self._boxes], titles=TITLES)
        self.tabs.add_class("wb-app")
        self.tabs.observe(self._on_tab, "selected_index")
        self.coding.on_codebook = self._codebook_changed

    def _codebook_changed(self, codebook: Codebook) -> None:
        """A code was created, renamed, recoloured or merged in Kodning (or that was undone): the views
        built so far list and colour the codes as the codebook has them now (later ones read it as built)."""
        built = self.__dict__
        for name in ("search", "matrices", "compare"):
            if name in built:
                built[name].codebook = codebook
        if "search" in built:
            self.search.colours = self.coding.colours
            set_options(self.search.code, choices((c.label, c.key) for c in codebook.codes))
        if "memos" in built:
            documents = [option for option in self.memos.target.options if option[1][0] != "code"]
            set_options(self.memos.target, [(c.label, ("code", c.key)) for c in codebook.codes] + documents)

    def _place(self, index: int, view):
        view.status.widget.add_class("wb-status")
        self._boxes[index - 1].children = [view.widget]
        return view

    @cached_property
    def search(self) -> RetrievalView:
        from workbench.ui.widgets.coding.retrieval import RetrievalView

        return self._place(1, RetrievalView(self.project, self.store, self.open_at, self.coding.colours))

    @cached_property
    def matrices(self) -> MatrixView:
        from workbench.ui.widgets.coding.matrices import MatrixView

        return self._place(2, MatrixView(self.project, self.store, self.open_cell))

    @cached_property
    def memos(self) -> MemoView:
        from workbench.ui.widgets.coding.memos import MemoView

        return self._place(3, MemoView(self.project))

    @cached_property
    def compare(self) -> CompareView:
        from workbench.ui.widgets.coding.compare import CompareView

        return self._place(4, CompareView(self.project, self.store))

    @property
    def coder(self):
        """The coder's name field (the coding view's)."""
        return self.coding.coder

    @property
    def log_warning(self):
        """The warning about unreadable lines in a coding log, shown above the text."""
        return self.coding.log_warning

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.tabs._repr_mimebundle_(**kwargs)
        # what a front end without widget support shows instead of the tabs
        documents = numfmt.count_noun(len(self.project.codable_corpus.included), "dokument", "dokumenter")
        bundle["text/plain"] = f"Kodning i projektet {self.project.root} ({documents})"
        return bundle

    def _on_tab(self, change) -> None:
        index = change.new or 0
        if index == 0:
            return
        view = getattr(self, ("search", "matrices", "memos", "compare")[index - 1])  # built on first opening
        if index == 1:
            self.search.preferred_coder = self.coding.coder.value or None
        view.refresh()

    def open_at(self, doc_id: str, start: int, end: int) -> None:
        """Kodning, with the document open at a place."""
        self.tabs.selected_index = 0
        self.coding.open(doc_id, start, end)

    def open_cell(self, **cell) -> None:
        """Søgning, with the codings of a matrix cell."""
        self.search.preferred_coder = self.coding.coder.value or None
        self.tabs.selected_index = 1
        self.search.show_cell(**cell)
