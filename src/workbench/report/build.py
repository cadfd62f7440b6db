"""Building the chapter model from a project.

The chapter follows seed 000's principle chapter: method and data; one section per principle
(statement, the evaluator's memo under "Understøttende elementer" and "Udfordrende elementer",
the coded evidence by respondent group, starred quotes, the support team's self-evaluation, the
linked survey items and a triangulation line per data source); the nine effective factors; the
overall assessment by evaluation question; appendices. Everything is computed once in
`ChapterData` and then laid out; nothing here writes files.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from workbench.coding import evidence
from workbench.coding.agreement import AgreementReport, agreement
from workbench.lang import numbers as numfmt
from workbench.material import memos
from workbench.material.codebook import Code
from workbench.material.corpus import TYPE_LABELS
from workbench.privacy.guard import TextSource
from workbench.project import Project
from workbench.project.settings import ProjectSettings
from workbench.report import figures, text_da
from workbench.report.model import BulletList, Chapter, Figure, Heading, Paragraph, Quote, Section, Table
from workbench.selfeval import answers as selfeval
from workbench.surveys import load as surveys
from workbench.surveys.load import ItemResult

# the chapter's data-sources table counts transcripts; self-evaluations have their own table
SOURCE_TYPES = ("interview", "observation", "focus_group")
QUOTES_PER_PRINCIPLE = 4
SOURCE_CODINGS = "Evaluators kodning af interview og mødeobservationer; egne beregninger."


@dataclass
class ChapterData:
    project: Project

    @cached_property
    def codebook(self):
        return self.project.codebook

    @cached_property
    def corpus(self):
        return self.project.corpus

    @cached_property
    def settings(self) -> ProjectSettings:
        return self.project.settings

    @cached_property
    def disagreement_limits(self) -> selfeval.DisagreementLimits:
        return selfeval.DisagreementLimits.of(self.project)

    @cached_property
    def survey_limits(self) -> surveys.SmallNumbers:
        return surveys.SmallNumbers.of(self.project)

    @cached_property
    def primary_coder(self) -> str | None:
        """project.yaml's primary_coder, else the coder with the most current codings."""
        return self.settings.primary_coder or evidence.primary_coder(self.project.coding_store().current(self.corpus))

    @cached_property
    def agreements(self) -> list[AgreementReport]:
        """Every pair of coders (consensus excluded) who coded the same documents."""
        store = self.project.coding_store()
        current = store.current(self.corpus)
        docs: dict[str, set[str]] = {}
        for coding in current:
            if coding.coder != evidence.CONSENSUS:
                docs.setdefault(coding.coder, set()).add(coding.doc_id)
        coders = sorted(docs, key=lambda c: (c != self.primary_coder, c))
        reports = []
        for i, a in enumerate(coders):
            for b in coders[i + 1 :]:
                if docs[a] & docs[b]:
                    reports.append(agreement(store, self.corpus, self.codebook, a, b))
        return reports

    @cached_property
    def selfeval_table(self) -> pd.DataFrame | None:
        if not selfeval.form_path(self.project).exists() or not selfeval.has_answers(self.project):
            return None
        table = selfeval.summary_table(self.project)
        return None if table.empty else table

    @cached_property
    def selfeval_form(self):
        return selfeval.load_form(self.project) if self.selfeval_table is not None else None

    @cached_property
    def surveys(self) -> list[surveys.Survey]:
        return surveys.load_surveys(self.project)

    @cached_property
    def survey_results(self) -> dict[str, list[ItemResult]]:
        return {s.name: surveys.summarise(s) for s in self.surveys}

    @cached_property
    def evidence_index(self) -> evidence.Evidence:
        current = self.project.coding_store().current(self.corpus)
        return evidence.Evidence(
            current, self.corpus, self.codebook, self.primary_coder, self.settings.min_group_size
        )

    def evidence(self, code: str) -> list[evidence.EvidenceRow]:
        return self.evidence_index.table(code)

    def memo(self, code: str) -> str:
        return self.read_exported(self.project.memos.path(code=code))

    def read_exported(self, path) -> str:
        """Text of a user-written file the chapter uses; remembered for the export checks."""
        if not path.exists():
            return ""
        text = path.read_text(encoding="utf-8")
        self.sources.append(TextSource(self.project.relative(path), text))
        return text

    @cached_property
    def sources(self) -> list[TextSource]:
        return []


# --------------------------------------------------------------------------------------------- helpers


