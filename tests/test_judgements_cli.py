"""`workbench assessments [--json] [--round R] [--xlsx]` on a small fixture project."""

from __future__ import annotations

import json

import openpyxl
import pytest

from workbench.judgements.evidence import quote_ref
from workbench.judgements.model import Criterion, Judgement, QuestionJudgement
from workbench.judgements.store import save_judgement
from workbench.project import Project
from workbench.ui.cli import main


def _save(project: Project, round_: str, assessor: str, levels, guide_level="nogen", evidence=()):
    questions = {
        q: QuestionJudgement(level=level, rationale=f"{assessor} om {q}: belægget er samstemmende.",
                             evidence=list(evidence))
        for q, level in zip(("relevans", "efterlevelse", "resultat"), levels)
    }
    guide = {"vejledende": Criterion(level=guide_level, rationale="Giver retning."),
             "evaluerbart": Criterion(level="mindre", rationale="Svær at måle.")}
    save_judgement(project, Judgement(principle="P3", round=round_, assessor=assessor, questions=questions,
                                      guide=guide))


@pytest.fixture
def judged(chapter_project):
    project = Project(chapter_project)
    store = project.coding_store()
    quote = next(c for c in store.codings("NP") if c.code == "P3" and c.quote)
    withdrawn = project.corpus.get("INT-FAM-02")
    hidden = store.add("NP", withdrawn, "P3", "udfordrende", segment=withdrawn.segments[-1], quote=True)
    _save(project, "2025-H1", "NP", ("nogen", "mindre", "mindre"))
    _save(project, "2025-H2", "NP", ("hoej", "nogen", "mindre"), evidence=[quote_ref(quote.id), quote_ref(hidden.id)])
    _save(project, "2025-H2", "KL", ("hoej", "mindre", "mindre"), guide_level="hoej")
    _save(project, "2025-H2", "konsensus", ("hoej", "nogen", "mindre"), evidence=[quote_ref(quote.id)])
    return chapter_project, quote, hidden


