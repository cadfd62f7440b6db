"""Consent cannot be undone by accident: stated in every document, changed only by a recorded command,
and a withdrawn text is recognised when it comes back renamed and edited."""

import json
import shutil
from pathlib import Path

import docx
import pytest

from workbench.errors import WorkbenchError
from workbench.exchange.importer import import_files
from workbench.material.corpus import load_document
from workbench.privacy.consent import consent_log, set_consent
from workbench.privacy.fingerprints import FINGERPRINT_FILE
from workbench.project import Project
from workbench.ui.cli import main

META = {"type": "interview", "group": "familie", "role": "mor", "unit": "HFI", "date": "2025-05-02"}


def doc_path(project_dir: Path, doc_id: str) -> Path:
    return project_dir / "interviews_anonymised" / f"{doc_id}.md"


def withdrawn_body(project_dir: Path) -> str:
    return load_document(doc_path(project_dir, "INT-FAM-02")).body


def edited_copy(body: str) -> str:
    """The withdrawn answer with one character changed and a new paragraph added."""
    return body.replace("evalueringen", "evalueringenn") + "\nMor: Og så ville jeg også sige noget helt andet.\n"


def test_a_document_without_a_consent_line_is_an_error_naming_file_and_line(mini_project):
    path = doc_path(mini_project, "INT-RAD-01")
    path.write_text(path.read_text(encoding="utf-8").replace("consent: given\n", ""), encoding="utf-8")
    with pytest.raises(WorkbenchError) as caught:
        load_document(path)
    assert "mangler feltet 'consent'" in str(caught.value)
    assert caught.value.path == path and caught.value.line == 8  # the closing '---', where the line belongs


def test_withdrawn_followed_by_given_is_an_error_not_consent(mini_project):
    path = doc_path(mini_project, "INT-FAM-02")
    path.write_text(path.read_text(encoding="utf-8").replace("consent: withdrawn\n",
                                                             "consent: withdrawn\nconsent: given\n"),
                    encoding="utf-8")
    with pytest.raises(WorkbenchError, match="'consent' står to gange.*linje 8 og linje 9") as caught:
        load_document(path)
    assert caught.value.line == 9
    assert main(["--project", str(mini_project), "documents"]) == 2


def test_import_replace_keeps_a_withdrawn_document_withdrawn(mini_project, tmp_path, capsys):
    source = tmp_path / "INT-FAM-02.txt"
    source.write_text("I: Hvordan har det været?\n\nMor: Det har været fint, tak.\n", encoding="utf-8")
    args = ["--project", str(mini_project), "import", str(source), "--type", "interview", "--group", "familie",
            "--role", "mor", "--date", "2025-05-02", "--replace"]
    assert main(args) == 0
    document = load_document(doc_path(mini_project, "INT-FAM-02"))
    assert document.meta.consent == "withdrawn" and "fint, tak" in document.body
    assert "INT-FAM-02" not in [d.id for d in Project(mini_project).corpus.included]
    # saying --consent given on the command line does not give it either: that is `workbench consent give`
    assert main([*args, "--consent", "given"]) == 2
    assert "workbench consent give INT-FAM-02" in capsys.readouterr().err
    assert load_document(doc_path(mini_project, "INT-FAM-02")).meta.consent == "withdrawn"


def test_consent_commands_record_who_when_why_and_change_only_the_consent_line(mini_project, capsys):
    path = doc_path(mini_project, "INT-FAM-02")
    before = path.read_text(encoding="utf-8")
    project = ["--project", str(mini_project)]
    assert main([*project, "consent", "give", "INT-FAM-02", "--by", "NP", "--reason", "mail fra mor 3/6"]) == 0
    after = path.read_text(encoding="utf-8")
    assert after == before.replace("consent: withdrawn", "consent: given")
    assert not json.loads((mini_project / FINGERPRINT_FILE).read_text())["documents"]  # her text is consented again
    assert main([*project, "consent", "withdraw", "INT-FAM-02", "--by", "KL", "--reason", "ringede 5/6"]) == 0
    assert path.read_text(encoding="utf-8") == before
    log = [json.loads(line) for line in (mini_project / "consent" / "log.jsonl").read_text().splitlines()]
    assert [(r["id"], r["from"], r["to"], r["by"], r["reason"]) for r in log] == [
        ("INT-FAM-02", "withdrawn", "given", "NP", "mail fra mor 3/6"),
        ("INT-FAM-02", "given", "withdrawn", "KL", "ringede 5/6"),
    ]
    assert all(r["time"].endswith("+00:00") for r in log)
    capsys.readouterr()
    assert main([*project, "consent", "log"]) == 0
    assert "withdrawn → given  NP: mail fra mor 3/6" in capsys.readouterr().out


