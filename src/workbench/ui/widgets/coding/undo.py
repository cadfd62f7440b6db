"""Undo in the coding app: the last actions, each with the event that reverses it.

The store's logs are append-only, so undoing never rewrites anything: it writes the inverse
event (remove for an add, an update back to the old values for an update, a new add of the same
coding for a remove) and the log keeps both. A change of the codebook (a code created, renamed,
recoloured or merged) is undone by `codebook_edit.undo_change`: the codebook's text as it was,
and the codings that followed a merge back on their code by new events.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from workbench.coding.store import CHANGEABLE, Coding, CodingStore
from workbench.material.codebook_edit import CodebookChange, Undone, undo_change
from workbench.material.corpus import Corpus


@dataclass
class Action:
    kind: str  # add | update | remove | codebook, or reject (a suggestion; the app undoes it)
    coding: Coding | None  # as it was before the action (for add: as added)
    what: str  # Danish, for the status line
    after: dict = field(default_factory=dict)  # for update: the changed fields' new values
    change: CodebookChange | None = None  # for codebook
    with_previous: bool = False  # one click did this and the action before it: undone together


class UndoLog:
    LIMIT = 50

    def __init__(self, store: CodingStore, corpus: Corpus, root: str | Path):
        self.store, self.corpus, self.root = store, corpus, root
        self.actions: list[Action] = []

    def record(self, kind: str, coding: Coding | None, what: str, after: dict | None = None,
               change: CodebookChange | None = None) -> None:
        self.actions.append(Action(kind, coding, what, after or {}, change))
        del self.actions[: -self.LIMIT]

    def __bool__(self) -> bool:
        return bool(self.actions)

    def undo(self) -> tuple[Action, Coding | None]:
        """Reverse the last action; returns it and the coding as it is now (None when it is gone)."""
        action = self.actions.pop()
        coding = action.coding
        # only a rejected suggestion or a codebook change is recorded without a coding; see their undo
        assert coding is not None, f"an {action.kind!r} action carries its coding"
        if action.kind == "add":
            self.store.remove(coding.coder, coding.id)
            return action, None
        if action.kind == "update":
            back = {k: getattr(coding, k) for k in action.after if k in CHANGEABLE}
            return action, self.store.update(coding.coder, coding.id, **back)
        document = self.corpus.get(coding.doc_id)
        # the coding was removed in this session, from a document the app had open
        assert document is not None, f"the removed coding's document {coding.doc_id} is in the corpus"
        again = self.store.add(  # the same code, span and fields; `question` too when it had one
            coding.coder, document, coding.code, coding.valence, span=(coding.start, coding.end),
            memo=coding.memo, quote=coding.quote, question=coding.question,
        )
        self._renamed({coding.id: again.id})
        return action, again

    def undo_codebook(self, coder: str) -> tuple[Action, Undone]:
        """Reverse the last action, a change of the codebook; `coder` is who undoes it."""
        action = self.actions.pop()
        assert action.change is not None, "a codebook action carries its change"
        undone = undo_change(self.root, self.store, action.change, coder, self.corpus)
        self._renamed(undone.new_ids)
        return action, undone

    def _renamed(self, new_ids: dict[str, str]) -> None:
        """Codings added again have new ids: earlier actions on the old ones now refer to them."""
        for earlier in self.actions:
            if earlier.coding is not None and earlier.coding.id in new_ids:
                earlier.coding = replace(earlier.coding, id=new_ids[earlier.coding.id])
