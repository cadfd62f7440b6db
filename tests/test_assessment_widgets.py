"""The "Vurdering" view driven in Python: pick, judge, cite, save; agreement and consensus."""

from __future__ import annotations

import datetime as dt

import yaml
from conftest import execute_notebook

from workbench.judgements.evidence import quote_ref
from workbench.project import Project
from workbench.ui.widgets.assessment import AssessmentApp, default_assessor

TODAY = dt.date(2025, 11, 20)


def _app(folder, user: str | None = "NP") -> AssessmentApp:
    return AssessmentApp(Project(folder), env={"JUPYTERHUB_USER": user} if user else {}, today=TODAY)


def _judge(app: AssessmentApp, levels: dict[str, str], rationale: str = "Belægget peger samme vej.") -> None:
    for key, level in levels.items():
        app.levels[key].value = level
        app.rationales[key].value = f"{rationale} ({key})"


def test_the_hub_user_is_the_default_assessor_and_the_levels_show_the_rubric(chapter_project):
    app = _app(chapter_project)
    assert app.assessor.value == "NP" and app.round.value == "2025-H2"
    assert [label for label, _ in app.levels["relevans"].options] == [
        "i høj grad", "i nogen grad", "i mindre grad", "ikke"]
    assert app.levels["relevans"].tooltips[0].startswith("Der er rigeligt")
    assert _app(chapter_project, user=None).assessor.value == ""
    assert "Skriv dine initialer" in _app(chapter_project, user=None).status.value


def test_hub_users_in_project_yaml_map_a_login_to_the_coder_name(chapter_project):
    (chapter_project / "project.yaml").write_text("hub_users:\n  nanna:\n    coder: NP\n", encoding="utf-8")
    assert default_assessor(Project(chapter_project), {"JUPYTERHUB_USER": "nanna"}) == "NP"


def test_judging_citing_and_saving_writes_the_yaml(chapter_project):
    app = _app(chapter_project)
    app.principle.value = "P3"
    quote = next(q for q in app.index.quotes("P3"))
    _judge(app, {"relevans": "hoej", "efterlevelse": "nogen", "vejledende": "mindre"})
    app.cite[(quote.ref, "efterlevelse")].value = True
    app.cite[("selvevaluering:P3/2025-H2/adherence", "efterlevelse")].value = True
    app.cite[("spoergeskema:kort/kontakt", "relevans")].value = True
    app.save()
    assert app.status.value.startswith("✔ Gemt")
    data = yaml.safe_load((chapter_project / "assessments/2025-H2/NP/P3.yaml").read_text(encoding="utf-8"))
    assert data["questions"]["efterlevelse"] == {
        "level": "nogen", "rationale": "Belægget peger samme vej. (efterlevelse)",
        "evidence": [quote.ref, "selvevaluering:P3/2025-H2/adherence"]}
    assert data["questions"]["relevans"]["evidence"] == ["spoergeskema:kort/kontakt"]
    assert "resultat" not in data["questions"]  # never filled in for the assessor
    assert data["guide"] == {"vejledende": {"level": "mindre", "rationale": "Belægget peger samme vej. (vejledende)"}}
    # choosing it again loads what was saved
    again = _app(chapter_project)
    again.principle.value = "P3"
    assert again.levels["efterlevelse"].value == "nogen"
    assert again.cite[(quote.ref, "efterlevelse")].value is True
    assert "er hentet" in again.status.value


def test_an_unknown_assessor_gets_the_danish_error_and_nothing_is_written(chapter_project):
    app = _app(chapter_project, user="XY")
    _judge(app, {"relevans": "hoej"})
    app.save()
    assert "⚠" in app.status.value and "Bedømmeren &#x27;XY&#x27; er ukendt" in app.status.value
    assert not (chapter_project / "assessments").exists()


def test_evidence_panel_splits_codings_by_group_valence_and_never_shows_withdrawn_text(chapter_project):
    project = Project(chapter_project)
    withdrawn = project.corpus.get("INT-FAM-02")
    hidden = project.coding_store().add("NP", withdrawn, "P3", "udfordrende", segment=withdrawn.segments[-1],
                                        quote=True)
    path = chapter_project / "assessments/2025-H2/NP/P3.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(f"questions:\n  efterlevelse:\n    level: nogen\n    evidence: [{quote_ref(hidden.id)}]\n",
                    encoding="utf-8")
    app = _app(chapter_project)
    app.principle.value = "P3"
    shown = " ".join(getattr(child, "value", "") for child in app.evidence.children)
    assert "Forældre" in shown and "understøttende" in shown
    everything = repr(app.widget) + " ".join(str(getattr(x, "value", "")) for x in _walk(app.widget))
    assert "tilbagetrukket" not in everything
    assert "samtykket til dokumentet INT-FAM-02 er trukket tilbage" in app.unavailable_html.value
    app.levels["relevans"].value = "hoej"
    app.save()  # the reference stays in the file, as written
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["questions"]["efterlevelse"]["evidence"] == [quote_ref(hidden.id)]


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


def test_agreement_between_two_assessors_and_a_recorded_consensus(chapter_project):
    for name, levels in (("NP", ("hoej", "nogen", "mindre")), ("KL", ("hoej", "mindre", "mindre"))):
        app = _app(chapter_project, user=name)
        app.principle.value = "P3"
        _judge(app, dict(zip(("relevans", "efterlevelse", "resultat"), levels)))
        app.save()
    app = _app(chapter_project)
    app.principle.value = "P3"
    assert (app.pair_a.value, app.pair_b.value) == ("KL", "NP")
    assert "n = 3 kriterier" in app.agreement_html.value and "2 på samme niveau" in app.agreement_html.value
    assert "Efterlevelse" in app.agreement_html.value  # the disagreement listed
    app.start_consensus()
    assert app.assessor.value == "konsensus"
    assert app.levels["efterlevelse"].value is None  # nothing decided for them
    assert app.hints["efterlevelse"].value.endswith("KL: i mindre grad · NP: i nogen grad</div>")
    _judge(app, {"relevans": "hoej", "efterlevelse": "nogen", "resultat": "mindre"}, "Efter drøftelse.")
    app.save()
    assert (chapter_project / "assessments/2025-H2/konsensus/P3.yaml").exists()
    assert "✔ Gemt" in app.status.value


def test_the_vurdering_notebook_runs_headless(chapter_project, monkeypatch):
    monkeypatch.setenv("WORKBENCH_PROJECT", str(chapter_project))
    outputs = execute_notebook("04_vurdering.ipynb")
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)
