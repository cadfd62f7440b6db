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

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from workbench.coding.store import Coding
from workbench.exchange.xlsx import DECIMAL_2, INTEGER, Column, Sheet, workbook_bytes
from workbench.privacy import sources
from workbench.privacy.gate import Export, exporter
from workbench.privacy.guard import TextSource
from workbench.project import Project
from workbench.report.build import build_chapter
from workbench.report.model import (
    COUNT,
    GIVEN,
    MEAN,
    SHARE,
    STATISTIC,
    SUM,
    BulletList,
    Chapter,
    Figure,
    Paragraph,
    Prose,
    Section,
    Table,
    Tally,
)
from workbench.report.word import typeset

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


def numbered_prose(chapter: Chapter, sections: list[str] | None = None) -> list[tuple[Section, str, Prose]]:
    """(section, place, text) of every running text that carries figures: paragraphs, bullets, and the Anm. of
    tables and figures, numbered as in the full chapter."""
    wanted = {s.lower() for s in sections} if sections else None
    found: list[tuple[Section, str, Prose]] = []
    tables = figures = 0
    for section in chapter.sections:
        paragraphs = lists = 0
        texts: list[tuple[str, str]] = []
        for block in section.blocks:
            if isinstance(block, Table):
                tables += 1
                texts.append((f"Anm. til tabel {tables}", block.note))
            elif isinstance(block, Figure):
                figures += 1
                texts.append((f"Anm. til figur {figures}", block.note))
            elif isinstance(block, Paragraph):
                paragraphs += 1
                texts.append((f"afsnit {paragraphs}", block.text))
            elif isinstance(block, BulletList):
                lists += 1
                texts += [(f"punktliste {lists}, punkt {i}", item) for i, item in enumerate(block.items, 1)]
        if wanted is None or section.key.lower() in wanted:
            found += [(section, place, text) for place, text in texts if isinstance(text, Prose) and text.figures]
    return found


_SENTENCE_END = re.compile(r"(?<=[.!?:;])\s+(?=[A-ZÆØÅ»])")


def sentence_at(text: str, offset: int) -> str:
    """The sentence of `text` in which `offset` lies, as the chapter prints it (Danish typography)."""
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if match.start() > offset:
            return typeset(text[start:match.start()])
        start = match.end()
    return typeset(text[start:])


def _computed(tally: Tally) -> float | None:
    return None if tally.value is None else round(tally.value, 2)


HIDDEN = "skjult (lille gruppe)"
HIDDEN_NOTE = ("enheder fra dokumenter i en gruppe under projektets mindste gruppestørrelse: talt med, men ikke "
               "vist enkeltvis")
NOTHING_COUNTED = "vist: ingen enheder at tælle (0)"
EXCEL_ROWS = 1_048_576  # Excel's rows per sheet: a sheet of sources longer than this continues on the next


