"""Which judgement stands for a round, and how it moved since the previous round.

The judgement of a round for a principle is the consensus when there is one; with a single assessor,
that assessor's; with several assessors and no consensus yet, none (the round awaits a consensus).
Nothing is ever computed from counts: a missing judgement stays missing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from workbench.judgements.model import CONSENSUS, GUIDE, QUESTIONS, Judgement
from workbench.project.settings import Rubric

JUDGED = "vurderet"
NOT_JUDGED = "ikke vurderet endnu"
AWAITING_CONSENSUS = "afventer konsensus"


@dataclass(frozen=True)
class Standing:
    principle: str
    round: str
    state: str  # JUDGED | NOT_JUDGED | AWAITING_CONSENSUS
    judgement: Judgement | None
    assessors: tuple[str, ...]  # who judged independently


def standing(judgements: Sequence[Judgement], principle: str, round_: str) -> Standing:
    mine = [j for j in judgements if j.principle == principle and j.round == round_ and not j.is_empty]
    assessors = tuple(sorted(j.assessor for j in mine if j.assessor != CONSENSUS))
    consensus = next((j for j in mine if j.assessor == CONSENSUS), None)
    if consensus is not None:
        return Standing(principle, round_, JUDGED, consensus, assessors)
    if len(assessors) == 1:
        return Standing(principle, round_, JUDGED, mine[0], assessors)
    if assessors:
        return Standing(principle, round_, AWAITING_CONSENSUS, None, assessors)
    return Standing(principle, round_, NOT_JUDGED, None, ())


@dataclass(frozen=True)
class Change:
    principle: str
    criterion: str
    round: str
    previous_round: str | None  # the latest earlier round with a judgement of this principle
    level: str | None
    previous_level: str | None
    steps: int | None  # rubric levels up (+) or down (−); None when either side is not judged

    @property
    def direction(self) -> str:
        if self.steps is None:
            return "ny" if self.previous_level is None and self.level is not None else "ukendt"
        return "op" if self.steps > 0 else "ned" if self.steps < 0 else "uændret"


def previous_round(judgements: Sequence[Judgement], principle: str, round_: str) -> str | None:
    earlier = sorted({j.round for j in judgements if j.principle == principle and j.round < round_}, reverse=True)
    return next((r for r in earlier if standing(judgements, principle, r).state == JUDGED), None)


def changes(judgements: Sequence[Judgement], rubric: Rubric, principle: str, round_: str) -> list[Change]:
    """Per question and GUIDE criterion: the level now and in the previous judged round."""
    now = standing(judgements, principle, round_).judgement
    before_round = previous_round(judgements, principle, round_)
    before = standing(judgements, principle, before_round).judgement if before_round else None
    found = []
    for criterion in (*QUESTIONS, *GUIDE):
        level = now.level(criterion) if now else None
        previous = before.level(criterion) if before else None
        steps = rubric.rank(previous) - rubric.rank(level) if level and previous else None
        found.append(Change(principle, criterion, round_, before_round, level, previous, steps))
    return found
