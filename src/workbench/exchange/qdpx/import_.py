"""Reading a .qdpx from another tool (or this one) into the project: sources, codings and coders
(see the package docstring for the mapping); everything is read and checked before anything is written."""

from __future__ import annotations

import bisect
import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from workbench.anonymity.full_name import looks_like_full_name
from workbench.anonymity.scan import KIND_LABELS
from workbench.coding.store import CODER_NAME, NewCoding, check_coder
from workbench.errors import WorkbenchError
from workbench.exchange.qdpx.archive import Archive, decode_text, parse_xml
from workbench.exchange.qdpx.schema import (
    PROJECT_NS,
    SOURCES_DIR,
    VARIABLES,
    normal_guid,
    parse_description,
    parse_valence,
    qname,
    split_memo,
)
from workbench.exchange.qdpx.source_metadata import REQUIRED, TYPES, SourceMetadata
from workbench.io.files import atomic_write_files
from workbench.io.text import read_text
from workbench.lang.numbers import count_noun, percent
from workbench.material.codebook import Codebook
from workbench.material.corpus import (
    DOC_ID,
    Corpus,
    Document,
    Metadata,
    document_text,
    parse_document,
)
from workbench.material.memos import CODE_DIR, DOCUMENT_DIR
from workbench.privacy.fingerprints import Fingerprints, current_fingerprints
from workbench.privacy.guard import TextSource, scan_texts
from workbench.project import Project

_TEXT_SUFFIX = re.compile(r"\.(docx?|txt|rtf|odt|pdf|md)$", re.IGNORECASE)
_TRANSLITERATE = str.maketrans({"Æ": "AE", "Ø": "OE", "Å": "AA", "æ": "ae", "ø": "oe", "å": "aa"})


@dataclass
class ImportReport:
    """What an import did, for the user: counts, and in Danish what was left out and why."""

    path: Path
    origin: str = ""
    documents_created: list[str] = field(default_factory=list)
    documents_matched: list[str] = field(default_factory=list)
    coders: list[str] = field(default_factory=list)
    imported: int = 0
    already_present: int = 0  # the same coding (document, span, coder, code) was in the project already
    unknown_codes: dict[str, int] = field(default_factory=dict)  # code name in the file → codings left out
    skipped: list[str] = field(default_factory=list)  # sources or codings not imported, and why
    warnings: list[str] = field(default_factory=list)  # what the user should check or fill in
    memos: list[str] = field(default_factory=list)  # memos imported: "koden P1", "dokumentet INT01"
    dry_run: bool = False  # nothing was written: the report says what an import would do
    sources: list[SourceSummary] = field(default_factory=list)  # every text source, in file order
    codes: dict[str, tuple[str | None, int]] = field(default_factory=dict)  # code path → (our key, codings)
    users: dict[str, str] = field(default_factory=dict)  # user name in the file → coder
    privacy: dict[str, PrivacySummary] = field(default_factory=dict)  # source name → possible personal data
    full_names: list[str] = field(default_factory=list)  # users named like people and not mapped with --coder
    withdrawn_copies: dict[str, str] = field(default_factory=dict)  # source name → why: the withdrawn text again

    @property
    def missing_metadata(self) -> dict[str, list[str]]:
        return {s.name: s.missing for s in self.sources if s.missing}

    @property
    def left_out(self) -> int:
        return sum(self.unknown_codes.values())


@dataclass
class SourceSummary:
    """One source of the file as the import sees it (shown by `import-qdpx --dry-run`)."""

    name: str
    document: str | None = None  # the document it is or becomes
    status: str = ""  # "ny", "findes", or why it is left out
    metadata: dict[str, str] = field(default_factory=dict)  # front matter field → value
    origin: dict[str, str] = field(default_factory=dict)  # field → where the value came from
    missing: list[str] = field(default_factory=list)  # required fields neither mapped nor in the file
    codings: int = 0


@dataclass
class PrivacySummary:
    """The possible personal data in one source's texts: counts per kind and the first findings."""

    counts: dict[str, int]
    distinct: dict[str, int]  # different texts per kind: 650 "names" are often 14 capitalised words
    first: list[str]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


FIRST_FINDINGS = 5  # findings shown per source; the rest are counted


