"""The coding notebook (`notebooks/01_kodning.ipynb`): code transcripts, retrieve, compare coders.

`CodingApp` is a Tab of five views, one module each: Kodning (panel.py), Søgning (retrieval.py),
Matricer (matrices.py), Memoer (memos.py) and Sammenlign kodere (compare.py). Every widget is
wired to a library call; nothing is computed here that the CLI or the report would need. A hit in
Søgning or a cell in Matricer opens the document in Kodning at that place.
"""

from __future__ import annotations

import ipywidgets as w

from workbench.lang import numbers as numfmt
from workbench.material.codebook import Codebook
from workbench.project import Project
from workbench.ui.widgets.coding.compare import CompareView
from workbench.ui.widgets.coding.matrices import MatrixView
from workbench.ui.widgets.coding.memos import MemoView
from workbench.ui.widgets.coding.panel import CodingView
from workbench.ui.widgets.coding.retrieval import RetrievalView
from workbench.ui.widgets.coding.shared import choices, set_options

TITLES = ["Kodning", "Søgning", "Matricer", "Memoer", "Sammenlign kodere"]


class CodingApp:
    def __init__(self, project: Project):
        self.project = project
        self.store = project.coding_store()
        self.coding = CodingView(project, self.store)
        self.search = RetrievalView(project, self.store, self.open_at, self.coding.colours)
        self.matrices = MatrixView(project, self.store, self.open_cell)
        self.memos = MemoView(project)
        self.compare = CompareView(project, self.store)
        views: list[CodingView | RetrievalView | MatrixView | MemoView | CompareView] = [
            self.coding, self.search, self.matrices, self.memos, self.compare,
        ]
        for view in views:
            view.status.widget.add_class("wb-status")
        self.tabs = w.Tab(children=[v.widget for v in views], titles=TITLES)
        self.tabs.add_class("wb-app")
        self.tabs.observe(self._on_tab, "selected_index")
        self.coding.on_codebook = self._codebook_changed

    def _codebook_changed(self, codebook: Codebook) -> None:
        """A code was created, renamed, recoloured or merged in Kodning (or that was undone): the other
        views list and colour the codes as the codebook has them now."""
        self.search.codebook = self.matrices.codebook = self.compare.codebook = codebook
        self.search.colours = self.coding.colours
        set_options(self.search.code, choices((c.label, c.key) for c in codebook.codes))
        documents = [option for option in self.memos.target.options if option[1][0] != "code"]
        set_options(self.memos.target, [(c.label, ("code", c.key)) for c in codebook.codes] + documents)

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
        view = [None, self.search, self.matrices, self.memos, self.compare][change.new or 0]
        if view is self.search:
            self.search.preferred_coder = self.coding.coder.value or None
        if view is not None:
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
