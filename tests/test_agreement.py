"""Intercoder agreement: the numbers equal the textbook definitions, and resolving writes a consensus."""

from __future__ import annotations

import json
import random

import krippendorff
import numpy as np
import pytest

from workbench.coding.agreement import agreement, cohen_kappa, krippendorff_alpha_nominal, percent_agreement, resolve
from workbench.errors import WorkbenchError
from workbench.project import Project
from workbench.ui.cli import main


def all_segments(project):
    return [(d, s) for d in project.corpus.included for s in d.segments]


# ---------------------------------------------------------------- the formulas, worked by hand

def test_kappa_example_with_equal_marginals():
    # 10 segments. A gives the code to 1-5, B to 1-4 and 6.
    # Agree on 1-4 (both yes) and 7-10 (both no): p_o = 8/10 = 0.8.
    # A says yes 5/10 = 0.5, B 5/10 = 0.5: p_e = 0.5·0.5 + 0.5·0.5 = 0.5.
    # kappa = (0.8 − 0.5) / (1 − 0.5) = 0.6.
    a = [1, 1, 1, 1, 1, 0, 0, 0, 0, 0]
    b = [1, 1, 1, 1, 0, 1, 0, 0, 0, 0]
    pairs = list(zip(a, b))
    assert percent_agreement(pairs) == pytest.approx(80.0)
    assert cohen_kappa(pairs) == pytest.approx(0.6)


def test_kappa_example_with_unequal_marginals():
    # 20 segments: both yes 2, A only 3, B only 1, both no 14.
    # p_o = (2 + 14) / 20 = 0.8.
    # A yes 5/20 = 0.25, B yes 3/20 = 0.15: p_e = 0.25·0.15 + 0.75·0.85 = 0.0375 + 0.6375 = 0.675.
    # kappa = (0.8 − 0.675) / (1 − 0.675) = 0.125 / 0.325 = 0.384615...
    pairs = [(1, 1)] * 2 + [(1, 0)] * 3 + [(0, 1)] * 1 + [(0, 0)] * 14
    assert cohen_kappa(pairs) == pytest.approx(0.125 / 0.325)
    assert cohen_kappa(pairs) == pytest.approx(0.384615, abs=1e-6)


def test_kappa_below_chance_is_negative():
    # 4 segments, always opposite: p_o = 0; p_e = 0.5·0.5 + 0.5·0.5 = 0.5; kappa = (0 − 0.5) / 0.5 = −1.
    assert cohen_kappa([(1, 0), (0, 1), (1, 0), (0, 1)]) == pytest.approx(-1.0)


def test_kappa_and_alpha_are_undefined_when_nothing_varies():
    # Both coders said yes everywhere: p_e = 1·1 + 0·0 = 1, so (p_o − p_e)/(1 − p_e) divides by zero.
    pairs = [(1, 1)] * 5
    assert percent_agreement(pairs) == 100.0
    assert cohen_kappa(pairs) is None
    assert krippendorff_alpha_nominal(pairs) is None


def test_alpha_worked_by_hand():
    # Units (A, B): (1,1) (1,0) (0,0) (0,0). Coincidences (m_u − 1 = 1): o_11 = 2, o_10 = o_01 = 1, o_00 = 4.
    # n_1 = 3, n_0 = 5, n.. = 8. alpha = 1 − (8 − 1)·(1 + 1) / (3·5 + 5·3) = 1 − 14/30 = 0.5333...
    assert krippendorff_alpha_nominal([(1, 1), (1, 0), (0, 0), (0, 0)]) == pytest.approx(1 - 14 / 30)


@pytest.mark.parametrize("seed", range(6))
def test_alpha_equals_the_krippendorff_package_on_random_data(seed):
    rng = np.random.default_rng(seed)
    coders, units, categories = int(rng.integers(2, 5)), int(rng.integers(5, 60)), int(rng.integers(2, 5))
    data = rng.integers(0, categories, size=(coders, units)).astype(float)
    data[rng.random(size=data.shape) < 0.15] = np.nan  # some missing values
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    by_unit = [[None if np.isnan(v) else int(v) for v in column] for column in data.T]
    assert krippendorff_alpha_nominal(by_unit) == pytest.approx(expected)


# ---------------------------------------------------------------- on a project

@pytest.fixture
def project(mini_project):
    return Project(mini_project)


