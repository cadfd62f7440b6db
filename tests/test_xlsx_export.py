"""Excel exports: Danish headers in a frozen first row, numbers stored as numbers with number formats,
the figures the analyses give, nothing from withdrawn documents, and the anonymity guard first."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from workbench.errors import WorkbenchError
from workbench.exchange.xlsx import INTEGER, PERCENT, POINTS, export_xlsx
from workbench.project import Project
from workbench.ui.cli import main

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def project(mini_project: Path) -> Project:
    """The mini project with two coders' codings, the self-evaluation fixture and the survey fixture."""
    shutil.copytree(FIXTURES / "selfeval", mini_project / "selfeval", dirs_exist_ok=True)
    for path in (FIXTURES / "surveys").iterdir():
        shutil.copy(path, mini_project / "surveys" / path.name)
    project = Project(mini_project)
    store = project.coding_store()
    rad, obs, fam = (project.corpus.get(i) for i in ("INT-RAD-01", "OBS-01", "INT-FAM-01"))
    for coder in ("AB", "CD"):
        store.add(coder, rad, "F1", "understøttende", segment=rad.segment("S004.1"))
        store.add(coder, fam, "P3", "understøttende", segment=fam.segments[1])
    store.add("AB", rad, "P2", "udfordrende", segment=rad.segment("S004.1"), memo="Planen hjælper", quote=True)
    store.add("CD", obs, "P1", segment=obs.segments[0])
    store.add("AB", obs, "P1", segment=obs.segments[0])
    store.add("AB", obs, "P5", segment=obs.segments[1])
    withdrawn = project.corpus.get("INT-FAM-02")
    store.add("AB", withdrawn, "P1", segment=withdrawn.segments[1], memo="tilbagetrukket")
    return Project(mini_project)


def sheet_rows(ws) -> list[list]:
    """The table's rows under the header, without the note below it."""
    rows = []
    for row in ws.iter_rows(min_row=2, values_only=True):
        if all(v is None for v in row):
            break
        rows.append(list(row))
    return rows


def cell(ws, row_label: str, header: str):
    headers = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == row_label:
            return row[headers.index(header)]
    raise AssertionError(f"{row_label} not in {ws.title}")


def test_codings_sheet_has_danish_headers_a_frozen_header_and_no_withdrawn_material(project, tmp_path):
    result = export_xlsx(project, "codings", tmp_path / "k.xlsx")
    ws = load_workbook(result.path)["Kodninger"]
    assert [c.value for c in ws[1]] == [
        "Dokument", "Segment", "Respondentgruppe", "Dokumenttype", "Rolle", "Enhed", "Koder", "Kode", "Valens",
        "Citat", "Memo", "Tekst",
    ]
    assert ws.freeze_panes == "A2" and ws[1][0].font.bold
    rows = sheet_rows(ws)
    assert len(rows) == 8
    assert all(row[0] != "INT-FAM-02" for row in rows)
    p2 = next(row for row in rows if row[7] == "P2 Sammenhæng")
    assert p2[2:10] == ["Rådgivere (SOF og BIF)", "interview", "Rådgiver", "BIF", "AB", "P2 Sammenhæng",
                        "udfordrende", "ja"]
    assert p2[10] == "Planen hjælper" and p2[11] == project.corpus.get("INT-RAD-01").segment("S004.1").text
    assert ws.column_dimensions["L"].width > ws.column_dimensions["G"].width  # the text column is wide


def test_matrices_hold_counts_as_numbers(project, tmp_path):
    book = load_workbook(export_xlsx(project, "matrices", tmp_path / "m.xlsx").path)
    assert book.sheetnames == ["Kode × gruppe", "Kode × gruppe × valens", "Princip × faktor"]
    groups = book["Kode × gruppe"]
    # the self-evaluation texts are codable documents of the support team
    assert [c.value for c in groups[1]] == [
        "Kode", "Forældre", "Rådgivere (SOF og BIF)", "Supportteam", "Mødeobservationer",
    ]
    p1 = cell(groups, "P1 Familien", "Mødeobservationer")
    assert (p1.value, p1.data_type, p1.number_format) == (1, "n", INTEGER)  # two coders, one segment
    assert cell(groups, "F1 Samtykket er afgørende", "Rådgivere (SOF og BIF)").value == 1
    assert groups.freeze_panes == "B2"
    valence = book["Kode × gruppe × valens"]
    assert cell(valence, "P2 Sammenhæng", "Rådgivere (SOF og BIF) · udfordrende").value == 1
    both = cell(book["Princip × faktor"], "P2 Sammenhæng", "F1 Samtykket er afgørende")
    assert both.value == 1 and isinstance(both.value, int)


