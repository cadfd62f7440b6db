"""Surveys: respondent-level exports (CSV in the encodings and separators evaluators meet, XLSX) and
aggregated tables, summarised per item and time point with small groups suppressed or flagged.

The fixture surveys (tests/fixtures/surveys) are small enough to count by hand:
kort.csv, item "hjaelp": opstart Ja 6 (one written "ja"), Nej 3, Ved ikke 2, blank 1; afslutning Ja 9, Nej 1.
kort.csv, item "kontakt": opstart Altid 3, Nogle gange 5, Aldrig 2, Ved ikke 1, blank 1;
                          afslutning Altid 3, Nogle gange 1, Ved ikke 4, blank 2.
"""

import json
import shutil
from pathlib import Path

import openpyxl
import pytest

from workbench.errors import WorkbenchError
from workbench.project import Project
from workbench.report.text_da import survey_share
from workbench.surveys.load import items_for_principle, load_surveys
from workbench.surveys.summary import changes, summarise, summary_table
from workbench.ui.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "surveys"


@pytest.fixture
def survey_project(mini_project: Path) -> Path:
    """The mini project with the three fixture surveys in its surveys/ folder."""
    folder = mini_project / "surveys"
    folder.mkdir(exist_ok=True)
    for path in FIXTURES.iterdir():
        shutil.copy(path, folder / path.name)
    return mini_project


def survey(project_dir: Path, name: str):
    return next(s for s in load_surveys(Project(project_dir)) if s.name == name)


def result(project_dir: Path, name: str, item: str, time_point: str):
    return next(r for r in summarise(survey(project_dir, name)) if (r.item, r.time_point) == (item, time_point))


def rewrite_kort(project_dir: Path, text: str | None = None, encoding: str = "utf-8", raw: bytes | None = None) -> Path:
    path = project_dir / "surveys" / "kort.csv"
    path.write_bytes(raw if raw is not None else text.encode(encoding))
    return path


def kort_text(project_dir: Path) -> str:
    return (project_dir / "surveys" / "kort.csv").read_text(encoding="utf-8")


def failure(project_dir: Path) -> WorkbenchError:
    with pytest.raises(WorkbenchError) as caught:
        load_surveys(Project(project_dir))
    return caught.value


# ---------------------------------------------------------------- counting


def test_shares_are_of_valid_answers_with_ved_ikke_and_blank_left_out(survey_project):
    start = result(survey_project, "kort", "hjaelp", "opstart")
    assert (start.n_valid, start.n_excluded, start.n_positive) == (9, 3, 6)  # "ja" counts as "Ja"
    assert start.percent == pytest.approx(100 * 6 / 9)
    assert start.counts == {"Ja": 6, "Nej": 3}
    end = result(survey_project, "kort", "hjaelp", "afslutning")
    assert (end.n_valid, end.n_excluded, end.percent) == (10, 0, 90.0)


def test_small_groups_are_flagged_below_ten_and_suppressed_below_five(survey_project):
    flagged = result(survey_project, "kort", "hjaelp", "opstart")
    assert flagged.flagged and not flagged.suppressed
    assert survey_share(flagged) == "67 % (n < 10)"
    ten = result(survey_project, "kort", "kontakt", "opstart")
    assert not ten.flagged and survey_share(ten) == "30 %"
    hidden = result(survey_project, "kort", "kontakt", "afslutning")
    assert (hidden.n_valid, hidden.n_excluded) == (4, 6)
    assert hidden.suppressed and not hidden.flagged
    assert (hidden.percent, hidden.n_positive, hidden.counts, survey_share(hidden)) == (None, None, {}, "–")


def test_change_in_procentpoint_and_none_when_a_side_is_suppressed(survey_project):
    found = {c.item: c for c in changes(survey(survey_project, "kort"))}
    # 66,7 % → 90 % is printed 67 % → 90 %: +23 procentpoint, the difference a reader can check
    assert found["hjaelp"].change_points == 90 - 67
    assert (found["hjaelp"].start.time_point, found["hjaelp"].end.time_point) == ("opstart", "afslutning")
    assert found["kontakt"].change_points is None


