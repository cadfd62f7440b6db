"""The judgements as one flat table (one row per judged criterion), shared by `workbench assessments --json`
and the Excel export, and the agreement per round beside it."""

from __future__ import annotations

from workbench.judgements.agreement import agreements
from workbench.judgements.development import changes
from workbench.judgements.model import GUIDE, QUESTIONS
from workbench.judgements.store import Assessments
from workbench.project.settings import Rubric


def judgement_rows(assessments: Assessments, rubric: Rubric, round_: str | None = None) -> list[dict]:
    """Per judgement and criterion written in the file: principle, round, assessor, question (a GUIDE criterion
    for the wording check), kind, level, level label, rationale and the evidence that can be shown."""
    labels = {level.key: level.label for level in rubric.levels}
    rows = []
    for judgement in assessments.judgements:
        if round_ is not None and judgement.round != round_:
            continue
        hidden = assessments.unavailable(judgement)
        for section, keys, kind in (("questions", QUESTIONS, "spørgsmål"), ("guide", GUIDE, "guide")):
            criteria = judgement.questions if section == "questions" else judgement.guide
            for key in keys:
                criterion = criteria.get(key)
                if criterion is None:
                    continue
                rows.append({
                    "principle": judgement.principle, "round": judgement.round, "assessor": judgement.assessor,
                    "question": key, "kind": kind, "level": criterion.level,
                    "level_label": labels.get(criterion.level) if criterion.level else None,
                    "rationale": criterion.rationale,
                    "evidence": [ref for ref in getattr(criterion, "evidence", []) if ref not in hidden],
                    "statement": judgement.statement,
                })
    return rows


def agreement_rows(assessments: Assessments, rubric: Rubric, round_: str | None = None) -> list[dict]:
    return [a.as_dict() for a in agreements(assessments.judgements, rubric, round_)]


def problem_rows(assessments: Assessments, relative, round_: str | None = None) -> list[dict]:
    """Cited evidence that can't be shown: where it is cited and why (never the material's text)."""
    return [
        {"file": relative(p.path), "line": p.line, "principle": p.principle, "round": p.round,
         "assessor": p.assessor, "question": p.criterion, "ref": p.ref, "reason": p.reason, "withdrawn": p.withdrawn}
        for p in assessments.problems if round_ is None or p.round == round_
    ]


def development_rows(assessments: Assessments, rubric: Rubric, principles: list[str],
                     round_: str | None = None) -> list[dict]:
    """Per round, principle and criterion judged in both: the level now and in the previous judged round."""
    rows = []
    for current in [round_] if round_ else assessments.rounds():
        for principle in principles:
            for change in changes(assessments.judgements, rubric, principle, current):
                if change.previous_round is None or change.level is None or change.previous_level is None:
                    continue
                rows.append({
                    "principle": principle, "round": current, "previous_round": change.previous_round,
                    "question": change.criterion, "level": change.level, "previous_level": change.previous_level,
                    "steps": change.steps,
                })
    return rows
