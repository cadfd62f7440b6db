"""Code management while coding: the codebook stays valid and as written, codings follow by events."""

from __future__ import annotations

import os
import textwrap
from collections import Counter

import pytest

from workbench.errors import WorkbenchError
from workbench.material.codebook import load_codebook
from workbench.material.codebook_edit import (
    add_code,
    merge_codes,
    recolour_code,
    rekey_code,
    rename_code,
    undo_change,
)
from workbench.project import Project


def codebook_text(root) -> str:
    return (root / "codebook" / "codebook.yaml").read_text(encoding="utf-8")


def changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    """(lines only in before, lines only in after), stripped and sorted."""
    old, new = Counter(before.splitlines()), Counter(after.splitlines())
    return (sorted(line.strip() for line in (old - new).elements()),
            sorted(line.strip() for line in (new - old).elements()))


def test_a_new_code_goes_into_a_new_group_and_nothing_else_changes(mini_project):
    before = codebook_text(mini_project)
    codebook = add_code(mini_project, None, "N1", "Ventetid", "#12AB34").codebook
    assert codebook.code("N1").colour == "#12ab34"
    group = codebook.group_of("N1")
    assert (group.key, group.name, group.kind) == ("nye_koder", "Nye koder", "theme")
    assert codebook.code_groups[-1] == group
    after = codebook_text(mini_project)
    assert after.startswith(before[: before.index("# Respondentgrupper")].rstrip("\n"))  # comments and order kept
    removed, added = changed_lines(before, after)
    assert removed == []
    assert added == sorted(
        ["", "- key: nye_koder", "name: Nye koder", "kind: theme", "codes:", "- key: N1", "name: Ventetid",
         'colour: "#12ab34"']
    )
    # the second new code joins the group; a code can also go into an existing group
    add_code(mini_project, "nye_koder", "N2", "Tillid: at blive troet", "#000000")
    add_code(mini_project, "foraeldre", "FP6", "Humor, og lethed", "#ffffff")
    codebook = load_codebook(mini_project / "codebook" / "codebook.yaml")
    assert [c.key for c in codebook.code_groups[-1].codes] == ["N1", "N2"]
    assert codebook.code("N2").name == "Tillid: at blive troet"
    assert codebook.group_of("FP6").key == "foraeldre" and codebook.code("FP6").name == "Humor, og lethed"


def test_adding_a_code_that_exists_or_has_a_bad_key_or_colour_is_refused(mini_project):
    before = codebook_text(mini_project)
    with pytest.raises(WorkbenchError, match="Koden 'P1' findes allerede i gruppen 'Guidende principper'"):
        add_code(mini_project, None, "P1", "Igen", "#000000")
    with pytest.raises(WorkbenchError, match="Kodenøglen 'ny' kan ikke bruges"):
        add_code(mini_project, None, "ny", "Ny", "#000000")
    with pytest.raises(WorkbenchError, match="Farven 'rød' skal være en hex-kode"):
        add_code(mini_project, None, "N1", "Ny", "rød")
    with pytest.raises(WorkbenchError, match="Kodegruppen 'andet' findes ikke"):
        add_code(mini_project, "andet", "N1", "Ny", "#000000")
    assert codebook_text(mini_project) == before


def test_rename_and_recolour_change_one_value_and_keep_every_coding(mini_project):
    project = Project(mini_project)
    store = project.coding_store()
    document = project.corpus.get("INT-FAM-01")
    store.add("AB", document, "FF4", segment=document.segment("S002"))
    store.add("AB", document, "P3", segment=document.segment("S002"))
    before = codebook_text(mini_project)
    rename_code(mini_project, "P3", "Kontakt og tryghed")
    rename_code(mini_project, "FF4", "Åbenhed, deling")  # a code written as {key: ..., name: ...}
    recolour_code(mini_project, "FF4", "#ABCDEF")
    codebook = load_codebook(mini_project / "codebook" / "codebook.yaml")
    assert (codebook.code("P3").name, codebook.code("P3").statement) == ("Kontakt og tryghed", load_codebook(
        project.codebook_path).code("P3").statement)
    assert (codebook.code("FF4").name, codebook.code("FF4").colour) == ("Åbenhed, deling", "#abcdef")
    removed, added = changed_lines(before, codebook_text(mini_project))
    assert removed == ["- {key: FF4, name: Åbenhed og deling letter rådgivernes arbejde, colour: \"#457b9d\",",
                       "name: Kontakt"]
    assert added == ['- {key: FF4, name: "Åbenhed, deling", colour: "#abcdef",', "name: Kontakt og tryghed"]
    fresh = Project(mini_project).coding_store()
    assert sorted(c.code for c in fresh.codings("AB")) == ["FF4", "P3"]
    with pytest.raises(WorkbenchError, match="Koden 'P9' findes ikke"):
        rename_code(mini_project, "P9", "X")


