"""The self-evaluation library: form and answer validation, history on resubmission, the summary
against hand-computed figures, the CLI, and the free texts as codable documents."""

from __future__ import annotations

import datetime as dt
import json
import math
import shutil
from pathlib import Path

import pytest

from workbench.errors import WorkbenchError
from workbench.material.corpus import segment_body
from workbench.project import Project
from workbench.report.figures import selfeval_trend_figure as trend_figure
from workbench.report.figures import selfeval_trend_png as trend_png
from workbench.selfeval.answers import check_respondent, current_answer, new_evaluation, submitted_evaluations
from workbench.selfeval.form import load_form
from workbench.selfeval.period import Period
from workbench.selfeval.store import personal_data, save_draft, submit
from workbench.selfeval.summary import summary_table
from workbench.selfeval.texts import codable_documents, free_texts
from workbench.ui.cli import main

FIXTURE = Path(__file__).parent / "fixtures" / "selfeval"


@pytest.fixture
def project(mini_project) -> Project:
    """The mini project with the self-evaluation fixture: 2025-H1 AK, BT, CM submitted and DL a draft;
    2025-H2 AK and BT submitted (BT resubmitted), CM a draft over an earlier submission."""
    shutil.copytree(FIXTURE, mini_project / "selfeval", dirs_exist_ok=True)
    return Project(mini_project)


def full_answers(project: Project, score: int = 4) -> dict:
    form = load_form(project)
    return {
        p: {i.key: (score if i.kind == "score" else f"Et eksempel om {p} fra [en familie].") for i in form.items}
        for p in form.principles
    }


def error_of(call) -> str:
    with pytest.raises(WorkbenchError) as caught:
        call()
    return str(caught.value)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1) if needle in line)


# -- periods and respondents


def test_period_is_parsed_with_its_dates_and_danish_label():
    period = Period.parse("2025-H2")
    assert (period.start, period.end, period.label) == (dt.date(2025, 7, 1), dt.date(2025, 12, 31), "2. halvår 2025")
    assert Period.containing(dt.date(2026, 3, 1)) == Period(2026, 1)
    assert Period(2026, 1).previous() == Period(2025, 2)
    assert min([Period(2025, 2), Period(2024, 1), Period(2025, 1)]) == Period(2024, 1)


@pytest.mark.parametrize("name", ["Anne Krogh", "anne Krogh Hansen", "AnneKrogh", "Anne.Krogh"])
def test_a_full_name_is_refused_as_respondent(name):
    assert "ligner et fuldt navn" in error_of(lambda: check_respondent(name))


@pytest.mark.parametrize("name", ["AK", "ØH", "sol7", "Ravn"])
def test_initials_and_pseudonyms_are_accepted(name):
    assert check_respondent(f" {name} ") == name


def test_respondent_with_path_characters_is_refused():
    assert "uden mellemrum" in error_of(lambda: check_respondent("../AK"))


# -- the form


def test_form_lists_principles_items_scales_and_required_flags(project):
    form = load_form(project)
    assert form.principles == ("P1", "P2", "P3")
    assert [i.key for i in form.score_items] == ["adherence", "vejledende", "brugbart"]
    assert [i.key for i in form.items if i.required] == ["adherence", "vejledende", "eksempler"]
    assert form.scale_of(form.item("adherence")).labels[5] == "I meget høj grad"


def test_unknown_principle_in_the_form_names_file_and_line(project):
    path = project.selfeval_dir / "form.yaml"
    edit(path, "principles: [P1, P2, P3]", "principles:\n  - P1\n  - P9")
    message = error_of(lambda: load_form(project))
    assert f"{path}, linje {line_of(path, '- P9')}" in message and "'P9' findes ikke i kodebogen" in message


def test_scale_without_a_label_for_every_step_is_refused(project):
    path = project.selfeval_dir / "form.yaml"
    edit(path, "4: I høj grad, ", "")
    assert "én tekst til hvert trin fra 1 til 5" in error_of(lambda: load_form(project))


