"""Code suggestions from the codebook's indicator words, matched on Danish words.

A suggestion says "segment S004 mentions samtykke, an indicator of F1": it is a proposal the coder
accepts or rejects in the coding view; nothing here writes a coding. The document body is run
through the shared pipeline once (not once per segment) and tokens are mapped to segments by
character offset; the lemmatised tokens are cached per document text hash, so re-suggesting after
a coding is cheap. A token matches an indicator word when its lemma or its own lower-case form
equals it, so the indicator "samtykke" matches "Samtykket", and a phrase such as "Familiens Plan"
matches "familiens plan".
"""

from __future__ import annotations

import bisect
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

from .codebook import Codebook
from .codings import Coding
from .corpus import Document, text_hash
from .nlp import danish, lemma

# Inflection endings tried on words the lookup table does not know (compounds such as
# "supportteamet"), longest first; a stripped form only counts when it equals an indicator.
_ENDINGS = ("ernes", "enes", "erne", "ene", "ets", "ens", "et", "en", "er", "es", "e", "s")
_MIN_STEM = 3
_CACHE_SIZE = 256


@dataclass(frozen=True)
class Suggestion:
    doc_id: str
    segment_id: str
    code: str
    matched: tuple[str, ...]  # the words that matched


@dataclass(frozen=True)
class _Token:
    start: int  # character offsets into the body
    end: int
    forms: frozenset[str]  # lemma, lower-case word, and for unknown words the word minus an ending


_analysed: OrderedDict[str, list[_Token]] = OrderedDict()


def _lookup_table():
    return danish().get_pipe("lemmatizer").lookups.get_table("lemma_lookup")


def _forms(token, table) -> frozenset[str]:
    lower = token.lower_
    forms = {lemma(token), lower}
    if lower not in table:
        forms.update(lower[: -len(e)] for e in _ENDINGS if lower.endswith(e) and len(lower) - len(e) >= _MIN_STEM)
    return frozenset(forms)


def _tokens(body: str) -> list[_Token]:
    """The body's word tokens with their lemma forms: one pipeline call per distinct text."""
    key = text_hash(body)
    if key in _analysed:
        _analysed.move_to_end(key)
        return _analysed[key]
    table = _lookup_table()
    tokens = [
        _Token(t.idx, t.idx + len(t.text), _forms(t, table))
        for t in danish()(body)
        if not (t.is_punct or t.is_space)
    ]
    _analysed[key] = tokens
    if len(_analysed) > _CACHE_SIZE:
        _analysed.popitem(last=False)
    return tokens


def indicator_words(indicator: str) -> tuple[str, ...]:
    """An indicator as the lower-case words the codebook wrote ("Familiens Plan" → ("familiens", "plan")).

    Indicators are written as lemmas and are not lemmatised again: the lookup table would turn
    the verb "mødes" into the noun "møde" and make it match every meeting.
    """
    return tuple(t.lower_ for t in danish().make_doc(indicator) if not (t.is_punct or t.is_space))


def _indicator_index(codebook: Codebook) -> dict[str, list[tuple[tuple[str, ...], str, str]]]:
    return _index_of(tuple((code.key, code.indicators) for code in codebook.codes))


@lru_cache(maxsize=8)
def _index_of(indicators: tuple[tuple[str, tuple[str, ...]], ...]) -> dict[str, list[tuple[tuple[str, ...], str, str]]]:
    """First word → [(word sequence, code key, indicator as written)]; built once per codebook content."""
    index: dict[str, list[tuple[tuple[str, ...], str, str]]] = {}
    for key, code_indicators in indicators:
        for indicator in code_indicators:
            words = indicator_words(indicator)
            if words:
                index.setdefault(words[0], []).append((words, key, indicator))
    return index


def suggest(document: Document, codebook: Codebook) -> list[Suggestion]:
    """Per segment, the codes whose indicators occur in it, in segment and codebook order."""
    segments = document.segments
    starts = [s.start for s in segments]
    index = _indicator_index(codebook)
    tokens = _tokens(document.body)
    found: dict[tuple[int, str], list[str]] = {}  # (segment number, code) → matched indicators
    for position, token in enumerate(tokens):
        candidates = [entry for form in token.forms for entry in index.get(form, ())]
        if not candidates:
            continue
        number = bisect.bisect_right(starts, token.start) - 1
        if number < 0 or token.end > segments[number].end:
            continue  # a speaker label or other text outside every segment
        for words, code, indicator in candidates:
            following = tokens[position : position + len(words)]
            if len(following) < len(words) or following[-1].end > segments[number].end:
                continue  # a phrase must lie within one segment
            if all(word in t.forms for word, t in zip(words[1:], following[1:])):
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
