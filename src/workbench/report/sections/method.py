"""The method section: the approach, the data sources, coding reliability and the caveats."""

from __future__ import annotations

from collections import Counter

from workbench.coding import evidence
from workbench.judgements.model import GUIDE_TEXTS, QUESTION_TEXTS, criterion_label
from workbench.lang import numbers as numfmt
from workbench.material.corpus import TYPE_LABELS
from workbench.report import text_da
from workbench.report.data import ChapterData
from workbench.report.model import (
    BulletList,
    Cell,
    Heading,
    Paragraph,
    Section,
    Table,
    prose,
    prose_join,
)
from workbench.report.sections.blocks import SUPPRESSED, lower_first, suppression_note
from workbench.selfeval.form import ADHERENCE
from workbench.selfeval.period import Period

# the chapter's data-sources table counts transcripts; self-evaluations have their own table
SOURCE_TYPES = ("interview", "observation", "focus_group")


def data_sources_table(data: ChapterData) -> Table:
    corpus, codebook = data.corpus, data.codebook
    included = [d for d in corpus.included if d.meta.type in SOURCE_TYPES]
    types = [t for t in SOURCE_TYPES if any(d.meta.type == t for d in included)]
    rows: list[list[str]] = []

    def row(label: str, docs: list) -> list[str]:
        counts = Counter(d.meta.type for d in docs)
        return [label] + [
            Cell(numfmt.integer(counts[t]), data.documents_tally([d for d in docs if d.meta.type == t]))
            for t in types
        ] + [Cell(numfmt.integer(len(docs)), data.documents_tally(docs)),
             Cell(numfmt.integer(sum(d.word_count for d in docs)), data.documents_tally(docs, "ord", words=True))]

    suppressed = [Cell(SUPPRESSED, data.suppressed_tally("dokumenter"))] * (len(types) + 2)
    shown: list = []
    for group in codebook.respondent_groups:
        docs = [d for d in included if d.meta.group == group.key]
        if not docs:
            continue
        if group.name in data.small_groups:  # a single leader's interview would be named by its word count
            rows.append([group.name] + suppressed)
            continue
        shown += docs
        rows.append(row(group.name, docs))
        units = sorted({d.meta.unit for d in docs if d.meta.unit})
        if group.key == "radgiver" and len(units) > 1:
            minimum = group.min_persons if group.min_persons is not None else data.settings.min_group_size
            for unit in units:
                part = [d for d in docs if d.meta.unit == unit]
                small = 0 < evidence.persons_in(corpus, group.key, unit) < minimum
                rows.append([f"   heraf {unit}", *suppressed] if small else row(f"   heraf {unit}", part))
    rows.append(row("I alt", shown))
    note = prose("N = ", data.count(data.documents_tally(shown), "dokument", "dokumenter"), ".",
                 suppression_note(data))
    if corpus.withdrawn:
        note = prose(note, " ", data.count(data.withdrawn_tally(), "dokument", "dokumenter"),
                     " er udeladt, fordi samtykket er trukket tilbage; materialet indgår ikke i nogen analyse.")
    return Table(
        title="Kvalitative datakilder fordelt på respondentgruppe og type",
        columns=["Respondentgruppe"] + [TYPE_LABELS[t] for t in types] + ["I alt", "Ord"],
        rows=rows,
        note=note,
        source="Evaluators anonymiserede transskriptioner og observationsnoter; egne beregninger.",
    )


PER_QUESTION = "*"  # a survey counted by its largest n per question, not by answer sheets


