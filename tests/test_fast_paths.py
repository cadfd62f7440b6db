"""The benchmark's optimisations keep their results: each fast path against its plain version or its contract."""

from __future__ import annotations

import errno
import os
import re
import stat

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.coding.suggestions import _is_word_char, _word_before, suggest
from workbench.errors import WorkbenchError
from workbench.io import text as textio
from workbench.io.files import atomic_write_files
from workbench.material.corpus import Document
from workbench.project import Project

# ---------------------------------------------------------------- atomic writes, synced side by side


def test_a_batch_of_files_is_written_whole_with_the_usual_permissions(tmp_path):
    files = {tmp_path / "docs" / f"GEN-{n:04d}.md": f"tekst {n} æøå\n".encode() * n for n in range(1, 40)}
    atomic_write_files(files)
    mask = os.umask(0)
    os.umask(mask)
    for path, data in files.items():
        assert path.read_bytes() == data
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask
    assert sorted(p.name for p in (tmp_path / "docs").iterdir()) == sorted(p.name for p in files)  # no temp files


def test_a_private_batch_is_readable_by_its_owner_only(tmp_path):
    atomic_write_files({tmp_path / "a.key": b"1", tmp_path / "b.key": b"2"}, private=True)
    assert {stat.S_IMODE(p.stat().st_mode) for p in tmp_path.iterdir()} == {0o600}


def test_one_file_failing_to_reach_the_disk_leaves_every_file_as_it_was(tmp_path, monkeypatch):
    old = {tmp_path / f"{n}.md": f"gammel {n}".encode() for n in range(12)}
    atomic_write_files(old)
    real_fsync, calls = os.fsync, []

    def full_disk_on_the_seventh(fd):
        calls.append(fd)
        if len(calls) == 7:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_fsync(fd)

    monkeypatch.setattr(os, "fsync", full_disk_on_the_seventh)
    with pytest.raises(WorkbenchError, match="Disken er fuld"):
        atomic_write_files({path: b"ny" for path in old})
    monkeypatch.undo()
    assert {path: path.read_bytes() for path in old} == old
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in old)


def test_an_empty_batch_writes_nothing(tmp_path):
    atomic_write_files({})
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- the legacy-encoding score


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("æøåÆØÅéÉüÜöÖäÄaoe ›†\u0080")))
def test_the_danish_letter_score_counts_as_a_walk_over_the_characters(text):
    assert textio._danish_score(text) == sum(1 for ch in text if ch in textio._DANISH_LETTERS)


def _legacy_plainly(body: bytes, path, remedy: str, allow_cp1252: bool, not_utf8_at: int) -> tuple[str, str]:
    """The legacy-encoding decision as first written: each encoding decodes the whole text and is scored."""
    decoded: dict[str, str] = {}
    first_undefined = None
    for codec, _ in textio._LEGACY:
        try:
            decoded[codec] = body.decode(codec)
        except UnicodeDecodeError as exc:
            first_undefined = exc.start
    scores = {codec: textio._danish_score(text) for codec, text in decoded.items()}
    best = max((codec for codec, _ in textio._LEGACY if codec in decoded), key=scores.__getitem__)
    as_cp1252 = decoded.get("cp1252") or body.decode("cp1252", errors="replace")
    evidence = 1 if textio._IN_WORD_SYMBOL.search(as_cp1252) else 2
    if best != "cp1252" and scores[best] > textio._danish_score(as_cp1252) and scores[best] >= evidence:
        raise WorkbenchError(dict(textio._LEGACY)[best], path, textio._line_at(body, not_utf8_at))
    if "cp1252" not in decoded:
        raise WorkbenchError("undefined", path, textio._line_at(body, first_undefined or 0))
    if not allow_cp1252:
        raise WorkbenchError("not utf-8", path, textio._line_at(body, not_utf8_at))
    return decoded["cp1252"], "Windows-1252"


def _outcome(decide, body: bytes, allow: bool):
    """What a decision gives: the text and encoding, or the refusal's line and the encoding it names."""
    try:
        return decide(body, "x.txt", "", allow, 0)
    except WorkbenchError as error:
        named = next((name for _, name in textio._LEGACY[1:] if name in error.message), None)
        undefined = "undefined" in error.message or "kan ikke genkendes" in error.message
        return ("refused", named, undefined, error.line)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from([b"a", b"e", b" ", b"\n", b"m", b"\x9b", b"\x86", b"\xe6", b"\xf8", b"\xe5",
                                 b"\x91", b"\x8d", b"\x81", b"\xbf", b"\x8c", b"\xc6", b"\xd8"]),
                max_size=30).map(b"".join), st.booleans())
def test_the_legacy_encoding_is_told_from_the_high_bytes_as_from_the_whole_text(body, allow):
    assert _outcome(textio._legacy, body, allow) == _outcome(_legacy_plainly, body, allow)


@pytest.mark.parametrize("codec", ["cp850", "mac_roman"])
def test_other_legacy_encodings_are_still_named_and_refused(tmp_path, codec):
    raw = "Vi mødtes på Nørrebro, og så gik vi hjem til æblerne.\n".encode(codec)
    with pytest.raises(WorkbenchError, match="tegnkodningen"):
        textio.decode(raw, tmp_path / "x.txt")
    assert textio.decode("Vi mødtes på Nørrebro.\n".encode("cp1252"), tmp_path / "y.txt")[1] == "Windows-1252"


