"""The anonymity guard: finds personal data in Danish transcripts, memos and free text.

Rules and word lists, no trained model needed:

- regexes for CPR numbers, phone numbers, e-mail addresses, street addresses and postcodes;
- word lists (data/anonymity/) for Danish and immigrant first names and surnames, local places,
  named hospitals and workplaces, and the programme vocabulary that is never a finding;
- Danish capitalises only proper nouns, so a capitalised word in the middle of a sentence that
  is neither a known Danish word (the spacy-lookups-data lemma table) nor programme vocabulary
  is reported as a name. This is what finds names that are in no list.

When a trained Danish spaCy pipeline is installed, its PER/ORG/LOC entities are added.

The scan is made for long transcripts: it visits capitalised words, lines with digits and speaker
labels and the words around them, and walks no lower-case running text word by word (Scan).
Scan holds the text and its tokens; the detectors in detectors/ add candidate findings to it, and
Scan keeps the best non-overlapping ones.
"""

# Token indices are `int | None` at the edges of the text (next_token, prev_token); the scan checks them in
# ways mypy cannot follow, and its regexes match where they are applied. Checks in the hot loop would cost speed.
# mypy: disable-error-code="arg-type, assignment, index, misc, union-attr"

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from workbench.anonymity.detectors import (
    addresses,
    contact,
    dates,
    handles,
    institutions,
    names,
    ner,
    plates,
)
from workbench.anonymity.lexicon import WORD, Capital, allowed_index, lexicon, term_lists
from workbench.lang import da
from workbench.lang.patterns import first_character_class

KINDS = ("cpr", "telefon", "email", "adresse", "navn", "institution", "fødselsdato", "profil", "nummerplade")

KIND_LABELS: dict[str, str] = {
    "cpr": "CPR-nummer",
    "telefon": "telefonnummer",
    "email": "e-mail",
    "adresse": "adresse",
    "navn": "navn",
    "institution": "institution",
    "fødselsdato": "fødselsdato",
    "profil": "profil på sociale medier",
    "nummerplade": "nummerplade",
}


@dataclass(frozen=True)
class Finding:
    kind: str  # one of KINDS
    text: str  # the matched text as it appears
    start: int  # character offset in the scanned text
    end: int
    line: int  # 1-based line number in the scanned text


# ---------------------------------------------------------------------------------------------
# Text patterns


_DIGIT = re.compile(first_character_class(re.compile(r"\d").match) + r"(?<=\d)")
_BRACKETS = re.compile(r"\[[^\[\]\n]{0,300}\]")
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"]+", re.IGNORECASE)
_LABEL = re.compile(
    r"^[ \t>*_#-]*([^\W\d_][\w'’.()-]*(?:[ \t]+[\w'’.()-]+){0,3})[ \t*_]*:(?=[ \t]|$)", re.MULTILINE
)


def _abbreviated(word: str) -> bool:
    """A word whose period does not end the sentence: an abbreviation or an initial."""
    return word.lower() in da.ABBREVIATIONS or len(word) == 1


# ---------------------------------------------------------------------------------------------
# The scan


# A word from a letter that may be upper case (the scan checks that it is, and that the word starts there).
# The lookbehinds after the first letter keep the words that do not begin a token ("iPad", "e-Boks") out; written
# after it, not before, so the regex engine still skips ahead by the first character's class.
_CAPITAL = re.compile(
    first_character_class(str.isupper)
    + r"(?<=[^\W\d_])(?<![^\W\d_].)(?<![^\W\d_]['’\-].)[^\W\d_]*(?:['’\-][^\W\d_]+)*"
)
_LETTER = re.compile(r"[^\W\d_]")  # a character that can be part of a WORD


class _Tokens(dict):
    """Token start → (end, word, lower case), filled in as the scan reaches tokens."""

    def __init__(self, work: str):
        super().__init__()
        self.work = work

    def __missing__(self, start: int) -> tuple[int, str, str]:
        m = WORD.match(self.work, start)
        token = self[start] = (m.end(), m.group(), m.group().lower())
        return token


