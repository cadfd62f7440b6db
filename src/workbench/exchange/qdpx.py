"""REFI-QDA exchange: QDPX projects and QDC codebooks for NVivo, ATLAS.ti, MAXQDA and QualCoder.

A .qdpx file is a zip with `project.qde` (XML in the namespace urn:QDA-XML:project:1.0) and the
texts under `sources/`. How the workbench maps onto it:

* Users: one per coder. Codebook: each code group is a parent Code (not codable) with its codes
  as children ("P1 Familien"), colour and description (statement and definition).
* Sources: every codable document with consent (transcripts, observations and the
  self-evaluations' free texts), as `sources/<guid>.txt` holding the body exactly, so a
  selection's startPosition/endPosition are our offsets (Unicode code points). The front matter
  becomes Variables (Dokumenttype, Respondentgruppe, Rolle, Enhed, Dato).
* Codings: one PlainTextSelection per current coding, with the coder as creatingUser and one
  Coding/CodeRef. The coding's memo, valence and quote star go into the selection's Description,
  whose last line is always "Valens: <valens> · Citat: ja|nej"; other tools show it as the
  selection's comment, and import reads it back.
* Memos: `memos/koder/<CODE>.md` and `memos/dokumenter/<ID>.md` become Notes, referred to by a
  NoteRef from the code or the source.

GUIDs are uuid5 of stable ids (code key, document id, coder, coding id), so exporting twice gives
the same GUIDs, and the zip itself is byte for byte the same when nothing changed.

Import reads a QDPX from any of those tools: nested codes are mapped onto the codebook by key or
name, codes that cannot be mapped are reported with their number of codings (and left out unless
mapped), offsets counted with Windows line breaks (CRLF) are converted, and sources not yet in the
project become transcripts (their text through the anonymity check). Notes are not imported: the
project's memos are its own Markdown files. Everything is read and checked before anything is
written.
"""

from __future__ import annotations

import bisect
import datetime as dt
import io
import re
import uuid
import xml.etree.ElementTree as ET
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from xml.parsers import expat

from workbench.coding.store import CODER_NAME, Coding, check_coder
from workbench.errors import WorkbenchError
from workbench.io.files import atomic_write_bytes, atomic_write_text
from workbench.io.yaml import read_text
from workbench.lang.numbers import count_noun
from workbench.material.codebook import VALENCES, Code, Codebook, CodeGroup
from workbench.material.corpus import DOC_ID, Corpus, Document, Metadata, document_text, parse_document
from workbench.material.memos import CODE_DIR, DOCUMENT_DIR
from workbench.privacy.guard import TextSource, ensure_clean, ensure_no_withdrawn, scan_texts
from workbench.project import Project

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
ORIGIN = "Arbejdsbord til principfokuseret evaluering"
NEUTRAL_COLOUR = "#999999"  # a code group whose codes have different colours
SOURCES_DIR = "sources"
_GUIDS = uuid.uuid5(uuid.NAMESPACE_URL, "urn:workbench:refi-qda")
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed, so an unchanged project exports to the same bytes
_MAX_MEMBER_BYTES = 200 * 1024 * 1024  # a bigger project.qde or text is a broken or hostile file

# front matter field → (variable name, REFI type, description, names other tools may use)
VARIABLES = {
    "type": ("Dokumenttype", "Text", "interview, observation, focus_group eller selfeval", ("type", "document type")),
    "group": ("Respondentgruppe", "Text", "respondentgruppens nøgle i kodebogen", ("group", "gruppe")),
    "role": ("Rolle", "Text", "rollen i citatangivelser", ("role",)),
    "unit": ("Enhed", "Text", "forvaltning eller enhed", ("unit", "forvaltning", "afdeling")),
    "date": ("Dato", "Date", "dato for interview eller observation", ("date", "interviewdato")),
}
_VALENCE_LINE = re.compile(r"^Valens: (?P<valence>\S+)(?: · Citat: (?P<quote>ja|nej))?$")
_TEXT_SUFFIX = re.compile(r"\.(docx?|txt|rtf|odt|pdf|md)$", re.IGNORECASE)
_TRANSLITERATE = str.maketrans({"Æ": "AE", "Ø": "OE", "Å": "AA", "æ": "ae", "ø": "oe", "å": "aa"})


