"""Code suggestions from the codebook's indicator words, matched on Danish words.

A suggestion says "segment S004 mentions samtykke, an indicator of F1": it is a proposal the coder
accepts or rejects in the coding view; nothing here writes a coding. A token matches an indicator
word when its lemma or its own lower-case form equals it, so the indicator "samtykke" matches
"Samtykket", and a phrase such as "Familiens Plan" matches "familiens plan" (punctuation between
the words is skipped; the phrase must lie within one segment). Matched indicators are listed in the
codebook's order.

Word boundaries hold on both sides: an indicator matches whole tokens only (never the start of a
compound: "plan" does not match "planlægning", nor "samme" "sammen"). An indicator word that
stands inside a fixed expression from `data/fixed_expressions_da.txt` ("samme" in "med det samme",
"dele" in "til dels") is no hit: the expressions are matched as whole words, case-insensitively,
with only white space between them (a full stop or comma between the words breaks the expression).
Each suggestion carries its reason for the coder: the indicators, and where in the body and with
which words they occur (`Suggestion.hits`). A rejected suggestion is an event in the coder's log
(`reject`), so `open_suggestions` leaves it out in every later session.

Most of a transcript holds no indicator, so the body is never tokenized as a whole. Per codebook,
the lower-case tokens that can have an indicator's first word among their forms are known in
advance (the word, the words the lemma table leads to it, the word plus an inflection ending). A
vectorised filter over the text's characters, compared case-insensitively, finds the
whitespace-free chunks in which such a token may begin; only those chunks are tokenized (spaCy
tokenizes each chunk on its own, so their tokens are the whole text's) and checked with the exact
forms, once per distinct chunk and codebook. The following words of a phrase are read chunk by chunk.
"""

from __future__ import annotations

import bisect
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from itertools import chain, compress, islice
from pathlib import Path
from typing import NamedTuple

import numpy as np

from workbench.coding.store import Coding, CodingStore, Rejection
from workbench.lang.nlp import CHUNK, chunk_tokens, lemma, lemma_table, tokenize
from workbench.material.codebook import Codebook
from workbench.material.corpus import Document

FIXED_EXPRESSIONS = Path(__file__).parent.parent / "data" / "fixed_expressions_da.txt"

# Inflection endings tried on words the lookup table does not know (compounds such as
# "supportteamet"), longest first; a stripped form only counts when it equals an indicator.
_ENDINGS = ("ernes", "enes", "erne", "ene", "ets", "ens", "et", "en", "er", "es", "e", "s")
_MIN_STEM = 3
_WIDTH = 4  # characters of a token's beginning that the filter compares
_BITS = 5  # per character's id: 1 to _SPACE_ID - 1 for the characters of candidate tokens, else 0
_SPACE_ID = (1 << _BITS) - 1


class IndicatorHit(NamedTuple):
    """One place where an indicator occurs: the reason for a suggestion, to show on the text."""

    indicator: str  # as the codebook writes it
    start: int  # offsets into Document.body, from the first word's start to the last word's end
    end: int
    text: str  # the words as they stand in the text ("Samtykket")


@dataclass(frozen=True, slots=True)
class Suggestion:
    doc_id: str
    segment_id: str
    code: str
    matched: tuple[str, ...]  # the indicators that matched, in the codebook's order
    # every occurrence, in indicator then text order; left out of comparisons, so two suggestions
    # of the same code for the same segment and indicators are equal
    hits: tuple[IndicatorHit, ...] = field(default=(), compare=False)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.doc_id, self.segment_id, self.code)


@dataclass(frozen=True)
class _Entry:
    words: tuple[str, ...]  # the indicator as lower-case words
    code: str
    indicator: str  # as the codebook writes it


@lru_cache(maxsize=200_000)
def _forms(word: str) -> frozenset[str]:
    """Lemma, lower-case word, and for words the table does not know the word minus an ending."""
    lower = word.lower()
    forms = {lemma(word), lower}
    if lower not in lemma_table():
        forms.update(lower[: -len(e)] for e in _ENDINGS if lower.endswith(e) and len(lower) - len(e) >= _MIN_STEM)
    return frozenset(forms)


