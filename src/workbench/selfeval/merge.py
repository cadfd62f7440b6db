"""Merging two versions of one answer that were edited at the same time (two windows, or a phone and a laptop).

A three-way merge per item: what the editor started from (`base`), what they hold now (`mine`) and what was
saved elsewhere in between (`theirs`). An item only one side changed takes that side's value; an item both
changed differently is a `Clash`, where `mine` is kept and the caller shows `theirs` beside it.
"""

from __future__ import annotations

from dataclasses import dataclass

Answers = dict[str, dict[str, object]]  # answers[principle][item], unanswered items left out


@dataclass(frozen=True)
class Clash:
    principle: str
    item: str
    mine: object
    theirs: object


def merge_answers(base: Answers, mine: Answers, theirs: Answers) -> tuple[Answers, list[Clash]]:
    """The merged answers and the items both sides changed differently (kept as `mine`)."""
    keys = {(p, i) for answers in (base, mine, theirs) for p, items in answers.items() for i in items}
    merged: Answers = {}
    clashes = []
    for principle, item in sorted(keys):
        was, now, other = (a.get(principle, {}).get(item) for a in (base, mine, theirs))
        if now == other or other == was:
            value = now
        elif now == was:
            value = other
        else:
            value = now
            clashes.append(Clash(principle, item, now, other))
        if value is not None:
            merged.setdefault(principle, {})[item] = value
    return merged, clashes
