"""The lemma table answers word by word from an index in the user's cache folder, exactly as spaCy's table."""

import random

import pytest

from workbench.lang import lemmas


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    """lemma_table() as a new process would build it, with the cache folder in a scratch folder."""
    cache = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(cache))
        lemmas.lemma_table.cache_clear()
        yield cache / "workbench"
    lemmas.lemma_table.cache_clear()


@pytest.fixture(scope="module")
def spacy_table():
    return lemmas._load_json(lemmas._source())


def sample(table: dict, count: int = 3000) -> list[str]:
    rng = random.Random(5)
    words = rng.sample(sorted(table), count)
    return words + [w + "xq" for w in words[:500]] + ["Somalia", "Huset", "gik", "", "ø"]


def test_the_index_gives_the_same_answers_as_spacys_table(fresh, spacy_table):
    table = lemmas.lemma_table()
    assert list(fresh.glob("lemmas-da-*.sqlite")), "the index is written to the cache folder"
    for word in sample(spacy_table):
        assert table.get(word) == spacy_table.get(word)
        assert (word in table) == (word in spacy_table)
    assert table.get("gik") == "gå" and table.get("Huset") is None and "Somalia" in table


def test_word_forms_of_lemmas_ignore_the_case_of_the_lemma(fresh, spacy_table):
    forms = lemmas.lemma_table().forms_of(["gå", "samtykke", "somalia"])
    assert {"gik", "går", "gået"} <= set(forms["gå"])
    assert {"samtykket", "samtykker"} <= set(forms["samtykke"])
    assert "Somalias" in forms["somalia"]
    expected = {w for w, lemma in spacy_table.items() if lemma.lower() == "samtykke"}
    assert set(forms["samtykke"]) == expected


def test_without_a_writable_cache_folder_the_table_is_read_into_memory(monkeypatch, tmp_path, spacy_table):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    lemmas.lemma_table.cache_clear()
    try:
        table = lemmas.lemma_table()
        assert table.get("gik") == "gå"
        assert set(table.forms_of(["gå"])["gå"]) == {w for w, lemma in spacy_table.items() if lemma.lower() == "gå"}
    finally:
        lemmas.lemma_table.cache_clear()


def lemma_of(word: str):
    return lemmas.lemma_table().get(word)


def test_a_forked_worker_opens_its_own_connection(fresh):
    import multiprocessing

    assert lemma_of("huset") == "hus"  # the parent's connection is open before the fork
    with multiprocessing.get_context("fork").Pool(2) as pool:
        assert pool.map(lemma_of, ["gik", "planerne", "xqxq"]) == ["gå", "plan", None]
