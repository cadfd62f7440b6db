"""Judging the principles: assessment files, their validation, evidence, agreement, development, chapter data."""

from __future__ import annotations

import random
from pathlib import Path

import krippendorff
import pytest
import yaml

from workbench.errors import WorkbenchError
from workbench.judgements.agreement import agreements, krippendorff_alpha_ordinal
from workbench.judgements.chapter import chapter_assessments
from workbench.judgements.development import AWAITING_CONSENSUS, JUDGED, NOT_JUDGED, changes, standing
from workbench.judgements.evidence import (
    CodingEvidence,
    EvidenceIndex,
    SelfevalEvidence,
    SurveyEvidence,
    coding_ref,
    quote_ref,
)
from workbench.judgements.model import Criterion, Judgement, QuestionJudgement
from workbench.judgements.store import judgement_path, load_assessments, save_judgement
from workbench.project import Project


def _coding(project: Project, coder: str, code: str, quote: bool | None = None):
    codings = project.coding_store().codings(coder)
    return next(c for c in codings if c.code == code and (quote is None or c.quote == quote))


def _judgement(round_: str, assessor: str, principle: str = "P3", levels=("hoej", "nogen", "mindre"),
               guide=("hoej", "hoej", "nogen", "nogen", "mindre"), evidence=()) -> Judgement:
    questions = {
        q: QuestionJudgement(level=level, rationale=f"Begrundelse for {q}.", evidence=list(evidence) if i == 1 else [])
        for i, (q, level) in enumerate(zip(("relevans", "efterlevelse", "resultat"), levels))
    }
    criteria = {g: Criterion(level=level, rationale="Formuleringen er tydelig.")
                for g, level in zip(("vejledende", "brugbart", "inspirerende", "udviklende", "evaluerbart"), guide)}
    return Judgement(principle=principle, round=round_, assessor=assessor, questions=questions, guide=criteria)


def _write(project_dir: Path, relative: str, text: str) -> Path:
    path = project_dir / "assessments" / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """\
questions:
  relevans:
    level: hoej
    rationale: Rådgiverne beskriver princippet som meningsfuldt.
    evidence: [{ref}]
  efterlevelse:
    level: i nogen grad
    rationale: Delvist fulgt.
guide:
  evaluerbart:
    level: mindre
    rationale: Svært at måle.
"""


def test_a_saved_judgement_lands_in_its_file_and_loads_back_with_its_evidence(chapter_project):
    project = Project(chapter_project)
    coding = _coding(project, "NP", "P3", quote=True)
    judgement = _judgement("2025-H2", "NP", evidence=[coding_ref(coding.id), quote_ref(coding.id),
                                                      "selvevaluering:P3/2025-H2/adherence",
                                                      "spoergeskema:kort/kontakt"])
    path = save_judgement(project, judgement)
    assert path == chapter_project / "assessments" / "2025-H2" / "NP" / "P3.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["questions"]["efterlevelse"]["level"] == "nogen"
    assert data["questions"]["efterlevelse"]["evidence"][0] == f"kodning:{coding.id}"
    [loaded] = load_assessments(project).judgements
    assert loaded == judgement
    index = EvidenceIndex(project)
    kinds = [type(index.resolve(ref)) for ref in loaded.questions["efterlevelse"].evidence]
    assert kinds == [CodingEvidence, CodingEvidence, SelfevalEvidence, SurveyEvidence]


def test_a_hand_written_file_may_use_the_level_labels(chapter_project):
    project = Project(chapter_project)
    coding = _coding(project, "NP", "P3")
    _write(chapter_project, "2025-H1/KL/P3.yaml", GOOD.format(ref=coding_ref(coding.id)))
    [loaded] = load_assessments(project).judgements
    assert (loaded.round, loaded.assessor, loaded.principle) == ("2025-H1", "KL", "P3")
    assert loaded.level("efterlevelse") == "nogen"
    assert loaded.level("resultat") is None  # not judged yet, never filled in