# ---------------------------------------------------------------- suggestions


def _word_before_plainly(body: str, start: int) -> str:
    """The word before `start`, read by a regex over the text before it."""
    m = re.search(r"(\w*)\W*\Z", body[:start])
    return m.group(1) if m else ""


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab_ø1 .,\n-'\u0301"), max_size=40), st.integers(0, 40))
def test_the_word_before_a_hit_is_the_plain_regex_answer(body, start):
    start = min(start, len(body))
    assert _word_before(body, start) == _word_before_plainly(body, start)
    assert all(_is_word_char(c) == bool(re.match(r"\w", c)) for c in body)


_WORDS = ["samtykke", "Samtykket", "plan", "planen", "med", "det", "samme", "på", "tid", "dele", "til", "dels",
          "dokument", "dokumenterne", "familiens", "Plan", "fast", "sidder"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(_WORDS), st.sampled_from([" ", " ", ", ", ". ", "\n\nR: "])),
                min_size=1, max_size=40))
def test_every_suggestion_carries_its_hits_in_indicator_then_text_order(mini_project, words):
    project = Project(mini_project)
    obs = project.corpus.get("OBS-01")
    body = "".join(w + gap for w, gap in words)
    document = Document(obs.meta, body, obs.path, obs.body_line)
    segments = {s.id: s for s in document.segments}
    for suggestion in suggest(document, project.codebook):
        segment = segments[suggestion.segment_id]
        assert suggestion.hits, suggestion
        assert [h.indicator for h in suggestion.hits] == sorted(
            (h.indicator for h in suggestion.hits), key=suggestion.matched.index)
        assert set(suggestion.matched) == {h.indicator for h in suggestion.hits}
        for indicator in suggestion.matched:
            starts = [h.start for h in suggestion.hits if h.indicator == indicator]
            assert starts == sorted(starts) and len(set(starts)) == len(starts)
        for hit in suggestion.hits:
            assert body[hit.start : hit.end] == hit.text and segment.start <= hit.start < hit.end <= segment.end


# ---------------------------------------------------------------- a document's codings from the store's index


def test_a_documents_codings_from_the_index_are_the_filtered_log_after_every_kind_of_change(mini_project):
    from workbench.coding.retrieval import progress
    from workbench.coding.store import CodingStore

    project = Project(mini_project)
    store = project.coding_store()
    rad, obs = project.corpus.get("INT-RAD-01"), project.corpus.get("OBS-01")
    first = store.add("AB", rad, "P1", segment=rad.segments[0])
    store.add("AB", rad, "P2", segment=rad.segments[1])
    store.add("AB", obs, "P1", segment=obs.segments[0])
    store.update("AB", first.id, code="P3")
    store.remove("AB", store.find("AB", rad.id, "P2", rad.segments[1].start, rad.segments[1].end).id)
    store.add("CD", rad, "P1", segment=rad.segments[2])
    for fresh in (store, CodingStore(project.codings_dir, project.codebook)):  # kept open, and replayed anew
        for coder in ("AB", "CD", "EF"):
            for document in (rad, obs):
                plain = [c for c in fresh.codings(coder) if c.doc_id == document.id]
                assert sorted(fresh.document_codings(coder, document.id), key=lambda c: c.id) == sorted(
                    plain, key=lambda c: c.id)
    assert [c.code for c in store.document_codings("AB", rad.id)] == ["P3"]
    assert progress(store, rad, "AB") == (1, len(rad.segments))
    assert progress(store, rad, "EF") == (0, len(rad.segments))


def test_current_codings_are_remembered_only_while_the_logs_and_the_texts_are_unchanged(mini_project):
    from dataclasses import replace

    from workbench.coding.store import CodingStore, _staleness
    from workbench.material.corpus import Corpus

    def plainly(store: CodingStore, corpus: Corpus) -> list:
        documents = {d.id: d for d in corpus.documents}
        return [c for c in store.codings() if _staleness(c, documents.get(c.doc_id)) is None
                and documents[c.doc_id].included]

    project = Project(mini_project)
    store, corpus = project.coding_store(), project.corpus
    rad = corpus.get("INT-RAD-01")
    first = store.add("AB", rad, "P1", segment=rad.segments[0])
    assert store.current(corpus) == plainly(store, corpus) and first in store.current(corpus)
    other = CodingStore(project.codings_dir, project.codebook)  # another writer, as a second coder's session
    other.add("CD", rad, "P2", segment=rad.segments[1])
    assert store.current(corpus) == plainly(store, corpus) and len(store.current(corpus)) == 2
    store.remove("AB", first.id)
    assert store.current(corpus) == plainly(store, corpus) and len(store.current(corpus)) == 1
    edited = Corpus([replace(d, body="Ny tekst.\n") if d.id == rad.id else d for d in corpus.documents])
    assert store.current(edited) == plainly(store, edited) == []
    store.current(corpus).clear()  # a caller's list is its own
    assert store.current(corpus) == plainly(store, corpus) and store.current(corpus, "AB") == []
