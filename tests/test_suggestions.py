"""Code suggestions from indicator words, matched on Danish lemmas, as proposals only."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from workbench.coding.suggestions import open_suggestions, suggest
from workbench.material.codebook import Codebook
from workbench.material.corpus import Document
from workbench.project import Project


@pytest.fixture
def project(mini_project):
    return Project(mini_project)


def with_indicators(codebook: Codebook, **indicators: list[str]) -> Codebook:
    """The codebook with some codes' indicators replaced."""
    data = codebook.model_dump()
    for group in data["code_groups"]:
        for code in group["codes"]:
            if code["key"] in indicators:
                code["indicators"] = indicators[code["key"]]
    return Codebook.model_validate(data)


def found(items) -> dict[tuple[str, str], tuple[str, ...]]:
    return {(s.segment_id, s.code): s.matched for s in items}


def test_inflected_words_match_their_lemma(project):
    rad = project.corpus.get("INT-RAD-01")
    result = found(suggest(rad, project.codebook))
    # "Samtykket er afgørende ..." → indicator "samtykke"; "dokumenter" → "dokument"; "oplysninger" → "oplysning"
    assert result[("S004.1", "F1")] == ("samtykke", "dokument", "oplysning")
    assert result[("S003", "F1")] == ("samtykke",)  # "Hvad med samtykket?"
    assert result[("S004.1", "P5")] == ("forvaltning",)  # "forvaltningerne"
    # a compound the lemma table does not know: "Supportteamet" still matches "supportteam"
    assert "supportteam" in result[("S006", "F2")]


def test_a_lemma_indicator_is_not_widened_by_lemmatising_it(project):
    fam = project.corpus.get("INT-FAM-01")  # "møderne" occurs; F7's indicator is the verb "mødes"
    assert not any(s.code == "F7" for s in suggest(fam, project.codebook))


def test_multiword_indicators_match_within_one_segment(project):
    codebook = with_indicators(project.codebook, P2=["Familiens Plan"], P1=["dagsordenen minder"])
    obs = project.corpus.get("OBS-01")
    result = found(suggest(obs, codebook))
    assert result[("S002", "P2")] == ("Familiens Plan",)
    assert ("S001", "P1") not in result  # "dagsordenen. Hun minder": the words are not adjacent
    body = "Vi taler om familiens\n\nplan i det næste afsnit."
    split = Document(obs.meta, body, obs.path, obs.body_line)
    assert [s.id for s in split.segments] == ["S001", "S002"]
    assert not [s for s in suggest(split, codebook) if s.code == "P2"]  # never across two segments


def test_speaker_labels_are_not_text_to_suggest_from(project):
    codebook = with_indicators(project.codebook, P3=["mor"])
    fam = project.corpus.get("INT-FAM-01")
    assert not [s for s in suggest(fam, codebook) if s.code == "P3"]  # "Mor:" is a label, not text


@pytest.mark.parametrize(("indicator", "text"), [
    ("İzmir", "Familien kommer fra İZMIR."),  # str.lower() makes "İ" two characters
    ("θεός", "Han sagde ΘΕΌΣ flere gange."),  # ... and a word-final "Σ" a "ς"
])
def test_indicators_match_whatever_the_case_of_their_letters(project, indicator, text):
    codebook = with_indicators(project.codebook, P1=[indicator])
    obs = project.corpus.get("OBS-01")
    document = Document(obs.meta, text, obs.path, obs.body_line)
    assert found(suggest(document, codebook)) == {("S001", "P1"): (indicator,)}


SUGGEST_IN_A_NEW_PROCESS = """
import json, sys
from workbench.material.codebook import Codebook
from workbench.material.corpus import Document
from workbench.project import Project
from workbench.coding.suggestions import suggest

obs = Project(sys.argv[1]).corpus.get("OBS-01")
document = Document(obs.meta, sys.argv[2], obs.path, obs.body_line)
print(json.dumps([s.matched for s in suggest(document, Codebook.model_validate_json(sys.stdin.read()))]))
"""


def test_matched_indicators_are_listed_in_codebook_order_in_every_process(project, mini_project):
    # one word, three forms, three indicators: their order must not follow Python's per-process string hashing
    indicators = ["supportteamet", "supportteam", "supportteamets"]
    codebook = with_indicators(project.codebook, F2=indicators).model_dump_json()
    runs = [
        subprocess.run([sys.executable, "-c", SUGGEST_IN_A_NEW_PROCESS, str(mini_project), "Supportteamets møder."],
                       input=codebook, capture_output=True, text=True, check=True,
                       env={**os.environ, "PYTHONHASHSEED": seed})
        for seed in ("0", "2")
    ]
    assert [json.loads(run.stdout) for run in runs] == [[indicators], [indicators]]


def test_open_suggestions_leave_out_what_the_coder_already_coded(project):
    store = project.coding_store()
    rad = project.corpus.get("INT-RAD-01")
    consent = rad.segment("S004.1")
    store.add("AB", rad, "F1", segment=consent)
    store.add("CD", rad, "P4", segment=consent)
    store.add("AB", rad, "P5", span=(consent.start, consent.start + 10))
    open_for_ab = found(open_suggestions(rad, project.codebook, store.codings("AB")))
    assert ("S004.1", "F1") not in open_for_ab and ("S004.1", "P5") not in open_for_ab
    assert ("S004.1", "P4") in open_for_ab  # CD's coding does not count for AB
    assert ("S004.2", "F1") in open_for_ab
    assert len(store.codings()) == 3  # suggesting writes nothing