@pytest.mark.parametrize("relative, text, message, line", [
    ("2025-H1/NP/P9.yaml", "questions: {}\n", "Princippet 'P9' findes ikke i kodebogen", None),
    ("2025-H3/NP/P1.yaml", "questions: {}\n", "Vurderingsrunden '2025-H3' er ukendt", None),
    ("2025-H1/XY/P1.yaml", "questions: {}\n", "Bedømmeren 'XY' er ukendt", None),
    ("2025-H1/NP/P1.yaml", "questions:\n  relevans:\n    level: hoej\n  bidrag:\n    level: hoej\n",
     "Spørgsmålet 'bidrag' er ukendt", 4),
    ("2025-H1/NP/P1.yaml", "guide:\n  vejledende: {level: hoej}\n  klar: {level: hoej}\n",
     "GUIDE-kriteriet 'klar' er ukendt", 3),
    ("2025-H1/NP/P1.yaml", "questions:\n  relevans:\n    rationale: x\n    level: fremragende\n",
     "Niveauet 'fremragende' findes ikke i bedømmelsesskalaen", 4),
    ("2025-H1/NP/P1.yaml", "questions:\n  relevans:\n    level: hoej\n    evidence:\n      - kodning:ffffffffffff\n",
     "kodningen 'ffffffffffff' findes ikke", 5),
    ("2025-H1/NP/P1.yaml", "questions:\n  relevans:\n    evidence: [memo:P1]\n", "har en ugyldig form", 3),
    ("2025-H1/NP/P1.yaml", "questions:\n  relevans:\n    evidence:\n      - selvevaluering:P1/2019-H1/adherence\n",
     "selvevalueringstallet 'P1/2019-H1/adherence' findes ikke", 4),
    ("2025-H1/NP/P1.yaml", "questions:\n  relevans:\n    evidence:\n      - spoergeskema:kort/ukendt\n",
     "spørgeskemaspørgsmålet 'kort/ukendt' findes ikke", 4),
    ("2025-H1/NP/P1.yaml", "principle: P2\nquestions: {}\n", "'principle' er 'P2', men filens placering siger 'P1'", 1),
    ("2025-H1/NP/P1.yaml", "questions:\n  relevans:\n    level: hoej\n    begrundelse: x\n",
     "'questions.relevans.begrundelse' er ikke et kendt felt", 4),
    ("2025-H1/NP/P1.yaml", "questions:\n  relevans:\n    level: [hoej\n", "YAML-teksten kan ikke læses", None),
])
def test_every_kind_of_bad_assessment_file_is_a_danish_error_naming_file_and_line(
        chapter_project, relative, text, message, line):
    path = _write(chapter_project, relative, text)
    with pytest.raises(WorkbenchError) as caught:
        load_assessments(Project(chapter_project))
    assert message in caught.value.message
    assert caught.value.path == path
    if line is not None:
        assert caught.value.line == line


def test_saving_an_invalid_judgement_writes_nothing(chapter_project):
    project = Project(chapter_project)
    bad = _judgement("2025-H2", "NP", levels=("hoej", "fremragende", "ikke"))
    with pytest.raises(WorkbenchError, match="Niveauet 'fremragende'"):
        save_judgement(project, bad)
    assert not judgement_path(project, "2025-H2", "NP", "P3").exists()
    with pytest.raises(WorkbenchError, match="Bedømmeren 'Anne Holm' kan ikke bruges"):
        save_judgement(project, _judgement("2025-H2", "Anne Holm"))


def test_evidence_from_a_withdrawn_or_removed_coding_is_reported_and_never_shown(chapter_project):
    project = Project(chapter_project)
    store = project.coding_store()
    withdrawn = project.corpus.get("INT-FAM-02")
    hidden = store.add("NP", withdrawn, "P3", "udfordrende", segment=withdrawn.segments[-1], quote=True)
    removed = store.add("NP", project.corpus.get("OBS-01"), "P3", segment=project.corpus.get("OBS-01").segments[0])
    store.remove("NP", removed.id)
    kept = _coding(project, "NP", "P3", quote=True)
    save_judgement(project, _judgement("2025-H2", "NP", evidence=[quote_ref(hidden.id), coding_ref(removed.id),
                                                                  quote_ref(kept.id)]))
    project = Project(chapter_project)
    assessments = load_assessments(project)
    reasons = {p.ref: (p.reason, p.withdrawn) for p in assessments.problems}
    assert reasons[quote_ref(hidden.id)] == ("samtykket til dokumentet INT-FAM-02 er trukket tilbage", True)
    assert reasons[coding_ref(removed.id)] == ("kodningen er fjernet af koderen", False)
    chapter = chapter_assessments(project, "2025-H2", assessments)
    p3 = next(p for p in chapter.principles if p.principle == "P3")
    cited = p3.questions[1].evidence
    assert [e.ref for e in cited] == [quote_ref(kept.id)]
    assert p3.left_out == 2
    assert "tilbagetrukket" not in repr(chapter)  # a word only the withdrawn transcript contains


def test_a_coding_that_says_which_question_it_speaks_to_is_split_by_it(chapter_project):
    project = Project(chapter_project)
    coding = _coding(project, "NP", "P1", quote=False)
    project.coding_store().update("NP", coding.id, question="efterlevelse")
    index = EvidenceIndex(Project(chapter_project))
    rows = index.coding_table("P1")
    assert sum(r.counts["efterlevelse"] for r in rows) == 1
    assert next(e for e in index.codings("P1") if e.coding_id == coding.id).question == "efterlevelse"


@pytest.mark.parametrize("seed", range(6))
def test_ordinal_alpha_equals_the_krippendorff_package(seed):
    rng = random.Random(seed)
    a = [rng.randint(0, 3) for _ in range(40)]
    b = [x if rng.random() < 0.6 else rng.randint(0, 3) for x in a]
    b[3] = None  # a criterion one assessor left open
    expected = krippendorff.alpha(reliability_data=[[float("nan") if v is None else v for v in a],
                                                    [float("nan") if v is None else v for v in b]],
                                  level_of_measurement="ordinal")
    assert krippendorff_alpha_ordinal(list(zip(a, b))) == pytest.approx(expected)