def word_forms(word: str) -> frozenset[str]:
    """The forms under which a word of the text matches a word of an indicator (or of a search)."""
    return _forms(word)


def indicator_words(indicator: str) -> tuple[str, ...]:
    """An indicator as the lower-case words the codebook wrote ("Familiens Plan" → ("familiens", "plan")).

    Indicators are written as lemmas and are not lemmatised again: the lookup table would turn
    the verb "mødes" into the noun "møde" and make it match every meeting.
    """
    return tuple(t.lower_ for t in tokenize(indicator) if not (t.is_punct or t.is_space))


def _candidate_tokens(words: set[str]) -> set[str]:
    """Every lower-case token whose `_forms` can hold one of `words`: the word itself, the table's
    words whose lemma it is, and the word plus an ending."""
    found = set(words)
    found.update(key.lower() for keys in lemma_table().forms_of(words).values() for key in keys)
    found.update(word + ending for word in words if len(word) >= _MIN_STEM for ending in _ENDINGS)
    # the filter lower-cases "İ" as "i", where str.lower() writes "i" and a combining dot
    found.update([token.replace("i\u0307", "i") for token in found])
    return {token for token in found if CHUNK.fullmatch(token)}  # the table has a few "words" with spaces


@lru_cache(maxsize=1)
def _code_points() -> tuple[np.ndarray, np.ndarray]:
    """Per code point, its lower case and whether it is whitespace as `CHUNK` (and spaCy) sees it.

    "İ" is the one character str.lower() makes two ("i" and a combining dot); here it becomes "i".
    """
    every = np.arange(sys.maxunicode + 1, dtype="<u4").tobytes().decode("utf-32-le", "surrogatepass")
    lower = every.replace("\u0130", "I").lower().encode("utf-32-le", "surrogatepass")
    space = np.zeros(sys.maxunicode + 1, dtype=bool)
    space[[m.start() for m in re.finditer(r"\s", every)]] = True
    return np.frombuffer(lower, dtype=np.uint32), space


def _beginnings(tokens: set[str]) -> tuple[np.ndarray, np.ndarray]:
    """The filter: an id per code point, case-insensitively, and per key of _WIDTH ids whether a
    token begins so.

    Whitespace gets _SPACE_ID, characters that occur in no token 0, and a few may share an id; a
    token shorter than _WIDTH begins every key it is a prefix of. Shared ids and short tokens only
    let more chunks through to the exact check.
    """
    ids = np.zeros(sys.maxunicode + 1, dtype=np.uint32)
    for rank, char in enumerate(sorted({char for token in tokens for char in token})):
        ids[ord(char)] = 1 + rank % (_SPACE_ID - 1)
    # str.lower() writes a word-final sigma as "ς", so a token and the text around it may differ
    ids[ord("ς")] = ids[ord("σ")] = max(ids[ord("ς")], ids[ord("σ")])
    begins = np.zeros(1 << (_BITS * _WIDTH), dtype=bool)
    for token in tokens:
        key = 0
        for char in token[:_WIDTH]:
            key = key << _BITS | int(ids[ord(char)])
        free = _BITS * (_WIDTH - min(len(token), _WIDTH))
        begins[key << free : (key + 1) << free] = True
    lower, space = _code_points()
    by_code_point = ids[lower]
    by_code_point[space] = _SPACE_ID
    return by_code_point, begins


def _words_after(body: str, chunk_start: int, end: int) -> Iterator[tuple[int, str]]:
    """(end, text) of the word tokens (punctuation left out) from character `end` of the chunk at
    `chunk_start` on, chunk by chunk."""
    for chunk in CHUNK.finditer(body, chunk_start):
        for text, offset, punct in chunk_tokens(chunk.group()):
            if not punct and chunk.start() + offset >= end:
                yield chunk.start() + offset + len(text), text


def _phrase_end(body: str, chunk_start: int, end: int, words: tuple[str, ...]) -> int | None:
    """Where the phrase's last word ends, if `words` are the word tokens that follow character `end`."""
    following = list(islice(_words_after(body, chunk_start, end), len(words)))
    if len(following) == len(words) and all(word in _forms(text) for word, (_, text) in zip(words, following)):
        return following[-1][0]
    return None


