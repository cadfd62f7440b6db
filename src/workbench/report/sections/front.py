"""What a steering group reads first: the résumé (key figures with n, each principle's judgement in one line),
the introduction from `memos/indledning.md`, and the evaluation questions with the departments' goals."""

from __future__ import annotations

from workbench.coding.evidence import PERSON_TYPES
from workbench.lang import numbers as numfmt
from workbench.report import text_da
from workbench.report.data import ChapterData
from workbench.report.model import BulletList, Heading, Paragraph, Section, Table, missing_memo, prose, prose_join
from workbench.report.sections.blocks import lower_first, markdown_blocks
from workbench.report.sections.judgements import one_line, round_label
from workbench.selfeval.form import ADHERENCE
from workbench.selfeval.period import Period

INTRODUCTION = "indledning.md"


def summary_section(data: ChapterData) -> Section:
    included = data.shown_documents
    interviews = data.documents_tally([d for d in included if d.meta.type in PERSON_TYPES], "interview")
    observations = data.documents_tally([d for d in included if d.meta.type == "observation"], "observationer")
    figures: list[str] = [prose(
        data.count(interviews, "interview", "interview"), " og ",
        data.count(observations, "observation", "observationer"), " er kodet",
        prose(" (n = ", data.count(data.documents_tally(included), "dokument", "dokumenter"), ").") if included
        else ".",
    )]
    if data.small_groups:
        small = text_da.join_and([lower_first(g) for g in sorted(data.small_groups)])
        figures[0] = prose(figures[0], f" Dertil interview med {small}, som ikke tælles med, fordi så få er "
                           "interviewet, at de kunne genkendes.")
    if data.selfeval_table is not None:
        adherence = data.selfeval_table[data.selfeval_table["item"] == ADHERENCE]
        periods = sorted(adherence["period"].unique(), key=Period.parse)
        answers = prose_join(", ", [prose(f"{Period.parse(p).label}: n = ", data.selfeval_count(p)) for p in periods])
        figures.append(prose("Supportteamets selvevalueringer i ", data.count(data.periods_tally(), "halvår", "halvår"),
                             " (", answers, ")."))
    for survey in data.surveys:
        at = [(point, *data.survey_answers(survey, point.key)) for point in survey.item_map.time_points]
        counts = prose_join(", ", [prose(f"{point.label}: n = ", n) for point, n, _ in at])
        per_question = "; største n pr. spørgsmål" if any(flag for *_, flag in at) else ""
        figures.append(prose(f"{survey.title} (", counts, per_question, ")."))
    round_ = data.assessments.round
    rows = [[f"{code.key} {code.name}", one_line(data, code.key)] for code in data.codebook.principles]
    blocks: list = [
        Paragraph("Resuméet samler kapitlets datagrundlag og evaluatorernes vurdering af hvert princip. "
                  "Begrundelserne står i afsnittet om princippet."),
        Heading("Datagrundlaget", 2),
        BulletList(figures),
        Heading("Vurderingen af principperne", 2),
        Table(
            title="Evaluatorernes vurdering af principperne" + (f", {round_label(round_)}" if round_ else ""),
            columns=["Princip", "Vurdering (relevans; efterlevelse; bidrag til resultater)"],
            rows=rows,
            note="Niveauerne er evaluatorernes egne efter vurderingsskalaen i metodeafsnittet; "
            "»ikke vurderet endnu« betyder, at ingen vurdering er skrevet for runden.",
            source="Evaluatorernes vurderinger af principperne (assessments/).",
        ),
    ]
    return Section("resume", "Resumé", blocks)


def introduction_section(data: ChapterData) -> Section:
    text = data.read_exported(data.project.memos_dir / INTRODUCTION)
    body = "\n".join(line for line in text.splitlines() if not line.startswith("# ")).strip()
    blocks: list = markdown_blocks(body) if body else [missing_memo()]
    questions = data.codebook.evaluation_questions
    if questions:
        blocks += [
            Heading("Evalueringsspørgsmål", 2),
            Paragraph("Evalueringen besvarer "
                      f"{numfmt.count_words(len(questions), 'spørgsmål', 'spørgsmål', neuter=True)}:"),
            BulletList([f"{q.text} ({text_da.join_and(list(q.principles))})" if q.principles else q.text
                        for q in questions]),
        ]
    goals = data.codebook.departmental_goals
    if goals:
        blocks += [
            Heading("Forvaltningernes mål", 2),
            Table(
                title="Forvaltningernes mål for indsatsen",
                columns=["Forvaltning", "Mål"],
                rows=[[key, text] for key, text in goals.items()],
                note="Målene, som forvaltningerne har opstillet; evalueringsspørgsmålene om målene vurderes i "
                "konklusionen.",
                source="Projektets kodebog (departmental_goals).",
            ),
        ]
    return Section("indledning", "Indledning", blocks)
