"""Regular expressions that stay fast on Danish text.

Python's regex engine tests a character class range by range at every position it tries, so a class
with many ranges (Unicode's sentence-final characters, its capital letters) makes a search over a
transcript walk slowly through every character. `first_character_class` turns such a class into one
with a handful of ranges for the first character of a regex.
"""

from __future__ import annotations

from collections.abc import Callable


def first_character_class(matches: Callable[[str], object]) -> str:
    """A regex class for a regex's first character, which lets the engine skip the rest of Latin
    script and punctuation (nearly all of a Danish text) without a Python step: the common
    characters that do not match are left out, everything else is let through, so the regex must
    test the character itself as well (a lookbehind right after it)."""
    common = map(chr, [*range(0x250), *range(0x2000, 0x2070)])
    points = sorted(ord(c) for c in common if not matches(c))
    ranges: list[list[int]] = []
    for point in points:
        if ranges and point == ranges[-1][1] + 1:
            ranges[-1][1] = point
        else:
            ranges.append([point, point])
    return "[^" + "".join(f"\\u{a:04x}-\\u{b:04x}" for a, b in ranges) + "]"
