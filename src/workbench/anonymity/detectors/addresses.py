"""Street addresses, postcodes with towns."""

# Token indices are `int | None` at the edges of the text (next_token, prev_token); the scan checks them in
# ways mypy cannot follow, and its regexes match where they are applied. Checks in the hot loop would cost speed.
# mypy: disable-error-code="arg-type, assignment, index, misc, union-attr"

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from workbench.anonymity.detectors.dates import is_year
from workbench.lang import da

if TYPE_CHECKING:
    from workbench.anonymity.scan import Scan

# "Tagensvej 112", "Ruten 14, 2. th", "nørrebrogade 208": a word, then a house number.
_STREET_NUMBER = re.compile(
    r"(?<![\w'’-])([^\W\d_][\w'’-]*) +(\d{1,3}(?: ?[A-Ha-h](?![\w]))?)(?![\d\w]|[.,]\d)"
)
_FLOOR = re.compile(
    r",?[ \t]*(?:(?:st|kl|stuen|kælderen)\.?|\d{1,2}\.?(?:[ \t]?sal)?)[ \t]*,?[ \t]*"
    r"(?:(?:tv|th|mf|t\.v|t\.h)\b\.?)?"
)
_FLOOR_SIDE = re.compile(r"\s*(?:tv|th|mf|sal|t\.v|t\.h)\b", re.IGNORECASE)
_POSTCODE_TOWN = re.compile(
    r"(?<![\w.,-])([1-9]\d{3})[ \t]+([A-ZÆØÅ][\w'’-]+\.?(?:[ \t]+[A-ZÆØÅ][\w'’-]+)?)"
    r"(?:[ \t]+(NV|SV|NØ|SØ|N|S|V|Ø|K|C)\b)?"
)
_POSTCODE_AFTER_NUMBER = re.compile(r"(?:,?[ \t]*|[ \t]*\n[ \t]*)(?=[1-9]\d{3}[ \t]+[A-ZÆØÅ])")
_NOT_ADDRESS_AFTER = re.compile(
    r"[ \t]*(?:gange|gang|timer|time|år|dage|dag|uger|uge|måneder|måned|minutter|kr|kroner|procent|%|"
    r"personer|familier|børn|sager|møder|stk|point|sider|elever|klasse|km|meter)\b",
    re.IGNORECASE,
)


def addresses(scan: Scan) -> None:
    work, lex = scan.work, scan.lex
    for m in scan.on_lines_with_digits(_STREET_NUMBER):
        word = m.group(1)
        low = word.lower()
        if _NOT_ADDRESS_AFTER.match(work, m.end()):
            continue
        tail = _FLOOR.match(work, m.end())
        floor_end = m.end()
        has_floor = False
        if tail and tail.end() > m.end():
            seg = work[m.end() : tail.end()]
            if re.search(r"\d\.|st\b|kl\b|tv|th|mf|sal", seg):
                floor_end = tail.end()
                has_floor = bool(_FLOOR_SIDE.search(seg)) or "st" in seg
        capital = word[:1].isupper()
        ends_suffix = low.endswith(da.STREET_SUFFIXES) and len(low) > 4
        if ends_suffix:
            if not capital and (lex.is_common(low) or not low.endswith(da.BARE_STREET_SUFFIXES)):
                continue
            if capital and lex.is_common(low) and not (low in da.STREET_WORDS or has_floor):
                # "Haven 3" could be a count; keep only with floor or a multi-word street name.
                continue
        elif low in da.STREET_WORDS and capital and _extend_street_left(scan, m.start(1)) < m.start(1):
            pass  # "Nørre Allé 3", "Sønder Boulevard 12" (but not "Alle 7 familier")
        elif capital and has_floor:
            pass  # "Ruten 14, 2. th": no suffix, but a floor and side say address
        elif capital and low not in da.NUMBERED_NOUNS and _after_paa(scan, m.start(1)):
            pass  # "på Lygten 2": a capitalised word mid-sentence with a house number
        else:
            continue
        start = m.start(1)
        start = _extend_street_left(scan, start)
        end = floor_end
        pc = _POSTCODE_AFTER_NUMBER.match(work, end)
        if pc:
            town = _POSTCODE_TOWN.match(work, pc.end())
            if town:
                end = town.end()
        if scan.inside_allowed(start, end):
            continue
        scan.add(3, start, end, "adresse")
    for m in scan.on_lines_with_digits(_POSTCODE_TOWN):
        code, town, district = m.group(1), m.group(2), m.group(3)
        town_first = town.split()[0].rstrip(".")
        town_low = town_first.lower()
        known_town = (
            town_first in ("København", "Kbh", "Frederiksberg")
            or lex.local_places.match(lambda j, first=town_low: "" if j else first)
            or lex.is_known_proper(town_first)
        )
        if not (known_town or district):
            continue
        if is_year(code) and not district:
            before = work[max(0, m.start() - 8) : m.start()].lower().split()
            if before and before[-1] in ("i", "år", "siden", "fra", "til", "in", "og"):
                continue
        end = m.end() if (district or len(town.split()) == 1) else m.start(2) + len(town_first)
        if len(town.split()) > 1 and not district:
            second = town.split()[1]
            if not lex.is_common(second.lower()):
                end = m.start(2) + len(town)
        scan.add(3, m.start(), end, "adresse")

