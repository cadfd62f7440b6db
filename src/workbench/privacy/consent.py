"""Giving and withdrawing consent: deliberate, recorded, one line changed.

`workbench consent give|withdraw ID --by INITIALS --reason "..."` is the only way the workbench
changes a document's consent. Each change is a record in the append-only `consent/log.jsonl`
(who, when, why, from and to), then the front matter's `consent:` line alone is rewritten
(atomically, under the file's lock). Withdrawing stores the document's fingerprint first
(privacy.fingerprints), so its text is recognised even after the file is deleted; giving consent
again removes it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Literal

from workbench.coding.store import check_coder
from workbench.errors import WorkbenchError
from workbench.io.files import append_line, atomic_write_text, locked
from workbench.io.yaml import read_text
from workbench.material.corpus import load_document, split_front_matter
from workbench.privacy.fingerprints import current_fingerprints, forget_withdrawn, record_withdrawn
from workbench.project import Project

LOG_FILE = Path("consent") / "log.jsonl"
_CONSENT_LINE = re.compile(r"^consent:[^\n]*$", re.MULTILINE)

Consent = Literal["given", "withdrawn"]


def set_consent(project: Project, doc_id: str, consent: Consent, by: str, reason: str) -> dict:
    """Change one document's consent and return the log record. Nothing changes if any check fails."""
    by = check_coder(by.strip())
    if not reason.strip():
        raise WorkbenchError("Angiv hvorfor samtykket ændres (--reason), så ændringen kan forklares senere.")
    path = project.documents_dir / f"{doc_id}.md"
    if not path.exists():
        raise WorkbenchError(f"Der findes intet dokument med id '{doc_id}' i projektet.", path)
    current_fingerprints(project)  # documents withdrawn by hand before get theirs now
    with locked(path):
        document = load_document(path, project.codebook)  # the whole file valid before one line of it changes
        if document.meta.consent == consent:
            word = "givet" if consent == "given" else "trukket tilbage"
            raise WorkbenchError(f"Samtykket for '{doc_id}' er allerede {word}; intet er ændret.", path)
        text = read_text(path)
        front, _, body_line = split_front_matter(text, path)
        head_end = len("---\n") + len(front)
        new_head, count = _CONSENT_LINE.subn(f"consent: {consent}", text[:head_end])
        if count != 1:  # the loader has refused a missing or repeated key already; a nested one is not ours
            raise WorkbenchError("Linjen 'consent:' i metadata kunne ikke findes entydigt.", path, body_line - 1)
        record = {
            "time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "id": doc_id,
            "from": document.meta.consent,
            "to": consent,
            "by": by,
            "reason": reason.strip(),
        }
        if consent == "withdrawn":  # the fingerprint first: a crash after it leaves nothing recognisable behind
            record_withdrawn(project, doc_id, document.body)
        log = project.root / LOG_FILE
        log.parent.mkdir(parents=True, exist_ok=True)
        append_line(log, json.dumps(record, ensure_ascii=False))
        atomic_write_text(path, new_head + text[head_end:])
        if consent == "given":
            forget_withdrawn(project, doc_id)
    return record


def consent_log(project: Project) -> list[dict]:
    """Every recorded change, oldest first (a torn last line from a crash is skipped)."""
    path = project.root / LOG_FILE
    if not path.exists():
        return []
    records = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            records.append(json.loads(line))
        except ValueError:
            continue
    return records
