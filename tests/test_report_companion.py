"""The chapter's companion (exports/evalueringskapitel-spor.xlsx): every count and percentage in the chapter's
tables is listed by table and cell with the codings, answers or survey rows behind it, and counting those
sources gives the printed number again. Suppressed cells say so and list nothing.

The fixture is the chapter project (tests/fixtures/mini with codings by two coders, memos, self-evaluations
and surveys); in it the parents and the caseworkers are groups too small to show.
"""

from __future__ import annotations

import re
import statistics
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest
from openpyxl import load_workbook

from workbench.exchange.companion import FILE_NAME, NOTHING_COUNTED, numbered_tables
from workbench.io.text import read_text
from workbench.lang import numbers as numfmt
from workbench.lang.rounding import round_half_up
from workbench.project import Project
from workbench.report import build_chapter
from workbench.report.model import COUNT, GIVEN, MEAN, SHARE, STATISTIC, SUM, Cell

# a printed number: "12", "1.544", "4,3 (2–5) !", "67 % (n < 10)", "2 af 5", "+23", "9 / 10"
NUMERIC = re.compile(r"^[+−-]?\d[\d.,]*( %| af \d| procentpoint| / \d| \(|$)|\(n = \d")
TEXT_TABLES = ("Forvaltningernes mål", "Kodebog:", "Spørgsmål og GUIDE", "Vurderingsskalaen")


def _sheet(book, name: str) -> list[dict]:
    """The rows of a sheet, and of the sheets it continues on ("Kilder", "Kilder (2)", …)."""
    found = []
    for title in book.sheetnames:
        if title == name or re.fullmatch(rf"{re.escape(name)} \(\d+\)", title):
            rows = list(book[title].iter_rows(values_only=True))
            found += [dict(zip(rows[0], r)) for r in rows[1:] if r[0] is not None and isinstance(r[0], int)]
    for row in found:  # the value as printed, with Danish typography's no-break space before %
        if row.get("Trykt værdi"):
            row["Trykt værdi"] = row["Trykt værdi"].replace("\u00a0", " ")
    return found


def listed_under(figure: dict) -> list[int]:
    """The figures whose Kilder rows are this figure's sources: its own, or those it refers to ("12, 19, 26")."""
    same = figure["Samme kilder som tal nr."]
    return [int(n) for n in str(same).split(", ")] if same else [figure["Tal nr."]]


def _by_figure(figures: list[dict], found_sources: list[dict]) -> dict[int, list[dict]]:
    """Each figure's sources; a figure with the same sources as earlier ones gets theirs."""
    listed = defaultdict(list)
    for s in found_sources:
        listed[s["Tal nr."]].append(s)
    return defaultdict(list, {f["Tal nr."]: [s for n in listed_under(f) for s in listed[n]] for f in figures})