def _after_paa(scan: Scan, i: int) -> bool:
    """Token i follows "på" in the same sentence."""
    return scan.prev_lower(i) == "på" and not scan.sentence_start(i)

def _extend_street_left(scan: Scan, start: int) -> int:
    """Take in capitalised words before the street word ("Gammel Kongevej", "H.C. Andersens Boulevard")."""
    i = start
    taken = 0
    while taken < 3:
        j = scan.prev_token(i)
        if j is None:
            break
        end, w, low = scan.tokens[j]
        gap = scan.work[end:i]
        if gap.strip(" \t.") != "" or "\n" in gap:
            break
        if not w[:1].isupper() or scan.is_label(j):
            break
        if scan.sentence_start(j) and scan.lex.is_common(low) and len(w) > 1:
            break
        start = j
        i = j
        taken += 1
    return start


# A postcode on its own after "i" or "postnummer" ("de bor i 2400"), one with a postal district
# ("2400 NV"), and a postal district ("København NV", "Kbh. SV").
_POSTCODE_ALONE = re.compile(
    r"(?<![\w-])(?:[iI]|[pP]ostnummer|[pP]ostnr\.?|[pP]ostdistrikt)[ \t]+([1-9]\d{3})(?![\w]|[.,]\d|[ \t]*%)"
)
_POSTCODE_DISTRICT = re.compile(r"(?<![\w.,-])[1-9]\d{3}[ \t]+(?:NV|SV|NØ|SØ|K|V|Ø|N|S|C)(?![\w])")
_POSTAL_DISTRICT = re.compile(r"(?<![\w-])(?:København|Kbh\.?)[ \t]+(?:NV|SV|NØ|SØ|K|V|Ø|N|S)(?![\w])")


def postcodes(scan: Scan) -> None:
    work = scan.work
    for m in scan.on_lines_with_digits(_POSTCODE_ALONE):
        code = int(m.group(1))
        said = m.group().split()[0].lower()
        if said == "i" and not (1000 <= code <= 4999 and not 1900 <= code <= 2099):
            continue  # "i 2015" is a year; Zealand's postcodes run from 1000 to 4999
        scan.add(3, m.start(1), m.end(1), "adresse")
    for m in scan.on_lines_with_digits(_POSTCODE_DISTRICT):
        scan.add(3, m.start(), m.end(), "adresse")
    for pos, _town in scan.word_positions(("københavn", "kbh")):
        m = _POSTAL_DISTRICT.match(work, pos)
        if m:
            scan.add(3, m.start(), m.end(), "adresse")
