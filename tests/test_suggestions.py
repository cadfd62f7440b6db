"""Code suggestions from indicator words, matched on Danish lemmas, as proposals only."""

from __future__ import annotations

import pytest

from workbench import suggestions
from workbench.codebook import Codebook
from workbench.corpus import Document
from workbench.project import Project
from workbench.suggestions import open_suggestions, suggest


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


def test_the_document_is_analysed_once_and_then_cached(project, monkeypatch):
    calls = []
    real = suggestions.tokenize

    def counting(text):
        calls.append(text)
        return real(text)

    monkeypatch.setattr(suggestions, "tokenize", counting)
    monkeypatch.setattr(suggestions, "_analysed", type(suggestions._analysed)())
    rad = project.corpus.get("INT-RAD-01")
    first = suggest(rad, project.codebook)
    assert calls == [rad.body]  # one tokenizer call for all eight segments
    assert suggest(rad, project.codebook) == first
    assert calls == [rad.body]


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