class Scan:
    """The scan of one text.

    Tokens (WORD matches) are named by their start offset. Only what can lead to a finding is
    visited: capitalised words, speaker labels, lines with digits, and the neighbours the rules ask
    about. Lower-case running text, most of a transcript, is never walked word by word."""

    def __init__(self, text: str, allowed: tuple[str, ...], places: tuple[str, ...] = ()):
        self.text = text
        self.lex = lexicon()
        self.terms = term_lists(allowed)  # the phrases that are never findings
        # the project's own local places are findings even where a generic term says otherwise
        self.project_places = allowed_index(places) if places else None
        self.forced: set[tuple[int, int]] = set()
        # Bracketed placeholders and URLs are blanked out (same length, so offsets hold).
        work = _BRACKETS.sub(lambda m: " " * len(m.group()), text)
        if "http" in work or "www." in work:
            work = _URL.sub(lambda m: " " * len(m.group()), work)
        self.work = work
        self.reversed = work[::-1]  # searched to find the token before a position
        self.candidates: list[tuple[int, int, int, str]] = []  # (priority, start, end, kind)
        self.tokens = _Tokens(work)
        self._next: dict[int, int] = {}  # token start → the next token's start, -1 after the last
        self._prev: dict[int, int] = {}
        self._allowed: dict[int, tuple[int, int] | None] = {}  # token start → its allowed term
        self._line_starts: list[int] | None = None
        self._labels: dict[int, tuple[int, int] | None] = {}  # line start → span of its speaker label
        self._lowered: str | None = None
        self.caps = self._find_capitals()
        self.digit_lines: list[tuple[int, int]] | None = None  # (start, end) of each line holding a digit

    # -- tokens ------------------------------------------------------------------------------

    def _find_capitals(self) -> list[int]:
        """Starts of the tokens whose first letter is upper case, in order, except ordinary words
        starting a sentence ("Det", "Men", "Jeg") and single letters ("I:", "R:"): nine in ten
        capitals of a transcript.

        No rule reports or builds on those, whether or not they belong to an allowed term:
        - _names skips single letters and _classify (with _classify_label) reports no ordinary
          word at a sentence start, so neither is flagged, and the merge joins flagged words only;
        - _capitalised_runs and _institutions join capitals of two or more letters with only
          spaces between, and a word after only spaces does not start a sentence;
        - neither is a head noun or starts a listed place or institution (_phrases).
        Allowed terms are found without this list. Should a rule change, so must
        WordFacts.ordinary and .letter."""
        caps, tokens, sentence_start = [], self.tokens, self.sentence_start
        rules, rule_of = self.lex.capital_rules, self.lex.capital_rule
        work, reversed_work, n = self.work, self.reversed, len(self.work)
        skipped, ordinary, breaks = Capital.SKIPPED, Capital.ORDINARY, da.SENTENCE_BREAKS
        for m in _CAPITAL.finditer(work):  # only words that begin a token (the regex's lookbehinds)
            word = m.group()
            rule = rules.get(word)
            if rule is None:
                rule = rule_of(word)
            if rule is skipped:
                continue
            start = m.start()
            if rule is ordinary:
                # sentence_start's first answers, inline for the ordinary word after ". ", "? " or a line break
                # (almost every ordinary capital of a transcript); any other gap asks it
                before = work[start - 2 : start]
                if before[-1:] in breaks or (before[-1:] == " " and before[:1] in breaks):
                    continue
                if before == ". ":
                    previous = WORD.match(reversed_work, n - start + 2)
                    if previous:
                        if not _abbreviated(previous.group()[::-1]):
                            continue
                    elif sentence_start(start):
                        continue
                elif sentence_start(start):
                    continue
            tokens[start] = (m.end(), word, word.lower())
            caps.append(start)
        return caps

    def next_token(self, i: int) -> int | None:
        """The start of the token after token i, None after the last."""
        nxt = self._next.get(i)
        if nxt is None:
            m = WORD.search(self.work, self.tokens[i][0])
            nxt = -1 if m is None else m.start()
            if m is not None:
                if nxt not in self.tokens:
                    self.tokens[nxt] = (m.end(), m.group(), m.group().lower())
                self._prev[nxt] = i
            self._next[i] = nxt
        return nxt if nxt >= 0 else None

    def prev_token(self, i: int) -> int | None:
        """The start of the token before token i, None before the first."""
        prev = self._prev.get(i)
        if prev is None:
            n = len(self.work)
            m = WORD.search(self.reversed, n - i)  # the token before i, spelt backwards
            prev = -1 if m is None else n - m.end()
            if m is not None:
                if prev not in self.tokens:
                    word = self.work[prev : n - m.start()]
                    self.tokens[prev] = (n - m.start(), word, word.lower())
                self._next[prev] = i
            self._prev[i] = prev
        return prev if prev >= 0 else None

    def nth_token(self, i: int, j: int) -> int | None:
        """The j-th token after token i (i itself for j = 0), None past the end of the text."""
        for _ in range(j):
            i = self.next_token(i)
            if i is None:
                return None
        return i

    def tokens_from(self, first: int, last: int) -> list[int]:
        run = [first]
        while run[-1] != last:
            run.append(self.next_token(run[-1]))
        return run

    def lower_at(self, i: int) -> Callable[[int], str]:
        """What PhraseIndex.match reads: the lower-case j-th token from token i, "" past the end."""

        def lower_at(j: int) -> str:
            k = self.nth_token(i, j)
            return "" if k is None else self.tokens[k][2]

        return lower_at

    def token_at_or_before(self, pos: int) -> int | None:
        """The last token that starts at or before pos."""
        n = len(self.work)
        m = _LETTER.search(self.reversed, n - 1 - pos)  # the last letter at or before pos: in that token
        if m is None:
            return None
        return n - WORD.match(self.reversed, m.start()).end()

    def is_label(self, i: int) -> bool:
        """Token i is part of a speaker label: one to four words at the start of a line, then a
        colon ("Mor:", "Deltager 2:")."""
        if self._line_starts is None:
            self._line_starts = [0] + [m.end() for m in re.finditer("\n", self.work)]
        line = self._line_starts[bisect.bisect_right(self._line_starts, i) - 1]
        if line not in self._labels:
            m = _LABEL.match(self.work, line)
            self._labels[line] = m.span(1) if m else None
        label = self._labels[line]
        return label is not None and label[0] <= i and self.tokens[i][0] <= label[1]

    # -- allowed terms -----------------------------------------------------------------------

    def allowed_term(self, i: int) -> tuple[int, int] | None:
        """The allowed term (start, end) that token i is part of, or None.

        Terms are matched left to right at every capitalised word and every listed first word, and
        a term cannot start inside an earlier one. So whether token i is covered depends on the
        tokens before it: walk back to a token whose answer is known or that no term can run over,
        then decide forwards from there."""
        known = self._allowed
        if i in known:
            return known[i]
        if not self.terms.in_terms(self.tokens[i][2]):  # the usual case: no term has this word
            known[i] = None
            return None
        chain = [i]
        while self._may_be_covered(chain[-1]):
            chain.append(self.prev_token(chain[-1]))
            if chain[-1] in known:
                break
        term, term_end = None, 0
        if chain[-1] in known:
            term = known[chain.pop()]
            term_end = term[1] if term else 0
        for k in reversed(chain):
            if k >= term_end:  # not inside the last term: does a term start here?
                length = self._term_length(k)
                term = (k, self.tokens[self.nth_token(k, length - 1)][0]) if length else None
                if term:
                    term_end = term[1]
            known[k] = term
        return known[i]

    def _may_be_covered(self, i: int) -> bool:
        """Whether a term starting before token i could run over it: i is a later word of some
        term, and the token before it a word that some term goes on from."""
        if not self.terms.continues(self.tokens[i][2]):
            return False
        before = self.prev_token(i)
        return before is not None and self.terms.leads(self.tokens[before][2])

    def is_allowed(self, i: int) -> bool:
        return self.allowed_term(i) is not None

    def _term_length(self, i: int) -> int:
        """Tokens of the longest allowed term starting at token i (0 if none)."""
        _, word, low = self.tokens[i]
        length, lower_at = 0, None
        for index in self.terms.indexes:
            # only a capitalised word or the first word of a listed phrase can start an allowed term, and only
            # one that some phrase starts with (match would answer 0 for the others)
            if (word[0].isupper() or low in index.by_first) and index.starting(low):
                lower_at = lower_at or self.lower_at(i)
                length = max(length, index.match(lower_at))
        return length

    def inside_allowed(self, start: int, end: int) -> bool:
        """Whether text[start:end] lies inside one allowed term."""
        i = self.token_at_or_before(start)
        term = None if i is None else self.allowed_term(i)
        return term is not None and term[0] <= start and end <= term[1]

    # -- helpers -----------------------------------------------------------------------------

    def add(self, priority: int, start: int, end: int, kind: str) -> None:
        self.candidates.append((priority, start, end, kind))

    @property
    def lowered(self) -> str:
        """work in lower case, offset for offset (a character whose lower case is longer, such
        as "İ", is kept as it is)."""
        if self._lowered is None:
            lowered = self.work.lower()
            if len(lowered) != len(self.work):
                lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in self.work)
            self._lowered = lowered
        return self._lowered

    def word_positions(self, words: tuple[str, ...]) -> Iterator[tuple[int, str]]:
        """(start, word) of the whole-word occurrences of any of the lower-case words, in any case.

        A plain substring search per word: many times faster than a regex of alternatives over a
        long text, which is what keeps these detectors from walking the text word by word."""
        low = self.lowered
        for word in words:
            n = len(word)
            pos = low.find(word)
            while pos >= 0:
                before = low[pos - 1] if pos else " "
                after = low[pos + n : pos + n + 1]
                if not (before.isalnum() or before in "_'’-") and not (after.isalnum() or after == "_"):
                    yield pos, word
                    pos = low.find(word, pos + n)
                else:
                    pos = low.find(word, pos + 1)

    def candidate_spans(self, kind: str) -> list[tuple[int, int]]:
        """(start, end) of the candidates of one kind added so far."""
        return [(start, end) for _, start, end, k in self.candidates if k == kind]

    def has_candidate(self, kind: str, start: int, end: int) -> bool:
        """Whether a candidate of this kind so far covers work[start:end]."""
        return any(k == kind and s <= start and end <= e for _, s, e, k in self.candidates)

    def sentence_start(self, i: int) -> bool:
        """Whether token i begins a sentence (or a line, a quote, a speaker turn)."""
        # Mostly the characters before the token decide, without looking for the token before it.
        work = self.work
        before = work[i - 1 : i]
        if before == " " and i > 1:
            before = work[i - 2]
            if before == "." and i > 2:
                word = WORD.match(self.reversed, len(work) - i + 2)  # the word before, spelt backwards
                if word:  # the gap is ". "
                    return not _abbreviated(word.group()[::-1])
            if _LETTER.match(work, i - 2):
                return False  # the gap is one space
        if before in da.SENTENCE_BREAKS:
            return True  # the gap holds a line break, a table cell or a break character
        prev = self.prev_token(i)
        if prev is None:
            return True
        prev_end, prev_word, _ = self.tokens[prev]
        gap = work[prev_end:i]
        if "\n" in gap:
            return True
        if "\t" in gap or "|" in gap:
            return True  # table cells
        g = gap.replace("*", "").replace("_", "").strip()
        if not g:
            return False
        if not da.BREAKS.isdisjoint(g):
            return True
        if "." in g:
            return not (g == "." and _abbreviated(prev_word))
        return False

    def prev_lower(self, i: int) -> str:
        prev = self.prev_token(i)
        return "" if prev is None else self.tokens[prev][2]

    def adjacent(self, i: int, wrapped: bool = False) -> bool:
        """The next token follows token i on the same line with only spaces between (or, when
        `wrapped`, on the next line of a hard-wrapped paragraph that is not a new speaker turn)."""
        nxt = self.next_token(i)
        if nxt is None:
            return False
        gap = self.work[self.tokens[i][0] : nxt]
        if gap != "" and gap.strip(" ") == "":
            return True
        return wrapped and gap.strip(" ") == "\n" and not self.is_label(nxt)

    # -- detectors ---------------------------------------------------------------------------

    def on_lines_with_digits(self, pattern: re.Pattern) -> Iterator[re.Match]:
        """pattern.finditer(work) for the number detectors: each of their matches holds a digit and stays on one
        line, and most lines of a transcript hold no digit, so only those that do are searched."""
        if self.digit_lines is None:
            self.digit_lines = []
            work = self.work
            m = _DIGIT.search(work)
            while m:
                end = work.find("\n", m.start())
                end = len(work) if end < 0 else end
                self.digit_lines.append((work.rfind("\n", 0, m.start()) + 1, end))
                m = _DIGIT.search(work, end)
        for start, end in self.digit_lines:
            yield from pattern.finditer(self.work, start, end)

    def run(self) -> list[tuple[int, int, str]]:
        for detector in DETECTORS:
            detector(self)
        return self._resolve()

    def only_spaces(self, i: int, nxt: int) -> bool:
        gap = self.work[self.tokens[i][0] : nxt]
        return gap != "" and gap.strip(" ") == ""

    def run_word(self, i: int) -> bool:
        w = self.tokens[i][1]
        return len(w) > 1 and w[:1].isupper() and not self.is_label(i) and w not in ("De", "Dem", "Deres")

    def proper_tok(self, i: int) -> bool:
        """Token i is capitalised and not an ordinary word at a sentence start."""
        w = self.tokens[i][1]
        if len(w) < 2 or not w[:1].isupper() or self.is_label(i):
            return False
        if self.sentence_start(i):
            return w.isupper() or not self.lex.is_common(self.tokens[i][2])
        return self.tokens[i][2] not in ("de", "dem", "deres")

    def _resolve(self) -> list[tuple[int, int, str]]:
        chosen: list[tuple[int, int, str]] = []
        taken_starts: list[int] = []
        taken: list[tuple[int, int]] = []
        for _prio, start, end, kind in sorted(self.candidates, key=lambda c: (c[0], c[1], -c[2])):
            text = self.text[start:end]
            stripped = text.rstrip(" \t,.;:")
            end = start + len(stripped)
            if end <= start or ((start, end) not in self.forced and self.inside_allowed(start, end)):
                continue
            k = bisect.bisect_left(taken_starts, start)
            if k > 0 and taken[k - 1][1] > start:
                continue
            if k < len(taken) and taken[k][0] < end:
                continue
            taken_starts.insert(k, start)
            taken.insert(k, (start, end))
            chosen.append((start, end, kind))
        chosen.sort()
        return chosen