@pytest.mark.parametrize(
    "separator, encoding, described",
    [
        (",", "utf-8", "UTF-8"),
        ("\t", "utf-8-sig", "UTF-8 med BOM"),
        (";", "cp1252", "Windows-1252"),
        (",", "cp1252", "Windows-1252"),
    ],
)
def test_csv_with_other_separators_and_encodings_gives_the_same_figures(survey_project, separator, encoding, described):
    rewrite_kort(survey_project, kort_text(survey_project).replace(";", separator), encoding)
    loaded = survey(survey_project, "kort")
    assert (loaded.separator, loaded.encoding) == (separator, described)
    start = result(survey_project, "kort", "hjaelp", "opstart")
    assert (start.n_valid, start.n_positive, start.n_excluded) == (9, 6, 3)


def test_xlsx_with_numeric_answer_codes_and_a_single_time_point(survey_project):
    loaded = survey(survey_project, "leder")
    assert loaded.encoding == "Excel (.xlsx)"
    [only] = summarise(loaded)
    assert (only.time_point, only.n_valid, only.n_excluded, only.n_positive) == ("efteraar_2025", 5, 1, 3)
    assert only.counts == {"1": 0, "2": 1, "3": 1, "4": 2, "5": 1}
    assert survey_share(only) == "60 % (n < 10)"
    assert changes(loaded) == []


def test_aggregated_table_with_decimal_comma_and_suppression(survey_project):
    start = result(survey_project, "forloeb", "fritid", "opstart")
    assert (start.percent, start.n_valid, start.n_excluded, start.n_positive) == (32.4, 37, 0, 12)
    end = result(survey_project, "forloeb", "fritid", "afslutning")
    assert (end.percent, end.n_valid, end.n_excluded, survey_share(end)) == (77.8, 27, 1, "78 %")
    assert result(survey_project, "forloeb", "koncentration", "afslutning").suppressed
    found = {c.item: c.change_points for c in changes(survey(survey_project, "forloeb"))}
    # the change is the difference of the printed shares, 32 % → 78 %: +46, not the unrounded 45,4
    assert found == {"fritid": 46, "koncentration": None}


def test_items_for_principle_links_items_from_every_survey(survey_project):
    project = Project(survey_project)
    assert [(s.name, i.key) for s, i in items_for_principle(project, "P2")] == [("kort", "hjaelp"), ("kort", "kontakt")]
    assert [(s.name, i.key) for s, i in items_for_principle(project, "P5")] == [
        ("forloeb", "fritid"),
        ("leder", "opbakning"),
    ]
    with pytest.raises(WorkbenchError, match="P9"):
        items_for_principle(project, "P9")


def test_summary_table_has_danish_columns_and_the_change_on_the_end_row(survey_project):
    table = summary_table(Project(survey_project))
    rows = table[table["Spørgsmål"] == "Familien har fået hjælp til at overskue sine aftaler"]
    assert list(rows["Tidspunkt"]) == ["Opstart", "Afslutning"]
    assert list(rows["Gyldige svar"]) == [9, 10]
    assert rows["Ændring (procentpoint)"].iloc[1] == 23  # as printed: 44 % → 67 %
    assert rows["Ændring (procentpoint)"].isna().iloc[0]
    concentration = table[table["Spørgsmål"] == "Børn belastet af koncentrationsproblemer"]
    assert concentration["Lavere er bedre"].all()


# ---------------------------------------------------------------- malformed input


def test_unknown_answer_label_names_file_line_column_and_the_allowed_answers(survey_project):
    text = kort_text(survey_project).replace("A07;opstart;Nej", "A07;opstart;Måske")
    rewrite_kort(survey_project, text)
    error = failure(survey_project)
    assert error.path.name == "kort.csv" and error.line == 8
    assert "'Måske'" in error.message and "'Hjælp'" in error.message
    assert "Ja, Nej, Ved ikke" in error.message


def test_missing_column_is_named(survey_project):
    rewrite_kort(survey_project, kort_text(survey_project).replace(";Kontakt\n", ";Kontakt2\n"))
    error = failure(survey_project)
    assert error.path.name == "kort.csv" and error.line == 1
    assert "Kolonnen 'Kontakt' mangler" in error.message