SHAPES = textwrap.dedent(
    """\
    # En kodebog skrevet i hånden
    code_groups:
      - key: principper   # principperne
        name: Principper
        kind: principle
        codes:
          - key: P1
            name: Familien
            # farven mangler med vilje

          - key: P2
            name: >-
              Sammenhæng
    # en kommentar mellem grupperne
      - key: tema
        name: Tema
        kind: theme
        codes: [{key: T1, name: Et}, {key: T2, name: To}]
    respondent_groups:
      - {key: familie, name: Forældre, coarse_attribution: forælder}
    evaluation_questions:
      - key: EQ1
        text: Virker det?
        principles:
          - P1
          - P2
    """
)


def test_hand_written_shapes_are_edited_in_place(tmp_path):
    (tmp_path / "codebook").mkdir()
    path = tmp_path / "codebook" / "codebook.yaml"
    path.write_text(SHAPES, encoding="utf-8")
    recolour_code(tmp_path, "P1", "#111111")  # no colour yet: a line is added under the name
    recolour_code(tmp_path, "T1", "#222222")  # in a flow mapping
    rename_code(tmp_path, "P2", "Sammenhæng i indsatsen")  # a folded scalar becomes one line
    add_code(tmp_path, "principper", "P3", "Kontakt", "#333333")
    text = path.read_text(encoding="utf-8")
    codebook = load_codebook(path)
    assert [(c.key, c.name, c.colour) for c in codebook.codes] == [
        ("P1", "Familien", "#111111"), ("P2", "Sammenhæng i indsatsen", "#888888"), ("P3", "Kontakt", "#333333"),
        ("T1", "Et", "#222222"), ("T2", "To", "#888888"),
    ]
    assert "# farven mangler med vilje" in text and "# en kommentar mellem grupperne" in text
    assert "- key: principper   # principperne" in text
    assert text.index("name: Kontakt") < text.index("# en kommentar mellem grupperne")
    rekey_code(tmp_path, _NoCodings(), "P1", "P9", "AB")
    merge_codes(tmp_path, _NoCodings(), "P2", "P9", "AB")
    codebook = load_codebook(path)
    assert [c.key for c in codebook.principles] == ["P9", "P3"]
    assert codebook.evaluation_questions[0].principles == ("P9",)  # P2 gone, P9 listed once


class _NoCodings:
    codebook = None

    def coders(self):
        return []

    def codings(self, coder=None):
        return []


def _coded(mini_project):
    """Two coders on the caseworker interview; NP codes one span with both F2 and F1."""
    project = Project(mini_project)
    store = project.coding_store()
    rad = project.corpus.get("INT-RAD-01")
    fam = project.corpus.get("INT-FAM-01")
    for coder, document, segment, code in [
        ("NP", rad, "S002", "F2"), ("NP", rad, "S002", "F1"), ("NP", rad, "S004.1", "F2"), ("NP", fam, "S002", "P3"),
        ("KL", rad, "S002", "F2"), ("KL", rad, "S006", "F1"), ("KL", fam, "S004", "F2"),
    ]:
        store.add(coder, document, code, segment=document.segment(segment), memo=f"{coder} {segment} {code}",
                  quote=code == "F2" and coder == "NP")
    return project, store