@dataclass
class _ForeignCode:
    name: str
    path: str  # "Andet / Ventetid": where it sits in the file's code tree
    key: str | None  # the code in our codebook, if it maps
    memo: str = ""  # the memo part of its Description (written by our export, kept by QualCoder)
    line: int = 0


@dataclass
class _Selection:
    line: int
    memo_line: int  # where its Description starts, for anonymity findings
    start: int
    end: int
    name: str
    user: str | None
    memo: str
    valence: str
    quote: bool
    codes: list[tuple[str | None, str | None]]  # (code GUID, creating user GUID)


@dataclass
class _Source:
    name: str
    line: int
    member: str  # where its text is, for messages
    raw: str  # the text as stored, line breaks untouched
    selections: list[_Selection]
    variables: dict[str, str]  # variable name → value
    created: str | None
    memo: str = ""  # its Description: the source's memo in QualCoder, MAXQDA and our export

    @cached_property
    def text(self) -> str:
        return self.raw.replace("\r\n", "\n").replace("\r", "\n")


@dataclass
class _Planned:
    document: Document
    start: int
    end: int
    code: str
    coder: str
    valence: str
    memo: str
    quote: bool

    @property
    def key(self) -> tuple:
        return (self.document.id, self.start, self.end, self.coder, self.code)



def match_code(name: str, codebook: Codebook) -> str | None:
    """Our code key for a code name from another tool: "P1", "p1 familien", "P1: Familien" or "Familien"."""
    cleaned = " ".join(name.replace("–", "-").split())
    keys = {c.key.casefold(): c.key for c in codebook.codes}
    if cleaned.casefold() in keys:
        return keys[cleaned.casefold()]
    first, _, rest = cleaned.partition(" ")
    key = keys.get(first.rstrip(".:-").casefold())
    if key is not None and rest.strip(" -:.").casefold() == codebook.code(key).name.casefold():
        return key
    by_name = [c.key for c in codebook.codes if c.name.casefold() == cleaned.casefold()]
    return by_name[0] if len(by_name) == 1 else None


def _foreign_codes(
    root: ET.Element, codebook: Codebook, code_map: dict[str, str], where: Path, lines: dict | None = None
) -> dict[str | None, _ForeignCode]:
    """The file's codes by GUID, each mapped onto a code key when the user's map or its name allows."""
    found: dict[str | None, _ForeignCode] = {}
    wanted = {name.strip().casefold(): key for name, key in code_map.items()}

    def walk(parent: ET.Element, path: str) -> None:
        for element in parent.findall(qname("Code")):
            name = (element.get("name") or "").strip()
            full = f"{path} / {name}" if path else name
            chosen = wanted.get(name.casefold(), wanted.get(full.casefold()))
            description = element.find(qname("Description"))
            found[normal_guid(element.get("guid"))] = _ForeignCode(
                name, full, chosen or match_code(name, codebook),
                split_memo(description.text if description is not None else None),
                (lines or {}).get(description, 0),
            )
            walk(element, full)

    tree = root.find(f"{qname('CodeBook')}/{qname('Codes')}")
    if tree is not None:
        walk(tree, "")
    names = {n for c in found.values() for n in (c.name.casefold(), c.path.casefold())}
    missing = [name for name in code_map if name.strip().casefold() not in names]
    if missing:
        raise WorkbenchError(
            f"Koden '{missing[0]}', som skulle oversættes, findes ikke i QDPX-filens kodebog. "
            "Skriv navnet som i det andet program; intet er importeret.",
            where,
        )
    return found


def _int(element: ET.Element, attribute: str, where: Path, line: int) -> int:
    value = element.get(attribute)
    try:
        return int(value)  # type: ignore[arg-type]  # a missing attribute is the TypeError below
    except (TypeError, ValueError):
        raise WorkbenchError(
            f"{attribute} i markeringen skal være et heltal (fundet: {value!r}); intet er importeret.", where, line
        ) from None


def _other_notes(root: ET.Element) -> int:
    """Notes that are not valence Notes (journals, annotations): not imported, only counted."""
    return sum(parse_valence(text) is None for text in _note_texts(root).values())


