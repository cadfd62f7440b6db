"""Code suggestions against a plain oracle: tokenize the whole body, try every indicator at every word.

The fast path (workbench.coding.suggestions) tokenizes only the chunks a character filter lets
through and reads a phrase's further words chunk by chunk. The oracle walks every word token of
spaCy's tokenization of the whole body and compares each indicator word with the token's forms
(its lemma, its lower case and, for words the lemma table lacks, the word minus an ending)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_suggestions import with_indicators

from workbench.coding.suggestions import count_suggestions, indicator_words, suggest
from workbench.lang.nlp import lemma, lemma_table, tokenize
from workbench.material.corpus import Document
from workbench.project import Project

ENDINGS = ("ernes", "enes", "erne", "ene", "ets", "ens", "et", "en", "er", "es", "e", "s")


def forms(word: str) -> set[str]:
    lower = word.lower()
    found = {lemma(word), lower}
    if lower not in lemma_table():
        found |= {lower[: -len(e)] for e in ENDINGS if lower.endswith(e) and len(lower) - len(e) >= 3}
    return found


def oracle(document: Document, codebook) -> dict[tuple[str, str], tuple[str, ...]]:
    words = [t for t in tokenize(document.body) if not (t.is_punct or t.is_space)]
    result: dict[tuple[str, str], list[str]] = {}
    for segment in document.segments:
        for code in codebook.codes:
            for indicator in dict.fromkeys(code.indicators):
                wanted = indicator_words(indicator)
                if not wanted:
                    continue
                for i in range(len(words) - len(wanted) + 1):
                    run = words[i : i + len(wanted)]
                    start, end = run[0].idx, run[-1].idx + len(run[-1].text)
                    inside = segment.start <= start and end <= segment.end
                    if inside and all(w in forms(t.text) for w, t in zip(wanted, run, strict=True)):
                        result.setdefault((segment.id, code.key), []).append(indicator)
                        break
    return {key: tuple(found) for key, found in result.items()}


def fast(document: Document, codebook) -> dict[tuple[str, str], tuple[str, ...]]:
    return {(s.segment_id, s.code): s.matched for s in suggest(document, codebook)}


@pytest.fixture(scope="module")
def setting(tmp_path_factory):
    import shutil
    from pathlib import Path

    root = tmp_path_factory.mktemp("oracle") / "project"
    shutil.copytree(Path(__file__).parent / "fixtures" / "mini", root)
    for folder in ("codings", "memos", "selfeval", "surveys"):
        (root / folder).mkdir(exist_ok=True)
    project = Project(root)
    codebook = with_indicators(
        project.codebook,
        P1=["samtykke", "Familiens Plan", "møde"],
        P2=["plan", "familie", "skole"],
        P3=["rådgiver", "tillid", "Familiens"],
    )
    return project.corpus.get("OBS-01"), codebook, project.corpus.get("INT-FAM-01")


def test_the_oracle_matches_inflections_and_phrases(setting):
    obs, codebook, _ = setting
    document = Document(obs.meta, "Vi lavede Familiens Plan. Rådgiveren talte om samtykket og møderne.", obs.path,
                        obs.body_line)
    assert oracle(document, codebook) == fast(document, codebook)
    matched = {i for found in oracle(document, codebook).values() for i in found}
    assert {"Familiens Plan", "samtykke", "møde", "rådgiver", "plan"} <= matched


_WORDS = st.sampled_from(["familiens", "Familiens", "plan", "Plan", "planen", "samtykke", "Samtykket", "møde",
                          "møderne", "mødes", "rådgiver", "Rådgiveren", "tillid", "skolen", "familie", "familier",
                          "Vi", "talte", "om", "og", "det", "FAMILIENS", "PLAN", "supportteamet", "kerneteamets"])
_GAPS = st.sampled_from([" ", " ", " ", "  ", ", ", ". ", "\n", "\n\n", "! ", "? ", " - ", ": ", "\nMor: ",
                         "\nI: ", '"', " (", ") ", " 😀 "])  # a character beyond U+FFFF


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(_WORDS, _GAPS).map("".join), min_size=1, max_size=40).map("".join), st.booleans())
def test_fast_suggestions_equal_the_oracle(setting, body, interview):
    obs, codebook, fam = setting
    like = fam if interview else obs  # an interview's speaker labels are not segment text
    document = Document(like.meta, body, like.path, like.body_line)
    expected = oracle(document, codebook)
    assert fast(document, codebook) == expected
    assert count_suggestions(document, codebook) == len(expected)  # what the import reports per file