class _Index:
    """The codebook's indicators in codebook order, by first word, and the filter that finds the
    chunks of a text where a first word may stand."""

    def __init__(self, indicators: tuple[tuple[str, tuple[str, ...]], ...]):
        self.entries: list[_Entry] = []  # an entry's number is its rank in the codebook
        self.by_first: dict[str, list[int]] = {}
        for key, code_indicators in indicators:
            for indicator in dict.fromkeys(code_indicators):
                words = indicator_words(indicator)
                if words:
                    self.by_first.setdefault(words[0], []).append(len(self.entries))
                    self.entries.append(_Entry(words, key, indicator))
        self.indicators = [entry.indicator for entry in self.entries]  # by entry number
        self.codes = [entry.code for entry in self.entries]
        self._ids, self._begins = _beginnings(_candidate_tokens(set(self.by_first)))
        self._starting: dict[frozenset[str], list[int]] = {}
        # per chunk the filter let through, its `_first_words`: grows with the project's vocabulary
        self._chunks: dict[str, tuple[tuple[int, int, int, tuple[str, ...]], ...]] = {}

    @cached_property
    def in_expressions(self) -> frozenset[int]:
        """Entry numbers of the indicators whose first word can be a word of a fixed expression:
        only their hits need the (slower) look at the words around them."""
        return frozenset(
            number for word in _fixed_expressions() for number in self._starting_with(_forms(word))
        )

    def _first_words(self, chunk: str) -> tuple[tuple[int, int, int, tuple[str, ...]], ...]:
        """(offset, end offset, entry number, the indicator's further words) of the chunk's tokens
        that are an indicator's first word."""
        return tuple(
            (offset, offset + len(text), number, self.entries[number].words[1:])
            for text, offset, punct in chunk_tokens(chunk)
            if not punct
            for number in self._starting_with(_forms(text))
        )

    def _starting_with(self, forms: frozenset[str]) -> list[int]:
        """The entry numbers of the indicators whose first word is one of the forms."""
        found = self._starting.get(forms)
        if found is None:
            found = self._starting[forms] = [number for form in forms for number in self.by_first.get(form, ())]
        return found

    def _candidate_chunks(self, body: str) -> tuple[list[int], list[int]]:
        """(starts, ends) of the chunks in which _WIDTH characters begin like a candidate token."""
        units = body.encode("utf-16-le", "surrogatepass")  # half the bytes of UTF-32, and faster made
        if len(units) == 2 * len(body):  # one unit per character: no character beyond U+FFFF
            ids = self._ids.take(np.frombuffer(units, dtype=np.uint16))
        else:
            ids = self._ids.take(np.frombuffer(body.encode("utf-32-le", "surrogatepass"), dtype=np.uint32))
        keys = np.zeros(len(ids), dtype=np.uint32)  # key i: the ids of characters i to i + _WIDTH - 1
        for i in range(min(_WIDTH, len(ids))):
            keys[: len(ids) - i] |= ids[i:] << (_BITS * (_WIDTH - 1 - i))  # type: ignore[arg-type]  # stays uint32
        spaces = np.flatnonzero(ids == _SPACE_ID)
        # chunk n ends at space n (take: the same gather as indexing, without its checks)
        chunks = np.searchsorted(spaces, np.flatnonzero(self._begins.take(keys)))
        chunks = chunks[np.diff(chunks, prepend=-1) > 0]
        bounds = np.concatenate(([-1], spaces, [len(ids)]))
        return (bounds[chunks] + 1).tolist(), bounds[chunks + 1].tolist()

    def hits(self, body: str) -> list[tuple[int, int, int]]:
        """Every place in the body where an indicator occurs: (start of its first word, end of its
        last word, entry number)."""
        starts, ends = self._candidate_chunks(body)
        chunks = list(map(body.__getitem__, map(slice, starts, ends)))
        for chunk in set(chunks).difference(self._chunks):
            self._chunks[chunk] = self._first_words(chunk)
        firsts = list(map(self._chunks.__getitem__, chunks))
        found = []
        for start, first in compress(zip(starts, firsts), firsts):
            for offset, end_offset, number, further in first:
                end = start + end_offset
                last = _phrase_end(body, start, end, further) if further else end
                if last is not None:
                    found.append((start + offset, last, number))
        return found


