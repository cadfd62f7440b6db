"""The anonymity guard: personal data in Danish text (see scan.py and docs/anonymitet.md)."""

from workbench.anonymity.scan import KIND_LABELS, KINDS, Finding, find_personal_data, is_listed_name

__all__ = ["KIND_LABELS", "KINDS", "Finding", "find_personal_data", "is_listed_name"]
