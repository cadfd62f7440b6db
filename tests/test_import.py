"""`workbench import`: Word and text files in the encodings evaluators actually have, all-or-nothing."""

import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import docx
import pytest

from workbench.coding.suggestions import suggest
from workbench.errors import WorkbenchError
from workbench.exchange.importer import import_files
from workbench.material.corpus import load_document
from workbench.project import Project
from workbench.ui.cli import main

META = {"type": "interview", "group": "radgiver", "role": "Rådgiver", "unit": "SOF", "date": "2025-05-14"}
TEXT = (
    "I: Hvordan fungerer møderne?\n\n"
    "R: Møderne med supportteamet giver overblik, og familien slipper for at genfortælle.\n"
)


def imported(project_dir: Path, doc_id: str):
    return load_document(project_dir / "interviews_anonymised" / f"{doc_id}.md", Project(project_dir).codebook)


@pytest.mark.parametrize(
    "raw, encoding",
    [
        (TEXT.encode("utf-8"), "UTF-8"),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "UTF-8 med BOM"),
        (TEXT.replace("\n", "\r\n").encode("cp1252"), "Windows-1252"),
        (TEXT.encode("utf-16"), "UTF-16"),
    ],
)
def test_text_files_in_every_encoding_arrive_as_the_same_utf8_transcript(mini_project, tmp_path, raw, encoding):
    source = tmp_path / "INT-RAD-09.txt"
    source.write_bytes(raw)
    [result] = import_files(Project(mini_project), [source], META)
    assert result.encoding == encoding
    document = imported(mini_project, "INT-RAD-09")
    assert document.body == TEXT
    assert [s.speaker for s in document.segments] == ["I", "R"]
    assert document.meta.unit == "SOF"
    stored = (mini_project / "interviews_anonymised" / "INT-RAD-09.md").read_bytes()
    assert b"\r" not in stored and not stored.startswith(b"\xef\xbb\xbf")


def test_word_file_with_soft_line_breaks_and_invisible_characters(mini_project, tmp_path):
    source = tmp_path / "interview.docx"
    word = docx.Document()
    word.add_paragraph("I: Hvordan var opstarten?")
    answer = word.add_paragraph()
    answer.add_run("R: Vi havde et forberedende møde.")
    answer.add_run().add_break()  # Shift+Enter in Word
    answer.add_run("Det gjorde\u200b en\xa0forskel for familien.")  # zero-width and non-breaking space
    word.add_paragraph("")
    word.add_paragraph("I: Tak.")
    word.save(source)
    import_files(Project(mini_project), [source], {**META, "id": "INT-RAD-10"})
    document = imported(mini_project, "INT-RAD-10")
    assert [s.text for s in document.segments] == [
        "Hvordan var opstarten?",
        "Vi havde et forberedende møde.\nDet gjorde en forskel for familien.",
        "Tak.",
    ]


def test_markdown_with_front_matter_needs_no_options(mini_project, tmp_path):
    source = tmp_path / "OBS-07.md"
    source.write_text(
        "---\nid: OBS-07\ntype: observation\ngroup: moedeforum\nrole: observation\nunit: lederforum\n"
        "date: 2025-06-01\n---\nLederne drøfter mandat og ressourcer.\n",
        encoding="utf-8",
    )
    import_files(Project(mini_project), [source])
    assert imported(mini_project, "OBS-07").meta.consent == "given"


def test_missing_metadata_is_named(mini_project, tmp_path):
    source = tmp_path / "x.txt"
    source.write_text(TEXT, encoding="utf-8")
    with pytest.raises(WorkbenchError, match="Metadata mangler: group, role") as err:
        import_files(Project(mini_project), [source], {"type": "interview", "date": "2025-01-01"})
    assert err.value.path == source


def test_unknown_group_duplicate_id_empty_and_unsupported_files(mini_project, tmp_path):
    project = Project(mini_project)
    source = tmp_path / "ny.txt"
    source.write_text(TEXT, encoding="utf-8")
    with pytest.raises(WorkbenchError, match="ukendt respondentgruppe 'borger'"):
        import_files(project, [source], {**META, "group": "borger"})
    with pytest.raises(WorkbenchError, match="findes allerede et dokument med id 'INT-RAD-01'"):
        import_files(project, [source], {**META, "id": "INT-RAD-01"})
    empty = tmp_path / "tom.txt"
    empty.write_bytes(b"\r\n  \r\n")
    with pytest.raises(WorkbenchError, match="Filen er tom"):
        import_files(project, [empty], META)
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(b"%PDF")
    with pytest.raises(WorkbenchError, match="Kun .docx-, .txt- og .md-filer"):
        import_files(project, [pdf], META)
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"not a zip")
    with pytest.raises(WorkbenchError, match="ikke et gyldigt Word-dokument"):
        import_files(project, [broken], META)