def _indicator_index(codebook: Codebook) -> _Index:
    return _index_of(tuple((code.key, code.indicators) for code in codebook.codes))


@lru_cache(maxsize=8)
def _index_of(indicators: tuple[tuple[str, tuple[str, ...]], ...]) -> _Index:
    """Built once per codebook content."""
    return _Index(indicators)


@lru_cache(maxsize=1)
def _fixed_expressions() -> dict[str, tuple[tuple[tuple[str, ...], int], ...]]:
    """Per lower-case word, the fixed expressions (as lower-case words) it stands in, and where."""
    by_word: dict[str, list[tuple[tuple[str, ...], int]]] = {}
    for line in FIXED_EXPRESSIONS.read_text(encoding="utf-8").splitlines():
        words = tuple(_WORD.findall(line.lower()))
        if len(words) < 2 or line.lstrip().startswith("#"):  # one word alone is no expression
            continue
        for place, word in enumerate(words):
            by_word.setdefault(word, []).append((words, place))
    return {word: tuple(found) for word, found in by_word.items()}


@lru_cache(maxsize=1)
def _neighbours() -> dict[str, tuple[frozenset[str], frozenset[str]]]:
    """Per lower-case word of a fixed expression, the words that stand right before it (where it is
    not the first word) and right after it (where it is), in some expression."""
    return {
        word: (frozenset(expression[place - 1] for expression, place in options if place),
               frozenset(expression[1] for expression, place in options if not place))
        for word, options in _fixed_expressions().items()
    }


_WORD = re.compile(r"\w+")
_REACH = 80  # characters around a hit that hold any fixed expression it can stand in


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"  # exactly what \w matches, character by character


def _word_before(body: str, start: int) -> str:
    """The whole word before body[start] with only non-word characters between ("" at the text's start)."""
    gap = start
    while gap > 0 and not _is_word_char(body[gap - 1]):
        gap -= 1
    word_start = gap
    while word_start > 0 and _is_word_char(body[word_start - 1]):
        word_start -= 1
    return body[word_start:gap]


def in_fixed_expression(body: str, start: int, end: int) -> bool:
    """Whether body[start:end] (an indicator's words) stands inside a fixed expression: the words
    around it, as whole words, are the expression's."""
    first = _WORD.match(body, start)
    first_lower = first.group().lower() if first else ""
    neighbours = _neighbours().get(first_lower)
    if neighbours is None:
        return False
    assert first is not None  # neighbours were found for it
    # most hits fail on the next word to the left or right; only those that pass are looked at whole
    before, after = neighbours
    previous = (_word_before(body, start).lower() or None) if before else None
    following = None
    if after:
        found = _WORD.search(body, first.end(), first.end() + 40)
        following = found.group().lower() if found else None
    if previous not in before and following not in after:
        return False
    likely = [
        (expression, place) for expression, place in _fixed_expressions()[first_lower]
        if (expression[place - 1] == previous if place else expression[1] == following)
    ]
    if not likely:
        return False
    words = list(_WORD.finditer(body, max(0, start - _REACH), min(len(body), end + _REACH)))
    here = next(i for i, word in enumerate(words) if word.start() == start)
    lower = [word.group().lower() for word in words]
    for expression, place in likely:
        first_word, last_word = here - place, here - place + len(expression) - 1
        if (first_word >= 0 and last_word < len(words) and words[last_word].end() >= end
                and tuple(lower[first_word : last_word + 1]) == expression
                and all(body[words[i].end() : words[i + 1].start()].isspace() for i in range(first_word, last_word))):
            return True  # the expression's words, with only spaces or line breaks between them
    return False


def prepare(codebook: Codebook) -> None:
    """Build the codebook's indicator index and read the fixed expressions now: an import does it
    before forking its workers, so that they share them instead of each building its own."""
    _ = _indicator_index(codebook).in_expressions


