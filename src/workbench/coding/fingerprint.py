"""A coding's anchor: what its text looked like, as short word hashes, so it can be found again.

When a transcript is edited after coding, the coding's offsets point at other text. To propose
where the coded passage went, the add event keeps a fingerprint of the covered words and a few
words on either side, never the text itself: the logs are append-only, and a name that is later
pseudonymised in the transcript must not survive in a log that can never be rewritten. Each word
(lower case) becomes 3 hex digits (12 bits) of its SHA-1: enough to align word sequences with
difflib, too few to read the text back (every hash is shared by thousands of words). The number
of characters before the first and after the last covered word (a quote mark, a full stop) is
kept too, so a proposed span covers what the coder selected.

Encoded as `before|words|after|lead,trail`, the hashes written one after another.
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
    lead: int = 0  # characters of the span before its first word
    trail: int = 0  # characters of the span after its last word

    def encode(self) -> str:
        hashes = ["".join(part) for part in (self.before, self.words, self.after)]
        return "|".join([*hashes, f"{self.lead},{self.trail}"])


def anchor_of(body: str, start: int, end: int) -> Anchor:
    """The fingerprint of body[start:end] and its neighbourhood."""
    before = [m.group() for m in WORD.finditer(body, max(0, start - 200), start)][-CONTEXT_WORDS:]
    inside = list(WORD.finditer(body, start, end))
    after = [m.group() for m in WORD.finditer(body, end, min(len(body), end + 200))][:CONTEXT_WORDS]
    lead, trail = (inside[0].start() - start, end - inside[-1].end()) if inside else (0, 0)
    before_h, words_h, after_h = (tuple(map(word_hash, part)) for part in (before, [m.group() for m in inside], after))
    return Anchor(before_h, words_h, after_h, lead=lead, trail=trail)


def encode_anchor(body: str, start: int, end: int) -> str:
    return anchor_of(body, start, end).encode()


def decode_anchor(text: str) -> Anchor | None:
    """The anchor stored in a coding, or None for codings written before anchors existed (or unreadable)."""
    parts = text.split("|") if text else []
    if len(parts) != 4 or any(len(p) % _WIDTH for p in parts[:3]) or not re.fullmatch(r"\d+,\d+", parts[3]):
        return None
    lead, trail = map(int, parts[3].split(","))
    before, words, after = (tuple(p[i : i + _WIDTH] for i in range(0, len(p), _WIDTH)) for p in parts[:3])
    return Anchor(before, words, after, lead=lead, trail=trail)
