"""What a steering group reads first: the résumé (key figures with n, each principle's judgement in one line),
the introduction from `memos/indledning.md`, and the evaluation questions with the departments' goals."""

from __future__ import annotations

from workbench.coding.evidence import PERSON_TYPES
from workbench.lang import numbers as numfmt
from workbench.report import text_da
from workbench.report.data import ChapterData
from workbench.report.model import BulletList, Heading, Paragraph, Section, Table, missing_memo
from workbench.report.sections.blocks import lower_first, markdown_blocks
from workbench.report.sections.judgements import one_line, round_label
from workbench.selfeval.form import ADHERENCE
from workbench.selfeval.period import Period

INTRODUCTION = "indledning.md"


def summary_section(data: ChapterData) -> Section:
    included = data.shown_documents
    interviews = sum(1 for d in included if d.meta.type in PERSON_TYPES)
    observations = sum(1 for d in included if d.meta.type == "observation")
    figures = [
        f"{numfmt.count_noun(interviews, 'interview', 'interview')} og "
        f"{numfmt.count_noun(observations, 'observation', 'observationer')} er kodet"
        + (f" (n = {numfmt.count_noun(len(included), 'dokument', 'dokumenter')})." if included else ".")
    ]
    if data.small_groups:
        small = text_da.join_and([lower_first(g) for g in sorted(data.small_groups)])
        figures[0] += f" Dertil interview med {small}, som ikke tælles med, fordi så få er interviewet, at de " \
            "kunne genkendes."
    if data.selfeval_table is not None:
        adherence = data.selfeval_table[data.selfeval_table["item"] == ADHERENCE]
        periods = sorted(adherence["period"].unique(), key=Period.parse)
        answers = ", ".join(
            f"{Period.parse(p).label}: n = {numfmt.integer(adherence[adherence['period'] == p]['n'].max())}"
            for p in periods
        )
        figures.append(f"Supportteamets selvevalueringer i {numfmt.count_noun(len(periods), 'halvår', 'halvår')} "
                       f"({answers}).")
    for survey in data.surveys:
        points = survey.item_map.time_points
        counts = []
        for point in points:
            n = max((r.n_valid for r in data.survey_results[survey.name] if r.time_point == point.key), default=0)
            counts.append(f"{point.label}: n = {numfmt.integer(n)}")
        figures.append(f"{survey.title} ({', '.join(counts)}).")
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
