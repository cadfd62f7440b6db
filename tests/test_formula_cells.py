"""Text that Excel or LibreOffice would run as a formula is written as text in .xlsx and .csv exports.

A coder's memo that begins with "=", "+", "-", "@", a tab or a carriage return goes out in the
Excel workbook as a string cell and in the CSV exports with a leading apostrophe (the OWASP
convention); the codings import removes the apostrophe, so a round trip gives the memo back
exactly. LibreOffice headless opens the written files to show that no formula is evaluated.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench.exchange.cells import FORMULA_START, csv_field, csv_value
from workbench.exchange.codings_csv import export_codings_csv, import_codings_csv
from workbench.exchange.xlsx import export_xlsx
from workbench.project import Project
from workbench.ui.widgets.table_exports import retrieval_csv

MEMOS = [
    "=1+1",
    "+ godt samarbejde",
    "-1+2",
    "@(1+2)",
    "\tindrykket",
    "\rvognretur",
    "'allerede med apostrof",
    "Almindelig tekst = ingen formel",
]


@pytest.fixture
def project(mini_project: Path) -> Project:
    project = Project(mini_project)
    document = project.corpus.get("INT-RAD-01")
    store = project.coding_store()
    for segment, memo in zip(document.segments, MEMOS, strict=False):
        store.add("AB", document, "P3", "understøttende", segment=segment, memo=memo)
    for memo in MEMOS[len(document.segments):]:
        store.add("AB", document, "P2", "understøttende", segment=document.segments[0], memo=memo)
    return Project(mini_project)


@given(st.text())
def test_a_csv_field_never_starts_like_a_formula_and_reads_back_exactly(text):
    field = csv_field(text)
    assert not field.startswith(FORMULA_START)
    assert csv_value(field) == text


def test_numbers_are_left_alone():
    assert csv_field(-3) == -3 and csv_field(2.5) == 2.5 and csv_field(None) is None


def _memo_cells(path: Path) -> list:
    sheet = openpyxl.load_workbook(path)["Kodninger"]
    header = [c.value for c in sheet[1]]
    column = header.index("Memo") + 1
    return [row[column - 1] for row in sheet.iter_rows(min_row=2) if row[column - 1].value]


def test_xlsx_cells_are_strings_with_the_memo_unchanged(project, tmp_path):
    out = tmp_path / "kodninger.xlsx"
    export_xlsx(project, "codings", out)
    cells = _memo_cells(out)
    assert sorted(c.value for c in cells) == sorted(MEMOS)
    assert all(c.data_type == "s" for c in cells)


def _csv_rows(path: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline=""), delimiter=";"))


def test_csv_fields_get_an_apostrophe_and_the_import_gives_the_memos_back(project, tmp_path):
    out = tmp_path / "kodninger.csv"
    assert export_codings_csv(project, out) == len(MEMOS)
    written = {row["memo"] for row in _csv_rows(out)}
    assert "'=1+1" in written and "'-1+2" in written and "''allerede med apostrof" in written
    assert "Almindelig tekst = ingen formel" in written
    assert not any(field.startswith(FORMULA_START) for row in _csv_rows(out) for field in row.values())

    other = tmp_path / "kopi"
    shutil.copytree(project.root, other)
    shutil.rmtree(other / "codings")
    copy = Project(other)
    import_codings_csv(copy.coding_store(), copy.codable_corpus, copy.codebook, out)
    assert sorted(c.memo for c in copy.coding_store().codings()) == sorted(MEMOS)


def test_the_notebooks_retrieval_csv_escapes_too(project, tmp_path):
    out = tmp_path / "soegning.csv"
    retrieval_csv.write(project, out=out)
    memos = {row["memo"] for row in _csv_rows(out)}
    assert {"'=1+1", "'@(1+2)", "'\tindrykket"} <= memos


def _libreoffice_csv(source: Path, tmp_path: Path, infilter: str | None = None) -> list[list[str]]:
    """The file as LibreOffice Calc reads it (formulas evaluated if it took them as formulas), saved as CSV."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice (soffice) with Calc is needed: apt-get install libreoffice-calc"
    out = tmp_path / f"lo-{source.suffix[1:]}"
    command = [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}"]
    if infilter:
        command.append(f"--infilter={infilter}")
    command += ["--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1", "--outdir", str(out), str(source)]
    subprocess.run(command, check=True, capture_output=True, timeout=180)
    converted = out / f"{source.stem}.csv"
    assert converted.is_file(), f"LibreOffice did not convert {source.name} (is libreoffice-calc installed?)"
    return list(csv.reader(io.StringIO(converted.read_text(encoding="utf-8-sig"), newline="")))


def test_libreoffice_evaluates_no_formula_in_the_written_files(project, tmp_path):
    workbook, table = tmp_path / "kodninger.xlsx", tmp_path / "kodninger.csv"
    export_xlsx(project, "codings", workbook)
    export_codings_csv(project, table)

    fields = [f for row in _libreoffice_csv(workbook, tmp_path) for f in row]
    assert "=1+1" in fields and "-1+2" in fields and "@(1+2)" in fields
    assert "2" not in fields and "1" not in fields  # =1+1 and -1+2 not computed

    fields = [f for row in _libreoffice_csv(table, tmp_path, "Text - txt - csv (StarCalc):59,34,76,1") for f in row]
    assert "'=1+1" in fields and "'-1+2" in fields
    assert "2" not in fields and "1" not in fields


def test_without_the_apostrophe_libreoffice_would_compute_it(tmp_path):
    """The check above can fail: the same field unescaped is evaluated (this is the attack)."""
    raw = tmp_path / "raa.csv"
    raw.write_text("memo;x\r\n=1+1;a\r\n", encoding="utf-8")
    fields = [f for row in _libreoffice_csv(raw, tmp_path, "Text - txt - csv (StarCalc):59,34,76,1") for f in row]
    assert "2" in fields