def code_like_the_first_kappa_example(project):
    """Ten segments both coders coded F2; P1 as in the first worked example (A: 1-5, B: 1-4 and 6)."""
    store = project.coding_store()
    segments = all_segments(project)[:10]
    for number, (document, segment) in enumerate(segments, start=1):
        store.add("AB", document, "F2", segment=segment)
        store.add("CD", document, "F2", segment=segment)
        if number <= 5:
            store.add("AB", document, "P1", segment=segment)
        if number <= 4 or number == 6:
            store.add("CD", document, "P1", segment=segment)
    return store, segments


def test_report_per_code_and_pooled(project):
    store, segments = code_like_the_first_kappa_example(project)
    report = agreement(store, project.corpus, project.codebook, "AB", "CD")
    assert report.segments == 10
    p1, f2 = report.per_code
    assert (p1.code, p1.n, p1.percent) == ("P1", 10, pytest.approx(80.0))
    assert p1.kappa == pytest.approx(0.6)
    assert (f2.code, f2.n, f2.percent, f2.kappa, f2.alpha) == ("F2", 10, 100.0, None, None)
    assert "ikke defineret" in f2.note
    # Pooled: 20 decisions (10 segments × 2 codes), 18 agree: p_o = 0.9.
    # A yes 15/20 = 0.75, B yes 15/20 = 0.75: p_e = 0.75² + 0.25² = 0.625; kappa = 0.275 / 0.375 = 0.7333...
    assert (report.overall.n, report.overall.percent) == (20, pytest.approx(90.0))
    assert report.overall.kappa == pytest.approx(0.275 / 0.375)
    a = [1] * 5 + [0] * 5
    b = [1, 1, 1, 1, 0, 1, 0, 0, 0, 0]
    assert p1.alpha == pytest.approx(krippendorff.alpha(reliability_data=[a, b], level_of_measurement="nominal"))
    assert [(d.segment_id, d.codes_a, d.codes_b) for d in report.disagreements] == [
        (segments[4][1].id, {"F2", "P1"}, {"F2"}),
        (segments[5][1].id, {"F2"}, {"F2", "P1"}),
    ]
    assert report.disagreements[0].text == segments[4][1].text


def test_report_alpha_equals_the_package_on_random_codings(project):
    rng = random.Random(7)
    store = project.coding_store()
    segments = all_segments(project)
    codes = ["P1", "P2", "F1"]
    given = {}
    for coder in ("AB", "CD"):
        for document, segment in segments:
            chosen = [c for c in codes if rng.random() < 0.45] or [rng.choice(codes)]
            given[(coder, segment.id, document.id)] = set(chosen)
            for code in chosen:
                store.add(coder, document, code, segment=segment)
    report = agreement(store, project.corpus, project.codebook, "AB", "CD")
    assert report.segments == len(segments)
    for measure in report.per_code:
        data = [[int(measure.code in given[(coder, s.id, d.id)]) for d, s in segments] for coder in ("AB", "CD")]
        assert measure.alpha == pytest.approx(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))
    pooled = [
        [int(code in given[(coder, s.id, d.id)]) for code in [m.code for m in report.per_code] for d, s in segments]
        for coder in ("AB", "CD")
    ]
    assert report.overall.alpha == pytest.approx(
        krippendorff.alpha(reliability_data=pooled, level_of_measurement="nominal")
    )


def test_only_segments_both_coded_count_and_spans_count_for_their_segment(project):
    store = project.coding_store()
    document = project.corpus.get("INT-RAD-01")
    one, two, three = document.segments[1], document.segments[3], document.segments[5]
    store.add("AB", document, "F2", segment=one)
    store.add("CD", document, "F2", span=(one.start + 5, one.start + 40))  # a span inside the segment
    store.add("AB", document, "F1", segment=two)  # only AB coded this one
    store.add("CD", document, "P3", segment=three)  # only CD coded this one
    withdrawn = project.corpus.get("INT-FAM-02")
    for coder in ("AB", "CD"):
        store.add(coder, withdrawn, "P1" if coder == "AB" else "P2", segment=withdrawn.segments[1])
    report = agreement(store, project.corpus, project.codebook, "AB", "CD")
    assert (report.segments, report.only_a, report.only_b) == (1, 1, 1)
    assert [m.code for m in report.per_code] == ["F2"]
    assert report.disagreements == []


