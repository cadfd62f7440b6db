"""The chapter model: what the chapter says, independent of Word.

Builders produce these blocks from the analyses; the Word renderer numbers tables and figures,
adds captions, the table of contents and page numbers. Keeping the two apart lets the same chapter
be checked in tests, previewed in the notebook and exported one section at a time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the model is imported by light modules (report.text_da); it needs Coding only as a type
    from workbench.coding.store import Coding


@dataclass
class Heading:
    text: str
    level: int = 2


@dataclass
class Paragraph:
    text: str
    italic: bool = False
    placeholder: bool = False  # a text the evaluator has still to write: highlighted in Word


MISSING_MEMO = "Memo ikke skrevet endnu."


def missing_memo() -> Paragraph:
    """What stands where the evaluator's memo is missing, marked so it is seen in Word."""
    return Paragraph(MISSING_MEMO, italic=True, placeholder=True)


@dataclass
class BulletList:
    items: list[str]
    lettered: bool = False  # each item begins with its own letter, "a) ", which a table refers to: no bullet


@dataclass
class Quote:
    text: str
    attribution: str  # without brackets, e.g. "Rådgiver, BIF"
    field_note: bool = False  # from a meeting observation: set as a field-note excerpt, not as a spoken quote


# How a tally's sources give its printed number (the companion, report.companion, states it per cell)
COUNT = "antal"  # the number of distinct units among the sources
SHARE = "andel"  # the units that count (Source.counts) as a whole percentage of all units, rounded half up
MEAN = "gennemsnit"  # the mean of the units' numbers
SUM = "sum"  # the sum of the units' numbers
GIVEN = "opgivet"  # an aggregated survey row states the figure itself
STATISTIC = "statistik"  # a measure computed from the units (kappa, alpha, AC1, character agreement)


@dataclass(frozen=True)
class Source:
    """One coding, document, self-evaluation answer or survey row behind a printed number."""

    kind: str  # "kodning" | "dokument" | "selvevaluering" | "spørgeskema"
    unit: str  # what is counted once, e.g. "INT-RAD-01 S004 (understøttende)"; several sources may share it
    reference: str  # coding id, document id, answer file or data file with line
    document: str = ""  # the document (codings and documents)
    place: str = ""  # segment and characters, half year, or line
    who: str = ""  # coder or respondent pseudonym
    subject: str = ""  # code and valence, or principle and item, or survey question
    value: str = ""  # the score or answer as given
    counts: bool = True  # for a share: the unit is in the numerator
    number: float | None = None  # for a mean or sum: the unit's number
    coding: Coding | None = None  # the Coding, for the export gate's look at its memo (not shown)


class DeferredSources(Sequence[Source]):
    """A tally's sources, listed the first time they are read: to everything that reads them, a tuple.

    The agreement appendix counts units × codes, millions in a season's double coding; the chapter itself
    prints only the counts, so only the companion, which lays every source out, pays for the list."""

    def __init__(self, listing: Callable[[], Iterable[Source]], parts: Sequence[Sequence[Source]] = ()):
        self._listing: Callable[[], Iterable[Source]] | None = listing
        self._sources: tuple[Source, ...] = ()
        # the lists this one is made of, one after the other (the agreement's "I alt" of its codes' units): a
        # reader that lays those out can refer to them instead of listing every source a second time
        self.parts = tuple(parts)

    def _listed(self) -> tuple[Source, ...]:
        if self._listing is not None:
            self._sources, self._listing = tuple(self._listing()), None
        return self._sources

    def __len__(self) -> int:
        return len(self._listed())

    def __getitem__(self, index):  # as a tuple's: an int or a slice
        return self._listed()[index]

    def __iter__(self) -> Iterator[Source]:
        return iter(self._listed())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, DeferredSources):
            other = other._listed()
        return isinstance(other, tuple) and self._listed() == other

    def __hash__(self) -> int:
        return hash(self._listed())

    def __reduce__(self):
        return (tuple, (self._listed(),))

    def __repr__(self) -> str:
        return repr(self._listed())