def guid(kind: str, key: str) -> str:
    """The GUID of one thing in the export, the same every time it is exported."""
    return str(uuid.uuid5(_GUIDS, f"{kind}:{key}"))


def _utc(timestamp: str) -> str | None:
    """The coding's ISO timestamp as xsd:dateTime in UTC ("2025-05-14T08:03:11Z")."""
    try:
        moment = dt.datetime.fromisoformat(timestamp)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def coding_description(coding: Coding) -> str:
    """The selection's Description: the coder's memo, then the line with valence and quote star."""
    line = f"Valens: {coding.valence} · Citat: {'ja' if coding.quote else 'nej'}"
    return f"{coding.memo}\n\n{line}" if coding.memo else line


def parse_description(text: str | None) -> tuple[str, str, bool]:
    """(memo, valence, quote) from a selection's Description; other tools' comments become the memo."""
    text = (text or "").replace("\r\n", "\n")
    head, _, last = text.rpartition("\n")
    match = _VALENCE_LINE.match(last.strip())
    if match is None or match["valence"] not in VALENCES:
        return text.strip(), "neutral", False
    memo = head[:-1] if head.endswith("\n") else head
    return memo, match["valence"], match["quote"] == "ja"


# ------------------------------------------------------------------------------------------ export


@dataclass
class _Memo:
    path: Path
    text: str
    name: str
    guid: str


def exported_documents(project: Project) -> list[Document]:
    """The documents an export carries: transcripts, observations and self-evaluation texts with consent."""
    return sorted(project.codable_corpus.included, key=lambda d: d.id)


def exported_codings(project: Project) -> list[Coding]:
    """Current codings (consent given, text unchanged) in document and text order."""
    order = {c.key: i for i, c in enumerate(project.codebook.codes)}
    codings = project.coding_store().current(project.codable_corpus)
    return sorted(codings, key=lambda c: (c.doc_id, c.start, c.end, order.get(c.code, len(order)), c.coder, c.id))


def _memos(project: Project, documents: list[Document]) -> tuple[dict[str, _Memo], dict[str, _Memo]]:
    """Memos on codes and on exported documents, by code key and document id."""

    def read(path: Path, kind: str, key: str, name: str) -> _Memo | None:
        if not path.is_file():
            return None
        return _Memo(path, read_text(path), name, guid(kind, key))

    on_codes = {
        code.key: memo for code in project.codebook.codes
        if (memo := read(project.memos_dir / CODE_DIR / f"{code.key}.md", "memo-code", code.key, f"Memo: {code.label}"))
    }
    on_documents = {
        document.id: memo for document in documents
        if (memo := read(project.memos_dir / DOCUMENT_DIR / f"{document.id}.md", "memo-document", document.id,
                         f"Memo: {document.id}"))
    }
    return on_codes, on_documents


def _check_free_texts(project: Project, memos: list[_Memo], codings: list[Coding], what: str) -> None:
    """Memos and coding memos leave the project: no personal data, nothing from a withdrawn document."""
    sources = [TextSource(project.relative(m.path), m.text) for m in memos]
    store = project.coding_store()
    sources += [
        TextSource(f"{project.relative(store.path_for(c.coder))} ({c.doc_id} {c.start}-{c.end})", c.memo)
        for c in codings if c.memo
    ]
    ensure_clean(project, sources, what)
    ensure_no_withdrawn(project, sources, what)


def _group_colour(group: CodeGroup) -> str:
    colours = {code.colour for code in group.codes}
    return colours.pop() if len(colours) == 1 else NEUTRAL_COLOUR


def _code_description(code: Code) -> str | None:
    parts = [text.strip() for text in (code.statement, code.definition) if text and text.strip()]
    return "\n\n".join(parts) or None


def _codes_element(codebook: Codebook, code_memos: dict[str, _Memo]) -> ET.Element:
    codes = ET.Element("Codes")
    for group in codebook.code_groups:
        parent = ET.SubElement(codes, "Code", {
            "guid": guid("group", group.key), "name": group.name, "isCodable": "false", "color": _group_colour(group),
        })
        if group.description:
            ET.SubElement(parent, "Description").text = group.description.strip()
        for code in group.codes:
            child = ET.SubElement(parent, "Code", {
                "guid": guid("code", code.key), "name": code.label, "isCodable": "true", "color": code.colour,
            })
            description = _code_description(code)
            if description:
                ET.SubElement(child, "Description").text = description
            if code.key in code_memos:  # the codebook schema (.qdc) has no notes
                ET.SubElement(child, "NoteRef", {"targetGUID": code_memos[code.key].guid})
    return codes


