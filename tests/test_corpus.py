"""Transcripts: front matter, speaker turns, segments with stable ids and exact offsets."""

import pickle
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.errors import WorkbenchError
from workbench.material.corpus import (
    Document,
    Metadata,
    load_corpus,
    load_document,
    parse_document,
    segment_body,
    split_front_matter,
    text_hash,
)
from workbench.project import Project

HEADER = """---
id: {id}
type: {type}
group: radgiver
role: Rådgiver
unit: SOF
date: 2025-05-14
consent: given
---
"""


def doc(body: str, id: str = "T1", type: str = "interview", path: Path = Path("interviews_anonymised/T1.md")):
    return parse_document(HEADER.format(id=id, type=type) + body, path)


def test_turns_become_segments_with_speaker_and_exact_offsets():
    document = doc("I: Hvordan går det?\n\nR: Det går godt.\nVi mødes hver uge.\n\nI: Tak.\n")
    assert [(s.id, s.speaker, s.text) for s in document.segments] == [
        ("S001", "I", "Hvordan går det?"),
        ("S002", "R", "Det går godt.\nVi mødes hver uge."),
        ("S003", "I", "Tak."),
    ]
    for segment in document.segments:
        assert document.body[segment.start : segment.end] == segment.text


def test_a_turn_continues_over_blank_lines_until_the_next_label():
    document = doc("Mor: Første afsnit.\n\nAndet afsnit af samme tur.\n\nI: Spørgsmål.\n")
    assert [s.speaker for s in document.segments] == ["Mor", "I"]
    assert "Andet afsnit" in document.segments[0].text


def test_long_turn_is_split_into_whole_sentences():
    sentence = "Vi holder et møde med familien, og alle rådgiverne deltager i samtalen om planen. "
    document = doc("R: " + sentence * 20 + "\n")
    parts = document.segments
    assert len(parts) > 1
    assert all(s.id.startswith("S001.") for s in parts)
    assert all(s.text.endswith("planen.") for s in parts)
    assert all(len(s.text) <= 420 for s in parts)
    assert sum(s.text.count("Vi holder") for s in parts) == 20


def test_segment_ids_are_stable_between_parses():
    body = "I: Spørgsmål?\n\nR: " + "En lang sætning om samarbejdet på tværs af forvaltningerne. " * 15 + "\n"
    first = [(s.id, s.start, s.end, s.hash) for s in doc(body).segments]
    second = [(s.id, s.start, s.end, s.hash) for s in doc(body).segments]
    assert first == second


def test_observations_are_split_into_paragraphs_without_speakers():
    document = doc(
        "Mødelederen byder velkommen.\n\nJobrådgiveren: siger noget.\n\nTredje afsnit.\n", type="observation"
    )
    assert [s.speaker for s in document.segments] == [None, None, None]
    assert len(document.segments) == 3


def test_withdrawn_consent_is_excluded(mini_project):
    project = Project(mini_project)
    ids = [d.id for d in project.corpus.included]
    assert "INT-FAM-02" not in ids
    assert [d.id for d in project.corpus.withdrawn] == ["INT-FAM-02"]


@pytest.mark.parametrize(
    "change, message, line",
    [
        (("group: radgiver", "group: kollega"), "ukendt respondentgruppe 'kollega'", 4),
        (("date: 2025-05-14", "date: 14/5"), "skal være en dato", 7),
        (("type: interview", "type: samtale"), "'type' har værdien 'samtale'", 3),
        (("consent: given", "consent: måske"), "'consent' har værdien 'måske'", 8),
        (("role: Rådgiver\n", ""), "Det påkrævede felt 'role' mangler", None),
        (("unit: SOF", "unit: SOF\nfarve: blå"), "'farve' er ikke et kendt felt", 7),
        (("id: T1", "id: T2"), "skal være lig med filnavnet", 2),
        (("role: Rådgiver", "role: [Rådgiver"), "YAML-teksten kan ikke læses", None),
    ],
)
def test_bad_metadata_gets_one_danish_error_with_file_and_line(change, message, line, mini_project):
    codebook = Project(mini_project).codebook
    text = HEADER.format(id="T1", type="interview").replace(*change) + "I: Hej.\n"
    path = Path("interviews_anonymised/T1.md")
    with pytest.raises(WorkbenchError, match=message) as err:
        parse_document(text, path, codebook, expected_id="T1")
    assert err.value.path == path
    if line is not None:
        assert err.value.line == line
    assert str(err.value).startswith("Fejl i interviews_anonymised/T1.md")


