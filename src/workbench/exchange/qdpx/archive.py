"""Reading a .qdpx: the zip with its members found whatever case and slashes the tool wrote, and the
XML of project.qde with the line of every element (for messages that name a line)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from typing import Self
from xml.parsers import expat

from workbench.errors import WorkbenchError

_MAX_MEMBER_BYTES = 200 * 1024 * 1024  # a bigger project.qde or text is a broken or hostile file


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

    def __enter__(self) -> Self:
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
        return self.members[names[0]].filename, self.read(names[0])


def decode_text(data: bytes, where: Path) -> str:
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


