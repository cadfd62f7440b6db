"""The chapter's companion: every count and percentage in the chapter's tables, traced to what it counts.

`exports/evalueringskapitel-spor.xlsx` beside the chapter lists, by table and cell (table number and
caption, row and column, the printed value), each number's sources: the codings (id, document, segment and
characters, coder, memo), the self-evaluation answers (respondent, half year, item, score) and the survey
rows (file and line, answer). The sources are not re-derived here: the sections put them on the cells as
they compute the numbers (`report.model.Cell`, `Tally`, `Source`, built by `report.data.ChapterData`), and
this module only lays them out. A suppressed cell says so and lists no sources; units on documents of a
group below the minimum group size (counted in the coder agreement) are one row with their number, no id.

Written through the export gate: every text it shows (code and group names, questions, item labels, coder
names, respondents' pseudonyms, coding memos, answer labels) is declared at its line in the user's file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from workbench.coding.store import Coding
from workbench.exchange.xlsx import DECIMAL_2, INTEGER, Column, Sheet, workbook_bytes
from workbench.privacy import sources
from workbench.privacy.gate import Export, exporter
from workbench.privacy.guard import TextSource
from workbench.project import Project
from workbench.report.build import build_chapter
from workbench.report.model import COUNT, GIVEN, MEAN, SHARE, STATISTIC, SUM, Chapter, Table, Tally

FILE_NAME = "evalueringskapitel-spor.xlsx"

METHODS = {  # how the sources give the printed number, for the reader of the workbook
    COUNT: "antal forskellige enheder blandt kilderne",
    SHARE: "enheder, der tæller med, i procent af alle enheder (afrundet)",
    MEAN: "gennemsnit af enhedernes værdier",
    SUM: "summen af enhedernes værdier",
    GIVEN: "opgivet i den aggregerede tabels række",
    STATISTIC: "beregnet over enhederne (se bilaget om enighed)",
}


def companion_path(chapter_path: Path) -> Path:
    """exports/evalueringskapitel.docx → exports/evalueringskapitel-spor.xlsx (beside the chapter)."""
    return chapter_path.with_name(f"{chapter_path.stem}-spor.xlsx")


def numbered_tables(chapter: Chapter, sections: list[str] | None = None) -> list[tuple[int, str, Table]]:
    """(number, section key, table) in the chapter's order, numbered as in the full chapter."""
    wanted = {s.lower() for s in sections} if sections else None
    found, number = [], 0
    for section in chapter.sections:
        for block in section.blocks:
            if isinstance(block, Table):
                number += 1
                if wanted is None or section.key.lower() in wanted:
                    found.append((number, section.key, block))
    return found


def _computed(tally: Tally) -> float | None:
    return None if tally.value is None else round(tally.value, 2)


def _status(tally: Tally) -> str:
    return tally.suppressed or "vist"


SMALL_GROUP_UNITS = ("{n} enheder fra dokumenter i en gruppe under projektets mindste gruppestørrelse "
                     "(talt med, men ikke vist enkeltvis)")


def _small_group_rows(lead: list, tally: Tally, hidden: frozenset[str]) -> list[list]:
    """The units on documents of a too-small group as one row per "counts" value, with their number only: the
    companion leaves the project, so no document id, segment or quote of theirs is listed."""
    rows = []
    for counts in (True, False):
        found = [s for s in tally.sources if s.document in hidden and s.counts == counts]
        units = len({s.unit for s in found})
        if units:
            rows.append(lead + [found[0].kind, SMALL_GROUP_UNITS.format(n=units), "", "", "", "", "", "",
                                "ja" if counts else "nej", units, ""])
    return rows