# -- answer files


def test_unknown_principle_in_an_answer_names_file_and_line(project):
    path = project.selfeval_dir / "2025-H1" / "BT.yaml"
    edit(path, "  P3:", "  P7:")
    message = error_of(lambda: summary_table(project))
    assert f"{path}, linje {line_of(path, 'P7:')}" in message
    assert "Princippet 'P7' findes ikke i selvevalueringsformularen" in message


def test_score_out_of_range_names_file_and_line(project):
    path = project.selfeval_dir / "2025-H1" / "CM.yaml"
    edit(path, "adherence: 5", "adherence: 7")
    message = error_of(lambda: summary_table(project))
    assert f"{path}, linje {line_of(path, 'adherence: 7')}" in message
    assert "er 7, men skal være et helt tal fra 1 til 5" in message


def test_malformed_period_folder_is_refused(project):
    (project.selfeval_dir / "2025-H1").rename(project.selfeval_dir / "2025-H3")
    message = error_of(lambda: summary_table(project))
    assert "2025-H3" in message and "ÅÅÅÅ-H1" in message and "Omdøb mappen" in message


def test_malformed_period_in_an_answer_names_the_line(project):
    path = project.selfeval_dir / "2025-H1" / "AK.yaml"
    edit(path, "period: 2025-H1", "period: 2025-H3")
    message = error_of(lambda: summary_table(project))
    assert f"{path}, linje 3" in message and "halvåret '2025-H3' har en ugyldig form" in message


def test_broken_yaml_names_the_line(project):
    path = project.selfeval_dir / "2025-H2" / "AK.yaml"
    edit(path, "    vejledende: 3\n", "    vejledende: [3\n")
    message = error_of(lambda: summary_table(project))
    assert str(path) in message and "linje" in message and "YAML-teksten kan ikke læses" in message


def test_full_name_in_an_answer_file_is_refused(project):
    path = project.selfeval_dir / "2025-H1" / "AK.yaml"
    edit(path, "respondent: AK", "respondent: Anne Krogh")
    message = error_of(lambda: summary_table(project))
    assert f"{path}, linje 2" in message and "ligner et fuldt navn" in message


def test_missing_required_answers_are_listed_and_nothing_is_written(project):
    answers = full_answers(project)
    del answers["P2"]["vejledende"]
    answers["P3"]["eksempler"] = "   "
    evaluation = new_evaluation("EH", "2025-H2", answers)
    message = error_of(lambda: submit(project, evaluation))
    assert "påkrævede svar mangler: P2 Sammenhæng: Vejledende; P3 Kontakt: Eksempler fra praksis." in message
    assert not (project.selfeval_dir / "2025-H2" / "EH.yaml").exists()


def test_invalid_score_from_the_form_is_refused_before_writing(project):
    answers = full_answers(project)
    answers["P1"]["adherence"] = 6
    message = error_of(lambda: save_draft(project, new_evaluation("EH", "2025-H2", answers)))
    assert "skal være et helt tal fra 1 til 5" in message
    assert not (project.selfeval_dir / "2025-H2" / "EH.yaml").exists()


# -- storing, history and drafts


def test_resubmitting_keeps_the_earlier_version_in_history(project):
    first = new_evaluation("EH", "2026-H1", full_answers(project, 2))
    path = submit(project, first, now=dt.datetime(2026, 5, 1, 10, 0, 5)).path
    earlier_text = path.read_text(encoding="utf-8")
    submit(project, new_evaluation("EH", "2026-H1", full_answers(project, 5)), now=dt.datetime(2026, 6, 1, 9, 0))

    history = sorted((project.selfeval_dir / "2026-H1" / ".historik" / "EH").iterdir())
    assert [p.name for p in history] == ["2026-05-01T10-00-05.yaml"]
    assert history[0].read_text(encoding="utf-8") == earlier_text
    current = current_answer(project, load_form(project), Period(2026, 1), "EH")
    assert (current.status, current.value("P1", "adherence")) == ("indsendt", 5)
    counted = [e for e in submitted_evaluations(project) if e.period == Period(2026, 1)]
    assert [e.value("P1", "adherence") for e in counted] == [5]


