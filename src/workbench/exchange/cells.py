"""Text that a spreadsheet would run stays text: the guard on every cell of an exported table.

Excel and LibreOffice read a cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return as
a formula (or a command), so a memo such as "=HYPERLINK(...)" or "-1+2" in an export could run
when a colleague opens the file. XLSX cells are therefore always written as strings (never the
formula type). CSV has no cell types, so CSV fields follow the OWASP convention: such a field gets
a leading apostrophe ("'=1+1"), which both programs show as text. A field that already begins with
an apostrophe gets one more, so that `csv_value` (used by the codings import) removes exactly one and
an export followed by an import gives back the text unchanged.
"""

from __future__ import annotations

from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"


def csv_field(value: Any) -> Any:
    """A value as a CSV field that no spreadsheet evaluates; numbers and empty values stay as they are."""
    if isinstance(value, str) and value.startswith((*FORMULA_START, ESCAPE)):
        return ESCAPE + value
    return value


def csv_value(field: str) -> str:
    """The text of a field written by `csv_field` (one leading apostrophe removed)."""
    return field[1:] if field.startswith(ESCAPE) else field