def _markdown_blocks(text: str) -> list:
    """Memo Markdown → paragraphs and bullet lists (headings are laid out by the caller)."""
    blocks: list = []
    bullets: list[str] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            blocks.append(Paragraph(" ".join(paragraph)))
            paragraph.clear()
        if bullets:
            blocks.append(BulletList(list(bullets)))
            bullets.clear()

    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith(("- ", "* ")):
            if paragraph:
                blocks.append(Paragraph(" ".join(paragraph)))
                paragraph.clear()
            bullets.append(stripped[2:].strip())
        elif not stripped or stripped.startswith("#"):
            flush()
        elif bullets and line.startswith((" ", "\t")):
            bullets[-1] += " " + stripped
        else:
            if bullets:
                blocks.append(BulletList(list(bullets)))
                bullets.clear()
            paragraph.append(stripped)
    flush()
    return blocks


def _memo_intro(text: str) -> str:
    """The memo's text between its title and its first section."""
    lines = []
    for line in text.splitlines():
        if line.startswith("## "):
            break
        if not line.startswith("# "):
            lines.append(line)
    return "\n".join(lines).strip()


def _valence_sum(row: evidence.EvidenceRow) -> int:
    return sum(row.segments.values())


def _the(n: int, singular: str, plural: str) -> str:
    """ "de fem guidende principper", "det guidende princip": a count from the codebook, in words."""
    return f"det {singular}" if n == 1 else f"de {numfmt.number_word(n)} {plural}"


def _flag(data: ChapterData, row: evidence.EvidenceRow) -> str:
    return "*" if row.documents_total < data.settings.small_group_documents else ""


# --------------------------------------------------------------------------------------------- method


def data_sources_table(data: ChapterData) -> Table:
    corpus, codebook = data.corpus, data.codebook
    included = [d for d in corpus.included if d.meta.type in SOURCE_TYPES]
    types = [t for t in SOURCE_TYPES if any(d.meta.type == t for d in included)]
    rows: list[list[str]] = []

    def row(label: str, docs: list) -> list[str]:
        counts = Counter(d.meta.type for d in docs)
        return [label] + [numfmt.integer(counts[t]) for t in types] + [
            numfmt.integer(len(docs)), numfmt.integer(sum(d.word_count for d in docs))
        ]

    for group in codebook.respondent_groups:
        docs = [d for d in included if d.meta.group == group.key]
        if not docs:
            continue
        rows.append(row(group.name, docs))
        units = sorted({d.meta.unit for d in docs if d.meta.unit})
        if group.key == "radgiver" and len(units) > 1:
            for unit in units:
                rows.append(row(f"   heraf {unit}", [d for d in docs if d.meta.unit == unit]))
    rows.append(row("I alt", included))
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


def _quantitative_sources(data: ChapterData) -> Table | None:
    rows = []
    if data.selfeval_table is not None:
        table = data.selfeval_table
        adherence = table[table["item"] == selfeval.ADHERENCE]
        for period, part in adherence.groupby("period", sort=True):
            rows.append(["Selvevaluering i supportteamet", selfeval.Period.parse(period).label,
                         numfmt.integer(part["n"].max())])
    for survey in data.surveys:
        for point in survey.item_map.time_points:
            sheets = survey.answer_sheets(point.key) if survey.item_map.format == "respondent" else None
            if sheets is None:
                n = max((r.n_valid for r in data.survey_results[survey.name] if r.time_point == point.key), default=0)
                rows.append([survey.title, point.label, f"{numfmt.integer(n)} (største n pr. spørgsmål)"])
            else:
                rows.append([survey.title, point.label, numfmt.integer(sheets)])
    if not rows:
        return None
    return Table(
        title="Selvevalueringer og spørgeskemaer",
        columns=["Datakilde", "Måling", "Besvarelser"],
        rows=rows,
        note="Besvarelser er indsendte selvevalueringer pr. halvår og besvarede spørgeskemaer pr. måling; "
        "antallet af gyldige svar pr. spørgsmål kan være lavere (se bilag).",
        source="Supportteamets selvevalueringer og projektets spørgeskemaer; egne beregninger.",
    )


