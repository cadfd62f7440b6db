"""The self-evaluation form driven as a user would: fill, save a draft, submit, resubmit, refuse invalid input.
Every step is checked on disk, where the answers live."""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from workbench.project import Project
from workbench.project.identity import Identity
from workbench.ui.widgets.selfeval import DISAGREEMENT_COLOUR, SelfEvalApp

FIXTURE = Path(__file__).parent / "fixtures" / "selfeval"


@pytest.fixture
def project(mini_project) -> Project:
    shutil.copytree(FIXTURE, mini_project / "selfeval", dirs_exist_ok=True)
    return Project(mini_project)


@pytest.fixture
def app(project) -> SelfEvalApp:
    return SelfEvalApp(project, today=dt.date(2025, 9, 15))


def on_disk(project: Project, period: str, respondent: str) -> dict:
    return yaml.safe_load((project.selfeval_dir / period / f"{respondent}.yaml").read_text(encoding="utf-8"))


def fill_everything(app: SelfEvalApp, score: int) -> None:
    for control in app.scores.values():
        control.value = score
    for (principle, key), control in app.texts.items():
        control.value = f"{key} for {principle}: [en familie] fik hjælp."


def test_form_shows_every_principle_item_and_marks_required_ones(app):
    assert app.period.value == "2025-H2"  # the current half year
    assert [label for label, _ in app.period.options][:2] == ["2. halvår 2025", "1. halvår 2025"]
    assert app.sections.titles == ("P1 Familien", "P2 Sammenhæng", "P3 Kontakt")
    assert len(app.scores) == 3 * 3 and len(app.texts) == 3 * 2
    # a phone-sized scale: the steps on one line, their meaning in words beside them
    assert app.scores[("P1", "adherence")].options[-1] == ("5", 5)
    assert app.scores[("P1", "adherence")].tooltips[-1] == "I meget høj grad"
    section = app.sections.children[0]
    texts = " ".join(c.value for c in section.children if hasattr(c, "value") and isinstance(c.value, str))
    assert "Vi tager afsæt i familiens ønsker om forandring" in texts
    assert "I hvilken grad har vi arbejdet efter princippet i halvåret?</b> <span" in texts  # required: *
    assert "Hvad har udfordret</b><" in texts  # optional: no *
    assert "Tænk på teamets samlede praksis." in texts


def test_fill_save_draft_then_submit(app, project):
    app.respondent.value = "EH"
    assert "Ny besvarelse for EH" in app.status.value
    app.scores[("P1", "adherence")].value = 4
    app.texts[("P1", "eksempler")].value = "Vi spurgte [faderen] først."
    app.save_button.click()
    assert "Gemt kl." in app.status.value
    assert "Din personlige kode er" in app.status.value  # the first save without a login creates it
    saved = on_disk(project, "2025-H2", "EH")
    assert saved["status"] == "kladde"
    assert saved["answers"] == {"P1": {"adherence": 4, "eksempler": "Vi spurgte [faderen] først."}}

    app.submit_button.click()  # incomplete: refused with the list of what is missing
    assert (
        "påkrævede svar mangler: P1 Familien: Vejledende; P2 Sammenhæng: Efterlevelse, Vejledende" in app.status.value
    )
    assert on_disk(project, "2025-H2", "EH")["status"] == "kladde"

    fill_everything(app, 3)
    app.submit_button.click()
    assert "indsendt" in app.status.value
    submitted = on_disk(project, "2025-H2", "EH")
    assert submitted["status"] == "indsendt" and submitted["answers"]["P3"]["brugbart"] == 3
    assert not hasattr(app.respondent, "options")  # a text field: the form never lists colleagues' initials
    app.summary.selected_index = 0  # opening the team's summary
    assert "<td" in app.summary_html.value and "2. halvår 2025" in app.summary_html.value


def test_missing_answer_opens_its_section(app):
    app.respondent.value = "EH"
    fill_everything(app, 4)
    app.scores[("P3", "vejledende")].value = None
    app.sections.selected_index = 0
    app.submit_button.click()
    assert app.sections.selected_index == 2
    assert "P3 Kontakt: Vejledende" in app.status.value