def _note_texts(root: ET.Element) -> dict[str | None, str]:
    """Every Note's PlainTextContent by GUID (valence Notes among them)."""
    notes = {}
    for note in root.iter(qname("Note")):
        content = note.find(qname("PlainTextContent"))
        notes[normal_guid(note.get("guid"))] = content.text or "" if content is not None else ""
    return notes


def _selection_valence(item: ET.Element, notes: dict[str | None, str]) -> tuple[str, bool] | None:
    """The valence and quote star from a valence Note the selection refers to, if any."""
    for ref in item.findall(qname("NoteRef")):
        found = parse_valence(notes.get(normal_guid(ref.get("targetGUID"))))
        if found is not None:
            return found
    return None


def _sources(root: ET.Element, lines: dict, archive: Archive, variables: dict[str | None, str], where: Path,
             report: ImportReport) -> list[_Source]:
    notes = _note_texts(root)
    sources: list[_Source] = []
    container = root.find(qname("Sources"))
    for element in [] if container is None else list(container):
        kind = element.tag.rpartition("}")[2]
        name = (element.get("name") or element.get("guid") or "").strip()
        if kind != "TextSource":
            report.skipped.append(f"kilden '{name}' ({kind}): kun tekstkilder kan importeres.")
            continue
        content = element.find(qname("PlainTextContent"))
        path = element.get("plainTextPath") or ""
        if content is not None:
            raw, member = content.text or "", f"{where.name} (PlainTextContent)"
        elif path.lower().startswith("internal://"):
            member = f"{SOURCES_DIR}/{path[len('internal://'):]}"
            data = archive.read(member)
            if data is None:
                raise WorkbenchError(
                    f"Kilden '{name}' henviser til {member}, som ikke findes i QDPX-filen. Eksportér projektet igen "
                    "med kilderne; intet er importeret.",
                    where,
                    lines[element],
                )
            raw = decode_text(data, archive.path / member)
        else:
            report.skipped.append(f"kilden '{name}': teksten ligger uden for QDPX-filen ({path or 'ingen sti'}).")
            continue
        if not raw.strip():  # NVivo leaves the plain text empty when the text is only in the Word file
            rich = " (kun som Word-dokument)" if element.get("richTextPath") else ""
            report.skipped.append(f"kilden '{name}': ingen tekst i QDPX-filen{rich}.")
            continue
        selections = []
        for item in element.findall(qname("PlainTextSelection")):
            line = lines[item]
            description = item.find(qname("Description"))
            memo, valence, quote = parse_description(description.text if description is not None else None)
            valence, quote = _selection_valence(item, notes) or (valence, quote)
            codes = [
                (normal_guid(c.find(qname("CodeRef")).get("targetGUID")), normal_guid(c.get("creatingUser")))  # type: ignore[union-attr]
                for c in item.findall(qname("Coding")) if c.find(qname("CodeRef")) is not None
            ]
            selections.append(_Selection(
                line, lines.get(description, line),
                _int(item, "startPosition", where, line), _int(item, "endPosition", where, line),
                item.get("name") or "", normal_guid(item.get("creatingUser") or item.get("modifyingUser")),
                memo, valence, quote, codes,
            ))
        whole = len(element.findall(qname("Coding")))
        if whole:
            report.skipped.append(
                f"{count_noun(whole, 'kodning', 'kodninger')} af hele kilden '{name}': "
                "kun markeret tekst kan importeres."
            )
        values = {}
        for value in element.findall(qname("VariableValue")):
            ref = value.find(qname("VariableRef"))
            variable = variables.get(normal_guid(ref.get("targetGUID"))) if ref is not None else None
            texts = [child.text for child in value if child is not ref and child.text and child.text.strip()]
            if variable and texts:
                values[variable] = texts[0].strip()
        description = element.find(qname("Description"))
        memo = (description.text or "").replace("\r\n", "\n").strip() if description is not None else ""
        sources.append(_Source(name, lines[element], member, raw, selections, values, element.get("creationDateTime"),
                               memo))
    return sources


def _field_of(variable_name: str) -> str | None:
    wanted = variable_name.strip().casefold()
    for key, (name, _, _, aliases) in VARIABLES.items():
        if wanted == name.casefold() or wanted in aliases:
            return key
    return None


