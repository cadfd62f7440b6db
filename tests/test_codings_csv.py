"""Codings as CSV: a round trip gives the same codings; a bad file names its line and imports nothing."""

from __future__ import annotations

import csv
import io
import shutil

import pytest

from workbench.coding.store import CodingStore
from workbench.errors import WorkbenchError
from workbench.exchange.codings_csv import (
    COLUMNS,
    export_codings_csv,
    import_codings_csv,
)
from workbench.project import Project
from workbench.ui.cli import main

HEADER = ",".join(COLUMNS)


def content(codings) -> list[tuple]:
    """What a coding is, apart from its id and timestamps."""
    return sorted(
        (c.coder, c.doc_id, c.segment_id, c.start, c.end, c.code, c.valence, c.quote, c.memo, c.text_hash)
        for c in codings
    )


@pytest.fixture
def coded(mini_project):
    project = Project(mini_project)
    store = project.coding_store()
    rad, obs = project.corpus.get("INT-RAD-01"), project.corpus.get("OBS-01")
    consent = rad.segment("S004.1")
    store.add(
        "AB", rad, "F1", "understøttende", segment=consent, memo='Samtykke; deling\n– også "på tværs"', quote=True
    )
    store.add("AB", rad, "P4", "udfordrende", span=(consent.start + 24, consent.start + 80))
    store.add("CD", obs, "P1", segment=obs.segments[0], memo="Mødeleder spørger [mor] først – æøå")
    store.add("CD", rad, "P2", span=(rad.segment("S004.1").start, rad.segment("S004.2").end))  # over two segments
    return project


def empty_copy(project, tmp_path) -> Project:
    target = tmp_path / "tom"
    shutil.copytree(project.root, target)
    shutil.rmtree(target / "codings")
    return Project(target)


def test_export_then_import_into_an_empty_store_gives_the_same_codings(coded, tmp_path):
    out = tmp_path / "kodninger.csv"
    assert export_codings_csv(coded, out) == 4
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf" + ";".join(COLUMNS).encode())  # BOM and ';' for Danish Excel
    assert "æøå".encode() in raw

    other = empty_copy(coded, tmp_path)
    assert import_codings_csv(other.coding_store(), other.corpus, other.codebook, out).imported == 4
    assert content(Project(other.root).coding_store().codings()) == content(coded.coding_store().codings())


def test_export_of_one_coder_leaves_out_withdrawn_and_stale(coded, tmp_path):
    store = coded.coding_store()
    withdrawn = coded.corpus.get("INT-FAM-02")
    store.add("AB", withdrawn, "P1", segment=withdrawn.segments[1], memo="tilbagetrukket")
    out = tmp_path / "ab.csv"
    assert export_codings_csv(coded, out, "AB") == 2
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert [(r["coder"], r["code"], r["segment_id"], r["quote"]) for r in rows] == [
        ("AB", "F1", "S004.1", "ja"), ("AB", "P4", "S004.1", "nej")
    ]
    assert "tilbagetrukket" not in out.read_text(encoding="utf-8-sig")


def test_comma_separated_windows_1252_from_excel_is_read(coded, tmp_path):
    rad = coded.corpus.get("INT-RAD-01")
    segment = rad.segment("S002")
    path = tmp_path / "excel.csv"
    path.write_bytes(
        f"{HEADER}\r\nINT-RAD-01,S002,{segment.start},{segment.end},EF,P3,udfordrende,x,\"genfortælling, igen\"\r\n"
        .encode("cp1252")
    )
    other = empty_copy(coded, tmp_path)
    assert import_codings_csv(other.coding_store(), other.corpus, other.codebook, path).imported == 1
    [coding] = other.coding_store().codings("EF")
    assert (coding.segment_id, coding.code, coding.valence, coding.quote, coding.memo) == (
        "S002", "P3", "udfordrende", True, "genfortælling, igen"
    )


def bad_row(coded, tmp_path, row: str, *, before: str = "") -> WorkbenchError:
    rad = coded.corpus.get("INT-RAD-01")
    good = f"INT-RAD-01;S002;{rad.segment('S002').start};{rad.segment('S002').end};EF;P3;neutral;nej;fint"
    path = tmp_path / "fejl.csv"
    path.write_text(";".join(COLUMNS) + "\n" + good + "\n" + before + row + "\n", encoding="utf-8")
    store = coded.coding_store()
    with pytest.raises(WorkbenchError) as caught:
        import_codings_csv(store, coded.corpus, coded.codebook, path)
    assert store.codings("EF") == [] and not (coded.root / "codings" / "EF.jsonl").exists()  # nothing written
    return caught.value


