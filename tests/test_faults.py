"""Faults as users meet them: the machine dies in the middle of a save, two people save at once, the project
folder is read-only or the disk is full, and files that are not what they should be.

The coder log's own crash and concurrency tests are in test_coding_store.py; here a writer is killed again
and again at random moments, and the self-evaluation answers get the same treatment.
"""

from __future__ import annotations

import errno
import json
import os
import random
import shutil
import signal
import stat
import subprocess
import sys
import textwrap
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.coding.store import CodingStore
from workbench.errors import WorkbenchError
from workbench.exchange.importer import decode_bytes, prepare_import
from workbench.material.codebook import load_codebook
from workbench.material.corpus import load_document, parse_document
from workbench.project import Project
from workbench.selfeval.answers import current_answer, new_evaluation, submitted_evaluations
from workbench.selfeval.form import load_form
from workbench.selfeval.period import Period
from workbench.selfeval.store import submit
from workbench.surveys.load import load_survey
from workbench.ui.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
PERIOD = "2025-H2"


@pytest.fixture
def selfeval_project(mini_project: Path) -> Path:
    shutil.copytree(FIXTURES / "selfeval", mini_project / "selfeval", dirs_exist_ok=True)
    return mini_project


def answers(text: str, score: int) -> dict:
    """Complete answers to the fixture form (P1-P3: the two required scores and the required text)."""
    return {p: {"adherence": score, "vejledende": 6 - score, "eksempler": text} for p in ("P1", "P2", "P3")}


# ---------------------------------------------------------------- kill -9 in the middle of saving

# Each child saves in a loop and prints a line only after a save has returned, i.e. is on disk.
CODER_LOOP = textwrap.dedent(
    """
    import sys
    from workbench.project import Project
    root, tag = sys.argv[1:]
    project = Project(root)
    store = project.coding_store()
    documents = project.corpus.included
    codes = [c.key for c in project.codebook.codes]
    run = int(tag.removeprefix("kørsel"))
    i = 0
    while True:
        # a code and span of its own per run and line: the same coder, code and span is one coding
        document, k = documents[i % len(documents)], run * 10_000 + i
        start = k // len(codes) % 50
        coding = store.add("AB", document, codes[k % len(codes)], span=(start, start + 1 + k // (50 * len(codes))),
                           memo=f"{tag} {i}")
        print(coding.id, flush=True)
        i += 1
    """
)

ANSWER_LOOP = textwrap.dedent(
    """
    import sys
    from workbench.project import Project
    from workbench.selfeval.answers import new_evaluation
    from workbench.selfeval.store import save_draft, submit
    root, version = sys.argv[1], int(sys.argv[2])
    project = Project(root)
    while True:
        respondent = ("AA", "BB", "CC")[version % 3]
        answers = {p: {"adherence": version % 5 + 1, "vejledende": 3, "eksempler": f"Version {version}"}
                   for p in ("P1", "P2", "P3")}
        evaluation = new_evaluation(respondent, "2025-H2", answers)
        (submit if version % 2 else save_draft)(project, evaluation)
        print(respondent, version % 2, version, flush=True)
        version += 1
    """
)