def _same_text(name: str, text: str) -> bool:
    """Does a selection's name (other tools put the start of the selected text there) fit the text?"""
    name = " ".join(name.strip().rstrip(".…").split())
    return len(name) >= 4 and " ".join(text.split()).startswith(name)


def _positions(source: _Source, origin: str) -> tuple[Callable[[int], int], int, bool]:
    """(file position → position in the text with LF line breaks, the file's text length, had CRLF).

    With Windows line breaks, NVivo and MAXQDA count CRLF as two characters and ATLAS.ti as one.
    The selections' names decide when they contain the selected text; otherwise the tool does.
    """
    text = source.text
    breaks = [m.start() for m in re.finditer("\r\n", source.raw)]
    if not breaks:
        return (lambda p: p), len(text), False

    def convert(position: int) -> int:
        return position - bisect.bisect_left(breaks, position)

    def fits(two: bool) -> bool:
        limit = len(source.raw) if two else len(text)
        return all(0 <= s.start < s.end <= limit for s in source.selections)

    def score(two: bool) -> int:
        move = convert if two else (lambda p: p)
        return sum(_same_text(s.name, text[move(s.start):move(s.end)]) for s in source.selections)

    default = "atlas" not in origin.casefold()
    options = [two for two in (True, False) if fits(two)] or [default]
    two = max(options, key=lambda option: (score(option), option == default))
    return (convert if two else (lambda p: p)), (len(source.raw) if two else len(text)), True


def _coder(name: str | None, coder_map: dict[str, str]) -> str:
    """A coder name for a user of another tool: as mapped, else the name made file-safe."""
    name = (name or "").strip()
    if name in coder_map:
        return check_coder(coder_map[name])
    safe = re.sub(r"[^A-Za-zÆØÅæøå0-9_.-]", "", re.sub(r"\s+", "_", name)).lstrip("_.-")[:40]
    return check_coder(safe if CODER_NAME.match(safe) else "importeret")


def _document_id(name: str) -> str:
    stem = _TEXT_SUFFIX.sub("", name.strip()).translate(_TRANSLITERATE)
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-_")[:64].rstrip("-_")
    return stem if re.fullmatch(DOC_ID, stem) else "QDPX-kilde"


def _given(source: _Source) -> dict[str, str]:
    """The source's variables that are front matter fields, by field."""
    return {f: v for name, v in source.variables.items() if (f := _field_of(name))}


def _resolved(source: _Source, mapped: SourceMetadata | None, codebook: Codebook) -> SourceSummary:
    """The source's front matter from the user's mapping, else its variables, else its creation date (for
    the date only); what is still missing is listed, never defaulted."""
    summary = SourceSummary(source.name)
    given = _given(source)
    for name in ("type", "group", "role", "unit", "date", "consent", "id"):
        if mapped is not None and name in mapped.values:
            summary.metadata[name], summary.origin[name] = mapped.values[name], "kortlægning"
        elif name in given:
            value = given[name].strip()
            if name == "type":
                value = value.casefold().replace("fokusgruppe", "focus_group")
            elif name == "group":  # the key or the group's name, as our export and people write it
                value = next((g.key for g in codebook.respondent_groups
                              if value.casefold() in (g.key, g.name.casefold())), value)
            elif name == "date":
                value = value[:10]
            summary.metadata[name], summary.origin[name] = value, "QDPX-filen"
    created = (source.created or "")[:10]
    if "date" not in summary.metadata and re.fullmatch(r"\d{4}-\d{2}-\d{2}", created):
        summary.metadata["date"], summary.origin["date"] = created, "kildens oprettelsesdato"
    checks = {
        "type": lambda v: v in TYPES,
        "group": lambda v: v in codebook.respondent_group_keys,
        "date": lambda v: bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", v)),
        "role": bool,
    }
    for name in REQUIRED:
        found = summary.metadata.get(name)
        if found is None or not checks[name](found):
            summary.missing.append(name)
    return summary


def _metadata(summary: SourceSummary, doc_id: str) -> Metadata:
    values = summary.metadata
    return Metadata(
        id=doc_id,
        type=values["type"],  # type: ignore[arg-type]  # checked against TYPES in _resolved
        group=values["group"],
        role=values["role"],
        unit=values.get("unit") or None,
        date=dt.date.fromisoformat(values["date"]),
        consent="given",  # withdrawn ones are skipped, and copies of withdrawn documents refused, before this
    )