def _agreement_sentence(data: ChapterData) -> Paragraph | None:
    if not data.agreements:
        return None
    parts = []
    for report in data.agreements:
        overall = report.overall
        kappa = numfmt.decimal(overall.kappa, 2) if overall.kappa is not None else "ikke defineret"
        alpha = numfmt.decimal(overall.alpha, 2) if overall.alpha is not None else "ikke defineret"
        parts.append(
            f"{report.coders[0]} og {report.coders[1]} kodede begge {numfmt.integer(report.segments)} segmenter; "
            f"enigheden var {numfmt.percent(overall.percent)}, Cohens kappa {kappa} og Krippendorffs alfa {alpha}"
        )
    consensus = any(c.coder == evidence.CONSENSUS for c in data.evidence_index.codings)
    resolution = (
        "Uenighederne er drøftet og afgjort i en konsensuskodning, som kapitlet bygger på for de dobbeltkodede "
        "dokumenter."
        if consensus
        else "Uenighederne er drøftet, men endnu ikke afgjort i en konsensuskodning; kapitlet bygger på "
        f"kodningen fra {data.primary_coder}."
    )
    return Paragraph(
        "For at styrke kodningens pålidelighed har en anden koder kodet en del af materialet uafhængigt. "
        + "; ".join(parts) + ". " + resolution + " Enigheden pr. kode fremgår af bilaget."
    )


