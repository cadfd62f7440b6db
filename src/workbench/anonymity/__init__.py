"""The anonymity guard: personal data in Danish text (see scan.py and docs/anonymitet.md)."""

from workbench.anonymity.scan import (
    KIND_LABELS,
    KINDS,
    Finding,
    find_personal_data,
    is_listed_name,
)

__all__ = ["KINDS", "KIND_LABELS", "Finding", "find_personal_data", "is_listed_name"]
