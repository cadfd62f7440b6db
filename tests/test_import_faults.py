"""Importing codings when things go wrong: the import is killed (kill -9) at random moments or in the middle
of its write, the disk fills up, or two people import the same file at once. `codings import` (CSV) and
`import-qdpx` store everything or nothing, say what happened, and a re-run completes the import.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from workbench.coding.store import CodingStore, NewCoding
from workbench.errors import WorkbenchError
from workbench.project import Project

SRC = Path(__file__).resolve().parents[1] / "src"
CLI = "import sys; from workbench.ui.cli import main; sys.exit(main())"
ROWS = 200
HEADER = "doc_id;segment_id;start;end;coder;code;valence;quote;memo\n"

# Runs the CLI with os.write replaced, so the write of the coder log fails the way the disk fails.
FAULTY_CLI = textwrap.dedent(
    """
    import errno, os, signal, sys
    mode, argv = sys.argv[1], sys.argv[2:]
    real_write = os.write

    def write(fd, data):
        name = os.readlink(f"/proc/self/fd/{fd}")
        if name.endswith(".jsonl") and len(data) > 200:  # the batch record, not a header or a small line
            real_write(fd, data[: len(data) // 2])  # half of it reaches the disk ...
            if mode == "kill":
                os.kill(os.getpid(), signal.SIGKILL)  # ... and the machine dies
            raise OSError(errno.ENOSPC, "No space left on device")  # ... and the disk is full
        return real_write(fd, data)

    os.write = write
    from workbench.ui.cli import main
    sys.exit(main(argv))
    """
)


def env() -> dict:
    return {**os.environ, "PYTHONPATH": str(SRC)}


def cli(root: Path, *args: str, faulty: str | None = None) -> subprocess.CompletedProcess:
    command = [sys.executable, "-c", FAULTY_CLI, faulty] if faulty else [sys.executable, "-c", CLI]
    return subprocess.run([*command, "--project", str(root), *args], capture_output=True, text=True, env=env(),
                          timeout=120, check=False)


def write_csv(project: Project, path: Path, coder: str = "NP") -> Path:
    """ROWS codings, each a distinct two-character span, with a memo so the batch is a long record."""
    rows = []
    for document in project.corpus.included:
        for start in range(0, len(document.body) - 2, 3):
            rows.append(f"{document.id};;{start};{start + 2};{coder};P1;understøttende;nej;memo {len(rows)}\n")
    path.write_text(HEADER + "".join(rows[:ROWS]), encoding="utf-8")
    assert len(rows) >= ROWS
    return path


def stored(root: Path, coder: str = "NP") -> list:
    store = CodingStore(root / "codings")
    return store.codings(coder)


def test_killed_at_random_moments_the_import_is_whole_or_absent_and_a_rerun_completes(mini_project, tmp_path):
    seed = random.randrange(10**6)
    rng = random.Random(seed)
    source = write_csv(Project(mini_project), tmp_path / "kodninger.csv")
    command = [sys.executable, "-c", CLI, "--project", str(mini_project), "codings", "import",
               str(source)]
    outcomes = set()
    for run in range(12):
        log = mini_project / "codings" / "NP.jsonl"
        if log.exists():
            log.unlink()
        child = subprocess.Popen(command, env=env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(rng.uniform(0.2, 2.5))
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
        child.stdout.close()
        child.stderr.close()
        found = len(stored(mini_project))
        assert found in (0, ROWS), f"seed {seed}, run {run}: {found} of {ROWS} codings stored after kill -9"
        outcomes.add(found)
        again = cli(mini_project, "codings", "import", str(source))
        assert again.returncode == 0, again.stderr
        assert len(stored(mini_project)) == ROWS, f"seed {seed}: the re-run did not complete the import"
        assert f"{ROWS - found} kodninger er importeret" in again.stdout
    assert outcomes, f"seed {seed}"


def test_killed_in_the_middle_of_its_write_nothing_is_stored_and_a_rerun_completes(mini_project, tmp_path):
    source = write_csv(Project(mini_project), tmp_path / "kodninger.csv")
    killed = cli(mini_project, "codings", "import", str(source), faulty="kill")
    assert killed.returncode == -signal.SIGKILL
    log = mini_project / "codings" / "NP.jsonl"
    assert log.read_bytes() and not log.read_bytes().endswith(b"\n")  # half a record is on disk ...
    assert stored(mini_project) == []  # ... and no reader takes any of it

    again = cli(mini_project, "codings", "import", str(source))
    assert again.returncode == 0, again.stderr
    assert f"{ROWS} kodninger er importeret" in again.stdout
    store = CodingStore(mini_project / "codings")
    assert len(store.codings("NP")) == ROWS
    assert len(store.unreadable_lines("NP")) == 1  # the torn half, kept in the log and skipped


def test_a_full_disk_stores_nothing_says_so_and_a_rerun_completes(mini_project, tmp_path):
    source = write_csv(Project(mini_project), tmp_path / "kodninger.csv")
    log = mini_project / "codings" / "NP.jsonl"
    full = cli(mini_project, "codings", "import", str(source), faulty="full")
    assert full.returncode == 2, full.stderr
    assert "Disken er fuld, så intet blev gemt" in full.stderr and "NP.jsonl" in full.stderr
    assert stored(mini_project) == []
    assert b"memo" not in (log.read_bytes() if log.exists() else b"")  # cut back: not even half a record

    again = cli(mini_project, "codings", "import", str(source))
    assert again.returncode == 0, again.stderr
    assert len(stored(mini_project)) == ROWS
    assert CodingStore(mini_project / "codings").unreadable_lines("NP") == []


def test_two_simultaneous_imports_of_the_same_file_store_each_coding_once(mini_project, tmp_path):
    source = write_csv(Project(mini_project), tmp_path / "kodninger.csv")
    command = [sys.executable, "-c", CLI, "--project", str(mini_project), "codings", "import",
               str(source)]
    children = [subprocess.Popen(command, env=env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for _ in range(3)]
    results = [child.communicate(timeout=120) for child in children]
    assert [child.returncode for child in children] == [0, 0, 0], [err for _, err in results]
    codings = stored(mini_project)
    assert len(codings) == ROWS
    assert len({(c.doc_id, c.start, c.end, c.code) for c in codings}) == ROWS
    imported = sorted(int(out.split()[0]) for out, _ in results)
    assert imported == [0, 0, ROWS]  # one import stored them; the others found them there


def _qdpx_from_coded_project(mini_project: Path, tmp_path: Path) -> Path:
    from workbench.exchange.qdpx import export_qdpx

    project = Project(mini_project)
    store = project.coding_store()
    for document in project.corpus.included:
        for segment in document.segments:
            store.add("AB", document, "P1", segment=segment, memo=f"memo til {segment.id} " * 10)
            store.add("CD", document, "P2", segment=segment)
    out = export_qdpx(project, tmp_path / "projekt.qdpx")
    for log in (mini_project / "codings").glob("*.jsonl"):
        log.unlink()
    return out


def test_import_qdpx_killed_mid_write_or_on_a_full_disk_stores_nothing_and_a_rerun_completes(mini_project, tmp_path):
    source = _qdpx_from_coded_project(mini_project, tmp_path)
    expected = sum(len(d.segments) for d in Project(mini_project).corpus.included)

    killed = cli(mini_project, "import-qdpx", str(source), faulty="kill")
    assert killed.returncode == -signal.SIGKILL
    assert len(stored(mini_project, "AB")) + len(stored(mini_project, "CD")) in (0, expected)  # one coder's batch

    full = cli(mini_project, "import-qdpx", str(source), faulty="full")
    assert full.returncode == 2, full.stderr
    assert "Disken er fuld, så intet blev gemt" in full.stderr

    again = cli(mini_project, "import-qdpx", str(source))
    assert again.returncode == 0, again.stderr
    assert len(stored(mini_project, "AB")) == expected and len(stored(mini_project, "CD")) == expected
    twice = cli(mini_project, "import-qdpx", str(source))
    assert twice.returncode == 0, twice.stderr
    assert f"{2 * expected} fandtes allerede" in twice.stdout
    assert len(stored(mini_project, "AB")) == expected


# ---------------------------------------------------------------- the log's format


def test_a_new_log_says_its_format_and_an_old_log_without_it_is_read(mini_project):
    project = Project(mini_project)
    document = project.corpus.get("OBS-01")
    old = mini_project / "codings" / "OLD.jsonl"
    old.write_text(json.dumps({"action": "add", "id": "abc", "at": "2025-01-01T00:00:00", "fields": {
        "doc_id": "OBS-01", "segment_id": None, "start": 0, "end": 5, "code": "P1", "valence": "neutral",
        "memo": "", "quote": False, "text_hash": "x"}}) + "\n", encoding="utf-8")
    store = project.coding_store()
    assert [c.id for c in store.codings("OLD")] == ["abc"]
    store.add_batch("NEW", [NewCoding(document, 0, 5, "P1")])
    first = (mini_project / "codings" / "NEW.jsonl").read_text(encoding="utf-8").splitlines()[0]
    assert json.loads(first) == {"format": "workbench-codings", "version": 1}
    assert not old.read_text(encoding="utf-8").startswith('{"format"')  # an old log is not rewritten


def test_a_log_from_a_newer_workbench_is_a_danish_error(mini_project):
    log = mini_project / "codings" / "NP.jsonl"
    log.write_text('{"format":"workbench-codings","version":7}\n', encoding="utf-8")
    with pytest.raises(WorkbenchError, match="nyere version") as caught:
        CodingStore(mini_project / "codings").codings("NP")
    assert caught.value.path == log and caught.value.line == 1


def test_a_batch_that_contradicts_a_coding_adds_nothing(mini_project):
    project = Project(mini_project)
    document = project.corpus.get("OBS-01")
    store = project.coding_store()
    store.add("NP", document, "P1", span=(0, 5), memo="mit memo")
    with pytest.raises(WorkbenchError, match="anden valens, memo"):
        store.add_batch("NP", [NewCoding(document, 10, 15, "P2"), NewCoding(document, 0, 5, "P1", memo="andet")])
    assert [c.span_key for c in CodingStore(mini_project / "codings").codings("NP")] == [("OBS-01", "P1", 0, 5)]
    result = store.add_batch("NP", [NewCoding(document, 0, 5, "P1", memo="mit memo"),
                                    NewCoding(document, 10, 15, "P2")])
    assert (len(result.added), len(result.present)) == (1, 1)