def test_a_draft_over_a_submission_keeps_the_submission_counted(project):
    submit(project, new_evaluation("EH", "2026-H1", full_answers(project, 2)), now=dt.datetime(2026, 5, 1, 10, 0))
    save_draft(project, new_evaluation("EH", "2026-H1", {"P1": {"adherence": 5}}), now=dt.datetime(2026, 5, 2, 8, 0))

    form = load_form(project)
    assert current_answer(project, form, Period(2026, 1), "EH").status == "kladde"
    assert len(list((project.selfeval_dir / "2026-H1" / ".historik" / "EH").iterdir())) == 1
    row = summary_table(project).query("period == '2026-H1' and principle == 'P1' and item == 'adherence'")
    # the submission counts (n = 1), but one answer is one person's score: its figures are suppressed
    assert (int(row["n"].iloc[0]), bool(row["suppressed"].iloc[0])) == (1, True)
    assert math.isnan(row["mean"].iloc[0])


def test_a_draft_alone_is_not_counted_and_drafts_never_enter_history(project):
    save_draft(project, new_evaluation("EH", "2026-H1", {"P1": {"adherence": 3}}))
    save_draft(project, new_evaluation("EH", "2026-H1", {"P1": {"adherence": 4}}))
    assert not (project.selfeval_dir / "2026-H1" / ".historik").exists()
    assert "2026-H1" not in set(summary_table(project)["period"])


def test_written_file_reads_back_with_texts_as_written(project):
    answers = full_answers(project)
    answers["P1"]["udfordret"] = "Første linje.\nAnden linje med [jobrådgiveren]."
    path = submit(project, new_evaluation("ØH", "2026-H1", answers)).path
    assert path == project.selfeval_dir / "2026-H1" / "ØH.yaml"
    again = current_answer(project, load_form(project), Period(2026, 1), "ØH")
    assert again.value("P1", "udfordret") == "Første linje.\nAnden linje med [jobrådgiveren]."
    text = path.read_text(encoding="utf-8")
    assert "status: indsendt" in text and "*id" not in text  # timestamps written out, no YAML aliases


# -- the summary


def test_summary_matches_hand_computed_values(project):
    table = summary_table(project).set_index(["principle", "period", "item"])

    def row(principle, period, item):
        return table.loc[(principle, period, item)]

    # 2025-H1, P1 adherence: AK 2, BT 4, CM 5 (DL's draft is left out)
    p1 = row("P1", "2025-H1", "adherence")
    assert (p1["n"], p1["median"], p1["min"], p1["max"]) == (3, 4.0, 2, 5)
    assert p1["mean"] == pytest.approx(11 / 3)
    assert p1["sd"] == pytest.approx(math.sqrt(7 / 3))  # deviations -5/3, 1/3, 4/3 → 42/9 / 2
    assert p1["disagreement"]  # range 3
    # 2025-H2, P1 adherence: AK 3, BT 4 (current, not the earlier 1), CM 5 (submitted; the later draft says 1)
    p1_h2 = row("P1", "2025-H2", "adherence")
    assert (p1_h2["n"], p1_h2["mean"], p1_h2["median"], p1_h2["sd"]) == (3, 4.0, 4.0, 1.0)
    assert not p1_h2["disagreement"]
    # P3 2025-H1: 3, 5, 1 → range 4 and sd 2
    p3 = row("P3", "2025-H1", "adherence")
    assert (p3["mean"], p3["sd"], p3["disagreement"]) == (3.0, 2.0, True)
    # P2 2025-H1 vejledende: 4, 5, 5
    p2 = row("P2", "2025-H1", "vejledende")
    assert (p2["mean"], p2["median"], p2["disagreement"]) == (pytest.approx(14 / 3), 5.0, False)
    # an optional item answered by one person: n 1, no standard deviation
    one = row("P1", "2025-H1", "brugbart")
    assert one["n"] == 1 and math.isnan(one["sd"])
    assert ("P2", "2025-H1", "brugbart") not in table.index


