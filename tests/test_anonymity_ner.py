"""The optional spaCy entity recogniser, tested with a tiny pipeline the test builds and saves
itself (weights cannot be downloaded here), loaded by spacy.load as a real model would be."""

from __future__ import annotations

import spacy

from workbench.anonymity import detectors_run, find_personal_data, ner_status
from workbench.anonymity.detectors import ner


def _save_pipeline(folder) -> None:
    nlp = spacy.blank("da")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([
        {"label": "PER", "pattern": "zorya"},
        {"label": "ORG", "pattern": [{"LOWER": "zabo"}]},
        {"label": "LOC", "pattern": "Kongsgården"},
    ])
    nlp.to_disk(folder)


def _use(monkeypatch, model) -> None:
    monkeypatch.setenv(ner.ENV_MODEL, str(model))
    ner.reset()


def test_entities_from_an_installed_pipeline_are_findings(tmp_path, monkeypatch):
    text = "Vi mødte zorya i går, og hun går i zabo hver dag."
    monkeypatch.delenv(ner.ENV_MODEL, raising=False)
    ner.reset()
    without = [(f.kind, f.text) for f in find_personal_data(text)]
    _save_pipeline(tmp_path / "da_core_news_test")
    _use(monkeypatch, tmp_path / "da_core_news_test")
    try:
        assert ner_status().model == str(tmp_path / "da_core_news_test") and ner_status().error is None
        found = [(f.kind, f.text) for f in find_personal_data(text)]
        assert ("navn", "zorya") in found and ("institution", "zabo") in found
        assert ("navn", "zorya") not in without  # the rules alone miss a lower-case name with no context
        assert detectors_run()[-1] == f"spaCy-NER ({tmp_path / 'da_core_news_test'})"
    finally:
        monkeypatch.delenv(ner.ENV_MODEL)
        ner.reset()


def test_entities_of_allowed_terms_or_ordinary_words_are_not_findings(tmp_path, monkeypatch):
    _save_pipeline(tmp_path / "model")
    _use(monkeypatch, tmp_path / "model")
    try:
        assert find_personal_data("Hun går i zabo.") != []
        assert find_personal_data("Hun går i zabo.", allowed=["Zabo"]) == []
    finally:
        monkeypatch.delenv(ner.ENV_MODEL)
        ner.reset()


def test_a_broken_install_is_a_clear_danish_message_and_the_rules_still_run(tmp_path, monkeypatch):
    broken = tmp_path / "da_core_news_sm"
    broken.mkdir()
    (broken / "config.cfg").write_text("[nlp\nlang = ", encoding="utf-8")
    _use(monkeypatch, broken)
    try:
        status = ner_status()
        assert status.model is None
        assert "kan ikke indlæses" in status.error and "regelbaserede" in status.error
        assert detectors_run()[-1] == "spaCy-NER: fejl"
        assert [(f.kind, f.text) for f in find_personal_data("Ring til Fatima på 22 33 44 55.")] == [
            ("navn", "Fatima"), ("telefon", "22 33 44 55")
        ]
    finally:
        monkeypatch.delenv(ner.ENV_MODEL)
        ner.reset()


def test_a_pipeline_without_an_entity_recogniser_is_reported(tmp_path, monkeypatch):
    spacy.blank("da").to_disk(tmp_path / "bare")
    _use(monkeypatch, tmp_path / "bare")
    try:
        assert "ingen navnegenkendelse" in ner_status().error
    finally:
        monkeypatch.delenv(ner.ENV_MODEL)
        ner.reset()


def test_check_anonymity_says_which_detectors_ran(mini_project, tmp_path, monkeypatch, capsys):
    import json

    from workbench.ui.cli import main

    _save_pipeline(tmp_path / "model")
    _use(monkeypatch, tmp_path / "model")
    try:
        main(["--project", str(mini_project), "check-anonymity", "--json"])
        report = json.loads(capsys.readouterr().out)
        assert report["ner"] == {"model": str(tmp_path / "model"), "error": None}
        assert report["detectors"][0] == "e-mail" and report["detectors"][-1] == f"spaCy-NER ({tmp_path / 'model'})"
        broken = tmp_path / "broken"
        broken.mkdir()
        (broken / "config.cfg").write_text("[nlp", encoding="utf-8")
        _use(monkeypatch, broken)
        main(["--project", str(mini_project), "check-anonymity"])
        err = capsys.readouterr().err
        assert "Søgt efter: e-mail, profiler på sociale medier" in err and "spaCy-NER: fejl" in err
        assert "kan ikke indlæses" in err
    finally:
        monkeypatch.delenv(ner.ENV_MODEL)
        ner.reset()