@dataclass(frozen=True)
class Tally:
    """One number printed in a table cell, with the units behind it (none listed when suppressed)."""

    what: str  # Danish: "segmenter", "dokumenter i gruppen", "gyldige svar"
    method: str  # COUNT, SHARE, MEAN, SUM, GIVEN or STATISTIC
    value: float | None  # as computed, before formatting; None when suppressed
    sources: Sequence[Source] = ()  # a tuple, or DeferredSources
    suppressed: str = ""  # why the figure (or its sources) is not shown, in Danish; "" when shown
    label: str = ""  # which of several numbers in the cell: "start", "Opstart"

    @property
    def units(self) -> int:
        return len({s.unit for s in self.sources})


class Cell(str):
    """A table cell's printed text that carries the tallies behind it; to everything else a plain str."""

    tallies: tuple[Tally, ...]

    def __new__(cls, text: str, *tallies: Tally) -> Cell:
        cell = super().__new__(cls, text)
        cell.tallies = tallies
        return cell

    def __reduce__(self):
        return (Cell, (str(self), *self.tallies))


class Prose(str):
    """Running text (a paragraph, a bullet, a table's Anm.) that carries the figures printed in it: each number
    the chapter computed is a `Cell` at its offset in the text, so the companion can list it by section and
    sentence with its sources; to everything else a plain str. Built with `prose`."""

    figures: tuple[tuple[int, Cell], ...]

    def __new__(cls, text: str, figures: tuple[tuple[int, Cell], ...] = ()) -> Prose:
        made = super().__new__(cls, text)
        made.figures = figures
        return made

    def __reduce__(self):
        return (Prose, (str(self), self.figures))


def prose(*parts: str) -> Prose:
    """Running text joined from words and figures: a `Cell` part (a number with its tallies) is remembered at its
    place, a `Prose` part brings its own figures along. The one way a section prints a computed number in a
    sentence, so that no count or percentage reaches the reader without its sources."""
    text, figures = "", []
    for part in parts:
        if isinstance(part, Prose):
            figures += [(len(text) + offset, cell) for offset, cell in part.figures]
        elif isinstance(part, Cell) and part.tallies:
            figures.append((len(text), part))
        text += str(part)
    return Prose(text, tuple(figures))


def prose_join(separator: str, parts: Iterable[str]) -> Prose:
    """`separator.join(parts)`, keeping the parts' figures."""
    joined: list[str] = []
    for index, part in enumerate(parts):
        joined += [separator, part] if index else [part]
    return prose(*joined)


def figures_of(text: str) -> tuple[tuple[int, Cell], ...]:
    """The traced figures in a text: a `Prose`'s, none in a plain str."""
    return text.figures if isinstance(text, Prose) else ()


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list[str]]  # a cell with a number is a Cell carrying its provenance
    note: str  # the "Anm." line: N and exclusions
    source: str  # the "Kilde:" line
    first_column_is_label: bool = True

    def traced_cells(self) -> list[tuple[int, int, Cell]]:
        """(row, column, cell) of every cell that carries tallies, in reading order."""
        return [(r, c, cell) for r, row in enumerate(self.rows) for c, cell in enumerate(row)
                if isinstance(cell, Cell) and cell.tallies]


@dataclass
class Figure:
    title: str
    png: bytes
    alt_text: str
    note: str
    source: str
    width_cm: float = 15.0


Block = Heading | Paragraph | BulletList | Quote | Table | Figure


@dataclass
class Section:
    key: str  # "metode", "P1" ... used by `report --section`
    title: str
    blocks: list[Block] = field(default_factory=list)
    appendix: bool = False
    level: int = 1  # 2 for sub-sections such as the nine factors


@dataclass
class Chapter:
    title: str
    sections: list[Section]
    subtitle: str | None = None
    author: str | None = None  # the document properties' author (project.yaml)
    draft: bool = False  # the title page carries "Udkast" (project.yaml's draft)
    created: dt.datetime | None = None  # the document properties' creation time; None: when it is written
    # documents of respondent groups below the minimum group size: the companion counts their codings but
    # lists them only as a number, never by document or quote
    hidden_documents: frozenset[str] = frozenset()
    # the user-written and quoted texts the chapter carries, checked by the anonymity guard before export
    sources: list = field(default_factory=list)

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key.lower() == key.lower()), None)

    @property
    def section_keys(self) -> list[str]:
        return [s.key for s in self.sections]
