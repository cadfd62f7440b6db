"""Personal data caught where it is typed: the check a UI runs on a memo right after saving it.

The memo is saved first (nobody loses their writing); the UI then shows these lines beside the field
until the text is fixed, and `check-anonymity` keeps reporting the memo (it scans memos/ and the
coders' logs) until then. The same detector and allowed terms as the export gate.
"""

from __future__ import annotations

from workbench.anonymity import KIND_LABELS, find_personal_data
from workbench.project import Project

SAVED_WITH_FINDINGS = "Gemt, men teksten indeholder mulige personoplysninger. Ret den, før den kan eksporteres:"


def typed_findings(project: Project, text: str) -> list[str]:
    """One Danish line per possible personal datum in `text`: 'linje 2: navn: Anne Holm'. Empty when clean."""
    anonymity = project.codebook.anonymity
    findings = find_personal_data(text or "", allowed=anonymity.allowed_terms, places=anonymity.local_places)
    return [f"linje {f.line}: {KIND_LABELS[f.kind]}: {f.text}" for f in findings]