def test_choosing_a_respondent_loads_their_answer_and_resubmitting_keeps_the_earlier(app, project):
    app.period.value = "2025-H1"
    app.respondent.value = "AK"
    assert app.scores[("P1", "adherence")].value == 2
    assert (
        app.texts[("P1", "udfordret")].value
        == "Fædrene deltog sjældent i møderne.\nVi nåede ikke at tale med de større børn."
    )
    assert "indsendte besvarelse" in app.status.value
    earlier = (project.selfeval_dir / "2025-H1" / "AK.yaml").read_text(encoding="utf-8")

    app.scores[("P1", "adherence")].value = 3
    app.submit_button.click()
    assert on_disk(project, "2025-H1", "AK")["answers"]["P1"]["adherence"] == 3
    history = list((project.selfeval_dir / "2025-H1" / ".historik" / "AK").iterdir())
    assert [p.read_text(encoding="utf-8") for p in history] == [earlier]


def test_a_draft_is_loaded_and_a_new_respondent_starts_empty(app):
    app.period.value = "2025-H1"
    app.respondent.value = "DL"
    assert app.scores[("P2", "adherence")].value == 1
    assert "kladde" in app.status.value
    app.respondent.value = "FS"
    assert all(c.value is None for c in app.scores.values())
    assert all(c.value == "" for c in app.texts.values())


def test_a_full_name_is_refused_and_nothing_is_written(app, project):
    app.respondent.value = "Anne Krogh"
    assert "ligner et fuldt navn" in app.status.value
    fill_everything(app, 4)
    app.submit_button.click()
    assert "ligner et fuldt navn" in app.status.value
    assert not list((project.selfeval_dir / "2025-H2").glob("Anne*"))


def test_a_broken_answer_file_is_reported_not_overwritten(app, project):
    path = project.selfeval_dir / "2025-H2" / "AK.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("adherence: 3", "adherence: 9"), encoding="utf-8")
    broken = path.read_text(encoding="utf-8")
    app.respondent.value = "AK"
    assert "AK.yaml, linje" in app.status.value and "fra 1 til 5" in app.status.value
    fill_everything(app, 4)
    app.save_button.click()
    assert "fra 1 til 5" in app.status.value
    assert path.read_text(encoding="utf-8") == broken


def test_summary_highlights_disagreement_and_follows_the_chosen_item(app):
    assert app.summary.titles == ("Teamets opsummering",) and app.summary.selected_index is None
    assert app.summary_html.value == ""  # closed: computed only when opened
    app.summary.selected_index = 0
    shown = app.summary_html.value
    style = shown.split("</style>")[0]
    assert DISAGREEMENT_COLOUR in style
    # rows: P1 H1, P1 H2, P2 H1, P2 H2, P3 H1, P3 H2; P1 and P3 disagree in 2025-H1 (range ≥ 3)
    assert set(re.findall(r"_row(\d+)_col\d+", style)) == {"0", "4"}
    assert "3,7" in shown and "Efterlevelse" not in shown  # the chosen item is shown in the dropdown
    adherence_chart = bytes(app.trend_image.value)
    assert adherence_chart.startswith(b"\x89PNG")
    app.summary_item.value = "vejledende"
    assert DISAGREEMENT_COLOUR not in app.summary_html.value
    assert bytes(app.trend_image.value) != adherence_chart


def test_a_broken_form_is_explained_instead_of_a_traceback(project):
    path = project.selfeval_dir / "form.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("principles: [P1, P2, P3]", "principles: [P1, P8]"), encoding="utf-8"
    )
    app = SelfEvalApp(project)
    status = html.unescape(app.status.value)
    assert "form.yaml, linje 5" in status and "'P8' findes ikke i kodebogen" in status
    assert "Formularen kan ikke vises" in app.widget.children[0].value


def personal_code(status: str) -> str:
    return re.search(r"Din personlige kode er ([A-Z0-9]{4}-[A-Z0-9]{4})", status).group(1)