# In this order; ties between overlapping candidates go to the lower priority number each adds.
DETECTORS: tuple[Callable[[Scan], None], ...] = (
    contact.emails,
    handles.handles,
    contact.cprs,
    contact.phones,
    plates.plates,
    addresses.addresses,
    addresses.postcodes,
    institutions.institutions,
    institutions.phrases,
    names.names,
    dates.birth_dates,  # after names: "Eden (17.01.2014)"
    ner.external_ner,
)


# What each detector looks for, in Danish, for the output of check-anonymity.
DETECTOR_LABELS = (
    "e-mail", "profiler på sociale medier", "CPR-numre", "telefonnumre", "nummerplader", "adresser",
    "postnumre og postdistrikter", "institutioner", "lokale steder", "navne", "fødselsdatoer",
)


def detectors_run() -> list[str]:
    """The detectors find_personal_data runs, the spaCy entity recogniser last (with its state)."""
    return [*DETECTOR_LABELS, ner.ner_status().label]


def is_ordinary_word(word: str) -> bool:
    """Whether `word` is an ordinary Danish word (the lemma table and the extra word list)."""
    return lexicon().is_common(word.lower())


def is_listed_name(word: str) -> bool:
    """Whether `word` is in the first-name or surname lists (case and foreign accents ignored)."""
    return da.fold(word) in lexicon().names


def find_personal_data(text: str, *, allowed: Iterable[str] = (), places: Iterable[str] = ()) -> list[Finding]:
    """All findings in text, sorted by start, non-overlapping.

    `allowed` adds project-specific terms that are never findings, `places` the project's local
    place names, which always are (both matched case-insensitively on whole words, a genitive s
    included; codebook.yaml: anonymity.allowed_terms and anonymity.local_places)."""
    if not text:
        return []
    allowed_tuple = tuple(sorted({a.strip() for a in allowed if a and a.strip()}))
    places_tuple = tuple(sorted({p.strip() for p in places if p and p.strip()}))
    spans = Scan(text, allowed_tuple, places_tuple).run()
    if not spans:
        return []
    newlines = [m.start() for m in re.finditer("\n", text)]
    return [
        Finding(kind, text[start:end], start, end, bisect.bisect_right(newlines, start - 1) + 1)
        for start, end, kind in spans
    ]