def _quantitative_sources(data: ChapterData) -> Table | None:
    rows = []
    if data.selfeval_table is not None:
        table = data.selfeval_table
        for period in sorted(table[table["item"] == ADHERENCE]["period"].unique(), key=Period.parse):
            rows.append(["Selvevaluering i supportteamet", Period.parse(period).label, data.selfeval_count(period)])
    for survey in data.surveys:
        for point in survey.item_map.time_points:
            n, per_question = data.survey_answers(survey, point.key)
            # a marker, explained in the note: the words themselves would wrap the number column
            rows.append([survey.title, point.label, Cell(f"{n}{PER_QUESTION}", *n.tallies) if per_question else n])
    if not rows:
        return None
    counted = [text for text, present in (("indsendte selvevalueringer pr. halvår", data.selfeval_table is not None),
                                          ("besvarede spørgeskemaer pr. måling", bool(data.surveys))) if present]
    sources = [text for text, present in (("Supportteamets selvevalueringer", data.selfeval_table is not None),
                                          ("projektets spørgeskemaer", bool(data.surveys))) if present]
    return Table(
        title=quantitative_title(data),
        columns=["Datakilde", "Måling", "Besvarelser"],
        rows=rows,
        note=f"Besvarelser er {text_da.join_and(counted)}"
        + ("; antallet af gyldige svar pr. spørgsmål kan være lavere (se bilag)." if data.surveys else ".")
        + (f" {PER_QUESTION} Største antal svar på ét spørgsmål: skemaet har ikke besvarelser pr. respondent."
           if any(str(row[2]).endswith(PER_QUESTION) for row in rows) else ""),
        source=f"{text_da.join_and(sources)}; egne beregninger.",
    )


def quantitative_title(data: ChapterData) -> str:
    held = [name for name, present in (("Selvevalueringer", data.selfeval_table is not None),
                                       ("spørgeskemaer", bool(data.surveys))) if present]
    return text_da.join_and(held).capitalize()


def _agreement_sentence(data: ChapterData) -> Paragraph | None:
    if not data.agreements:
        return None
    parts = []
    for report in data.agreements:
        overall = report.overall
        _, share, basis = data.agreement_tallies(report, None)

        def measure(value: float | None, basis=basis) -> str:
            return Cell(numfmt.decimal(value, 2), basis) if value is not None else "ikke defineret"

        parts.append(prose(
            f"{report.coders[0]} og {report.coders[1]} kodede begge ",
            data.count(data.agreement_documents_tally(report), "dokument", "dokumenter"), " med ",
            data.count(data.agreement_units_tally(report)), " enheder; enigheden var ",
            Cell(numfmt.percent(overall.percent), share), ", Cohens kappa ", measure(overall.kappa),
            ", Krippendorffs alfa ", measure(overall.alpha), " og Gwets AC1 ", measure(overall.ac1),
        ))
    consensus = any(c.coder == evidence.CONSENSUS for c in data.evidence_index.codings)
    resolution = (
        "Uenighederne er drøftet og afgjort i en konsensuskodning, som kapitlet bygger på for de dobbeltkodede "
        "dokumenter."
        if consensus
        else "Uenighederne er drøftet, men endnu ikke afgjort i en konsensuskodning; kapitlet bygger på "
        f"kodningen fra {data.primary_coder}."
    )
    return Paragraph(prose(
        "For at styrke kodningens pålidelighed har en anden koder kodet en del af materialet uafhængigt. ",
        prose_join("; ", parts), ". ", resolution, " Enigheden pr. kode fremgår af bilaget.",
    ))


def _material_count(data: ChapterData) -> str:
    included = data.shown_documents
    interviews = data.documents_tally([d for d in included if d.meta.type == "interview"], "interview")
    observations = data.documents_tally([d for d in included if d.meta.type == "observation"], "mødeobservationer")
    parts = [data.count(interviews, "interview", "interview")] if interviews.value else []
    if observations.value:
        parts.append(data.count(observations, "mødeobservation", "mødeobservationer"))
    if not parts:
        return "ingen dokumenter endnu"
    return prose(*parts) if len(parts) == 1 else prose(parts[0], " og ", parts[1])