def test_coders_without_common_segments_get_a_clear_message(project):
    store = project.coding_store()
    document = project.corpus.get("OBS-01")
    store.add("AB", document, "P1", segment=document.segments[0])
    store.add("CD", document, "P1", segment=document.segments[1])
    with pytest.raises(WorkbenchError, match="har ikke kodet nogen af de samme segmenter"):
        agreement(store, project.corpus, project.codebook, "AB", "CD")
    with pytest.raises(WorkbenchError, match="Koderen 'EF' har ingen kodninger"):
        agreement(store, project.corpus, project.codebook, "AB", "EF")


def test_resolve_copies_agreement_and_writes_decisions(project):
    store, segments = code_like_the_first_kappa_example(project)
    store.update("AB", next(c.id for c in store.codings("AB") if c.code == "F2"), valence="udfordrende", memo="tungt")
    report = agreement(store, project.corpus, project.codebook, "AB", "CD")
    fifth_doc, fifth = segments[4][0].id, segments[4][1].id
    added, removed = resolve(store, project.corpus, report, {(fifth_doc, fifth): {"P1"}})
    consensus = {(c.doc_id, c.segment_id, c.code) for c in store.codings("konsensus")}
    expected = {(d.id, s.id, "F2") for d, s in segments}  # agreed everywhere
    expected |= {(d.id, s.id, "P1") for d, s in segments[:4]}  # agreed P1
    expected |= {(fifth_doc, fifth, "P1")}  # decided: P1, and not F2 ...
    expected -= {(fifth_doc, fifth, "F2")}
    # ... the undecided sixth segment gets what both gave (F2), awaiting a decision on P1
    assert consensus == expected
    assert (added, removed) == (len(expected), 0)
    first_doc, first = segments[0][0].id, segments[0][1].id
    copied = next(c for c in store.codings("konsensus") if (c.doc_id, c.segment_id, c.code) == (first_doc, first, "F2"))
    assert (copied.valence, copied.memo) == ("udfordrende", "tungt")  # from the first coder's coding

    again = agreement(store, project.corpus, project.codebook, "AB", "CD")
    assert resolve(store, project.corpus, again, {(fifth_doc, fifth): {"P1"}}) == (0, 0)  # nothing twice
    added, removed = resolve(store, project.corpus, again, {(fifth_doc, fifth): {"F2"}})
    assert (added, removed) == (1, 1)
    assert {c.code for c in store.codings("konsensus") if (c.doc_id, c.segment_id) == (fifth_doc, fifth)} == {"F2"}


def test_resolve_checks_everything_before_writing(project):
    store, segments = code_like_the_first_kappa_example(project)
    report = agreement(store, project.corpus, project.codebook, "AB", "CD")
    first = (segments[0][0].id, segments[0][1].id)
    with pytest.raises(WorkbenchError, match="ikke et af de segmenter, koderne er uenige om"):
        resolve(store, project.corpus, report, {first: {"P1"}})
    key = (report.disagreements[0].doc_id, report.disagreements[0].segment_id)
    with pytest.raises(WorkbenchError, match="Koden 'P9'"):
        resolve(store, project.corpus, report, {key: {"P9"}})
    with pytest.raises(WorkbenchError, match="andet navn"):
        resolve(store, project.corpus, report, {}, consensus_coder="AB")
    assert store.codings("konsensus") == []


def test_cli_prints_danish_table_and_disagreements(project, capsys):
    code_like_the_first_kappa_example(project)
    root = str(project.root)
    assert main(["--project", root, "agreement", "--coders", "AB,CD"]) == 0
    out = capsys.readouterr().out
    assert "over 10 segmenter, som begge har kodet" in out
    assert "P1 Familien" in out and "80 %" in out and "0,60" in out
    assert "\nI alt " in out and "90 %" in out and "0,73" in out
    assert "– = ikke defineret" in out
    assert "Uenigheder: 2 segmenter" in out

    assert main(["--project", root, "agreement", "--coders", "AB,CD", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    p1 = data["per_code"][0]
    assert (p1["code"], p1["n"], p1["percent"], p1["kappa"]) == ("P1", 10, 80.0, pytest.approx(0.6))
    assert data["per_code"][1]["kappa"] is None and "ikke defineret" in data["per_code"][1]["note"]
    assert data["disagreements"][0]["codes_a"] == ["F2", "P1"]

    assert main(["--project", root, "agreement", "--coders", "AB"]) == 2
    assert "præcis to kodere" in capsys.readouterr().err