@pytest.mark.parametrize("by, reason, message", [
    ("NP", "  ", "Angiv hvorfor"),
    ("N P!", "mail", "Kodernavnet"),
])
def test_a_consent_change_needs_initials_and_a_reason(mini_project, by, reason, message):
    with pytest.raises(WorkbenchError, match=message):
        set_consent(Project(mini_project), "INT-FAM-02", "given", by, reason)
    assert load_document(doc_path(mini_project, "INT-FAM-02")).meta.consent == "withdrawn"
    assert consent_log(Project(mini_project)) == []


def test_giving_consent_that_is_already_given_changes_nothing(mini_project):
    with pytest.raises(WorkbenchError, match="allerede givet"):
        set_consent(Project(mini_project), "INT-RAD-01", "given", "NP", "fejl")
    assert not (mini_project / "consent" / "log.jsonl").exists()


def test_the_fingerprint_recognises_the_text_without_holding_it(mini_project):
    set_consent(Project(mini_project), "INT-RAD-01", "withdrawn", "NP", "trak sig")
    stored = (mini_project / FINGERPRINT_FILE).read_text(encoding="utf-8")
    data = json.loads(stored)
    assert set(data["documents"]) == {"INT-RAD-01", "INT-FAM-02"}  # the hand-withdrawn one is built on first use
    for word in ("Supportteamet", "supportteamet", "jobrådgiveren", "tilbagetrukket", "familien"):
        assert word not in stored
    other = mini_project.parent / "andet"
    shutil.copytree(mini_project, other)
    (other / FINGERPRINT_FILE).unlink()
    Project(other)  # a second project salts its own fingerprints: the hashes differ
    main(["--project", str(other), "check-anonymity"])
    theirs = json.loads((other / FINGERPRINT_FILE).read_text())
    assert theirs["salt"] != data["salt"]
    assert not set(theirs["documents"]["INT-FAM-02"]["runs"]) & set(data["documents"]["INT-FAM-02"]["runs"])


def _write_source(path: Path, body: str) -> Path:
    if path.suffix == ".docx":
        word = docx.Document()
        for paragraph in body.split("\n\n"):
            word.add_paragraph(paragraph.strip())
        word.save(path)
    else:
        path.write_text(body, encoding="utf-8")
    return path


@pytest.mark.parametrize("suffix", [".txt", ".md", ".docx"])
def test_withdrawn_text_renamed_and_edited_is_refused_even_after_the_file_is_deleted(mini_project, tmp_path, suffix):
    body = withdrawn_body(mini_project)
    main(["--project", str(mini_project), "check-anonymity"])  # the fingerprint of a hand-withdrawn document
    doc_path(mini_project, "INT-FAM-02").unlink()
    source = _write_source(tmp_path / f"nyt-interview{suffix}", edited_copy(body))
    with pytest.raises(WorkbenchError, match="gentager .* % af dokumentet 'INT-FAM-02'") as caught:
        import_files(Project(mini_project), [source], {**META, "id": "INT-FAM-09"})
    assert caught.value.path == source
    assert not doc_path(mini_project, "INT-FAM-09").exists()


def test_a_copy_is_refused_on_first_import_without_any_earlier_command(mini_project, tmp_path):
    """The fingerprint of a document withdrawn by hand is worked out when the import needs it; a refused
    import writes nothing, not even that."""
    source = _write_source(tmp_path / "kopi.txt", edited_copy(withdrawn_body(mini_project)))
    with pytest.raises(WorkbenchError, match="INT-FAM-02"):
        import_files(Project(mini_project), [source], {**META, "id": "INT-FAM-09"})
    assert not (mini_project / FINGERPRINT_FILE).exists() and not (mini_project / "consent").exists()


def test_a_new_interview_sharing_the_interviewers_question_is_imported(mini_project, tmp_path):
    source = _write_source(tmp_path / "ny.txt", "I: Hvordan har det været at være med i HFI?\n\n"
                           "Mor: Det har givet ro i familien, og vi ved nu, hvem vi skal ringe til.\n")
    [item] = import_files(Project(mini_project), [source], {**META, "id": "INT-FAM-09"})
    assert item.document.meta.consent == "given"


