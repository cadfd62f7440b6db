"""Appendices: the codebook, agreement between coders, the survey questions."""

from __future__ import annotations

from workbench.lang import numbers as numfmt
from workbench.report import text_da
from workbench.report.data import ChapterData
from workbench.report.model import (
    Cell,
    Heading,
    Paragraph,
    Section,
    Table,
    prose,
    prose_join,
)
from workbench.surveys.summary import changes as survey_changes


def codebook_appendix(data: ChapterData) -> Section:
    codebook = data.codebook
    blocks: list = [
        Paragraph(
            "Kodebogen er det fælles grundlag for kodningen af interview og observationer. Principperne er "
            "gengivet ordret fra indsatsens egne formuleringer; definitionerne siger med kodebogens egne ord, hvad "
            "der kodes under hver kode."
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
                note=prose(data.count(data.codebook_tally([c.key for c in group.codes], "koder i gruppen"), "kode",
                                      "koder"), "."),
                source=f"Kodebogen ({codebook.title}).",
            )
        )
    return Section("bilag-kodebog", "Bilag: Kodebog", blocks, appendix=True)


def agreement_appendix(data: ChapterData) -> Section | None:
    if not data.agreements:
        return None
    blocks: list = [
        Paragraph(
            "Enigheden er beregnet i de dokumenter, begge kodere har kodet. Enhederne er de segmenter, mindst én af "
            "koderne har kodet eller markeret »ingen kode« (i dokumenter, begge har markeret som færdigkodede, alle "
            "segmenter), så en kode, kun den ene har givet, tæller som uenighed. For hver kode er det registreret, "
            "om koden er givet eller ej; procentvis enighed, Cohens kappa, Krippendorffs alfa (nominel) og Gwets AC1 "
            "er beregnet efter standarddefinitionerne, og tegnbaseret enighed og kappa som i NVivo. »I alt« samler "
            "alle kode-beslutninger."
        )
    ]
    for report in data.agreements:
        blocks.append(
            Table(
                title=f"Enighed mellem koderne {report.coders[0]} og {report.coders[1]} pr. kode",
                columns=text_da.AGREEMENT_COLUMNS,
                rows=_traced_agreement_rows(data, report),
                note=prose_join(" ", [text_da.agreement_summary(report, _agreement_figures(data, report)),
                                      *text_da.agreement_notes(report, data.codebook)]),
                source="Dobbeltkodning af udvalgte dokumenter; egne beregninger.",
            )
        )
    return Section("bilag-enighed", "Bilag: Enighed mellem kodere", blocks, appendix=True)


def _agreement_figures(data: ChapterData, report) -> dict[str, str]:
    """The counts of the agreement's summary sentence, each with the documents or units behind it."""
    a, b = report.coders
    return {
        "documents": data.count(data.agreement_documents_tally(report), "dokument", "dokumenter"),
        "complete": data.count(data.agreement_documents_tally(report, complete=True)),
        "units": data.count(data.agreement_units_tally(report), "enhed", "enheder"),
        "only_a": data.count(data.agreement_only_tally(report, a)),
        "only_b": data.count(data.agreement_only_tally(report, b)),
    }


def _traced_agreement_rows(data: ChapterData, report) -> list[list[str]]:
    """The agreement table's rows, each figure carrying the units (segments and codings) it is computed over."""
    rows = text_da.agreement_rows(report, data.codebook)
    for row, measured in zip(rows, [*report.per_code, report.overall]):
        n, share, basis = data.agreement_tallies(report, None if measured is report.overall else measured.code)
        statistics = [Cell(text, basis) if text != "–" else text for text in row[3:]]
        row[1:] = [Cell(row[1], n), Cell(row[2], share)] + statistics
    return rows


def survey_appendix(data: ChapterData) -> Section | None:
    if not data.surveys:
        return None
    blocks: list = []
    for survey in data.surveys:
        rows = []
        for result in data.survey_results[survey.name]:
            item = next(i for i in survey.item_map.items if i.key == result.item)
            rows.append([item.question, survey.time_label(result.time_point),
                         Cell(numfmt.integer(result.n_valid), data.survey_count_tally(survey, result)),
                         Cell(numfmt.integer(result.n_excluded),
                              data.survey_count_tally(survey, result, excluded=True)),
                         Cell(text_da.survey_share(result), data.survey_share_tally(survey, result))])
        changes = survey_changes(survey, data.survey_results[survey.name])
        blocks.append(
            Table(
                title=survey.title,
                columns=["Spørgsmål", "Måling", "Gyldige svar", "Udeladt", "Andel"],
                rows=rows,
                note=prose(
                    f"Svargruppe: {survey.item_map.population}. Andelen er andelen af gyldige svar, der svarer "
                    f"{', '.join(dict.fromkeys(i.share_description for i in survey.item_map.items))}. Udeladt: "
                    "»Ved ikke« og blanke svar. ",
                    data.count(data.survey_items_tally(survey, [c.item for c in changes]), "spørgsmål", "spørgsmål"),
                    " er målt både ved start og slut."),
                source=survey.source,
            )
        )
    return Section("bilag-spoergeskema", "Bilag: Spørgeskemaernes spørgsmål", blocks, appendix=True)
