"""The export gate: the one way anything leaves the project.

An exporter is a function registered here with `@exporter(name, carries=...)`. It builds an
`Export` — the bytes of every file to write and every text those bytes carry, each a TextSource
with the user's file and line and its kind (privacy.sources) — and writes nothing itself. Only
`Exporter.write` writes, and only after the gate has checked the export:

* personal data: the anonymity scan of every carried text, with the project's allowed terms;
* withdrawn consent: no carried text repeats 8 words in a row from a withdrawn document or names
  its id, and neither does the text inside the files themselves (a second look that does not
  depend on the exporter declaring its texts completely).

A refusal is one WorkbenchError whose message lists every finding as `file:line: kind: text`;
then nothing is written (all files of an export are written together, atomically, or none).
`EXPORTERS` lists every registered exporter, so a test can prove each one refuses.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.errors import WorkbenchError
from workbench.io.files import atomic_write_files
from workbench.privacy import sources as kinds
from workbench.privacy.fingerprints import deleted_withdrawn_findings
from workbench.privacy.guard import TextSource, scan_texts, withdrawn_findings, withdrawn_material
from workbench.project import Project

_TAG = re.compile(r"<[^>]*>")
_ATTRIBUTE = re.compile(r'=\s*"([^"]*)"')
_MAX_INSPECTED = 512 * 1024 * 1024  # uncompressed bytes of a zip the gate reads back


@dataclass
class Export:
    """What an exporter would write: the files and every text they carry."""

    what: str  # Danish, for messages: "QDPX-filen projekt.qdpx"
    files: dict[Path, bytes]
    texts: list[TextSource]
    summary: Any = None  # what the exporter reports back to its caller (counts, sheet names)
    written: list[Path] = field(default_factory=list)


@dataclass(frozen=True)
class Exporter:
    name: str
    carries: frozenset[str]  # the kinds of text (privacy.sources) its files can hold
    build: Callable[..., Export]
    module: str

    def __call__(self, project: Project, **options) -> Export:
        """The export, built and checked but not written (for previews and tests)."""
        export = self.build(project, **options)
        stray = {t.kind or "(uden art)" for t in export.texts} - self.carries
        if stray:  # a programming error: the exporter carries a kind it did not declare
            raise ValueError(
                f"eksporten {self.name} bærer tekst af arten {', '.join(sorted(stray))}, som ikke er erklæret"
            )
        return export

    def write(self, project: Project, **options) -> Export:
        """Build, check and write the export; refused with every finding, and then nothing is written."""
        export = self(project, **options)
        check(project, export)
        atomic_write_files(export.files)
        export.written = list(export.files)
        return export


EXPORTERS: dict[str, Exporter] = {}


def exporter(name: str, carries: tuple[str, ...]) -> Callable[[Callable[..., Export]], Exporter]:
    """Register an export builder with the gate; the result is the only way to write its files."""
    unknown = set(carries) - set(kinds.KINDS)
    if unknown:
        raise ValueError(f"ukendt tekstart: {', '.join(sorted(unknown))}")

    def register(build: Callable[..., Export]) -> Exporter:
        if name in EXPORTERS and EXPORTERS[name].module != build.__module__:
            raise ValueError(f"eksporten {name} er registreret to gange")
        EXPORTERS[name] = Exporter(name, frozenset(carries) | {kinds.FILE_NAME}, build, build.__module__)
        return EXPORTERS[name]

    return register


def _file_texts(export: Export) -> list[TextSource]:
    # words joined by "_" or "." in a file name are words to the scan too
    return [TextSource(path.name, re.sub(r"[_.]+", " ", path.stem), 1, kinds.FILE_NAME) for path in export.files]


def plain_text(data: bytes) -> str:
    """The text inside a written file: zip members (docx, xlsx, qdpx), XML as text and attribute values; PNG none."""
    if data.startswith(b"\x89PNG"):
        return ""
    if data.startswith(b"PK"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                members = [i for i in archive.infolist() if not i.is_dir()]
                if sum(i.file_size for i in members) > _MAX_INSPECTED:
                    return ""
                return "\n".join(plain_text(archive.read(i)) for i in members)
        except zipfile.BadZipFile:
            pass
    text = data.decode("utf-8", errors="replace")
    if text.lstrip("\ufeff").startswith("<"):
        text = html.unescape(_TAG.sub(lambda tag: " " + " ".join(_ATTRIBUTE.findall(tag.group())) + " ", text))
    return text


def findings(project: Project, export: Export) -> list[str]:
    """Every reason to refuse the export, as `file:line: kind: text`, in the order found."""
    texts = list(export.texts) + _file_texts(export)
    anonymity = project.codebook.anonymity
    found = [str(f) for f in scan_texts(texts, anonymity.allowed_terms, anonymity.local_places)]
    material = withdrawn_material(project)
    found += [str(f) for f in withdrawn_findings(project, texts, material)]
    found += [str(f) for f in deleted_withdrawn_findings(project, texts)]  # withdrawn, and the file deleted since
    if not found and material is not None:  # what the files hold, whatever the exporter declared
        contents = [TextSource(path.name, plain_text(data)) for path, data in export.files.items()]
        found += [str(f) for f in withdrawn_findings(project, contents, material)]
    return list(dict.fromkeys(found))


def check(project: Project, export: Export) -> None:
    """Refuse (WorkbenchError listing every finding) an export carrying personal or withdrawn material."""
    found = findings(project, export)
    if not found:
        return
    personal = any(": gengiver tekst fra " not in line for line in found)
    withdrawn = any(": gengiver tekst fra " in line for line in found)
    reasons = []
    if personal:
        reasons.append("teksterne indeholder mulige personoplysninger")
    if withdrawn:
        reasons.append("det gengiver materiale fra en person, der har trukket sit samtykke tilbage")
    raise WorkbenchError(
        f"{export.what} er ikke lavet, fordi {' og '.join(reasons)}. Ret teksterne (eller fjern dem) og prøv igen; "
        "intet er skrevet:\n" + "\n".join(found)
    )
