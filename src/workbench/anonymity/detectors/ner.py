"""Named entities from a trained Danish spaCy pipeline, when one is installed."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from workbench.anonymity.scan import Scan


def external_ner(scan: Scan) -> None:
    nlp = _trained_pipeline()
    if nlp is None:
        return
    kinds = {"PER": "navn", "ORG": "institution", "LOC": "adresse"}
    for ent in nlp(scan.work).ents:
        kind = kinds.get(ent.label_)
        if not kind or scan.inside_allowed(ent.start_char, ent.end_char):
            continue
        words = [t for t in ent if t.is_alpha]
        if not words or all(scan.lex.is_common(t.lower_) or scan.lex.is_known_proper(t.text) for t in words):
            continue
        scan.add(7, ent.start_char, ent.end_char, kind)


@lru_cache(maxsize=1)
def _trained_pipeline():
    """A trained Danish pipeline's NER, when one happens to be installed (none is required)."""
    try:
        import spacy
    except ImportError:
        return None
    for name in ("da_core_news_lg", "da_core_news_md", "da_core_news_sm"):
        try:
            return spacy.load(name, exclude=["parser", "lemmatizer", "attribute_ruler", "morphologizer", "tagger"])
        except Exception:  # not installed, or broken: the guard works without it
            continue
    return None