def test_ordinal_alpha_is_undefined_without_variation_and_one_when_identical():
    assert krippendorff_alpha_ordinal([(1, 1), (1, 1)]) is None
    assert krippendorff_alpha_ordinal([(0, 0), (1, 1), (3, 3)]) == pytest.approx(1.0)


def test_two_assessors_agreement_lists_their_disagreements_and_the_consensus_is_left_out(chapter_project):
    project = Project(chapter_project)
    save_judgement(project, _judgement("2025-H2", "NP", "P3", levels=("hoej", "nogen", "mindre")))
    save_judgement(project, _judgement("2025-H2", "KL", "P3", levels=("hoej", "mindre", "mindre"),
                                       guide=("hoej", "nogen", "nogen", "nogen", "ikke")))
    save_judgement(project, _judgement("2025-H2", "konsensus", "P3", levels=("hoej", "mindre", "ikke")))
    rubric = project.settings.rubric
    [result] = agreements(load_assessments(project).judgements, rubric)
    assert (result.assessor_a, result.assessor_b, result.n, result.identical) == ("KL", "NP", 8, 5)
    assert {(d.criterion, d.level_a, d.level_b, d.steps) for d in result.disagreements} == {
        ("efterlevelse", "mindre", "nogen", 1), ("brugbart", "nogen", "hoej", 1), ("evaluerbart", "ikke", "mindre", 1)}
    ranks = {"hoej": 0, "nogen": 1, "mindre": 2, "ikke": 3}
    kl = ["hoej", "mindre", "mindre", "hoej", "nogen", "nogen", "nogen", "ikke"]
    np_ = ["hoej", "nogen", "mindre", "hoej", "hoej", "nogen", "nogen", "mindre"]
    expected = krippendorff.alpha(reliability_data=[[ranks[v] for v in kl], [ranks[v] for v in np_]],
                                  level_of_measurement="ordinal")
    assert result.alpha == pytest.approx(expected)


def test_the_round_judgement_is_the_consensus_or_the_single_assessor_and_never_invented(chapter_project):
    project = Project(chapter_project)
    save_judgement(project, _judgement("2025-H1", "NP", "P3", levels=("nogen", "mindre", "ikke")))
    save_judgement(project, _judgement("2025-H2", "NP", "P3", levels=("hoej", "nogen", "ikke")))
    save_judgement(project, _judgement("2025-H2", "KL", "P3", levels=("hoej", "mindre", "ikke")))
    save_judgement(project, _judgement("2025-H2", "KL", "P1"))
    judgements = load_assessments(project).judgements
    assert standing(judgements, "P3", "2025-H1").state == JUDGED
    assert standing(judgements, "P3", "2025-H2").state == AWAITING_CONSENSUS
    assert standing(judgements, "P1", "2025-H2").judgement.assessor == "KL"
    assert standing(judgements, "P2", "2025-H2").state == NOT_JUDGED
    save_judgement(project, _judgement("2025-H2", "konsensus", "P3", levels=("hoej", "nogen", "ikke")))
    judgements = load_assessments(project).judgements
    moved = {c.criterion: (c.previous_round, c.previous_level, c.level, c.steps)
             for c in changes(judgements, project.settings.rubric, "P3", "2025-H2")}
    assert moved["relevans"] == ("2025-H1", "nogen", "hoej", 1)
    assert moved["efterlevelse"] == ("2025-H1", "mindre", "nogen", 1)
    assert moved["resultat"] == ("2025-H1", "ikke", "ikke", 0)


def test_chapter_data_per_principle_with_not_judged_yet_and_revised_wordings(chapter_project):
    project = Project(chapter_project)
    quote = _coding(project, "NP", "P3", quote=True)
    first = _judgement("2025-H1", "NP", "P3", evidence=[quote_ref(quote.id)])
    save_judgement(project, first)
    revised = _judgement("2025-H2", "NP", "P3", levels=("hoej", "hoej", "nogen"))
    revised.statement = "Vi gør kontakten til kommunen lettere for familien med faste kontaktpersoner."
    save_judgement(project, revised)
    chapter = chapter_assessments(project)
    assert chapter.round == "2025-H2"
    by_key = {p.principle: p for p in chapter.principles}
    assert [p.principle for p in chapter.principles] == ["P1", "P2", "P3", "P4", "P5"]
    assert by_key["P1"].state == "ikke vurderet endnu" and by_key["P1"].questions == []
    p3 = by_key["P3"]
    assert p3.state == "vurderet" and p3.assessor == "NP"
    assert [(r.criterion, r.level_label) for r in p3.questions] == [
        ("relevans", "i høj grad"), ("efterlevelse", "i høj grad"), ("resultat", "i nogen grad")]
    assert len(p3.guide) == 5
    assert p3.statement == revised.statement
    assert [w.round for w in p3.wordings] == [None]  # the codebook's wording, kept
    assert {c.criterion: c.steps for c in p3.changes}["efterlevelse"] == 1
    older = chapter_assessments(project, "2025-H1")
    cited = {p.principle: p for p in older.principles}["P3"].questions[1].evidence
    assert [e.text for e in cited] == [" ".join(project.corpus.get(quote.doc_id).body[quote.start:quote.end].split())]
