"""Danish number formatting for the report: "80 %", "2,41", "10.746.237", "+31 procentpoint"."""

from __future__ import annotations

import math

from workbench.lang.rounding import round_half_up


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


def signed(value: float | None, digits: int = 0) -> str:
    """A change with an explicit sign: "+31", "−20", "±0" (a column headed with its unit)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    number = decimal(abs(value), digits) if digits else integer(abs(value))
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return f"{sign}{number}"


def points(value: float | None, digits: int = 0) -> str:
    """A change between two percentages, in procentpoint with an explicit sign."""
    text = signed(value, digits)
    return text if text == "–" else f"{text} procentpoint"


def count_noun(n: int, singular: str, plural: str) -> str:
    return f"{integer(n)} {singular if n == 1 else plural}"


_WORDS = ["nul", "en", "to", "tre", "fire", "fem", "seks", "syv", "otte", "ni", "ti", "elleve", "tolv"]


def number_word(n: int, neuter: bool = False) -> str:
    """A count as Danish prose writes it: words from nul to tolv, digits above ("fem principper", "13 faktorer").

    One agrees with its noun: "en faktor" (common gender), "et princip" (neuter)."""
    if n == 1 and neuter:
        return "et"
    return _WORDS[n] if 0 <= n < len(_WORDS) else integer(n)


def count_words(n: int, singular: str, plural: str, neuter: bool = False) -> str:
    """Count and noun as prose: "fem principper", "et princip", "14 faktorer"."""
    return f"{number_word(n, neuter)} {singular if n == 1 else plural}"