def _variable_value(parent: ET.Element, name: str, kind: str, value: str) -> None:
    element = ET.SubElement(parent, "VariableValue")
    ET.SubElement(element, "VariableRef", {"targetGUID": guid("variable", name)})
    ET.SubElement(element, f"{kind}Value").text = value


def _note(parent: ET.Element, memo: _Memo) -> None:
    note = ET.SubElement(parent, "Note", {"guid": memo.guid, "name": memo.name})
    ET.SubElement(note, "PlainTextContent").text = memo.text


def _serialise(root: ET.Element) -> bytes:
    """XML with the REFI namespace as default namespace (set as xmlns on the root: ElementTree's own
    default_namespace refuses unqualified attributes, which REFI uses throughout)."""
    ET.indent(root, space="  ")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n").encode("utf-8")


def project_xml(project: Project, documents: list[Document], codings: list[Coding],
                code_memos: dict[str, _Memo], document_memos: dict[str, _Memo]) -> bytes:
    codebook = project.codebook
    root = ET.Element("Project", {"xmlns": PROJECT_NS, "name": codebook.title, "origin": ORIGIN})
    coders = sorted({c.coder for c in codings})
    if coders:
        users = ET.SubElement(root, "Users")
        for coder in coders:
            ET.SubElement(users, "User", {"guid": guid("user", coder), "name": coder})
    ET.SubElement(root, "CodeBook").append(_codes_element(codebook, code_memos))
    variables = ET.SubElement(root, "Variables")
    for name, kind, description, _ in VARIABLES.values():
        variable = ET.SubElement(variables, "Variable", {
            "guid": guid("variable", name), "name": name, "typeOfVariable": kind,
        })
        ET.SubElement(variable, "Description").text = description
    by_document: dict[str, list[Coding]] = {}
    for coding in codings:
        by_document.setdefault(coding.doc_id, []).append(coding)
    if documents:
        sources = ET.SubElement(root, "Sources")
        for document in documents:
            source_guid = guid("source", document.id)
            source = ET.SubElement(sources, "TextSource", {
                "guid": source_guid, "name": document.id, "plainTextPath": f"internal://{source_guid}.txt",
            })
            for coding in by_document.get(document.id, []):
                selection = ET.SubElement(source, "PlainTextSelection", {
                    "guid": guid("selection", f"{coding.coder}:{coding.id}"),
                    "startPosition": str(coding.start), "endPosition": str(coding.end),
                    "creatingUser": guid("user", coding.coder),
                    **({"creationDateTime": stamp} if (stamp := _utc(coding.created)) else {}),
                })
                ET.SubElement(selection, "Description").text = coding_description(coding)
                tag = ET.SubElement(selection, "Coding", {
                    "guid": guid("coding", f"{coding.coder}:{coding.id}"), "creatingUser": guid("user", coding.coder),
                    **({"creationDateTime": stamp} if stamp else {}),
                })
                ET.SubElement(tag, "CodeRef", {"targetGUID": guid("code", coding.code)})
            if document.id in document_memos:
                ET.SubElement(source, "NoteRef", {"targetGUID": document_memos[document.id].guid})
            meta = document.meta
            for key, (name, kind, _, _) in VARIABLES.items():
                value = getattr(meta, key)
                if value is not None:
                    _variable_value(source, name, kind, value.isoformat() if key == "date" else str(value))
    memos = list(code_memos.values()) + list(document_memos.values())
    if memos:
        notes = ET.SubElement(root, "Notes")
        for memo in memos:
            _note(notes, memo)
    ET.SubElement(root, "Description").text = (
        "Eksporteret fra arbejdsbordet. Kun dokumenter med samtykke og kodninger på uændret tekst er med. "
        "Hver markerings beskrivelse slutter med linjen 'Valens: … · Citat: ja/nej'."
    )
    return _serialise(root)


