"""Intercoder agreement: the numbers equal the textbook definitions, and resolving writes a consensus."""

from __future__ import annotations

import json
import random
from collections import Counter

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.coding.agreement import (
    PARADOX,
    agreement,
    character_agreement,
    cohen_kappa,
    decision_tallies,
    gwet_ac1,
    krippendorff_alpha_nominal,
    percent_agreement,
    resolve,
)
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


def test_a_code_only_one_coder_used_is_a_disagreement_and_spans_count_for_their_segment(project):
    # MAXQDA's segment rule: inside documents both coded, every segment either coder coded is a unit
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
    assert (report.segments, report.only_a, report.only_b, report.documents) == (3, 1, 1, 1)
    by_code = {m.code: m for m in report.per_code}
    assert set(by_code) == {"F2", "F1", "P3"}
    assert by_code["F2"].percent == 100.0
    # F1: AB yes on 1 of 3 units, CD on none: p_o = 2/3
    assert by_code["F1"].percent == pytest.approx(200 / 3)
    assert [(d.segment_id, d.codes_a, d.codes_b) for d in report.disagreements] == [
        (two.id, {"F1"}, set()), (three.id, set(), {"P3"}),
    ]
    assert "segmentreglen" in report.rules[0]


def test_a_segment_marked_no_code_is_a_decision(project):
    store = project.coding_store()
    document = project.corpus.get("INT-RAD-01")
    one, two, three = document.segments[1], document.segments[2], document.segments[3]
    store.add("AB", document, "F2", segment=one)
    store.add("CD", document, "F2", segment=one)
    store.add("AB", document, "P1", segment=two)
    store.mark_no_code("CD", document, two)  # CD read it and decided nothing applies
    store.mark_no_code("AB", document, three)
    store.mark_no_code("CD", document, three)  # both decided: agreement on absence
    report = agreement(store, project.corpus, project.codebook, "AB", "CD")
    assert report.segments == 3
    p1 = next(m for m in report.per_code if m.code == "P1")
    assert (p1.n, p1.percent) == (3, pytest.approx(200 / 3))


def test_in_documents_both_marked_fully_coded_every_segment_is_a_unit(project):
    store = project.coding_store()
    document = project.corpus.get("INT-RAD-01")
    store.add("AB", document, "P1", segment=document.segments[1])
    store.add("CD", document, "P1", segment=document.segments[1])
    partial = agreement(store, project.corpus, project.codebook, "AB", "CD")
    assert partial.segments == 1
    store.mark_complete("AB", document)
    store.mark_complete("CD", document)
    report = agreement(store, project.corpus, project.codebook, "AB", "CD")
    assert report.segments == len(document.segments)
    assert report.complete_documents == 1 and "alle segmenter" in report.rules[0]
    p1 = report.per_code[0]
    assert (p1.percent, p1.kappa) == (100.0, pytest.approx(1.0))


def test_the_kappa_paradox_is_named_in_words(project):
    # a rare code: both agree on its absence in every unit but one, where AB gave it
    store = project.coding_store()
    segments = all_segments(project)
    assert len(segments) >= 11  # so that one unit in n is under 10 % of them
    for document, segment in segments:
        store.add("AB", document, "F2", segment=segment)
        store.add("CD", document, "F2", segment=segment)
    store.add("AB", segments[0][0], "F9", segment=segments[0][1])
    report = agreement(store, project.corpus, project.codebook, "AB", "CD")
    f9 = next(m for m in report.per_code if m.code == "F9")
    n = len(segments)
    assert f9.percent == pytest.approx(100 * (n - 1) / n) and f9.percent >= 90
    assert f9.kappa == pytest.approx(0.0)
    assert f9.note == PARADOX
    # AC1: π = (1/n + 0)/2, p_e = 2π(1 − π); p_o = (n − 1)/n
    pi = 1 / (2 * n)
    p_e = 2 * pi * (1 - pi)
    assert f9.ac1 == pytest.approx(((n - 1) / n - p_e) / (1 - p_e))
    assert f9.ac1 > 0.9


def test_character_agreement_as_nvivo_worked_by_hand():
    # NVivo's example: 1,000 characters, 50 coded by both, 150 by only one, 800 by neither → 85 %.
    percent, kappa = character_agreement(1000, [(0, 50), (50, 200)], [(0, 50)])  # A: 200, B: 50
    assert percent == pytest.approx(85.0)
    # EF = 200·50/1000 + 800·950/1000 = 10 + 760 = 770; K = (850 − 770) / (1000 − 770) = 80/230
    assert kappa == pytest.approx(80 / 230)
    assert character_agreement(10, [], []) == (100.0, 1.0)  # nothing to tell apart: NVivo says 1