@dataclass
class _Listing:
    """The companion's two kinds of rows as they are laid out: one per figure, one per listed source."""

    hidden: frozenset[str]
    figures: int = 0
    sources: list[list] = field(default_factory=list)
    listed: dict[int, str] = field(default_factory=dict)  # id of a tally's sources → the figures that list them
    _counts: dict[str, tuple[int, int]] = field(default_factory=dict)  # those figures → units, hidden units

    def figure(self, lead: list, where: list, tally: Tally) -> list:
        """A figure's row (`lead`: where it is printed) with what it says of its sources (counted, hidden, or
        listed under an earlier figure); its sources go to the Kilder rows, `where` (place, row, column) first."""
        self.figures += 1
        figure = self.figures
        what = f"{tally.what} ({tally.label})" if tally.label else tally.what
        summary = [what, METHODS[tally.method], _computed(tally)]
        if tally.suppressed:
            return [figure, *lead, *summary, None, 0, None, None, tally.suppressed]
        same = self._same_as(tally)
        if same is not None:
            units, hidden = self._counts[same]
            return [figure, *lead, *summary, units, 0, hidden or None, same, "vist"]
        before = len(self.sources)
        shown_units: set[str] = set()
        hidden_units: dict[bool, set[str]] = {True: set(), False: set()}
        hidden_kind = ""
        for s in tally.sources:
            if s.document in self.hidden:
                hidden_units[s.counts].add(s.unit)
                hidden_kind = s.kind
                continue
            shown_units.add(s.unit)
            self.sources.append([figure, *where, what, s.kind, s.unit, s.reference, s.document, s.place, s.who,
                                 s.subject, s.value, "ja" if s.counts else "nej", s.number,
                                 getattr(s.coding, "memo", "") or ""])
        for counts in (True, False):  # no document id, segment or quote of a too-small group leaves the project
            if hidden_units[counts]:
                self.sources.append([figure, *where, what, hidden_kind, HIDDEN, "", "", "", "", HIDDEN_NOTE, "",
                                     "ja" if counts else "nej", len(hidden_units[counts]), ""])
        hidden = len(hidden_units[True]) + len(hidden_units[False])
        units = len(shown_units) + hidden
        if units:  # (a DeferredSources is not read again to ask whether it is empty)
            self.listed[id(tally.sources)] = str(figure)
            self._counts[str(figure)] = (units, hidden)
        status = "vist" if units else NOTHING_COUNTED
        return [figure, *lead, *summary, units, len(self.sources) - before, hidden or None, None, status]

    def _same_as(self, tally: Tally) -> str | None:
        """The figures whose sources are this tally's: one that listed them, or those listing each of its parts
        (the agreement's "I alt", made of its codes' lists), without reading the list itself."""
        if id(tally.sources) in self.listed:
            return self.listed[id(tally.sources)]
        parts = [id(part) for part in getattr(tally.sources, "parts", ())]
        if not parts or not all(part in self.listed for part in parts):
            return None
        figures = ", ".join(self.listed[part] for part in parts)
        self.listed[id(tally.sources)] = figures
        self._counts[figures] = (sum(self._counts[self.listed[p]][0] for p in parts),
                                 sum(self._counts[self.listed[p]][1] for p in parts))
        return figures


def _tally_columns() -> list[Column]:
    return [Column("Tal"), Column("Sådan giver kilderne tallet"), Column("Beregnet værdi", DECIMAL_2),
            Column("Enheder", INTEGER), Column("Kilder", INTEGER), Column(f"Heraf {HIDDEN}", INTEGER),
            Column("Samme kilder som tal nr.", wrap=True), Column("Status")]