def test_missing_front_matter_empty_body_and_empty_file(tmp_path):
    with pytest.raises(WorkbenchError, match="mangler metadata"):
        parse_document("I: Hej\n", tmp_path / "X.md")
    with pytest.raises(WorkbenchError, match="ingen tekst efter metadata"):
        doc("\n   \n")
    empty = tmp_path / "T1.md"
    empty.write_bytes(b"")
    with pytest.raises(WorkbenchError, match="Filen er tom"):
        load_document(empty)


def test_a_copied_file_that_keeps_the_old_id_is_refused(mini_project):
    folder = mini_project / "interviews_anonymised"
    text = (folder / "OBS-01.md").read_text(encoding="utf-8")
    (folder / "OBS-02.md").write_text(text.replace("id: OBS-01", "id: OBS-02"), encoding="utf-8")
    load_corpus(folder)
    (folder / "OBS-03.md").write_text(text, encoding="utf-8")
    with pytest.raises(WorkbenchError, match="skal være lig med filnavnet"):
        load_corpus(folder)


def test_non_utf8_transcript_in_project_points_to_import(tmp_path):
    path = tmp_path / "T1.md"
    path.write_bytes((HEADER.format(id="T1", type="interview") + "I: Møde?\n").encode("cp1252"))
    with pytest.raises(WorkbenchError, match="ikke gemt som UTF-8") as err:
        load_document(path)
    assert err.value.line == 5  # the å in "Rådgiver"


def test_a_sentence_split_never_cuts_a_bracketed_placeholder():
    paragraph = ("Mødet begynder til tiden, og alle er mødt op i lokalet. [mor] fortæller om ugen, der er gået. " * 8)
    document = doc(paragraph + "\n", type="observation")
    assert len(document.segments) > 1
    for segment in document.segments:
        assert segment.text.count("[") == segment.text.count("]")
        assert not segment.text.endswith("[")


_TURNS = st.sampled_from([
    "I: Hvordan gik mødet?", "Mor: Det gik godt. Vi talte om skolen, og rådgiveren lyttede.", "R: Ja.", "",
    "Leder: Vi har prøvet det før. " * 12, "Vi mødtes kl. 10. Bagefter gik vi hjem! Hvorfor? Det ved jeg ikke.",
    "(Mor griner) Nej – det var ikke sådan.", "  indrykket linje", "Deltager 2: “Det var godt.” Så gik vi.",
])


@settings(max_examples=200, deadline=None)
@given(st.lists(_TURNS, min_size=1, max_size=25).map("\n".join), st.sampled_from(["interview", "observation"]))
def test_a_segment_reads_its_text_from_the_body_it_shares_and_compares_by_text(body, kind):
    """Segments keep offsets into the document body, not copies of their text: the text is the body's slice,
    equal segments are those with equal ids, offsets, speaker and text, and a pickled document comes back
    with the same segments."""
    segments = segment_body("X", body, kind)
    for segment in segments:
        assert segment.text == body[segment.start : segment.end] and segment.body is body
        assert segment.hash == text_hash(body[segment.start : segment.end])
    edited = body + ("\nI: Tilføjet til sidst." if kind == "interview" else "\n\nTilføjet til sidst.")  # a new unit
    again = segment_body("X", edited, kind)[: len(segments)]
    assert again == segments and {hash(s) for s in again} == {hash(s) for s in segments}
    document = Document(Metadata(id="X", type=kind, group="familie", role="mor", date="2025-05-01",
                                 consent="given"), body, Path("X.md"), 5)
    document.segments  # noqa: B018  segmented before pickling, so the offsets travel
    assert pickle.loads(pickle.dumps(document)).segments == segments


def _front_matter_by_lines(text: str) -> tuple[str, str, int] | None:
    """split_front_matter's definition: the lines up to the first later line '---'."""
    lines = text.split("\n")
    for index in range(1, len(lines)):
        if lines[index].rstrip() == "---":
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :]), index + 2
    return None


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["---", "--- ", "---\t", " ---", "id: X", "", "tekst", "-- -", "----"]), max_size=8)
       .map(lambda lines: "---\n" + "\n".join(lines)))
def test_front_matter_is_split_at_the_first_closing_line(text):
    expected = _front_matter_by_lines(text)
    if expected is None:
        with pytest.raises(WorkbenchError, match="ikke afsluttet"):
            split_front_matter(text, Path("x.md"))
    else:
        assert split_front_matter(text, Path("x.md")) == expected
