"""Building the chapter model from a project: method and data, and the codebook appendix."""

from __future__ import annotations

from collections import Counter

from .. import numfmt
from ..project import Project
from .model import BulletList, Chapter, Heading, Paragraph, Section, Table

TYPE_LABELS = {"interview": "Interview", "observation": "Observation", "focus_group": "Fokusgruppe"}
KIND_TITLES = {"principle": "Guidende principper", "factor": "Virksomme faktorer", "theme": "Øvrige temaer"}


def data_sources_table(project: Project) -> Table:
    corpus = project.corpus
    codebook = project.codebook
    included = [d for d in corpus.included if d.meta.type in TYPE_LABELS]
    types = [t for t in TYPE_LABELS if any(d.meta.type == t for d in included)]
    rows: list[list[str]] = []
    for group in codebook.respondent_groups:
        docs = [d for d in included if d.meta.group == group.key]
        if not docs:
            continue
        counts = Counter(d.meta.type for d in docs)
        words = sum(d.word_count for d in docs)
        rows.append([group.name] + [numfmt.integer(counts[t]) for t in types] + [numfmt.integer(len(docs)), numfmt.integer(words)])
        units = Counter(d.meta.unit for d in docs if d.meta.unit)
        if group.key == "radgiver" and len(units) > 1:
            for unit, _ in sorted(units.items()):
                unit_docs = [d for d in docs if d.meta.unit == unit]
                unit_counts = Counter(d.meta.type for d in unit_docs)
                rows.append(
                    [f"   heraf {unit}"]
                    + [numfmt.integer(unit_counts[t]) for t in types]
                    + [numfmt.integer(len(unit_docs)), numfmt.integer(sum(d.word_count for d in unit_docs))]
                )
    totals = Counter(d.meta.type for d in included)
    rows.append(
        ["I alt"] + [numfmt.integer(totals[t]) for t in types]
        + [numfmt.integer(len(included)), numfmt.integer(sum(d.word_count for d in included))]
    )
    withdrawn = len(corpus.withdrawn)
    note = f"N = {numfmt.count_noun(len(included), 'dokument', 'dokumenter')}."
    if withdrawn:
        note += (
            f" {numfmt.count_noun(withdrawn, 'dokument', 'dokumenter')} er udeladt, fordi samtykket er trukket tilbage;"
            " materialet indgår ikke i nogen analyse."
        )
    return Table(
        title="Kvalitative datakilder fordelt på respondentgruppe og type",
        columns=["Respondentgruppe"] + [TYPE_LABELS[t] for t in types] + ["I alt", "Ord"],
        rows=rows,
        note=note,
        source="Evaluators anonymiserede transskriptioner og observationsnoter; egne beregninger.",
    )


def method_section(project: Project) -> Section:
    corpus = project.corpus
    included = corpus.included
    interviews = sum(1 for d in included if d.meta.type == "interview")
    observations = sum(1 for d in included if d.meta.type == "observation")
    blocks = [
        Paragraph(
            "Evalueringen er principfokuseret (Patton 2017): den undersøger, om de fem guidende principper "
            "efterleves, om de er meningsfulde og brugbare for medarbejderne, og om de bidrager til den ønskede "
            "udvikling for familierne. Kvalitative data er kodet efter en fælles kodebog med principperne, de ni "
            "virksomme faktorer og indsatsens øvrige temaer (se bilag)."
        ),
        Heading("Kvalitative data", 2),
        Paragraph(
            f"Det kvalitative materiale består af {numfmt.count_noun(interviews, 'interview', 'interview')} og "
            f"{numfmt.count_noun(observations, 'mødeobservation', 'mødeobservationer')}. Tabellen viser fordelingen "
            "på respondentgrupper."
        ),
        data_sources_table(project),
        Heading("Metodiske forbehold", 2),
        BulletList(
            [
                "De interviewede rådgivere og forældre kan være mere positivt stemt over for indsatsen end gruppen "
                "som helhed, da de har takket ja til et interview.",
                "Citater illustrerer fund; de er ikke i sig selv et mål for, hvor udbredt en oplevelse er.",
                "Udviklingen beskrives som bidrag og udvikling, ikke som effekt, da der ikke er en kontrolgruppe.",
                "Materiale fra personer, der har trukket deres samtykke tilbage, indgår ikke.",
            ]
        ),
    ]
    return Section("metode", "Evalueringens tilgang og data", blocks)


def codebook_appendix(project: Project) -> Section:
    codebook = project.codebook
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


def build_chapter(project: Project) -> Chapter:
    return Chapter(
        title="Principbaseret evaluering af Helhedsorienteret Familieindsats",
        sections=[method_section(project), codebook_appendix(project)],
    )
