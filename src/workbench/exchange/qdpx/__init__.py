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

from workbench.exchange.qdpx.export import (
    export_qdc,
    export_qdpx,
    exported_codings,
    exported_documents,
)
from workbench.exchange.qdpx.import_ import ImportReport, import_qdpx, match_code
from workbench.exchange.qdpx.schema import coding_description, guid, parse_description

__all__ = [
    "ImportReport", "coding_description", "export_qdc", "export_qdpx", "exported_codings", "exported_documents",
    "guid", "import_qdpx", "match_code", "parse_description",
]
