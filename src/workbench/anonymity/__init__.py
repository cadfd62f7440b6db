"""The anonymity guard: personal data in Danish text (see scan.py and docs/anonymitet.md)."""

from workbench.anonymity.detectors.ner import NerStatus, ner_status
from workbench.anonymity.scan import (
    KIND_LABELS,
    KINDS,
    Finding,
    detectors_run,
    find_personal_data,
    is_listed_name,
    is_ordinary_word,
)

__all__ = [
    "KINDS",
    "KIND_LABELS",
    "Finding",
    "NerStatus",
    "detectors_run",
    "find_personal_data",
    "is_listed_name",
    "is_ordinary_word",
    "ner_status",
]
