"""One coding per coder, code and span; principle questions; "ingen kode", fully coded documents,
rejected suggestions and re-anchoring as events in the coder's log."""

from __future__ import annotations

import json

import pytest

from workbench.coding.store import CodingStore
from workbench.errors import WorkbenchError
from workbench.project import Project


def events(root, coder):
    """The log's events, after the format header a new log begins with."""
    lines = (root / "codings" / f"{coder}.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert records[0] == {"format": "workbench-codings", "version": 1}
    return records[1:]


def test_coding_the_same_span_twice_is_one_coding(mini_project):
    project = Project(mini_project)
    store = project.coding_store()
    document = project.corpus.get("INT-FAM-01")
    first = store.add("AB", document, "P3", "understøttende", segment=document.segment("S002"))
    again = store.add("AB", document, "P3", "understøttende", segment=document.segment("S002"))
    assert again == first
    assert len(events(mini_project, "AB")) == 1
    segment = document.segment("S002")
    assert store.find("AB", document.id, "P3", segment.start, segment.end) == first
    # another code, another coder or another span are other codings
    store.add("AB", document, "P1", "understøttende", segment=segment)
    store.add("CD", document, "P3", "understøttende", segment=segment)
    store.add("AB", document, "P3", "understøttende", span=(segment.start, segment.start + 20))
    assert len(Project(mini_project).coding_store().codings("AB")) == 3


def test_coding_the_same_span_with_another_valence_is_refused_and_nothing_written(mini_project):
    project = Project(mini_project)
    store = project.coding_store()
    document = project.corpus.get("INT-FAM-01")
    first = store.add("AB", document, "P3", "understøttende", segment=document.segment("S002"))
    with pytest.raises(WorkbenchError, match=f"allerede kodet INT-FAM-01 .* med P3 \\(kodning {first.id}\\)"):
        store.add("AB", document, "P3", "udfordrende", segment=document.segment("S002"))
    assert len(events(mini_project, "AB")) == 1
    # after removing it, the span can be coded again
    store.remove("AB", first.id)
    assert store.add("AB", document, "P3", "udfordrende", segment=document.segment("S002")).valence == "udfordrende"


def test_an_update_that_would_make_two_equal_codings_is_refused(mini_project):
    project = Project(mini_project)
    store = project.coding_store()
    document = project.corpus.get("INT-FAM-01")
    segment = document.segment("S002")
    store.add("AB", document, "P3", segment=segment)
    other = store.add("AB", document, "P1", segment=segment)
    with pytest.raises(WorkbenchError, match="allerede en kodning med P3"):
        store.update("AB", other.id, code="P3")
    assert len(events(mini_project, "AB")) == 2


def test_a_principle_coding_can_name_its_evaluation_question(mini_project):
    project = Project(mini_project)
    store = project.coding_store()
    document = project.corpus.get("INT-FAM-01")
    coding = store.add("AB", document, "P1", segment=document.segment("S004"), question="efterlevelse")
    assert coding.question == "efterlevelse"
    assert store.update("AB", coding.id, question="resultat").question == "resultat"
    assert Project(mini_project).coding_store().codings("AB")[0].question == "resultat"
    with pytest.raises(WorkbenchError, match="Spørgsmålet 'effekt' er ukendt; brug relevans, efterlevelse, resultat"):
        store.add("AB", document, "P2", segment=document.segment("S004"), question="effekt")
    with pytest.raises(WorkbenchError, match="'F1' er ikke et princip"):
        store.add("AB", document, "F1", segment=document.segment("S004"), question="relevans")
    without = store.add("AB", document, "P2", segment=document.segment("S002"))
    assert without.question is None and "question" not in events(mini_project, "AB")[-1]["fields"]


def test_logs_written_before_the_new_events_read_unchanged(mini_project):
    line = ('{"action":"add","id":"87ec114ad216","at":"2026-11-23T07:19:57.533+00:00","fields":{"doc_id":"INT-FAM-01",'
            '"segment_id":"S002","start":48,"end":172,"code":"P3","valence":"udfordrende","memo":"","quote":false,'
            '"text_hash":"9c8f210c76cf4d74"}}\n')
    (mini_project / "codings" / "AB.jsonl").write_text(line, encoding="utf-8")
    store = Project(mini_project).coding_store()
    [coding] = store.codings("AB")
    assert (coding.id, coding.question, coding.anchor) == ("87ec114ad216", None, "")
    assert store.unreadable_lines("AB") == []
    assert store.no_code_segments("AB", "INT-FAM-01") == set() and store.completed_documents("AB") == set()


def test_ingen_kode_is_a_decision_with_an_undo(mini_project):
    project = Project(mini_project)
    store = project.coding_store()
    document = project.corpus.get("INT-FAM-01")
    mark = store.mark_no_code("AB", document, document.segment("S003"))
    segment = document.segment("S003")
    assert (mark.segment_id, mark.start, mark.end) == ("S003", segment.start, segment.end)
    store.mark_no_code("AB", document, document.segment("S003"))  # twice is once
    assert Project(mini_project).coding_store().no_code_segments("AB", "INT-FAM-01") == {"S003"}
    assert store.no_code_segments("CD", "INT-FAM-01") == set()
    store.undo_no_code("AB", "INT-FAM-01", "S003")
    assert Project(mini_project).coding_store().no_code_segments("AB", "INT-FAM-01") == set()
    assert [e["action"] for e in events(mini_project, "AB")] == ["no_code", "undo_no_code"]
    with pytest.raises(WorkbenchError, match="ikke markeret som 'ingen kode'"):
        store.undo_no_code("AB", "INT-FAM-01", "S003")


def test_ingen_kode_is_refused_on_a_coded_segment_and_gives_way_to_a_later_coding(mini_project):
    project = Project(mini_project)
    store = project.coding_store()
    document = project.corpus.get("INT-FAM-01")
    coding = store.add("AB", document, "P3", span=(document.segment("S002").start, document.segment("S002").start + 10))
    with pytest.raises(WorkbenchError, match="S002 i INT-FAM-01 har allerede 1 kodning"):
        store.mark_no_code("AB", document, document.segment("S002"))
    store.mark_no_code("AB", document, document.segment("S004"))
    later = store.add("AB", document, "P1", segment=document.segment("S004"))
    assert store.no_code_segments("AB", "INT-FAM-01") == set()  # the coding wins; the mark stays in the log
    assert [m.segment_id for m in store.no_code_marks("AB", "INT-FAM-01")] == ["S004"]
    store.remove("AB", later.id)
    store.remove("AB", coding.id)
    assert store.no_code_segments("AB", "INT-FAM-01") == {"S004"}


def test_a_document_marked_fully_coded_and_unmarked(mini_project):
    project = Project(mini_project)
    store = project.coding_store()
    fam, obs = project.corpus.get("INT-FAM-01"), project.corpus.get("OBS-01")
    store.mark_complete("AB", fam)
    store.mark_complete("AB", obs)
    store.mark_complete("AB", obs)
    assert Project(mini_project).coding_store().completed_documents("AB") == {"INT-FAM-01", "OBS-01"}
    store.unmark_complete("AB", "OBS-01")
    assert Project(mini_project).coding_store().completed_documents("AB") == {"INT-FAM-01"}
    assert [e["action"] for e in events(mini_project, "AB")] == [
        "document_complete", "document_complete", "document_incomplete"
    ]
    assert store.codings("AB") == []  # decisions are not codings


def test_reanchoring_is_an_update_event_with_the_new_span(mini_project):
    project = Project(mini_project)
    store = project.coding_store()
    document = project.corpus.get("INT-FAM-01")
    start = document.body.index("Han går til fodbold nu.")
    coding = store.add("AB", document, "P1", span=(start, start + len("Han går til fodbold nu.")), memo="fritid")
    path = mini_project / "interviews_anonymised" / "INT-FAM-01.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Ja, de spørger", "Ja, nu spørger de"), encoding="utf-8")
    project = Project(mini_project)
    store = project.coding_store()
    edited = project.corpus.get("INT-FAM-01")
    assert [s.coding.id for s in store.stale(project.corpus)] == [coding.id]
    new_start = edited.body.index("Han går til fodbold nu.")
    moved = store.reanchor("AB", coding.id, edited, new_start, new_start + len("Han går til fodbold nu."))
    assert (moved.start, moved.memo, moved.segment_id) == (new_start, "fritid", "S004")
    assert store.stale(project.corpus) == []
    log = events(mini_project, "AB")
    assert [e["action"] for e in log] == ["add", "update"] and log[0]["fields"]["start"] == start
    assert set(log[1]["fields"]) == {"start", "end", "text_hash", "segment_id", "anchor"}
    with pytest.raises(ValueError):
        store.update("AB", coding.id, start=3)


