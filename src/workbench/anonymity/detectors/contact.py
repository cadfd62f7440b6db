"""E-mail addresses, CPR numbers and phone numbers."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from workbench.anonymity.detectors.dates import is_year, looks_like_date8, valid_date

if TYPE_CHECKING:
    from workbench.anonymity.scan import Scan

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+'-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}(?![\w-])")
_CPR = re.compile(r"(?<![\w+\-/.,])(\d{2})(\d{2})(\d{2})[ \t-]?(\d{4})(?![\w\-/]|[.,]\d)")
_PHONE = re.compile(
    r"(?<![\w+\-/.,])(?:(?:\+|00)45[ \t.-]?|\(\+?45\)[ \t]?)?"
    r"(\d{8}"
    r"|\d{2}([ .-])\d{2}\2\d{2}\2\d{2}"
    r"|\d{4}[ .-]\d{4}"
    r"|\d{3} \d{2} \d{3}|\d{2} \d{3} \d{3}|\d{3} \d{3} \d{2}|\d{2} \d{2} \d{4}|\d{4} \d{2} \d{2})"
    r"(?![\w\-/]|[.,]\d| \d)"
)
# Foreign numbers need their country code: "+46 70 123 45 67", "0090 532 123 4567".
_FOREIGN_PHONE = re.compile(r"(?<![\w+\-/.,])(?:\+|00)(?!45)[1-9]\d{0,2}(?:[ -]?\(?\d+\)?){2,6}(?![\w\-/]|[.,]\d)")
_NOT_PHONE_AFTER = re.compile(
    r"[ \t]*(?:kr\b|kr\.|kroner|dkk|,-|%|procent|pct|euro|mio|mia|kvm|m2|timer|personer|borgere|indbyggere)",
    re.IGNORECASE,
)
_NOT_PHONE_BEFORE = re.compile(r"(?:kr\.?|dkk|sagsnr\.?|journalnr\.?)[ \t]*$", re.IGNORECASE)


def emails(scan: Scan) -> None:
    work = scan.work
    for m in _EMAIL.finditer(work) if "@" in work else ():
        scan.add(0, m.start(), m.end(), "email")


def cprs(scan: Scan) -> None:
    for m in scan.on_lines_with_digits(_CPR):
        if valid_date(int(m.group(1)), int(m.group(2))):
            scan.add(1, m.start(), m.end(), "cpr")


def phones(scan: Scan) -> None:
    work = scan.work
    for m in scan.on_lines_with_digits(_PHONE):
        number = m.group(1)
        digits = re.sub(r"\D", "", number)
        if len(digits) != 8:
            continue
        if _NOT_PHONE_AFTER.match(work, m.end()):
            continue
        if _NOT_PHONE_BEFORE.search(work, max(0, m.start() - 12), m.start()):
            continue
        has_prefix = m.start(1) > m.start()
        if not has_prefix:
            parts = re.split(r"\D+", number)
            if len(parts) == 2 and all(is_year(p) for p in parts):
                continue  # "2023-2024"
            if len(parts) == 2 and "-" in number and 0 < int(parts[1]) - int(parts[0]) < 500:
                continue  # page range "1359-1366"
            if looks_like_date8(digits) and (number.isdigit() or len(parts[0]) == 4):
                continue  # "14052025", "2025 05 14"
            if len(parts) == 3 and is_year(parts[2]) and valid_date(int(parts[0]), int(parts[1])):
                continue  # "14 05 2025"
        scan.add(2, m.start(), m.end(), "telefon")
    if "+" in work or "00" in work:
        for m in scan.on_lines_with_digits(_FOREIGN_PHONE):
            if 9 <= sum(c.isdigit() for c in m.group()) <= 15:
                scan.add(2, m.start(), m.end(), "telefon")
