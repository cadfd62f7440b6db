"""Agreement between two assessors who judged the same round independently.

The units are the criteria both judged (principle × the three questions and the five GUIDE criteria);
the values are the rubric levels, ordered. Krippendorff's alpha for ordinal data (Krippendorff 2011):
from the coincidence matrix o_ck with marginals n_c and n.. = Σ n_c,
  δ²_ck = (Σ_{g=c..k} n_g − (n_c + n_k)/2)²,   alpha = 1 − (n.. − 1) Σ o_ck δ²_ck / Σ n_c n_k δ²_ck.
Alpha is undefined (None) when every value is the same level (no variation to agree on). n is the
number of units both assessors judged. The consensus is not an assessor here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import permutations

from workbench.judgements.model import CONSENSUS, GUIDE, QUESTIONS, Judgement
from workbench.project.settings import Rubric


def krippendorff_alpha_ordinal(units: Iterable[Sequence[int | None]]) -> float | None:
    """Ordinal alpha; each unit lists the assessors' ranks (any ordered integers), None = not judged."""
    coincidences: dict[tuple[int, int], float] = defaultdict(float)
    for unit in units:
        values = [v for v in unit if v is not None]
        m = len(values)
        if m < 2:
            continue
        for c, k in permutations(values, 2):
            coincidences[(c, k)] += 1 / (m - 1)
    if not coincidences:
        return None
    marginals: dict[int, float] = defaultdict(float)
    for (c, _), weight in coincidences.items():
        marginals[c] += weight
    values = sorted(marginals)
    total = sum(marginals.values())
    position = {v: i for i, v in enumerate(values)}
    cumulative = [0.0]
    for v in values:
        cumulative.append(cumulative[-1] + marginals[v])

    def delta(c: int, k: int) -> float:
        low, high = sorted((position[c], position[k]))
        between = cumulative[high + 1] - cumulative[low]
        return (between - (marginals[c] + marginals[k]) / 2) ** 2

    observed = sum(weight * delta(c, k) for (c, k), weight in coincidences.items())
    expected = sum(marginals[c] * marginals[k] * delta(c, k) for c in values for k in values)
    if expected == 0:
        return None
    return 1 - (total - 1) * observed / expected


@dataclass(frozen=True)
class Disagreement:
    principle: str
    criterion: str  # a question or a GUIDE criterion
    level_a: str
    level_b: str
    steps: int  # how many rubric levels apart


@dataclass
class RoundAgreement:
    round: str
    assessor_a: str
    assessor_b: str
    alpha: float | None
    n: int  # criteria both judged
    identical: int  # of which on the same level
    disagreements: list[Disagreement] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "round": self.round, "assessors": [self.assessor_a, self.assessor_b], "alpha": self.alpha, "n": self.n,
            "identical": self.identical,
            "disagreements": [
                {"principle": d.principle, "question": d.criterion, "level_a": d.level_a, "level_b": d.level_b,
                 "steps": d.steps}
                for d in self.disagreements
            ],
        }


def assessors_in(judgements: Iterable[Judgement], round_: str) -> list[str]:
    """The independent assessors of a round (not the consensus), alphabetically."""
    return sorted({j.assessor for j in judgements if j.round == round_ and j.assessor != CONSENSUS})


def round_agreement(judgements: Sequence[Judgement], rubric: Rubric, round_: str, assessor_a: str,
                    assessor_b: str) -> RoundAgreement:
    by_key = {(j.assessor, j.principle): j for j in judgements if j.round == round_}
    principles = list(dict.fromkeys(j.principle for j in judgements if j.round == round_))
    units, disagreements, identical = [], [], 0
    for principle in principles:
        a, b = by_key.get((assessor_a, principle)), by_key.get((assessor_b, principle))
        if a is None or b is None:
            continue
        for criterion in (*QUESTIONS, *GUIDE):
            level_a, level_b = a.level(criterion), b.level(criterion)
            if level_a is None or level_b is None:
                continue
            rank_a, rank_b = rubric.rank(level_a), rubric.rank(level_b)
            units.append((rank_a, rank_b))
            if rank_a == rank_b:
                identical += 1
            else:
                disagreements.append(Disagreement(principle, criterion, level_a, level_b, abs(rank_a - rank_b)))
    alpha = krippendorff_alpha_ordinal(units)
    return RoundAgreement(round_, assessor_a, assessor_b, alpha, len(units), identical, disagreements)


def agreements(judgements: Sequence[Judgement], rubric: Rubric, round_: str | None = None,
               pair: tuple[str, str] | None = None) -> list[RoundAgreement]:
    """Per round with two independent assessors: their agreement (the first two alphabetically, or `pair`)."""
    rounds = sorted({j.round for j in judgements}) if round_ is None else [round_]
    found = []
    for current in rounds:
        names = list(pair) if pair else assessors_in(judgements, current)[:2]
        if len(names) == 2 and all(n in assessors_in(judgements, current) for n in names):
            found.append(round_agreement(judgements, rubric, current, *names))
    return found
