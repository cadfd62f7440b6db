"""Dates: what reads as a day, a month or a year (used by the number detectors)."""

from __future__ import annotations


def valid_date(dd: int, mm: int) -> bool:
    return 1 <= dd <= 31 and 1 <= mm <= 12


def is_year(s: str) -> bool:
    return len(s) == 4 and s[:2] in ("19", "20")


def looks_like_date8(digits: str) -> bool:
    """Eight digits that read as DDMMYYYY or YYYYMMDD ("14052025", "20250514")."""
    if is_year(digits[4:]) and valid_date(int(digits[:2]), int(digits[2:4])):
        return True
    return is_year(digits[:4]) and valid_date(int(digits[6:]), int(digits[4:6]))