def _triangulation_sentence(data: ChapterData) -> str:
    """Which sources the coding is set beside; only those the project holds."""
    others = []
    if data.selfeval_table is not None:
        others.append("supportteamets halvårlige selvevalueringer")
    if data.surveys:
        # by title: a population such as "familier (rådgivernes vurdering)" does not read as a list item
        titles = [f"»{title}«" for title in dict.fromkeys(s.item_map.title for s in data.surveys)]
        noun = "spørgeskemaet" if len(titles) == 1 else numfmt.count_words(len(titles), "", "spørgeskemaer")
        others.append(f"{noun} {text_da.join_and(titles)}")
    if not others:
        return (
            "Der indgår hverken selvevalueringer eller spørgeskemaer; fundene bygger alene på det kvalitative "
            "materiale."
        )
    return f"Kodningen er holdt op mod {text_da.join_and(others)}."


def method_section(data: ChapterData) -> Section:
    blocks: list = [
        Paragraph(
            "Evalueringen er principfokuseret (Patton 2017): den undersøger, om "
            f"{text_da.the_count(len(data.codebook.principles), 'guidende princip', 'guidende principper')} "
            "efterleves, om de er meningsfulde og brugbare for medarbejderne, og om de bidrager til den ønskede "
            "udvikling for familierne. Kvalitative data er kodet efter en fælles kodebog med principperne, "
            f"{text_da.the_count(len(data.codebook.factors), 'virksomme faktor', 'virksomme faktorer')} "
            "og indsatsens øvrige temaer (se bilag). " + _triangulation_sentence(data)
        ),
        Heading("Kvalitative data", 2),
        Paragraph(prose("Det kvalitative materiale består af ", _material_count(data),
                        ". Tabellen viser fordelingen på respondentgrupper.")),
        data_sources_table(data),
    ]
    if data.primary_coder:
        blocks.append(
            Paragraph(
                f"Tabellerne i kapitlet tæller kodede segmenter (talerskift eller afsnit) i kodningen fra "
                f"{data.primary_coder} og, hvor materialet er dobbeltkodet og uenighederne afgjort, i "
                "konsensuskodningen. Et "
                "segment tælles én gang pr. kode og valens, uanset hvor mange gange det er kodet."
            )
        )
    sentence = _agreement_sentence(data)
    if sentence:
        blocks.append(sentence)
    quantitative = _quantitative_sources(data)
    if quantitative is not None:
        blocks += [Heading(quantitative_title(data), 2), quantitative]
    blocks += judging_method(data)
    blocks += [Heading("Metodiske forbehold", 2), BulletList(limitations(data))]
    return Section("metode", "Evalueringens tilgang og data", blocks)


SMALL_MATERIAL = 10  # fewer documents than this: the chapter says the findings are preliminary


