"""Stale codings get a proposed new place after the transcript is edited; the coder accepts it."""

from __future__ import annotations

import json

from workbench.coding.reanchor import THRESHOLD, proposals, propose
from workbench.project import Project

PASSAGE = "Før HFI skulle jeg trække alle oplysninger ud af borgeren selv, og det tog lang tid."


def code_passage(root, passage=PASSAGE, code="F1"):
    project = Project(root)
    document = project.corpus.get("INT-RAD-01")
    start = document.body.index(passage)
    return project.coding_store().add("AB", document, code, span=(start, start + len(passage)))


def edit(root, old, new):
    path = root / "interviews_anonymised" / "INT-RAD-01.md"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return Project(root)


def test_a_sentence_inserted_before_moves_the_proposal_by_its_length(mini_project):
    coding = code_passage(mini_project)
    project = edit(mini_project, "Samtykket er afgørende.", "Samtykket er afgørende. Det siger alle her.")
    document = project.corpus.get("INT-RAD-01")
    [stale] = project.coding_store().stale(project.corpus)
    proposal = propose(stale.coding, document)
    assert document.body[proposal.start : proposal.end] == PASSAGE
    assert proposal.start == coding.start + len(" Det siger alle her.")
    assert proposal.score == 1.0  # the same words in the same surroundings


def test_a_typo_fixed_inside_is_found_with_a_lower_score(mini_project):
    code_passage(mini_project)
    project = edit(mini_project, "trække alle oplysninger", "trække alle oplysningerne")
    document = project.corpus.get("INT-RAD-01")
    [stale] = project.coding_store().stale(project.corpus)
    proposal = propose(stale.coding, document)
    assert document.body[proposal.start : proposal.end] == PASSAGE.replace("oplysninger", "oplysningerne")
    assert THRESHOLD < proposal.score < 1.0


def test_words_inserted_inside_and_the_full_stop_kept(mini_project):
    code_passage(mini_project)
    project = edit(mini_project, "og det tog lang tid.", "og det tog virkelig meget lang tid.")
    document = project.corpus.get("INT-RAD-01")
    proposal = propose(project.coding_store().codings("AB")[0], document)
    assert document.body[proposal.start : proposal.end] == (
        "Før HFI skulle jeg trække alle oplysninger ud af borgeren selv, og det tog virkelig meget lang tid."
    )


def test_a_deleted_passage_gets_no_proposal(mini_project):
    code_passage(mini_project)
    project = edit(mini_project, PASSAGE + " ", "")
    [stale] = project.coding_store().stale(project.corpus)
    assert propose(stale.coding, project.corpus.get("INT-RAD-01")) is None


def test_a_repeated_phrase_is_placed_by_its_surroundings(mini_project):
    coding = code_passage(mini_project, "og det kan være tungt for både os og familien.", "P4")
    repeated = "I: Hvad med samtykket, og det kan være tungt for både os og familien.?"
    project = edit(mini_project, "I: Hvad med samtykket?", repeated)
    document = project.corpus.get("INT-RAD-01")
    proposal = propose(project.coding_store().codings("AB")[0], document)
    expected = document.body.rindex("og det kan være tungt for både os og familien.")
    assert (proposal.start, proposal.score) == (expected, 1.0)
    assert proposal.start == coding.start + len(", og det kan være tungt for både os og familien.")


def test_an_old_coding_without_fingerprint_is_found_when_its_text_moved_unchanged(mini_project):
    coding = code_passage(mini_project)
    log = mini_project / "codings" / "AB.jsonl"
    *header, line = log.read_text(encoding="utf-8").splitlines()  # the format header, then the add event
    record = json.loads(line)
    del record["fields"]["anchor"]  # as written before fingerprints existed
    log.write_text("".join(h + "\n" for h in header) + json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    project = edit(mini_project, "Samtykket er afgørende.", "Samtykket er helt afgørende.")
    document = project.corpus.get("INT-RAD-01")
    [stale] = project.coding_store().stale(project.corpus)
    assert stale.coding.anchor == ""
    proposal = propose(stale.coding, document)
    assert (proposal.start, proposal.score) == (coding.start + len("helt "), 1.0)
    # its text changed as well: nothing to match but the segment, and this was no whole-segment coding
    project = edit(mini_project, "lang tid", "meget lang tid")
    assert propose(project.coding_store().codings("AB")[0], project.corpus.get("INT-RAD-01")) is None


def test_the_coder_accepts_a_proposal_and_the_coding_is_current_again(mini_project):
    coding = code_passage(mini_project)
    project = edit(mini_project, "Samtykket er afgørende.", "Samtykket er afgørende. Det siger alle her.")
    store = project.coding_store()
    [pending] = proposals(store, project.corpus, "AB")
    assert pending.stale.coding.id == coding.id
    # nothing moves until the coder accepts
    assert store.codings("AB")[0].start == coding.start
    document = project.corpus.get("INT-RAD-01")
    store.reanchor("AB", coding.id, document, pending.proposal.start, pending.proposal.end)
    assert store.stale(project.corpus) == [] and proposals(store, project.corpus, "AB") == []
    assert [c.id for c in Project(mini_project).coding_store().current(project.corpus, "AB")] == [coding.id]
