"""The judgements as data for the chapter: per principle the judgement table, the GUIDE table, the change
since the previous round, and an explicit state when nothing is judged. No text formatting here
(the report prints it); nothing is ever filled in that an assessor did not write.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from workbench.judgements.development import JUDGED, Change, changes, standing
from workbench.judgements.evidence import Evidence, EvidenceIndex, Unavailable
from workbench.judgements.model import GUIDE, QUESTIONS, Judgement
from workbench.judgements.store import Assessments, load_assessments
from workbench.project import Project


@dataclass(frozen=True)
class CriterionRow:
    criterion: str  # relevans | efterlevelse | resultat, or a GUIDE criterion
    level: str | None  # rubric key; None: not judged yet
    level_label: str | None
    rationale: str
    evidence: tuple[Evidence, ...] = ()  # what the chapter may show; unavailable references are left out


@dataclass(frozen=True)
class Wording:
    round: str | None  # None: the codebook's original statement
    statement: str


@dataclass
class PrincipleAssessment:
    principle: str
    name: str
    round: str
    state: str  # vurderet | ikke vurderet endnu | afventer konsensus
    assessor: str | None  # whose judgement this is (konsensus, or the single assessor)
    assessors: tuple[str, ...]  # who judged independently
    statement: str  # the wording in force in this round
    wordings: list[Wording] = field(default_factory=list)  # earlier wordings, oldest first, with their round
    questions: list[CriterionRow] = field(default_factory=list)  # empty unless judged
    guide: list[CriterionRow] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)  # since the previous judged round
    left_out: int = 0  # cited references that can't be shown (withdrawn or deleted material)


@dataclass
class AssessmentChapter:
    round: str | None  # None when no round has any judgement
    principles: list[PrincipleAssessment]


def _rows(judgement: Judgement, keys: tuple[str, ...], section: str, labels: dict[str, str],
          index: EvidenceIndex, unavailable: set[str]) -> list[CriterionRow]:
    rows = []
    criteria = judgement.questions if section == "questions" else judgement.guide
    for key in keys:
        criterion = criteria.get(key)
        if criterion is None:
            rows.append(CriterionRow(key, None, None, ""))
            continue
        evidence = []
        for ref in getattr(criterion, "evidence", []):
            if ref in unavailable:
                continue
            found = index.resolve(ref)
            if not isinstance(found, Unavailable):
                evidence.append(found)
        level = criterion.level
        label = labels.get(level) if level else None
        rows.append(CriterionRow(key, level, label, criterion.rationale, tuple(evidence)))
    return rows


def wordings(assessments: Assessments, project: Project, principle: str, up_to: str) -> list[Wording]:
    """The codebook's statement, then each revision made in a round up to `up_to`, oldest first."""
    code = project.codebook.code(principle)
    found = [Wording(None, " ".join((code.statement or code.name).split()))]
    for round_ in assessments.rounds():
        if round_ > up_to:
            break
        judgement = standing(assessments.judgements, principle, round_).judgement
        if judgement is not None and judgement.statement and judgement.statement.strip() != found[-1].statement:
            found.append(Wording(round_, judgement.statement.strip()))
    return found


def chapter_assessments(project: Project, round_: str | None = None, assessments: Assessments | None = None,
                        index: EvidenceIndex | None = None) -> AssessmentChapter:
    """The chapter's data for a round (default: the latest round with any judgement)."""
    index = index or EvidenceIndex(project)
    assessments = assessments or load_assessments(project, index)
    rubric = project.settings.rubric
    labels = {level.key: level.label for level in rubric.levels}
    if round_ is None:
        round_ = assessments.rounds()[-1] if assessments.rounds() else None
    principles = []
    for code in project.codebook.principles:
        history = wordings(assessments, project, code.key, round_) if round_ else [
            Wording(None, " ".join((code.statement or code.name).split()))
        ]
        if round_ is None:
            principles.append(PrincipleAssessment(code.key, code.name, "", "ikke vurderet endnu", None, (),
                                                  history[-1].statement, history[:-1]))
            continue
        stand = standing(assessments.judgements, code.key, round_)
        item = PrincipleAssessment(code.key, code.name, round_, stand.state, None, stand.assessors,
                                   history[-1].statement, history[:-1])
        judgement = stand.judgement
        if stand.state == JUDGED and judgement is not None:
            unavailable = assessments.unavailable(judgement)
            item.assessor = judgement.assessor
            item.questions = _rows(judgement, QUESTIONS, "questions", labels, index, unavailable)
            item.guide = _rows(judgement, GUIDE, "guide", labels, index, unavailable)
            item.changes = changes(assessments.judgements, rubric, code.key, round_)
            item.left_out = len(unavailable)
        principles.append(item)
    return AssessmentChapter(round_, principles)
