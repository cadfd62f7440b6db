"""Retrieving codings and cross-tables, as an evaluator reads them."""

from __future__ import annotations

import io

import pytest
from matplotlib.image import imread

from workbench.coding.retrieval import (
    COLUMNS,
    code_group_matrix,
    cooccurrence,
    progress,
    retrieve,
)
from workbench.project import Project
from workbench.report.figures import heatmap_png


@pytest.fixture
def coded(mini_project):
    """Two coders on the mini project, one stale coding and one on a withdrawn document."""
    project = Project(mini_project)
    store = project.coding_store()
    rad, fam, obs = (project.corpus.get(i) for i in ("INT-RAD-01", "INT-FAM-01", "OBS-01"))
    consent = next(s for s in rad.segments if s.text.startswith("Samtykket er afgørende"))
    store.add("AB", rad, "F1", "understøttende", segment=consent, memo="samtykke åbner", quote=True)
    store.add("AB", rad, "P4", "understøttende", segment=consent)
    store.add("CD", rad, "F1", "understøttende", span=(consent.start, consent.start + 23))  # inside the segment
    store.add("CD", rad, "P4", "udfordrende", segment=rad.segments[-1])
    store.add("AB", fam, "P1", "understøttende", segment=fam.segments[3])
    store.add("AB", fam, "P3", "understøttende", segment=fam.segments[1])
    store.add("AB", obs, "P1", "neutral", segment=obs.segments[2])
    withdrawn = project.corpus.get("INT-FAM-02")
    store.add("AB", withdrawn, "P1", segment=withdrawn.segments[1])
    path = fam.path
    path.write_text(path.read_text(encoding="utf-8").replace("Ja, de spørger", "Ja, de spurgte"), encoding="utf-8")
    return Project(mini_project)


def test_retrieve_returns_current_codings_with_danish_columns(coded):
    frame = retrieve(coded.coding_store(), coded.corpus, coded.codebook)
    assert list(frame.columns) == COLUMNS
    # the edited FAM-01 coding (stale) and the withdrawn document are left out
    assert sorted(frame["dokument"]) == ["INT-FAM-01", "INT-RAD-01", "INT-RAD-01", "INT-RAD-01", "INT-RAD-01", "OBS-01"]
    assert "INT-FAM-02" not in set(frame["dokument"])
    row = frame[(frame["koder"] == "AB") & (frame["kode"] == "F1 Samtykket er afgørende")].iloc[0]
    assert row["gruppe"] == "Rådgivere (SOF og BIF)"
    assert (row["type"], row["rolle"], row["enhed"], row["valens"]) == (
        "interview",
        "Rådgiver",
        "BIF",
        "understøttende",
    )
    assert bool(row["citat"]) is True and row["memo"] == "samtykke åbner"
    assert row["tekst"].startswith("Samtykket er afgørende") and row["segment"] == "S004.1"
    span = frame[(frame["koder"] == "CD") & (frame["kode"] == "F1 Samtykket er afgørende")].iloc[0]
    assert span["tekst"] == "Samtykket er afgørende."


def test_retrieve_filters_by_code_group_type_valence_and_coder(coded):
    store, corpus, codebook = coded.coding_store(), coded.corpus, coded.codebook

    def find(**filters):
        frame = retrieve(store, corpus, codebook, **filters)
        return sorted(zip(frame["koder"], frame["kode"].str.split().str[0], frame["dokument"]))

    assert find(code="P4") == [("AB", "P4", "INT-RAD-01"), ("CD", "P4", "INT-RAD-01")]
    assert find(code="P4", valence="udfordrende") == [("CD", "P4", "INT-RAD-01")]
    assert find(group="familie") == [("AB", "P3", "INT-FAM-01")]
    assert find(doc_type="observation") == [("AB", "P1", "OBS-01")]
    assert find(coder="CD", code="F1") == [("CD", "F1", "INT-RAD-01")]
    assert find(code=["P1", "P3"]) == [("AB", "P1", "OBS-01"), ("AB", "P3", "INT-FAM-01")]
    assert retrieve(store, corpus, codebook, code="F9").empty
    assert list(retrieve(store, corpus, codebook, code="F9").columns) == COLUMNS


