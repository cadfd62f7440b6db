"""The shared Danish spaCy pipeline: blank Danish, sentencizer and lookup lemmatizer.

No model download is needed; lemmas come from spacy-lookups-data. Loading takes a couple of
seconds, so the pipeline is built once per process.
"""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language


@lru_cache(maxsize=1)
def danish() -> Language:
    nlp = spacy.blank("da")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp


@lru_cache(maxsize=1)
def sentences() -> Language:
    """Blank Danish with only the sentencizer: segmentation needs no lemmas, and loading the lemma
    tables takes seconds."""
    nlp = spacy.blank("da")
    nlp.add_pipe("sentencizer")
    return nlp


def lemma(token) -> str:
    """The lookup table is case-sensitive and keyed on lower case; sentence-initial words need it."""
    lemma_ = token.lemma_
    if lemma_ == token.text and token.text[:1].isupper():
        table = danish().get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
        return table.get(token.lower_, token.lower_)
    return lemma_.lower()
