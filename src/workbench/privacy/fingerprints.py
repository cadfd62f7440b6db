"""Fingerprints of withdrawn documents: enough to recognise their text again, not the text itself.

`consent/withdrawn.json` keeps, per withdrawn document id, the salted hashes of its 8-word runs
(the same runs the export gate compares, privacy.guard.shingles). The salt is made once per project,
so the hashes say nothing outside it. The file outlives the document: a withdrawn transcript that
is deleted and later imported again, renamed and edited, is still recognised and refused.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.io.files import atomic_write_text, locked
from workbench.lang.numbers import percent
from workbench.privacy.guard import TextSource, WithdrawnFinding, shingles
from workbench.project import Project

FINGERPRINT_FILE = Path("consent") / "withdrawn.json"
COPY_SHARE = 0.3  # the gate's rule: repeating this share of a withdrawn document's runs is a copy of it
_HASH_CHARS = 16  # 64 bits per run: no collisions among a project's runs, and no text to read back


@dataclass
class Fingerprints:
    salt: str
    documents: dict[str, dict] = field(default_factory=dict)  # id → {"withdrawn": date, "runs": [hash, ...]}

    def hashes(self, text: str) -> set[str]:
        return {_hash(self.salt, run) for run in shingles(text)}

    def copied_from(self, text: str) -> tuple[str, float] | None:
        """(id, share of its runs) of the withdrawn document this text substantially repeats, if any."""
        mine = self.hashes(text)
        best: tuple[str, float] | None = None
        for doc_id, entry in self.documents.items():
            theirs = set(entry["runs"])
            if not theirs:
                continue
            share = len(mine & theirs) / len(theirs)
            if share >= COPY_SHARE and (best is None or share > best[1]):
                best = (doc_id, share)
        return best


def _hash(salt: str, run: tuple[str, ...]) -> str:
    return hashlib.sha256((salt + "\x1f" + " ".join(run)).encode("utf-8")).hexdigest()[:_HASH_CHARS]


def _path(project: Project) -> Path:
    return project.root / FINGERPRINT_FILE


def load_fingerprints(project: Project) -> Fingerprints:
    path = _path(project)
    if not path.exists():
        return Fingerprints(salt=secrets.token_hex(16))
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Fingerprints(salt=str(data["salt"]), documents=dict(data["documents"]))
    except (ValueError, KeyError, TypeError):
        raise WorkbenchError(
            "Filen med fingeraftryk af tilbagetrukne dokumenter kan ikke læses. Gendan den fra en sikkerhedskopi; "
            "slet den ikke, for så kan tilbagetrukket materiale importeres igen.",
            path,
        ) from None


def _save(project: Project, prints: Fingerprints) -> None:
    data = {"salt": prints.salt, "documents": dict(sorted(prints.documents.items()))}
    atomic_write_text(_path(project), json.dumps(data, ensure_ascii=False, indent=1) + "\n")


def _update(project: Project, add: dict[str, str], remove: Iterable[str] = ()) -> Fingerprints:
    """Add fingerprints (id → document text) and drop others, under the file's lock."""
    path = _path(project)
    path.parent.mkdir(parents=True, exist_ok=True)
    with locked(path):
        prints = load_fingerprints(project)
        before = json.dumps(prints.documents, sort_keys=True)
        today = dt.date.today().isoformat()
        for doc_id, text in add.items():
            runs = prints.hashes(text)
            old = prints.documents.get(doc_id)
            if old is not None:  # the document edited since: recognise both versions
                runs |= set(old["runs"])
            prints.documents[doc_id] = {"withdrawn": old["withdrawn"] if old else today, "runs": sorted(runs)}
        for doc_id in remove:
            prints.documents.pop(doc_id, None)
        if json.dumps(prints.documents, sort_keys=True) != before or not path.exists():
            _save(project, prints)
        return prints


def record_withdrawn(project: Project, doc_id: str, text: str) -> None:
    _update(project, {doc_id: text})


def forget_withdrawn(project: Project, doc_id: str) -> None:
    """Consent given again: the document's text is the project's own again."""
    _update(project, {}, remove=[doc_id])


def current_fingerprints(project: Project, save: bool = True) -> Fingerprints:
    """The fingerprints, with those of documents withdrawn by hand in their front matter added (and saved,
    unless a check that must write nothing asks: `save=False`)."""
    prints = load_fingerprints(project)
    missing = {d.id: d.body for d in project.corpus.withdrawn if d.id not in prints.documents}
    if not missing:
        return prints
    if save:
        return _update(project, missing)
    for doc_id, text in missing.items():
        prints.documents[doc_id] = {"withdrawn": dt.date.today().isoformat(), "runs": sorted(prints.hashes(text))}
    return prints


def refuse_withdrawn_copies(project: Project, texts: Iterable[tuple[Path | str, int, str]]) -> None:
    """Raise if any (source file, line, text) about to be imported substantially repeats a withdrawn document.
    Writes nothing: an import that is refused leaves the project as it was."""
    prints = current_fingerprints(project, save=False)
    if not prints.documents:
        return
    for source, line, text in texts:
        copied = prints.copied_from(text)
        if copied is not None:
            doc_id, share = copied
            raise WorkbenchError(
                f"Teksten gentager {percent(share * 100)} af dokumentet '{doc_id}', hvis samtykke er trukket "
                "tilbage, og importeres ikke. Tilbagetrukket materiale må ikke komme ind igen under et nyt navn; "
                f"har deltageren givet samtykke igen, så brug `workbench consent give {doc_id}`.",
                source,
                line,
            )


def deleted_withdrawn_findings(project: Project, sources: Iterable[TextSource]) -> list[WithdrawnFinding]:
    """For the export gate: texts that name, or substantially repeat, a withdrawn document whose file is gone.

    The gate's own check reads the withdrawn documents in the folder; this one covers those only the
    fingerprints remember (read, never written here: an export writes nothing but its files)."""
    if not _path(project).exists():
        return []
    present = {d.id for d in project.corpus.documents}
    prints = load_fingerprints(project)
    prints.documents = {i: e for i, e in prints.documents.items() if i not in present}
    if not prints.documents:
        return []
    ids = re.compile(r"(?<![\w-])(" + "|".join(re.escape(i) for i in sorted(prints.documents)) + r")(?![\w-])")
    hits = []
    for source in sources:
        copied = prints.copied_from(source.text)
        if copied is not None:
            excerpt = " ".join(source.text.split()[:8])
            hits.append(WithdrawnFinding(source.path, source.first_line, copied[0], f"teksten er en kopi: {excerpt}"))
        for match in ids.finditer(source.text):
            line = source.first_line + source.text.count("\n", 0, match.start())
            hits.append(WithdrawnFinding(source.path, line, match.group(1), match.group(1)))
    return hits
