"""When the form goes wrong for a person: two windows saving the same answer, a half-filled submission and a
broken answer file. Each ends in one Danish message, and nothing anyone typed is lost (checked on disk)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml

from workbench.project import Project
from workbench.project.identity import Identity
from workbench.selfeval.answers import new_evaluation
from workbench.selfeval.store import AnswerConflict, Clash, answer_version, merge_answers, save_draft
from workbench.ui.widgets.selfeval import SelfEvalApp

FIXTURE = Path(__file__).parent / "fixtures" / "selfeval"


@pytest.fixture
def project(mini_project) -> Project:
    shutil.copytree(FIXTURE, mini_project / "selfeval", dirs_exist_ok=True)
    return Project(mini_project)


def window(project: Project, respondent: str = "EH") -> SelfEvalApp:
    app = SelfEvalApp(project, today=dt.date(2025, 9, 15))
    app.respondent.value = respondent
    return app


def logged_in(project: Project) -> SelfEvalApp:
    """The form as a support-team member on the hub sees it: two of these are two windows of one person."""
    me = Identity(login="support1", role="support", coder=None, respondent="EH")
    return SelfEvalApp(project, today=dt.date(2025, 9, 15), identity=me)


def on_disk(project: Project, respondent: str = "EH") -> dict:
    return yaml.safe_load((project.selfeval_dir / "2025-H2" / f"{respondent}.yaml").read_text(encoding="utf-8"))


def test_a_save_over_a_version_saved_elsewhere_is_refused_not_silent(project):
    path = project.selfeval_dir / "2025-H2" / "EH.yaml"
    first = save_draft(project, new_evaluation("EH", "2025-H2", {"P1": {"adherence": 2}}), replaces="")
    assert first.version == answer_version(path)
    save_draft(project, new_evaluation("EH", "2025-H2", {"P1": {"adherence": 3}}), replaces=first.version)
    with pytest.raises(AnswerConflict) as caught:  # still holding the first version
        save_draft(project, new_evaluation("EH", "2025-H2", {"P1": {"adherence": 5}}), replaces=first.version)
    assert "gemt et andet sted" in str(caught.value) and caught.value.theirs.value("P1", "adherence") == 3
    assert on_disk(project)["answers"]["P1"]["adherence"] == 3
    with pytest.raises(AnswerConflict):  # "" is "there was no file": a file made meanwhile is a conflict too
        save_draft(project, new_evaluation("EH", "2025-H2", {"P1": {"adherence": 5}}), replaces="")


def test_merge_takes_each_sides_own_changes_and_reports_items_both_changed():
    base = {"P1": {"adherence": 2, "eksempler": "A"}}
    mine = {"P1": {"adherence": 4, "eksempler": "A"}, "P2": {"adherence": 1}}
    theirs = {"P1": {"adherence": 3, "eksempler": "B"}}
    merged, clashes = merge_answers(base, mine, theirs)
    assert merged == {"P1": {"adherence": 4, "eksempler": "B"}, "P2": {"adherence": 1}}
    assert clashes == [Clash("P1", "adherence", 4, 3)]
    assert merge_answers(base, {}, base) == ({}, [])  # an item I cleared stays cleared


def test_two_windows_saving_the_same_answer_lose_nothing(project):
    laptop, phone = logged_in(project), logged_in(project)
    laptop.scores[("P1", "adherence")].value = 2
    laptop.texts[("P1", "eksempler")].value = "Vi holdt møderne hos familien."
    laptop.save_button.click()
    assert "Gemt kl." in laptop.status.value

    # the phone still shows the empty form it opened; its person changes one score and one text
    phone.scores[("P2", "adherence")].value = 5
    phone.texts[("P1", "eksempler")].value = "Vi ringede før hvert møde."
    phone.save_button.click()
    assert "gemt et andet sted" in phone.status.value and "ikke gemt endnu" in phone.status.value
    assert "begge tekster står nu i feltet" in phone.status.value
    assert on_disk(project)["answers"] == {"P1": {"adherence": 2, "eksempler": "Vi holdt møderne hos familien."}}
    # merged on screen: the laptop's score, the phone's score and both texts
    assert phone.scores[("P1", "adherence")].value == 2 and phone.scores[("P2", "adherence")].value == 5
    text = phone.texts[("P1", "eksempler")].value
    assert "Vi ringede før hvert møde." in text and "Vi holdt møderne hos familien." in text

    phone.save_button.click()  # having looked: saved over the laptop's version, which it now contains
    assert "Gemt kl." in phone.status.value
    answers = on_disk(project)["answers"]
    assert answers["P1"]["adherence"] == 2 and answers["P2"]["adherence"] == 5
    assert "Vi holdt møderne hos familien." in answers["P1"]["eksempler"]

    laptop.scores[("P1", "adherence")].value = 1  # and the laptop, in turn, is told rather than overwriting
    laptop.save_button.click()
    assert "gemt et andet sted" in laptop.status.value
    assert laptop.scores[("P1", "adherence")].value == 1 and laptop.scores[("P2", "adherence")].value == 5
    assert on_disk(project)["answers"]["P1"]["adherence"] == 2


def test_a_half_filled_submission_is_refused_and_kept_as_a_draft(project):
    app = window(project)
    app.scores[("P1", "adherence")].value = 4
    app.texts[("P1", "eksempler")].value = "Vi spurgte [mor] først."
    app.submit_button.click()
    assert "Dine svar er gemt som kladde." in app.status.value and "påkrævede svar mangler" in app.status.value
    assert "Din personlige kode er" in app.status.value  # the draft is hers alone from the first save
    saved = on_disk(project)
    assert saved["status"] == "kladde"
    assert saved["answers"]["P1"] == {"adherence": 4, "eksempler": "Vi spurgte [mor] først."}
    assert app.scores[("P1", "adherence")].value == 4  # still on screen to finish


def test_a_broken_answer_file_is_named_and_never_saved_over(project):
    path = project.selfeval_dir / "2025-H2" / "EH.yaml"
    broken = "respondent: EH\nperiod: 2025-H2\nanswers:\n  P1: {adherence: 4\n"
    path.write_text(broken, encoding="utf-8")
    app = window(project)
    assert "EH.yaml" in app.status.value and "bed evaluator om at rette den" in app.status.value
    app.scores[("P1", "adherence")].value = 5
    app.save_button.click()
    assert "EH.yaml" in app.status.value and "Gemt kl." not in app.status.value
    app.submit_button.click()
    assert "Gemt kl." not in app.status.value and "indsendt. Tak" not in app.status.value
    assert path.read_text(encoding="utf-8") == broken
    assert app.scores[("P1", "adherence")].value == 5  # what was typed stays on screen


def test_a_broken_file_for_the_next_name_hides_the_previous_persons_answers(project):
    (project.selfeval_dir / "2025-H2" / "ZZ.yaml").write_text("status: [\n", encoding="utf-8")
    app = window(project, "CM")  # CM has an answer in the fixture
    assert any(control.value is not None for control in app.scores.values())
    app.respondent.value = "ZZ"
    assert "ZZ.yaml" in app.status.value
    assert all(control.value is None for control in app.scores.values())



def test_an_answer_cleared_here_but_changed_elsewhere_comes_back_rather_than_vanishing(project):
    laptop = logged_in(project)
    laptop.scores[("P1", "adherence")].value = 2
    laptop.texts[("P1", "eksempler")].value = "Første udgave."
    laptop.save_button.click()
    phone = logged_in(project)  # the phone opens the saved answer
    assert phone.texts[("P1", "eksempler")].value == "Første udgave."
    laptop.scores[("P1", "adherence")].value = 3
    laptop.texts[("P1", "eksempler")].value = "Anden udgave."
    laptop.save_button.click()
    phone.scores[("P1", "adherence")].value = None  # cleared here, changed on the laptop
    phone.texts[("P1", "eksempler")].value = ""
    phone.save_button.click()
    assert "tomt her, men besvaret det andet sted" in phone.status.value
    assert phone.scores[("P1", "adherence")].value == 3 and phone.texts[("P1", "eksempler")].value == "Anden udgave."
    assert on_disk(project)["answers"]["P1"] == {"adherence": 3, "eksempler": "Anden udgave."}
