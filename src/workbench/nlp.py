"""The shared Danish language data: spaCy's Danish tokenizer, sentences and the lookup lemma table.

No model download is needed: the tokenizer is `spacy.blank("da")`'s, shared by segmentation and code
suggestions (one tokenizer cache). Sentence boundaries follow spaCy's Sentencizer rule, computed on the
tokenizer's arrays. Lemmas come from spacy-lookups-data's Danish table, read as a plain dict: a spaCy
lookup lemmatizer would load the same table into a `Table` three times slower and answer each look-up
ten times slower. Each is built once per process.
"""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.attrs import IDX, IS_PUNCT, LENGTH, ORTH
from spacy.language import Language
from spacy.pipeline.sentencizer import Sentencizer
from spacy.tokens import Doc


@lru_cache(maxsize=1)
def blank() -> Language:
    return spacy.blank("da")


def tokenize(text: str) -> Doc:
    return blank().make_doc(text)


@lru_cache(maxsize=200_000)
def chunk_tokens(chunk: str) -> tuple[tuple[str, int, bool], ...]:
    """spaCy's tokens of one whitespace-free chunk: (text, offset in the chunk, is punctuation).

    spaCy's tokenizer first splits a text on whitespace and tokenizes each chunk on its own (its
    cache is keyed by chunk), so the tokens of a chunk are the same wherever it stands; a caller
    that needs only a few places of a long text can tokenize just the chunks there.
    """
    return tuple((t.text, t.idx, t.is_punct) for t in tokenize(chunk))


@lru_cache(maxsize=1)
def _sentence_final() -> frozenset[int]:
    """The hashes of the tokens that end a sentence ("." "?" "!" ...), as spaCy's Sentencizer has them."""
    strings = blank().vocab.strings
    return frozenset(strings.add(char) for char in Sentencizer.default_punct_chars)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) character offsets of the sentences, by spaCy's Sentencizer rule: after a sentence-final
    token, the next token that is not punctuation starts a new sentence.

    The rule runs on the tokenizer's arrays, because the Sentencizer makes a Python object of every
    token, which costs more than tokenizing the text.
    """
    doc = tokenize(text)
    if not len(doc):
        return []
    final = _sentence_final()
    rows = doc.to_array([ORTH, IDX, LENGTH, IS_PUNCT]).tolist()
    starts, seen_final = [0], False
    for i, (orth, _, _, punct) in enumerate(rows):
        if orth in final:
            seen_final = True
        elif seen_final and not punct:
            starts.append(i)
            seen_final = False
    ends = [i - 1 for i in starts[1:]] + [len(rows) - 1]
    return [(rows[a][1], rows[b][1] + rows[b][2]) for a, b in zip(starts, ends)]


@lru_cache(maxsize=1)
def lemma_table() -> dict[str, str]:
    """word → lemma, case-sensitive, mostly keyed on lower case (spacy-lookups-data)."""
    from spacy.util import load_language_data, registry

    return load_language_data(registry.lookups.get("da")["lemma_lookup"])


def lemma(word: str) -> str:
    """The lower-case lemma; a sentence-initial word the table only knows in lower case is looked up so."""
    table = lemma_table()
    found = table.get(word, word)
    if found == word and word[:1].isupper():
        lower = word.lower()
        return table.get(lower, lower)
    return found.lower()