def test_rejected_suggestions_are_remembered_by_a_new_session(mini_project):
    store = Project(mini_project).coding_store()
    store.reject_suggestion("AB", "INT-FAM-01", "S004", "P1")
    store.reject_suggestion("AB", "INT-FAM-01", "S004", "P1")
    fresh = CodingStore(mini_project / "codings")
    assert [r.key for r in fresh.rejections("AB")] == [("INT-FAM-01", "S004", "P1")]
    fresh.undo_reject_suggestion("AB", "INT-FAM-01", "S004", "P1")
    assert CodingStore(mini_project / "codings").rejections("AB") == []


SAME_CODINGS = """
import sys, time
from pathlib import Path
from workbench.project import Project
root, go = sys.argv[1:]
project = Project(root)
store = project.coding_store()
document = project.corpus.get("OBS-01")
while not Path(go).exists():
    time.sleep(0.001)
for i in range(60):
    store.add("AB", document, "P2", span=(i, i + 5))
"""


def test_two_sessions_of_one_coder_adding_the_same_codings_make_each_once(mini_project, tmp_path):
    import subprocess
    import sys
    import time

    go = tmp_path / "go"
    children = [subprocess.Popen([sys.executable, "-c", SAME_CODINGS, str(mini_project), str(go)]) for _ in range(2)]
    time.sleep(0.5)
    go.touch()
    assert [child.wait(timeout=120) for child in children] == [0, 0]
    assert len(events(mini_project, "AB")) == 60
    assert sorted(c.start for c in Project(mini_project).coding_store().codings("AB")) == list(range(60))
