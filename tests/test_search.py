"""Free-text search: lemma-aware, whole words, phrases, consented documents only, exact offsets."""

from __future__ import annotations

from workbench.coding.search import search
from workbench.material.corpus import Corpus, Document
from workbench.project import Project


def texts(hits):
    return [(h.doc_id, h.text) for h in hits]


def test_a_word_finds_its_inflected_forms_in_any_case_with_exact_offsets(mini_project):
    corpus = Project(mini_project).corpus
    hits = search(corpus, "SAMTYKKE")
    assert texts(hits) == [("INT-RAD-01", "samtykket"), ("INT-RAD-01", "Samtykket"), ("INT-RAD-01", "samtykket")]
    for hit in hits:
        assert corpus.get(hit.doc_id).body[hit.start : hit.end] == hit.text
    assert [h.segment_id for h in hits] == ["S003", "S004.1", "S004.2"]
    # an inflected query finds the other forms too
    assert texts(search(corpus, "møderne", doc_id="OBS-01")) == [("OBS-01", "mødet")]


def test_a_phrase_matches_consecutive_words_only(mini_project):
    corpus = Project(mini_project).corpus
    hits = search(corpus, "familiens plan")
    assert [(h.doc_id, h.text, h.segment_id) for h in hits] == [
        ("INT-RAD-01", "Familiens Plan", "S004.2"), ("OBS-01", "Familiens Plan", "S002")
    ]
    assert search(corpus, "plan familiens") == []
    assert search(corpus, "dagsordenen minder") == []  # "dagsordenen. Hun minder": not consecutive


def test_whole_words_only_and_one_document_when_asked(mini_project):
    project = Project(mini_project)
    obs = project.corpus.get("OBS-01")
    text = "Planlægningen tog tid. Planen holdt, og vi fulgte planen."
    corpus = Corpus([Document(obs.meta, text, obs.path, obs.body_line)])
    assert [h.text for h in search(corpus, "plan")] == ["Planen", "planen"]
    assert search(project.corpus, "plan", doc_id="INT-FAM-01") == []
    assert search(project.corpus, "  ") == [] and search(project.corpus, "?") == []


def test_withdrawn_documents_are_never_searched(mini_project):
    corpus = Project(mini_project).corpus
    assert corpus.get("INT-FAM-02").body.count("tilbagetrukket") == 1
    assert search(corpus, "tilbagetrukket") == []
    assert search(corpus, "tilbagetrukket", doc_id="INT-FAM-02") == []


def test_searching_after_an_edit_reads_the_new_text(mini_project):
    path = mini_project / "interviews_anonymised" / "OBS-01.md"
    assert texts(search(Project(mini_project).corpus, "ark")) == [("OBS-01", "ark")]
    path.write_text(path.read_text(encoding="utf-8").replace("et stort ark", "en tavle"), encoding="utf-8")
    assert search(Project(mini_project).corpus, "ark") == []
    assert texts(search(Project(mini_project).corpus, "tavlen")) == [("OBS-01", "tavle")]