def method_section(data: ChapterData) -> Section:
    included = data.corpus.included
    interviews = sum(1 for d in included if d.meta.type == "interview")
    observations = sum(1 for d in included if d.meta.type == "observation")
    blocks: list = [
        Paragraph(
            "Evalueringen er principfokuseret (Patton 2017): den undersøger, om "
            f"{_the(len(data.codebook.principles), 'guidende princip', 'guidende principper')} "
            "efterleves, om de er meningsfulde og brugbare for medarbejderne, og om de bidrager til den ønskede "
            "udvikling for familierne. Kvalitative data er kodet efter en fælles kodebog med principperne, "
            f"{_the(len(data.codebook.factors), 'virksomme faktor', 'virksomme faktorer')} "
            "og indsatsens øvrige temaer (se bilag). Kodningen er trianguleret med "
            "supportteamets halvårlige selvevalueringer og med spørgeskemaer til familier og rådgivere."
        ),
        Heading("Kvalitative data", 2),
        Paragraph(
            f"Det kvalitative materiale består af {numfmt.count_noun(interviews, 'interview', 'interview')} og "
            f"{numfmt.count_noun(observations, 'mødeobservation', 'mødeobservationer')}. Tabellen viser fordelingen "
            "på respondentgrupper."
        ),
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
        blocks += [Heading("Selvevalueringer og spørgeskemaer", 2), quantitative]
    blocks += [
        Heading("Metodiske forbehold", 2),
        BulletList(
            [
                "De interviewede rådgivere og forældre kan være mere positivt stemt over for indsatsen end gruppen "
                "som helhed, da de har takket ja til et interview.",
                "Citater illustrerer fund; de er ikke i sig selv et mål for, hvor udbredt en oplevelse er. Antal "
                "kodede segmenter viser, hvor meget et tema fylder i materialet, ikke hvor mange der mener det.",
                f"Grupper med færre end {data.settings.small_group_documents} dokumenter er markeret med *; her skal "
                "tal tolkes varsomt. "
                "Citatangivelser er gjort mere generelle, hvor en gruppe er så lille, at en person kan genkendes.",
                f"Andele i spørgeskemaerne er beregnet af gyldige svar; »Ved ikke« og blanke svar er udeladt. Andele "
                f"bygget på færre end {data.survey_limits.suppress_below} svar vises ikke, og andele bygget på "
                f"færre end {data.survey_limits.flag_below} svar er markeret. Ændringer angives i procentpoint.",
                "Udviklingen beskrives som bidrag og udvikling, ikke som effekt, da der ikke er en kontrolgruppe.",
                "Materiale fra personer, der har trukket deres samtykke tilbage, indgår ikke.",
            ]
        ),
    ]
    return Section("metode", "Evalueringens tilgang og data", blocks)


# --------------------------------------------------------------------------------------------- principles


def evidence_block(data: ChapterData, code: Code) -> Table:
    rows = []
    totals: Counter[str] = Counter()
    for row in data.evidence(code.key):
        persons = "–" if row.persons is None else numfmt.integer(row.persons)
        rows.append(
            [
                row.group + _flag(data, row),
                f"{numfmt.integer(row.documents)} af {numfmt.integer(row.documents_total)}",
                persons,
                numfmt.integer(row.segments["understøttende"]),
                numfmt.integer(row.segments["udfordrende"]),
                numfmt.integer(row.segments["neutral"]),
                numfmt.integer(_valence_sum(row)),
            ]
        )
        totals.update(row.segments)
        totals["documents"] += row.documents
        totals["documents_total"] += row.documents_total
        totals["persons"] += row.persons or 0
    rows.append(
        ["I alt", f"{numfmt.integer(totals['documents'])} af {numfmt.integer(totals['documents_total'])}",
         numfmt.integer(totals["persons"]), numfmt.integer(totals["understøttende"]),
         numfmt.integer(totals["udfordrende"]), numfmt.integer(totals["neutral"]),
         numfmt.integer(totals["understøttende"] + totals["udfordrende"] + totals["neutral"])]
    )
    flagged = any(_flag(data, r) for r in data.evidence(code.key))
    note = (
        "Dokumenter: dokumenter i gruppen med mindst ét segment kodet med princippet. Personer: interviewede "
        "personer, der omtaler princippet (observationer tæller ikke som personer). Segmenter tælles én gang pr. "
        "valens."
    )
    if flagged:
        note += f" * Færre end {data.settings.small_group_documents} dokumenter i gruppen."
    return Table(
        title=f"Kodede segmenter om {code.key} {code.name} fordelt på respondentgruppe og valens",
        columns=["Respondentgruppe", "Dokumenter", "Personer", "Understøttende", "Udfordrende", "Neutral", "I alt"],
        rows=rows,
        note=note,
        source=SOURCE_CODINGS,
    )


def _selfeval_rows(data: ChapterData, key: str) -> pd.DataFrame | None:
    if data.selfeval_table is None:
        return None
    rows = data.selfeval_table[data.selfeval_table["principle"] == key]
    return None if rows.empty else rows


def selfeval_blocks(data: ChapterData, code: Code) -> list:
    rows = _selfeval_rows(data, code.key)
    if rows is None:
        return []
    periods = sorted(rows["period"].unique(), key=selfeval.Period.parse)
    labels = [selfeval.Period.parse(p).label for p in periods]
    items = list(dict.fromkeys(rows["item"]))
    table_rows = []
    for item in items:
        part = rows[rows["item"] == item].set_index("period")
        cells = []
        for period in periods:
            if period in part.index:
                record = part.loc[period]
                mark = " !" if record["disagreement"] else ""
                cells.append(f"{numfmt.decimal(record['mean'], 1)} ({int(record['min'])}–{int(record['max'])}){mark}")
            else:
                cells.append("–")
        table_rows.append([part["item_label"].iloc[0]] + cells)
    ns = rows[rows["item"] == selfeval.ADHERENCE].set_index("period")["n"]
    n_text = ", ".join(f"{label}: {numfmt.integer(ns[p])}" for p, label in zip(periods, labels) if p in ns.index)
    scale = data.selfeval_form.scale_of(data.selfeval_form.score_items[0])
    table = Table(
        title=f"Supportteamets selvevaluering af {code.key} {code.name} pr. halvår",
        columns=["Spørgsmål"] + labels,
        rows=table_rows,
        note=f"Gennemsnit (laveste–højeste svar) på en skala fra {scale.min} til {scale.max}. Besvarelser pr. halvår: "
        f"{n_text}. ! markerer uenighed i teamet: {text_da.disagreement_note(data.disagreement_limits)}",
        source="Supportteamets halvårlige selvevalueringer; egne beregninger.",
    )
    png = figures.selfeval_principle_trend(
        rows, periods, labels, code.colour, f"{code.key} {code.name}: gennemsnit pr. halvår", scale.min, scale.max
    )
    first = rows[(rows["item"] == selfeval.ADHERENCE) & (rows["period"] == periods[0])]["mean"]
    last = rows[(rows["item"] == selfeval.ADHERENCE) & (rows["period"] == periods[-1])]["mean"]
    alt = (
        f"Linjediagram over supportteamets gennemsnitlige vurdering af {code.key} {code.name} fra {labels[0]} til "
        f"{labels[-1]}. Efterlevelsen går fra {numfmt.decimal(float(first.iloc[0]), 1)} til "
        f"{numfmt.decimal(float(last.iloc[0]), 1)} på en skala fra 1 til 5."
    ) if len(first) and len(last) else f"Linjediagram over supportteamets vurdering af {code.key} {code.name}."
    figure = Figure(
        title=f"Udvikling i supportteamets selvevaluering af {code.key} {code.name}",
        png=png,
        alt_text=alt,
        note=f"Gennemsnit pr. halvår; fed linje er efterlevelsen af princippet. Besvarelser pr. halvår: {n_text}.",
        source="Supportteamets halvårlige selvevalueringer.",
    )
    return [Heading("Supportteamets selvevaluering", 3), table, figure]


def _source_text(source: str) -> str:
    """A survey's source without the "Kilde:" the user may have written (the renderer adds it)."""
    return re.sub(r"^\s*kilde\s*:\s*", "", source, flags=re.IGNORECASE).rstrip(".")


def _lower_first(name: str) -> str:
    """"Rådgivere (SOF og BIF)" → "rådgivere (SOF og BIF)": lower case inside a sentence, acronyms kept."""
    return name[:1].lower() + name[1:] if name[1:2].islower() else name


def _survey_item_row(survey, item, results) -> list[str] | None:
    points = survey.item_map.time_points
    by_point = {r.time_point: r for r in results if r.item == item.key}
    first = by_point.get(points[0].key) if len(points) > 1 else None
    last = by_point.get(points[-1].key)
    if last is None and first is None:
        return None
    change = "–"
    if first is not None and last is not None and first.percent is not None and last.percent is not None:
        change = numfmt.points(round(last.percent) - round(first.percent))
    n_parts = [f"{numfmt.integer(r.n_valid)}" for r in (first, last) if r is not None]
    question = f"{item.question} (andel {item.share_description})" + (
        " †" if item.direction == "lower_is_better" else ""
    )
    return [
        question,
        survey.item_map.population,
        text_da.survey_share(first) if first is not None else "–",
        text_da.survey_share(last) if last is not None else "–",
        change,
        " / ".join(n_parts),
    ]


def _survey_figure(data: ChapterData, code: Code, kind: str) -> Figure | None:
    """Start and end shares side by side for the linked items measured at both time points."""
    labels, starts, ends, sources, populations = [], [], [], [], []
    for survey in data.surveys:
        for change in surveys.changes(survey, data.survey_results[survey.name]):
            item = next(i for i in survey.item_map.items if i.key == change.item)
            if code.key not in getattr(item, kind) or change.change_points is None:
                continue
            label = item.question if len(item.question) <= 60 else item.question[:57].rstrip() + " …"
            label += f"\n(andel {item.share_description})"
            labels.append(label + (" †" if item.direction == "lower_is_better" else ""))
            starts.append(change.start.percent)
            ends.append(change.end.percent)
            sources.append(_source_text(survey.source))
            populations.append(
                f"{survey.time_label(change.start.time_point)} → {survey.time_label(change.end.time_point)}"
            )
    if not labels:
        return None
    start_label, end_label = populations[0].split(" → ")
    png = figures.survey_start_end(
        labels, starts, ends, start_label, end_label, f"{code.key} {code.name}: andele ved start og slut"
    )
    described = "; ".join(
        f"{label.rstrip(' †').replace(chr(10), ' ')}: {numfmt.percent(a)} ved start og {numfmt.percent(b)} ved slut"
        for label, a, b in zip(labels, starts, ends)
    )
    return Figure(
        title=f"Spørgsmål knyttet til {code.key} {code.name} ved start og slut",
        png=png,
        alt_text=f"Søjlediagram over andelen af gyldige svar ved start og slut. {described}.",
        note="Andel af gyldige svar; n fremgår af tabellen ovenfor. "
        "† Andelen måler en belastning; et fald er en forbedring."
        if any(label.endswith("†") for label in labels)
        else "Andel af gyldige svar; n fremgår af tabellen ovenfor.",
        source="; ".join(dict.fromkeys(sources)) + ".",
    )


def survey_blocks(data: ChapterData, code: Code, kind: str = "principles") -> list:
    rows, sources, start_labels, end_labels, reversed_ = [], [], set(), set(), False
    for survey in data.surveys:
        for item in survey.item_map.items:
            if code.key not in getattr(item, kind):
                continue
            row = _survey_item_row(survey, item, data.survey_results[survey.name])
            if row is None:
                continue
            rows.append(row)
            sources.append(_source_text(survey.source))
            points = survey.item_map.time_points
            if len(points) > 1:
                start_labels.add(points[0].label)
            end_labels.add(points[-1].label)
            reversed_ |= item.direction == "lower_is_better"
    if not rows:
        return []
    note = (
        f"Andel af gyldige svar. Start: {', '.join(sorted(start_labels)) or '–'}; slut: "
        f"{', '.join(sorted(end_labels))}. "
        "n er antal gyldige svar (start / slut). Ændringen er forskellen mellem de afrundede andele, i procentpoint. "
        f"Andele bygget på færre end {data.survey_limits.suppress_below} svar vises ikke (–); færre end "
        f"{data.survey_limits.flag_below} er "
        "markeret."
    )
    if reversed_:
        note += " † Andelen måler en belastning; her er et fald en forbedring."
    blocks = [
        Heading("Spørgeskemaerne", 3),
        Table(
            title=f"Spørgsmål knyttet til {code.key} {code.name}",
            columns=["Spørgsmål", "Svargruppe", "Start", "Slut", "Ændring", "n"],
            rows=rows,
            note=note,
            source="; ".join(dict.fromkeys(sources)) + ".",
        ),
    ]
    figure = _survey_figure(data, code, kind)
    return blocks + ([figure] if figure else [])


def quote_blocks(data: ChapterData, code: Code, limit: int) -> list:
    chosen = data.evidence_index.quotes(code.key)[:limit]
    for quote in chosen:
        document = data.corpus.get(quote.doc_id)
        segment = document.segment(quote.segment_id)
        line = document.line_of(segment.start) if segment else document.body_line
        data.sources.append(TextSource(data.project.relative(document.path), quote.text, line))
    return [Quote(q.text, q.attribution) for q in chosen]


def _sign(value: float) -> int:
    return (value > 0) - (value < 0)


def triangulation(data: ChapterData, code: Code) -> list:
    lines = []
    directions = []
    rows = data.evidence(code.key)
    supporting = sum(r.segments["understøttende"] for r in rows)
    challenging = sum(r.segments["udfordrende"] for r in rows)
    groups = sum(1 for r in rows if _valence_sum(r))
    if supporting + challenging:
        lines.append(
            f"Interview og observationer: {numfmt.integer(supporting)} understøttende og "
            f"{numfmt.integer(challenging)} udfordrende segmenter fra {groups} af {len(rows)} respondentgrupper."
        )
        directions.append(_sign(supporting - challenging))
    selfeval_rows = _selfeval_rows(data, code.key)
    if selfeval_rows is not None:
        adherence = selfeval_rows[selfeval_rows["item"] == selfeval.ADHERENCE]
        ordered = adherence.sort_values("period", key=lambda s: s.map(selfeval.Period.parse))
        if len(ordered) >= 2:
            a, b = ordered.iloc[0], ordered.iloc[-1]
            lines.append(
                f"Selvevaluering: teamets gennemsnitlige vurdering af efterlevelsen gik fra "
                f"{numfmt.decimal(a['mean'], 1)} ({selfeval.Period.parse(a['period']).label}, n = {int(a['n'])}) til "
                f"{numfmt.decimal(b['mean'], 1)} ({selfeval.Period.parse(b['period']).label}, n = {int(b['n'])})."
            )
            directions.append(_sign(round(float(b["mean"]) - float(a["mean"]), 1)))
    best = None
    for survey in data.surveys:
        for change in surveys.changes(survey, data.survey_results[survey.name]):
            item = next(i for i in survey.item_map.items if i.key == change.item)
            if code.key in item.principles and change.change_points is not None:
                gain = change.change_points * (1 if item.direction == "higher_is_better" else -1)
                if best is None or abs(gain) > abs(best[0]):
                    best = (gain, item, change, survey)
    if best is not None:
        gain, item, change, survey = best
        lines.append(
            f"Spørgeskema, {survey.item_map.population}: »{item.question}« (andel {item.share_description}) "
            f"{text_da.survey_share(change.start)} → "
            f"{text_da.survey_share(change.end)} "
            f"({numfmt.points(round(change.end.percent) - round(change.start.percent))}, "  # type: ignore[arg-type]
            f"n = {change.start.n_valid} / {change.end.n_valid})."
        )
        directions.append(_sign(round(gain)))
    if not lines:
        return []
    # each source points up (+1), down (−1) or nowhere (0: as many challenges as supports, no change)
    if len(directions) >= 2:
        up, down = any(d > 0 for d in directions), any(d < 0 for d in directions)
        if all(d > 0 for d in directions):
            lines.append("Samlet peger datakilderne i samme, positive retning.")
        elif all(d < 0 for d in directions):
            lines.append("Samlet peger datakilderne i samme retning: princippet er udfordret.")
        elif up and down:
            lines.append("Datakilderne peger ikke entydigt i samme retning; fundet bør tolkes med forsigtighed.")
        elif up:
            lines.append("Ingen datakilde peger i modsat retning, men ikke alle viser en positiv udvikling.")
        elif down:
            lines.append("Ingen datakilde peger i positiv retning, og nogle viser, at princippet er udfordret.")
        else:
            lines.append("Datakilderne viser hverken tydelig fremgang eller tilbagegang.")
    return [Heading("Triangulering", 3), BulletList(lines)]


def principle_section(data: ChapterData, code: Code) -> Section:
    memo = data.memo(code.key)
    sections = memos.memo_sections(memo) if memo else {}
    blocks: list = [Paragraph(code.statement or "", italic=True)]
    intro = _memo_intro(memo)
    if intro:
        blocks += _markdown_blocks(intro)
    for heading in (memos.SUPPORTING, memos.CHALLENGING):
        blocks.append(Heading(heading, 2))
        body = sections.get(heading, "").strip()
        blocks += (
            _markdown_blocks(body)
            if body
            else [Paragraph("Evaluator har endnu ikke skrevet dette afsnit.", italic=True)]
        )
    blocks += [Heading("Datagrundlag", 2), evidence_block(data, code)]
    quotes = quote_blocks(data, code, QUOTES_PER_PRINCIPLE)
    if quotes:
        blocks += [Heading("Stemmer fra materialet", 3)] + quotes
    blocks += selfeval_blocks(data, code)
    blocks += survey_blocks(data, code)
    blocks += triangulation(data, code)
    number = code.key[1:] if code.key[1:].isdigit() else code.key
    return Section(code.key, f"Princip {number} – {code.name}", blocks)


def principles_intro(data: ChapterData) -> Section:
    principles = data.codebook.principles
    rows = []
    for code in principles:
        ev = data.evidence(code.key)
        latest = "–"
        selfeval_rows = _selfeval_rows(data, code.key)
        if selfeval_rows is not None:
            adherence = selfeval_rows[selfeval_rows["item"] == selfeval.ADHERENCE]
            last = adherence.sort_values("period", key=lambda s: s.map(selfeval.Period.parse)).iloc[-1]
            latest = numfmt.decimal(last["mean"], 1)
        rows.append([f"{code.key} {code.name}", numfmt.integer(sum(r.segments["understøttende"] for r in ev)),
                     numfmt.integer(sum(r.segments["udfordrende"] for r in ev)), latest])
    blocks: list = [
        Paragraph(
            "Indsatsen styres af "
            f"{numfmt.count_words(len(principles), 'guidende princip', 'guidende principper', neuter=True)}. "
            "For hvert princip samler kapitlet, hvad der har understøttet og "
            "udfordret princippet, på tværs af interview, observationer, selvevalueringer og spørgeskemaer."
        ),
        Table(
            title=f"{_the(len(principles), 'princip', 'principper').capitalize()} i materialet",
            columns=["Princip", "Understøttende segmenter", "Udfordrende segmenter", "Selvevaluering, seneste halvår"],
            rows=rows,
            note="Segmenter kodet med princippet efter valens; selvevaluering er teamets gennemsnitlige vurdering af "
            "efterlevelsen (1–5) i seneste halvår.",
            source=SOURCE_CODINGS + " Supportteamets selvevalueringer.",
        ),
    ]
    if data.selfeval_table is not None:
        labels = sorted(data.selfeval_table["period"].unique(), key=selfeval.Period.parse)
        blocks.append(
            Figure(
                title="Supportteamets vurdering af efterlevelsen af "
                f"{_the(len(principles), 'princip', 'principper')} pr. halvår",
                png=figures.selfeval_trend_png(data.project),
                alt_text="Linjediagram med en linje pr. princip, der viser supportteamets gennemsnitlige vurdering af, "
                f"i hvilken grad teamet har arbejdet efter princippet, fra {selfeval.Period.parse(labels[0]).label} "
                "til "
                f"{selfeval.Period.parse(labels[-1]).label}.",
                note="Gennemsnit på en skala fra 1 (slet ikke) til 5 (i meget høj grad). "
                + text_da.disagreement_note(data.disagreement_limits),
                source="Supportteamets halvårlige selvevalueringer.",
            )
        )
    return Section("principper", "Fem guidende principper", blocks)


# --------------------------------------------------------------------------------------------- factors


def factors_intro(data: ChapterData) -> Section:
    groups = [g for g in data.codebook.respondent_groups if any(d.meta.group == g.key for d in data.corpus.included)]
    rows = []
    for code in data.codebook.factors:
        by_group = {r.group: r for r in data.evidence(code.key)}
        cells = []
        for group in groups:
            row = by_group.get(group.name)
            cells.append(f"{row.documents} af {row.documents_total}" if row else "–")
        rows.append([f"{code.key} {code.name}"] + cells)
    return Section(
        "faktorer",
        f"{numfmt.count_words(len(data.codebook.factors), 'virksom faktor', 'virksomme faktorer')}".capitalize(),
        [
            Paragraph(
                "På tværs af interview og observationer peger medarbejdere og familier på "
                f"{numfmt.count_words(len(data.codebook.factors), 'forhold', 'forhold', neuter=True)}, der har "
                "betydning "
                "for et bedre samarbejde om komplekse familiesager. Tabellen viser, i hvor mange dokumenter i hver "
                "gruppe faktoren omtales."
            ),
            Table(
                title="De virksomme faktorer omtalt pr. respondentgruppe",
                columns=["Faktor"] + [g.name for g in groups],
                rows=rows,
                note="Antal dokumenter i gruppen med mindst ét segment kodet med faktoren, "
                "af alle gruppens dokumenter.",
                source=SOURCE_CODINGS,
            ),
        ],
    )


def factor_section(data: ChapterData, code: Code) -> Section:
    memo = data.memo(code.key)
    blocks: list = []
    if code.definition:
        blocks.append(Paragraph(code.definition, italic=True))
    if memo:
        body = "\n".join(line for line in memo.splitlines() if not line.startswith("# "))
        blocks += _markdown_blocks(body)
    mentions = [r for r in data.evidence(code.key) if r.documents]
    if mentions:
        listing = ", ".join(f"{r.documents} af {r.documents_total} i gruppen {_lower_first(r.group)}" for r in mentions)
        blocks.append(Paragraph(f"Faktoren omtales i {listing}."))
    blocks += quote_blocks(data, code, 1)
    blocks += survey_blocks(data, code, kind="factors")
    return Section(code.key, f"{code.key[1:]}. {code.name}", blocks, level=2)


# --------------------------------------------------------------------------------------------- assessment


def assessment_section(data: ChapterData) -> Section:
    blocks: list = [
        Paragraph(
            "Vurderingen er ordnet efter evalueringens "
            f"{numfmt.count_words(len(data.codebook.evaluation_questions), 'spørgsmål', 'spørgsmål', neuter=True)}. "
            "Under hvert spørgsmål står evaluators "
            "vurdering og det datagrundlag, den bygger på."
        )
    ]
    folder = data.project.memos_dir / "vurdering"
    for question in data.codebook.evaluation_questions:
        blocks.append(Heading(question.text, 2))
        text = data.read_exported(folder / f"{question.key}.md")
        if text:
            blocks += _markdown_blocks(text)
        basis = []
        for key in question.principles:
            code = data.codebook.code(key)
            rows = data.evidence(key)
            basis.append(
                f"{code.key} {code.name}: {numfmt.integer(sum(r.segments['understøttende'] for r in rows))} "
                f"understøttende og {numfmt.integer(sum(r.segments['udfordrende'] for r in rows))} udfordrende "
                "segmenter"
                + _latest_selfeval(data, key)
            )
        blocks += [Paragraph("Datagrundlag:", italic=True), BulletList(basis)]
    return Section("vurdering", "Samlet vurdering", blocks)


def _latest_selfeval(data: ChapterData, key: str) -> str:
    rows = _selfeval_rows(data, key)
    if rows is None:
        return ""
    adherence = rows[rows["item"] == selfeval.ADHERENCE].sort_values(
        "period", key=lambda s: s.map(selfeval.Period.parse)
    )
    last = adherence.iloc[-1]
    return (
        f"; selvevaluering {numfmt.decimal(last['mean'], 1)} i {selfeval.Period.parse(last['period']).label}"
    )


# --------------------------------------------------------------------------------------------- appendices


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
        rows = [row[:5] for row in text_da.agreement_rows(report, data.codebook)]  # the note is said below
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
        changes = surveys.changes(survey, data.survey_results[survey.name])
        blocks.append(
            Table(
                title=survey.title,
                columns=["Spørgsmål", "Måling", "Gyldige svar", "Udeladt", "Andel"],
                rows=rows,
                note=f"Svargruppe: {survey.item_map.population}. Andelen er andelen af gyldige svar, der svarer "
                f"{', '.join(dict.fromkeys(i.share_description for i in survey.item_map.items))}. Udeladt: »Ved ikke« "
                f"og blanke svar. {numfmt.count_noun(len(changes), 'spørgsmål', 'spørgsmål')} er målt både ved start "
                "og slut.",
                source=survey.source,
            )
        )
    return Section("bilag-spoergeskema", "Bilag: Spørgeskemaernes spørgsmål", blocks, appendix=True)


# --------------------------------------------------------------------------------------------- chapter


def build_chapter(project: Project) -> Chapter:
    data = ChapterData(project)
    sections = [method_section(data), principles_intro(data)]
    sections += [principle_section(data, code) for code in data.codebook.principles]
    sections.append(factors_intro(data))
    sections += [factor_section(data, code) for code in data.codebook.factors]
    sections.append(assessment_section(data))
    sections.append(codebook_appendix(data))
    sections += [s for s in (agreement_appendix(data), survey_appendix(data)) if s is not None]
    settings = data.settings
    return Chapter(
        title=settings.title,
        subtitle=settings.period,
        author=settings.author,
        sections=sections,
        sources=data.sources,
    )
