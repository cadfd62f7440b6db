"""Danish licence plates: two capital letters and five digits, "CX 48 213" or "CX48213"."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from workbench.anonymity.scan import Scan

_PLATE = re.compile(r"(?<![\w-])[A-ZÆØÅ]{2}[ \t]?\d{2}[ \t]?\d{3}(?![\w]|[.,]\d|[ \t]?(?:kr\b|kroner|%))")


def plates(scan: Scan) -> None:
    for m in scan.on_lines_with_digits(_PLATE):
        scan.add(1, m.start(), m.end(), "nummerplade")
