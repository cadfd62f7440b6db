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
from workbench.report.model import (
    COUNT,
    GIVEN,
    BulletList,
    Cell,
    Heading,
    Paragraph,
    Source,
    Table,
    Tally,
    prose,
    prose_join,
)
from workbench.report.sections.blocks import lower_first
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
        return f"{kind} ({lower_first(item.attribution)}, {item.valence}): »{_excerpt(item.text)}«"
    if isinstance(item, SelfevalEvidence):
        mean = data.selfeval_tally(item.principle, item.period, item.item)
        answers = data.selfeval_tally(item.principle, item.period, item.item, "besvarelser", COUNT)
        return prose(
            f"Selvevaluering {round_label(item.period)}: {item.item_label}, gns. ",
            Cell(numfmt.decimal(item.mean, 1), mean), " (n = ", Cell(numfmt.integer(item.n), answers), ")",
        )
    if isinstance(item, SurveyEvidence):
        survey = next((s for s in data.surveys if s.name == item.survey), None)
        results = {r.time_point: r for r in data.survey_results.get(item.survey, []) if r.item == item.item}
        shares: list[str] = []
        for point in item.points:
            result = results.get(point.time_point)
            share: str = "–" if point.percent is None else numfmt.percent(point.percent)
            n: str = numfmt.integer(point.n_valid)
            if survey is not None and result is not None:
                share = Cell(share, data.survey_share_tally(survey, result, point.label))
                n = Cell(n, data.survey_count_tally(survey, result, label=point.label))
            shares.append(prose(f"{point.label} ", share, " (n = ", n, ")"))
        return prose(f"Spørgeskema, {item.survey_title}: »{item.question}« ", prose_join(" → ", shares))
    return item.ref


EVIDENCE_KINDS = {CodingEvidence: "kodning", SelfevalEvidence: "selvevaluering", SurveyEvidence: "spørgeskema"}


def evidence_kind(item: Evidence) -> str:
    """What a piece of evidence is, in one word, for the judgement table's Belæg column."""
    if isinstance(item, CodingEvidence) and item.quote:
        return "citat"
    return EVIDENCE_KINDS.get(type(item), "henvisning")


def evidence_letter(index: int) -> str:
    """a, b, …, z, aa, ab, …: the evidence's mark in the table and in the list under it."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def _assessment_path(data: ChapterData, item: PrincipleAssessment) -> str:
    return f"assessments/{item.round}/{item.assessor}/{item.principle}.yaml"


def _rows(data: ChapterData, item: PrincipleAssessment, rows: list[CriterionRow],
          cited: list[Evidence] | None = None) -> list:
    """The table's rows; with `cited`, a Belæg column of letters and kinds, each cited piece appended to `cited`
    (written out in the list under the table, so the table stays readable)."""
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
        if cited is not None:
            marks = []
            for evidence in row.evidence:
                marks.append(f"{evidence_letter(len(cited))}) {evidence_kind(evidence)}")
                cited.append(evidence)
            cells.append("; ".join(marks) or "–")
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
    cited: list[Evidence] = []
    rows = _rows(data, item, item.questions, cited)
    left_out = ""
    if item.left_out:
        path = _assessment_path(data, item)
        source = Source("vurdering", path, path, value=str(item.left_out), number=float(item.left_out))
        left_out = prose(" ", Cell(numfmt.integer(item.left_out), Tally("udeladte henvisninger", GIVEN,
                                                                          float(item.left_out), (source,))),
                         " henvisning(er) til materiale, der ikke længere kan vises, er udeladt.")
    blocks.append(Table(
        title=f"Evaluators vurdering af {item.principle} {item.name}, {round_label(item.round)}",
        columns=["Spørgsmål", "Niveau", "Begrundelse", "Belæg"],
        rows=rows,
        note=prose("Spørgsmålene: " + " ".join(f"{criterion_label(q)}: {t}" for q, t in QUESTION_TEXTS.items()),
                   left_out, " Belægget står under tabellen." if cited else ""),
        source=SOURCE_JUDGEMENTS,
    ))
    if cited:
        blocks += [Paragraph("Belæg, vurderingen henviser til:"),
                   BulletList([prose(f"{evidence_letter(i)}) ", evidence_text(data, e)) for i, e in enumerate(cited)],
                              lettered=True)]
    blocks.append(Table(
        title=f"GUIDE-vurdering af formuleringen af {item.principle} {item.name}, {round_label(item.round)}",
        columns=["Kriterium", "Niveau", "Begrundelse"],
        rows=_rows(data, item, item.guide),
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
