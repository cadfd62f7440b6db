"""A test oracle: what QualCoder does with a .qdpx when it imports it and exports it again.

QualCoder (LGPL-3) cannot be installed here, and its code is not copied: this is a re-implementation,
written from reading its REFI-QDA module (`src/qualcoder/refi.py`, classes RefiImport and RefiExport),
of exactly the rules that decide what survives the trip. Each rule names the method it follows.

Import (RefiImport):
* Users: guid → name (parse_users); an unknown user GUID becomes the owner "default".
* Codes (sub_codes): a Code with isCodable="false" is a category, every other Code is a code; the
  Description of either is its memo. Notes on codes are not read.
* TextSource (load_text_source): its Description is the source's memo; the text is the file named by
  plainTextPath (internal:// in the sources folder). Its NoteRefs mark text annotations.
* PlainTextSelection (load_codings_for_text): the owner of its codings is the selection's creatingUser
  (then modifyingUser), never the Coding's; its Description is the coding memo; a selection without a
  Coding is an annotation. One coding per (code, source, start, end, owner): duplicates are dropped.
  NoteRefs inside a selection are not read.
* Notes (parse_notes): every Note must have creationDateTime or modifiedDateTime; without either
  QualCoder stops with AttributeError (`None.replace`). A Note with plainTextPath that is not an
  annotation becomes a journal; other Notes are dropped.

Export (RefiExport): new GUIDs for everything; codes without a category at the top, each category as
a Code with isCodable="false" and its codes inside, memos as Description; each source as TextSource
with plainTextPath and its memo as Description; each coding as a PlainTextSelection with the owner as
creatingUser of the selection and its Coding, the memo as Description (left out when empty).
"""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

NS = "urn:QDA-XML:project:1.0"


def _q(name: str) -> str:
    return f"{{{NS}}}{name}"


@dataclass
class QualCoderProject:
    users: dict[str, str] = field(default_factory=dict)  # guid → name
    categories: list[dict] = field(default_factory=list)  # name, memo, codes: [guid]
    codes: dict[str, dict] = field(default_factory=dict)  # guid → name, memo, color, category
    sources: list[dict] = field(default_factory=list)  # name, memo, fulltext
    code_text: list[dict] = field(default_factory=list)  # cid, source, pos0, pos1, owner, memo, date
    annotations: list[dict] = field(default_factory=list)
    journals: list[dict] = field(default_factory=list)


def _text(element: ET.Element | None) -> str:
    return (element.text or "") if element is not None else ""


def qualcoder_import(path: Path) -> QualCoderProject:
    """The project as QualCoder's import would store it (raises AttributeError where QualCoder does)."""
    project = QualCoderProject()
    with zipfile.ZipFile(path) as archive:
        root = ET.fromstring(archive.read("project.qde"))
        files = {n.lower(): n for n in archive.namelist()}
        for user in root.iter(_q("User")):
            project.users[user.get("guid")] = user.get("name")

        def owner(element: ET.Element) -> str:
            return project.users.get(element.get("creatingUser") or element.get("modifyingUser"), "default")

        def walk(parent: ET.Element, category: str | None) -> None:
            for code in parent.findall(_q("Code")):
                memo = _text(code.find(_q("Description")))
                if code.get("isCodable") == "false":
                    project.categories.append({"name": code.get("name"), "memo": memo})
                    walk(code, code.get("name"))
                else:
                    project.codes[code.get("guid")] = {
                        "name": code.get("name"), "memo": memo, "color": code.get("color"), "category": category,
                    }
                    walk(code, category)

        codes = root.find(f"{_q('CodeBook')}/{_q('Codes')}")
        if codes is not None:
            walk(codes, None)
        note_refs = set()
        for source in root.iter(_q("TextSource")):
            member = "sources/" + source.get("plainTextPath", "").split("internal://")[1]
            fulltext = archive.read(files[member.lower()]).decode("utf-8")
            name = source.get("name")
            project.sources.append({"name": name, "memo": _text(source.find(_q("Description"))),
                                    "fulltext": fulltext})
            for selection in source.findall(_q("PlainTextSelection")):
                memo = _text(selection.find(_q("Description")))
                pos0, pos1 = int(selection.get("startPosition")), int(selection.get("endPosition"))
                date = (selection.get("creationDateTime") or selection.get("modifiedDateTime") or "").replace("T", " ")
                tags = selection.findall(_q("Coding"))
                if not tags:
                    project.annotations.append({"source": name, "pos0": pos0, "pos1": pos1, "memo": memo})
                for tag in tags:
                    row = {"cid": tag[0].get("targetGUID"), "source": name, "pos0": pos0, "pos1": pos1,
                           "owner": owner(selection), "memo": memo, "date": date.replace("Z", "")}
                    key = (row["cid"], name, pos0, pos1, row["owner"])
                    if all((r["cid"], r["source"], r["pos0"], r["pos1"], r["owner"]) != key
                           for r in project.code_text):
                        project.code_text.append(row)
            note_refs |= {ref.get("targetGUID") for ref in source.findall(_q("NoteRef"))}
        for note in root.iter(_q("Note")):
            created = note.get("creationDateTime") or note.get("modifiedDateTime")
            created = created.replace("T", " ")  # AttributeError on a Note without either, as in QualCoder
            if note.get("plainTextPath") and note.get("guid") not in note_refs and note.get("name") != "":
                member = "sources/" + note.get("plainTextPath").split("internal://")[1]
                text = archive.read(files[member.lower()]).decode("utf-8") if member.lower() in files else ""
                project.journals.append({"name": note.get("name"), "jentry": text, "owner": owner(note),
                                         "date": created})
    return project