def test_undecodable_bytes_name_the_line(mini_project, tmp_path):
    source = tmp_path / "x.txt"
    source.write_bytes(b"I: Hej\nR: \x81\x8d\n")
    with pytest.raises(WorkbenchError, match="Tegnkodningen kan ikke genkendes") as err:
        import_files(Project(mini_project), [source], META)
    assert err.value.line == 2


def test_a_batch_is_all_or_nothing(mini_project, tmp_path):
    good = tmp_path / "INT-RAD-11.txt"
    good.write_text(TEXT, encoding="utf-8")
    bad = tmp_path / "INT-RAD-12.txt"
    bad.write_text("I: Hvem?\n\nR: Det var Mette Jørgensen, hun ringede fra 22 33 44 55.\n", encoding="utf-8")
    before = sorted(p.name for p in (mini_project / "interviews_anonymised").iterdir())
    with pytest.raises(WorkbenchError) as err:
        import_files(Project(mini_project), [good, bad], META)
    message = str(err.value)
    assert "personoplysninger" in message
    assert f"{bad}:3: navn: Mette Jørgensen" in message
    assert f"{bad}:3: telefonnummer: 22 33 44 55" in message
    assert sorted(p.name for p in (mini_project / "interviews_anonymised").iterdir()) == before


def test_cli_import_reports_encoding_and_exit_code(mini_project, tmp_path, capsys):
    source = tmp_path / "INT-RAD-13.txt"
    source.write_bytes(TEXT.replace("\n", "\r\n").encode("cp1252"))
    args = ["--project", str(mini_project), "import", str(source)] + [
        f"--{k}={v}" for k, v in META.items()
    ]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "Windows-1252" in out and "CRLF" in out
    # the mini codebook's indicators in the text, as the coding view will propose them
    document = imported(mini_project, "INT-RAD-13")
    assert f"{len(suggest(document, Project(mini_project).codebook))} kodeforslag" in out
    assert main(args) == 2
    assert "findes allerede" in capsys.readouterr().err


def _batch(folder: Path, count: int, personal_data_in: int | None = None) -> list[Path]:
    """`count` transcripts named INT-RAD-101...; one of them may name a person."""
    folder.mkdir(exist_ok=True)
    files = []
    for number in range(101, 101 + count):
        text = TEXT + (f"R: Jeg talte med Kirsten Mølgaard om det {number}.\n" if number == personal_data_in else "")
        files.append(folder / f"INT-RAD-{number}.txt")
        files[-1].write_text(text, encoding="utf-8")
    return files


def test_a_large_batch_is_checked_on_all_cores_with_the_same_result(mini_project, tmp_path, monkeypatch):
    import workbench.exchange.importer as convert

    if (os.cpu_count() or 1) < 2:
        pytest.skip("one processor core: nothing to spread the files over")
    pools = []
    monkeypatch.setattr(convert, "ProcessPoolExecutor", lambda *a, **k: pools.append(a) or ProcessPoolExecutor(*a, **k))
    files = _batch(tmp_path / "kilder", 20)
    parallel = import_files(Project(mini_project), files, META)
    assert pools, "20 files on a machine with several cores should be checked in worker processes"
    monkeypatch.setattr(convert, "_FILES_PER_WORKER", 10**6)  # one process only
    sequential = import_files(Project(mini_project), files, META, replace=True)
    assert [item.document.id for item in parallel] == [f"INT-RAD-{n}" for n in range(101, 121)]
    assert [(i.document.body, i.target) for i in parallel] == [(i.document.body, i.target) for i in sequential]
    assert [i.suggestions for i in parallel] == [i.suggestions for i in sequential]
    assert parallel[0].suggestions == len(suggest(parallel[0].document, Project(mini_project).codebook)) > 0
    assert len(list((mini_project / "interviews_anonymised").glob("INT-RAD-1??.md"))) == 20


def test_a_large_batch_with_one_file_naming_a_person_writes_nothing(mini_project, tmp_path):
    files = _batch(tmp_path / "kilder", 20, personal_data_in=115)
    with pytest.raises(WorkbenchError, match="personoplysninger") as err:
        import_files(Project(mini_project), files, META)
    assert err.value.path == files[14]
    assert "Kirsten Mølgaard" in str(err.value)
    assert not list((mini_project / "interviews_anonymised").glob("INT-RAD-1??.md"))