def test_code_group_matrix_counts_segments_once(coded):
    matrix = code_group_matrix(coded.coding_store(), coded.corpus, coded.codebook)
    assert list(matrix.columns) == ["Forældre", "Rådgivere (SOF og BIF)", "Mødeobservationer"]
    assert matrix.index[0] == "P1 Familien" and len(matrix) == len(coded.codebook.codes)
    # F1 on the consent segment by two coders (one as a span inside it) is one coded segment
    assert matrix.loc["F1 Samtykket er afgørende", "Rådgivere (SOF og BIF)"] == 1
    assert matrix.loc["P4 Helheden", "Rådgivere (SOF og BIF)"] == 2
    assert matrix.loc["P1 Familien"].tolist() == [0, 0, 1]  # the FAM-01 P1 coding is stale
    assert matrix.loc["P3 Kontakt", "Forældre"] == 1
    assert int(matrix.to_numpy().sum()) == 5

    only_cd = code_group_matrix(coded.coding_store(), coded.corpus, coded.codebook, coder="CD")
    assert int(only_cd.to_numpy().sum()) == 2

    split = code_group_matrix(
        coded.coding_store(), coded.corpus, coded.codebook, valence_split=True, kinds=["principle"]
    )
    assert list(split.index) == ["P1 Familien", "P2 Sammenhæng", "P3 Kontakt", "P4 Helheden", "P5 Viden"]
    assert split.loc["P4 Helheden", ("Rådgivere (SOF og BIF)", "understøttende")] == 1
    assert split.loc["P4 Helheden", ("Rådgivere (SOF og BIF)", "udfordrende")] == 1
    assert split.loc["P1 Familien", ("Mødeobservationer", "neutral")] == 1


def test_cooccurrence_by_the_same_coder_or_any(coded):
    store = coded.coding_store()
    rad = coded.corpus.get("INT-RAD-01")
    store.add("CD", rad, "P2", segment=rad.segments[-1])
    store.add("AB", rad, "F4", segment=rad.segments[-1])  # P2 by CD and F4 by AB on the same segment
    same = cooccurrence(store, coded.corpus, coded.codebook)
    assert list(same.index) == [c.label for c in coded.codebook.principles]
    assert list(same.columns) == [c.label for c in coded.codebook.factors]
    assert same.loc["P4 Helheden", "F1 Samtykket er afgørende"] == 1  # AB coded both on the consent segment
    assert same.loc["P2 Sammenhæng", "F4 En fast struktur for samarbejdet"] == 0
    assert int(same.to_numpy().sum()) == 1
    pooled = cooccurrence(store, coded.corpus, coded.codebook, same_coder=False)
    assert pooled.loc["P2 Sammenhæng", "F4 En fast struktur for samarbejdet"] == 1
    assert pooled.loc["P4 Helheden", "F4 En fast struktur for samarbejdet"] == 1  # CD's P4 there too
    assert int(pooled.to_numpy().sum()) == 3


def test_progress_counts_coded_segments_of_the_document(coded):
    store = coded.coding_store()
    rad, fam = coded.corpus.get("INT-RAD-01"), coded.corpus.get("INT-FAM-01")
    assert progress(store, rad, "AB") == (1, len(rad.segments))
    assert progress(store, rad, "CD") == (2, len(rad.segments))
    assert progress(store, fam, "AB") == (1, 4)  # the stale P1 coding no longer counts
    assert progress(store, fam, "CD") == (0, 4)


def test_heatmap_is_a_png_of_the_table(coded):
    matrix = code_group_matrix(coded.coding_store(), coded.corpus, coded.codebook, kinds=["principle"])
    data = heatmap_png(matrix, "Kodede segmenter fordelt på kode og gruppe")
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    image = imread(io.BytesIO(data))
    assert image.shape[0] > 200 and image.shape[1] > 300
    split = code_group_matrix(coded.coding_store(), coded.corpus, coded.codebook, valence_split=True)
    assert heatmap_png(split, "Med valens").startswith(b"\x89PNG")
