"""The anonymity guard's lexicon: name lists, the Danish vocabulary and listed phrases, built once."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from enum import Enum
from functools import lru_cache
from typing import NamedTuple

from workbench.lang import da

# Tokens: letters with inner apostrophes or hyphens ("Anne-Sofie", "O'Brien", "Fatima's").
WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")


def phrase_tokens(phrase: str) -> tuple[str, ...]:
    return tuple(m.group().lower() for m in WORD.finditer(phrase))


class PhraseIndex:
    """Multi-word phrases looked up by their first token (cheap per token, unlike a big regex)."""

    def __init__(self, phrases: Iterable[str]):
        self.by_first: dict[str, list[tuple[str, ...]]] = {}
        for phrase in phrases:
            toks = phrase_tokens(phrase)
            if toks:
                self.by_first.setdefault(toks[0], []).append(toks)
        for options in self.by_first.values():
            options.sort(key=len, reverse=True)
        longer = [toks for options in self.by_first.values() for toks in options if len(toks) > 1]
        self._middles = frozenset(tok for toks in longer for tok in toks[1:-1])
        self._lasts = frozenset(toks[-1] for toks in longer)
        self._starting: dict[str, list[tuple[str, ...]]] = {}
        self._continues: dict[str, bool] = {}

    def starting(self, low: str) -> list[tuple[str, ...]]:
        """The phrases that can start with the (lower-case) token, before the tokens after it are read."""
        options = self._starting.get(low)
        if options is None:
            options = self._options(low)
            if len(self._starting) < 200_000:
                self._starting[low] = options
        return options

    def _options(self, low: str) -> list[tuple[str, ...]]:
        if low.endswith(("'s", "’s")):
            low = low[:-2]
        options = self.by_first.get(low)
        if options is None and "-" in low:
            # "HFI-familier", "Corona-tiden": a one-word term as the first part of a compound.
            options = [o for o in self.by_first.get(low.split("-", 1)[0], ()) if len(o) == 1]
            if options:
                return options
        if options is None:
            if len(low) > 3 and low[-1] == "s":
                return [o for o in self.by_first.get(low[:-1], ()) if len(o) == 1]
            return []
        return options

    def match(self, lower_at: Callable[[int], str]) -> int:
        """Number of tokens of the longest phrase starting at a token (0 if none); lower_at(j) is
        the lower-case j-th token from there, "" after the end of the text.

        The last token may carry a genitive "s" ("Nørrebros", "Familiens Plans")."""
        for toks in self.starting(lower_at(0)):
            k = len(toks)
            for j in range(1, k):
                got = lower_at(j)
                want = toks[j]
                if got != want and not (
                    j == k - 1 and (got in (want + "s", want + "'s", want + "’s") or got.startswith(want + "-"))
                ):
                    break
            else:
                return k
        return 0

    def leads(self, low: str) -> bool:
        """Whether a token can be followed by a later word of the same phrase."""
        return low in self._middles or any(len(toks) > 1 for toks in self.starting(low))

    def continues(self, low: str) -> bool:
        """Whether a token can be a later word of a phrase, so that a phrase starting before it may cover it."""
        known = self._continues.get(low)
        if known is None:
            lasts = self._lasts
            known = (
                low in self._middles
                or low in lasts
                or (low.endswith("s") and low[:-1] in lasts)
                or (low.endswith(("'s", "’s")) and low[:-2] in lasts)
                or any(low[:cut] in lasts for cut, ch in enumerate(low) if ch == "-")
            )
            if len(self._continues) < 200_000:
                self._continues[low] = known
        return known


class WordFacts(NamedTuple):
    """What the rules know about a capitalised word before looking at its context."""

    folded: str
    acronym: bool  # "SOF", "ADHD", "BUF's"
    stem: str | None  # folded, without a genitive or plural s ("Jensens", "Fatima's")
    listed: bool  # a name from the lists, also with that s
    ambiguous: bool  # a listed name that is also a Danish word ("Hans", "Lykke")
    common: bool
    # For _Scan._find_capitals: common and nothing else (no name, acronym, hyphen, place,
    # institution or head noun), and a single letter ("I", "R") that starts no place or institution.
    ordinary: bool
    letter: bool


class Capital(Enum):
    """What Scan._find_capitals does with a word from an upper-case letter, whatever its context."""

    KEPT = 1
    SKIPPED = 2  # not a word with a capital first letter, or a single letter (WordFacts.letter)
    ORDINARY = 3  # skipped at a sentence start (WordFacts.ordinary)


class Lexicon:
    def __init__(self) -> None:
        from workbench.lang.nlp import lemma_table

        self.table = lemma_table()
        first = da.read_list("fornavne_danske.txt") + da.read_list("fornavne_indvandrer.txt")
        sur = da.read_list("efternavne_danske.txt") + da.read_list("efternavne_indvandrer.txt")
        self.names = {da.fold(n) for n in first + sur} | {n.lower() for n in first + sur}
        self.ambiguous = {n.lower() for n in da.read_list("tvetydige_navne.txt")}
        self.strong_names = self.names - self.ambiguous
        self.extra_common = {w.lower() for w in da.read_list("almindelige_ord.txt")}
        self.programme = PhraseIndex(da.read_list("programordforraad.txt"))
        self.generic = PhraseIndex(da.read_list("generelle_termer.txt"))
        self.districts = PhraseIndex(da.read_list("bydele.txt"))
        self.unit_types = frozenset(da.read_list("enhedstyper.txt"))
        self.local_places = PhraseIndex(da.read_list("steder_lokale.txt"))
        self.institutions = PhraseIndex(da.read_list("institutioner.txt"))
        self._common_cache: dict[str, bool] = {}
        self._facts: dict[str, WordFacts] = {}
        self.capital_rules: dict[str, Capital] = {}  # capital_rule's answers, read directly in the scan's loop

    def capital_rule(self, word: str) -> Capital:
        if not word[0].isupper():
            rule = Capital.SKIPPED
        else:
            facts = self.facts(word)
            rule = Capital.SKIPPED if facts.letter else Capital.ORDINARY if facts.ordinary else Capital.KEPT
        if len(self.capital_rules) < 200_000:
            self.capital_rules[word] = rule
        return rule

    def facts(self, word: str) -> WordFacts:
        """Cached per distinct word: a transcript repeats its capitalised words many times."""
        facts = self._facts.get(word)
        if facts is None:
            low, folded = word.lower(), da.fold(word)
            stem = None
            if low.endswith(("'s", "’s")):
                stem = folded[:-2]
            elif low.endswith("s") and len(low) > 3 and not self.is_common(low):
                stem = folded[:-1]
            acronym = word.partition("'")[0].partition("’")[0].isupper()  # "BUF's", "SOF'er"
            names, strong = self.names, self.strong_names
            listed = folded in strong or bool(stem and stem in strong and folded not in names)
            ambiguous = low in self.ambiguous or (stem is not None and stem in self.ambiguous and folded not in names)
            common = self.is_common(low)
            place = bool(self.institutions.starting(low) or self.local_places.starting(low))
            ordinary = (
                common
                and not (acronym or listed or ambiguous or "-" in word or folded in names or place)
                and low not in da.INST_HEADS
                and low not in self.unit_types
                and word not in da.CLUB_ABBREVIATIONS
            )
            facts = WordFacts(folded, acronym, stem, listed, ambiguous, common, ordinary, len(word) == 1 and not place)
            if len(self._facts) < 200_000:
                self._facts[word] = facts
        return facts

    def is_common(self, lower: str) -> bool:
        """A known ordinary Danish word (and not a name that the table happens to hold)."""
        cached = self._common_cache.get(lower)
        if cached is None:
            cached = (lower in self.extra_common or lower in self.table) and da.fold(lower) not in self.strong_names
            if len(self._common_cache) < 200_000:
                self._common_cache[lower] = cached
        return cached

    def is_known_proper(self, word: str) -> bool:
        """Capitalised entries of the lemma table: countries, regions, rivers ("Somalia", "Jylland")."""
        return word in self.table and da.fold(word) not in self.names

    def is_wordlike(self, lower: str, depth: int = 0) -> bool:
        """An ordinary word the table may lack: a known word with a definite or plural ending
        ("evaluatoren"), or known words glued together ("familiekoordinatorteamet")."""
        if self.is_common(lower):
            return True
        for ending in da.NOUN_ENDINGS:
            if lower.endswith(ending) and len(lower) - len(ending) >= 4 and self.is_common(lower[: -len(ending)]):
                return True
        return depth < 2 and self.is_compound(lower, depth)

    def is_compound(self, lower: str, depth: int = 0) -> bool:
        """Known words glued together ("kerneteammødet"), optionally with a linking s or e."""
        if len(lower) < 7:
            return False
        for cut in range(3, len(lower) - 3):
            head, tail = lower[:cut], lower[cut:]
            if len(tail) < 4 or not self.is_wordlike(tail, depth + 1):
                continue
            if self.is_common(head) or (head[-1] in "se" and len(head) > 3 and self.is_common(head[:-1])):
                return True
        return False


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    return Lexicon()


@lru_cache(maxsize=64)
def allowed_index(allowed: tuple[str, ...]) -> PhraseIndex:
    return PhraseIndex(allowed)


class TermLists:
    """The lists whose phrases are never findings: the programme's, the generic terms and Copenhagen's districts,
    and a project's own. What a scan asks of all of them at once is answered per word and kept, since an
    import scans many texts against the same lists."""

    def __init__(self, allowed: tuple[str, ...]):
        lex = lexicon()
        self.indexes = [lex.programme, lex.generic, lex.districts] + ([allowed_index(allowed)] if allowed else [])
        self._in_terms: dict[str, bool] = {}
        self._continues: dict[str, bool] = {}
        self._leads: dict[str, bool] = {}

    def in_terms(self, low: str) -> bool:
        """Whether the (lower-case) token is a word of any term."""
        known = self._in_terms.get(low)
        if known is None:
            known = _kept(self._in_terms, low, any(i.starting(low) or i.continues(low) for i in self.indexes))
        return known

    def continues(self, low: str) -> bool:
        """Whether the token can be a later word of some term (PhraseIndex.continues)."""
        known = self._continues.get(low)
        if known is None:
            known = _kept(self._continues, low, any(i.continues(low) for i in self.indexes))
        return known

    def leads(self, low: str) -> bool:
        """Whether the token can be followed by a later word of some term (PhraseIndex.leads)."""
        known = self._leads.get(low)
        if known is None:
            known = _kept(self._leads, low, any(i.leads(low) for i in self.indexes))
        return known


def _kept(cache: dict[str, bool], word: str, answer: bool) -> bool:
    if len(cache) < 200_000:
        cache[word] = answer
    return answer


@lru_cache(maxsize=64)
def term_lists(allowed: tuple[str, ...]) -> TermLists:
    return TermLists(allowed)
