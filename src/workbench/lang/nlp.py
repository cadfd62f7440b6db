"""The shared Danish language data: spaCy's Danish tokenizer, sentences and the lookup lemma table.

No model download is needed: the tokenizer is `spacy.blank("da")`'s, shared by segmentation and code
suggestions (one tokenizer cache). Sentence boundaries follow spaCy's Sentencizer rule, worked out from
the tokens of only the chunks around sentence-final characters. Lemmas come from spacy-lookups-data's
Danish table, answered word by word from an index in the user's cache folder (lemmas.py). Each is built
once per process, and spaCy is imported only when a text is first tokenized: importing it costs half a
second, which a page that never segments (the self-evaluation form) should not pay.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from workbench.lang.lemmas import lemma_table
from workbench.lang.patterns import first_character_class

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc


@lru_cache(maxsize=1)
def blank() -> Language:
    import spacy

    return spacy.blank("da")


def tokenize(text: str) -> Doc:
    return blank().make_doc(text)


@lru_cache(maxsize=200_000)
def chunk_tokens(chunk: str) -> tuple[tuple[str, int, bool], ...]:
    """spaCy's tokens of one whitespace-free chunk: (text, offset in the chunk, is punctuation).

    spaCy's tokenizer first splits a text on whitespace and tokenizes each chunk on its own (its
    cache is keyed by chunk), so the tokens of a chunk are the same wherever it stands; a caller
    that needs only a few places of a long text can tokenize just the chunks there. One exception:
    spaCy also matches its multi-token special cases (emoticons such as "[=", contractions such as
    "gi'") across spaces, and a match that straddles a space, as in "= [=", keeps the chunk's own
    from applying. No sentence end depends on it (tests/test_sentences.py compares with spaCy).
    """
    return tuple((t.text, t.idx, t.is_punct) for t in tokenize(chunk))


@lru_cache(maxsize=1)
def _final() -> frozenset[str]:
    """The Sentencizer's sentence-final characters (spaCy is imported on first use, see the docstring)."""
    from spacy.pipeline.sentencizer import Sentencizer

    return frozenset(Sentencizer.default_punct_chars)


@lru_cache(maxsize=1)
def _final_chunk() -> re.Pattern[str]:
    """A chunk from its first sentence-final character on; group 1 holds a lone space and a letter or digit
    after it (a token that starts with one is not punctuation). Astral characters are all let in, because
    listing the few final ones makes the class many times slower; their tokens decide. The final characters
    are many ranges of Unicode, so the engine finds a candidate by a class of few ranges and checks it after."""
    final = _final()
    return re.compile(
        first_character_class(final.__contains__)
        + "(?<=[" + re.escape("".join(sorted(c for c in final if c <= "\uffff")))
        + "\U00010000-\U0010ffff])\\S*(?=( [^\\W_])?)"
    )

# A whitespace-free chunk: what spaCy tokenizes on its own (\s is str.isspace, where spaCy splits)
CHUNK = re.compile(r"\S+")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) character offsets of the sentences, by spaCy's Sentencizer rule: after a sentence-final
    token, the next token that is not punctuation starts a new sentence.

    Only the chunks that hold a final character, and the chunks that follow until the next sentence
    starts, are tokenized (`chunk_tokens`); tokenizing the whole text costs about four times more. The
    whitespace tokens are worked out as spaCy's tokenizer makes them.
    """
    if not text:
        return []
    starts, resume = [0], 0
    for match in _final_chunk().finditer(text):
        first, end = match.span()
        if first < resume:
            continue
        # The chunk starts after the last space; other (rarer) whitespace is split off in _chunk_rule.
        begin = (text.rfind(" ", resume, first) + 1) or resume
        found, waiting = _chunk_rule(text[begin:end], False)
        for offset in found:
            starts.append(begin + offset)
        if not waiting:
            resume = end
        elif match.lastindex:  # a lone space and a word: the word starts the next sentence
            starts.append(end + 1)
            resume = end + 1
        else:
            resume = _next_start(text, end, starts)
    # A lone space after a token belongs to that token, which is not part of its span.
    ends = [start - (text[start - 1] == " ") for start in starts[1:]]
    ends.append(len(text) - (len(text) > 1 and text[-1] == " " and not text[-2].isspace()))
    return list(zip(starts, ends))


def _next_start(text: str, end: int, starts: list[int]) -> int:
    """A final token waits at the end of the chunk that ends at end: add the start of the next sentence, if
    there is one, and any starts in the chunks walked through; return where the rule stopped."""
    waiting = True
    while waiting and end < len(text):
        # spaCy gives a lone " " after a token to that token; any other whitespace is a token of its own
        # (after the first " ", if that is one), and whitespace is never punctuation.
        after = end + 1
        if text[end] != " " or (after < len(text) and text[after].isspace()):
            starts.append(end + (text[end] == " "))
            return end
        if after == len(text):
            return after
        end = CHUNK.match(text, after).end()  # type: ignore[union-attr]  # text[after] is not whitespace
        found, waiting = _chunk_rule(text[after:end], True)
        for offset in found:
            starts.append(after + offset)
    return end


@lru_cache(maxsize=200_000)
def _chunk_rule(piece: str, waiting: bool) -> tuple[tuple[int, ...], bool]:
    """The rule over the last chunk of piece (whose earlier chunks hold no final character), entered with
    or without a final token waiting: the offsets in piece where sentences start, and whether a final
    token waits at its end."""
    chunk = piece.rsplit(None, 1)[-1]
    found, final = [], _final()
    for token, offset, is_punct in chunk_tokens(chunk):
        if token in final:
            waiting = True
        elif waiting and not is_punct:
            found.append(len(piece) - len(chunk) + offset)
            waiting = False
    return tuple(found), waiting


def lemma(word: str) -> str:
    """The lower-case lemma; a sentence-initial word the table only knows in lower case is looked up so."""
    table = lemma_table()
    found = table.get(word, word)
    if found == word and word[:1].isupper():
        lower = word.lower()
        return table.get(lower, lower)
    return found.lower()
