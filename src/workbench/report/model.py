"""The chapter model: what the chapter says, independent of Word.

Builders produce these blocks from the analyses; the Word renderer numbers tables and figures,
adds captions, the table of contents and page numbers. Keeping the two apart lets the same chapter
be checked in tests, previewed in the notebook and exported one section at a time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


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


@dataclass
class Quote:
    text: str
    attribution: str  # without brackets, e.g. "Rådgiver, BIF"
    field_note: bool = False  # from a meeting observation: set as a field-note excerpt, not as a spoken quote


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list[str]]
    note: str  # the "Anm." line: N and exclusions
    source: str  # the "Kilde:" line
    first_column_is_label: bool = True


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
    # the user-written and quoted texts the chapter carries, checked by the anonymity guard before export
    sources: list = field(default_factory=list)

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key.lower() == key.lower()), None)

    @property
    def section_keys(self) -> list[str]:
        return [s.key for s in self.sections]