def kill_mid_save(script: str, args: list[str], rng: random.Random) -> list[list[str]]:
    """Start a saving loop, kill -9 it at a random moment once it is saving; the lines it confirmed."""
    child = subprocess.Popen([sys.executable, "-c", script, *args], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        first = child.stdout.readline()
        assert first.endswith("\n"), child.stderr.read()
        time.sleep(rng.uniform(0.0, 0.5))
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    rest = child.stdout.read()
    child.stdout.close()
    child.stderr.close()
    # a line the child had no time to finish printing says nothing either way
    return [line.split() for line in (first + rest).splitlines(keepends=True) if line.endswith("\n")]


def test_killing_a_coder_again_and_again_mid_save_loses_no_saved_coding(mini_project):
    seed = random.randrange(10**6)
    rng = random.Random(seed)
    log = mini_project / "codings" / "AB.jsonl"
    confirmed: list[str] = []
    for run in range(4):
        confirmed += [line[0] for line in kill_mid_save(CODER_LOOP, [str(mini_project), f"kørsel{run}"], rng)]
        reader = CodingStore(mini_project / "codings")  # a session opened after the crash
        saved = {c.id for c in reader.codings("AB")}
        assert set(confirmed) <= saved, f"seed {seed}: a confirmed coding is gone after kill {run + 1}"
        # at most each killed run's last line can be torn; every other line is a whole, readable record
        assert len(reader.unreadable_lines("AB")) <= run + 1, f"seed {seed}"
        whole_lines = log.read_bytes().count(b"\n")
        assert len(reader.history("AB")) >= whole_lines - (run + 1)

    project = Project(mini_project)
    document = project.corpus.get("OBS-01")
    after = project.coding_store().add("AB", document, "P2", segment=document.segments[0], memo="efter nedbrud")
    again = CodingStore(mini_project / "codings")
    assert after.id in {c.id for c in again.codings("AB")}
    assert json.loads(log.read_bytes().splitlines()[-1])["id"] == after.id


def test_killing_the_form_again_and_again_mid_save_keeps_every_submitted_answer(selfeval_project):
    seed = random.randrange(10**6)
    rng = random.Random(seed)
    confirmed: list[tuple[str, bool, int]] = []
    for run in range(4):
        lines = kill_mid_save(ANSWER_LOOP, [str(selfeval_project), str(run * 100_000)], rng)
        confirmed += [(respondent, flag == "1", int(version)) for respondent, flag, version in lines]
        project = Project(selfeval_project)
        form = load_form(project)
        submitted_evaluations(project, form)  # every answers file, current and in history, reads and validates
        kept = submitted_versions(selfeval_project)
        for respondent in ("AA", "BB", "CC"):
            mine = [version for who, _, version in confirmed if who == respondent]
            current = current_answer(project, form, Period.parse(PERIOD), respondent)
            if mine:
                assert version_of(current.value("P1", "eksempler")) >= max(mine), f"seed {seed}: {respondent}"
        lost = [c for c in confirmed if c[1] and c[2] not in kept]
        assert not lost, f"seed {seed}: submitted answers lost after kill {run + 1}: {lost}"

    project = Project(selfeval_project)
    submit(project, new_evaluation("AA", PERIOD, answers("Efter nedbrud", 4)))
    assert current_answer(Project(selfeval_project), form, Period.parse(PERIOD), "AA").value("P1", "eksempler") == (
        "Efter nedbrud"
    )


def version_of(text: str) -> int:
    return int(text.split()[-1])


def submitted_versions(root: Path) -> set[int]:
    """The versions kept as submitted answers: the current files with status indsendt and all of history."""
    folder = root / "selfeval" / PERIOD
    kept = set()
    for path in list(folder.glob("*.yaml")) + list(folder.glob(".historik/*/*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        text = data["answers"]["P1"]["eksempler"]
        if data["status"] == "indsendt" and text.startswith("Version"):
            kept.add(version_of(text))
    return kept


# ---------------------------------------------------------------- two people saving at once

TWO_WRITERS = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from workbench.project import Project
    from workbench.selfeval.answers import new_evaluation
    from workbench.selfeval.store import submit
    root, tag, go, count = sys.argv[1:]
    project = Project(root)
    while not Path(go).exists():
        time.sleep(0.001)
    for i in range(int(count)):
        answers = {p: {"adherence": 4, "vejledende": 2, "eksempler": f"{tag} {i}"} for p in ("P1", "P2", "P3")}
        submit(project, new_evaluation("QA", "2025-H2", answers))
    """
)


def test_two_people_submitting_the_same_answer_at_once_lose_no_version(selfeval_project, tmp_path):
    go = tmp_path / "go"
    count = 50
    children = [subprocess.Popen([sys.executable, "-c", TWO_WRITERS, str(selfeval_project), tag, str(go), str(count)],
                                 stderr=subprocess.PIPE, text=True) for tag in ("første", "anden")]
    time.sleep(1.0)
    go.touch()
    results = [(child.wait(timeout=180), child.stderr.read()) for child in children]
    assert [code for code, _ in results] == [0, 0], results

    project = Project(selfeval_project)
    form = load_form(project)
    submitted_evaluations(project, form)  # everything reads and validates
    final = current_answer(project, form, Period.parse(PERIOD), "QA")
    history = sorted((selfeval_project / "selfeval" / PERIOD / ".historik" / "QA").glob("*.yaml"))
    archived = [yaml.safe_load(p.read_text(encoding="utf-8"))["answers"]["P1"]["eksempler"] for p in history]
    everything = sorted(archived + [final.value("P1", "eksempler")])
    # the file is one complete version, and history keeps every other one: no update was lost
    assert everything == sorted(f"{tag} {i}" for tag in ("første", "anden") for i in range(count))
    assert final.is_submitted and final.answers["P2"] == {"adherence": 4, "vejledende": 2,
                                                           "eksempler": final.value("P1", "eksempler")}


# ---------------------------------------------------------------- read-only folder and full disk

class _Refusal:
    """os calls that fail inside one folder as a read-only folder (EROFS) or a full disk (ENOSPC) makes them fail.

    Read-only: nothing can be created or renamed there. Full disk: files can be opened, but writing and
    flushing them fails. Running as root, chmod cannot make a folder read-only, so this simulates it.
    """

    def __init__(self, monkeypatch, folder: Path, error: int):
        self.folder, self.error = folder.resolve(), error
        self.open, self.replace, self.write, self.fsync = os.open, os.replace, os.write, os.fsync
        self.inside_fds: set[int] = set()
        monkeypatch.setattr(os, "open", self._open)
        if error == errno.ENOSPC:
            monkeypatch.setattr(os, "write", self._write)
            monkeypatch.setattr(os, "fsync", self._fsync)
        else:
            monkeypatch.setattr(os, "replace", self._replace)

    def _inside(self, path) -> bool:
        return Path(os.path.abspath(path)).is_relative_to(self.folder)

    def _fail(self, path=None):
        raise OSError(self.error, os.strerror(self.error), None if path is None else str(path))

    def _open(self, path, flags, mode=0o777, *, dir_fd=None):
        if self.error != errno.ENOSPC and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT) and self._inside(path):
            self._fail(path)
        fd = self.open(path, flags, mode, dir_fd=dir_fd)
        if self._inside(path):
            self.inside_fds.add(fd)
        return fd

    def _replace(self, source, target, **kwargs):
        if self._inside(target):
            self._fail(target)
        return self.replace(source, target, **kwargs)

    def _write(self, fd, data):
        if fd in self.inside_fds:
            self._fail()
        return self.write(fd, data)

    def _fsync(self, fd):
        if fd in self.inside_fds:
            self._fail()
        return self.fsync(fd)


@contextmanager
def unwritable(monkeypatch, folder: Path, error: int):
    """The folder read-only for real (chmod) when that works, i.e. not as root; otherwise simulated."""
    if error != errno.ENOSPC:
        modes = {p: p.stat().st_mode for p in [folder, *folder.rglob("*")]}
        for path in modes:
            path.chmod(modes[path] & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
        try:
            if not os.access(folder, os.W_OK):
                yield
                return
        finally:
            for path, mode in modes.items():
                path.chmod(mode)
    with monkeypatch.context() as patch:
        _Refusal(patch, folder, error)
        yield


MESSAGES = {
    errno.EROFS: "Mappen er skrivebeskyttet, så intet blev gemt",
    errno.ENOSPC: "Disken er fuld, så intet blev gemt",
}
WRITE_ERRORS = pytest.mark.parametrize("error", [errno.EROFS, errno.ENOSPC], ids=["skrivebeskyttet", "disk-fuld"])


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under the folder with its content; lock files are empty and hold no data."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.name.endswith(".lock")}


@WRITE_ERRORS
def test_coding_in_an_unwritable_project_says_so_in_danish_and_changes_nothing(mini_project, monkeypatch, error):
    project = Project(mini_project)
    store = project.coding_store()
    document = project.corpus.get("OBS-01")
    store.add("AB", document, "P1", segment=document.segments[0])
    before = snapshot(mini_project)
    with unwritable(monkeypatch, mini_project, error):
        with pytest.raises(WorkbenchError, match=MESSAGES[error]) as caught:
            store.add("AB", document, "P2", segment=document.segments[1])
    assert caught.value.path == (mini_project / "codings" / "AB.jsonl").resolve()
    assert snapshot(mini_project) == before
    assert [c.code for c in CodingStore(mini_project / "codings").codings("AB")] == ["P1"]


@WRITE_ERRORS
def test_submitting_in_an_unwritable_project_says_so_in_danish_and_leaves_no_temporary_file(
    selfeval_project, monkeypatch, error
):
    project = Project(selfeval_project)
    submit(project, new_evaluation("QA", PERIOD, answers("Første udgave", 3)))
    before = snapshot(selfeval_project)
    with unwritable(monkeypatch, selfeval_project, error):
        with pytest.raises(WorkbenchError, match=MESSAGES[error]) as caught:
            submit(project, new_evaluation("QA", PERIOD, answers("Anden udgave", 4)))
    # the error names the answers file, or the copy of the earlier submission that could not be kept
    answer = (selfeval_project / "selfeval" / PERIOD / "QA.yaml").resolve()
    assert caught.value.path == answer or caught.value.path.parent == answer.parent / ".historik" / "QA"
    assert snapshot(selfeval_project) == before  # no temporary file, nothing half-written
    form = load_form(project)
    assert current_answer(project, form, Period.parse(PERIOD), "QA").value("P1", "eksempler") == "Første udgave"


@WRITE_ERRORS
def test_importing_into_an_unwritable_project_exits_2_with_the_danish_error(
    mini_project, monkeypatch, error, tmp_path, capsys
):
    source = tmp_path / "INT-RAD-09.txt"
    source.write_text("I: Hvordan gik mødet?\n\nR: Det gik godt, og planen blev lavet sammen med familien.\n",
                      encoding="utf-8")
    before = snapshot(mini_project)
    with unwritable(monkeypatch, mini_project, error):
        code = main(["--project", str(mini_project), "import", str(source), "--type", "interview", "--group",
                     "radgiver", "--role", "Rådgiver", "--date", "2025-05-14"])
    assert code == 2
    err = capsys.readouterr().err
    assert MESSAGES[error] in err and "INT-RAD-09.md" in err
    assert snapshot(mini_project) == before


# ---------------------------------------------------------------- fuzzing the parsers

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                         HealthCheck.too_slow])
CODEBOOK = load_codebook(FIXTURES / "mini" / "codebook" / "codebook.yaml")
HEADER = "---\nid: INT-RAD-09\ntype: interview\ngroup: radgiver\nrole: Rådgiver\ndate: 2025-05-14\n---\n"
# text that looks like a transcript, with the characters parsers trip on
PIECES = st.sampled_from(["---\n", "\n", "\n\n", "I: ", "R: ", "Mor: ", ": ", "id: x\n", "[mor]", "Anne ", "æøå ",
                          "Tagensvej 12 ", "12345678 ", "a@b.dk ", ". ", "? ", "\r\n", "\x00", "\ufeff", "\t",
                          "«", "„", "…", "type: observation\n", "consent: withdrawn\n", "'", "\"", "{", "- "])
TRANSCRIPT_TEXT = st.one_of(
    st.text(),
    st.lists(st.one_of(PIECES, st.text(max_size=12)), max_size=40).map("".join),
    st.lists(st.one_of(PIECES, st.text(max_size=12)), max_size=60).map(lambda parts: HEADER + "".join(parts)),
)


@contextmanager
def within(seconds: float):
    """Fail, instead of hanging, when one input takes longer than this."""
    def stop(signum, frame):
        raise TimeoutError(f"took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def only_workbench_errors(action) -> None:
    """Either the action succeeds, or it raises the documented WorkbenchError that names the file."""
    with within(20):
        try:
            action()
        except WorkbenchError as exc:
            assert exc.path is not None and exc.message.strip(), str(exc)
            assert "Input should" not in exc.message, f"pydantic's English reached the user: {exc}"


@FUZZ
@given(text=TRANSCRIPT_TEXT)
def test_any_transcript_text_is_parsed_and_segmented_or_refused_in_danish(text):
    path = Path("interviews_anonymised/INT-RAD-09.md")
    only_workbench_errors(lambda: parse_document(text, path, CODEBOOK).segments)


@FUZZ
@given(raw=st.one_of(st.binary(), TRANSCRIPT_TEXT.map(lambda t: t.encode("utf-8")),
                     TRANSCRIPT_TEXT.map(lambda t: t.encode("cp1252", errors="replace")),
                     TRANSCRIPT_TEXT.map(lambda t: t.encode("utf-16"))))
def test_any_bytes_are_decoded_loaded_and_imported_or_refused_in_danish(raw, mini_project, tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz")
    only_workbench_errors(lambda: decode_bytes(raw, folder / "INT-RAD-09.txt"))
    (folder / "INT-RAD-09.md").write_bytes(raw)
    only_workbench_errors(lambda: load_document(folder / "INT-RAD-09.md", CODEBOOK).segments)
    (folder / "INT-RAD-09.txt").write_bytes(raw)
    metadata = {"type": "interview", "group": "radgiver", "role": "Rådgiver", "date": "2025-05-14"}
    only_workbench_errors(lambda: prepare_import(Project(mini_project), [folder / "INT-RAD-09.txt"], metadata))


SURVEY_MAP = yaml.safe_load((FIXTURES / "surveys" / "kort.yaml").read_text(encoding="utf-8"))
CELLS = st.sampled_from(["A01", "opstart", "afslutning", "Ja", "Nej", "Ved ikke", "Altid", "Aldrig", "", " ",
                         "Nogle gange", "\"", "\"\"", ";", ",", "\t", "\n", "Ã¸", "æ", "1", "5,0", "Opstart"])
ROWS = st.one_of(
    st.tuples(st.sampled_from([f"A{n:02d}" for n in range(1, 30)]), st.sampled_from(["opstart", "Afslutning", ""]),
              st.sampled_from(["Ja", "nej", "Ved ikke", ""]), st.sampled_from(["Altid", "Nogle  gange", "Aldrig", ""])),
    st.lists(st.one_of(CELLS, st.text(max_size=8)), min_size=4, max_size=4),
    st.lists(st.one_of(CELLS, st.text(max_size=8)), max_size=6),
)
CSV_TEXT = st.lists(ROWS, max_size=12).flatmap(
    lambda rows: st.sampled_from([";", ",", "\t"]).map(
        lambda sep: "id;tidspunkt;Hjælp;Kontakt\n".replace(";", sep) + "\n".join(sep.join(r) for r in rows)
    )
)
# the fixture's item map with some values replaced by random ones
MAP_VALUES = st.one_of(st.none(), st.integers(), st.text(max_size=10), st.lists(st.text(max_size=6), max_size=3),
                       st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2))
SURVEY_MAPS = st.one_of(
    st.just(SURVEY_MAP),
    st.dictionaries(st.sampled_from(sorted(SURVEY_MAP)), MAP_VALUES, max_size=4).map(
        lambda changes: {**SURVEY_MAP, **changes}
    ),
    st.lists(st.sampled_from(sorted(SURVEY_MAP)), max_size=4).map(
        lambda drop: {k: v for k, v in SURVEY_MAP.items() if k not in drop}
    ),
)


@FUZZ
@given(data=st.one_of(st.binary(), CSV_TEXT.map(lambda t: t.encode("utf-8")),
                      CSV_TEXT.map(lambda t: t.encode("cp1252", errors="replace"))),
       item_map=st.one_of(SURVEY_MAPS.map(lambda m: yaml.safe_dump(m, allow_unicode=True)), st.text()))
def test_any_survey_data_and_item_map_are_summarised_or_refused_in_danish(data, item_map, tmp_path_factory):
    folder = tmp_path_factory.mktemp("survey")
    (folder / "kort.csv").write_bytes(data)
    (folder / "kort.yaml").write_text(item_map, encoding="utf-8")
    only_workbench_errors(lambda: load_survey(folder / "kort.yaml", CODEBOOK))