@pytest.fixture
def report(chapter_project: Path):
    result = subprocess.run([sys.executable, "-m", "workbench.ui.cli", "--project", str(chapter_project), "report"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    out = chapter_project / "exports" / FILE_NAME
    assert out.is_file() and f"skrevet til {out}" in result.stdout
    book = load_workbook(out, read_only=True)
    return (Project(chapter_project), _sheet(book, "Tal i tabeller"), _sheet(book, "Kilder"),
            _sheet(book, "Tal i teksten"))


def _numbers(text: str) -> list[str]:
    return re.findall(r"\d[\d.]*(?:,\d+)?", text)


def _small_group_row(source: dict) -> bool:
    return source["Enhed"] == "skjult (lille gruppe)"


CHANGE = "Ændring (procentpoint)"  # the survey tables' change column: the end share less the start share


def _check_reproduced(figure: dict, found: list[dict]) -> int | None:
    """Count the sources as the method says, compare with the printed cell; a share is returned as well."""
    method, printed = figure["Sådan giver kilderne tallet"], figure["Trykt værdi"]
    small = [s for s in found if _small_group_row(s)]  # one row with the number of a too-small group's units
    shown = [s for s in found if not _small_group_row(s)]
    # a unit is one of a figure's: "I alt" counts each code's units, listed under that code's figure
    units = len({(s["Tal nr."], s["Enhed"]) for s in shown}) + sum(s["Værdi"] for s in small)
    assert figure["Enheder"] == units, figure
    assert figure["Kilder"] == (0 if figure["Samme kilder som tal nr."] else len(found)), figure
    assert (figure["Heraf skjult (lille gruppe)"] or 0) == sum(s["Værdi"] for s in small), figure
    if method.startswith("antal"):
        assert numfmt.integer(units) in _numbers(printed), (figure, found)
    elif method.startswith("enheder, der tæller med"):
        counting = len({(s["Tal nr."], s["Enhed"]) for s in shown if s["Tæller med"] == "ja"})
        counting += sum(s["Værdi"] for s in small if s["Tæller med"] == "ja")
        share = int(round_half_up(100 * counting / units))
        if figure["Kolonne"] != CHANGE:  # a change is checked from its two shares by the caller
            assert f"{share} %" in printed, (figure, found)
        return share
    elif method.startswith("gennemsnit"):
        by_unit = {s["Enhed"]: s["Værdi"] for s in found}
        mean = statistics.fmean(by_unit.values())
        assert printed.startswith(numfmt.decimal(mean, 1)), (figure, found)
        if "(" in printed:  # "3,7 (2–5)": the lowest and highest answer too
            assert f"({int(min(by_unit.values()))}–{int(max(by_unit.values()))})" in printed
    elif method.startswith("summen"):
        assert numfmt.integer(int(sum(s["Værdi"] for s in found))) in _numbers(printed)
    else:
        raise AssertionError(f"unexpected method {method}")
    return None


def test_every_number_in_every_table_is_in_the_companion_and_its_sources_give_it_again(report):
    project, figures, found_sources, _ = report
    chapter = build_chapter(project)
    by_figure = _by_figure(figures, found_sources)
    listed = defaultdict(list)
    for figure in figures:
        listed[(figure["Tabel"], figure["Kolonne"], figure["Trykt værdi"])].append(figure)
    checked = 0
    shares: dict[str, int] = {}
    for number, _, table in numbered_tables(chapter):
        if table.title.startswith(TEXT_TABLES):
            continue
        for row in table.rows:
            for c, text in enumerate(row[1:], start=1):
                if not NUMERIC.search(text) and text != "–":
                    continue
                if text == "–" and not isinstance(text, Cell):
                    continue  # nothing measured there
                assert isinstance(text, Cell) and text.tallies, (table.title, row, table.columns[c])
                entries = [f for f in listed[(number, table.columns[c], str(text))]
                           if f["Række"] == str(row[0]).strip()]
                assert len(entries) >= len(text.tallies), (table.title, row[0], table.columns[c], text)
                for figure in entries:
                    assert figure["Tabeltitel"] == table.title
                    if figure["Status"] not in ("vist", NOTHING_COUNTED):  # a 0 counts nothing and is shown
                        assert figure["Status"].startswith("undertrykt") and not by_figure[figure["Tal nr."]]
                        continue
                    method = figure["Sådan giver kilderne tallet"]
                    if method.startswith("beregnet over"):  # kappa, alpha, AC1: the units are listed
                        assert table.title.startswith("Enighed") and by_figure[figure["Tal nr."]]
                        continue
                    if method.startswith("opgivet"):  # an aggregated table's row: the share as the file gives it
                        assert len(by_figure[figure["Tal nr."]]) == 1
                        value = int(round_half_up(figure["Beregnet værdi"]))
                        if figure["Tal"].startswith("andel"):
                            shares[figure["Tal"]] = value
                        else:
                            assert numfmt.integer(value) in _numbers(figure["Trykt værdi"]), figure
                        continue
                    share = _check_reproduced(figure, by_figure[figure["Tal nr."]])
                    if table.columns[c] == CHANGE:
                        shares[figure["Tal"]] = share
                    checked += 1
                if table.columns[c] == CHANGE:  # "+23": the end share less the start share
                    start, end = shares.pop(next(k for k in shares if "start" in k)), shares.pop(
                        next(k for k in shares if "slut" in k))
                    assert numfmt.signed(end - start) == str(text)
    assert checked > 150  # the fixture's chapter: evidence, self-evaluation, survey and agreement tables


def test_the_sources_name_codings_answers_and_survey_rows(report):
    project, figures, found_sources, _ = report
    store = project.coding_store()
    codings = {c.id: c for c in store.current(project.corpus)}
    kinds = {s["Kildeart"] for s in found_sources}
    assert {"kodning", "dokument", "selvevaluering", "spørgeskema"} <= kinds
    for s in found_sources:
        if s["Kildeart"] == "kodning" and s["Reference"] != "–" and not _small_group_row(s):
            coding = codings[s["Reference"]]  # a coding of the coder's log, at the segment and characters given
            assert s["Dokument"] == coding.doc_id and s["Koder/respondent"] == coding.coder
            assert f"tegn {coding.start}–{coding.end}" in s["Sted (segment, tegn, halvår, linje)"]
        elif s["Kildeart"] == "selvevaluering":
            assert re.fullmatch(r"selfeval/\d{4}-H[12]/.+\.yaml", s["Reference"]), s
            assert s["Koder/respondent"] and re.fullmatch(r"\d{4}-H[12]", s["Sted (segment, tegn, halvår, linje)"])
        elif s["Kildeart"] == "spørgeskema":
            path, line = s["Reference"].rsplit(":", 1)
            if path.endswith(".xlsx"):  # a sheet's row: the header is row 1
                assert int(line) >= 2
                continue
            data = read_text(project.root / path).splitlines()
            answer, text = s["Svar/vurdering"] or "", data[int(line) - 1]
            aggregated = re.fullmatch(r"[\d.]+ %, n = (\d+), udeladt (\d+)", answer)
            if aggregated:  # a row of an aggregated table: its n is in that line
                assert f";{aggregated[1]};" in text, s
            elif answer != "(blank)":  # an answer sheet: the answer is in that line
                assert answer.lower() in text.lower(), s


def test_small_groups_are_marked_suppressed_and_list_no_sources(report):
    project, figures, found_sources, _ = report
    evidence = [f for f in figures if f["Tabeltitel"].startswith("Kodede segmenter om P1")]
    parents = [f for f in evidence if f["Række"] == "Forældre"]
    assert len(parents) == 6 and all(f["Status"].startswith("undertrykt") and f["Kilder"] == 0 for f in parents)
    listed = {s["Tal nr."] for s in found_sources}
    assert not listed & {f["Tal nr."] for f in parents}
    small = {d.id for d in project.corpus.included if d.meta.group in ("familie", "radgiver")}
    # outside the coder agreement (a table the chapter prints unsuppressed), no source is a small group's
    agreement = {f["Tal nr."] for f in figures if f["Tabeltitel"].startswith("Enighed")}
    for s in found_sources:
        if s["Tal nr."] not in agreement:
            assert s["Dokument"] not in small, s


def test_agreement_units_of_a_too_small_group_are_counted_but_listed_only_as_their_number(report):
    project, figures, found_sources, _ = report
    small = {d.id for d in project.corpus.documents if d.meta.group in ("familie", "radgiver")}
    agreement = {f["Tal nr."]: f for f in figures if f["Tabeltitel"].startswith("Enighed")}
    rows = [s for s in found_sources if s["Tal nr."] in agreement]
    assert rows and not [s for s in rows if s["Dokument"] in small]  # no document id of theirs
    assert not [s for s in rows if any(d in str(s["Enhed"]) for d in small)]  # not even inside a unit
    collapsed = [s for s in rows if _small_group_row(s)]
    assert collapsed and all(s["Værdi"] >= 1 and s["Reference"] in ("", None) and s["Kodningsmemo"] in ("", None)
                             for s in collapsed)
    # counted all the same: a code's n includes them (INT-RAD-01 and INT-FAM-01 hold coded segments)
    counts = [f for f in agreement.values() if f["Tal"] == "enheder"
              and any(_small_group_row(s) for s in rows if s["Tal nr."] == f["Tal nr."])]
    assert counts
    for figure in counts:
        listed = [s for s in rows if s["Tal nr."] == figure["Tal nr."]]
        hidden = sum(s["Værdi"] for s in listed if _small_group_row(s))
        shown = len({s["Enhed"] for s in listed if not _small_group_row(s)})
        assert figure["Enheder"] == hidden + shown and figure["Trykt værdi"] == str(hidden + shown)
    per_figure = defaultdict(int)
    for s in collapsed:
        per_figure[(s["Tal nr."], s["Tæller med"])] += 1
    assert set(per_figure.values()) == {1}  # one row per figure (and per counted / not counted)


def test_a_planted_cpr_in_a_coding_memo_is_refused_for_the_companion_too(chapter_project):
    from workbench.errors import WorkbenchError
    from workbench.exchange.companion import companion_export

    project = Project(chapter_project)
    document = project.corpus.get("OBS-01")  # not a too-small group's: their codings are listed as a number only
    project.coding_store().add("NP", document, "P2", "understøttende", segment=document.segment("S001"),
                               memo="Ring på 010203-1234.")
    project = Project(chapter_project)
    with pytest.raises(WorkbenchError, match="010203-1234") as refused:
        companion_export.write(project, out=project.exports_dir / FILE_NAME)
    assert "codings/NP.jsonl:" in str(refused.value)
    assert not (chapter_project / "exports").exists()


def test_the_selected_sections_keep_the_full_chapter_table_numbers(chapter_project):
    project = Project(chapter_project)
    chapter = build_chapter(project)
    full = {number: table.title for number, _, table in numbered_tables(chapter)}
    some = numbered_tables(chapter, ["P3"])
    assert some and all(full[number] == table.title for number, _, table in some)
    assert {key for _, key, _ in some} == {"P3"}


def test_methods_are_the_models_own():
    # the companion explains each way a tally gives its number; a new one would be listed without text
    from workbench.exchange.companion import METHODS

    assert set(METHODS) == {COUNT, SHARE, MEAN, SUM, GIVEN, STATISTIC}


def test_the_agreements_total_refers_to_its_codes_units_instead_of_listing_them_again(report):
    # "I alt" is every code × unit decision: the codes' own lists one after the other. Listing them again would
    # double the workbook (342.104 rows for "I alt" alone at 200 transcripts); it names those figures instead
    _, figures, found_sources, _ = report
    agreement = [f for f in figures if f["Tabeltitel"].startswith("Enighed") and f["Tal"] == "enheder"]
    total = next(f for f in agreement if f["Række"].startswith("I alt"))
    per_code = [f for f in agreement if f is not total]
    assert total["Kilder"] == 0 and not [s for s in found_sources if s["Tal nr."] == total["Tal nr."]]
    assert listed_under(total) == [f["Tal nr."] for f in per_code]
    assert total["Enheder"] == sum(f["Enheder"] for f in per_code)
    assert numfmt.integer(total["Enheder"]) == total["Trykt værdi"]