def companion_sheets(chapter: Chapter, sections: list[str] | None = None) -> list[Sheet]:
    listing = _Listing(chapter.hidden_documents)
    table_rows: list[list] = []
    for number, key, table in numbered_tables(chapter, sections):
        for r, c, cell in table.traced_cells():
            row_label = str(table.rows[r][0] if table.first_column_is_label else f"række {r + 1}").strip()
            for tally in cell.tallies:
                table_rows.append(listing.figure(
                    [number, row_label, table.columns[c], table.title, key, typeset(str(cell))],
                    [f"tabel {number}", row_label, table.columns[c]], tally))
    prose_rows: list[list] = []
    for section, place, text in numbered_prose(chapter, sections):
        for offset, cell in text.figures:
            sentence = sentence_at(text, offset)
            for tally in cell.tallies:
                prose_rows.append(listing.figure(
                    [section.key, place, section.title, sentence, typeset(str(cell))],
                    [f"afsnit {section.key}", place, ""], tally))
    hidden_note = (f" »Heraf {HIDDEN}«: enheder fra dokumenter i en gruppe under projektets mindste "
                   "gruppestørrelse; de er talt med, men står kun som ét tal på arket Kilder, uden dokument og citat.")
    same_note = (" Har to tal de samme kilder (fx et tal i teksten og i en tabel), står kilderne kun under det første; "
                 "»Samme kilder som tal nr.« henviser dertil. »I alt« i enigheden mellem koderne henviser til "
                 "kodernes tal: dens enheder er alle kodernes enheder tilsammen.")
    sheets = [
        Sheet(
            "Tal i tabeller",
            [Column("Tal nr.", INTEGER), Column("Tabel", INTEGER), Column("Række", wrap=True), Column("Kolonne"),
             Column("Tabeltitel", wrap=True), Column("Afsnit"), Column("Trykt værdi"), *_tally_columns()],
            table_rows,
            "Anm.: Én række pr. tal i kapitlets tabeller (en celle kan rumme flere tal, fx start og slut). Tabellerne "
            "er nummereret som i det fulde kapitel. Enheder er det, tallet tæller (et segment pr. valens, et "
            "dokument, en besvarelse, en række i spørgeskemaets datafil); kilderne står på arket Kilder. Undertrykte "
            "tal (for små grupper) lister ingen kilder." + hidden_note + same_note,
            frozen_columns=2,
        ),
        Sheet(
            "Tal i teksten",
            [Column("Tal nr.", INTEGER), Column("Afsnit"), Column("Sted"), Column("Afsnitstitel"),
             Column("Sætning", wrap=True), Column("Trykt værdi"), *_tally_columns()],
            prose_rows,
            "Anm.: Én række pr. tal i kapitlets løbende tekst, punktlister og anmærkninger under tabeller og figurer, "
            "med afsnittet (som i --section), stedet i afsnittet og sætningen, som tallet står i. Tærskler fra "
            "project.yaml har filens linje som kilde, antal i kodebogen kodebogen." + hidden_note + same_note,
            frozen_columns=2,
        ),
    ]
    source_columns = [
        Column("Tal nr.", INTEGER), Column("Tabel/afsnit"), Column("Række/sted", wrap=True), Column("Kolonne"),
        Column("Tal"), Column("Kildeart"), Column("Enhed"), Column("Reference"), Column("Dokument"),
        Column("Sted (segment, tegn, halvår, linje)"), Column("Koder/respondent"),
        Column("Kode/spørgsmål", wrap=True), Column("Svar/vurdering"), Column("Tæller med"),
        Column("Værdi", DECIMAL_2), Column("Kodningsmemo", wrap=True)]
    source_note = (
        "Anm.: Kodninger med id fra codings/<koder>.jsonl; selvevalueringer med svarfilen; spørgeskemaer med "
        "datafil og linje. »Tæller med« er, om enheden er i tælleren af en andel (fx et positivt svar, eller "
        "at koderne er enige). Tal nr. henviser til arkene Tal i tabeller og Tal i teksten. Enheder fra dokumenter i "
        f"en gruppe under projektets mindste gruppestørrelse står som én række »{HIDDEN}« med deres antal "
        "(Værdi), uden dokument og citat.")
    return sheets + paged(Sheet("Kilder", source_columns, listing.sources, source_note, frozen_columns=2))


SHEET_ROWS_USED = 3  # besides the data: the header row, a blank row and the note


def paged(sheet: Sheet, limit: int | None = None) -> list[Sheet]:
    """A sheet whose rows would not fit Excel's rows per sheet, as "Kilder", "Kilder (2)", … each within it."""
    per_sheet = (limit or EXCEL_ROWS) - SHEET_ROWS_USED
    if len(sheet.rows) <= per_sheet:
        return [sheet]
    parts = []
    for index, start in enumerate(range(0, len(sheet.rows), per_sheet), 1):
        title = sheet.title if index == 1 else f"{sheet.title} ({index})"
        note = sheet.note + f" Arket fortsætter på {sheet.title} ({index + 1})." \
            if start + per_sheet < len(sheet.rows) else sheet.note
        parts.append(Sheet(title, sheet.columns, sheet.rows[start:start + per_sheet], note, sheet.frozen_columns))
    return parts


def _traced_tallies(chapter: Chapter, sections: list[str] | None):
    for _, _, table in numbered_tables(chapter, sections):
        for _, _, cell in table.traced_cells():
            yield from cell.tallies
    for _, _, text in numbered_prose(chapter, sections):
        for _, cell in text.figures:
            yield from cell.tallies


def _carried(project: Project, chapter: Chapter, sections: list[str] | None) -> list[TextSource]:
    """The codebook, survey and form texts that label the tables, and the names and memos the sources show."""
    texts = sources.codebook_texts(project) + sources.survey_texts(project) + sources.selfeval_form_texts(project)
    coders, respondents = set(), set()
    codings: dict[str, Coding] = {}
    seen: set[int] = set()
    for tally in _traced_tallies(chapter, sections):
        if id(tally.sources) in seen:
            continue
        seen.add(id(tally.sources))
        parts = getattr(tally.sources, "parts", ())
        if parts and all(id(part) in seen for part in parts):
            continue  # made of lists already looked at: not read again
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