def limitations(data: ChapterData) -> list[str]:
    """The caveats that hold for what this project has, and only those."""
    included = [d for d in data.corpus.included if d.meta.type in SOURCE_TYPES]
    interviewed = [g.name for g in data.codebook.respondent_groups
                   if any(d.meta.group == g.key and d.meta.type in evidence.PERSON_TYPES for d in included)]
    found = []
    if interviewed:
        found.append(
            f"De interviewede ({text_da.join_and([lower_first(n) for n in interviewed])}) kan være mere positivt "
            "stemt over for indsatsen end gruppen som helhed, da de har takket ja til et interview."
        )
    if len(included) < SMALL_MATERIAL:
        found.append(prose(
            "Det kvalitative materiale er lille (",
            data.count(data.documents_tally(included), "dokument", "dokumenter"), "); fundene er foreløbige og kan "
            "ændre sig, når flere interview og observationer kommer til."
        ))
    if not any(d.meta.type == "observation" for d in included):
        found.append("Der indgår ingen observationer; praksis beskrives alene gennem de interviewedes udsagn.")
    found.append(
        "Citater illustrerer fund; de er ikke i sig selv et mål for, hvor udbredt en oplevelse er. Antal kodede "
        "segmenter viser, hvor meget et tema fylder i materialet, ikke hvor mange der mener det."
    )
    few = [g.name for g in data.codebook.respondent_groups
           if 0 < sum(1 for d in included if d.meta.group == g.key) < data.settings.small_group_documents
           and g.name not in data.small_groups]
    if few:
        found.append(prose(
            "Grupper med færre end ", data.setting("small_group_documents"), " dokumenter er markeret med * "
            f"({text_da.join_and(few)}); her skal tal tolkes varsomt."
        ))
    if data.small_groups:
        small_names = text_da.join_and([lower_first(g) for g in sorted(data.small_groups)])
        found.append(
            f"For {small_names} vises ingen tal, fordi for få personer er "
            "interviewet til, at de ikke kan genkendes; citater fra gruppen og fra personer med en rolle, der er "
            "alene i sin gruppe, har en bredere angivelse."
        )
    if data.selfeval_table is not None:
        found.append(
            "Selvevalueringerne er supportteamets egen vurdering af sit arbejde; de er ikke en ekstern måling og "
            "kan påvirkes af, hvem der har svaret i det enkelte halvår."
        )
    if data.surveys:
        found.append(prose(
            "Andele i spørgeskemaerne er beregnet af gyldige svar; »Ved ikke« og blanke svar er udeladt. Andele "
            "bygget på færre end ", data.setting("survey_suppress_below"), " svar vises ikke, og andele bygget på "
            "færre end ", data.setting("survey_flag_below"), " svar er markeret. Ændringer angives i procentpoint."
        ))
        found += _attrition(data)
    found.append("Udviklingen beskrives som bidrag og udvikling, ikke som effekt, da der ikke er en kontrolgruppe.")
    if data.corpus.withdrawn:
        found.append("Materiale fra personer, der har trukket deres samtykke tilbage, indgår ikke.")
    return found


def _attrition(data: ChapterData) -> list[str]:
    """Surveys answered by different numbers of people at start and end: the change may be who answered."""
    found: list[str] = []
    for survey in data.surveys:
        points = survey.item_map.time_points
        if len(points) < 2:
            continue
        (first, per_question), (last, _) = (data.survey_answers(survey, p.key) for p in (points[0], points[-1]))
        if str(first) != str(last):
            counted = "største antal gyldige svar pr. spørgsmål" if per_question else "besvarede skemaer"
            found.append(prose(
                f"{survey.title}: ", first, f" svar ved {points[0].label} og ", last, f" ved {points[-1].label} "
                f"({counted}). Svarpersonerne er ikke nødvendigvis de samme, så en "
                "ændring kan også skyldes, hvem der har svaret."
            ))
    return found


def judging_method(data: ChapterData) -> list:
    """How the principles are judged: Patton's three questions, the GUIDE criteria and the rubric's levels."""
    levels = data.settings.rubric.levels
    return [
        Heading("Vurdering af principperne", 2),
        Paragraph(
            "Evaluatorerne vurderer hvert princip selv; programmet viser datagrundlaget, men beregner ingen "
            "vurdering. Hvert princip vurderes på tre spørgsmål og på de fem GUIDE-kriterier for et godt princip "
            "(Patton 2017), med niveauerne på vurderingsskalaen nedenfor."
        ),
        Table(
            title="Spørgsmål og GUIDE-kriterier i vurderingen af principperne",
            columns=["Kriterium", "Spørgsmål"],
            rows=[[criterion_label(k), t] for k, t in (*QUESTION_TEXTS.items(), *GUIDE_TEXTS.items())],
            note="De tre første er spørgsmålene om princippets relevans, efterlevelse og bidrag; de fem sidste er "
            "GUIDE-kriterierne (guiding, useful, inspiring, developmental, evaluable) for formuleringen.",
            source="Patton 2017; projektets vurderingsskala (project.yaml).",
        ),
        Table(
            title="Vurderingsskalaen",
            columns=["Niveau", "Betydning"],
            rows=[[level.label, level.description or "–"] for level in levels],
            note="Niveauerne fra højeste til laveste.",
            source="Projektets vurderingsskala (project.yaml).",
        ),
    ]
