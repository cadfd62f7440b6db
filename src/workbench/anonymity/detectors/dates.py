"""Dates: what reads as a day, a month or a year, and birth dates (a date in a birth context)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from workbench.anonymity.scan import Scan


def valid_date(dd: int, mm: int) -> bool:
    return 1 <= dd <= 31 and 1 <= mm <= 12


def is_year(s: str) -> bool:
    return len(s) == 4 and s[:2] in ("19", "20")


def looks_like_date8(digits: str) -> bool:
    """Eight digits that read as DDMMYYYY or YYYYMMDD ("14052025", "20250514")."""
    if is_year(digits[4:]) and valid_date(int(digits[:2]), int(digits[2:4])):
        return True
    return is_year(digits[:4]) and valid_date(int(digits[6:]), int(digits[4:6]))


# -- birth dates ---------------------------------------------------------------------------------

_MONTH_WORDS = (
    "januar|februar|marts|april|maj|juni|juli|august|september|oktober|november|december"
    "|jan|feb|mar|apr|jun|jul|aug|sep|sept|okt|nov|dec"
)
# A date in any Danish written form: "3. marts 2015", "9. august", "14/02-2012", "21.11.2011", "6/5-11".
_DATE = re.compile(
    r"(?<![\w./-])(?:"
    rf"(?P<day>\d{{1,2}})\.?[ \t]+(?P<month>{_MONTH_WORDS})\b\.?(?:[ \t]+(?P<year>(?:19|20)\d\d)(?!\d))?"
    r"|(?P<d>\d{1,2})[./-](?P<m>\d{1,2})[./-](?P<y>(?:19|20)?\d\d)(?![\w/-]|[.,]\d)"
    r")",
    re.IGNORECASE,
)
_YEAR = re.compile(r"(?<![\w.,/-])(?:19|20)\d\d(?![\w/-]|[.,]\d)")
# Words that make the date after them a birth date: "født", "f. 2014", "fødselsdag", "fødselsdato".
_BIRTH_WORD = re.compile(r"(?<![\w-])(?:født|fødd|fødsel\w*|f\.(?=[ \t]*\d))(?![\w])", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?][ \t]+[A-ZÆØÅ]|[\n!?]")
# "Mykola er fra 2019", "hun er fra 2016": a person "is from" a year.
_IS_FROM = re.compile(r"(?<![\w-])(?:er|var)[ \t]+(?:fra[ \t]+|født[ \t]+(?:i[ \t]+|den[ \t]+)?)?(?=\d)", re.IGNORECASE)
_PERSON_WORDS = frozenset(["han", "hun", "barnet", "drengen", "pigen", "babyen", "søn", "datter", "sønnen", "datteren"])


def _date_at(work: str, start: int, end: int) -> re.Match | None:
    """The first real date in work[start:end] (day 1-31, month 1-12)."""
    for m in _DATE.finditer(work, start, end):
        if m.group("d"):
            if valid_date(int(m.group("d")), int(m.group("m"))):
                return m
        elif 1 <= int(m.group("day")) <= 31:
            return m
    return None


def birth_dates(scan: Scan) -> None:
    """Dates in a birth context; dates of meetings and years of events are not personal data."""
    work = scan.work
    # The date stands on the keyword's line, and every date holds a digit.
    for kw in scan.on_lines_with_digits(_BIRTH_WORD):
        window_end = min(len(work), kw.end() + 45)
        stop = _SENTENCE_END.search(work, kw.end(), window_end)
        window_end = stop.start() if stop else window_end
        date = _date_at(work, kw.end(), window_end)
        if date is None:
            year = _YEAR.search(work, kw.end(), min(window_end, kw.end() + 12))
            if year is not None and _plausible_birth_year(year.group()):
                scan.add(1, year.start(), year.end(), "fødselsdato")
            continue
        scan.add(1, date.start(), date.end(), "fødselsdato")
    for m in scan.on_lines_with_digits(_IS_FROM):
        if not _person_before(scan, m.start()):
            continue
        date = _date_at(work, m.end(), min(len(work), m.end() + 20))
        if date is not None and date.start() == m.end():
            scan.add(1, date.start(), date.end(), "fødselsdato")
            continue
        year = _YEAR.match(work, m.end())
        if year is not None and _plausible_birth_year(year.group()):
            scan.add(1, year.start(), year.end(), "fødselsdato")
    _dates_beside_names(scan)


def _plausible_birth_year(year: str) -> bool:
    return 1920 <= int(year) <= 2030


def _person_before(scan: Scan, pos: int) -> bool:
    """Whether the word before pos (a comma may stand between) is a person: a pronoun, a child
    word, or a name the names detector found."""
    i = scan.token_at_or_before(pos - 1)
    if i is None or scan.tokens[i][0] > pos:
        return False
    if scan.tokens[i][2] in _PERSON_WORDS:
        return True
    return scan.has_candidate("navn", i, scan.tokens[i][0])


def _dates_beside_names(scan: Scan) -> None:
    """A full date right after a name: "Eden (17.01.2014)", "Bohdan, 21.11.2011"."""
    work = scan.work
    for _start, end in scan.candidate_spans("navn"):
        gap = re.match(r"[ \t]*(?:\(|,[ \t]*)", work[end : end + 4])
        if not gap:
            continue
        date = _date_at(work, end + gap.end(), min(len(work), end + gap.end() + 20))
        if date is None or date.start() != end + gap.end():
            continue
        if date.group("y") or date.group("year"):
            scan.add(1, date.start(), date.end(), "fødselsdato")
