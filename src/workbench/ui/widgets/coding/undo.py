"""Undo in the coding app: the last actions, each with the event that reverses it.

The store's logs are append-only, so undoing never rewrites anything: it writes the inverse
event (remove for an add, an update back to the old values for an update, a new add of the same
coding for a remove) and the log keeps both.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from workbench.coding.store import CHANGEABLE, Coding, CodingStore
from workbench.material.corpus import Corpus


@dataclass
class Action:
    kind: str  # add | update | remove, or reject (a suggestion; the app undoes it)
    coding: Coding | None  # as it was before the action (for add: as added)
    what: str  # Danish, for the status line
    after: dict = field(default_factory=dict)  # for update: the changed fields' new values


class UndoLog:
    LIMIT = 50

    def __init__(self, store: CodingStore, corpus: Corpus):
        self.store, self.corpus = store, corpus
        self.actions: list[Action] = []

    def record(self, kind: str, coding: Coding | None, what: str, after: dict | None = None) -> None:
        self.actions.append(Action(kind, coding, what, after or {}))
        del self.actions[: -self.LIMIT]

    def __bool__(self) -> bool:
        return bool(self.actions)

    def undo(self) -> tuple[Action, Coding | None]:
        """Reverse the last action; returns it and the coding as it is now (None when it is gone)."""
        action = self.actions.pop()
        coding = action.coding
        # only a rejected suggestion is recorded without a coding, and the app undoes that itself
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
        # the re-added coding has a new id: earlier actions on the old one now refer to it
        for earlier in self.actions:
            if earlier.coding is not None and earlier.coding.id == coding.id:
                earlier.coding = replace(earlier.coding, id=again.id)
        return action, again