def test_merging_codes_moves_every_coding_by_new_events_and_joins_duplicates(mini_project):
    project, store = _coded(mini_project)
    logs = {coder: (mini_project / "codings" / f"{coder}.jsonl").read_bytes() for coder in ("NP", "KL")}
    before = {coder: Counter(c.code for c in store.codings(coder)) for coder in ("NP", "KL")}
    report = merge_codes(mini_project, store, "F2", "F1", "NP")
    assert (report.moved, report.joined) == ({"NP": 1, "KL": 2}, {"NP": 1})
    fresh = Project(mini_project).coding_store()
    after = {coder: Counter(c.code for c in fresh.codings(coder)) for coder in ("NP", "KL")}
    assert after == {"NP": Counter(F1=2, P3=1), "KL": Counter(F1=3)}
    for coder in ("NP", "KL"):  # every coding kept: the F2 ones are F1 now, a duplicate became one
        assert sum(after[coder].values()) == sum(before[coder].values()) - report.joined.get(coder, 0)
        log = (mini_project / "codings" / f"{coder}.jsonl").read_bytes()
        assert log.startswith(logs[coder]) and len(log) > len(logs[coder])  # appended, never rewritten
    joined = next(c for c in fresh.codings("NP") if c.segment_id == "S002")
    assert (joined.memo, joined.quote) == ("NP S002 F1\nNP S002 F2", True)
    assert {e.by for e in fresh.history("KL") if e.action == "update"} == {"NP"}
    codebook = load_codebook(project.codebook_path)
    assert not codebook.has_code("F2") and [c.key for c in codebook.factors][:2] == ["F1", "F3"]
    assert store.codebook == codebook
    # run again (as after an interruption): nothing left to move, the codebook stays
    again = merge_codes(mini_project, Project(mini_project).coding_store(), "F2", "F1", "NP")
    assert (again.moved, again.joined) == ({}, {})


def test_rekeying_a_code_moves_its_codings_and_the_question_references(mini_project):
    project, store = _coded(mini_project)
    report = rekey_code(mini_project, store, "P3", "P6", "NP")
    assert report.moved == {"NP": 1}
    codebook = load_codebook(project.codebook_path)
    assert [c.key for c in codebook.principles] == ["P1", "P2", "P6", "P4", "P5"]
    assert codebook.code("P6").name == "Kontakt"
    assert all("P3" not in q.principles for q in codebook.evaluation_questions)
    assert [c.code for c in Project(mini_project).coding_store().codings("NP")].count("P6") == 1


def test_a_change_that_would_break_the_codebook_is_not_saved(mini_project):
    before = codebook_text(mini_project)
    store = Project(mini_project).coding_store()
    for key in ("P2", "P3", "P4", "P5"):
        merge_codes(mini_project, store, key, "P1", "NP")
    with pytest.raises(WorkbenchError, match="ugyldig.*kind: principle"):
        merge_codes(mini_project, store, "P1", "F1", "NP")  # the last principle would leave with its group
    assert load_codebook(mini_project / "codebook" / "codebook.yaml").principles[0].key == "P1"
    assert codebook_text(mini_project) != before


def test_a_crash_while_writing_leaves_the_old_codebook(mini_project, monkeypatch):
    before = codebook_text(mini_project)

    def crash(*args):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(WorkbenchError, match="Intet blev gemt"):
        rename_code(mini_project, "P1", "Familien først")
    monkeypatch.undo()
    assert codebook_text(mini_project) == before
    assert [p.name for p in (mini_project / "codebook").iterdir() if p.name.endswith(".tmp")] == []
    load_codebook(mini_project / "codebook" / "codebook.yaml")


def test_a_rekeying_interrupted_after_the_codebook_changed_finishes_when_run_again(mini_project):
    project, store = _coded(mini_project)
    rekey_code(mini_project, _NoCodings(), "P3", "P6", "NP")  # as if it stopped before moving the codings
    assert [c.code for c in Project(mini_project).coding_store().codings("NP")].count("P3") == 1
    report = rekey_code(mini_project, Project(mini_project).coding_store(), "P3", "P6", "NP")
    assert report.moved == {"NP": 1}
    assert "P3" not in {c.code for c in Project(mini_project).coding_store().codings()}