def _zip(members: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def export_qdpx(project: Project, out: str | Path) -> Path:
    """Write the project as a REFI-QDA project (.qdpx); refused if a memo holds personal data."""
    out = Path(out)
    documents = exported_documents(project)
    codings = exported_codings(project)
    code_memos, document_memos = _memos(project, documents)
    _check_free_texts(project, [*code_memos.values(), *document_memos.values()], codings, f"QDPX-filen {out.name}")
    members = [("project.qde", project_xml(project, documents, codings, code_memos, document_memos))]
    members += [
        (f"{SOURCES_DIR}/{guid('source', d.id)}.txt", d.body.encode("utf-8")) for d in documents
    ]
    atomic_write_bytes(out, _zip(members))
    return out


def export_qdc(project: Project, out: str | Path) -> Path:
    """Write the codebook alone as a REFI-QDA codebook (.qdc)."""
    out = Path(out)
    root = ET.Element("CodeBook", {"xmlns": CODEBOOK_NS, "origin": ORIGIN})
    root.append(_codes_element(project.codebook, {}))
    atomic_write_bytes(out, _serialise(root))
    return out


# ------------------------------------------------------------------------------------------ import


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

    @property
    def left_out(self) -> int:
        return sum(self.unknown_codes.values())


@dataclass
class _ForeignCode:
    name: str
    path: str  # "Andet / Ventetid": where it sits in the file's code tree
    key: str | None  # the code in our codebook, if it maps


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


def _q(name: str) -> str:
    """An element name in the project namespace, as ElementTree spells it when reading."""
    return f"{{{PROJECT_NS}}}{name}"


def _guid(value: str | None) -> str | None:
    """GUIDs compare without braces and case (tools write both forms)."""
    return value.strip().strip("{}").lower() if value else None


def _parse_xml(data: bytes, where: Path) -> tuple[ET.Element, dict[ET.Element, int]]:
    """The XML tree and the line of every element (ElementTree alone forgets lines)."""
    builder = ET.TreeBuilder()
    lines: dict[ET.Element, int] = {}
    parser = expat.ParserCreate(namespace_separator="}")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def tag(name: str) -> str:
        return "{" + name if "}" in name else name

    def start(name: str, attributes: dict) -> None:
        lines[builder.start(tag(name), attributes)] = parser.CurrentLineNumber

    parser.StartElementHandler = start
    parser.EndElementHandler = lambda name: builder.end(tag(name))
    parser.CharacterDataHandler = builder.data
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise WorkbenchError(
            f"Filen er ikke gyldig XML ({expat.ErrorString(exc.code)}). Eksportér projektet igen fra det andet "
            "program; intet er importeret.",
            where,
            exc.lineno,
        ) from None
    return builder.close(), lines


class _Archive:
    """The zip, with its members found whatever case and slashes the tool wrote."""

    def __init__(self, path: Path):
        self.path = path
        try:
            self.zip = zipfile.ZipFile(path)
        except FileNotFoundError:
            raise WorkbenchError("Filen findes ikke.", path) from None
        except (zipfile.BadZipFile, OSError):
            raise WorkbenchError(
                "Filen er ikke en QDPX-fil (en zip-fil med project.qde og kilderne). Eksportér projektet som "
                "REFI-QDA-projekt (.qdpx) fra det andet program; intet er importeret.",
                path,
            ) from None
        # tools write both sources/ and Sources/, some with backslashes
        self.members = {i.filename.replace("\\", "/").lower(): i for i in self.zip.infolist() if not i.is_dir()}

    def __enter__(self) -> _Archive:
        return self

    def __exit__(self, *_) -> None:
        self.zip.close()

    def read(self, name: str) -> bytes | None:
        info = self.members.get(name.lower())
        if info is None:
            return None
        if info.file_size > _MAX_MEMBER_BYTES:
            raise WorkbenchError(
                f"{info.filename} i QDPX-filen er for stor til at være et projekt; intet er importeret.", self.path
            )
        try:
            return self.zip.read(info)
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise WorkbenchError(
                f"{info.filename} i QDPX-filen kan ikke pakkes ud ({exc}); intet er importeret.", self.path
            ) from None

    def project_qde(self) -> tuple[str, bytes]:
        names = sorted((n for n in self.members if n == "project.qde" or n.endswith("/project.qde")), key=len)
        if not names:
            raise WorkbenchError(
                "QDPX-filen mangler project.qde, så den kan ikke læses. Eksportér projektet igen som "
                "REFI-QDA-projekt (.qdpx); intet er importeret.",
                self.path,
            )
        data = self.read(names[0])
        assert data is not None  # the name came from the members
        return self.members[names[0]].filename, data


def _decode(data: bytes, where: Path) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise WorkbenchError(
            "Teksten er ikke gemt som UTF-8. Eksportér projektet igen med UTF-8-tekster; intet er importeret.",
            where,
            line,
        ) from None


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
    root: ET.Element, codebook: Codebook, code_map: dict[str, str], where: Path
) -> dict[str | None, _ForeignCode]:
    """The file's codes by GUID, each mapped onto a code key when the user's map or its name allows."""
    found: dict[str | None, _ForeignCode] = {}
    wanted = {name.strip().casefold(): key for name, key in code_map.items()}

    def walk(parent: ET.Element, path: str) -> None:
        for element in parent.findall(_q("Code")):
            name = (element.get("name") or "").strip()
            full = f"{path} / {name}" if path else name
            chosen = wanted.get(name.casefold(), wanted.get(full.casefold()))
            found[_guid(element.get("guid"))] = _ForeignCode(name, full, chosen or match_code(name, codebook))
            walk(element, full)

    tree = root.find(f"{_q('CodeBook')}/{_q('Codes')}")
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


