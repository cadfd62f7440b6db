"""Free-text search in the transcripts, lemma-aware, for the coder to jump to each hit.

A word matches its inflected forms: the query and each word of the text are compared by their
forms (lemma, lower case and, for words the lemma table lacks, the word minus an inflection
ending; the same forms code suggestions use), so "samtykke" finds "Samtykket" and "samtykker",
and "møderne" finds "mødet". A query of several words is a phrase: its words must follow each
other in the text (punctuation between them is skipped). Matching is case-insensitive, on whole
words only, and only in documents with consent. Offsets are into `Document.body`.

Each document's words are read once (chunk by chunk, as spaCy tokenizes them) and kept while the
text is the same, so searching again while coding costs a scan of the words, not a tokenization.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from functools import lru_cache

from workbench.coding.suggestions import word_forms
from workbench.lang.nlp import CHUNK, chunk_tokens, tokenize
from workbench.material.corpus import Corpus


@dataclass(frozen=True)
class Hit:
    doc_id: str
    start: int  # offsets into Document.body: from the first word's start to the last word's end
    end: int
    text: str  # as it stands in the text
    segment_id: str | None = None  # the segment the hit lies in, if it lies in one


@lru_cache(maxsize=256)
def _words(body: str) -> tuple[tuple[int, int, str], ...]:
    """(start, end, text) of every word token of the body (punctuation left out)."""
    return tuple(
        (chunk.start() + offset, chunk.start() + offset + len(text), text)
        for chunk in CHUNK.finditer(body)
        for text, offset, punct in chunk_tokens(chunk.group())
        if not punct
    )


def query_words(query: str) -> list[frozenset[str]]:
    """Per word of the query, the forms a word of the text may share with it."""
    return [word_forms(t.text) for t in tokenize(query.strip()) if not (t.is_punct or t.is_space)]


@lru_cache(maxsize=256)
def _distinct(body: str) -> frozenset[str]:
    return frozenset(text for _, _, text in _words(body))


def search(corpus: Corpus, query: str, doc_id: str | None = None) -> list[Hit]:
    """Every place where the query's words stand (in one document, or the whole corpus), in
    document and text order. Documents whose consent is withdrawn are never searched."""
    wanted = query_words(query)
    if not wanted:
        return []
    hits: list[Hit] = []
    for document in (d for d in corpus.included if doc_id is None or d.id == doc_id):
        body = document.body
        words = _words(body)
        # the distinct words that can begin a hit, checked once per document rather than per word
        first = {text for text in _distinct(body) if word_forms(text) & wanted[0]}
        if not first:
            continue
        starts = [s.start for s in document.segments]
        for i, (start, _, text) in enumerate(words):
            if text not in first or i + len(wanted) > len(words):
                continue
            if all(word_forms(words[i + k][2]) & forms for k, forms in enumerate(wanted[1:], start=1)):
                end = words[i + len(wanted) - 1][1]
                number = bisect.bisect_right(starts, start) - 1
                inside = number >= 0 and end <= document.segments[number].end
                hits.append(Hit(document.id, start, end, body[start:end],
                                document.segments[number].id if inside else None))
    return hits
