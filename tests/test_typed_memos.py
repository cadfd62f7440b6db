"""Personal data typed into a memo is found when the memo is saved, and check-anonymity keeps reporting it."""

from workbench.privacy.typed import typed_findings
from workbench.project import Project
from workbench.ui.cli import main


def test_the_finding_lines_name_line_kind_and_text(mini_project):
    lines = typed_findings(Project(mini_project), "Godt møde.\nMor nævnte Fatima Hassan og 22 33 44 55.")
    assert "linje 2: navn: Fatima Hassan" in lines
    assert any(line.startswith("linje 2: telefonnummer: 22 33 44 55") for line in lines)


def test_clean_text_and_the_programme_s_vocabulary_give_no_lines(mini_project):
    assert typed_findings(Project(mini_project), "Supportteamet og Familiehuset holdt møde om Familiens Plan.") == []
    assert typed_findings(Project(mini_project), "") == []


def test_check_anonymity_reports_a_saved_code_memo_document_memo_and_coding_memo(mini_project, capsys):
    project = Project(mini_project)
    project.memos.write("# P1\n\nFatima Hassan sagde det tydeligt.\n\n## Understøttende elementer\n\n"
                        "## Udfordrende elementer\n", code="P1")
    project.memos.write("Ring til 22 33 44 55.\n", doc_id="INT-RAD-01")
    document = project.corpus.get("INT-RAD-01")
    project.coding_store().add("NP", document, "P1", "understøttende", segment=document.segments[0],
                               memo="Som Oksana Kovalenko sagde")
    assert main(["--project", str(mini_project), "check-anonymity"]) == 1
    out = capsys.readouterr().out
    assert "memos/koder/P1.md:3: navn: Fatima Hassan" in out
    assert "memos/dokumenter/INT-RAD-01.md:1: telefonnummer: 22 33 44 55" in out
    assert "codings/NP.jsonl:" in out and "Oksana Kovalenko" in out