def test_character_figures_per_code_are_weighted_by_document_length(project):
    store = project.coding_store()
    first, second = project.corpus.get("INT-RAD-01"), project.corpus.get("OBS-01")
    s1, s2 = first.segments[1], second.segments[0]
    store.add("AB", first, "P1", segment=s1)
    store.add("CD", first, "P1", span=(s1.start, s1.start + (s1.end - s1.start) // 2))
    store.add("AB", second, "P1", segment=s2)
    store.add("CD", second, "P1", segment=s2)
    report = agreement(store, project.corpus, project.codebook, "AB", "CD")
    p1 = report.per_code[0]
    f1 = character_agreement(len(first.body), [(s1.start, s1.end)], [(s1.start, s1.start + (s1.end - s1.start) // 2)])
    f2 = character_agreement(len(second.body), [(s2.start, s2.end)], [(s2.start, s2.end)])
    total = len(first.body) + len(second.body)
    assert p1.char_percent == pytest.approx((len(first.body) * f1[0] + len(second.body) * f2[0]) / total)
    assert p1.char_kappa == pytest.approx((len(first.body) * f1[1] + len(second.body) * f2[1]) / total)


def test_coders_without_common_segments_get_a_clear_message(project):
    store = project.coding_store()
    document = project.corpus.get("OBS-01")
    other = project.corpus.get("INT-RAD-01")
    store.add("AB", document, "P1", segment=document.segments[0])
    store.add("CD", other, "P1", segment=other.segments[1])
    with pytest.raises(WorkbenchError, match="har ikke kodet nogen af de samme dokumenter"):
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
    assert "i 2 dokumenter, som begge har kodet, over 10 enheder (segmentreglen" in out
    assert "P1 Familien" in out and "80 %" in out and "0,60" in out
    assert "I alt (kode × enhed)" in out and "90 %" in out and "0,73" in out
    assert "Gwets AC1" in out and "Tegn: kappa" in out
    assert "– = ikke defineret" in out
    assert "Uenigheder: 2 enheder" in out

    assert main(["--project", root, "agreement", "--coders", "AB,CD", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    p1 = data["per_code"][0]
    assert (p1["code"], p1["n"], p1["percent"], p1["kappa"]) == ("P1", 10, 80.0, pytest.approx(0.6))
    assert data["per_code"][1]["kappa"] is None and "ikke defineret" in data["per_code"][1]["note"]
    assert data["disagreements"][0]["codes_a"] == ["F2", "P1"]

    assert main(["--project", root, "agreement", "--coders", "AB"]) == 2
    assert "præcis to kodere" in capsys.readouterr().err


# ---------------------------------------------------------------- against reference implementations

@pytest.mark.parametrize("seed", range(8))
def test_kappa_ac1_and_alpha_equal_scikit_learn_irrcac_and_krippendorff(seed):
    import pandas as pd
    from irrCAC.raw import CAC
    from sklearn.metrics import cohen_kappa_score

    rng = np.random.default_rng(seed)
    n = int(rng.integers(8, 80))
    prevalence = rng.uniform(0.05, 0.6)
    a = rng.random(n) < prevalence
    b = np.where(rng.random(n) < 0.8, a, rng.random(n) < prevalence)
    if a.all() == a.any() and b.all() == b.any() and a[0] == b[0]:
        b[0] = not b[0]  # keep something to disagree about
    pairs = list(zip(a.tolist(), b.tolist()))
    assert cohen_kappa(pairs) == pytest.approx(cohen_kappa_score(a, b))
    cac = CAC(pd.DataFrame({"A": a.astype(int), "B": b.astype(int)}), categories=[0, 1])
    assert gwet_ac1(pairs) == pytest.approx(cac.gwet()["est"]["coefficient_value"], abs=1e-4)
    assert krippendorff_alpha_nominal(pairs) == pytest.approx(
        krippendorff.alpha(reliability_data=[a.astype(int), b.astype(int)], level_of_measurement="nominal"))


def test_ac1_worked_by_hand():
    # 10 units: both yes 2, A only 1, B only 1, both no 6. p_o = 0.8.
    # π_yes = (3 + 3) / 20 = 0.3; p_e = (0.3·0.7 + 0.7·0.3) / (2 − 1) = 0.42; AC1 = (0.8 − 0.42) / 0.58
    pairs = [(1, 1)] * 2 + [(1, 0)] + [(0, 1)] + [(0, 0)] * 6
    assert gwet_ac1(pairs, categories=(0, 1)) == pytest.approx(0.38 / 0.58)


def test_a_fixture_project_recomputed_by_hand(project):
    """Every figure recomputed from the raw codings with plain counting, independent of the module."""
    rng = random.Random(3)
    store = project.coding_store()
    docs = [d for d in project.corpus.included][:3]
    given: dict = {}
    for coder in ("AB", "CD"):
        for document in docs:
            for segment in document.segments:
                if rng.random() < 0.5:
                    code = rng.choice(["P1", "P2", "F3"])
                    store.add(coder, document, code, segment=segment)
                    given.setdefault((document.id, segment.id), {"AB": set(), "CD": set()})[coder].add(code)
    report = agreement(store, project.corpus, project.codebook, "AB", "CD")
    # units: the segments either coder coded, inside the documents both coded
    compared = {doc for doc, _ in given if any(given[k]["AB"] for k in given if k[0] == doc)
                and any(given[k]["CD"] for k in given if k[0] == doc)}
    order = [(d.id, s.id) for d in docs for s in d.segments]
    units = sorted((k for k in given if k[0] in compared), key=order.index)
    assert report.segments == len(units)
    for measure in report.per_code:
        both = sum(measure.code in given[u]["AB"] and measure.code in given[u]["CD"] for u in units)
        neither = sum(measure.code not in given[u]["AB"] and measure.code not in given[u]["CD"] for u in units)
        yes_a = sum(measure.code in given[u]["AB"] for u in units)
        yes_b = sum(measure.code in given[u]["CD"] for u in units)
        n = len(units)
        p_o = (both + neither) / n
        p_e = (yes_a * yes_b + (n - yes_a) * (n - yes_b)) / n**2
        assert measure.percent == pytest.approx(100 * p_o)
        assert measure.kappa == pytest.approx((p_o - p_e) / (1 - p_e))


# ---------------------------------------------------------------- the tallied measures equal the unit-by-unit sums

def _alpha_unit_by_unit(units):
    """Krippendorff's alpha summed unit by unit, as the definition reads (the measures now tally distinct units)."""
    from collections import Counter, defaultdict

    coincidences = defaultdict(float)
    for unit in units:
        values = Counter(v for v in unit if v is not None)
        m = sum(values.values())
        if m < 2:
            continue
        for c, count_c in values.items():
            for k, count_k in values.items():
                coincidences[(c, k)] += (count_c * (count_k - 1) if c == k else count_c * count_k) / (m - 1)
    totals = defaultdict(float)
    for (c, _), value in coincidences.items():
        totals[c] += value
    n = sum(totals.values())
    observed = sum(v for (c, k), v in coincidences.items() if c != k)
    expected = sum(totals[c] * totals[k] for c in totals for k in totals if c != k)
    return None if n <= 1 or expected == 0 else 1 - (n - 1) * observed / expected


@pytest.mark.parametrize("seed", range(20))
def test_tallied_measures_are_exactly_the_unit_by_unit_figures(seed):
    rng = random.Random(seed)
    share = rng.choice([0.01, 0.1, 0.5])
    pairs = [(rng.random() < share, rng.random() < share) for _ in range(rng.randint(1, 3000))]
    n = len(pairs)
    agreed = sum(a == b for a, b in pairs)
    assert percent_agreement(pairs) == 100.0 * agreed / n
    yes_a, yes_b = sum(a for a, _ in pairs), sum(b for _, b in pairs)
    chance = yes_a * yes_b + (n - yes_a) * (n - yes_b)
    assert cohen_kappa(pairs) == (None if chance == n * n else (agreed / n - chance / n**2) / (1 - chance / n**2))
    assert krippendorff_alpha_nominal(pairs) == _alpha_unit_by_unit(pairs)
    three = [(a, b, rng.choice([a, b, None])) for a, b in pairs]  # three coders, some missing: fractions
    expected = _alpha_unit_by_unit(three)
    assert krippendorff_alpha_nominal(three) == (None if expected is None else pytest.approx(expected, rel=1e-12))


# ---------------------------------------------------------------- the fast paths against their plain versions


def _character_agreement_by_character(length, spans_a, spans_b):
    """NVivo's figures as first written: one boolean per character, set by slicing."""
    a, b = np.zeros(length, dtype=bool), np.zeros(length, dtype=bool)
    for start, end in spans_a:
        a[start:end] = True
    for start, end in spans_b:
        b[start:end] = True
    coded_a, coded_b = int(a.sum()), int(b.sum())
    agreed = int((a == b).sum())
    chance = (coded_a * coded_b + (length - coded_a) * (length - coded_b)) / length
    kappa = 1.0 if chance == length else (agreed - chance) / (length - chance)
    return 100.0 * agreed / length, kappa


_SPANS = st.lists(st.tuples(st.integers(-5, 70), st.integers(-5, 70)), max_size=6)


@settings(max_examples=500, deadline=None)
@given(st.integers(1, 60), _SPANS, _SPANS)
def test_character_figures_from_the_spans_are_the_character_by_character_figures(length, spans_a, spans_b):
    assert character_agreement(length, spans_a, spans_b) == _character_agreement_by_character(length, spans_a, spans_b)


_UNIT_CODES = st.frozensets(st.sampled_from(["P1", "P2", "F1", "F2"]))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_UNIT_CODES, _UNIT_CODES), max_size=40))
def test_decision_tallies_in_one_pass_count_what_a_pass_per_code_counts(decided):
    units = [("D1", f"S{n:03d}") for n in range(len(decided))]
    codes_a = {u: set(a) for u, (a, _) in zip(units, decided)}
    codes_b = {u: set(b) for u, (_, b) in zip(units, decided)}
    codes = sorted(set().union(*codes_a.values(), *codes_b.values()))
    per_code = {code: Counter((code in codes_a[u], code in codes_b[u]) for u in units) for code in codes}
    assert decision_tallies(units, codes_a, codes_b, codes) == per_code