def companion_sheets(chapter: Chapter, sections: list[str] | None = None) -> list[Sheet]:
    figures_rows: list[list] = []
    source_rows: list[list] = []
    for number, key, table in numbered_tables(chapter, sections):
        for r, c, cell in table.traced_cells():
            row_label = table.rows[r][0] if table.first_column_is_label else f"række {r + 1}"
            where = [number, table.title, key, str(row_label).strip(), table.columns[c], str(cell)]
            for tally in cell.tallies:
                what = f"{tally.what} ({tally.label})" if tally.label else tally.what
                figure = len(figures_rows) + 1
                lead = [figure, number, str(row_label).strip(), table.columns[c], what]
                listed = [lead + [s.kind, s.unit, s.reference, s.document, s.place, s.who, s.subject, s.value,
                                  "ja" if s.counts else "nej", s.number, getattr(s.coding, "memo", "") or ""]
                          for s in tally.sources if s.document not in chapter.hidden_documents]
                listed += _small_group_rows(lead, tally, chapter.hidden_documents)
                figures_rows.append([figure] + where + [what, METHODS[tally.method], _computed(tally),
                                             tally.units if not tally.suppressed else None,
                                             len(listed), _status(tally)])
                source_rows += listed
    return [
        Sheet(
            "Tal",
            [Column("Tal nr.", INTEGER), Column("Tabel", INTEGER), Column("Tabeltitel", wrap=True), Column("Afsnit"),
             Column("Række", wrap=True),
             Column("Kolonne"), Column("Trykt værdi"), Column("Tal"), Column("Sådan giver kilderne tallet"),
             Column("Beregnet værdi", DECIMAL_2), Column("Enheder", INTEGER), Column("Kilder", INTEGER),
             Column("Status")],
            figures_rows,
            "Anm.: Én række pr. tal i kapitlets tabeller (en celle kan rumme flere tal, fx start og slut). Tabellerne "
            "er nummereret som i det fulde kapitel. Enheder er det, tallet tæller (et segment pr. valens, et "
            "dokument, en besvarelse, en række i spørgeskemaets datafil); kilderne står på arket Kilder. Undertrykte "
            "tal (for små grupper) lister ingen kilder.",
            frozen_columns=2,
        ),
        Sheet(
            "Kilder",
            [Column("Tal nr.", INTEGER), Column("Tabel", INTEGER), Column("Række", wrap=True), Column("Kolonne"),
             Column("Tal"),
             Column("Kildeart"), Column("Enhed"), Column("Reference"), Column("Dokument"),
             Column("Sted (segment, tegn, halvår, linje)"), Column("Koder/respondent"),
             Column("Kode/spørgsmål", wrap=True), Column("Svar/vurdering"), Column("Tæller med"),
             Column("Værdi", DECIMAL_2), Column("Kodningsmemo", wrap=True)],
            source_rows,
            "Anm.: Kodninger med id fra codings/<koder>.jsonl; selvevalueringer med svarfilen; spørgeskemaer med "
            "datafil og linje. »Tæller med« er, om enheden er i tælleren af en andel (fx et positivt svar, eller "
            "at koderne er enige). Tal nr. henviser til arket Tal. Enheder fra dokumenter i en gruppe under projektets "
            "mindste gruppestørrelse står som én række med deres antal (Værdi), uden dokument og citat.",
            frozen_columns=2,
        ),
    ]


def _carried(project: Project, chapter: Chapter, sections: list[str] | None) -> list[TextSource]:
    """The codebook, survey and form texts that label the tables, and the names and memos the sources show."""
    texts = sources.codebook_texts(project) + sources.survey_texts(project) + sources.selfeval_form_texts(project)
    coders, respondents = set(), set()
    codings: dict[str, Coding] = {}
    for _, _, table in numbered_tables(chapter, sections):
        for _, _, cell in table.traced_cells():
            for tally in cell.tallies:
                for s in tally.sources:
                    if s.document in chapter.hidden_documents:
                        continue  # listed as a number only
                    if s.kind == "kodning" and s.who:
                        coders.add(s.who)
                    if s.coding is not None:
                        codings[s.coding.id] = s.coding
                    if s.kind == "selvevaluering":
                        respondents.add((project.root / s.reference, s.who))
    coders |= {c for c in project.coding_store().coders()}  # the agreement tables' titles name them
    texts += sources.coder_names(project, coders)
    texts += sources.respondent_names(project, respondents)
    texts += [sources.coding_memo(project, c) for c in codings.values() if c.memo]
    return texts


@exporter("chapter-companion", carries=(sources.CODEBOOK, sources.SURVEY, sources.SELFEVAL_FORM, sources.CODER,
                                        sources.RESPONDENT, sources.CODING_MEMO))
def companion_export(project: Project, out: Path, sections: list[str] | None = None,
                     chapter: Chapter | None = None) -> Export:
    """The companion workbook of the chapter (or of some of its sections); `chapter`: one already built."""
    chapter = chapter if chapter is not None else build_chapter(project)
    return Export(f"Sporingsfilen {out.name}", {out: workbook_bytes(companion_sheets(chapter, sections))},
                  _carried(project, chapter, sections))


def export_companion(project: Project, out: Path, sections: list[str] | None = None,
                     chapter: Chapter | None = None, progress: Callable[[str], None] | None = None) -> Path:
    """Check and write the companion through the export gate; refused (nothing written) like the chapter."""
    if progress:
        progress("Skriver sporingsfilen med kilderne bag hvert tal")
    companion_export.write(project, out=Path(out), sections=sections, chapter=chapter)
    return Path(out)