@pytest.mark.parametrize(
    "row, message",
    [
        ("INT-XXX-09;S001;0;10;EF;P1;neutral;nej;", "Dokumentet 'INT-XXX-09' findes ikke i projektet"),
        ("INT-FAM-02;S002;0;10;EF;P1;neutral;nej;", "samtykket er trukket tilbage"),
        ("INT-RAD-01;S001;3;51;EF;P9;neutral;nej;", "Koden 'P9' findes ikke i kodebogen"),
        ("INT-RAD-01;S001;3;51;EF;P1;positiv;nej;", "Valensen 'positiv' er ukendt"),
        ("INT-RAD-01;S001;3;99999;EF;P1;neutral;nej;", "ligger uden for dokumentet INT-RAD-01"),
        ("INT-RAD-01;S001;fem;51;EF;P1;neutral;nej;", "start og end skal være hele tal"),
        ("INT-RAD-01;S002;3;51;EF;P1;neutral;nej;", "Segmentet S002 i INT-RAD-01 passer ikke"),
        ("INT-RAD-01;S001;3;51;E F;P1;neutral;nej;", "Kodernavnet 'E F' kan ikke bruges"),
        ("INT-RAD-01;S001;3;51;EF;P1;neutral;måske;", "Feltet quote er 'måske'"),
        ("INT-RAD-01;S001;3;51;EF;P1;neutral;nej", "Rækken har 8 felter, men skal have 9"),
    ],
)
def test_a_bad_row_names_file_and_line_and_nothing_is_imported(coded, tmp_path, row, message):
    error = bad_row(coded, tmp_path, row)
    assert message in str(error)
    assert error.line == 3 and error.path.name == "fejl.csv"
    assert str(error).startswith(f"Fejl i {error.path}, linje 3: ")


def test_line_numbers_count_memos_over_several_lines(coded, tmp_path):
    before = 'INT-RAD-01;S001;3;51;EF;P1;neutral;nej;"første linje\nanden linje"\n'
    error = bad_row(coded, tmp_path, "INT-RAD-01;S001;3;51;EF;P9;neutral;nej;", before=before)
    assert error.line == 5


def test_duplicate_rows_and_codings_already_in_the_project_are_refused(coded, tmp_path):
    rad = coded.corpus.get("INT-RAD-01")
    segment = rad.segment("S002")
    error = bad_row(coded, tmp_path, f"INT-RAD-01;S002;{segment.start};{segment.end};EF;P3;udfordrende;ja;igen")
    assert "samme kodning som linje 2" in str(error) and error.line == 3

    out = tmp_path / "alle.csv"
    export_codings_csv(coded, out)
    before = content(coded.coding_store().codings())
    # the same file again (a re-run, or an import that already happened): nothing is added twice
    result = import_codings_csv(coded.coding_store(), coded.corpus, coded.codebook, out)
    assert (result.imported, result.already_present) == (0, len(before))
    assert content(Project(coded.root).coding_store().codings()) == before
    # a row that contradicts a coding in the project is refused, naming its line
    header, first = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))[:2]
    first[8] = "et andet memo"
    out.write_text(";".join(header) + "\n" + ";".join(first) + "\n", encoding="utf-8")
    with pytest.raises(WorkbenchError, match="findes allerede i projektet med en anden") as caught:
        import_codings_csv(coded.coding_store(), coded.corpus, coded.codebook, out)
    assert caught.value.line == 2
    assert content(Project(coded.root).coding_store().codings()) == before


def test_a_file_from_an_older_transcript_is_refused(coded, tmp_path):
    out = tmp_path / "kodninger.csv"
    export_codings_csv(coded, out)
    other = empty_copy(coded, tmp_path)
    path = other.root / "interviews_anonymised" / "INT-RAD-01.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("I: Hvad med samtykket?", "I: Og hvad så med samtykket, tænker du?"), encoding="utf-8")
    other = Project(other.root)
    with pytest.raises(WorkbenchError, match="transskriptionen er ændret"):
        import_codings_csv(other.coding_store(), other.corpus, other.codebook, out)
    assert CodingStore(other.codings_dir).codings() == []


def test_bad_header_and_empty_file(coded, tmp_path):
    path = tmp_path / "hoved.csv"
    path.write_text("doc_id;segment;start;end;coder;code;valence;quote;memo\n", encoding="utf-8")
    with pytest.raises(WorkbenchError, match="Overskriften mangler segment_id") as caught:
        import_codings_csv(coded.coding_store(), coded.corpus, coded.codebook, path)
    assert caught.value.line == 1
    path.write_text("", encoding="utf-8")
    with pytest.raises(WorkbenchError, match="Filen er tom"):
        import_codings_csv(coded.coding_store(), coded.corpus, coded.codebook, path)


def test_cli_export_and_import(coded, tmp_path, capsys):
    root = str(coded.root)
    assert main(["--project", root, "codings", "export", "--format", "csv"]) == 0
    assert "4 kodninger er eksporteret" in capsys.readouterr().out
    exported = coded.root / "exports" / "kodninger.csv"
    assert exported.read_text(encoding="utf-8-sig").count("\n") == 6  # header, 4 rows, one memo with a line break

    out = tmp_path / "cd.csv"
    assert main(["--project", root, "codings", "export", "--coder", "CD", "--out", str(out)]) == 0
    other = empty_copy(coded, tmp_path)
    assert main(["--project", str(other.root), "codings", "import", "--format", "csv", str(out)]) == 0
    assert "2 kodninger er importeret" in capsys.readouterr().out
    # a second run adds nothing and says so: the import is idempotent
    assert main(["--project", str(other.root), "codings", "import", str(out)]) == 0
    assert "0 kodninger er importeret" in (said := capsys.readouterr().out) and "2 fandtes allerede" in said
    assert len(other.coding_store().codings()) == 2