def test_json_lists_every_judged_question_and_guide_criterion_and_the_agreement(judged, capsys):
    folder, quote, hidden = judged
    assert main(["--project", str(folder), "assessments", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    rows = out["judgements"]
    assert len(rows) == 4 * 5  # four judgements × (three questions + two GUIDE criteria written)
    assert set(rows[0]) >= {"principle", "round", "assessor", "question", "level", "rationale", "evidence"}
    np_h2 = {r["question"]: r for r in rows if (r["round"], r["assessor"]) == ("2025-H2", "NP")}
    assert np_h2["efterlevelse"]["level"] == "nogen"
    assert np_h2["efterlevelse"]["evidence"] == [quote_ref(quote.id)]  # the withdrawn one left out
    assert np_h2["vejledende"]["kind"] == "guide" and np_h2["vejledende"]["level"] == "nogen"
    [agreement] = out["agreement"]
    assert agreement["round"] == "2025-H2" and agreement["assessors"] == ["KL", "NP"]
    assert agreement["n"] == 5 and agreement["identical"] == 3
    assert {(d["question"], d["level_a"], d["level_b"]) for d in agreement["disagreements"]} == {
        ("efterlevelse", "mindre", "nogen"), ("vejledende", "hoej", "nogen")}
    assert isinstance(agreement["alpha"], float)
    moved = {(d["question"], d["previous_level"], d["level"], d["steps"]) for d in out["development"]}
    assert moved == {("relevans", "nogen", "hoej", 1), ("efterlevelse", "mindre", "nogen", 1),
                     ("resultat", "mindre", "mindre", 0), ("vejledende", "nogen", "nogen", 0),
                     ("evaluerbart", "mindre", "mindre", 0)}  # the consensus of 2025-H2 against NP's 2025-H1
    problems = out["unavailable_evidence"]
    assert [p["question"] for p in problems] == ["relevans", "efterlevelse", "resultat"]  # cited under each
    assert {(p["ref"], p["withdrawn"], p["file"]) for p in problems} == {
        (quote_ref(hidden.id), True, "assessments/2025-H2/NP/P3.yaml")}


def test_round_filter_and_danish_text(judged, capsys):
    folder, _, hidden = judged
    assert main(["--project", str(folder), "assessments", "--round", "2025-H1", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {r["round"] for r in out["judgements"]} == {"2025-H1"} and out["agreement"] == []
    assert main(["--project", str(folder), "assessments"]) == 0
    text = capsys.readouterr().out
    assert "Vurderinger – 2. halvår 2025" in text
    assert "P3 Kontakt – vurderet" in text and "P1 Familien – ikke vurderet endnu" in text
    assert "Enighed mellem KL og NP: Krippendorffs alpha (ordinal)" in text
    assert "Uenige om P3 efterlevelse: KL i mindre grad, NP i nogen grad" in text
    assert "Siden 1. halvår 2025: relevans i nogen grad → i høj grad; efterlevelse i mindre grad → i nogen grad" in text
    assert f"{quote_ref(hidden.id)} – samtykket til dokumentet INT-FAM-02 er trukket tilbage" in text
    assert "tilbagetrukket" not in text  # never the withdrawn transcript's words


def test_xlsx_export_has_the_same_rows(judged, capsys):
    folder, quote, _ = judged
    out_file = folder / "exports" / "v.xlsx"
    assert main(["--project", str(folder), "assessments", "--xlsx", str(out_file)]) == 0
    book = openpyxl.load_workbook(out_file)
    sheet = book["Vurderinger"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    data = [r for r in rows if r[0] and r[0].endswith("halvår 2025")]
    assert len(data) == 20
    assert ("2. halvår 2025", "P3 Kontakt", "NP", "Spørgsmål", "Efterlevelse", "i nogen grad") == data[
        next(i for i, r in enumerate(data) if r[2] == "NP" and r[4] == "Efterlevelse" and r[0].startswith("2."))][:6]
    assert "Enighed om vurderinger" in book.sheetnames


def test_xlsx_export_refuses_a_rationale_with_personal_data(judged, capsys):
    folder, _, _ = judged
    path = folder / "assessments" / "2025-H2" / "KL" / "P3.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Giver retning.", "Ring til mor på 22 33 44 55."),
                    encoding="utf-8")
    assert main(["--project", str(folder), "assessments", "--xlsx"]) == 2
    assert "mulige personoplysninger" in capsys.readouterr().err
    assert not (folder / "exports" / "vurderinger.xlsx").exists()


def test_a_bad_file_exits_2_with_file_and_line(judged, capsys):
    folder, _, _ = judged
    path = folder / "assessments" / "2025-H2" / "KL" / "P3.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("level: mindre", "level: middel", 1), encoding="utf-8")
    assert main(["--project", str(folder), "assessments", "--json"]) == 2
    err = capsys.readouterr().err
    assert "assessments/2025-H2/KL/P3.yaml, linje" in err and "Niveauet 'middel'" in err


def test_the_export_is_registered_with_the_gate_and_refuses_text_from_withdrawn_material(judged, capsys):
    from workbench.privacy.gate import EXPORTERS

    assert "assessments-xlsx" in EXPORTERS
    folder, _, _ = judged
    path = folder / "assessments" / "2025-H2" / "NP" / "P3.yaml"
    copied = "Det har været fint, men jeg vil ikke være med i evalueringen længere."  # from INT-FAM-02 (withdrawn)
    path.write_text(path.read_text(encoding="utf-8").replace("Giver retning.", copied), encoding="utf-8")
    assert main(["--project", str(folder), "assessments", "--xlsx"]) == 2
    err = capsys.readouterr().err
    assert "trukket sit samtykke tilbage" in err and "assessments/2025-H2/NP/P3.yaml" in err
    assert not (folder / "exports" / "vurderinger.xlsx").exists()