# --- undo: the codebook as it was, codings back on their code by new events ----------------------


def _state(store, coder):
    """A coder's current codings without their ids: what a user sees of them."""
    return sorted((c.doc_id, c.start, c.end, c.code, c.valence, c.memo, c.quote, c.text_hash) for c in
                  store.codings(coder))


def test_undoing_a_merge_puts_every_coding_back_on_its_code_by_new_events(mini_project):
    project, store = _coded(mini_project)
    text = codebook_text(mini_project)
    before = {coder: _state(store, coder) for coder in ("NP", "KL")}
    ids = {c.id for c in store.codings("KL")}
    change = merge_codes(mini_project, store, "F2", "F1", "NP")
    logs = {coder: (mini_project / "codings" / f"{coder}.jsonl").read_bytes() for coder in ("NP", "KL")}

    undone = undo_change(mini_project, store, change, "NP", project.codable_corpus)
    assert codebook_text(mini_project) == text  # exactly as written before, comments and all
    assert undone.codebook.has_code("F2") and store.codebook == undone.codebook
    assert (undone.returned, undone.left) == ({"NP": 2, "KL": 2}, 0)
    fresh = Project(mini_project).coding_store()
    assert {coder: _state(fresh, coder) for coder in ("NP", "KL")} == before
    assert {c.id for c in fresh.codings("KL")} == ids  # moved codings keep their id
    [(old, new)] = undone.new_ids.items()  # the joined coding came back as a new coding
    assert new in {c.id for c in fresh.codings("NP")} and old not in {c.id for c in fresh.codings("NP")}
    for coder in ("NP", "KL"):
        log = (mini_project / "codings" / f"{coder}.jsonl").read_bytes()
        assert log.startswith(logs[coder]) and len(log) > len(logs[coder])  # appended, never rewritten
    assert {e.by for e in fresh.history("KL")[-2:]} == {"NP"}  # who undid is on the other coder's events


def test_every_event_of_undoing_another_coder_s_merge_says_who_did_it(mini_project):
    """KL merges and undoes; NP's joined coding comes back by an add in NP's log that names KL."""
    project, store = _coded(mini_project)
    count = len(store.history("NP"))
    change = merge_codes(mini_project, store, "F2", "F1", "KL")
    undo_change(mini_project, store, change, "KL", project.codable_corpus)
    events = Project(mini_project).coding_store().history("NP")[count:]
    assert "add" in {e.action for e in events}  # the joined coding, added again
    assert [e.by for e in events] == ["KL"] * len(events)
    again = next(e for e in events if e.action == "add")
    line = next(line for line in (mini_project / "codings" / "NP.jsonl").read_text(encoding="utf-8").splitlines()
                if f'"id":"{again.coding_id}"' in line and '"action":"add"' in line)
    assert '"by":"KL"' in line  # on disk, as the log's readers see it


def test_undoing_a_merge_of_principles_brings_back_the_questions_references(mini_project):
    project, store = _coded(mini_project)
    text = codebook_text(mini_project)
    change = merge_codes(mini_project, store, "P3", "P2", "NP")
    assert all("P3" not in q.principles for q in change.codebook.evaluation_questions)
    undone = undo_change(mini_project, store, change, "NP", project.codable_corpus)
    assert codebook_text(mini_project) == text
    assert [c.code for c in Project(mini_project).coding_store().codings("NP")].count("P3") == 1
    assert undone.codebook.evaluation_questions == load_codebook(project.codebook_path).evaluation_questions


