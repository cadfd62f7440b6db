"""The REFI-QDA names and conventions that export and import share: namespaces, GUIDs, variables and
the selection Description that carries a coding's memo, valence and quote star."""

from __future__ import annotations

import re
import uuid

from workbench.coding.store import Coding
from workbench.material.codebook import VALENCES

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
ORIGIN = "Arbejdsbord til principfokuseret evaluering"
SOURCES_DIR = "sources"
_GUIDS = uuid.uuid5(uuid.NAMESPACE_URL, "urn:workbench:refi-qda")

# front matter field → (variable name, REFI type, description, names other tools may use)
VARIABLES = {
    "type": ("Dokumenttype", "Text", "interview, observation, focus_group eller selfeval", ("type", "document type")),
    "group": ("Respondentgruppe", "Text", "respondentgruppens nøgle i kodebogen", ("group", "gruppe")),
    "role": ("Rolle", "Text", "rollen i citatangivelser", ("role",)),
    "unit": ("Enhed", "Text", "forvaltning eller enhed", ("unit", "forvaltning", "afdeling")),
    "date": ("Dato", "Date", "dato for interview eller observation", ("date", "interviewdato")),
}
_VALENCE_LINE = re.compile(r"^Valens: (?P<valence>\S+)(?: · Citat: (?P<quote>ja|nej))?$")


def guid(kind: str, key: str) -> str:
    """The GUID of one thing in the export, the same every time it is exported."""
    return str(uuid.uuid5(_GUIDS, f"{kind}:{key}"))



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
    memo = head.removesuffix("\n")
    return memo, match["valence"], match["quote"] == "ja"


def qname(name: str) -> str:
    """An element name in the project namespace, as ElementTree spells it when reading."""
    return f"{{{PROJECT_NS}}}{name}"


def normal_guid(value: str | None) -> str | None:
    """GUIDs compare without braces and case (tools write both forms)."""
    return value.strip().strip("{}").lower() if value else None