def test_duplicate_respondent_within_a_time_point(survey_project):
    # A01 answers at both time points in the fixture; a second A01 at the start is the error
    text = kort_text(survey_project).replace("A12;opstart", "A01;opstart")
    rewrite_kort(survey_project, text)
    error = failure(survey_project)
    assert error.path.name == "kort.csv" and error.line == 13
    assert "'A01'" in error.message and "ved opstart (linje 2)" in error.message


def test_unknown_time_point(survey_project):
    rewrite_kort(survey_project, kort_text(survey_project).replace("A03;opstart", "A03;midtvejs"))
    error = failure(survey_project)
    assert error.line == 4 and "'midtvejs'" in error.message and "opstart, afslutning" in error.message


def test_wrong_separator_leaves_one_column(survey_project):
    rewrite_kort(survey_project, kort_text(survey_project).replace(";", "|"))
    error = failure(survey_project)
    assert error.path.name == "kort.csv" and error.line == 1
    assert "skilletegn" in error.message and "semikolon" in error.message


def test_row_with_a_stray_separator_is_named_by_line(survey_project):
    rewrite_kort(survey_project, kort_text(survey_project).replace("A05;opstart;ja;", "A05;opstart;ja;;"))
    error = failure(survey_project)
    assert error.line == 6 and "5 felter" in error.message and "4" in error.message


def test_excel_unicode_text_is_read(survey_project):
    """Excel's "Unicode-tekst" is UTF-16 with a BOM and tab-separated."""
    csv_path = survey_project / "surveys" / "kort.csv"
    text = csv_path.read_text(encoding="utf-8-sig").replace(";", "\t")
    csv_path.write_bytes(text.encode("utf-16"))
    [survey] = [s for s in load_surveys(Project(survey_project)) if s.name == "kort"]
    assert survey.encoding == "UTF-16" and survey.separator == "\t"


@pytest.mark.parametrize(
    "raw, line, says",
    [
        (b"id;tidspunkt;H\xe6lp\nA01;opstart;\x81\n", 2, "hverken UTF-8 eller Windows-1252"),
        ("id;tidspunkt;Hjælp\n".encode().decode("cp1252").encode("utf-8"), 1, "kodet om to gange"),
    ],
)
def test_wrong_encoding(survey_project, raw, line, says):
    rewrite_kort(survey_project, raw=raw)
    error = failure(survey_project)
    assert error.path.name == "kort.csv" and error.line == line
    assert says in error.message


@pytest.mark.parametrize("raw", [b"", b"\r\n  \r\n"])
def test_empty_file(survey_project, raw):
    rewrite_kort(survey_project, raw=raw)
    error = failure(survey_project)
    assert error.path.name == "kort.csv" and "tom" in error.message


def test_header_without_answers(survey_project):
    rewrite_kort(survey_project, kort_text(survey_project).splitlines()[0] + "\n")
    error = failure(survey_project)
    assert error.path.name == "kort.csv" and "ingen besvarelser" in error.message


def test_unknown_principle_in_the_item_map_names_the_line(survey_project):
    path = survey_project / "surveys" / "kort.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("principles: [P3, P2]", "principles: [P3, P9]"), encoding="utf-8"
    )
    error = failure(survey_project)
    assert error.path.name == "kort.yaml" and error.line == 26
    assert "'P9' findes ikke i kodebogen" in error.message


def test_positive_answer_missing_from_the_labels(survey_project):
    path = survey_project / "surveys" / "kort.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("positive: [Altid]", "positive: [Altid, Tit]"), encoding="utf-8"
    )
    error = failure(survey_project)
    assert error.path.name == "kort.yaml" and "'Tit'" in error.message


def test_aggregated_table_with_unknown_item_or_impossible_percent(survey_project):
    path = survey_project / "surveys" / "forloeb.csv"
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("koncentration;opstart", "søvn;opstart"), encoding="utf-8")
    error = failure(survey_project)
    assert error.path.name == "forloeb.csv" and error.line == 4 and "'søvn'" in error.message
    path.write_text(good.replace("32,4", "132"), encoding="utf-8")
    error = failure(survey_project)
    assert error.line == 2 and "over 100" in error.message


