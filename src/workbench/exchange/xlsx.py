"""Tables as Excel workbooks for colleagues: codings, matrices, agreement, self-evaluation, surveys.

Every sheet has Danish headers in a frozen first row, columns wide enough to read, and numbers
stored as numbers with a number format, so Danish Excel shows "2,41", "80 %" and "10.746" and the
values can still be summed and charted. Percentages are stored as fractions (0,8 shown as 80 %).
A note (Anm.) under a table says what is counted. Text is always a string cell, never a formula,
so a memo that begins with "=" shows as written (exchange/cells.py).

The tables come from the analyses (retrieval, agreement, selfeval, surveys), which read only
current codings on documents with consent. Each sheet lists the texts it shows (the coded text,
coders' memos and names, codebook and survey texts), and the workbook is written only through the
export gate, which refuses personal data and withdrawn material.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from workbench.coding.store import CONSENSUS
from workbench.errors import WorkbenchError
from workbench.privacy import sources
from workbench.privacy.gate import Export, exporter
from workbench.privacy.guard import TextSource
from workbench.project import Project

WHAT = ("codings", "matrices", "agreement", "selfeval", "surveys")
FILE_NAMES = {
    "codings": "kodninger.xlsx", "matrices": "matricer.xlsx", "agreement": "enighed.xlsx",
    "selfeval": "selvevaluering.xlsx", "surveys": "spoergeskemaer.xlsx", "all": "tabeller.xlsx",
}
# Excel number formats: the codes are Excel's own (. and ,); Excel shows them in the reader's locale
INTEGER = "#,##0"
DECIMAL_1 = "0.0"
DECIMAL_2 = "0.00"
PERCENT = "0 %"
POINTS = '+0" procentpoint";"−"0" procentpoint";"±"0" procentpoint"'
TEXT_WIDTH = 70  # long free-text columns wrap at this width
_HEADER_FILL = PatternFill("solid", fgColor="DDE3EA")


@dataclass
class Column:
    header: str
    number_format: str | None = None  # None: text
    wrap: bool = False


@dataclass
class Sheet:
    title: str  # at most 31 characters (Excel's limit)
    columns: list[Column]
    rows: list[list[Any]]
    note: str = ""
    frozen_columns: int = 0  # row labels that stay in view when scrolling right
    texts: list[TextSource] = field(default_factory=list)  # every text of the project the rows show


class NoData(WorkbenchError):
    """A table the project has no data for yet; with --what all it is left out, not an error."""


@dataclass
class XlsxExport:
    path: Path
    sheets: list[str]
    left_out: list[str] = field(default_factory=list)  # Danish: tables not in the workbook, and why


def _cell(value: Any) -> Any:
    """Numbers stay numbers; missing values (None, NaN) are empty cells; numpy scalars become Python's."""
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _yes(value: Any) -> str:
    return "ja" if bool(value) else ""


def _fraction(percent: Any) -> float | None:
    percent = _cell(percent)
    return None if percent is None else percent / 100


# ------------------------------------------------------------------------------------------- sheets


def codings_sheet(project: Project) -> Sheet:
    from workbench.coding.retrieval import retrieve

    store = project.coding_store()
    frame = retrieve(store, project.codable_corpus, project.codebook)
    shown = set(frame.index)
    codings = [c for c in store.current(project.codable_corpus) if c.id in shown]
    texts = sources.coding_texts(project, codings) + sources.codebook_texts(project, names_only=True)
    columns = [
        Column("Dokument"), Column("Segment"), Column("Respondentgruppe"), Column("Dokumenttype"), Column("Rolle"),
        Column("Enhed"), Column("Koder"), Column("Kode"), Column("Valens"), Column("Citat"),
        Column("Memo", wrap=True), Column("Tekst", wrap=True),
    ]
    rows = [
        [r.dokument, r.segment, r.gruppe, r.type, r.rolle, r.enhed, r.koder, r.kode, r.valens, _yes(r.citat),
         r.memo, r.tekst]
        for r in frame.itertuples()
    ]
    note = (
        "Anm.: Kodninger på dokumenter med samtykke og på tekst, der ikke er ændret efter kodningen. "
        "Citat = markeret som citat."
    )
    return Sheet("Kodninger", columns, rows, note, texts=texts)


