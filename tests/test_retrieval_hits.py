"""Retrieval for the coding view: one hit per coding of the chosen coder, with the place to jump
to, and the segments behind each matrix cell."""

from __future__ import annotations

import pytest
from test_retrieval import coded  # noqa: F401  (the fixture)

from workbench.coding.retrieval import (
    code_group_matrix,
    cooccurrence,
    cooccurrence_cell,
    matrix_cell,
    retrieve_hits,
)
from workbench.errors import WorkbenchError


@pytest.fixture
def with_consensus(coded):  # noqa: F811
    store = coded.coding_store()
    rad = coded.corpus.get("INT-RAD-01")
    consent = rad.segment("S004.1")
    store.add("konsensus", rad, "F1", "understøttende", segment=consent)
    store.add("konsensus", rad, "P4", "understøttende", segment=consent)
    return coded


def test_one_hit_per_coding_of_the_consensus_by_default(with_consensus):
    project = with_consensus
    result = retrieve_hits(project.coding_store(), project.corpus, project.codebook, code="F1")
    assert result.coders == ("konsensus",) and result.count == 1 and result.documents == 1
    [hit] = result.hits
    body = project.corpus.get("INT-RAD-01").body
    assert body[hit.start : hit.end] == hit.text and hit.text.startswith("Samtykket er afgørende")
    assert (hit.doc_id, hit.segments, hit.group, hit.group_name, hit.valence) == (
        "INT-RAD-01", ("S004.1",), "radgiver", "Rådgivere (SOF og BIF)", "understøttende"
    )


def test_a_chosen_coder_or_all_coders(with_consensus):
    project = with_consensus
    store, corpus, codebook = project.coding_store(), project.corpus, project.codebook
    ab = retrieve_hits(store, corpus, codebook, coder="AB", code="F1")
    assert [(h.coder, h.quote, h.memo) for h in ab.hits] == [("AB", True, "samtykke åbner")]
    every = retrieve_hits(store, corpus, codebook, all_coders=True, code="F1")
    assert sorted(h.coder for h in every.hits) == ["AB", "CD", "konsensus"] and every.count == 3
    assert set(every.coders) == {"AB", "CD", "konsensus"}
    # current codings only: AB's stale FAM-01 coding and the withdrawn document are left out
    hits = retrieve_hits(store, corpus, codebook, coder="AB").hits
    assert sorted((h.doc_id, h.code) for h in hits) == [
        ("INT-FAM-01", "P3"), ("INT-RAD-01", "F1"), ("INT-RAD-01", "P4"), ("OBS-01", "P1")
    ]
    assert [h.doc_id for h in retrieve_hits(store, corpus, codebook, coder="AB", doc_id="OBS-01").hits] == ["OBS-01"]
    with pytest.raises(WorkbenchError, match="ingen kodninger fra 'XY'"):
        retrieve_hits(store, corpus, codebook, coder="XY")


def test_without_a_consensus_a_coder_must_be_chosen(coded):  # noqa: F811
    with pytest.raises(WorkbenchError, match="ingen kodninger fra 'konsensus'. Vælg en koder blandt: AB, CD"):
        retrieve_hits(coded.coding_store(), coded.corpus, coded.codebook)


def test_a_matrix_cell_opens_the_segments_it_counts(coded):  # noqa: F811
    store, corpus, codebook = coded.coding_store(), coded.corpus, coded.codebook
    matrix = code_group_matrix(store, corpus, codebook)
    for code in codebook.codes:
        for group in codebook.respondent_groups:
            if group.name in matrix.columns:
                cell = matrix_cell(store, corpus, code.key, group.key)
                assert len(cell) == matrix.loc[code.label, group.name]
    [segment] = matrix_cell(store, corpus, "F1", "radgiver")
    assert (segment.doc_id, segment.segment_id) == ("INT-RAD-01", "S004.1") and len(segment.coding_ids) == 2
    assert corpus.get("INT-RAD-01").body[segment.start : segment.end] == segment.text
    assert len(matrix_cell(store, corpus, "P4", "radgiver", valence="udfordrende", coder="CD")) == 1


@pytest.mark.parametrize("same_coder", [True, False])
def test_a_cooccurrence_cell_opens_the_segments_it_counts(coded, same_coder):  # noqa: F811
    store, corpus, codebook = coded.coding_store(), coded.corpus, coded.codebook
    table = cooccurrence(store, corpus, codebook, same_coder=same_coder)
    for principle in codebook.principles:
        for factor in codebook.factors:
            cell = cooccurrence_cell(store, corpus, principle.key, factor.key, same_coder=same_coder)
            assert len(cell) == table.loc[principle.label, factor.label]
    [segment] = cooccurrence_cell(store, corpus, "P4", "F1", same_coder=same_coder)
    assert segment.segment_id == "S004.1"


def test_coverage_counts_coded_ingen_kode_and_open_segments(mini_project):
    from workbench.coding.retrieval import coverage
    from workbench.project import Project

    project = Project(mini_project)
    store = project.coding_store()
    fam = project.corpus.get("INT-FAM-01")
    store.add("AB", fam, "P3", segment=fam.segment("S002"))
    store.mark_no_code("AB", fam, fam.segment("S001"))
    state = coverage(store, fam, "AB")
    assert (state.coded, state.no_code, state.total, state.open, state.complete) == (1, 1, 4, 2, False)
    store.mark_no_code("AB", fam, fam.segment("S003"))
    store.add("AB", fam, "P1", segment=fam.segment("S004"))
    store.mark_complete("AB", fam)
    state = coverage(store, fam, "AB")
    assert (state.open, state.complete) == (0, True)
    assert coverage(store, fam, "CD").open == 4