@dataclass
class _Plan:
    """Everything an import will write, worked out before anything is written."""

    documents: list[tuple[Path, str]] = field(default_factory=list)  # new transcript files and their text
    codings: list[_Planned] = field(default_factory=list)
    checked: dict[str, list[TextSource]] = field(default_factory=dict)  # texts for the anonymity guard, by source
    taken: set[str] = field(default_factory=set)  # ids of the new documents
    selfeval: list[tuple[str, int]] = field(default_factory=list)  # self-evaluation texts not in the project
    uncoded: int = 0  # selections without a code: comments in MAXQDA and NVivo
    memos: list[tuple[Path, str]] = field(default_factory=list)  # new memo files and their text
    withdrawn: Fingerprints | None = None  # the withdrawn documents' fingerprints, read once

    def check(self, label: str, *texts: TextSource) -> None:
        """Texts the anonymity guard reads before anything is written, under the source they belong to."""
        self.checked.setdefault(label, []).extend(texts)


def _document_for(source: _Source, project: Project, corpus: Corpus, plan: _Plan, report: ImportReport,
                  where: Path, mapped: SourceMetadata | None) -> Document | None:
    """The project's document with the source's text, or a new one planned from the source; None: skip it."""
    text = source.text
    summary = SourceSummary(source.name, codings=sum(len(s.codes) for s in source.selections))
    report.sources.append(summary)
    document = next((d for d in corpus.documents if d.body.rstrip() == text.rstrip()), None)
    if document is not None:
        summary.document, summary.status = document.id, "findes"
        summary.metadata = {k: str(v) for k, v in document.meta.model_dump().items() if v is not None and k != "id"}
        summary.origin = dict.fromkeys(summary.metadata, "projektet")
        report.documents_matched.append(document.id)
        if not document.included:
            summary.status = "samtykke trukket tilbage"
            report.skipped.append(
                f"kilden '{source.name}' er dokumentet {document.id}, hvis samtykke er trukket tilbage "
                f"({count_noun(summary.codings, 'kodning', 'kodninger')})."
            )
            return None
        return document
    if _given(source).get("type") == "selfeval":
        summary.status = "selvevalueringstekst uden for projektet"
        plan.selfeval.append((source.name, summary.codings))
        return None
    resolved = _resolved(source, mapped, project.codebook)
    summary.metadata, summary.origin, summary.missing = resolved.metadata, resolved.origin, resolved.missing
    if summary.metadata.get("consent") == "withdrawn":
        summary.status, summary.missing = "samtykke trukket tilbage (kortlægningen)", []
        report.skipped.append(f"kilden '{source.name}': samtykket er trukket tilbage ifølge kortlægningen.")
        return None
    doc_id = summary.metadata.get("id") or _document_id(source.name)
    if corpus.get(doc_id) is not None:
        raise WorkbenchError(
            f"Kilden '{source.name}' har samme id som dokumentet {doc_id} i projektet, men teksten er en anden. "
            "Omdøb kilden i det andet program (eller giv den et andet id i --metadata), og importér igen; intet er "
            "importeret.",
            where,
            source.line,
        )
    base, number = doc_id, 2
    while doc_id in plan.taken or corpus.get(doc_id) is not None:  # NVivo allows one name in two folders
        doc_id, number = f"{base[:60]}-{number}", number + 1
    if plan.withdrawn is None:
        plan.withdrawn = current_fingerprints(project, save=False)
    copied = plan.withdrawn.copied_from(text)
    if copied is not None:  # the withdrawn text again, renamed and perhaps edited: it stays out, and so does all
        summary.status = f"gentager {copied[0]}, hvis samtykke er trukket tilbage"
        report.withdrawn_copies[source.name] = (
            f"teksten gentager {percent(copied[1] * 100)} af dokumentet '{copied[0]}', hvis samtykke er trukket "
            "tilbage")
        return None
    summary.document, summary.status = doc_id, "ny"
    plan.taken.add(doc_id)
    shown = f"{where.parent.name}:{source.member}"
    plan.check(source.name, TextSource(shown, text))
    plan.check(source.name, *(TextSource(f"{shown} ({f})", summary.metadata[f])
                              for f in ("role", "unit") if summary.metadata.get(f)))
    if summary.missing:
        return None  # reported: a new transcript needs them, and nothing is guessed
    meta = _metadata(summary, doc_id)
    target = project.documents_dir / f"{doc_id}.md"
    content = document_text(meta, text)
    document = parse_document(content, target, project.codebook, expected_id=doc_id)
    plan.documents.append((target, content))
    report.documents_created.append(doc_id)
    if summary.origin.get("date") == "kildens oprettelsesdato":
        report.warnings.append(
            f"Datoen for {doc_id} er kildens oprettelsesdato i det andet program ({meta.date.isoformat()}); "
            f"ret den i {project.relative(target)}, hvis interviewet blev holdt en anden dag."
        )
    return document