def _count_sheet(title: str, corner: str, frame, note: str) -> Sheet:
    labels = [" · ".join(map(str, c)) if isinstance(c, tuple) else str(c) for c in frame.columns]
    columns = [Column(corner)] + [Column(label, INTEGER) for label in labels]
    rows = [[str(index)] + [_cell(v) for v in values] for index, values in zip(frame.index, frame.to_numpy())]
    return Sheet(title, columns, rows, note, frozen_columns=1)


def matrix_sheets(project: Project) -> list[Sheet]:
    from workbench.coding.retrieval import code_group_matrix, cooccurrence

    store, corpus, codebook = project.coding_store(), project.codable_corpus, project.codebook
    counted = (
        "Anm.: Antal kodede segmenter; et segment tæller én gang pr. kode, uanset hvor mange kodere der har kodet det."
    )
    sheets = [
        _count_sheet("Kode × gruppe", "Kode", code_group_matrix(store, corpus, codebook), counted),
        _count_sheet("Kode × gruppe × valens", "Kode",
                     code_group_matrix(store, corpus, codebook, valence_split=True), counted),
        _count_sheet("Princip × faktor", "Princip", cooccurrence(store, corpus, codebook),
                     "Anm.: Antal segmenter, hvor den samme koder har givet både princippet og den virksomme faktor."),
    ]
    sheets[0].texts = sources.codebook_texts(project, names_only=True)  # code and group names label the rows
    return sheets


def agreement_coders(project: Project, coders: tuple[str, str] | None) -> tuple[str, str]:
    """The two coders to compare: as given, else the project's two coders (a consensus coder aside)."""
    if coders is not None:
        return coders
    known = [c for c in project.coding_store().coders() if c != CONSENSUS]
    if len(known) != 2:
        raise WorkbenchError(
            "Angiv de to kodere, der skal sammenlignes, fx --coders AB,CD "
            f"(projektets kodere: {', '.join(known) or 'ingen'})."
        )
    return known[0], known[1]


def agreement_sheets(project: Project, coders: tuple[str, str] | None = None) -> list[Sheet]:
    from workbench.coding.agreement import agreement
    from workbench.report.text_da import agreement_notes, agreement_summary, agreement_values

    codebook = project.codebook
    try:
        a, b = agreement_coders(project, coders)
        report = agreement(project.coding_store(), project.codable_corpus, codebook, a, b)
    except WorkbenchError as exc:  # too few coders, or none coded the same segments
        raise NoData(exc.message, exc.path, exc.line) from exc
    corpus = project.codable_corpus
    texts = sources.coder_names(project, (a, b)) + sources.codebook_texts(project, names_only=True)
    for d in report.disagreements:
        document = corpus.get(d.doc_id)
        segment = document.segment(d.segment_id) if document else None
        if document is not None:
            texts.append(sources.document_excerpt(project, document, segment.start if segment else 0, d.text))

    notes = {m.code: m.note for m in report.per_code}
    rows = [[*values[:2], _fraction(values[2]), *values[3:6], _fraction(values[6]), values[7], notes.get(key or "", "")]
            for key, values in zip([m.code for m in report.per_code] + [None], agreement_values(report, codebook))]
    measures = Sheet("Enighed", [
        Column("Kode"), Column("Enheder (n)", INTEGER), Column("Procentvis enighed", PERCENT),
        Column("Cohens kappa", DECIMAL_2), Column("Krippendorffs alpha", DECIMAL_2), Column("Gwets AC1", DECIMAL_2),
        Column("Tegn: enighed", PERCENT), Column("Tegn: kappa", DECIMAL_2), Column("Bemærkning", wrap=True),
    ], rows, texts=texts, note="Anm.: " + " ".join([agreement_summary(report), *agreement_notes(report, codebook)]),
        frozen_columns=1)
    disagreements = Sheet("Uenigheder", [
        Column("Dokument"), Column("Segment"), Column(f"Koder hos {a}"), Column(f"Koder hos {b}"),
        Column("Tekst", wrap=True),
    ], [
        [d.doc_id, d.segment_id, ", ".join(sorted(d.codes_a)), ", ".join(sorted(d.codes_b)), d.text]
        for d in report.disagreements
    ], "Anm.: Enheder, hvor koderne har givet forskellige koder (også enheder, kun den ene har kodet).")
    return [measures, disagreements]


