"""A judgement: one assessor's view of one principle in one evaluation round.

Patton's three questions of principle-focused evaluation (is the principle meaningful to those meant to
follow it, is it followed, does it contribute to results), each a rubric level, a written rationale and
the evidence it rests on; and the GUIDE check of the principle's wording (guiding, useful, inspiring,
developmental, evaluable), each a level and a rationale. A round may revise the principle's statement;
the earlier wordings stay in their rounds' files. A question without a level is not judged yet.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field

QUESTIONS = ("relevans", "efterlevelse", "resultat")
QUESTION_LABELS = {
    "relevans": "Relevans",
    "efterlevelse": "Efterlevelse",
    "resultat": "Bidrag til resultater",
}
QUESTION_TEXTS = {
    "relevans": "Er princippet meningsfuldt for dem, der skal arbejde efter det?",
    "efterlevelse": "Arbejder medarbejderne efter princippet i praksis?",
    "resultat": "Bidrager princippet til de ønskede resultater for familierne?",
}
GUIDE = ("vejledende", "brugbart", "inspirerende", "udviklende", "evaluerbart")
GUIDE_LABELS = {
    "vejledende": "Vejledende",
    "brugbart": "Brugbart",
    "inspirerende": "Inspirerende",
    "udviklende": "Udviklende",
    "evaluerbart": "Evaluerbart",
}
GUIDE_TEXTS = {
    "vejledende": "Leder princippet adfærd i en bestemt retning?",
    "brugbart": "Understøtter princippet kvalificerede faglige valg?",
    "inspirerende": "Er princippet værdibåret og meningsfuldt?",
    "udviklende": "Kan princippet anvendes på tværs af kontekster og over tid?",
    "evaluerbart": "Er det muligt at vurdere, om princippet efterleves?",
}
CONSENSUS = "konsensus"  # the agreed judgement is stored as its own assessor
ASSESSOR = re.compile(r"^[A-Za-zÆØÅæøå0-9][A-Za-zÆØÅæøå0-9_-]{0,19}$")


def criterion_label(key: str) -> str:
    return QUESTION_LABELS.get(key) or GUIDE_LABELS[key]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Criterion(_Strict):
    """A GUIDE criterion: a level (a rubric key; None = not judged yet) and why."""

    level: str | None = None
    rationale: str = ""


class QuestionJudgement(Criterion):
    """One of the three questions: a level, why, and the evidence (references, see evidence.py)."""

    evidence: list[str] = Field(default_factory=list)


class Judgement(_Strict):
    principle: str
    round: str  # a half year, e.g. 2025-H2
    assessor: str  # initials, or `konsensus`
    statement: str | None = None  # the principle's wording as revised in this round; None = unchanged
    questions: dict[str, QuestionJudgement] = Field(default_factory=dict)
    guide: dict[str, Criterion] = Field(default_factory=dict)

    def level(self, criterion: str) -> str | None:
        found = self.questions.get(criterion) if criterion in QUESTIONS else self.guide.get(criterion)
        return found.level if found is not None else None

    def criteria(self) -> list[tuple[str, Criterion | None]]:
        """The three questions, then the GUIDE criteria, each with its judgement or None."""
        return [(q, self.questions.get(q)) for q in QUESTIONS] + [(g, self.guide.get(g)) for g in GUIDE]

    @property
    def is_empty(self) -> bool:
        return all(c is None or (c.level is None and not c.rationale.strip()) for _, c in self.criteria())
