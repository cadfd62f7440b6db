"""Code suggestions from the codebook's indicator words, matched on Danish words.

A suggestion says "segment S004 mentions samtykke, an indicator of F1": it is a proposal the coder
accepts or rejects in the coding view; nothing here writes a coding. The document body is tokenized
once (not once per segment) and tokens are mapped to segments by character offset. A word's forms
are worked out once per process, not once per occurrence, and only the tokens whose forms can start
an indicator are looked at one by one, so suggesting over a long transcript costs little more than
tokenizing it. The analysis is cached per document text hash, so re-suggesting after a coding is
cheap. A token matches an indicator word when its lemma or its own lower-case form equals it, so the
indicator "samtykke" matches "Samtykket", and a phrase such as "Familiens Plan" matches "familiens plan".
"""

from __future__ import annotations

import bisect
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

import numpy as np
from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LENGTH, ORTH

from .codebook import Codebook
from .codings import Coding
from .corpus import Document, text_hash
from .nlp import lemma, lemma_table, tokenize

# Inflection endings tried on words the lookup table does not know (compounds such as
# "supportteamet"), longest first; a stripped form only counts when it equals an indicator.
_ENDINGS = ("ernes", "enes", "erne", "ene", "ets", "ens", "et", "en", "er", "es", "e", "s")
_MIN_STEM = 3
_CACHE_SIZE = 256

Entry = tuple[tuple[str, ...], str, str]  # (indicator as lower-case words, code key, indicator as written)


@dataclass(frozen=True)
class Suggestion:
    doc_id: str
    segment_id: str
    code: str
    matched: tuple[str, ...]  # the words that matched


@dataclass(frozen=True)
class _Analysis:
    """A body's word tokens (punctuation and spaces left out) as arrays, one entry per token."""

    starts: np.ndarray  # character offsets into the body
    ends: np.ndarray
    word: np.ndarray  # index into `forms`: one entry per distinct word of the body
    forms: list[frozenset[str]]


_analysed: OrderedDict[str, _Analysis] = OrderedDict()


@lru_cache(maxsize=200_000)
def _forms(word: str) -> frozenset[str]:
    """Lemma, lower-case word, and for words the table does not know the word minus an ending."""
    lower = word.lower()
    forms = {lemma(word), lower}
    if lower not in lemma_table():
        forms.update(lower[: -len(e)] for e in _ENDINGS if lower.endswith(e) and len(lower) - len(e) >= _MIN_STEM)
    return frozenset(forms)


def _analyse(body: str) -> _Analysis:
    """One tokenizer call per distinct text; no spaCy Token objects, which would cost more than the tokenizer."""
    key = text_hash(body)
    if key in _analysed:
        _analysed.move_to_end(key)
        return _analysed[key]
    doc = tokenize(body)
    table = doc.to_array([ORTH, IDX, LENGTH, IS_PUNCT, IS_SPACE]).reshape(-1, 5)
    table = table[(table[:, 3] == 0) & (table[:, 4] == 0)]
    orths, word = np.unique(table[:, 0], return_inverse=True)
    starts = table[:, 1].astype(np.int64)
    strings = doc.vocab.strings
    analysis = _Analysis(
        starts=starts, ends=starts + table[:, 2].astype(np.int64), word=word.reshape(-1),
        forms=[_forms(strings[int(orth)]) for orth in orths],
    )
    _analysed[key] = analysis
    if len(_analysed) > _CACHE_SIZE:
        _analysed.popitem(last=False)
    return analysis


def indicator_words(indicator: str) -> tuple[str, ...]:
    """An indicator as the lower-case words the codebook wrote ("Familiens Plan" → ("familiens", "plan")).

    Indicators are written as lemmas and are not lemmatised again: the lookup table would turn
    the verb "mødes" into the noun "møde" and make it match every meeting.
    """
    return tuple(t.lower_ for t in tokenize(indicator) if not (t.is_punct or t.is_space))


class _Index:
    """The codebook's indicators by first word; per word form set, the indicators it can start."""

    def __init__(self, indicators: tuple[tuple[str, tuple[str, ...]], ...]):
        self.by_first: dict[str, list[Entry]] = {}
        for key, code_indicators in indicators:
            for indicator in code_indicators:
                words = indicator_words(indicator)
                if words:
                    self.by_first.setdefault(words[0], []).append((words, key, indicator))
        self._starting: dict[frozenset[str], list[Entry]] = {}

    def starting(self, forms: frozenset[str]) -> list[Entry]:
        found = self._starting.get(forms)
        if found is None:
            found = self._starting[forms] = [entry for form in forms for entry in self.by_first.get(form, ())]
        return found


def _indicator_index(codebook: Codebook) -> _Index:
    return _index_of(tuple((code.key, code.indicators) for code in codebook.codes))


@lru_cache(maxsize=8)
def _index_of(indicators: tuple[tuple[str, tuple[str, ...]], ...]) -> _Index:
    """Built once per codebook content."""
    return _Index(indicators)


def suggest(document: Document, codebook: Codebook) -> list[Suggestion]:
    """Per segment, the codes whose indicators occur in it, in segment and codebook order."""
    segments = document.segments
    segment_starts = [s.start for s in segments]
    index = _indicator_index(codebook)
    analysis = _analyse(document.body)
    starting = [index.starting(forms) for forms in analysis.forms]  # per distinct word
    may_start = np.fromiter(map(bool, starting), dtype=bool, count=len(starting))
    word, starts, ends, forms = analysis.word, analysis.starts, analysis.ends, analysis.forms
    found: dict[tuple[int, str], list[str]] = {}  # (segment number, code) → matched indicators
    for position in np.flatnonzero(may_start[word]).tolist() if len(word) else ():
        number = bisect.bisect_right(segment_starts, starts[position]) - 1
        if number < 0 or ends[position] > segments[number].end:
            continue  # a speaker label or other text outside every segment
        for words, code, indicator in starting[word[position]]:
            last = position + len(words) - 1
            if last >= len(word) or ends[last] > segments[number].end:
                continue  # a phrase must lie within one segment
            if all(w in forms[word[position + j]] for j, w in enumerate(words[1:], start=1)):
                matched = found.setdefault((number, code), [])
                if indicator not in matched:
                    matched.append(indicator)
    order = {c.key: i for i, c in enumerate(codebook.codes)}
    return [
        Suggestion(document.id, segments[number].id, code, tuple(matched))
        for (number, code), matched in sorted(found.items(), key=lambda item: (item[0][0], order[item[0][1]]))
    ]


def open_suggestions(document: Document, codebook: Codebook, codings: Iterable[Coding]) -> list[Suggestion]:
    """Suggestions the coder has not already followed: pass that coder's codings."""
    done = {(c.doc_id, c.segment_id, c.code) for c in codings}
    return [s for s in suggest(document, codebook) if (s.doc_id, s.segment_id, s.code) not in done]
