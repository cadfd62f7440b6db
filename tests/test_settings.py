"""project.yaml: one validated file of settings; without it the workbench behaves as before."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from workbench.errors import WorkbenchError
from workbench.project import Project
from workbench.project.settings import ProjectSettings, load_settings

VALID = """\
title: Evaluering af Familieindsatsen
period: 2024–2026
author: Evalueringsenheden
min_group_size: 4
small_group_documents: 6
survey_suppress_below: 3
survey_flag_below: 8
primary_coder: KL
disagreement_range: 2
disagreement_sd: 1.5
"""


def _write(project: Path, text: str) -> Path:
    path = project / "project.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _error(project: Path) -> WorkbenchError:
    with pytest.raises(WorkbenchError) as caught:
        Project(project).settings  # noqa: B018  (loading is the point)
    return caught.value


def test_a_valid_file_gives_its_values(mini_project):
    _write(mini_project, VALID)
    settings = Project(mini_project).settings
    assert (settings.title, settings.period, settings.author) == (
        "Evaluering af Familieindsatsen", "2024–2026", "Evalueringsenheden"
    )
    assert (settings.min_group_size, settings.small_group_documents) == (4, 6)
    assert (settings.survey_suppress_below, settings.survey_flag_below) == (3, 8)
    assert (settings.primary_coder, settings.disagreement_range, settings.disagreement_sd) == ("KL", 2, 1.5)


def test_no_file_and_an_empty_file_give_todays_numbers(mini_project):
    todays = (3, 5, 3, 5, 10, None, 3, 1.2)

    def numbers(s: ProjectSettings) -> tuple:
        return (s.min_group_size, s.small_group_documents, s.min_respondents, s.survey_suppress_below,
                s.survey_flag_below, s.primary_coder, s.disagreement_range, s.disagreement_sd)

    assert numbers(Project(mini_project).settings) == todays
    _write(mini_project, "# alle standardværdier\n")
    assert numbers(load_settings(mini_project)) == todays
    _write(mini_project, "")
    assert numbers(load_settings(mini_project)) == todays


def test_broken_yaml_is_a_danish_error_with_the_line(mini_project):
    path = _write(mini_project, "title: Evaluering\nperiod: [2024\nauthor: NN\n")
    error = _error(mini_project)
    assert error.path == path and error.line in (2, 3)  # libyaml notices the open list on the next line
    assert f"linje {error.line}: YAML-teksten kan ikke læses" in str(error)


def test_an_unknown_key_is_named_with_its_line(mini_project):
    path = _write(mini_project, "title: Evaluering\nmin_groupsize: 4\n")
    error = _error(mini_project)
    assert (error.path, error.line) == (path, 2)
    assert "'min_groupsize' er ikke et kendt felt" in error.message


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        (
            "survey_suppress_below: 5\nsurvey_flag_below: 4\n",
            2,
            "'survey_flag_below': er 4, men må ikke være mindre end survey_suppress_below (5)",
        ),
        ("min_group_size: 0\n", 1, "'min_group_size' er for lille"),
        ("title: Evaluering\ndisagreement_sd: 0\n", 2, "'disagreement_sd'"),
        ("disagreement_range: tre\n", 1, "'disagreement_range' skal være et heltal"),
        ("primary_coder: Niels Peter\n", 1, "'primary_coder' har en ugyldig form"),
        ("title: ''\n", 1, "'title' må ikke være tom"),
    ],
)
def test_bad_thresholds_are_refused_with_the_line(mini_project, text, line, words):
    path = _write(mini_project, text)
    error = _error(mini_project)
    assert (error.path, error.line) == (path, line)
    assert words in error.message


def test_a_list_instead_of_settings_is_refused(mini_project):
    path = _write(mini_project, "- title\n- period\n")
    error = _error(mini_project)
    assert (error.path, error.line) == (path, 1)
    assert "YAML-samling" in error.message


def test_a_command_with_a_broken_settings_file_exits_2_in_danish(mini_project):
    _write(mini_project, "title: Evaluering\nsurvey_flag_below: 2\n")
    result = subprocess.run(
        [sys.executable, "-c", "import sys; from workbench.ui.cli import main; sys.exit(main(sys.argv[1:]))",
         "--project", str(mini_project), "report"],
        capture_output=True, text=True,
    )
    assert result.returncode == 2
    assert "project.yaml, linje 2: 'survey_flag_below': er 2" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (mini_project / "exports").exists()


def test_the_example_project_settings_are_valid():
    settings = load_settings(Path(__file__).parents[1])
    assert settings.title and settings.period and settings.author
