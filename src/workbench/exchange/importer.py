"""Turning the evaluator's own files (.docx, .txt, .md) into project transcripts.

Text files may come as UTF-8, UTF-8 with BOM, UTF-16 with BOM or Windows-1252, with CRLF line
endings, Word's soft line breaks and stray control characters; all are normalised. Every file is
checked completely (metadata, codebook groups, duplicate ids, personal data) before anything is
written, so an import either writes all files or none.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import re
import threading
import unicodedata
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import closing, contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from workbench.anonymity import KIND_LABELS, find_personal_data
from workbench.coding import suggestions
from workbench.errors import WorkbenchError
from workbench.io.archive import check_zip
from workbench.io.files import StagedFiles
from workbench.io.text import decode, read_bytes
from workbench.io.yaml import YamlDocument, parse_yaml, validate
from workbench.lang.nlp import blank
from workbench.material.corpus import (
    DOC_ID,
    Document,
    Metadata,
    document_header,
    document_paths,
    split_front_matter,
)
from workbench.privacy.fingerprints import current_fingerprints, record_withdrawn, refuse_withdrawn_copies
from workbench.project import Project

_FILES_PER_WORKER = 8  # below this, starting a worker process costs more than it saves
# Files per task: a worker that has finished waits for the others' last tasks, a second and more for a
# season's transcripts in tasks of a quarter of each worker's share; sending a task costs a fraction of a file.
_FILES_PER_TASK = 16
_CONTROL_CHARACTERS = "".join(map(chr, (*range(0x00, 0x09), 0x0C, *range(0x0E, 0x20), 0x7F, 0x200B, 0xFEFF)))
_CONTROL = re.compile(f"[{re.escape(_CONTROL_CHARACTERS)}]")


@dataclass
class DecodedText:
    text: str
    encoding: str  # Danish description for the user
    line_endings: str


def decode_bytes(raw: bytes, path: Path) -> DecodedText:
    if not raw.strip():
        raise WorkbenchError("Filen er tom.", path)
    text, encoding = decode(raw, path, "Gem filen som UTF-8 og importér den igen.")
    if "\r\n" in text:
        line_endings = "CRLF (Windows)"
    elif "\r" in text:
        line_endings = "CR (gammel Mac)"
    else:
        line_endings = "LF"
    return DecodedText(normalise_text(text), encoding, line_endings)


def normalise_text(text: str) -> str:
    """Unify line breaks, soft breaks and odd spaces; drop control characters; NFC-compose æ, ø, å."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\x0b", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = text.replace("\t", " ").replace("\xa0", " ").replace("\u202f", " ")
    if any(character in text for character in _CONTROL_CHARACTERS):  # a search per character (memchr) is a
        text = _CONTROL.sub("", text)  # third of the regex's scan, and most texts hold none
    text = unicodedata.normalize("NFC", text)
    lines = [line.rstrip() for line in text.split("\n")]
    text = "\n".join(lines).strip("\n")
    if "\n\n\n" in text:  # the substring test is far cheaper than the regex scan it saves
        text = re.sub(r"\n{3,}", "\n\n", text)
    return text + "\n"


def read_docx(path: Path) -> str:
    import docx  # python-docx; imported here because it is slow to import

    check_zip(path)  # size, member and bomb limits before python-docx unpacks anything
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises KeyError, ValueError, its own PackageNotFoundError, lxml errors
        raise WorkbenchError(
            f"Filen er ikke et gyldigt Word-dokument (.docx) ({type(exc).__name__}). Åbn den i Word, og gem den "
            "igen som .docx.", path
        ) from None
    paragraphs = []
    for paragraph in document.paragraphs:
        # python-docx renders Word's soft line break (Shift+Enter) as "\n" inside the paragraph text
        text = paragraph.text
        if text.strip():
            paragraphs.append(text)
    for table in document.tables:
        for row in table.rows:
            cells = [c.text.strip() for c in row.cells if c.text.strip()]
            if cells:
                paragraphs.append(" ".join(cells))
    if not paragraphs:
        raise WorkbenchError("Word-dokumentet indeholder ingen tekst.", path)
    # a front matter block typed in Word arrives as separate paragraphs: keep it together
    if paragraphs[0].strip() == "---":
        end = next((i for i in range(1, len(paragraphs)) if paragraphs[i].strip() == "---"), None)
        if end is not None:
            head = "\n".join(p.strip() for p in paragraphs[: end + 1])
            return normalise_text(head + "\n" + "\n\n".join(paragraphs[end + 1 :]))
    return normalise_text("\n\n".join(paragraphs))


def read_source(path: Path) -> DecodedText:
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.exists():
        raise WorkbenchError("Filen findes ikke.", path)
    if suffix == ".docx":
        return DecodedText(read_docx(path), "Word (.docx)", "-")
    if suffix in (".txt", ".md"):
        return decode_bytes(read_bytes(path), path)  # read_bytes: size limit
    raise WorkbenchError("Kun .docx-, .txt- og .md-filer kan importeres.", path)


