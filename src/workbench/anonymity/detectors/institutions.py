"""Named institutions: a head noun beside a name ("Tingbjerg Skole"), and listed institutions and places."""

# Token indices are `int | None` at the edges of the text (next_token, prev_token); the scan checks them in
# ways mypy cannot follow, and its regexes match where they are applied. Checks in the hot loop would cost speed.
# mypy: disable-error-code="arg-type, assignment, index, misc, union-attr"

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from workbench.lang import da

if TYPE_CHECKING:
    from workbench.anonymity.scan import Scan

_SPACES_WORD = re.compile(r" +([^\W\d_]+(?:['’\-][^\W\d_]+)*)")  # the next WORD, after spaces only


def institutions(scan: Scan) -> None:
    named_after_heads(scan, heads_near_capitals(scan))


def heads_near_capitals(scan: Scan) -> list[int]:
    """The head nouns that can name an institution: only those right beside a capitalised word,
    or two words before it ("Skolen på Amager"), since every rule needs such a word."""
    work, tokens = scan.work, scan.tokens
    near = set()
    for c in scan.caps:
        if not scan.run_word(c):
            continue  # each rule below needs a run word beside the head, with spaces between
        if work[c - 1 : c] == " ":
            before = scan.prev_token(c)
            near.add(before)
            if before is not None and tokens[before][2] in ("på", "ved", "i"):
                near.add(scan.prev_token(before))
        after = _SPACES_WORD.match(work, tokens[c][0])
        if after and after.group(1).lower() in da.INST_HEAD_AFTER:
            near.add(after.start(1))
    near.discard(None)
    return sorted(h for h in near if is_head(scan, h))


def is_head(scan: Scan, i: int) -> bool:
    low = scan.tokens[i][2]
    return low in da.INST_HEADS or low in scan.lex.unit_types or scan.tokens[i][1] in da.CLUB_ABBREVIATIONS


def named_after_heads(scan: Scan, heads: list[int]) -> None:
    """A named institution at each head noun that has a name beside it."""
    for i in heads:
        end, w, low = scan.tokens[i]
        if low in da.INST_HEAD_AFTER:
            # Capitalised words right before the head noun, dropping ordinary sentence-initial
            # words at the front ("Min skole", "Den Skole").
            first = i
            for _ in range(4):
                before = scan.prev_token(first)
                if before is None or not scan.adjacent(before) or not scan.run_word(before):
                    break
                first = before
            while first != i and not scan.proper_tok(first):
                first = scan.next_token(first)
            if first == i or all(scan.tokens[k][1].isupper() for k in scan.tokens_from(first, i)[:-1]):
                continue
            if w.islower() and scan.next_token(first) == i and _genitive_of_a_name(scan, first):
                continue  # "Bohdans skole" is Bohdan's school: the name is the finding
            scan.add(4, first, end, "institution")
            continue
        name_at = None
        unit_type = low in scan.lex.unit_types
        if low in da.INST_HEAD_BEFORE or w in da.CLUB_ABBREVIATIONS or unit_type:
            if scan.adjacent(i):
                name_at = scan.next_token(i)
        elif low == "skolen" and scan.adjacent(i):
            nxt = scan.next_token(i)
            if scan.tokens[nxt][2] in ("på", "ved", "i") and scan.adjacent(nxt):
                name_at = scan.next_token(nxt)
        if name_at is None:
            continue
        last = name_at
        if not scan.run_word(last) or scan.tokens[last][1] in ("I", "De", "Dem", "Deres"):
            continue
        for _ in range(3):
            if not (scan.adjacent(last) and scan.run_word(scan.next_token(last))):
                break
            last = scan.next_token(last)
        name = scan.tokens_from(name_at, last)
        if all(scan.is_allowed(k) for k in name) and not (
            name_at == scan.next_token(i) and any(scan.lex.districts.starting(scan.tokens[k][2]) for k in name)
        ):
            continue  # "skolen på Amager"; but "Kulturhuset Bispebjerg" names a unit
        scan.add(4, i, scan.tokens[last][0], "institution")

def _genitive_of_a_name(scan: Scan, i: int) -> bool:
    _, w, low = scan.tokens[i]
    if not low.endswith("s") or len(low) < 4:
        return False
    raw = w[:-2] if low.endswith(("'s", "’s")) else w[:-1]
    lex, stem = scan.lex, da.fold(raw)
    if stem in lex.names:
        return da.fold(w) not in lex.names
    # an unknown word, no place: "Bohdans skole" (a place's school would be "Husum Skole")
    return not (lex.is_common(raw.lower()) or lex.is_known_proper(raw) or lex.local_places.starting(raw.lower()))


def phrases(scan: Scan) -> None:
    """Named hospitals and workplaces ("institution"), local place names ("adresse")."""
    lex = scan.lex
    project = scan.project_places
    if project is not None:
        for m in scan.word_positions(tuple(project.by_first)):
            i = m[0]
            k = project.match(scan.lower_at(i))
            if k:
                end = scan.tokens[scan.nth_token(i, k - 1)][0]
                scan.forced.add((i, end))
                scan.add(3, i, end, "adresse")
    for i in scan.caps:
        low = scan.tokens[i][2]
        if not (lex.institutions.starting(low) or lex.local_places.starting(low)) or scan.is_allowed(i):
            continue
        for index, kind, prio in ((lex.institutions, "institution", 4), (lex.local_places, "adresse", 5)):
            k = index.match(scan.lower_at(i))
            if not k:
                continue
            if scan.sentence_start(i) and k == 1 and lex.is_common(low):
                break  # "Normal", "Riget" as ordinary words
            scan.add(prio, i, scan.tokens[scan.nth_token(i, k - 1)][0], kind)
            break
