"""A coding's anchor: what its text looked like, as short word hashes, so it can be found again.

When a transcript is edited after coding, the coding's offsets point at other text. To propose
where the coded passage went, the add event keeps a fingerprint of the covered words and a few
words on either side, never the text itself: the logs are append-only, and a name that is later
pseudonymised in the transcript must not survive in a log that can never be rewritten. Each word
(lower case) becomes 3 hex digits (12 bits) of its SHA-1: enough to align word sequences with
difflib, too few to read the text back (every hash is shared by thousands of words).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache

WORD = re.compile(r"\w+")
CONTEXT_WORDS = 6  # words kept on either side of the span, to tell repeated passages apart
_WIDTH = 3  # hex digits per word


@lru_cache(maxsize=100_000)
def word_hash(word: str) -> str:
    return hashlib.sha1(word.lower().encode("utf-8")).hexdigest()[:_WIDTH]


@dataclass(frozen=True)
class Anchor:
    before: tuple[str, ...]  # word hashes of the context before the span
    words: tuple[str, ...]  # word hashes of the covered text
    after: tuple[str, ...]

    def encode(self) -> str:
        return "|".join("".join(part) for part in (self.before, self.words, self.after))


def words_of(text: str, start: int = 0, end: int | None = None) -> list[re.Match]:
    return list(WORD.finditer(text, start, len(text) if end is None else end))


def anchor_of(body: str, start: int, end: int) -> Anchor:
    """The fingerprint of body[start:end] and its neighbourhood."""
    before = [m.group() for m in WORD.finditer(body, max(0, start - 200), start)][-CONTEXT_WORDS:]
    inside = [m.group() for m in WORD.finditer(body, start, end)]
    after = [m.group() for m in WORD.finditer(body, end, min(len(body), end + 200))][:CONTEXT_WORDS]
    return Anchor(*(tuple(map(word_hash, part)) for part in (before, inside, after)))


def encode_anchor(body: str, start: int, end: int) -> str:
    return anchor_of(body, start, end).encode()


def decode_anchor(text: str) -> Anchor | None:
    """The anchor stored in a coding, or None for codings written before anchors existed (or unreadable)."""
    parts = text.split("|") if text else []
    if len(parts) != 3 or any(len(p) % _WIDTH for p in parts):
        return None
    return Anchor(*(tuple(p[i : i + _WIDTH] for i in range(0, len(p), _WIDTH)) for p in parts))