@dataclass
class ImportedDocument:
    source: Path
    target: Path
    document: Document
    header: str  # the front matter lines of the file to write, before document.body
    encoding: str  # of the source file, in Danish; its text is the document's (workers send it back once)
    line_endings: str
    segments: int  # len(document.segments), counted in the worker
    suggestions: int  # the code suggestions the codebook's indicators make in it (none once withdrawn)


def _with_metadata(
    decoded: DecodedText, source: Path, metadata: dict, codebook, withdrawn: frozenset[str] = frozenset()
) -> tuple[Metadata, str, int]:
    """Front matter from the file itself, completed by metadata given on the command line, and checked
    against the codebook with the source file's own lines in the messages. A file replacing a withdrawn
    document (`withdrawn`: their ids) stays withdrawn; only `workbench consent give` gives consent again.

    Returns the validated metadata, the body and the source line on which the body starts.
    """
    text = decoded.text
    found: YamlDocument | None = None
    body = text
    body_line = 1
    if text.startswith("---\n"):
        front, body, body_line = split_front_matter(text, source)
        found = parse_yaml(front, source, first_line=2)
        if found.data is not None and not isinstance(found.data, dict):
            raise WorkbenchError("Metadata øverst i filen skal være felter som 'id: INT-RAD-03'.", source, 2)
    merged = {**((found.data or {}) if found else {}), **{k: v for k, v in metadata.items() if v is not None}}
    merged.setdefault("id", source.stem)
    if merged["id"] in withdrawn:
        if merged.get("consent") == "given":
            raise WorkbenchError(
                f"Dokumentet '{merged['id']}' har trukket samtykket tilbage, og en import kan ikke give det igen. "
                f"Brug `workbench consent give {merged['id']} --by INITIALER --reason \"...\"`, hvis deltageren "
                "har givet samtykke igen.",
                source,
            )
        merged["consent"] = "withdrawn"
    merged.setdefault("consent", "given")  # a new file from the evaluator's own folder; written out explicitly
    missing = [f for f in ("type", "group", "role", "date") if not merged.get(f)]
    if missing:
        raise WorkbenchError(
            "Metadata mangler: " + ", ".join(missing) + ". Angiv dem øverst i filen eller med fx "
            "--type interview --group radgiver --role Rådgiver --date 2025-05-14.",
            source,
        )
    if not re.fullmatch(DOC_ID, str(merged["id"])):
        raise WorkbenchError(
            f"id '{merged['id']}' må kun indeholde bogstaver (a-z), tal, bindestreg og understregning. Angiv --id.",
            source,
        )
    # checked here, so that a wrong field is reported on its line in the user's file, not in the file we would write
    meta = validate(Metadata, YamlDocument(merged, found.node if found else None, source, 2),
                    context={"codebook": codebook})
    stripped = body.lstrip("\n")
    body_line += len(body) - len(stripped)
    if not stripped.strip():
        raise WorkbenchError("Filen har ingen tekst efter metadata.", source, body_line)
    return meta, stripped, body_line


@dataclass
class _Checked:
    """One file read, parsed and scanned: either an error, or the document and its personal-data findings."""

    source: Path
    error: WorkbenchError | None = None
    item: ImportedDocument | None = None
    findings: str = ""  # the lines to show when the file holds personal data


def _check(source: Path, given: dict, codebook, documents_dir: Path,
           withdrawn: frozenset[str] = frozenset()) -> _Checked:
    try:
        decoded = read_source(source)
        meta, body, source_body_line = _with_metadata(decoded, source, given, codebook, withdrawn)
    except WorkbenchError as exc:
        return _Checked(source, error=exc)
    # the file as it will be written, made once here: its metadata already validated, so not parsed back
    header = document_header(meta)
    document = Document(meta=meta, body=body, path=documents_dir / f"{meta.id}.md", body_line=header.count("\n") + 1)
    anonymity = codebook.anonymity
    findings = find_personal_data(document.body, allowed=anonymity.allowed_terms, places=anonymity.local_places)
    lines = [f"{source}:{source_body_line + f.line - 1}: {KIND_LABELS[f.kind]}: {f.text}" for f in findings]
    segmented = suggested = 0
    if not lines:  # segmented and suggested here, in the worker: the import reports both for each file
        segmented = len(document.segments)
        suggested = suggestions.count_suggestions(document, codebook) if document.included else 0
    item = ImportedDocument(source, document.path, document, header, decoded.encoding, decoded.line_endings,
                            segmented, suggested)
    return _Checked(source, item=item, findings="\n".join(lines))