def test_xlsx_errors_name_the_excel_row_and_a_missing_sheet(survey_project):
    path = survey_project / "surveys" / "leder.xlsx"
    book = openpyxl.load_workbook(path)
    book.active["B4"] = 7  # L3's answer, on Excel row 4
    book.save(path)
    error = failure(survey_project)
    assert error.path.name == "leder.xlsx" and error.line == 4 and "'7'" in error.message
    yaml_path = survey_project / "surveys" / "leder.yaml"
    yaml_path.write_text(yaml_path.read_text(encoding="utf-8") + "sheet: Svar\n", encoding="utf-8")
    assert "'Svar'" in failure(survey_project).message


def test_corrupt_xlsx(survey_project):
    (survey_project / "surveys" / "leder.xlsx").write_bytes(b"not a workbook")
    error = failure(survey_project)
    assert error.path.name == "leder.xlsx" and "Excel" in error.message


# ---------------------------------------------------------------- the command


def test_cli_survey_summary_json(survey_project, capsys):
    assert main(["--project", str(survey_project), "survey-summary", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [s["survey"] for s in data] == ["forloeb", "kort", "leder"]
    kort = data[1]
    assert (kort["encoding"], kort["separator"], kort["answer_sheets"]) == ("UTF-8", ";", 22)
    hjaelp = kort["items"][0]
    assert hjaelp["principles"] == ["P2"]
    start, end = hjaelp["time_points"]
    assert (start["n_valid"], start["n_excluded"], start["n_positive"], start["flagged"]) == (9, 3, 6, True)
    assert round(start["percent"]) == 67 and end["percent"] == 90
    assert hjaelp["change_points"] == 23
    hidden = kort["items"][1]["time_points"][1]
    assert hidden["suppressed"] and hidden["percent"] is None and kort["items"][1]["change_points"] is None


def test_cli_survey_summary_text(survey_project, capsys):
    assert main(["--project", str(survey_project), "survey-summary"]) == 0
    out = capsys.readouterr().out
    assert (
        "kort.csv: respondentniveau, UTF-8, semikolon som skilletegn, 22 besvarelser (opstart 12, afslutning 10)" in out
    )
    assert "67 % (n < 10)" in out and "+23 procentpoint" in out
    assert "Ja 67 % · Nej 33 %" in out
    assert "(lavere er bedre)" in out


def test_cli_error_is_one_danish_line_and_exit_code_2(survey_project, capsys):
    (survey_project / "surveys" / "kort.csv").write_bytes(b"")
    assert main(["--project", str(survey_project), "survey-summary"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("Fejl i ") and "kort.csv" in err and "\n" not in err


def test_project_without_surveys(mini_project, capsys):
    shutil.rmtree(mini_project / "surveys", ignore_errors=True)
    assert main(["--project", str(mini_project), "survey-summary", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


@pytest.mark.parametrize("percent, n", [("18", 27), ("18,0", 27), ("50,5", 10), ("3", 0)])
def test_an_aggregated_share_no_whole_count_can_give_is_a_danish_error_with_the_line(survey_project, percent, n):
    data = survey_project / "surveys" / "forloeb.csv"
    lines = data.read_text(encoding="utf-8").splitlines()
    header, first = lines[0], lines[1]
    separator = ";" if ";" in header else ","
    columns = header.split(separator)
    cells = first.split(separator)
    cells[columns.index("percent")], cells[columns.index("n")] = percent, str(n)
    data.write_text("\n".join([header, separator.join(cells), *lines[2:]]) + "\n", encoding="utf-8")
    with pytest.raises(WorkbenchError, match="kan ikke komme fra") as refused:
        load_surveys(Project(survey_project))
    assert refused.value.line == 2 and refused.value.path.name == "forloeb.csv"


def test_a_share_that_rounds_from_a_whole_count_is_accepted(survey_project):
    assert result(survey_project, "forloeb", "fritid", "afslutning").percent == 77.8  # 21 of 27 = 77,78 %
