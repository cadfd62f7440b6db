"""Regression tests for faults found on the way (issue #11, deliverable 8)."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import docx

from workbench.coding.store import CONSENSUS
from workbench.project import Project
from workbench.report import build_chapter
from workbench.report.word import render_docx
from workbench.selfeval.answers import has_answers
from workbench.ui.cli import main
from workbench.ui.widgets.coding import CodingApp, agreement_table
from workbench.ui.widgets.report import ReportApp

SRC = Path(__file__).parents[1] / "src"


# --- an empty half-year folder is not a self-evaluation ------------------------------------------------


def test_an_empty_half_year_folder_has_no_answers_and_blocks_nothing(mini_project, capsys):
    (mini_project / "selfeval" / "2026-H1").mkdir(parents=True)  # made ahead of time; no form.yaml either
    project = Project(mini_project)
    assert has_answers(project) is False
    assert [d.id for d in project.codable_corpus] == [d.id for d in project.corpus]  # no self-evaluation texts
    assert main(["--project", str(mini_project), "check-anonymity"]) == 0
    assert "selfeval" not in capsys.readouterr().err


def test_one_answers_file_in_a_half_year_folder_counts(mini_project):
    folder = mini_project / "selfeval" / "2026-H1"
    folder.mkdir(parents=True)
    (folder / "AK.yaml").write_text("respondent: AK\n", encoding="utf-8")
    assert has_answers(Project(mini_project)) is True


# --- the report notebook shows the Danish error of a broken project ---------------------------------------


def test_report_app_on_a_broken_project_shows_the_danish_error_instead_of_crashing(mini_project):
    codebook = mini_project / "codebook" / "codebook.yaml"
    codebook.write_text(codebook.read_text(encoding="utf-8") + "\nrespondent_groups: [\n", encoding="utf-8")
    app = ReportApp(Project(mini_project))
    assert app.chapter is None
    assert "codebook.yaml" in app.status.value and "linje" in app.status.value
    bundle = app._repr_mimebundle_()  # what Jupyter calls to show `app`; it raised AttributeError before
    assert "data kunne ikke hentes" in bundle["text/plain"]
    app.show_preview()
    assert "Ret fejlen, og tryk derefter på »Hent data«" in app.status.value
    assert app.build() is None and not (mini_project / "exports").exists()


def test_report_app_forgets_the_old_chapter_when_the_project_breaks(chapter_project):
    app = ReportApp(Project(chapter_project))
    app.show_preview()
    assert app.chapter is not None
    (chapter_project / "project.yaml").write_text("title: [\n", encoding="utf-8")
    app.load()
    assert app.chapter is None and "project.yaml" in app.status.value


# --- unreadable lines in a coding log are reported --------------------------------------------------------


def _torn_log(project_dir: Path) -> Path:
    project = Project(project_dir)
    document = project.corpus.get("INT-RAD-01")
    store = project.coding_store()
    store.add("NP", document, "P3", segment=document.segments[1])
    store.add("NP", document, "F1", segment=document.segments[2])
    log = project_dir / "codings" / "NP.jsonl"
    lines = log.read_text(encoding="utf-8").splitlines(keepends=True)
    # line 1 is the format header, 2 and 3 the codings: torn line 2, hand-edited line 5
    lines.insert(1, '{"action": "add", "id": "x1", "at": 5, "fields": {"doc_id": \n')  # torn by a crash
    lines.append('{"hånd": "redigeret"}\n')  # valid JSON, not an event
    log.write_text("".join(lines), encoding="utf-8")
    return log


def test_cli_commands_that_read_codings_warn_about_skipped_lines(mini_project):
    _torn_log(mini_project)
    for command in (["codings", "stale"], ["codings", "export", "--out", str(mini_project / "k.csv")]):
        result = subprocess.run(
            [sys.executable, "-m", "workbench.ui.cli", "--project", str(mini_project), *command],
            capture_output=True, text=True, env={"PYTHONPATH": str(SRC)},
        )
        assert result.returncode == 0, result.stderr
        assert "Advarsel: 2 linje(r) i kodningsloggen kunne ikke læses" in result.stderr
        assert "codings/NP.jsonl, linje 2, 5" in result.stderr


def test_a_command_that_reads_no_codings_does_not_warn(mini_project, capsys):
    _torn_log(mini_project)
    assert main(["--project", str(mini_project), "documents"]) == 0
    assert "Advarsel" not in capsys.readouterr().err


def test_the_coding_notebook_shows_the_skipped_lines(mini_project):
    _torn_log(mini_project)
    app = CodingApp(Project(mini_project))
    app.coder.value = "NP"
    assert "codings/NP.jsonl, linje 2, 5" in app.log_warning.value
    assert "Ret eller slet linjen" in app.log_warning.value


def test_a_clean_log_gives_no_warning(mini_project):
    project = Project(mini_project)
    document = project.corpus.get("INT-RAD-01")
    project.coding_store().add("NP", document, "P3", segment=document.segments[1])
    assert project.coding_store().unreadable_warning() is None
    app = CodingApp(project)
    app.coder.value = "NP"
    assert app.log_warning.value == ""


# --- one agreement table, one consensus coder ------------------------------------------------------------


def _two_coders(project_dir: Path) -> Project:
    project = Project(project_dir)
    store = project.coding_store()
    document = project.corpus.get("INT-RAD-01")
    for coder, codes in (("AB", ["P3", "F1"]), ("CD", ["P3", "P2"])):
        for segment, code in zip(document.segments[1:3], codes):
            store.add(coder, document, code, segment=segment)
    return project


def test_chapter_notebook_and_terminal_show_the_same_agreement_rows(mini_project, capsys):
    from workbench.coding.agreement import agreement
    from workbench.report.text_da import AGREEMENT_COLUMNS, AGREEMENT_OVERALL

    project = _two_coders(mini_project)
    report = agreement(project.coding_store(), project.codable_corpus, project.codebook, "AB", "CD")
    notebook = agreement_table(report, project.codebook).reset_index()
    notebook_rows = [[str(v) for v in row] for row in notebook.values.tolist()]

    document = docx.Document(io.BytesIO(render_docx(build_chapter(project))))
    table = next(t for t in document.tables if [c.text for c in t.rows[0].cells] == AGREEMENT_COLUMNS)
    # the chapter sets a no-break space before % (Danish typography); the figures are the same
    chapter_rows = [[c.text.replace("\u00a0", " ") for c in row.cells] for row in table.rows[1:]]
    assert chapter_rows == notebook_rows
    assert chapter_rows[-1][0] == AGREEMENT_OVERALL

    assert main(["--project", str(mini_project), "agreement", "--coders", "AB,CD"]) == 0
    printed = capsys.readouterr().out
    for row in notebook_rows:
        assert re.search(r"\s+".join(map(re.escape, row)), printed), row


def test_the_consensus_coder_is_named_in_one_place():
    # the judgements' consensus assessor (judgements.model.CONSENSUS) is another role with the same word
    judgements = {SRC / "workbench" / "judgements" / "model.py"}
    definitions = [
        f"{path.relative_to(SRC)}:{number}"
        for path in SRC.rglob("*.py")
        if path not in judgements
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if re.search(r"""["']konsensus["']""", line)
    ]
    assert [d.split(":")[0] for d in definitions] == ["workbench/coding/store.py"] and CONSENSUS == "konsensus"
