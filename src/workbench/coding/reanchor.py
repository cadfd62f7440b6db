"""Where did a stale coding's text go? A proposal for the coder, never a move.

When a transcript is edited after coding, `CodingStore.stale` reports the codings whose text
changed. `propose` looks for the coded passage in the edited document and returns the best place
with a score (1.0: the same words in the same surroundings); the coder accepts it with
`CodingStore.reanchor`, which writes an update event. Nothing here writes.

New codings carry a word fingerprint (`coding.fingerprint`): the edited document's words are
hashed the same way, every alignment of a covered word votes for where the passage starts, and
the best few starts are compared word by word with difflib, so a passage that moved, had a typo
fixed or a word inserted is found, and one that was deleted is not (below `THRESHOLD`). Codings
written before fingerprints existed have only the hash of their text: a span of the same length
with the same hash is searched outward from the old offsets (the text moved unchanged), and
failing that, a whole-segment coding is offered the segment that now has its id, at a low score.
"""

from __future__ import annotations

import bisect
import difflib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from workbench.coding.fingerprint import WORD, Anchor, decode_anchor, word_hash
from workbench.coding.store import Coding, CodingStore, StaleCoding
from workbench.material.corpus import Corpus, Document, text_hash

THRESHOLD = 0.6  # share of the passage's words that must be found, in order
NEAR = 20_000  # characters searched either side of an old coding's offsets
SEGMENT_GUESS = 0.5  # the most a guess from the segment id alone can score
_CANDIDATES = 5  # starts compared word by word
_CORE_WEIGHT = 0.8  # the rest of the score is the surrounding words


@dataclass(frozen=True)
class Proposal:
    start: int
    end: int
    score: float  # 0-1; 1.0: the same text in the same surroundings


@dataclass(frozen=True)
class StaleProposal:
    stale: StaleCoding
    proposal: Proposal | None


@lru_cache(maxsize=16)
def _words(body: str) -> tuple[tuple[int, ...], tuple[int, ...], tuple[str, ...]]:
    """(starts, ends, hashes) of the body's words: computed once per text."""
    found = list(WORD.finditer(body))
    return (tuple(m.start() for m in found), tuple(m.end() for m in found),
            tuple(word_hash(m.group()) for m in found))


@lru_cache(maxsize=16)
def _positions(body: str) -> dict[str, np.ndarray]:
    """Per word hash, the numbers of the words that have it."""
    positions: dict[str, list[int]] = {}
    for index, value in enumerate(_words(body)[2]):
        positions.setdefault(value, []).append(index)
    return {value: np.array(found) for value, found in positions.items()}


def propose(coding: Coding, document: Document) -> Proposal | None:
    """The place in `document` where the coding's text most likely is now, or None."""
    body = document.body
    if coding.end <= len(body) and text_hash(body[coding.start : coding.end]) == coding.text_hash:
        return Proposal(coding.start, coding.end, 1.0)
    anchor = decode_anchor(coding.anchor)
    if anchor is not None and anchor.words:
        return _by_fingerprint(anchor, body, coding.start)
    return _moved_unchanged(coding, body) or _same_segment(coding, document)


def proposals(store: CodingStore, corpus: Corpus, coder: str | None = None) -> list[StaleProposal]:
    """Every stale coding (of one coder, or all) with its proposal, for the coder to accept one by one."""
    found = []
    for stale in store.stale(corpus, coder):
        document = corpus.get(stale.coding.doc_id)
        found.append(StaleProposal(stale, propose(stale.coding, document) if document is not None else None))
    return found


