"""Writing a .qdpx project and a .qdc codebook (see the package docstring for the mapping)."""

from __future__ import annotations

import datetime as dt
import io
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from pathlib import Path

from workbench.coding.store import Coding
from workbench.exchange.qdpx.schema import (
    CODEBOOK_NS,
    FALLBACK_TIME,
    ORIGIN,
    PROJECT_NS,
    SOURCES_DIR,
    VALENCE_NOTE,
    VARIABLES,
    carries_valence,
    guid,
    join_memo,
    valence_line,
)
from workbench.io.text import read_text
from workbench.material.codebook import Code, Codebook, CodeGroup
from workbench.material.corpus import Document
from workbench.material.memos import CODE_DIR, DOCUMENT_DIR
from workbench.privacy import sources
from workbench.privacy.gate import Export, exporter
from workbench.privacy.guard import TextSource
from workbench.project import Project

NEUTRAL_COLOUR = "#999999"  # a code group whose codes have different colours
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed, so an unchanged project exports to the same bytes


def _utc(timestamp: str) -> str | None:
    """The coding's ISO timestamp as xsd:dateTime in UTC ("2025-05-14T08:03:11Z")."""
    try:
        moment = dt.datetime.fromisoformat(timestamp)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")



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


def _carried(
    project: Project, documents: list[Document], codings: list[Coding], memos: list[_Memo]
) -> list[TextSource]:
    """Every text the .qdpx holds, for the export gate."""
    answers = list(sources.selfeval_texts(project))  # read once for all self-evaluation documents
    texts = [t for d in documents for t in sources.document_body(project, d, answers)]
    texts += [t for d in documents for t in sources.document_metadata(project, d)]
    texts += [sources.memo_file(project, m.path, m.text) for m in memos]
    texts += [sources.coding_memo(project, c) for c in codings if c.memo]
    texts += sources.coder_names(project, (c.coder for c in codings))
    return texts + sources.codebook_texts(project)


def _group_colour(group: CodeGroup) -> str:
    colours = {code.colour for code in group.codes}
    return colours.pop() if len(colours) == 1 else NEUTRAL_COLOUR


def _code_description(code: Code, memo: _Memo | None) -> str | None:
    """Statement and definition, then the code's memo under MEMO_HEADING: QualCoder, NVivo and MAXQDA show
    a code's Description as its memo, and a Note on a code reaches none of them."""
    parts = [text.strip() for text in (code.statement, code.definition) if text and text.strip()]
    return join_memo("\n\n".join(parts), memo.text if memo else "") or None


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
            description = _code_description(code, code_memos.get(code.key))
            if description:
                ET.SubElement(child, "Description").text = description
    return codes


def _variable_value(parent: ET.Element, name: str, kind: str, value: str) -> None:
    element = ET.SubElement(parent, "VariableValue")
    ET.SubElement(element, "VariableRef", {"targetGUID": guid("variable", name)})
    ET.SubElement(element, f"{kind}Value").text = value


def _valence_note(parent: ET.Element, coding: Coding, stamp: str | None) -> None:
    """The coding's valence and quote star as a Note its selection refers to (the schema has no extension
    points; QualCoder skips a Note without plainTextPath, so the coder's memo stays clean there)."""
    note = ET.SubElement(parent, "Note", {
        "guid": guid("valence", f"{coding.coder}:{coding.id}"), "name": VALENCE_NOTE,
        "creatingUser": guid("user", coding.coder), "creationDateTime": stamp or FALLBACK_TIME,
    })
    ET.SubElement(note, "PlainTextContent").text = valence_line(coding)


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
    notes = ET.Element("Notes")  # filled while the selections are written; placed after Sources
    if documents:
        sources = ET.SubElement(root, "Sources")
        for document in documents:
            source_guid = guid("source", document.id)
            source = ET.SubElement(sources, "TextSource", {
                "guid": source_guid, "name": document.id, "plainTextPath": f"internal://{source_guid}.txt",
            })
            if document.id in document_memos:  # a source's Description is its memo in QualCoder and MAXQDA
                ET.SubElement(source, "Description").text = document_memos[document.id].text
            for coding in by_document.get(document.id, []):
                selection = ET.SubElement(source, "PlainTextSelection", {
                    "guid": guid("selection", f"{coding.coder}:{coding.id}"),
                    "startPosition": str(coding.start), "endPosition": str(coding.end),
                    "creatingUser": guid("user", coding.coder),
                    **({"creationDateTime": stamp} if (stamp := _utc(coding.created)) else {}),
                })
                if coding.memo:
                    ET.SubElement(selection, "Description").text = coding.memo
                tag = ET.SubElement(selection, "Coding", {
                    "guid": guid("coding", f"{coding.coder}:{coding.id}"), "creatingUser": guid("user", coding.coder),
                    **({"creationDateTime": stamp} if stamp else {}),
                })
                ET.SubElement(tag, "CodeRef", {"targetGUID": guid("code", coding.code)})
                if carries_valence(coding):
                    ET.SubElement(selection, "NoteRef", {"targetGUID": guid("valence", f"{coding.coder}:{coding.id}")})
                    _valence_note(notes, coding, stamp)
            meta = document.meta
            for key, (name, kind, _, _) in VARIABLES.items():
                value = getattr(meta, key)
                if value is not None:
                    _variable_value(source, name, kind, value.isoformat() if key == "date" else str(value))
    if len(notes):
        root.append(notes)
    ET.SubElement(root, "Description").text = (
        "Eksporteret fra arbejdsbordet. Kun dokumenter med samtykke og kodninger på uændret tekst er med. "
        "En markerings beskrivelse er koderens memo; valens og citatstjerne står i en note, markeringen henviser til."
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


@exporter("qdpx", carries=(sources.DOCUMENT, sources.SELFEVAL, sources.METADATA, sources.MEMO,
                           sources.CODING_MEMO, sources.CODER, sources.CODEBOOK))
def qdpx_export(project: Project, out: Path) -> Export:
    """The project as a REFI-QDA project: documents with consent, current codings, memos, codebook."""
    documents = exported_documents(project)
    codings = exported_codings(project)
    code_memos, document_memos = _memos(project, documents)
    members = [("project.qde", project_xml(project, documents, codings, code_memos, document_memos))]
    members += [
        (f"{SOURCES_DIR}/{guid('source', d.id)}.txt", d.body.encode("utf-8")) for d in documents
    ]
    memos = [*code_memos.values(), *document_memos.values()]
    return Export(f"QDPX-filen {out.name}", {out: _zip(members)}, _carried(project, documents, codings, memos),
                  summary=(len(documents), len(codings)))


@exporter("qdc", carries=(sources.CODEBOOK,))
def qdc_export(project: Project, out: Path) -> Export:
    """The codebook alone as a REFI-QDA codebook."""
    root = ET.Element("CodeBook", {"xmlns": CODEBOOK_NS, "origin": ORIGIN})
    root.append(_codes_element(project.codebook, {}))
    return Export(f"Kodebogen {out.name}", {out: _serialise(root)}, sources.codebook_texts(project))


def export_qdpx(project: Project, out: str | Path) -> Path:
    """Write the project as a REFI-QDA project (.qdpx) through the export gate."""
    qdpx_export.write(project, out=Path(out))
    return Path(out)


def export_qdc(project: Project, out: str | Path) -> Path:
    """Write the codebook alone as a REFI-QDA codebook (.qdc) through the export gate."""
    qdc_export.write(project, out=Path(out))
    return Path(out)
