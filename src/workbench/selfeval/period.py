"""Half years (`2025-H1`), the self-evaluation's unit of time and the name of its answer folders."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

_PERIOD = re.compile(r"^(?P<year>\d{4})-H(?P<half>[12])$")


@dataclass(frozen=True, order=True)
class Period:
    """A half year: H1 is January-June, H2 July-December."""

    year: int
    half: int

    @classmethod
    def parse(cls, text: Any) -> Period:
        """Raises ValueError with a Danish message, so pydantic and callers can both use it."""
        if isinstance(text, Period):
            return text
        match = _PERIOD.match(str(text).strip())
        if not match:
            raise ValueError(
                f"halvåret '{text}' har en ugyldig form; skriv det som ÅÅÅÅ-H1 (januar-juni) eller ÅÅÅÅ-H2 "
                f"(juli-december), fx 2025-H1"
            )
        return cls(int(match["year"]), int(match["half"]))

    @classmethod
    def containing(cls, day: dt.date) -> Period:
        return cls(day.year, 1 if day.month <= 6 else 2)

    def __str__(self) -> str:
        return f"{self.year}-H{self.half}"

    @property
    def label(self) -> str:
        return f"{self.half}. halvår {self.year}"

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 1 if self.half == 1 else 7, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.year, 6, 30) if self.half == 1 else dt.date(self.year, 12, 31)

    def previous(self) -> Period:
        return Period(self.year - 1, 2) if self.half == 1 else Period(self.year, 1)
