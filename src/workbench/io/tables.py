"""Reading the tables users bring: CSV from Excel or a survey tool, and XLSX workbooks.

CSV: decoded as `io.text` decides, fields of any length (the csv module stops at 128 KB), the
separator (';', ',' or tab) told from the first lines, and each record with the file line on which it
starts (a quoted answer may span lines). XLSX: opened through `io.archive` (size and bomb limits),
then read by openpyxl in read-only mode with a cap on rows and columns. Numbers are ASCII digits
only: Python's int() and float() also take '٣' and '３', which no Danish user meant as numbers.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.io.archive import check_zip
from workbench.io.text import decode, read_bytes

SEPARATORS = {";": "semikolon", ",": "komma", "\t": "tabulator"}
MAX_ROWS = 1_000_000
MAX_COLUMNS = 2_000
_INTEGER = re.compile(r"[0-9]+")
_DECIMAL = re.compile(r"-?[0-9]+(?:[.,][0-9]+)?")

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # any field length: a memo or an answer can be long


@dataclass
class Table:
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (line in the file, cells as stripped text; "" for blank)
    encoding: str
    separator: str | None  # None for XLSX


def records(text: str, separator: str, path: Path | None = None, strip: bool = True) -> list[tuple[int, list[str]]]:
    """CSV records with the file line on which each starts, cells stripped unless `strip` is False."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    found = []
    line = 1
    try:
        for record in reader:
            found.append((line, [cell.strip() for cell in record] if strip else record))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise WorkbenchError(f"Linjen kan ikke læses som CSV ({exc}). Tjek anførselstegnene.", path, line) from None
    return found


def sniff_separator(text: str, path: Path) -> str:
    """The separator that splits the header into most columns and the first rows into as many."""
    head = "\n".join(text.splitlines()[:30])

    def fit(separator: str) -> tuple[int, int]:
        found = [cells for _, cells in records(head, separator) if any(cells)] if head else []
        width = len(found[0]) if found else 0
        return (sum(1 for cells in found if len(cells) == width), width) if width > 1 else (0, width)

    best = max(SEPARATORS, key=fit)
    if fit(best)[1] <= 1:
        raise WorkbenchError(
            "Filen kan ikke deles i kolonner: overskriftslinjen indeholder hverken semikolon, komma eller "
            "tabulator som skilletegn. Gem filen som CSV med semikolon (;) mellem kolonnerne.",
            path,
            1,
        )
    return best


def read_csv(path: Path, remedy: str, strip: bool = True) -> Table:
    """A CSV file: header and records (blank records left out); `remedy` ends encoding errors.

    `strip=False` keeps each field exactly as written (a memo's leading spaces), the header stripped."""
    path = Path(path)
    raw = read_bytes(path)
    if not raw.strip():
        raise WorkbenchError("Filen er tom.", path)
    text, encoding = decode(raw, path, remedy)
    separator = sniff_separator(text, path)
    found = [(line, cells) for line, cells in records(text, separator, path, strip) if any(c.strip() for c in cells)]
    if len(found) > MAX_ROWS:
        raise WorkbenchError(f"Filen har flere end {MAX_ROWS:,} rækker.".replace(",", "."), path)
    return Table([cell.strip() for cell in found[0][1]], found[1:], encoding, separator)


def cell_text(value) -> str:
    """An XLSX cell as the text a user sees: 5.0 is the answer code 5, a date is ÅÅÅÅ-MM-DD."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value).strip()


def read_xlsx(path: Path, sheet: str | None = None) -> Table:
    """A sheet of an XLSX workbook (the first when `sheet` is None), rows numbered as Excel numbers them."""
    import openpyxl  # imported here: slow to import, and only surveys need it

    path = Path(path)
    check_zip(path)
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises anything from KeyError to its own InvalidFileException
        raise WorkbenchError(
            f"Filen er ikke en gyldig Excel-fil (.xlsx) ({type(exc).__name__}). Åbn den i Excel, og gem den igen.", path
        ) from None
    try:
        if sheet is not None and sheet not in workbook.sheetnames:
            raise WorkbenchError(
                f"Regnearket '{sheet}' findes ikke i filen; den har: {', '.join(workbook.sheetnames)}.", path
            )
        worksheet = workbook[sheet] if sheet is not None else workbook.worksheets[0]
        found = []
        for number, row in enumerate(worksheet.iter_rows(values_only=True), 1):
            if number > MAX_ROWS or len(row) > MAX_COLUMNS:
                raise WorkbenchError(
                    f"Regnearket er for stort (over {MAX_ROWS} rækker eller {MAX_COLUMNS} kolonner).",
                    path,
                )
            cells = [cell_text(v) for v in row]
            if any(cells):
                found.append((number, cells))
    except WorkbenchError:
        raise
    except Exception as exc:
        raise WorkbenchError(
            f"Regnearket kan ikke læses ({type(exc).__name__}). Åbn filen i Excel, og gem den igen.", path
        ) from None
    finally:
        workbook.close()
    if not found:
        raise WorkbenchError("Regnearket er tomt.", path)
    width = max(len(cells) for _, cells in found)
    found = [(line, cells + [""] * (width - len(cells))) for line, cells in found]
    return Table(found[0][1], found[1:], "Excel (.xlsx)", None)


def parse_integer(text: str) -> int | None:
    """A whole number written with ASCII digits 0-9, else None."""
    text = text.strip()
    return int(text) if _INTEGER.fullmatch(text) else None


def parse_decimal(text: str) -> float | None:
    """A number with ASCII digits and a decimal comma or point ('32,4', '77.8'), else None."""
    text = text.strip()
    return float(text.replace(",", ".")) if _DECIMAL.fullmatch(text) else None