def _sources(root: ET.Element, lines: dict, archive: _Archive, variables: dict[str | None, str], where: Path,
             report: ImportReport) -> list[_Source]:
    sources: list[_Source] = []
    container = root.find(_q("Sources"))
    for element in [] if container is None else list(container):
        kind = element.tag.rpartition("}")[2]
        name = (element.get("name") or element.get("guid") or "").strip()
        if kind != "TextSource":
            report.skipped.append(f"kilden '{name}' ({kind}): kun tekstkilder kan importeres.")
            continue
        content = element.find(_q("PlainTextContent"))
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
            raw = _decode(data, archive.path / member)
        else:
            report.skipped.append(f"kilden '{name}': teksten ligger uden for QDPX-filen ({path or 'ingen sti'}).")
            continue
        if not raw.strip():  # NVivo leaves the plain text empty when the text is only in the Word file
            rich = " (kun som Word-dokument)" if element.get("richTextPath") else ""
            report.skipped.append(f"kilden '{name}': ingen tekst i QDPX-filen{rich}.")
            continue
        selections = []
        for item in element.findall(_q("PlainTextSelection")):
            line = lines[item]
            description = item.find(_q("Description"))
            memo, valence, quote = parse_description(description.text if description is not None else None)
            codes = [
                (_guid(c.find(_q("CodeRef")).get("targetGUID")), _guid(c.get("creatingUser")))  # type: ignore[union-attr]
                for c in item.findall(_q("Coding")) if c.find(_q("CodeRef")) is not None
            ]
            selections.append(
                _Selection(
                    line,
                    lines.get(description, line),
                    _int(item, "startPosition", where, line),
                    _int(item, "endPosition", where, line),
                    item.get("name") or "",
                    _guid(item.get("creatingUser") or item.get("modifyingUser")),
                    memo,
                    valence,
                    quote,
                    codes,
                )
            )
        whole = len(element.findall(_q("Coding")))
        if whole:
            report.skipped.append(
                f"{count_noun(whole, 'kodning', 'kodninger')} af hele kilden '{name}': "
                "kun markeret tekst kan importeres."
            )
        values = {}
        for value in element.findall(_q("VariableValue")):
            ref = value.find(_q("VariableRef"))
            variable = variables.get(_guid(ref.get("targetGUID"))) if ref is not None else None
            texts = [child.text for child in value if child is not ref and child.text and child.text.strip()]
            if variable and texts:
                values[variable] = texts[0].strip()
        sources.append(_Source(name, lines[element], member, raw, selections, values, element.get("creationDateTime")))
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