def test_agreement_sheet_has_fractions_shown_as_percent_and_the_disagreements(project, tmp_path):
    book = load_workbook(export_xlsx(project, "agreement", tmp_path / "e.xlsx").path)
    ws = book["Enighed"]
    assert [c.value for c in ws[1]] == [
        "Kode", "Enheder (n)", "Procentvis enighed", "Cohens kappa", "Krippendorffs alpha", "Gwets AC1",
        "Tegn: enighed", "Tegn: kappa", "Bemærkning",
    ]
    # units: INT-RAD-01 S004.1, INT-FAM-01's second segment, OBS-01's first (both coded) and OBS-01's second
    # (only AB: P5, a disagreement inside a document both coded); P2 only by AB on S004.1
    p2 = [c.value for c in next(r for r in ws.iter_rows(min_row=2) if r[0].value == "P2 Sammenhæng")]
    assert p2[1] == 4 and p2[2] == pytest.approx(3 / 4)
    assert cell(ws, "P2 Sammenhæng", "Procentvis enighed").number_format == PERCENT
    f1 = cell(ws, "F1 Samtykket er afgørende", "Cohens kappa")
    assert f1.value == pytest.approx(1.0) and f1.data_type == "n"
    assert cell(ws, "I alt (kode × enhed)", "Enheder (n)").value == 20  # 4 units × 5 codes used
    disagreements = sheet_rows(book["Uenigheder"])
    assert [row[:4] for row in disagreements] == [
        ["INT-RAD-01", "S004.1", "F1, P2", "F1"], ["OBS-01", "S002", "P5", None],
    ]
    assert "Anm.: Enighed mellem AB og CD i 3 dokumenter, som begge har kodet, over 4 enheder" in str(
        ws.cell(row=ws.max_row, column=1).value)


def test_selfeval_sheet_has_means_as_numbers(project, tmp_path):
    ws = load_workbook(export_xlsx(project, "selfeval", tmp_path / "s.xlsx").path)["Selvevaluering"]
    assert [c.value for c in ws[1]][:6] == [
        "Princip", "Halvår", "Spørgsmål", "Besvarelser (n)", "Gennemsnit", "Median",
    ]
    row = next(r for r in ws.iter_rows(min_row=2)
               if (r[0].value, r[1].value, r[2].value) == ("P1 Familien", "1. halvår 2025", "Efterlevelse"))
    n, mean, median, low, high = (c.value for c in row[3:8])
    assert (n, median, low, high) == (3, 4, 2, 5) and mean == pytest.approx(11 / 3)
    assert row[4].number_format == "0.0" and row[9].value == "ja"  # range 3: the team disagrees


def test_survey_sheet_has_shares_as_fractions_and_change_in_points(project, tmp_path):
    ws = load_workbook(export_xlsx(project, "surveys", tmp_path / "sp.xlsx").path)["Spørgeskemaer"]
    headers = [c.value for c in ws[1]]
    question = "Familien har fået hjælp til at overskue sine aftaler"
    rows = [r for r in ws.iter_rows(min_row=2) if r[1].value == question]
    start, end = ({headers[i]: c for i, c in enumerate(r)} for r in rows)
    assert (start["Tidspunkt"].value, start["Gyldige svar"].value, start["Udeladte svar"].value) == ("Opstart", 9, 3)
    assert start["Andel"].value == pytest.approx(6 / 9) and start["Andel"].number_format == PERCENT
    assert end["Andel"].value == pytest.approx(0.9)
    assert end["Ændring"].value == 90 - 67 and end["Ændring"].number_format == POINTS  # as printed: 67 % → 90 %
    assert start["Ændring"].value is None


def test_all_puts_every_table_in_one_workbook_and_says_what_is_left_out(mini_project, project, tmp_path):
    result = export_xlsx(project, "all", tmp_path / "alt.xlsx")
    assert load_workbook(result.path).sheetnames == [
        "Kodninger", "Kode × gruppe", "Kode × gruppe × valens", "Princip × faktor", "Enighed", "Uenigheder",
        "Selvevaluering", "Spørgeskemaer",
    ]
    assert result.left_out == []
    shutil.rmtree(mini_project / "selfeval")
    (mini_project / "selfeval").mkdir()
    lean = export_xlsx(Project(mini_project), "all", tmp_path / "uden.xlsx")
    assert "Selvevaluering" not in lean.sheets and any("selvevalueringer" in line for line in lean.left_out)


def test_a_single_table_without_data_is_an_error(mini_project, tmp_path):
    with pytest.raises(WorkbenchError) as error:
        export_xlsx(Project(mini_project), "surveys", tmp_path / "x.xlsx")
    assert "ingen spørgeskemaer" in str(error.value) and not (tmp_path / "x.xlsx").exists()


def test_personal_data_in_a_memo_stops_the_export(project, tmp_path):
    rad = project.corpus.get("INT-RAD-01")
    project.coding_store().add("AB", rad, "P3", segment=rad.segment("S002"), memo="Rådgiverens tlf. er 22 33 44 55")
    out = tmp_path / "k.xlsx"
    with pytest.raises(WorkbenchError) as error:
        export_xlsx(Project(project.root), "codings", out)
    assert "personoplysninger" in str(error.value) and "22 33 44 55" in str(error.value)
    assert not out.exists()


def test_cli_writes_to_the_exports_folder(project, capsys):
    assert main(["--project", str(project.root), "export-xlsx", "--what", "agreement", "--coders", "AB,CD"]) == 0
    assert (project.root / "exports" / "enighed.xlsx").is_file()
    assert "Enighed, Uenigheder" in capsys.readouterr().out