def _check_all(sources: list[Path], given: dict, codebook, documents_dir: Path,
               withdrawn: frozenset[str] = frozenset()) -> Generator[_Checked, None, None]:
    """Every file checked, in the order given, each as soon as it is; a large batch on all processor cores.

    The anonymity check reads every word, so it is what a user waits for when importing a season's
    transcripts. Worker processes are forked, so they share the word lists already loaded; where
    forking is unsafe (threads running, as in a notebook kernel) or not offered, one process does all.
    Closing the iterator early cancels the files not yet begun.
    """
    check = partial(_check, given=given, codebook=codebook, documents_dir=documents_dir, withdrawn=withdrawn)
    workers = min(os.cpu_count() or 1, len(sources) // _FILES_PER_WORKER)
    with _no_collections():
        if workers < 2 or threading.active_count() > 1 or "fork" not in multiprocessing.get_all_start_methods():
            yield from map(check, sources)
            return
        _warm_up(codebook)
        gc.freeze()  # the workers inherit the word lists: a collection there would touch (and copy) every page
        try:
            chunksize = max(1, min(_FILES_PER_TASK, len(sources) // (workers * 4)))
            with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
                try:
                    yield from pool.map(check, sources, chunksize=chunksize)  # forks every worker before yielding
                finally:
                    pool.shutdown(cancel_futures=True)
        finally:
            gc.unfreeze()


@contextmanager
def _no_collections() -> Iterator[None]:
    """No garbage collection while a batch is checked: every document, segment and finding it makes is kept
    until the import ends, so the collector's full passes over a growing heap (a second and more for a
    season's transcripts) would find nothing to free. Collections resume afterwards, as before."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _warm_up(codebook) -> None:
    """Load the anonymity word lists, spaCy's tokenizer and the indicator index before forking, so that
    workers share them."""
    find_personal_data("Warm up.", allowed=codebook.anonymity.allowed_terms)
    blank()
    suggestions.prepare(codebook)


def prepare_import(
    project: Project, sources: list[Path], metadata: dict | None = None, replace: bool = False,
    passed: Callable[[ImportedDocument], None] | None = None,
) -> list[ImportedDocument]:
    """Check every file; raise on the first problem, in the order the files were given. Nothing is written here;
    `passed` is given each file as soon as its own checks pass (import_files stages it while the rest are checked).
    """
    if not sources:
        raise WorkbenchError("Angiv mindst én fil, der skal importeres.")
    sources = [Path(s) for s in sources]
    given = dict(metadata or {})
    if len(sources) > 1:
        given.pop("id", None)  # one --id cannot name several files
    existing = {p.stem for p in document_paths(project.documents_dir)}
    withdrawn = frozenset(d.id for d in project.corpus.withdrawn)
    prepared: list[ImportedDocument] = []
    batch_ids: dict[str, Path] = {}
    with closing(_check_all(sources, given, project.codebook, project.documents_dir, withdrawn)) as checked_files:
        for checked in checked_files:
            source = checked.source
            if checked.error is not None:
                raise checked.error
            assert checked.item is not None  # no error: the file was read and parsed
            doc_id = checked.item.document.id
            if doc_id in batch_ids:
                raise WorkbenchError(
                    f"id '{doc_id}' bruges også af {batch_ids[doc_id]}. Giv filerne forskellige id'er.", source
                )
            if doc_id in existing and not replace:
                raise WorkbenchError(
                    f"Der findes allerede et dokument med id '{doc_id}' i projektet. Vælg et andet id (--id) "
                    "eller brug --replace for at erstatte det.",
                    source,
                )
            batch_ids[doc_id] = source
            if checked.findings:
                raise WorkbenchError(
                    "Filen indeholder mulige personoplysninger og er ikke importeret. Anonymisér teksten (fx med "
                    "`workbench pseudonymise`) og prøv igen:\n" + checked.findings,
                    source,
                )
            prepared.append(checked.item)
            if passed is not None:
                passed(checked.item)
    # withdrawn material does not come back under another name, edited: refused against the fingerprints
    refuse_withdrawn_copies(project, [(item.source, 1, item.document.body) for item in prepared
                                      if item.document.included and item.document.id not in withdrawn])
    return prepared


def import_files(
    project: Project, sources: list[Path], metadata: dict | None = None, replace: bool = False
) -> list[ImportedDocument]:
    with StagedFiles() as staged:  # each file written and synced while the next are checked; in place at the end
        prepared = prepare_import(project, sources, metadata, replace, passed=lambda item: staged.add(
            item.target, (item.header + item.document.body).encode("utf-8")))
        replaced = [item for item in prepared if not item.document.included]
        if replaced:  # a withdrawn document replaced: its old text's fingerprint kept, and the new text's added
            current_fingerprints(project)
            for item in replaced:
                record_withdrawn(project, item.document.id, item.document.body)
        staged.commit()
    return prepared
