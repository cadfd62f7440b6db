"""Names of people (and units written as names): the word lists, capitalisation and context."""

# Token indices are `int | None` at the edges of the text (next_token, prev_token); the scan checks them in
# ways mypy cannot follow, and its regexes match where they are applied. Checks in the hot loop would cost speed.
# mypy: disable-error-code="arg-type, assignment, index, misc, union-attr"

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from workbench.lang import da

if TYPE_CHECKING:
    from workbench.anonymity.scan import Scan


def names(scan: Scan) -> None:
    tokens = scan.tokens
    flagged: dict[int, str] = {}
    for i in reversed(scan.caps):
        if len(tokens[i][1]) < 2:
            continue  # "I", initials
        if scan.is_allowed(i):
            continue
        kind = _classify(scan, i, flagged)
        if kind:
            flagged[i] = kind
    known = _names_of_this_text(scan, flagged)
    _same_names_again(scan, flagged, known)
    _capitalised_runs(scan, flagged)
    # Merge neighbours into one finding: "Anne Sofie Jørgensen", "Ahmad bin Ali".
    order = sorted(flagged)
    k = 0
    while k < len(order):
        i = order[k]
        j = i
        kind = flagged[i]
        while True:
            nxt = scan.next_token(j)
            wrapped_neighbour = nxt in flagged and scan.adjacent(j, wrapped=True)
            if wrapped_neighbour and flagged[nxt] == "navn" and kind == "navn":
                j = nxt
                continue
            if wrapped_neighbour and scan.adjacent(j) and _joins(scan, kind, nxt, flagged[nxt]):
                j = nxt  # "Frode Vilstrup" (a surname that reads like a compound), "Specialbørnehaven Lærkereden"
                continue
            if (
                kind == "institution"
                and nxt is not None
                and nxt not in flagged
                and scan.adjacent(j)
                and scan.run_word(nxt)
                and not scan.is_allowed(nxt)
            ):
                j = nxt  # the name after an institution word: "Specialbørnehaven Lærkereden"
                continue
            after = None if nxt is None else scan.next_token(nxt)
            if (
                after in flagged
                and kind == "navn"
                and flagged[after] == "navn"
                and tokens[nxt][2] in da.PARTICLES
                and scan.adjacent(j)
                and scan.adjacent(nxt)
            ):
                j = after
                continue
            break
        start = _with_title(scan, i) if kind == "navn" else i
        scan.add(6 if kind == "navn" else 5, start, _with_apostrophe(scan, tokens[j][0]), kind)
        while k < len(order) and order[k] <= j:
            k += 1
    _lower_case_names(scan, known)


def _joins(scan: Scan, kind: str, nxt: int, next_kind: str) -> bool:
    """Whether a flagged word takes the flagged word after it into one finding, beyond name + name."""
    if kind == "institution":
        return True
    low = scan.tokens[nxt][2]
    return next_kind == "institution" and not low.endswith(da.INSTITUTION_SUFFIXES + da.HOUSE_SUFFIXES)


_TITLES = frozenset(["hr", "fru", "frk", "dr"])


def _with_title(scan: Scan, i: int) -> int:
    """A name after a title starts at the title ("hr. Søgaard", "fru Jensen")."""
    prev = scan.prev_token(i)
    if prev is None or scan.tokens[prev][2] not in _TITLES:
        return i
    gap = scan.work[scan.tokens[prev][0] : i]
    return prev if gap in (" ", ". ") else i


def _with_apostrophe(scan: Scan, end: int) -> int:
    """A name ending in s, x or z takes a following possessive apostrophe ("Taras'", "Yonas’")."""
    work = scan.work
    if work[end - 1 : end] in ("s", "x", "z") and work[end : end + 1] in ("'", "’"):
        after = work[end + 1 : end + 2]
        if not (after.isalpha() or after.isdigit()):
            return end + 1
    return end


def _names_of_this_text(scan: Scan, flagged: dict[int, str]) -> dict[str, str]:
    """The names found so far that are no Danish word, lower case → as written ("taras" → "Taras"),
    with a possessive s taken off. The same word elsewhere in the text is the same person."""
    lex, tokens = scan.lex, scan.tokens
    known: dict[str, str] = {}
    for i, kind in flagged.items():
        w = tokens[i][1]
        if kind != "navn" or "-" in w or w.isupper():
            continue
        for part in (w, *(w[: -len(e)] for e in ("'s", "’s", "s") if w.endswith(e) and len(w) > len(e) + 2)):
            low = part.lower()
            if len(low) >= 3 and not lex.is_common(low) and low not in lex.ambiguous:
                known.setdefault(low, part)
    return known