def test_opening_saved_answers_again_needs_the_personal_code(project):
    first = SelfEvalApp(project, today=dt.date(2025, 10, 1))
    first.respondent.value = "ZZ"
    first.scores[("P1", "adherence")].value = 5
    first.save_button.click()
    code = personal_code(first.status.value)

    colleague = SelfEvalApp(project, today=dt.date(2025, 10, 1))
    colleague.respondent.value = "ZZ"
    assert colleague.scores[("P1", "adherence")].value is None  # nothing shown without the code
    assert colleague.code.layout.display is None and "personlige kode" in colleague.status.value
    colleague.save_button.click()  # nor overwritten
    assert "personlige kode" in colleague.status.value and on_disk(project, "2025-H2", "ZZ")["answers"]
    colleague.code.value = "AAAA-BBBB"
    colleague.open_button.click()
    assert "Koden passer ikke" in colleague.status.value
    assert colleague.scores[("P1", "adherence")].value is None

    again = SelfEvalApp(project, today=dt.date(2025, 10, 1))
    again.respondent.value = "ZZ"
    again.code.value = code.lower()  # typed as people type it
    again.open_button.click()
    assert again.scores[("P1", "adherence")].value == 5
    stored = (project.selfeval_dir / ".adgangskoder.yaml")
    assert code.replace("-", "") not in stored.read_text() and stored.stat().st_mode & 0o077 == 0


def test_on_the_team_server_the_login_decides_who_answers(project):
    me = Identity(login="support1", role="support", coder=None, respondent="S1")
    app = SelfEvalApp(project, today=dt.date(2025, 10, 1), identity=me)
    assert app.respondent.value == "S1" and app.respondent.disabled
    assert "support1" in app.widget.children[2].value
    app.scores[("P1", "adherence")].value = 3
    app.save_button.click()
    assert on_disk(project, "2025-H2", "S1")["answers"]["P1"]["adherence"] == 3
    assert "personlige kode" not in app.status.value  # the login is enough
    assert not (project.selfeval_dir / ".adgangskoder.yaml").exists()


def test_a_logged_in_member_sees_their_own_answer_for_the_half_year_at_once(project):
    expected = on_disk(project, "2025-H2", "AK")["answers"]["P1"]["adherence"]
    me = Identity(login="support1", role="support", coder=None, respondent="AK")
    app = SelfEvalApp(project, today=dt.date(2025, 10, 1), identity=me)
    assert app.scores[("P1", "adherence")].value == expected  # no need to choose the half year first
    assert "indsendte besvarelse" in app.status.value or "kladde" in app.status.value


def test_personal_data_in_a_draft_is_kept_but_marked_and_blocks_the_submission(app, project):
    app.respondent.value = "EH"
    fill_everything(app, 4)
    app.texts[("P1", "eksempler")].value = "Vi ringede til Fatima Hassan på 22 33 44 55."
    app.save_button.click()
    assert "Gemt kl." in app.status.value and "personoplysninger" in app.status.value and "Fatima" in app.status.value
    assert on_disk(project, "2025-H2", "EH")["status"] == "kladde"
    app.submit_button.click()
    assert "ikke indsendt" in app.status.value and on_disk(project, "2025-H2", "EH")["status"] == "kladde"


FIRST_PAINT = """
import sys, datetime as dt
from workbench.project import Project
from workbench.ui.widgets.selfeval import SelfEvalApp
app = SelfEvalApp(Project(sys.argv[1]), today=dt.date(2025, 9, 15))
assert app.submit_button.description == "Indsend", app.status.value
print(" ".join(m for m in ("pandas", "matplotlib", "spacy", "workbench.report") if m in sys.modules))
"""


def test_the_form_is_built_without_the_summarys_heavy_libraries(project):
    # The first load of the Voilà page waits for this cell; pandas, matplotlib, spaCy and the chapter
    # would more than double it (bench/browser.py), so they wait until the summary is opened.
    run = subprocess.run([sys.executable, "-c", FIRST_PAINT, str(project.root)], capture_output=True, text=True,
                         env=os.environ, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == ""
