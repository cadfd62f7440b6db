"""Code suggestions from indicator words, matched on Danish lemmas, as proposals only."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from workbench.coding.suggestions import (
    open_suggestions,
    reject,
    rejected,
    suggest,
    unreject,
)
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


def in_text(project, text: str, codebook=None):
    obs = project.corpus.get("OBS-01")
    return suggest(Document(obs.meta, text, obs.path, obs.body_line), codebook or project.codebook)


@pytest.mark.parametrize(("text", "blocked"), [
    ("Det skete med det samme, da hun kom.", True),  # "immediately", not the same room
    ("Det skete MED DET\nSAMME.", True),  # any case, any space between the words
    ("Vi sad i samme rum og talte sammen.", False),  # F7 proper: the same room
    ("Han gjorde det med det samme værktøj.", True),  # a limit: the words of the expression, whatever follows
    ("Det er samme sag som med det.", False),  # the expression's words, not in its order
])
def test_an_indicator_inside_a_fixed_expression_is_no_hit(project, text, blocked):
    result = found(in_text(project, text))
    assert (("S001", "F7") not in result or "samme" not in result[("S001", "F7")]) == blocked


def test_the_expressions_file_blocks_other_indicators_too(project):
    assert not found(in_text(project, "Bilen sidder fast i sneen, og det stemmer overens med planen på ny."))\
        .get(("S001", "F4"))
    result = found(in_text(project, "Vi har en fast struktur, og barnets stemme bliver hørt."))
    assert result[("S001", "F4")] == ("struktur", "fast") and result[("S001", "P1")] == ("barn", "stemme")


def test_indicators_match_whole_words_only(project):
    codebook = with_indicators(project.codebook, P2=["plan"], F7=["samme"])
    assert found(in_text(project, "Planlægningen og handleplanen; vi er sammen.", codebook)) == {}
    assert found(in_text(project, "Planen er klar.", codebook)) == {("S001", "P2"): ("plan",)}


def test_each_suggestion_says_where_and_with_which_words_its_indicators_occur(project):
    text = "Samtykket er givet. Vi delte dokumenterne, og samtykke blev fornyet."
    [suggestion] = [s for s in in_text(project, text) if s.code == "F1"]
    assert suggestion.matched == ("samtykke", "dokument")
    assert [(h.indicator, h.text, text[h.start : h.end]) for h in suggestion.hits] == [
        ("samtykke", "Samtykket", "Samtykket"), ("samtykke", "samtykke", "samtykke"),
        ("dokument", "dokumenterne", "dokumenterne"),
    ]


def test_a_rejected_suggestion_stays_rejected_in_the_next_session(project, mini_project):
    rad = project.corpus.get("INT-RAD-01")
    [consent] = [s for s in suggest(rad, project.codebook) if (s.segment_id, s.code) == ("S004.1", "F1")]
    reject(project, "AB", consent)
    later = Project(mini_project)  # a new session
    assert rejected(later, "AB") == {("INT-RAD-01", "S004.1", "F1")}
    assert rejected(later, "CD") == set()
    open_for_ab = found(open_suggestions(rad, later.codebook, [], rejected(later, "AB")))
    assert ("S004.1", "F1") not in open_for_ab and ("S004.2", "F1") in open_for_ab
    assert ("S004.1", "F1") in found(open_suggestions(rad, later.codebook, [], rejected(later, "CD")))
    unreject(later, "AB", consent)
    assert rejected(Project(mini_project), "AB") == set()
    assert Project(mini_project).coding_store().codings("AB") == []  # a rejection is no coding


def fixed_expression_oracle(document: Document, codebook) -> dict[tuple[str, str], tuple[str, ...]]:
    """Every word token of the whole body tried against every indicator (as the suggestions oracle
    does), leaving out tokens inside any occurrence of a fixed expression found by a plain regex."""
    import re

    from workbench.coding.suggestions import FIXED_EXPRESSIONS, indicator_words
    from workbench.lang.nlp import lemma, lemma_table, tokenize

    def forms(word: str) -> set[str]:
        lower = word.lower()
        found = {lemma(word), lower}
        if lower not in lemma_table():
            endings = ("ernes", "enes", "erne", "ene", "ets", "ens", "et", "en", "er", "es", "e", "s")
            found |= {lower[: -len(e)] for e in endings if lower.endswith(e) and len(lower) - len(e) >= 3}
        return found

    blocked = []
    for line in FIXED_EXPRESSIONS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#") and len(line.split()) > 1:
            pattern = r"(?<!\w)(?=(" + r"\s+".join(map(re.escape, line.split())) + r"))"
            blocked += [(m.start(1), m.end(1)) for m in re.finditer(pattern, document.body, re.IGNORECASE)]
    words = [t for t in tokenize(document.body) if not (t.is_punct or t.is_space)]
    result: dict[tuple[str, str], list[str]] = {}
    for segment in document.segments:
        for code in codebook.codes:
            for indicator in dict.fromkeys(code.indicators):
                wanted = indicator_words(indicator)
                for i in range(len(words) - len(wanted) + 1):
                    run = words[i : i + len(wanted)]
                    start, end = run[0].idx, run[-1].idx + len(run[-1].text)
                    if (segment.start <= start and end <= segment.end
                            and all(w in forms(t.text) for w, t in zip(wanted, run, strict=True))
                            and not any(a <= start and end <= b and (b == len(document.body)
                                        or not document.body[b].isalnum()) for a, b in blocked)):
                        result.setdefault((segment.id, code.key), []).append(indicator)
                        break
    return {key: tuple(found) for key, found in result.items()}


_EXPRESSION_WORDS = ["med", "det", "samme", "Samme", "på", "ny", "sidder", "fast", "Fast", "struktur", "til", "dels",
                     "dele", "stemmer", "overens", "stemme", "i", "praksis", "rum", "give", "Vi"]
_EXPRESSION_GAPS = [" ", " ", " ", "  ", "\n", ", ", ". ", "-", "\nMor: "]


def test_fixed_expressions_against_a_plain_oracle(project):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    obs = project.corpus.get("OBS-01")
    codebook = with_indicators(project.codebook, P4=["dele"], F9=["praksis"], F7=["samme", "rum"],
                               F4=["fast", "struktur"], P1=["stemme"], F6=["ny"])
    texts = st.lists(st.tuples(st.sampled_from(_EXPRESSION_WORDS), st.sampled_from(_EXPRESSION_GAPS)).map("".join),
                     min_size=1, max_size=30).map("".join)

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(texts)
    def check(body):
        document = Document(obs.meta, body, obs.path, obs.body_line)
        assert found(suggest(document, codebook)) == fixed_expression_oracle(document, codebook)

    check()