def _metadata(source: _Source, doc_id: str, codebook: Codebook) -> tuple[Metadata, list[str]]:
    """Metadata from the source's variables; what is missing or invalid gets a default and is listed."""
    given = _given(source)
    defaulted: list[str] = []
    kind = given.get("type", "").casefold().replace("fokusgruppe", "focus_group")
    if kind not in ("interview", "observation", "focus_group"):
        kind = "interview"
        defaulted.append("type")
    wanted = given.get("group", "").casefold()
    group = next((g.key for g in codebook.respondent_groups if wanted in (g.key, g.name.casefold())), None)
    if group is None:
        group = codebook.respondent_groups[0].key
        defaulted.append("group")
    role = given.get("role") or "ukendt"
    if "role" not in given:
        defaulted.append("role")
    try:
        date = dt.date.fromisoformat(given.get("date", "")[:10])
    except ValueError:
        created = (source.created or "")[:10]
        date = dt.date.fromisoformat(created) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", created) else dt.date.today()
        defaulted.append("date")
    meta = Metadata(
        id=doc_id,
        type=kind,  # type: ignore[arg-type]  # one of the three checked above
        group=group,
        role=role,
        unit=given.get("unit") or None,
        date=date,
    )
    return meta, defaulted


def _coder_warning(name: str, coder: str) -> str | None:
    if " " not in name.strip():
        return None
    return (
        f"Brugeren '{name}' ligner et fuldt navn og er importeret som koderen {coder}; "
        f"brug fx --coder \"{name}=INITIALER\" for initialer."
    )


@dataclass
class _Plan:
    """Everything an import will write, worked out before anything is written."""

    documents: list[tuple[Path, str]] = field(default_factory=list)  # new transcript files and their text
    codings: list[_Planned] = field(default_factory=list)
    checked: list[TextSource] = field(default_factory=list)  # texts for the anonymity guard
    taken: set[str] = field(default_factory=set)  # ids of the new documents
    selfeval: list[tuple[str, int]] = field(default_factory=list)  # self-evaluation texts not in the project
    uncoded: int = 0  # selections without a code: comments in MAXQDA and NVivo


def _document_for(source: _Source, project: Project, corpus: Corpus, plan: _Plan, report: ImportReport,
                  where: Path) -> Document | None:
    """The project's document with the source's text, or a new one planned from the source; None: skip it."""
    text = source.text
    codings = sum(len(s.codes) for s in source.selections)
    document = next((d for d in corpus.documents if d.body.rstrip() == text.rstrip()), None)
    if document is not None:
        report.documents_matched.append(document.id)
        if not document.included:
            report.skipped.append(
                f"kilden '{source.name}' er dokumentet {document.id}, hvis samtykke er trukket tilbage "
                f"({count_noun(codings, 'kodning', 'kodninger')})."
            )
            return None
        return document
    if _given(source).get("type") == "selfeval":
        plan.selfeval.append((source.name, codings))
        return None
    doc_id = _document_id(source.name)
    if corpus.get(doc_id) is not None:
        raise WorkbenchError(
            f"Kilden '{source.name}' har samme id som dokumentet {doc_id} i projektet, men teksten er en anden. "
            "Omdøb kilden i det andet program (eller ret dokumentet), og importér igen; intet er importeret.",
            where,
            source.line,
        )
    base, number = doc_id, 2
    while doc_id in plan.taken or corpus.get(doc_id) is not None:  # NVivo allows one name in two folders
        doc_id, number = f"{base[:60]}-{number}", number + 1
    meta, defaulted = _metadata(source, doc_id, project.codebook)
    target = project.documents_dir / f"{doc_id}.md"
    content = document_text(meta, text)
    document = parse_document(content, target, project.codebook, expected_id=doc_id)
    plan.documents.append((target, content))
    plan.taken.add(doc_id)
    report.documents_created.append(doc_id)
    shown = f"{where.parent.name}:{source.member}"
    plan.checked.append(TextSource(shown, text))
    plan.checked += [TextSource(f"{shown} ({f})", str(getattr(meta, f)))
                     for f in ("role", "unit") if getattr(meta, f) and f not in defaulted]
    if defaulted:
        values = ", ".join(f"{f}: {getattr(meta, f)}" for f in defaulted)
        report.warnings.append(
            f"Metadata for {doc_id} fandtes ikke (eller var ugyldige) i QDPX-filen og er sat til standardværdier "
            f"({values}). Ret dem i {project.relative(target)}."
        )
    return document