def test_cli_summary_as_json_and_danish_text(project, capsys):
    assert main(["--project", str(project.root), "selfeval-summary", "--json"]) == 0
    records = json.loads(capsys.readouterr().out)
    first = next(r for r in records if (r["principle"], r["period"], r["item"]) == ("P1", "2025-H1", "adherence"))
    assert first == {
        "principle": "P1", "principle_name": "Familien", "period": "2025-H1", "item": "adherence",
        "item_label": "Efterlevelse", "n": 3, "mean": 3.667, "median": 4.0, "min": 2, "max": 5, "sd": 1.528,
        "disagreement": True, "suppressed": False,
    }
    assert main(["--project", str(project.root), "selfeval-summary"]) == 0
    text = capsys.readouterr().out
    assert "P1 Familien" in text and "1. halvår 2025" in text
    p1_line = next(line for line in text.split("\n") if "Efterlevelse" in line)
    assert p1_line.split()[-6:] == ["3", "3,7", "4,0", "2–5", "1,5", "uenighed"]


def test_cli_reports_a_broken_answer_file_with_exit_code_2(project, capsys):
    edit(project.selfeval_dir / "2025-H1" / "CM.yaml", "adherence: 5", "adherence: fem")
    assert main(["--project", str(project.root), "selfeval-summary"]) == 2
    assert "CM.yaml, linje" in capsys.readouterr().err


def test_trend_chart_has_one_line_per_principle_and_decimal_commas(project):
    figure = trend_figure(project)
    axes = figure.axes[0]
    assert [line.get_label() for line in axes.get_lines()] == ["P1 Familien", "P2 Sammenhæng", "P3 Kontakt"]
    assert [t.get_text() for t in axes.get_xticklabels()] == ["1. halvår 2025", "2. halvår 2025"]
    assert "2,5" in [t.get_text() for t in axes.get_yticklabels()]
    assert trend_png(project, "vejledende").startswith(b"\x89PNG")
    assert "'eksempler' er ikke et scorespørgsmål" in error_of(lambda: trend_png(project, "eksempler"))


# -- free texts as codable material


def test_each_free_text_answer_becomes_its_own_segment(project):
    documents = {d.id: d for d in codable_documents(project)}
    assert sorted(documents) == [
        "SE-2025-H1-AK", "SE-2025-H1-BT", "SE-2025-H1-CM", "SE-2025-H2-AK", "SE-2025-H2-BT", "SE-2025-H2-CM",
    ]
    ak = documents["SE-2025-H1-AK"]
    assert (ak.meta.type, ak.meta.group, ak.meta.role, ak.meta.unit) == (
        "selfeval",
        "supportteam",
        "medarbejder",
        "supportteam",
    )
    assert ak.meta.date == dt.date(2025, 6, 30)
    segments = segment_body(ak.id, ak.body, ak.meta.type)
    assert [s.text for s in segments] == [
        "P1 Familien – Eksempler fra praksis: Vi spurgte [en mor] til hendes ønsker, før planen blev lavet.",
        "P1 Familien – Hvad har udfordret: Fædrene deltog sjældent i møderne. Vi nåede ikke at tale med de større "
        "børn.",
        "P2 Sammenhæng – Eksempler fra praksis: Familiens Plan samlede aftalerne fra SOF og BIF på ét ark.",
        "P3 Kontakt – Eksempler fra praksis: Kerneteamet holdt fælles samtaler, så familien slap for at fortælle det "
        "hele igen.",
    ]
    assert all(s.speaker is None for s in segments)