def import_qdpx(
    project: Project,
    path: str | Path,
    coder_map: dict[str, str] | None = None,
    code_map: dict[str, str] | None = None,
    metadata: dict[str, SourceMetadata] | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Import a QDPX from another tool (or this one): sources, codings and their coders.

    `coder_map` gives coder names for the file's user names ("Anne Holm" → "AH"); `code_map` maps
    code names the codebook does not know onto code keys ("Ventetid" → "P3"). Codings whose code
    still does not map are left out and counted in `ImportReport.unknown_codes`. Memos on sources
    and codes become memo files (never overwriting a different one). `metadata` is the user's
    mapping for new sources (`source_metadata.load_source_metadata`): a new source needs type,
    group, role and date from it or from its variables, else the import refuses. With `dry_run`
    nothing is refused or written: the report says what would be imported, with a summary of the
    possible personal data per source.
    """
    path = Path(path)
    coder_map = dict(coder_map or {})
    codebook = project.codebook
    for name, key in (code_map or {}).items():
        if not codebook.has_code(key):
            raise WorkbenchError(
                f"Koden '{name}' skulle importeres som '{key}', men den kode findes ikke i kodebogen. Brug en nøgle "
                "fra kodebogen, fx P3; intet er importeret.",
                project.codebook_path,
            )
    report = ImportReport(path)
    with Archive(path) as archive:
        member, data = archive.project_qde()
        where = path / member
        root, lines = parse_xml(data, where)
        if root.tag != qname("Project"):
            raise WorkbenchError(
                f"Filen er ikke et REFI-QDA-projekt: roden skal være <Project> i navnerummet {PROJECT_NS}. "
                "Intet er importeret.",
                where,
                lines.get(root),
            )
        report.origin = root.get("origin") or ""
        users = {normal_guid(u.get("guid")): u.get("name") or u.get("id") or "" for u in root.iter(qname("User"))}
        default_user = normal_guid(root.get("creatingUserGUID"))
        codes = _foreign_codes(root, codebook, dict(code_map or {}), where, lines)
        variables = {normal_guid(v.get("guid")): v.get("name") or "" for v in root.iter(qname("Variable"))}
        sources = _sources(root, lines, archive, variables, where, report)

    corpus = project.codable_corpus
    plan = _Plan()
    counted: Counter = Counter()  # code path in the file → its codings in the sources to import
    for source in sources:
        mapped = (metadata or {}).get(source.name)
        _plan_source(source, project, corpus, plan, report, where, mapped,
                     _Who(users, default_user, coder_map), codes, counted)
    for code in codes.values():
        if code.key and code.memo:
            _plan_memo(project.memos_dir / CODE_DIR / f"{code.key}.md", code.memo, f"koden {code.key}", plan, report,
                       TextSource(str(where), code.memo, code.line), "kodebogen")
    by_path = {c.path: c.key for c in codes.values()}
    report.codes = {name: (by_path.get(name), n) for name, n in counted.most_common()}
    report.privacy = _privacy(plan, codebook)
    if plan.selfeval:
        report.skipped.append(
            f"{count_noun(len(plan.selfeval), 'selvevalueringstekst', 'selvevalueringstekster')} "
            f"({', '.join(name for name, _ in plan.selfeval)}), som ikke findes i projektets selfeval/ "
            f"({count_noun(sum(n for _, n in plan.selfeval), 'kodning', 'kodninger')})."
        )
    if plan.uncoded:
        report.skipped.append(
            f"{count_noun(plan.uncoded, 'markering', 'markeringer')} uden kode (kommentarer i det andet program)."
        )
    other = _other_notes(root)
    if other:
        report.skipped.append(
            f"{count_noun(other, 'note', 'noter')} i QDPX-filen (fx dagbøger): kun memoer på koder og kilder "
            "og kodningers valens importeres."
        )
    report.unknown_codes = {name: n for name, (key, n) in report.codes.items() if key is None}
    report.warnings = list(dict.fromkeys(report.warnings))
    report.coders = sorted({c.coder for c in plan.codings})
    if dry_run:
        report.dry_run = True
        return report
    refuse_incomplete(report)
    _write(project, plan, report)
    return report


@dataclass
class _Who:
    """How a coding's user GUID becomes a coder name."""

    users: dict[str | None, str]  # user GUID → name in the file
    default: str | None  # the project's creatingUserGUID
    coder_map: dict[str, str]

    def name(self, coding_user: str | None, selection_user: str | None) -> str:
        """The coder of a coding: the Coding's creatingUser, as the standard says (the user who applied the
        code); the selection's when the Coding has none (MAXQDA, QualCoder); the project's creator last."""
        return self.users.get(coding_user) or self.users.get(selection_user) or self.users.get(self.default) or ""


def _plan_source(source: _Source, project: Project, corpus: Corpus, plan: _Plan, report: ImportReport, where: Path,
                 mapped: SourceMetadata | None, who: _Who, codes: dict[str | None, _ForeignCode],
                 counted: Counter) -> None:
    """One source's document, memo, codings and texts to check, into the plan (and its summary)."""
    move, limit, crlf = _positions(source, report.origin)
    for selection in source.selections:
        if not 0 <= selection.start < selection.end <= limit:
            raise WorkbenchError(
                f"Markeringen {selection.start}-{selection.end} ligger uden for teksten i kilden '{source.name}' "
                f"({limit} tegn). Filen passer ikke til sine kilder; intet er importeret.",
                where,
                selection.line,
            )
    if crlf:
        report.warnings.append(f"Kilden '{source.name}' har Windows-linjeskift (CRLF); positionerne er omregnet.")
    document = _document_for(source, project, corpus, plan, report, where, mapped)
    summary = report.sources[-1]
    if document is None and summary.status != "ny":
        return
    if source.memo and summary.document:
        _plan_memo(project.memos_dir / DOCUMENT_DIR / f"{summary.document}.md", source.memo,
                   f"dokumentet {summary.document}", plan, report, TextSource(str(where), source.memo, source.line),
                   source.name)
    for selection in source.selections:
        start, end = move(selection.start), move(selection.end)
        if document is not None and end > len(document.body):
            raise WorkbenchError(
                f"Markeringen {selection.start}-{selection.end} ligger uden for dokumentet {document.id} "
                f"({len(document.body)} tegn); intet er importeret.",
                where,
                selection.line,
            )
        if selection.memo:
            plan.check(source.name, TextSource(str(where), selection.memo, selection.memo_line))
        if not selection.codes:
            plan.uncoded += 1
        for code_guid, user in selection.codes:
            code = codes.get(code_guid)
            counted[code.path if code else f"(ukendt kode {code_guid})"] += 1
            if code is None or code.key is None:
                continue
            name = who.name(user, selection.user)
            if name.strip() not in who.coder_map and looks_like_full_name(name):
                if name.strip() not in report.full_names:  # refused with the others in refuse_incomplete
                    report.full_names.append(name.strip())
                report.users[name] = "(mangler --coder)"
                continue
            coder = _coder(name, who.coder_map)
            report.users[name] = coder
            if document is not None:
                plan.codings.append(_Planned(document, start, end, code.key, coder, selection.valence,
                                             selection.memo, selection.quote))


def _privacy(plan: _Plan, codebook: Codebook) -> dict[str, PrivacySummary]:
    """Possible personal data per source: counts per kind and the first few, not every line."""
    found = {}
    anonymity = codebook.anonymity
    for label, texts in plan.checked.items():
        findings = scan_texts(texts, anonymity.allowed_terms, anonymity.local_places)
        if findings:
            counts = Counter(f.kind for f in findings)
            distinct = Counter(kind for kind, _ in {(f.kind, f.text.casefold()) for f in findings})
            found[label] = PrivacySummary(dict(counts.most_common()), dict(distinct),
                                          [str(f) for f in findings[:FIRST_FINDINGS]])
    return found


def privacy_lines(privacy: dict[str, PrivacySummary]) -> list[str]:
    """The per-source summary as lines for people (the dry run and the refusal print the same)."""
    lines = []
    for label, summary in privacy.items():
        kinds = ", ".join(f"{KIND_LABELS.get(kind, kind)}: {n} ({summary.distinct[kind]} forskellige)"
                          for kind, n in summary.counts.items())
        lines.append(f"{label}: {count_noun(summary.total, 'mulig personoplysning', 'mulige personoplysninger')} "
                     f"({kinds})")
        lines += [f"  {finding}" for finding in summary.first]
        if summary.total > len(summary.first):
            lines.append(f"  … og {summary.total - len(summary.first)} flere")
    return lines


def refuse_incomplete(report: ImportReport) -> None:
    """A real import stops, before anything is written, at missing metadata or possible personal data."""
    problems = []
    if report.missing_metadata:
        problems.append("Disse kilder mangler metadata (giv dem i en fil med --metadata):")
        problems += [f"  {name}: {', '.join(fields)}" for name, fields in report.missing_metadata.items()]
    if report.full_names:  # a user's full name would become a coder name and reach every export
        problems.append("Disse brugere ligner fulde navne og må ikke blive kodernavne. Giv hver initialer eller et "
                        "pseudonym:")
        problems += [f'  --coder "{name}=INITIALER"' for name in report.full_names]
    if report.withdrawn_copies:
        problems.append("Disse kilder gentager et dokument, hvis samtykke er trukket tilbage (brug `workbench "
                        "consent give`, hvis deltageren har givet samtykke igen):")
        problems += [f"  {name}: {why}" for name, why in report.withdrawn_copies.items()]
    if report.privacy:
        problems.append("Teksterne indeholder mulige personoplysninger. Anonymisér dem (i det andet program eller "
                        "med `workbench pseudonymise`):")
        problems += [f"  {line}" for line in privacy_lines(report.privacy)]
    if problems:
        raise WorkbenchError(
            "QDPX-filen er ikke importeret; se hele oversigten med --dry-run.\n" + "\n".join(problems), report.path
        )


def _plan_memo(target: Path, memo: str, what: str, plan: _Plan, report: ImportReport, checked: TextSource,
               label: str) -> None:
    """A memo from the file becomes the project's memo file, unless the project has a different one already."""
    if any(path == target for path, _ in plan.memos):
        return
    if target.is_file():
        if read_text(target).strip() != memo.strip():
            report.skipped.append(f"memoet om {what}: projektet har allerede et andet memo, som ikke er overskrevet.")
        return
    plan.memos.append((target, memo.strip() + "\n"))
    plan.check(label, checked)
    report.memos.append(what)


def _write(project: Project, plan: _Plan, report: ImportReport) -> None:
    """The new transcripts first (all or none), then each coder's codings as one batch (all or none).

    A coding the project already has (same coder, code and span) is counted, not added twice; a run
    killed between the two steps is completed by running it again: the transcripts are then found by
    their text, and the codings go in.
    """
    atomic_write_files({target: content.encode("utf-8") for target, content in plan.documents + plan.memos})
    store = project.coding_store()
    by_coder: dict[str, list[NewCoding]] = {}
    planned: set[tuple] = set()
    for item in plan.codings:
        if item.key in planned or store.find(item.coder, item.document.id, item.code, item.start, item.end):
            report.already_present += 1
            continue
        planned.add(item.key)
        by_coder.setdefault(item.coder, []).append(
            NewCoding(item.document, item.start, item.end, item.code, item.valence, item.memo, item.quote)
        )
    for coder, items in by_coder.items():
        batch = store.add_batch(coder, items)
        report.imported += len(batch.added)
        report.already_present += len(batch.present)