def _counted_hits(document: Document, index: _Index) -> Iterator[tuple[int, int, int, int]]:
    """(segment number, start, end, entry number) of the hits that count, in text order: not in a speaker
    label, nor a phrase across segments, nor a word of a fixed expression."""
    segments = document.segments
    segment_starts, segment_ends = [s.start for s in segments], [s.end for s in segments]
    in_expressions, body = index.in_expressions, document.body
    for start, end, number in index.hits(body):
        segment = bisect.bisect_right(segment_starts, start) - 1
        if segment >= 0 and end <= segment_ends[segment] and not (
            number in in_expressions and in_fixed_expression(body, start, end)
        ):
            yield segment, start, end, number


def suggest(document: Document, codebook: Codebook) -> list[Suggestion]:
    """Per segment, the codes whose indicators occur in it, in segment and codebook order."""
    index = _indicator_index(codebook)
    entries, count, indicators = index.entries, len(index.entries), index.indicators
    body = document.body
    found: dict[int, list[IndicatorHit]] = {}  # segment number × count + entry number → its hits, in text order
    new_hit = tuple.__new__  # a NamedTuple built without its Python-level __new__: many hits per document
    for segment, start, end, number in _counted_hits(document, index):
        hit = new_hit(IndicatorHit, (indicators[number], start, end, body[start:end]))
        found.setdefault(segment * count + number, []).append(hit)
    matched: dict[tuple[int, str], list[int]] = {}  # (segment number, code) → keys, by segment, code, indicator
    for key in sorted(found):
        matched.setdefault((key // count, entries[key % count].code), []).append(key)
    doc_id, segments = document.id, document.segments
    suggestions = []
    words: tuple[str, ...]
    for (segment, code), keys in matched.items():
        if len(keys) == 1:  # one indicator: most suggestions
            key = keys[0]
            words, hits = (indicators[key % count],), tuple(found[key])
        else:
            words = tuple([indicators[key % count] for key in keys])
            hits = tuple(chain.from_iterable(map(found.__getitem__, keys)))
        suggestions.append(Suggestion(doc_id, segments[segment].id, code, words, hits))
    return suggestions


def count_suggestions(document: Document, codebook: Codebook) -> int:
    """len(suggest(document, codebook)), without building the suggestions and their hits (what an import
    reports per file)."""
    index = _indicator_index(codebook)
    codes = index.codes
    return len({(segment, codes[number]) for segment, _, _, number in _counted_hits(document, index)})


def _store(project) -> CodingStore:
    """The project's coding store (a Project, from the layer above), or a store given as it is."""
    return project if isinstance(project, CodingStore) else project.coding_store()


def reject(project, coder: str, suggestion: Suggestion) -> Rejection:
    """Turn a suggestion down for good: an event in the coder's log, remembered across sessions."""
    return _store(project).reject_suggestion(coder, suggestion.doc_id, suggestion.segment_id, suggestion.code)


def unreject(project, coder: str, suggestion: Suggestion) -> None:
    """Undo a rejection (by a new event)."""
    _store(project).undo_reject_suggestion(coder, suggestion.doc_id, suggestion.segment_id, suggestion.code)


def rejected(project, coder: str) -> set[tuple[str, str, str]]:
    """(doc_id, segment_id, code) of every suggestion the coder has rejected."""
    return {r.key for r in _store(project).rejections(coder)}


def open_suggestions(
    document: Document,
    codebook: Codebook,
    codings: Iterable[Coding],
    rejected: Iterable[Rejection | tuple[str, str, str]] = (),
    suggested: list[Suggestion] | None = None,
) -> list[Suggestion]:
    """Suggestions the coder has neither followed nor rejected: pass that coder's codings and
    rejections (`rejected(project, coder)`), and `suggest(document, codebook)` when it is at hand
    (it depends on the text and codebook only, so a UI computes it once per document)."""
    done = {(c.doc_id, c.segment_id, c.code) for c in codings}
    done.update(r.key if isinstance(r, Rejection) else (r[0], r[1], r[2]) for r in rejected)
    return [s for s in (suggest(document, codebook) if suggested is None else suggested) if s.key not in done]
