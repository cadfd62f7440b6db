"""The chapter's coding tallies against the plain versions that list every source up front.

`ChapterData.agreement_tallies` counts n and the agreeing units from the segments either coder coded, and
`coding_tally` counts the distinct units without making a Source each; both list their sources only when they
are read (`DeferredSources`). The oracles below are the earlier, obviously correct versions: list every source
(for agreement: regroup the two coders' codings by segment, walk every code and unit) and count the distinct
units among them. Both must give the same numbers and the same sources in the same order."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.coding import evidence
from workbench.coding.agreement import AgreementReport, CodeAgreement
from workbench.coding.retrieval import segment_codings
from workbench.coding.store import Coding
from workbench.material.codebook import VALENCES
from workbench.project import Project
from workbench.report.data import ChapterData
from workbench.report.model import DeferredSources, Source, Tally

FIXTURES = Path(__file__).parent / "fixtures"

CODES = ("P1", "P2", "P3", "F1")
CODERS = ("AB", "CD")


def oracle_tallies(data: ChapterData, report: AgreementReport, code: str | None) -> tuple[Tally, Tally, Tally]:
    a, b = report.coders
    current = [c for c in data.current_codings if c.coder in (a, b)]
    by_unit = segment_codings(current, data.corpus)
    codes = [code] if code is not None else [c.code for c in report.per_code]
    found = []
    for key in codes:
        for doc_id, segment_id in report.units:
            codings = [c for c in by_unit.get((doc_id, segment_id), []) if c.code == key]
            has_a = any(c.coder == a for c in codings)
            has_b = any(c.coder == b for c in codings)
            unit = f"{doc_id} {segment_id}" if code is not None else f"{key} {doc_id} {segment_id}"
            given = f"{a}: {'ja' if has_a else 'nej'}, {b}: {'ja' if has_b else 'nej'}"
            options: list[Coding | None] = [*codings] or [None]
            for coding in options:
                found.append(Source(
                    "kodning", unit, coding.id if coding else "–", doc_id,
                    f"{segment_id}" + (f", tegn {coding.start}–{coding.end}" if coding else ""),
                    coding.coder if coding else "", key, given, counts=has_a == has_b, coding=coding,
                ))
    sources = tuple(found)
    agreeing = len({s.unit for s in sources if s.counts})
    units = len({s.unit for s in sources})
    return (Tally("enheder", "antal", float(units), sources),
            Tally("enheder, hvor koderne er enige", "andel", 100 * agreeing / units if units else None, sources),
            Tally("enheder, som målet er beregnet over", "statistik", None, sources))


def oracle_coding_tally(data: ChapterData, code: str, groups: list[str], what: str, valence: str | None,
                        by: str) -> Tally:
    if any(name in data.small_groups for name in groups):
        return Tally(what, "antal", None, suppressed="undertrykt")
    keys = {g.key for g in data.codebook.respondent_groups if g.name in set(groups)}
    found = []
    for (doc_id, segment_id), codings in sorted(data.evidence_index.codings_behind(code).items()):
        document = data.corpus[doc_id]
        if document.meta.group not in keys or (by == "person" and document.meta.type not in evidence.PERSON_TYPES):
            continue
        for coding in codings:
            if valence is not None and coding.valence != valence:
                continue
            unit = f"{doc_id} {segment_id} ({coding.valence})" if by == "segment" else doc_id
            found.append(Source(
                "kodning", unit, coding.id, doc_id, f"{segment_id}, tegn {coding.start}–{coding.end}",
                coding.coder, f"{coding.code} {coding.valence}", coding=coding,
            ))
    return Tally(what, "antal", float(len({s.unit for s in found})), tuple(found))


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Project:
    target = tmp_path_factory.mktemp("tallies") / "projekt"
    shutil.copytree(FIXTURES / "mini", target)
    return Project(target)


def _codings(project: Project, draw) -> list[Coding]:
    documents = project.corpus.included
    codings = []
    for number in range(draw(st.integers(0, 40))):
        document = draw(st.sampled_from(documents))
        if draw(st.booleans()):  # a whole segment
            segment = draw(st.sampled_from(document.segments))
            start, end, segment_id = segment.start, segment.end, segment.id
        else:  # a span, maybe over several segments, maybe naming no segment
            start = draw(st.integers(0, len(document.body) - 2))
            end = draw(st.integers(start + 1, min(len(document.body), start + 900)))
            segment_id = draw(st.sampled_from([None, *[s.id for s in document.segments]]))
        codings.append(Coding(f"c{number}", draw(st.sampled_from(CODERS)), document.id, segment_id, start, end,
                              draw(st.sampled_from(CODES)), draw(st.sampled_from(VALENCES)), ""))
    return codings


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_the_counted_tallies_give_what_the_listed_ones_give(project, data):
    chapter = ChapterData(project)
    chapter.__dict__["current_codings"] = _codings(project, data.draw)
    all_units = [(d.id, s.id) for d in project.corpus.included for s in d.segments]
    units = data.draw(st.lists(st.sampled_from(all_units), unique=True))
    used = data.draw(st.lists(st.sampled_from(CODES), unique=True))
    measures = [CodeAgreement(code, len(units), 0.0, None, None) for code in used]
    report = AgreementReport(CODERS, measures, CodeAgreement("I alt", 0, 0.0, None, None), len(units), [],
                             units=units)
    for code in [*used, None]:
        fast, slow = chapter.agreement_tallies(report, code), oracle_tallies(chapter, report, code)
        assert [(t.what, t.method, t.value) for t in fast] == [(t.what, t.method, t.value) for t in slow]
        assert tuple(fast[0].sources) == slow[0].sources
        assert [t.units for t in fast] == [t.units for t in slow]


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_the_counted_coding_tallies_give_what_the_listed_ones_give(project, data):
    chapter = ChapterData(project)
    chapter.__dict__["current_codings"] = _codings(project, data.draw)
    chapter.__dict__["small_groups"] = set()  # the fixture's groups are small: none suppressed, so all are listed
    names = [g.name for g in project.codebook.respondent_groups]
    for code in CODES:
        groups = data.draw(st.lists(st.sampled_from(names), unique=True, min_size=1))
        valence = data.draw(st.sampled_from([None, *VALENCES]))
        by = data.draw(st.sampled_from(["segment", "document", "person"]))
        fast = chapter.coding_tally(code, groups, "segmenter", valence, by)
        slow = oracle_coding_tally(chapter, code, groups, "segmenter", valence, by)
        assert (fast.value, bool(fast.suppressed), tuple(fast.sources), fast.units) == (
            slow.value, bool(slow.suppressed), slow.sources, slow.units)


def test_deferred_sources_read_as_the_tuple_they_list():
    listed = (Source("kodning", "D S001", "c1"), Source("kodning", "D S002", "–"))
    calls = []
    sources = DeferredSources(lambda: calls.append(1) or iter(listed))
    tally = Tally("enheder", "antal", 2.0, sources)
    assert calls == []  # nothing listed until read
    assert len(sources) == 2 and list(sources) == list(listed) and sources[1] == listed[1]
    assert sources[:1] == listed[:1]
    plain = Tally("enheder", "antal", 2.0, listed)
    assert tally == plain and hash(tally) == hash(plain)
    assert pickle.loads(pickle.dumps(tally)).sources == listed
    assert calls == [1]  # listed once
