"""The evaluators' judgement of a principle as the chapter prints it: the three questions, the GUIDE check,
the change since the previous round, or a visible "ikke vurderet endnu". The software judges nothing here:
every level and rationale is the assessor's own (`judgements.chapter`).
"""

from __future__ import annotations

from workbench.judgements.chapter import CriterionRow, PrincipleAssessment
from workbench.judgements.development import AWAITING_CONSENSUS, Change
from workbench.judgements.evidence import CodingEvidence, Evidence, SelfevalEvidence, SurveyEvidence
from workbench.judgements.model import CONSENSUS, GUIDE_TEXTS, QUESTION_TEXTS, criterion_label
from workbench.lang import numbers as numfmt
from workbench.privacy.guard import TextSource
from workbench.report.data import ChapterData
from workbench.report.model import Heading, Paragraph, Table
from workbench.selfeval.period import Period

NOT_JUDGED = "ikke vurderet endnu"
EXCERPT_WORDS = 12
SOURCE_JUDGEMENTS = "Evaluatorernes vurderinger af principperne (assessments/)."


def round_label(round_: str | None) -> str:
    if not round_:
        return ""
    try:
        return Period.parse(round_).label
    except ValueError:
        return round_


def level_text(row: CriterionRow) -> str:
    return row.level_label or row.level or NOT_JUDGED


def _excerpt(text: str) -> str:
    words = text.split()
    return " ".join(words[:EXCERPT_WORDS]) + (" …" if len(words) > EXCERPT_WORDS else "")


def evidence_text(data: ChapterData, item: Evidence) -> str:
    """A cited piece of evidence as a reader can look it up: what it is, who said it, and its figures."""
    if isinstance(item, CodingEvidence):
        document = data.corpus.get(item.doc_id)
        data.sources.append(TextSource(data.project.relative(document.path), item.text))
        kind = "Citat" if item.quote else "Kodning"
        return f"{kind} ({item.attribution}, {item.valence}): »{_excerpt(item.text)}«"
    if isinstance(item, SelfevalEvidence):
        return (
            f"Selvevaluering {round_label(item.period)}: {item.item_label}, gns. {numfmt.decimal(item.mean, 1)} "
            f"(n = {numfmt.integer(item.n)})"
        )
    if isinstance(item, SurveyEvidence):
        shares = " → ".join(
            f"{p.label} {'–' if p.percent is None else numfmt.percent(p.percent)} (n = {numfmt.integer(p.n_valid)})"
            for p in item.points
        )
        return f"Spørgeskema, {item.survey_title}: »{item.question}« {shares}"
    return item.ref


def _assessment_path(data: ChapterData, item: PrincipleAssessment) -> str:
    return f"assessments/{item.round}/{item.assessor}/{item.principle}.yaml"


def _rows(data: ChapterData, item: PrincipleAssessment, rows: list[CriterionRow], with_evidence: bool) -> list:
    path = _assessment_path(data, item)
    file = data.project.root / path
    lines = file.read_text(encoding="utf-8").splitlines() if file.exists() else []
    table = []
    for row in rows:
        if row.rationale:
            start = " ".join(row.rationale.split()[:3])  # YAML folds long rationales: find their first words
            line = next((i for i, text in enumerate(lines, 1) if start in " ".join(text.split())), 1)
            data.sources.append(TextSource(path, row.rationale, line))
        cells = [criterion_label(row.criterion), level_text(row), row.rationale or "–"]
        if with_evidence:
            cells.append("; ".join(evidence_text(data, e) for e in row.evidence) or "–")
        table.append(cells)
    return table


def _change_text(change: Change) -> str:
    if change.steps:
        steps = numfmt.count_noun(abs(change.steps), "trin", "trin")
        return f"{'op' if change.steps > 0 else 'ned'} {steps}"
    return {"uændret": "uændret", "ny": "ny vurdering"}.get(change.direction, "–")


def judgement_blocks(data: ChapterData, key: str) -> list:
    """Heading 'Evaluators vurdering' and the judgement of the principle in the chapter's round."""
    item = data.assessment(key)
    blocks: list = [Heading("Evaluators vurdering", 2)]
    if item is None or not item.questions:
        when = f" i {round_label(item.round)}" if item and item.round else ""
        text = f"Princippet er {NOT_JUDGED}{when}."
        if item is not None and item.state == AWAITING_CONSENSUS:
            text = f"Princippet er vurderet af {', '.join(item.assessors)}{when}; vurderingen afventer konsensus."
        return blocks + [Paragraph(text, italic=True, placeholder=True)]
    who = "konsensus mellem " + " og ".join(item.assessors) if item.assessor == CONSENSUS else item.assessor
    blocks.append(Paragraph(
        f"Vurderingen i {round_label(item.round)} er evaluatorernes egen ({who}) efter skalaen i afsnittet om "
        "metode. Belæg er de kodninger, citater, selvevalueringer og spørgeskemaspørgsmål, vurderingen henviser til."
    ))
    blocks.append(Table(
        title=f"Evaluators vurdering af {item.principle} {item.name}, {round_label(item.round)}",
        columns=["Spørgsmål", "Niveau", "Begrundelse", "Belæg"],
        rows=_rows(data, item, item.questions, with_evidence=True),
        note="Spørgsmålene: " + " ".join(f"{criterion_label(q)}: {t}" for q, t in QUESTION_TEXTS.items())
        + (f" {item.left_out} henvisning(er) til materiale, der ikke længere kan vises, er udeladt."
           if item.left_out else ""),
        source=SOURCE_JUDGEMENTS,
    ))
    blocks.append(Table(
        title=f"GUIDE-vurdering af formuleringen af {item.principle} {item.name}, {round_label(item.round)}",
        columns=["Kriterium", "Niveau", "Begrundelse"],
        rows=_rows(data, item, item.guide, with_evidence=False),
        note="Kriterierne: " + " ".join(f"{criterion_label(g)}: {t}" for g, t in GUIDE_TEXTS.items()),
        source=SOURCE_JUDGEMENTS,
    ))
    previous = next((c.previous_round for c in item.changes if c.previous_round), None)
    if previous:
        labels = {level.key: level.label for level in data.settings.rubric.levels}
        blocks.append(Table(
            title=f"Ændring i vurderingen af {item.principle} {item.name} siden {round_label(previous)}",
            columns=["Kriterium", round_label(previous), round_label(item.round), "Ændring"],
            rows=[[criterion_label(c.criterion), labels.get(c.previous_level or "", NOT_JUDGED),
                   labels.get(c.level or "", NOT_JUDGED), _change_text(c)] for c in item.changes],
            note="Op og ned er trin på vurderingsskalaen.",
            source=SOURCE_JUDGEMENTS,
        ))
    else:
        blocks.append(Paragraph("Der er ingen tidligere vurdering at sammenligne med."))
    return blocks


def one_line(data: ChapterData, key: str) -> str:
    """A principle's judgement in one line for the résumé: the three levels, or 'ikke vurderet endnu'."""
    item = data.assessment(key)
    if item is None or not item.questions:
        return NOT_JUDGED
    return "; ".join(f"{criterion_label(r.criterion).lower()} {level_text(r)}" for r in item.questions)
