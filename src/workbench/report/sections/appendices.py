"""Appendices: the codebook, agreement between coders, the survey questions."""

from __future__ import annotations

import math

from workbench.lang import numbers as numfmt
from workbench.report import text_da
from workbench.report.data import ChapterData
from workbench.report.model import (
    Heading,
    Paragraph,
    Section,
    Table,
)
from workbench.surveys.summary import changes as survey_changes


def codebook_appendix(data: ChapterData) -> Section:
    codebook = data.codebook
    blocks: list = [
        Paragraph(
            "Kodebogen er det fælles grundlag for kodningen af interview og observationer. Principperne og de "
            "virksomme faktorer er gengivet ordret fra indsatsens egne formuleringer."
        )
    ]
    for group in codebook.code_groups:
        blocks.append(Heading(group.name, 2))
        if group.description:
            blocks.append(Paragraph(group.description))
        rows = []
        for code in group.codes:
            text = code.statement or code.definition or ""
            if code.statement and code.definition:
                text = f"{code.statement} Kodes for: {code.definition}"
            rows.append([code.key, code.name, text])
        blocks.append(
            Table(
                title=f"Kodebog: {group.name.lower()}",
                columns=["Kode", "Navn", "Udsagn og definition"],
                rows=rows,
                note=f"{numfmt.count_noun(len(group.codes), 'kode', 'koder')}.",
                source=f"Kodebogen ({codebook.title}).",
            )
        )
    return Section("bilag-kodebog", "Bilag: Kodebog", blocks, appendix=True)

def _decimal_or_dash(value: float | None) -> str:
    return "–" if value is None or (isinstance(value, float) and math.isnan(value)) else numfmt.decimal(value, 2)

def agreement_appendix(data: ChapterData) -> Section | None:
    if not data.agreements:
        return None
    blocks: list = [
        Paragraph(
            "Enigheden er beregnet over de segmenter, begge kodere har kodet. For hver kode er det registreret, om "
            "koden er givet eller ej; procentvis enighed, Cohens kappa og Krippendorffs alfa (nominel) er beregnet "
            "efter standarddefinitionerne. »I alt« samler alle kode-beslutninger."
        )
    ]
    for report in data.agreements:
        rows = [
            [f"{m.code} {data.codebook.code(m.code).name}" if data.codebook.has_code(m.code) else m.code,
             numfmt.integer(m.n), numfmt.percent(m.percent), _decimal_or_dash(m.kappa), _decimal_or_dash(m.alpha)]
            for m in report.per_code
        ]
        o = report.overall
        rows.append(["I alt", numfmt.integer(o.n), numfmt.percent(o.percent), _decimal_or_dash(o.kappa), _decimal_or_dash(o.alpha)])
        blocks.append(
            Table(
                title=f"Enighed mellem koderne {report.coders[0]} og {report.coders[1]} pr. kode",
                columns=["Kode", "n", "Enighed", "Kappa", "Alfa"],
                rows=rows,
                note=f"n er antal segmenter kodet af begge ({numfmt.integer(report.segments)}); for »I alt« antal "
                f"kode-beslutninger. {numfmt.integer(len(report.disagreements))} segmenter med uenighed. – betyder "
                "ikke defineret (begge kodere har givet alle segmenter samme værdi).",
                source="Dobbeltkodning af udvalgte dokumenter; egne beregninger.",
            )
        )
    return Section("bilag-enighed", "Bilag: Enighed mellem kodere", blocks, appendix=True)

def survey_appendix(data: ChapterData) -> Section | None:
    if not data.surveys:
        return None
    blocks: list = []
    for survey in data.surveys:
        rows = []
        for result in data.survey_results[survey.name]:
            item = next(i for i in survey.item_map.items if i.key == result.item)
            rows.append([item.question, survey.time_label(result.time_point), numfmt.integer(result.n_valid),
                         numfmt.integer(result.n_excluded), text_da.survey_share(result)])
        changes = survey_changes(survey, data.survey_results[survey.name])
        blocks.append(
            Table(
                title=survey.title,
                columns=["Spørgsmål", "Måling", "Gyldige svar", "Udeladt", "Andel"],
                rows=rows,
                note=f"Svargruppe: {survey.item_map.population}. Andelen er andelen af gyldige svar, der svarer "
                f"{', '.join(dict.fromkeys(i.share_description for i in survey.item_map.items))}. Udeladt: »Ved ikke« "
                f"og blanke svar. {numfmt.count_noun(len(changes), 'spørgsmål', 'spørgsmål')} er målt både ved start og slut.",
                source=survey.source,
            )
        )
    return Section("bilag-spoergeskema", "Bilag: Spørgeskemaernes spørgsmål", blocks, appendix=True)