def _by_fingerprint(anchor: Anchor, body: str, old_start: int) -> Proposal | None:
    starts, ends, hashes = _words(body)
    words = anchor.words
    positions = _positions(body)
    # every word of the passage and of its surroundings votes for where the passage would start
    before, after = anchor.before, anchor.after
    starts_voted = [positions[value] - j for j, value in enumerate(words) if value in positions]
    starts_voted += [positions[value] + len(before) - k for k, value in enumerate(before) if value in positions]
    starts_voted += [positions[value] - len(words) - k for k, value in enumerate(after) if value in positions]
    if not starts_voted:
        return None
    slack = max(3, len(words) // 4)
    best: tuple[float, int, int, int] | None = None  # (score, -distance, first word, last word)
    old_word = bisect.bisect_left(starts, old_start)
    for offset in _top_offsets(np.concatenate(starts_voted), slack, old_word):
        low = max(0, offset - slack)
        window = hashes[low : offset + len(words) + slack]
        matcher = difflib.SequenceMatcher(None, window, words, autojunk=False)
        blocks = [b for b in matcher.get_matching_blocks() if b.size]
        if not blocks:
            continue
        matched = sum(b.size for b in blocks)
        first = low + blocks[0].a - blocks[0].b  # where the passage's first word would stand
        last = low + blocks[-1].a + blocks[-1].size - 1 + (len(words) - blocks[-1].b - blocks[-1].size)
        first, last = max(0, first), min(len(hashes) - 1, last)
        core = 2 * matched / (len(words) + last - first + 1)
        if matched / len(words) < THRESHOLD:
            continue
        score = _CORE_WEIGHT * core + (1 - _CORE_WEIGHT) * _context(anchor, hashes, first, last, core)
        candidate = (round(score, 6), -abs(starts[first] - old_start), first, last)
        if best is None or candidate > best:
            best = candidate
    if best is None:
        return None
    score, _, first, last = best
    start = max(0, starts[first] - anchor.lead)
    end = min(len(body), ends[last] + anchor.trail)
    return Proposal(start, end, score)


def _top_offsets(voted: np.ndarray, slack: int, old_word: int) -> list[int]:
    """The passage starts with most votes, counting the votes of near starts (words inserted or
    deleted inside the passage shift the later words' votes a little), at least `slack` apart;
    among equal votes the nearest to where the passage was."""
    low = int(voted.min())
    votes = np.bincount(voted - low)
    pooled = np.convolve(votes, np.ones(2 * slack + 1, dtype=votes.dtype), mode="same")
    keep = min(len(pooled), _CANDIDATES * (2 * slack + 1) * 4)
    top = np.argpartition(-pooled, keep - 1)[:keep]
    top = top[np.lexsort((np.abs(top + low - old_word), -pooled[top]))]
    chosen: list[int] = []
    for index in top:
        if pooled[index] == 0:
            break
        offset = int(index) + low
        if all(abs(offset - other) > slack for other in chosen):
            chosen.append(offset)
            if len(chosen) == _CANDIDATES:
                break
    return chosen


def _context(anchor: Anchor, hashes: tuple[str, ...], first: int, last: int, core: float) -> float:
    """Share of the surrounding words that are still around the passage."""
    before = hashes[max(0, first - len(anchor.before)) : first]
    after = hashes[last + 1 : last + 1 + len(anchor.after)]
    total = len(anchor.before) + len(anchor.after)
    if not total:
        return core
    same = sum(a == b for a, b in zip(reversed(anchor.before), reversed(before)))
    same += sum(a == b for a, b in zip(anchor.after, after))
    return same / total


def _moved_unchanged(coding: Coding, body: str) -> Proposal | None:
    """A span of the same length and hash, the nearest to the old start (within `NEAR` characters)."""
    length = coding.end - coding.start
    last = len(body) - length
    if length <= 0 or last < 0:
        return None
    for distance in range(min(NEAR, max(coding.start, last - coding.start)) + 1):
        for start in {coding.start - distance, coding.start + distance}:
            if 0 <= start <= last and text_hash(body[start : start + length]) == coding.text_hash:
                return Proposal(start, start + length, 1.0)
    return None


def _same_segment(coding: Coding, document: Document) -> Proposal | None:
    """For an old whole-segment coding: the segment that has its id now, if about as long."""
    segment = document.segment(coding.segment_id) if coding.segment_id else None
    if segment is None:
        return None
    old, new = coding.end - coding.start, segment.end - segment.start
    similarity = min(old, new) / max(old, new)
    if similarity < 0.8:
        return None
    return Proposal(segment.start, segment.end, round(SEGMENT_GUESS * similarity, 3))
