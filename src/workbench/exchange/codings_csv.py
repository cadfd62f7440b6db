"""Codings as a CSV table, for Excel, R or another coder's copy of the project.

Columns: doc_id, segment_id, start, end, coder, code, valence, quote, memo. Export writes UTF-8
with BOM and ';' as separator, which Danish Excel opens with æ, ø and å intact. Import accepts ';'
or ',' (read from the header line) and UTF-8 with or without BOM, or Windows-1252 (what Excel's
plain "CSV" saves). Every row is checked before anything is written; the first problem is
reported with file and line, and then nothing is imported. A field that a spreadsheet would run
as a formula ("=…", "-…") is exported with a leading apostrophe (exchange/cells.py), and import
removes it again, so export then import gives the same codings.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from workbench.coding.store import CodingStore, NewCoding, check_coder
from workbench.errors import WorkbenchError
from workbench.exchange.cells import csv_field, csv_value
from workbench.io.tables import parse_integer, read_csv
from workbench.io.text import read_bytes
from workbench.material.codebook import VALENCES, Codebook
from workbench.material.corpus import Corpus, Document
from workbench.privacy import sources
from workbench.privacy.gate import Export, exporter
from workbench.project import Project

COLUMNS = ("doc_id", "segment_id", "start", "end", "coder", "code", "valence", "quote", "memo")
SEPARATOR = ";"
_TRUE = {"ja", "j", "x", "1", "true", "sand", "yes"}
_FALSE = {"nej", "n", "", "0", "false", "falsk", "no"}


@exporter("codings-csv", carries=(sources.CODING_MEMO, sources.CODER))
def codings_csv_export(project: Project, out: Path, coder: str | None = None) -> Export:
    """The current codings (one coder's or everyone's): none on documents whose consent was
    withdrawn, and none whose text has changed (they would not import again)."""
    codings = project.coding_store().current(project.codable_corpus, coder)
    codings = sorted(codings, key=lambda c: (c.coder, c.doc_id, c.start, c.end, c.code))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=SEPARATOR, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for c in codings:
        quote = "ja" if c.quote else "nej"
        row = [c.doc_id, c.segment_id or "", c.start, c.end, c.coder, c.code, c.valence, quote, c.memo]
        writer.writerow([csv_field(value) for value in row])
    texts = [sources.coding_memo(project, c) for c in codings if c.memo]
    texts += sources.coder_names(project, (c.coder for c in codings))
    data = ("\ufeff" + buffer.getvalue()).encode("utf-8")
    return Export(f"Eksporten af kodninger til {out.name}", {out: data}, texts, summary=len(codings))


def export_codings_csv(project: Project, path: str | Path, coder: str | None = None) -> int:
    """Write the codings through the export gate and return how many rows were written."""
    return codings_csv_export.write(project, out=Path(path), coder=coder).summary


@dataclass(frozen=True)
class _Row:
    line: int
    document: Document
    start: int
    end: int
    coder: str
    code: str
    valence: str
    quote: bool
    memo: str

    @property
    def key(self) -> tuple:
        return (self.document.id, self.start, self.end, self.coder, self.code)


def _read_rows(path: Path) -> list[tuple[int, list[str]]]:
    """(line number where the record starts, fields) for every record after the header."""
    path = Path(path)
    if not read_bytes(path).strip():
        raise WorkbenchError("Filen er tom. Den skal have overskriften " + ",".join(COLUMNS) + ".", path, 1)
    table = read_csv(path, "Gem filen i Excel som \"CSV UTF-8 (kommasepareret)\".", strip=False)
    header = table.header
    missing = [c for c in COLUMNS if c not in header]
    extra = [c for c in header if c not in COLUMNS]
    if missing or extra or len(header) != len(COLUMNS):
        if missing:
            problem = f"mangler {', '.join(missing)}"
        elif extra:
            problem = f"har ukendte kolonner {', '.join(extra)}"
        else:
            problem = "har en kolonne flere gange"
        raise WorkbenchError(
            f"Overskriften {problem}. Den skal være præcis: {SEPARATOR.join(COLUMNS)} (adskilt med ';' eller ',').",
            path,
            1,
        )
    rows = []
    for line, fields in table.rows:
        if len(fields) != len(COLUMNS):
            raise WorkbenchError(
                f"Rækken har {len(fields)} felter, men skal have {len(COLUMNS)} ({', '.join(COLUMNS)}). "
                f"Tjek at felter med '{table.separator}' eller linjeskift står i anførselstegn.",
                path,
                line,
            )
        rows.append((line, [csv_value(fields[header.index(c)]) for c in COLUMNS]))
    return rows


def _validate(fields: list[str], line: int, path: Path, corpus: Corpus, codebook: Codebook) -> _Row:
    *head, memo = fields
    doc_id, segment_id, start, end, coder, code, valence, quote = (f.strip() for f in head)

    def fail(message: str) -> WorkbenchError:
        return WorkbenchError(message + " Ret rækken og importér igen; intet er importeret.", path, line)

    document = corpus.get(doc_id)
    if document is None:
        raise fail(f"Dokumentet '{doc_id}' findes ikke i projektet.")
    if not document.included:
        raise fail(f"Dokumentet '{doc_id}' er udeladt, fordi samtykket er trukket tilbage.")
    try:
        check_coder(coder)
    except WorkbenchError as exc:
        raise fail(exc.message) from None
    if not codebook.has_code(code):
        raise fail(f"Koden '{code}' findes ikke i kodebogen.")
    valence = valence or "neutral"
    if valence not in VALENCES:
        raise fail(f"Valensen '{valence}' er ukendt; brug {', '.join(VALENCES)}.")
    if quote.lower() not in _TRUE | _FALSE:
        raise fail(f"Feltet quote er '{quote}'; skriv ja eller nej.")
    first, last = parse_integer(start), parse_integer(end)  # ASCII digits only: int() also takes '٣' and '３'
    if first is None or last is None:
        raise fail(f"start og end skal være hele tal skrevet med cifrene 0-9 (fundet: '{start}' og '{end}').")
    if not 0 <= first < last <= len(document.body):
        raise fail(f"Tekststykket {first}-{last} ligger uden for dokumentet {doc_id} (0-{len(document.body)}).")
    if segment_id:
        segment = document.segment(segment_id)
        if segment is None or not segment.start <= first < last <= segment.end:
            raise fail(
                f"Segmentet {segment_id} i {doc_id} passer ikke til tekststykket {first}-{last}; "
                "transskriptionen er ændret, siden kodningerne blev eksporteret."
            )
    return _Row(line, document, first, last, coder, code, valence, quote.lower() in _TRUE, memo)


@dataclass
class CsvImport:
    imported: int  # codings added now
    already_present: int  # rows the project already had, the same in every field (an earlier import)


def import_codings_csv(store: CodingStore, corpus: Corpus, codebook: Codebook, path: str | Path) -> CsvImport:
    """Check every row, then add them all, per coder as one batch: all rows are stored, or none.

    A row the coder's log already holds with the same values (the file was imported before, or
    by another import at the same moment) is counted, not added again; so a re-run after a crash
    completes what was missing. A row that contradicts an existing coding is an error.
    """
    path = Path(path)
    rows: list[_Row] = []
    seen: dict[tuple, int] = {}
    for line, fields in _read_rows(path):
        row = _validate(fields, line, path, corpus, codebook)
        if row.key in seen:
            raise WorkbenchError(
                f"Rækken er den samme kodning som linje {seen[row.key]}. "
                "Slet den ene og importér igen; intet er importeret.",
                path,
                line,
            )
        existing = store.find(row.coder, row.document.id, row.code, row.start, row.end)
        values = (row.valence, row.memo, row.quote)
        same = existing is None or (existing.valence, existing.memo, existing.quote) == values
        if not same:
            raise WorkbenchError(
                f"Kodningen ({row.coder}, {row.code}, {row.document.id} {row.start}-{row.end}) findes allerede i "
                "projektet med en anden valens, memo eller stjerne. Fjern rækken, eller ret kodningen i projektet; "
                "intet er importeret.",
                path,
                line,
            )
        seen[row.key] = line
        rows.append(row)
    by_coder: dict[str, list[NewCoding]] = {}
    for row in rows:
        by_coder.setdefault(row.coder, []).append(
            NewCoding(row.document, row.start, row.end, row.code, row.valence, row.memo, row.quote)
        )
    result = CsvImport(0, 0)
    for coder, items in by_coder.items():
        try:
            batch = store.add_batch(coder, items)
        except WorkbenchError as exc:
            raise WorkbenchError(exc.message, exc.path or path, exc.line) from None
        result.imported += len(batch.added)
        result.already_present += len(batch.present)
    return result