def _same_names_again(scan: Scan, flagged: dict[int, str], known: dict[str, str]) -> None:
    """A capitalised word the rules passed over (at a sentence start, or as a possessive) that is a
    name found elsewhere in the text ("Vithushans øjne", after "Vithushan" mid-sentence)."""
    tokens = scan.tokens
    for i in scan.caps:
        if i in flagged or len(tokens[i][1]) < 2 or scan.is_allowed(i) or scan.is_label(i):
            continue
        if _nickname_in_brackets(scan, i, flagged):
            flagged[i] = "navn"
            continue
        low = tokens[i][2]
        stem = next((low[: -len(e)] for e in ("'s", "’s", "s") if low.endswith(e) and low[: -len(e)] in known), None)
        if low in known or stem:
            flagged[i] = "navn"


def _nickname_in_brackets(scan: Scan, i: int, flagged: dict[int, str]) -> bool:
    """One capitalised word in brackets right after a name is what the person is called: "Joanna Nowak (Asia)"."""
    work, end = scan.work, scan.tokens[i][0]
    if work[i - 1 : i] != "(" or work[end : end + 1] != ")":
        return False
    prev = scan.prev_token(i)
    return prev is not None and flagged.get(prev) == "navn" and work[scan.tokens[prev][0] : i] == " ("


# Before a person's name in lower case: "hedder selam", "kalder hende thasi", "min søn bohdan".
# Searched from the first word (a plain substring search), then the rest is matched in place.
_KIN_WORDS = (
    "søn", "datter", "mand", "kone", "bror", "søster", "mor", "far", "nabo", "veninde", "ven", "kæreste", "barn",
    "dreng", "pige", "lillebror", "lillesøster", "storebror", "storesøster", "svoger", "svigerinde", "svigermor",
    "svigerfar", "fætter", "kusine", "onkel", "tante", "farmor", "mormor", "morfar", "farfar", "rådgiver", "lærer",
    "pædagog", "sagsbehandler", "kontaktperson", "mentor", "tolk", "ægtefælle",
)
_POSSESSIVES = ("min", "mit", "mine", "hans", "hendes", "vores", "deres", "sin", "sit", "sine", "jeres", "din", "dit")
_NAME_AFTER = r",?[ \t]+([^\W\d_]+(?:['’\-][^\W\d_]+)*)"
_AFTER_KIN = re.compile(r"[ \t]+(?:" + "|".join(sorted(_KIN_WORDS, key=len, reverse=True)) + r")" + _NAME_AFTER)
_AFTER_KALDER = re.compile(r"[ \t]+(?:ham|hende|mig|os|dem)" + _NAME_AFTER)
_AFTER_NAMING = re.compile(_NAME_AFTER)
_AFTER_TRIGGER = {
    **dict.fromkeys(_POSSESSIVES, _AFTER_KIN),
    **dict.fromkeys(("kalder", "kaldte"), _AFTER_KALDER),
    **dict.fromkeys(("hedder", "kaldet", "kaldes"), _AFTER_NAMING),
}
_PERSON_TRIGGERS = tuple(_AFTER_TRIGGER)
_POSSESSIVE_ENDING = re.compile(r"['’]?s")
_WORD_GOES_ON = re.compile(r"\w|['’\-][^\W\d_]")


def _lower_case_names(scan: Scan, known: dict[str, str]) -> None:
    """Names typed in lower case: a name found capitalised elsewhere in the text ("Selam ...
    selam"), or a listed name right after words that introduce a person ("min søn bohdan")."""
    lex, work = scan.lex, scan.work
    lowered = scan.lowered
    for low in known:
        n = len(low)
        pos = lowered.find(low)
        while pos >= 0:
            end = pos + n
            ending = _POSSESSIVE_ENDING.match(lowered, end)
            end = ending.end() if ending else end
            if (
                work[pos].islower()
                and not (pos and (lowered[pos - 1].isalnum() or lowered[pos - 1] in "_'’-"))
                and not _WORD_GOES_ON.match(lowered, end)
                and not scan.inside_allowed(pos, end)
            ):
                scan.add(6, pos, _with_apostrophe(scan, end), "navn")
            pos = lowered.find(low, end)
    for pos, trigger in scan.word_positions(_PERSON_TRIGGERS):
        m = _AFTER_TRIGGER[trigger].match(scan.lowered, pos + len(trigger))
        if m is None or not work[m.start(1)].islower():
            continue
        low = m.group(1)
        stem = low[:-1] if low.endswith("s") else low
        if lex.is_common(low) or low in lex.ambiguous:
            continue
        if da.fold(low) in lex.strong_names or da.fold(stem) in lex.strong_names or low in known:
            scan.add(6, m.start(1), _with_apostrophe(scan, m.end(1)), "navn")