def selfeval_sheet(project: Project) -> Sheet:
    from workbench.report.text_da import disagreement_note
    from workbench.selfeval.answers import has_answers
    from workbench.selfeval.period import Period
    from workbench.selfeval.summary import DisagreementLimits, summary_table

    if not has_answers(project):
        raise NoData("Der er ingen selvevalueringer i projektet endnu.", project.selfeval_dir)
    table = summary_table(project)
    columns = [
        Column("Princip"), Column("Halvår"), Column("Spørgsmål"), Column("Besvarelser (n)", INTEGER),
        Column("Gennemsnit", DECIMAL_1), Column("Median", DECIMAL_1), Column("Min", INTEGER), Column("Maks", INTEGER),
        Column("Standardafvigelse", DECIMAL_1), Column("Uenighed"),
    ]
    rows = [
        [f"{r.principle} {r.principle_name}", Period.parse(r.period).label, r.item_label, _cell(r.n), _cell(r.mean),
         _cell(r.median), _cell(r.min), _cell(r.max), _cell(r.sd), _yes(r.disagreement)]
        for r in table.itertuples()
    ]
    texts = sources.codebook_texts(project, names_only=True) + sources.selfeval_form_texts(project)
    note = f"Anm.: {disagreement_note(DisagreementLimits.of(project))}"
    return Sheet("Selvevaluering", columns, rows, note, frozen_columns=1, texts=texts)


def survey_sheet(project: Project) -> Sheet:
    from workbench.surveys.load import load_surveys
    from workbench.surveys.summary import SmallNumbers, summary_table

    if not load_surveys(project):
        raise NoData("Projektet har ingen spørgeskemaer (surveys/<navn>.yaml med en datafil ved siden af).",
                     project.surveys_dir)
    table = summary_table(project)
    limits = SmallNumbers.of(project)
    suppress, flag = limits.suppress_below, limits.flag_below
    columns = [
        Column("Spørgeskema"), Column("Spørgsmål", wrap=True), Column("Principper"), Column("Tidspunkt"),
        Column("Gyldige svar", INTEGER), Column("Udeladte svar", INTEGER), Column("Andel", PERCENT),
        Column("Andelen omfatter"), Column("Lavere er bedre"), Column(f"Markeret (n < {flag})"),
        Column(f"Undertrykt (n < {suppress})"), Column("Ændring", POINTS),
    ]
    flagged, suppressed = f"Markeret (n < {flag})", f"Undertrykt (n < {suppress})"
    rows = [
        [r["Spørgeskema"], r["Spørgsmål"], r["Principper"], r["Tidspunkt"], r["Gyldige svar"], r["Udeladte svar"],
         _fraction(r["Andel (%)"]), r["Andelen omfatter"], _yes(r["Lavere er bedre"]), _yes(r[flagged]),
         _yes(r[suppressed]), r["Ændring (procentpoint)"]]
        for r in table.to_dict("records")
    ]
    note = (
        f"Anm.: Andelen er af de gyldige svar; \"Ved ikke\" og tomme svar er udeladt. Færre end {suppress} "
        f"gyldige svar vises ikke (undertrykt), {suppress}-{flag - 1} er markeret. "
        "Ændringen er i procentpoint fra første til sidste tidspunkt."
    )
    return Sheet("Spørgeskemaer", columns, rows, note, texts=sources.survey_texts(project))