def test_an_answer_that_looks_like_a_speaker_turn_stays_one_segment(project):
    answers = full_answers(project)
    answers["P1"]["eksempler"] = "Mor: sagde at hun var glad.\n\nVi aftalte et nyt møde."
    submit(project, new_evaluation("EH", "2026-H1", answers))
    document = next(d for d in codable_documents(project) if d.id == "SE-2026-H1-EH")
    first = document.segments[0]
    assert first.text == "P1 Familien – Eksempler fra praksis: Mor: sagde at hun var glad. Vi aftalte et nyt møde."


def test_submitted_answers_appear_in_the_coding_corpus_and_drafts_do_not(project):
    ids = [d.id for d in project.codable_corpus.documents]
    assert "INT-RAD-01" in ids and "SE-2025-H1-AK" in ids
    assert "SE-2025-H1-DL" not in ids  # a draft
    cm = project.codable_corpus.get("SE-2025-H2-CM")  # the submitted version from history, not the draft
    assert cm.path.parent.name == "CM" and cm.path.parent.parent.name == ".historik"


def test_project_without_self_evaluations_has_no_codable_answers(mini_project):
    assert codable_documents(Project(mini_project)) == []


def test_free_texts_point_at_the_file_line_of_every_free_text(project):
    path = project.selfeval_dir / "2025-H1" / "AK.yaml"
    sources = [s for s in free_texts(project) if s.path == path]
    assert [(s.line, s.text.split("\n")[0]) for s in sources] == [
        (line_of(path, "eksempler: Vi spurgte"), "Vi spurgte [en mor] til hendes ønsker, før planen blev lavet."),
        (line_of(path, "Fædrene deltog"), "Fædrene deltog sjældent i møderne."),
        (line_of(path, "Familiens Plan samlede"), "Familiens Plan samlede aftalerne fra SOF og BIF på ét ark."),
        (
            line_of(path, "Kerneteamet holdt"),
            "Kerneteamet holdt fælles samtaler, så familien slap for at fortælle det hele igen.",
        ),
    ]
    paths = {project.relative(s.path) for s in free_texts(project)}
    assert "selfeval/2025-H1/DL.yaml" in paths  # drafts are scanned too
    assert "selfeval/2025-H2/.historik/BT/2025-11-02T10-00-00.yaml" in paths  # and history


def test_figures_below_the_minimum_number_of_respondents_are_suppressed_everywhere(project, capsys):
    """With two answers a mean shows a colleague's score: the CLI, the JSON and the tables print none."""
    form = load_form(project)
    for respondent, score in (("AA", 1), ("BB", 5)):
        answers = {p: {i.key: score if i.kind == "score" else "Vi holdt møder." for i in form.items if i.required}
                   for p in form.principles}
        submit(project, new_evaluation(respondent, "2027-H1", answers))
    table = summary_table(project).query("period == '2027-H1'")
    assert len(table) and table["suppressed"].all() and table["mean"].isna().all() and (table["n"] == 2).all()
    assert main(["--project", str(project.root), "selfeval-summary", "--json"]) == 0
    records = [r for r in json.loads(capsys.readouterr().out) if r["period"] == "2027-H1"]
    assert records and all(r["suppressed"] and r["mean"] is None and r["min"] is None for r in records)


def test_personal_data_in_a_free_text_stops_the_submission_but_not_the_draft(project):
    form = load_form(project)
    text_item = next(i for i in form.items if i.kind != "score")
    answers = {p: {i.key: 3 if i.kind == "score" else "Et godt møde." for i in form.items if i.required}
               for p in form.principles}
    answers[form.principles[0]][text_item.key] = (
        "Mødet med Fatima Hassan på Tingbjerg Skole gik godt, ring 22 33 44 55."
    )
    evaluation = new_evaluation("CC", "2027-H1", answers)
    found = personal_data(project, evaluation)
    assert any("navn" in line and "Fatima" in line for line in found)
    with pytest.raises(WorkbenchError, match="kan indeholde personoplysninger"):
        submit(project, evaluation)
    save_draft(project, evaluation)  # nobody loses their writing
    assert current_answer(project, form, Period(2027, 1), "CC").status == "kladde"