def qualcoder_export(project: QualCoderProject, out: Path) -> Path:
    """The project as QualCoder's export would write it."""
    users = {name: str(uuid.uuid4()) for name in sorted({r["owner"] for r in project.code_text})}
    root = ET.Element(_q("Project"), {"name": "qualcoder", "origin": "QualCoder 3.6"})
    element = ET.SubElement(root, _q("Users"))
    for name, user_guid in users.items():
        ET.SubElement(element, _q("User"), {"guid": user_guid, "name": name})
    new_code = {old: str(uuid.uuid4()) for old in project.codes}
    codes = ET.SubElement(ET.SubElement(root, _q("CodeBook")), _q("Codes"))

    def code_xml(parent: ET.Element, old: str) -> None:
        code = project.codes[old]
        child = ET.SubElement(parent, _q("Code"), {"guid": new_code[old], "name": code["name"], "isCodable": "true",
                                                   "color": code["color"] or "#999999"})
        if code["memo"]:
            ET.SubElement(child, _q("Description")).text = code["memo"]

    for old, code in project.codes.items():
        if code["category"] is None:
            code_xml(codes, old)
    for category in project.categories:
        parent = ET.SubElement(codes, _q("Code"), {"guid": str(uuid.uuid4()), "name": category["name"],
                                                   "isCodable": "false"})
        if category["memo"]:
            ET.SubElement(parent, _q("Description")).text = category["memo"]
        for old, code in project.codes.items():
            if code["category"] == category["name"]:
                code_xml(parent, old)
    members: list[tuple[str, bytes]] = []
    sources = ET.SubElement(root, _q("Sources"))
    for source in project.sources:
        source_guid = str(uuid.uuid4())
        element = ET.SubElement(sources, _q("TextSource"), {
            "plainTextPath": f"internal://{source_guid}.txt", "guid": source_guid, "name": source["name"],
        })
        if source["memo"]:
            ET.SubElement(element, _q("Description")).text = source["memo"]
        for row in project.code_text:
            if row["source"] != source["name"] or row["cid"] not in new_code:
                continue
            selection = ET.SubElement(element, _q("PlainTextSelection"), {
                "guid": str(uuid.uuid4()), "startPosition": str(row["pos0"]), "endPosition": str(row["pos1"]),
                "name": source["fulltext"][row["pos0"]:row["pos1"]], "creatingUser": users[row["owner"]],
                "creationDateTime": row["date"].replace(" ", "T") + "Z" if row["date"] else "2000-01-01T00:00:00Z",
            })
            if row["memo"]:
                ET.SubElement(selection, _q("Description")).text = row["memo"]
            tag = ET.SubElement(selection, _q("Coding"), {"guid": str(uuid.uuid4()),
                                                         "creatingUser": users[row["owner"]]})
            ET.SubElement(tag, _q("CodeRef"), {"targetGUID": new_code[row["cid"]]})
        members.append((f"sources/{source_guid}.txt", source["fulltext"].encode("utf-8")))
    ET.register_namespace("", NS)
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("project.qde", ET.tostring(root, encoding="utf-8", xml_declaration=True))
        for name, data in members:
            archive.writestr(name, data)
    return out
