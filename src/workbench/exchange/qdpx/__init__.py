"""REFI-QDA exchange: QDPX projects and QDC codebooks for NVivo, ATLAS.ti, MAXQDA and QualCoder.

A .qdpx file is a zip with `project.qde` (XML in the namespace urn:QDA-XML:project:1.0) and the
texts under `sources/`. How the workbench maps onto it:

* Users: one per coder. Codebook: each code group is a parent Code (not codable) with its codes
  as children ("P1 Familien"), colour and description (statement and definition).
* Sources: every codable document with consent (transcripts, observations and the
  self-evaluations' free texts), as `sources/<guid>.txt` holding the body exactly, so a
  selection's startPosition/endPosition are our offsets (Unicode code points). The front matter
  becomes Variables (Dokumenttype, Respondentgruppe, Rolle, Enhed, Dato).
* Codings: one PlainTextSelection per current coding, with the coder as creatingUser of both the
  selection and its Coding (QualCoder reads the selection's, the standard and NVivo the Coding's),
  and one Coding/CodeRef. The selection's Description is the coder's memo alone (the comment other
  tools show). Valence and quote star, when not neutral/no star, are a Note ("Valens og citat",
  "Valens: <valens> · Citat: ja|nej") the selection refers to with a NoteRef: the schema has no
  extension points, and QualCoder skips Notes without plainTextPath.
* Memos: `memos/dokumenter/<ID>.md` is the source's Description and `memos/koder/<CODE>.md` ends
  the code's Description after a line "Memo:": that is where QualCoder, NVivo and MAXQDA keep the
  memo of a source and a code. Every Note has guid, name, creatingUser and creationDateTime.

GUIDs are uuid5 of stable ids (code key, document id, coder, coding id), so exporting twice gives
the same GUIDs, and the zip itself is byte for byte the same when nothing changed.

Import reads a QDPX from any of those tools: nested codes are mapped onto the codebook by key or
name, codes that cannot be mapped are reported with their number of codings (and left out unless
mapped), offsets counted with Windows line breaks (CRLF) are converted, and sources not yet in the
project become transcripts (their text through the anonymity check). Memos on sources and codes
(as above) become memo files unless the project has a different one; other Notes (journals) are
counted, not imported. Everything is read and checked before anything is
written.
"""

from workbench.exchange.qdpx.export import (
    export_qdc,
    export_qdpx,
    exported_codings,
    exported_documents,
)
from workbench.exchange.qdpx.import_ import ImportReport, import_qdpx, match_code
from workbench.exchange.qdpx.schema import guid, parse_description, parse_valence

__all__ = [
    "ImportReport", "export_qdc", "export_qdpx", "exported_codings", "exported_documents",
    "guid", "import_qdpx", "match_code", "parse_description", "parse_valence",
]
