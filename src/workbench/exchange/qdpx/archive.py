"""Reading a .qdpx: the zip with its members found whatever case and slashes the tool wrote, and the
XML of project.qde with the line of every element (for messages that name a line)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Self
from xml.parsers import expat

from workbench.errors import WorkbenchError
from workbench.io.archive import open_zip, read_member
from workbench.io.text import decode


def parse_xml(data: bytes, where: Path) -> tuple[ET.Element, dict[ET.Element, int]]:
    """The XML tree and the line of every element (ElementTree alone forgets lines)."""
    builder = ET.TreeBuilder()
    lines: dict[ET.Element, int] = {}
    parser = expat.ParserCreate(namespace_separator="}")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def tag(name: str) -> str:
        return "{" + name if "}" in name else name

    def start(name: str, attributes: dict) -> None:
        lines[builder.start(tag(name), attributes)] = parser.CurrentLineNumber

    def doctype(*_) -> None:
        # REFI-QDA needs no DTD; one in a .qde can only define entities (XXE, "billion laughs"): refuse it
        raise WorkbenchError(
            "Filen indeholder en DTD (<!DOCTYPE ...>) med egne entiteter, som REFI-QDA ikke bruger, og som kan "
            "læse andre filer eller sprænge hukommelsen. Eksportér projektet igen fra det andet program; intet er "
            "importeret.",
            where,
            parser.CurrentLineNumber,
        )

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype

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


class Archive:
    """The zip (checked by io.archive: size, members, bombs, '../' names), with its members found whatever
    case and slashes the tool wrote."""

    def __init__(self, path: Path):
        self.path = path
        self.zip = open_zip(path)
        # tools write both sources/ and Sources/, some with backslashes
        self.members = {i.filename.replace("\\", "/").lower(): i for i in self.zip.infolist() if not i.is_dir()}

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_) -> None:
        self.zip.close()

    def read(self, name: str) -> bytes | None:
        info = self.members.get(name.lower())
        if info is None:
            return None
        return read_member(self.zip, info, self.path)

    def project_qde(self) -> tuple[str, bytes]:
        names = sorted((n for n in self.members if n == "project.qde" or n.endswith("/project.qde")), key=len)
        if not names:
            raise WorkbenchError(
                "QDPX-filen mangler project.qde, så den kan ikke læses. Eksportér projektet igen som "
                "REFI-QDA-projekt (.qdpx); intet er importeret.",
                self.path,
            )
        info = self.members[names[0]]
        return info.filename, read_member(self.zip, info, self.path)


def decode_text(data: bytes, where: Path) -> str:
    """A source text: UTF-8 or UTF-16 with BOM, as REFI-QDA says; anything else refused, never garbled."""
    text, _ = decode(data, where, "Eksportér projektet igen med UTF-8-tekster; intet er importeret.",
                     allow_cp1252=False)
    return text