def _capitalised_runs(scan: Scan, flagged: dict[int, str]) -> None:
    """Two or more capitalised words in a row mid-sentence name an organisation even when each
    is an ordinary word ("Dansk Flygtningehjælp", "BMS Basketball"), unless all are allowed."""
    tokens, caps = scan.tokens, scan.caps
    done = 0
    for n, i in enumerate(caps):
        if i < done:
            continue
        # Every run word is in scan.caps (see Scan._find_capitals), so the next word of a run is
        # the next one there, with only spaces between: adjacent() without finding tokens.
        j, end = i, n + 1
        while end < len(caps) and scan.only_spaces(j, caps[end]) and scan.run_word(caps[end]):
            j, end = caps[end], end + 1
        if j == i or not scan.run_word(i) or scan.sentence_start(i):
            continue  # a single word, or a run at a sentence start (the next word may start one)
        run = caps[n:end]
        acronyms = [k for k in run if scan.is_allowed(k) and tokens[k][1].isupper()]
        role_words = acronyms and all(k in acronyms or scan.lex.is_common(tokens[k][2]) for k in run)
        if (
            not any(k in flagged for k in run)
            and not all(scan.is_allowed(k) for k in run)
            and not all(tokens[k][1].isupper() for k in run)
            and not role_words  # "SOF Rådgiver"
        ):
            scan.add(5, i, tokens[j][0], "institution")
        done = tokens[j][0]

def _only_spaces(scan: Scan, i: int, nxt: int) -> bool:
    gap = scan.work[scan.tokens[i][0] : nxt]
    return gap != "" and gap.strip(" ") == ""

def _run_word(scan: Scan, i: int) -> bool:
    w = scan.tokens[i][1]
    return len(w) > 1 and w[:1].isupper() and not scan.is_label(i) and w not in ("De", "Dem", "Deres")

def _classify(scan: Scan, i: int, flagged: dict[int, str]) -> str | None:
    lex = scan.lex
    end, w, low = scan.tokens[i]
    facts = lex.facts(w)
    if facts.acronym:
        # Acronyms ("SOF", "ADHD"); a name in capitals counts only when it is a clear one.
        return "navn" if len(w) >= 4 and facts.folded in lex.strong_names else None
    if scan.work[end : end + 2] in ("- ", "-\n", "-,"):
        return None  # first half of a suspended compound: "Børne- og Kulturforvaltningen"
    if scan.is_label(i) and _single_word_label(scan, i):
        return _classify_label(scan, i)
    start = scan.sentence_start(i)

    # Hyphenated tokens: "Anne-Sofie" is a name, "HFI-familier" and "Aula-beskeder" are not.
    if "-" in w:
        parts = w.split("-")
        if any(da.fold(p) in lex.strong_names for p in parts if p[:1].isupper()) and parts[-1][:1].isupper():
            return "navn"
        if parts[-1][:1].islower():
            return "navn" if da.fold(parts[0]) in lex.strong_names else None
        if any(lex.is_common(p.lower()) or p.isupper() for p in parts) and start:
            return None

    # Names from the lists.
    stem = facts.stem
    if facts.listed:
        return "navn"
    if facts.ambiguous:
        if not start:
            if low in da.MONTHS and _date_context(scan, i):
                return None
            return "navn"
        evidence = _named(scan, i) or _name_follows(scan, i, flagged) or (stem and not lex.is_common(low))
        return "navn" if evidence else None

    if facts.common:
        if start:
            return None
        if _named(scan, i):
            return "navn"
        # "Familiehuset", "Ungdomshuset": an ordinary noun written as a name.
        return "institution" if low.endswith(da.INSTITUTION_SUFFIXES + da.HOUSE_SUFFIXES) else None
    if lex.is_known_proper(w) or (stem and lex.is_known_proper(w[:-1])):
        return None
    # Unknown capitalised word: mid-sentence it is a proper noun; glued from ordinary words it
    # names a unit or project ("Ungeenheden", "Sikkerhedsplansprojektet") rather than a person.
    kind = _suffix_kind(low)
    if not start:
        if kind == "navn" and "-" not in w and lex.is_wordlike(low):
            return "institution"
        return kind
    # Sentence-initial: only with evidence, since the lemma table lacks many ordinary words.
    if kind != "navn":
        suffix = _matched_suffix(low)
        head = low[: -len(suffix)] if suffix else low
        if len(head) >= 3 and not lex.is_common(head) and not lex.is_common(head.rstrip("s")):
            return kind
        return None
    if not set(low) <= da.DANISH_LETTERS:
        return "navn"  # "Şiyar", "Arbëresha", "Małgorzata"
    if lex.is_wordlike(low) or low.endswith(da.WORD_ENDINGS):
        return None
    if _named(scan, i) or _name_follows(scan, i, flagged):
        return "navn"
    return None