# ----------------------------------------------------------------------------------------- workbook


def _text_width(value: Any, number_format: str | None) -> int:
    if value is None:
        return 0
    if isinstance(value, float):
        return 8 if number_format in (PERCENT, DECIMAL_1, DECIMAL_2) else 10
    if isinstance(value, int):
        return len(f"{value:,}")
    return max((len(line) for line in str(value).split("\n")), default=0)


def _write_sheet(book: Workbook, sheet: Sheet) -> None:
    ws = book.create_sheet(sheet.title[:31])
    ws.append([c.header for c in sheet.columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    for values in sheet.rows:
        ws.append([_cell(v) for v in values])
    for row in ws.iter_rows():  # text is text: openpyxl would store "=…" as a formula
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    for index, column in enumerate(sheet.columns, start=1):
        letter = get_column_letter(index)
        cells = ws[letter][1 : len(sheet.rows) + 1]  # the data, not the note under it
        for cell in cells:
            if column.number_format and isinstance(cell.value, (int, float)):
                cell.number_format = column.number_format
            if column.wrap:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        widest = max([len(column.header)] + [_text_width(c.value, column.number_format) for c in cells])
        ws.column_dimensions[letter].width = min(widest, TEXT_WIDTH) + 2
    ws.freeze_panes = ws.cell(row=2, column=sheet.frozen_columns + 1)
    if sheet.rows:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(sheet.columns))}{len(sheet.rows) + 1}"
    if sheet.note:
        note = ws.cell(row=len(sheet.rows) + 3, column=1, value=sheet.note)
        note.data_type = "s"
        note.font = Font(italic=True)


def workbook_bytes(sheets: Iterable[Sheet]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for sheet in sheets:
        _write_sheet(book, sheet)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheets(project: Project, what: str, coders: tuple[str, str] | None) -> list[Sheet]:
    if what == "codings":
        return [codings_sheet(project)]
    if what == "matrices":
        return matrix_sheets(project)
    if what == "agreement":
        return agreement_sheets(project, coders)
    if what == "selfeval":
        return [selfeval_sheet(project)]
    return [survey_sheet(project)]


@exporter("xlsx", carries=(sources.DOCUMENT, sources.SELFEVAL, sources.METADATA, sources.CODING_MEMO,
                           sources.CODER, sources.CODEBOOK, sources.SELFEVAL_FORM, sources.SURVEY))
def xlsx_export(project: Project, out: Path, what: str = "all", coders: tuple[str, str] | None = None) -> Export:
    """One workbook with the chosen tables (all: every table the project has data for)."""
    if what not in FILE_NAMES:
        raise WorkbenchError(f"Ukendt tabel '{what}'; vælg en af: {', '.join(FILE_NAMES)}.")
    sheets: list[Sheet] = []
    left_out: list[str] = []
    for part in WHAT if what == "all" else (what,):
        try:
            sheets += _sheets(project, part, coders)
        except NoData as exc:
            if what != "all":
                raise
            left_out.append(str(exc))
    if not sheets:
        raise WorkbenchError("Der er ingen tabeller at eksportere:\n" + "\n".join(left_out))
    texts = list(dict.fromkeys(t for sheet in sheets for t in sheet.texts))
    return Export(f"Excel-filen {out.name}", {out: workbook_bytes(sheets)}, texts,
                  summary=XlsxExport(out, [s.title for s in sheets], left_out))


def export_xlsx(project: Project, what: str = "all", out: str | Path | None = None,
                coders: tuple[str, str] | None = None) -> XlsxExport:
    """Write one workbook with the chosen tables through the export gate."""
    out = Path(out) if out else project.exports_dir / FILE_NAMES.get(what, "tabeller.xlsx")
    return xlsx_export.write(project, out=out, what=what, coders=coders).summary
