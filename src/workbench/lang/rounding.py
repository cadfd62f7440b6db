"""Rounding as people do it (12,5 → 13), where Python's round() rounds half to even (12,5 → 12).

Kept apart from `lang.numbers` (which formats for people) because analyses round too: a change in
procentpoint is the difference of the percentages as printed, so the reader can check it.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def round_half_up(value: float, digits: int = 0) -> float:
    return float(Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))