def test_a_replaced_withdrawn_document_s_new_text_is_recognised_too(mini_project, tmp_path):
    new_text = ("I: Hvad betyder supportteamet for jer i hverdagen?\n\nMor: De hjælper os med at holde styr på "
                "alle aftalerne, og jeg har fået mere overskud til børnene om aftenen.\n")
    import_files(Project(mini_project), [_write_source(tmp_path / "INT-FAM-02.txt", new_text)], META, replace=True)
    doc_path(mini_project, "INT-FAM-02").unlink()
    with pytest.raises(WorkbenchError, match="INT-FAM-02"):
        import_files(Project(mini_project), [_write_source(tmp_path / "igen.txt", new_text)],
                     {**META, "id": "INT-FAM-10"})


# ------------------------------------------------------------------------------------------------- QDPX


def test_a_qdpx_bringing_withdrawn_text_back_renamed_and_edited_is_refused(mini_project, tmp_path):
    import zipfile

    from workbench.exchange.qdpx import export_qdpx, import_qdpx

    body = withdrawn_body(mini_project)
    # the interview exported while consent was still given ...
    set_consent(Project(mini_project), "INT-FAM-02", "given", "NP", "før tilbagetrækningen")
    exported = export_qdpx(Project(mini_project), tmp_path / "gammel.qdpx")
    set_consent(Project(mini_project), "INT-FAM-02", "withdrawn", "NP", "mor ringede")
    doc_path(mini_project, "INT-FAM-02").unlink()  # ... and the file deleted since
    # ... comes back in a .qdpx with one character changed and a paragraph added, under another name
    edited = tmp_path / "redigeret.qdpx"
    changed = []
    with zipfile.ZipFile(exported) as src, zipfile.ZipFile(edited, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename.endswith(".txt") and body.strip()[:30].encode() in data:
                data = edited_copy(data.decode("utf-8")).encode("utf-8")
                changed.append(item.filename)
            elif item.filename == "project.qde":
                assert b'name="INT-FAM-02' in data
                data = data.replace(b'name="INT-FAM-02', b'name="Interview mor 7')
            dst.writestr(item, data)
    assert len(changed) == 1
    before = sorted(p.name for p in (mini_project / "interviews_anonymised").iterdir())
    with pytest.raises(WorkbenchError, match="af dokumentet 'INT-FAM-02'"):
        import_qdpx(Project(mini_project), edited)
    assert sorted(p.name for p in (mini_project / "interviews_anonymised").iterdir()) == before


# ----------------------------------------------------------------------------------------------- exports


def test_an_export_is_refused_when_it_carries_a_deleted_withdrawn_document_copied_in_by_hand(mini_project):
    """Copied into the folder by hand (no import to stop it), after the withdrawn file was deleted."""
    from workbench.exchange.qdpx import export_qdpx

    project = ["--project", str(mini_project)]
    body = withdrawn_body(mini_project)
    assert main([*project, "check-anonymity"]) == 0  # the fingerprint of the hand-withdrawn INT-FAM-02
    doc_path(mini_project, "INT-FAM-02").unlink()
    copy = doc_path(mini_project, "INT-FAM-07")
    copy.write_text("---\nid: INT-FAM-07\ntype: interview\ngroup: familie\nrole: mor\ndate: 2025-05-02\n"
                    f"consent: given\n---\n{edited_copy(body)}", encoding="utf-8")
    with pytest.raises(WorkbenchError, match="gengiver tekst fra INT-FAM-02: teksten er en kopi"):
        export_qdpx(Project(mini_project), mini_project / "exports" / "projekt.qdpx")
    assert not (mini_project / "exports" / "projekt.qdpx").exists()
    copy.unlink()
    memo = mini_project / "memos" / "dokumenter" / "INT-RAD-01.md"
    memo.parent.mkdir(parents=True, exist_ok=True)
    memo.write_text("Sammenlign med INT-FAM-02.\n", encoding="utf-8")
    with pytest.raises(WorkbenchError, match="gengiver tekst fra INT-FAM-02: INT-FAM-02"):
        export_qdpx(Project(mini_project), mini_project / "exports" / "projekt.qdpx")
