"""The coding store as a coder relies on it: history, changes, stale codings, two writers, crashes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from workbench.coding.store import CodingStore
from workbench.errors import WorkbenchError
from workbench.project import Project
from workbench.ui.cli import main

# A child process that codes OBS-01 in a loop: `python -c WRITER root coder tag count go-file`.
WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from workbench.project import Project
    root, coder, tag, count, go = sys.argv[1:]
    project = Project(root)
    store = project.coding_store()
    document = project.corpus.get("OBS-01")
    while not Path(go).exists():
        time.sleep(0.001)
    i = 0
    while count == "forever" or i < int(count):
        # a span of its own per writer and line: the same code and span would be one coding
        start = i % 100 + (100 if tag == "anden" else 0)
        store.add(coder, document, "P2", span=(start, start + 1 + (i // 100) % 50), memo=f"{tag} {i}")
        i += 1
    """
)


def writer(root: Path, coder: str, tag: str, count: str, go: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", WRITER, str(root), coder, tag, count, str(go)])


def log_lines(root: Path, coder: str) -> list[bytes]:
    return (root / "codings" / f"{coder}.jsonl").read_bytes().split(b"\n")


def test_history_keeps_every_add_update_and_remove(mini_project):
    project = Project(mini_project)
    store = project.coding_store()
    document = project.corpus.get("INT-FAM-01")
    kept = store.add("AB", document, "P1", "understøttende", segment=document.segments[3], memo="ønsker hørt")
    dropped = store.add("AB", document, "P3", segment=document.segments[1])
    store.update("AB", kept.id, valence="udfordrende", quote=True)
    store.remove("AB", dropped.id)

    fresh = Project(mini_project).coding_store()  # what another session reads from disk
    [current] = fresh.codings("AB")
    assert (current.id, current.code, current.valence, current.quote, current.memo) == (
        kept.id, "P1", "udfordrende", True, "ønsker hørt"
    )
    history = fresh.history("AB")
    assert [(e.action, e.coding_id) for e in history] == [
        ("add", kept.id), ("add", dropped.id), ("update", kept.id), ("remove", dropped.id)
    ]
    assert history[2].fields == {"valence": "udfordrende", "quote": True}
    assert all(e.coder == "AB" and e.at for e in history)
    assert current.created < current.updated


def test_unknown_code_valence_or_coding_is_refused_in_danish(mini_project):
    project = Project(mini_project)
    store = project.coding_store()
    document = project.corpus.get("OBS-01")
    with pytest.raises(WorkbenchError, match="Koden 'P9' findes ikke i kodebogen"):
        store.add("AB", document, "P9", segment=document.segments[0])
    with pytest.raises(WorkbenchError, match="Valensen 'positiv' er ukendt"):
        store.add("AB", document, "P1", "positiv", segment=document.segments[0])
    with pytest.raises(WorkbenchError, match="findes ikke hos koderen AB"):
        store.remove("AB", "000000000000")
    assert not (mini_project / "codings" / "AB.jsonl").exists()


def test_editing_a_transcript_makes_its_codings_stale_not_moved(mini_project, capsys):
    project = Project(mini_project)
    store = project.coding_store()
    document = project.corpus.get("INT-FAM-01")
    before = store.add("AB", document, "P3", segment=document.segments[1])
    edited = store.add("AB", document, "P1", segment=document.segments[3])
    path = mini_project / "interviews_anonymised" / "INT-FAM-01.md"
    path.write_text(path.read_text(encoding="utf-8").replace("hvad jeg ønsker", "hvad vi ønsker"), encoding="utf-8")

    project = Project(mini_project)
    store = project.coding_store()
    [stale] = store.stale(project.corpus)
    assert stale.coding.id == edited.id
    assert "INT-FAM-01" in stale.reason and "ændret efter kodningen" in stale.reason
    assert [c.id for c in store.current(project.corpus)] == [before.id]
    assert store.codings("AB")[1].start == edited.start  # kept where it was, for the coder to look at

    assert main(["--project", str(mini_project), "codings", "stale"]) == 1
    out = capsys.readouterr().out
    assert "AB\tINT-FAM-01\tS004\tP1\tteksten i INT-FAM-01 (S004) er ændret efter kodningen" in out


def test_codings_on_withdrawn_documents_are_kept_but_not_current(mini_project):
    project = Project(mini_project)
    store = project.coding_store()
    withdrawn = project.corpus.get("INT-FAM-02")
    store.add("AB", withdrawn, "P1", segment=withdrawn.segments[1])
    assert len(store.codings("AB")) == 1
    assert store.current(project.corpus) == []
    assert store.stale(project.corpus) == []


def test_two_processes_appending_at_once_lose_nothing(mini_project, tmp_path):
    go = tmp_path / "go"
    children = [writer(mini_project, "AB", tag, "200", go) for tag in ("første", "anden")]
    time.sleep(0.5)
    go.touch()
    assert [child.wait(timeout=120) for child in children] == [0, 0]

    header, *lines = [line for line in log_lines(mini_project, "AB") if line]
    assert json.loads(header) == {"format": "workbench-codings", "version": 1}  # a new log says its format first
    assert len(lines) == 400
    records = [json.loads(line) for line in lines]  # every line is a whole record
    store = Project(mini_project).coding_store()
    assert store.unreadable_lines("AB") == []
    memos = sorted(c.memo for c in store.codings("AB"))
    assert memos == sorted(f"{tag} {i}" for tag in ("første", "anden") for i in range(200))
    assert len({r["id"] for r in records}) == 400


def test_kill_9_while_appending_leaves_everything_before_intact(mini_project, tmp_path):
    go = tmp_path / "go"
    go.touch()
    child = writer(mini_project, "AB", "løkke", "forever", go)
    path = mini_project / "codings" / "AB.jsonl"
    deadline = time.time() + 120
    while (not path.exists() or path.read_bytes().count(b"\n") < 51) and time.time() < deadline:  # header + 50
        time.sleep(0.01)
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL

    raw = path.read_bytes()
    whole = raw[: raw.rfind(b"\n") + 1].split(b"\n")[1:-1]  # after the format header
    assert len(whole) >= 50
    store = Project(mini_project).coding_store()
    memos = [c.memo for c in store.codings("AB")]
    assert memos == [f"løkke {i}" for i in range(len(whole))]  # every whole line, in order
    assert store.unreadable_lines("AB") == []

    project = Project(mini_project)
    document = project.corpus.get("OBS-01")
    after = project.coding_store().add("AB", document, "P1", segment=document.segments[0], memo="efter nedbrud")
    again = Project(mini_project).coding_store()
    assert [c.memo for c in again.codings("AB")][-1] == "efter nedbrud"
    assert after.id in {c.id for c in again.codings("AB")}


def test_a_torn_last_line_is_skipped_and_the_next_append_starts_clean(mini_project):
    project = Project(mini_project)
    store = project.coding_store()
    document = project.corpus.get("OBS-01")
    first = store.add("AB", document, "P1", segment=document.segments[0])
    path = mini_project / "codings" / "AB.jsonl"
    with open(path, "ab") as handle:  # what a crash in the middle of a write leaves
        handle.write(b'{"action":"add","id":"torn","at":"2025-')

    reader = CodingStore(mini_project / "codings")
    assert [c.id for c in reader.codings("AB")] == [first.id]
    second = store.add("AB", document, "P2", segment=document.segments[1])

    lines = path.read_bytes().split(b"\n")  # line 1 is the format header
    assert lines[2] == b'{"action":"add","id":"torn","at":"2025-'
    assert json.loads(lines[3])["id"] == second.id
    for view in (reader, CodingStore(mini_project / "codings")):
        assert [c.id for c in view.codings("AB")] == [first.id, second.id]
        assert view.unreadable_lines("AB") == [3]


def test_a_hand_edited_line_that_is_not_a_coding_is_skipped(mini_project):
    project = Project(mini_project)
    store = project.coding_store()
    document = project.corpus.get("OBS-01")
    path = mini_project / "codings" / "AB.jsonl"
    path.parent.mkdir(exist_ok=True)
    path.write_text('{"action":"add","id":"x","at":"2025-01-01","fields":{"farve":"rød"}}\n', encoding="utf-8")
    kept = store.add("AB", document, "P1", segment=document.segments[0])
    fresh = Project(mini_project).coding_store()
    assert [c.id for c in fresh.codings("AB")] == [kept.id]
    assert fresh.unreadable_lines("AB") == [1]
    assert [e.coding_id for e in fresh.history("AB")] == [kept.id]


def test_a_log_replaced_from_backup_is_read_again_from_the_start(mini_project):
    project = Project(mini_project)
    store = project.coding_store()
    document = project.corpus.get("OBS-01")
    path = mini_project / "codings" / "AB.jsonl"
    store.add("AB", document, "P1", segment=document.segments[0])
    backup = path.read_bytes()
    store.add("AB", document, "P2", segment=document.segments[1])
    store.add("AB", document, "P3", segment=document.segments[2])
    assert len(store.codings("AB")) == 3
    path.write_bytes(backup + b"not json\n")
    assert [c.code for c in store.codings("AB")] == ["P1"]
    assert store.unreadable_lines("AB") == [3]  # after the format header and the first coding


def test_one_documents_codings_and_no_code_marks_read_from_the_index_match_a_scan_of_the_log(mini_project):
    """`document_codings` and `no_code_keys` come from indexes kept while replaying; after adds, updates,
    removes, a batch and a second store replaying the same log they equal a scan of every coding."""
    from workbench.coding.store import NewCoding

    project = Project(mini_project)
    store = project.coding_store()
    documents = project.corpus.included
    for document in documents:
        for i, segment in enumerate(document.segments):
            if i % 3 == 0:
                store.add("AB", document, "P2", segment=segment)
            elif i % 3 == 1:
                store.mark_no_code("AB", document, segment)
    first = store.codings("AB")[0]
    store.update("AB", first.id, valence="udfordrende")
    store.remove("AB", store.codings("AB")[1].id)
    document = documents[0]
    store.add_batch("AB", [NewCoding(document, s.start, s.end, "P1") for s in document.segments[:2]])
    marked = store.no_code_marks("AB")[0]
    segment = next(d for d in documents if d.id == marked.doc_id).segment(marked.segment_id)
    store.add("AB", next(d for d in documents if d.id == marked.doc_id), "P3", segment=segment)  # coded after all
    for reader in (store, CodingStore(project.codings_dir, project.codebook)):
        for document in documents:
            scanned = sorted((c for c in reader.codings("AB") if c.doc_id == document.id), key=lambda c: c.id)
            assert sorted(reader.document_codings("AB", document.id), key=lambda c: c.id) == scanned
            assert {k for k in reader.no_code_keys("AB") if k[0] == document.id} == {
                (document.id, s) for s in reader.no_code_segments("AB", document.id)}
        assert (marked.doc_id, marked.segment_id) not in reader.no_code_keys("AB")
    assert store.document_codings("AB", "NO-SUCH") == []


def test_the_coding_views_read_back_follows_another_writer_appending_to_the_same_log(mini_project, tmp_path):
    """The open store reads only the appended tail: while another process codes the same document, what this
    store adds and reads back (`document_codings`, as the coding view's panel) equals a fresh replay of the log."""
    go = tmp_path / "go"
    child = writer(mini_project, "AB", "anden", "150", go)
    project = Project(mini_project)
    store = project.coding_store()
    document = project.corpus.get("OBS-01")
    store.codings("AB")  # opened before the other writer starts, as the coding view keeps its store open
    go.touch()
    mine = []
    for i in range(40):
        mine.append(store.add("AB", document, "P1", span=(300 + i, 301 + i)))
        assert mine[-1] in store.document_codings("AB", document.id)
    assert child.wait(timeout=120) == 0
    fresh = CodingStore(project.codings_dir, project.codebook)
    assert sorted(store.document_codings("AB", document.id), key=lambda c: c.id) == sorted(
        fresh.document_codings("AB", document.id), key=lambda c: c.id)
    assert len(fresh.document_codings("AB", document.id)) == 190
