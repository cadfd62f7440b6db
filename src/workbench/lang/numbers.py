"""Danish number formatting for the report: "80 %", "2,41", "10.746.237", "+31 procentpoint"."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal


def round_half_up(value: float, digits: int = 0) -> float:
    """Rounding as people do it (12,5 → 13); Python's round() rounds half to even."""
    return float(Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


def integer(value: int | float) -> str:
    return f"{int(round_half_up(value)):,}".replace(",", ".").replace("-", "−")


def decimal(value: float | None, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    rounded = round_half_up(value, digits) or 0.0  # −0,00 is 0,00: the sign of a rounded-away value means nothing
    text = f"{rounded:,.{digits}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".").replace("-", "−")


def percent(value: float | None, digits: int = 0) -> str:
    """A percentage with a space before the sign, as Danish style requires."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{decimal(value, digits) if digits else integer(value)} %"


def points(value: float | None, digits: int = 0) -> str:
    """A change between two percentages, in procentpoint with an explicit sign."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    number = decimal(abs(value), digits) if digits else integer(abs(value))
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return f"{sign}{number} procentpoint"


def count_noun(n: int, singular: str, plural: str) -> str:
    return f"{integer(n)} {singular if n == 1 else plural}"
