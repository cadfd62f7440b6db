"""`workbench check-anonymity` over a whole project, and the checks every export runs."""

import json

import pytest

from workbench.errors import WorkbenchError
from workbench.privacy.gate import Export, check
from workbench.privacy.guard import TextSource, scan_project
from workbench.project import Project
from workbench.ui.cli import main


def test_a_clean_project_passes(mini_project, capsys):
    assert main(["--project", str(mini_project), "check-anonymity"]) == 0
    assert "Ingen mulige personoplysninger" in capsys.readouterr().out


def test_findings_in_transcripts_memos_and_coding_memos_name_file_and_line(mini_project, capsys):
    transcript = mini_project / "interviews_anonymised" / "OBS-01.md"
    lines = transcript.read_text(encoding="utf-8").splitlines()
    lines[-1] += " Hun kan ringes op på 22 33 44 55."
    transcript.write_text("\n".join(lines) + "\n", encoding="utf-8")
    memo = mini_project / "memos" / "koder" / "P2.md"
    memo.parent.mkdir(parents=True, exist_ok=True)
    memo.write_text("# P2 Sammenhæng\n\nSkriv til sagsbehandler@kk.dk om planen.\n", encoding="utf-8")
    project = Project(mini_project)
    document = project.corpus.get("INT-RAD-01")
    project.coding_store().add(
        "NP", document, "P3", segment=document.segments[1], memo="Jf. samtale med Birgitte Hansen."
    )

    assert main(["--project", str(mini_project), "check-anonymity"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert f"interviews_anonymised/OBS-01.md:{len(lines)}: telefonnummer: 22 33 44 55" in out
    assert "memos/koder/P2.md:3: e-mail: sagsbehandler@kk.dk" in out
    assert "codings/NP.jsonl:2: navn: Birgitte Hansen" in out  # line 1: the log's format header

    assert main(["--project", str(mini_project), "check-anonymity", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert {r["kind"] for r in report["findings"]} == {"telefon", "email", "navn"}
    assert "fødselsdatoer" in report["detectors"] and report["detectors"][-1].startswith("spaCy-NER")


def test_withdrawn_material_is_scanned_too(mini_project):
    withdrawn = mini_project / "interviews_anonymised" / "INT-FAM-02.md"
    withdrawn.write_text(
        withdrawn.read_text(encoding="utf-8") + "\nMor: Min e-mail er mor@example.com.\n", encoding="utf-8"
    )
    assert [f.kind for f in scan_project(Project(mini_project))] == ["email"]


def test_an_export_is_refused_with_every_finding(mini_project):
    project = Project(mini_project)
    sources = [TextSource("memos/koder/P1.md", "Fint.\nRing til Lars på 40 50 60 70.", 1)]
    with pytest.raises(WorkbenchError) as err:
        check(project, Export("Eksporten", {}, sources))
    message = str(err.value)
    assert message.startswith("Eksporten er ikke lavet")
    assert "memos/koder/P1.md:2: navn: Lars" in message
    assert "memos/koder/P1.md:2: telefonnummer: 40 50 60 70" in message


def test_text_from_a_withdrawn_interview_cannot_leave(mini_project):
    project = Project(mini_project)
    copied = TextSource(
        "memos/koder/P1.md", "En mor sagde: jeg vil ikke være med i evalueringen længere, det er klart."
    )
    with pytest.raises(WorkbenchError, match="trukket sit samtykke tilbage") as err:
        check(project, Export("Evalueringskapitlet", {}, [copied]))
    assert "memos/koder/P1.md:1: gengiver tekst fra INT-FAM-02: " in str(err.value)
    check(project, Export("Evalueringskapitlet", {}, [TextSource("x", "Familierne oplever færre møder.")]))


def test_assessors_rationales_are_scanned_with_their_line(mini_project, capsys):
    folder = mini_project / "assessments" / "2025-H2" / "NP"
    folder.mkdir(parents=True)
    (folder / "P1.yaml").write_text(
        "principle: P1\nround: 2025-H2\nassessor: NP\nquestions:\n  relevans:\n    level: hoej\n"
        "    rationale: Moderen ringede fra 22 33 44 55 og fortalte det.\n",
        encoding="utf-8",
    )
    assert main(["--project", str(mini_project), "check-anonymity"]) == 1
    out = capsys.readouterr().out
    assert "assessments/2025-H2/NP/P1.yaml:7: telefonnummer: 22 33 44 55" in out