def import_qdpx(
    project: Project,
    path: str | Path,
    coder_map: dict[str, str] | None = None,
    code_map: dict[str, str] | None = None,
) -> ImportReport:
    """Import a QDPX from another tool (or this one): sources, codings and their coders.

    `coder_map` gives coder names for the file's user names ("Anne Holm" → "AH"); `code_map` maps
    code names the codebook does not know onto code keys ("Ventetid" → "P3"). Codings whose code
    still does not map are left out and counted in `ImportReport.unknown_codes`. Notes (memos)
    are not imported: the project's memos are its own files.
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
    with _Archive(path) as archive:
        member, data = archive.project_qde()
        where = path / member
        root, lines = _parse_xml(data, where)
        if root.tag != _q("Project"):
            raise WorkbenchError(
                f"Filen er ikke et REFI-QDA-projekt: roden skal være <Project> i navnerummet {PROJECT_NS}. "
                "Intet er importeret.",
                where,
                lines.get(root),
            )
        report.origin = root.get("origin") or ""
        users = {_guid(u.get("guid")): u.get("name") or u.get("id") or "" for u in root.iter(_q("User"))}
        default_user = _guid(root.get("creatingUserGUID"))
        codes = _foreign_codes(root, codebook, dict(code_map or {}), where)
        variables = {_guid(v.get("guid")): v.get("name") or "" for v in root.iter(_q("Variable"))}
        sources = _sources(root, lines, archive, variables, where, report)

    corpus = project.codable_corpus
    plan = _Plan()
    unknown: Counter = Counter()
    for source in sources:
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
        document = _document_for(source, project, corpus, plan, report, where)
        if document is None:
            continue
        for selection in source.selections:
            start, end = move(selection.start), move(selection.end)
            if end > len(document.body):
                raise WorkbenchError(
                    f"Markeringen {selection.start}-{selection.end} ligger uden for dokumentet {document.id} "
                    f"({len(document.body)} tegn); intet er importeret.",
                    where,
                    selection.line,
                )
            if selection.memo:
                plan.checked.append(TextSource(str(where), selection.memo, selection.memo_line))
            if not selection.codes:
                plan.uncoded += 1
            for code_guid, user in selection.codes:
                code = codes.get(code_guid)
                if code is None or code.key is None:
                    unknown[code.path if code else f"(ukendt kode {code_guid})"] += 1
                    continue
                name = users.get(user) or users.get(selection.user) or users.get(default_user) or ""
                coder = _coder(name, coder_map)
                if name.strip() not in coder_map and (warning := _coder_warning(name, coder)):
                    report.warnings.append(warning)
                plan.codings.append(_Planned(document, start, end, code.key, coder, selection.valence,
                                             selection.memo, selection.quote))
    findings = scan_texts(plan.checked, codebook.anonymity.allowed_terms)
    if findings:
        raise WorkbenchError(
            "QDPX-filen er ikke importeret, fordi teksterne indeholder mulige personoplysninger. Anonymisér dem "
            "(i det andet program eller med `workbench pseudonymise`) og prøv igen:\n"
            + "\n".join(str(f) for f in findings),
            path,
        )
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
    notes = root.find(_q("Notes"))
    if notes is not None and len(notes):
        report.skipped.append(
            f"{count_noun(len(notes), 'note (memo)', 'noter (memoer)')} i QDPX-filen; "
            "projektets memoer er filerne i memos/."
        )
    report.unknown_codes = dict(unknown.most_common())
    report.warnings = list(dict.fromkeys(report.warnings))
    report.coders = sorted({c.coder for c in plan.codings})
    _write(project, plan, report)
    return report


def _write(project: Project, plan: _Plan, report: ImportReport) -> None:
    """The new transcripts first, then the codings; a coding the project already has is not added twice."""
    for target, content in plan.documents:
        atomic_write_text(target, content)
    store = project.coding_store()
    seen = {(c.doc_id, c.start, c.end, c.coder, c.code) for c in store.codings()}
    for item in plan.codings:
        if item.key in seen:
            report.already_present += 1
            continue
        seen.add(item.key)
        store.add(item.coder, item.document, item.code, item.valence, span=(item.start, item.end), memo=item.memo,
                  quote=item.quote)
        report.imported += 1
