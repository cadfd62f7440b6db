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
VALENCE_NOTE = "Valens og citat"  # the name of a coding's valence Note
MEMO_HEADING = "Memo:"  # the line before a code's memo in its Description
FALLBACK_TIME = "2000-01-01T00:00:00Z"  # a Note needs a creationDateTime (QualCoder); for codings without one
_VALENCE_LINE = re.compile(r"^Valens: (?P<valence>\S+)(?: · Citat: (?P<quote>ja|nej))?$")


def guid(kind: str, key: str) -> str:
    """The GUID of one thing in the export, the same every time it is exported."""
    return str(uuid.uuid5(_GUIDS, f"{kind}:{key}"))



def carries_valence(coding: Coding) -> bool:
    """Does the coding need a valence Note (anything but the default: neutral, no quote star)?"""
    return coding.valence != "neutral" or coding.quote


def valence_line(coding: Coding) -> str:
    """The text of a coding's valence Note."""
    return f"Valens: {coding.valence} · Citat: {'ja' if coding.quote else 'nej'}"


def parse_valence(text: str | None) -> tuple[str, bool] | None:
    """(valence, quote) from a valence Note's text, or None when it is not one."""
    match = _VALENCE_LINE.match((text or "").strip())
    if match is None or match["valence"] not in VALENCES:
        return None
    return match["valence"], match["quote"] == "ja"


def parse_description(text: str | None) -> tuple[str, str, bool]:
    """(memo, valence, quote) from a selection's Description. Exports before the valence Note ended the
    Description with the valence line; it is still read. Other tools' comments become the memo."""
    text = (text or "").replace("\r\n", "\n")
    head, _, last = text.rpartition("\n")
    found = parse_valence(last)
    if found is None:
        return text.strip(), "neutral", False
    return head.removesuffix("\n"), *found


def join_memo(description: str, memo: str) -> str:
    """A code's Description: its statement and definition, then its memo under MEMO_HEADING."""
    memo = memo.strip()
    if not memo:
        return description
    return f"{description}\n\n{MEMO_HEADING}\n{memo}" if description else f"{MEMO_HEADING}\n{memo}"


def split_memo(description: str | None) -> str:
    """The memo part of a code's Description written by join_memo ("" when there is none)."""
    text = (description or "").replace("\r\n", "\n")
    if text.startswith(MEMO_HEADING + "\n"):
        return text[len(MEMO_HEADING) + 1:].strip()
    _, found, memo = text.partition(f"\n\n{MEMO_HEADING}\n")
    return memo.strip() if found else ""


def qname(name: str) -> str:
    """An element name in the project namespace, as ElementTree spells it when reading."""
    return f"{{{PROJECT_NS}}}{name}"


def normal_guid(value: str | None) -> str | None:
    """GUIDs compare without braces and case (tools write both forms)."""
    return value.strip().strip("{}").lower() if value else None


