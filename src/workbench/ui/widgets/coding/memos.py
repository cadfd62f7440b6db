"""Memoer: one analytic memo per code (or document), pre-filled from the template."""

from __future__ import annotations

import html

import ipywidgets as w

from workbench.errors import WorkbenchError
from workbench.project import Project
from workbench.project.identity import hub_identity
from workbench.ui.widgets.common import StatusLine, mark_personal_data, reports_errors


class MemoView:
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
        self.widget = w.VBox([self.status.widget, self.target, self.definition, self.text, self.save_button])
        self._load(self.target.value)

    def refresh(self) -> None:
        """Show the memo as it is on disk now (it may have been edited elsewhere), unless it has unsaved edits."""
        if self.text.value == self._loaded_text:
            self._load(self.target.value)

    def _author(self) -> str:
        try:
            identity = hub_identity(self.project.settings)
        except WorkbenchError:
            return ""
        return identity.author if identity else ""

    @staticmethod
    def _where(target: tuple[str, str]) -> dict:
        kind, key = target
        return {"code": key} if kind == "code" else {"doc_id": key}

    def _load(self, target: tuple[str, str]) -> None:
        kind, key = target
        if kind == "code" and self.project.codebook.has_code(key):
            code = self.project.codebook.code(key)
            self.definition.value = f"<i>{html.escape(code.statement or code.definition or code.name)}</i>"
        else:
            self.definition.value = ""
        self._loaded_text = self.project.memos.read(**self._where(target))
        self.text.value = self._loaded_text
        mark_personal_data(self.project, self.text, self._loaded_text)  # marked from the moment it is opened

    def _save(self, target: tuple[str, str]) -> None:
        # from the text this editor loaded: a colleague's newer save is never overwritten (memos.Memos.write)
        path = self.project.memos.write(self.text.value, **self._where(target), base=self._loaded_text,
                                        author=self._author())
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