def _named(scan: Scan, i: int) -> bool:
    """Token i follows a word that introduces a name ("hedder", "hr.", "kalder hende")."""
    prev = scan.prev_lower(i)
    if prev in da.NAMING_WORDS:
        return True
    if prev in ("ham", "hende", "mig", "os", "dem"):
        before = scan.prev_token(scan.prev_token(i))
        return before is not None and scan.tokens[before][2] in ("kalder", "kaldte", "kald", "kaldes")
    return False

def _single_word_label(scan: Scan, i: int) -> bool:
    prev, nxt = scan.prev_token(i), scan.next_token(i)
    before = prev is not None and scan.is_label(prev) and "\n" not in scan.work[scan.tokens[prev][0] : i]
    after = nxt is not None and scan.is_label(nxt)
    return not before and not after

def _classify_label(scan: Scan, i: int) -> str | None:
    """Speaker labels are roles ("Mor", "Interviewer"), unless a name is used as the label."""
    lex = scan.lex
    _, w, low = scan.tokens[i]
    folded = da.fold(w)
    if folded in lex.names:
        return "navn"
    if lex.is_known_proper(w) or lex.is_wordlike(low) or len(w) <= 3:
        return None
    if "-" in w and any(lex.is_common(p.lower()) or p.isupper() for p in w.split("-")):
        return None
    return "navn"

def _name_follows(scan: Scan, i: int, flagged: dict[int, str]) -> bool:
    """Evidence that a sentence-initial word is a name: another name, a verb, "fra SOF", "og <name>"."""
    tokens = scan.tokens
    nxt = scan.next_token(i)
    if nxt is None:
        return False
    after = scan.next_token(nxt)
    nxt_low = tokens[nxt][2]
    if scan.adjacent(i):
        if flagged.get(nxt) == "navn":
            return True  # "Hans Jensen", "Zainab Hussein"
        if tokens[i][2] in scan.lex.ambiguous and tokens[i][2] not in da.FUNCTION_AMBIGUOUS:
            if nxt_low in da.PERSON_VERBS:
                return True
        elif _is_verb(scan, nxt):
            # "Vilje har jeg nok af": the subject follows the verb, so the first word is not it.
            return not (after is not None and tokens[after][2] in da.SUBJECT_PRONOUNS)
        if nxt_low == "fra" and after is not None and (
            scan.is_allowed(after) or tokens[after][1].isupper() or tokens[after][2] in da.TEAM_WORDS
        ):
            return True  # "Mai fra BIF", "Jonas fra supportteamet"
        if nxt_low in ("og", "eller") and flagged.get(after) == "navn":
            return True
    elif scan.work[tokens[i][0] : nxt].strip(" ") == "," and nxt_low in ("han", "hun"):
        return True  # "Xiomara, hun sagde ...": a person taken up again by a pronoun
    return False

def _is_verb(scan: Scan, j: int) -> bool:
    """A finite verb: from the list, or a present/past form of a verb in the lemma table that
    cannot also be a noun ("noterer", "foreslår"; not "lærer", which is also a teacher)."""
    _, w, word = scan.tokens[j]
    if word in da.NAME_VERBS:
        return True
    if not w[:1].islower() or len(word) < 4:
        return False
    table = scan.lex.table
    lemma = table.get(word)
    if not lemma or lemma == word:
        return False
    forms = [lemma + "r"] if lemma[-1] in "aeiouyæøå" else []
    if lemma.endswith("e"):
        forms += [lemma[:-1] + "ede", lemma[:-1] + "te", lemma + "de"]
    if word not in forms:
        return False
    return not any(word + ending in table for ending in ("ne", "en", "et"))

def _date_context(scan: Scan, i: int) -> bool:
    prev = scan.prev_token(i)
    prev_gap = scan.work[0 if prev is None else scan.tokens[prev][0] : i]
    if re.search(r"\d", prev_gap) or scan.prev_lower(i) in da.DATE_CONTEXT:
        return True
    end = scan.tokens[i][0]
    after = scan.work[end : end + 6]
    return bool(re.match(r"[ \t]*\d", after))

def _matched_suffix(low: str) -> str:
    for suffix in da.INSTITUTION_SUFFIXES + da.BARE_STREET_SUFFIXES:
        if low.endswith(suffix) and len(low) > len(suffix) + 2:
            return suffix
    return ""

def _suffix_kind(low: str) -> str:
    for suffix in da.INSTITUTION_SUFFIXES:
        if low.endswith(suffix) and len(low) > len(suffix) + 2:
            return "institution"
    for suffix in da.BARE_STREET_SUFFIXES:
        if low.endswith(suffix) and len(low) > len(suffix) + 2:
            return "adresse"
    return "navn"
