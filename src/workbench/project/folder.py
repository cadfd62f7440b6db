"""A project folder (see DESIGN.md): where each kind of file lives, and loading them."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.material.codebook import Codebook, load_codebook
from workbench.material.corpus import DOCUMENT_DIR, Corpus, load_corpus
from workbench.material.memos import Memos
from workbench.project.settings import ProjectSettings, load_settings


@dataclass
class Project:
    root: Path

    def __post_init__(self) -> None:
        self.root = Path(self.root).resolve()
        if not self.root.is_dir():
            raise WorkbenchError("Projektmappen findes ikke.", self.root)

    @property
    def codebook_path(self) -> Path:
        return self.root / "codebook" / "codebook.yaml"

    @property
    def documents_dir(self) -> Path:
        return self.root / DOCUMENT_DIR

    @property
    def codings_dir(self) -> Path:
        return self.root / "codings"

    @property
    def memos_dir(self) -> Path:
        return self.root / "memos"

    @property
    def selfeval_dir(self) -> Path:
        return self.root / "selfeval"

    @property
    def surveys_dir(self) -> Path:
        return self.root / "surveys"

    @property
    def exports_dir(self) -> Path:
        return self.root / "exports"

    @cached_property
    def settings(self) -> ProjectSettings:
        return load_settings(self.root)

    @cached_property
    def codebook(self) -> Codebook:
        return load_codebook(self.codebook_path)

    @cached_property
    def corpus(self) -> Corpus:
        return load_corpus(self.documents_dir, self.codebook)

    @cached_property
    def codable_corpus(self) -> Corpus:
        """Everything a coder can code: the transcripts and observations, and the self-evaluations' free texts."""
        from workbench.selfeval.texts import codable_documents

        return Corpus(list(self.corpus.documents) + codable_documents(self))

    @cached_property
    def memos(self) -> Memos:
        """The analytic memos under memos/, for the codebook's codes and the codable documents."""
        return Memos(self.memos_dir, self.codebook, lambda: self.codable_corpus, self.documents_dir)

    def coding_store(self):
        """One store per project object: it replays each coder's log once and then reads only new lines."""
        if self._store is None:
            from workbench.coding.store import CodingStore

            self._store = CodingStore(self.codings_dir, self.codebook)
        return self._store

    _store = None

    def relative(self, path: Path) -> str:
        try:
            return str(Path(path).resolve().relative_to(self.root))
        except ValueError:
            return str(path)