def test_undoing_rename_recolour_and_create_gives_back_the_text_as_written(tmp_path, mini_project):
    (tmp_path / "codebook").mkdir()
    path = tmp_path / "codebook" / "codebook.yaml"
    path.write_text(SHAPES, encoding="utf-8")
    store = _NoCodings()
    for edit in (lambda: recolour_code(tmp_path, "P1", "#111111"),  # had no colour: the added line goes again
                 lambda: rename_code(tmp_path, "P2", "Sammenhæng i indsatsen"),  # folded before, folded again
                 lambda: recolour_code(tmp_path, "T1", "#222222"),
                 lambda: add_code(tmp_path, "principper", "P3", "Kontakt", "#123456")):
        change = edit()
        assert path.read_text(encoding="utf-8") != SHAPES
        undone = undo_change(tmp_path, store, change, "AB", Project(mini_project).codable_corpus)
        assert path.read_text(encoding="utf-8") == SHAPES
        assert undone.codebook == load_codebook(path)
    # undone in the reverse order of the edits, each step gives back the text before it
    texts, changes = [codebook_text(mini_project)], []
    for edit in (lambda: add_code(mini_project, None, "N1", "Ventetid", "#123456"),
                 lambda: rename_code(mini_project, "N1", "Lang ventetid"),
                 lambda: recolour_code(mini_project, "N1", "#654321")):
        changes.append(edit())
        texts.append(codebook_text(mini_project))
    corpus = Project(mini_project).codable_corpus
    for change in reversed(changes):
        texts.pop()
        undo_change(mini_project, Project(mini_project).coding_store(), change, "NP", corpus)
        assert codebook_text(mini_project) == texts[-1]


def test_undo_after_someone_else_changed_the_codebook(mini_project):
    project, store = _coded(mini_project)
    corpus = project.codable_corpus
    renamed = rename_code(mini_project, "P3", "Kontakt og møder")
    recolour_code(mini_project, "P1", "#101010")  # another edit since: the rename is reversed by itself
    undo_change(mini_project, store, renamed, "NP", corpus)
    codebook = load_codebook(project.codebook_path)
    assert (codebook.code("P3").name, codebook.code("P1").colour) == ("Kontakt", "#101010")

    first = rename_code(mini_project, "P3", "A")
    rename_code(mini_project, "P3", "B")  # the name was changed again: undoing the first would lose "B"
    with pytest.raises(WorkbenchError, match="Kodebogen er ændret, siden koden 'P3' blev ændret"):
        undo_change(mini_project, store, first, "NP", corpus)
    assert load_codebook(project.codebook_path).code("P3").name == "B"

    merged = merge_codes(mini_project, store, "F2", "F1", "NP")
    rename_code(mini_project, "F1", "Samtykke først")
    text = codebook_text(mini_project)
    logs = {coder: (mini_project / "codings" / f"{coder}.jsonl").read_bytes() for coder in ("NP", "KL")}
    with pytest.raises(WorkbenchError, match="kan ikke fortrydes automatisk"):
        undo_change(mini_project, store, merged, "NP", corpus)
    assert codebook_text(mini_project) == text  # nothing written, neither codebook nor logs
    assert logs == {coder: (mini_project / "codings" / f"{coder}.jsonl").read_bytes() for coder in ("NP", "KL")}


def test_a_new_code_someone_has_coded_with_stays(mini_project):
    project, store = _coded(mini_project)
    change = add_code(mini_project, None, "N1", "Ventetid", "#123456")
    store.codebook = change.codebook
    document = project.corpus.get("INT-RAD-01")
    store.add("KL", document, "N1", segment=document.segment("S002"))
    with pytest.raises(WorkbenchError, match="Koden 'N1' bliver i kodebogen, fordi KL har kodet med den"):
        undo_change(mini_project, store, change, "NP", project.codable_corpus)
    assert load_codebook(project.codebook_path).has_code("N1")


def test_a_coding_changed_since_the_merge_is_left_where_it_is(mini_project):
    project, store = _coded(mini_project)
    change = merge_codes(mini_project, store, "F2", "F1", "NP")
    gone = next(c for c in store.codings("KL") if c.segment_id == "S004")  # KL's moved F2 coding on INT-FAM-01
    store.remove("KL", gone.id)
    undone = undo_change(mini_project, store, change, "NP", project.codable_corpus)
    assert undone.left == 1 and undone.returned == {"NP": 2, "KL": 1}
    assert sorted(c.code for c in Project(mini_project).coding_store().codings("KL")) == ["F1", "F2"]
