"""project.yaml reaches the code that used hard-coded numbers: surveys, self-evaluation, attribution, the
primary coder, the chapter's document properties; and the chapter's prose counts come from the codebook."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import docx

from workbench.coding import evidence
from workbench.lang import numbers as numfmt
from workbench.project import Project
from workbench.report import build_chapter
from workbench.report.build import ChapterData
from workbench.report.word import render_docx
from workbench.selfeval.summary import summary_table
from workbench.surveys.load import load_surveys
from workbench.surveys.summary import summarise


def _settings(project: Path, text: str) -> Project:
    (project / "project.yaml").write_text(text, encoding="utf-8")
    return Project(project)


def _results(project: Project) -> dict:
    return {(r.survey, r.item, r.time_point): r for s in load_surveys(project) for r in summarise(s)}


def test_survey_suppression_and_flag_limits_come_from_the_settings(chapter_project):
    default = _results(Project(chapter_project))
    key, flagged = next((k, r) for k, r in default.items() if r.flagged)  # 5 <= n < 10 by default
    n = flagged.n_valid
    assert not flagged.suppressed and flagged.percent is not None

    relaxed = _results(_settings(chapter_project, f"survey_suppress_below: 2\nsurvey_flag_below: {n}\n"))[key]
    assert not relaxed.flagged and not relaxed.suppressed and relaxed.limits.flag_below == n

    strict = _results(_settings(chapter_project, f"survey_suppress_below: {n + 1}\nsurvey_flag_below: {n + 1}\n"))[key]
    assert strict.suppressed and strict.percent is None and strict.n_positive is None


def test_disagreement_limits_come_from_the_settings(chapter_project):
    table = summary_table(Project(chapter_project))
    spread = table["max"] - table["min"]
    assert list(table["disagreement"]) == list((spread >= 3) | (table["sd"] >= 1.2))
    table = summary_table(_settings(chapter_project, "disagreement_range: 1\ndisagreement_sd: 9\n"))
    assert list(table["disagreement"]) == list(table["max"] - table["min"] >= 1)
    assert table["disagreement"].any()


def test_min_group_size_comes_from_the_settings_and_the_codebook_overrides_it(mini_project):
    path = mini_project / "codebook" / "codebook.yaml"
    text = path.read_text(encoding="utf-8")
    # the parents' group without its own min_persons: the project's min_group_size decides
    path.write_text(text.replace('coarse_attribution: "forælder, HFI"\n    min_persons: 3\n',
                                 'coarse_attribution: "forælder, HFI"\n'), encoding="utf-8")
    project = Project(mini_project)
    parent = project.corpus.get("INT-FAM-01")  # the only interviewed parent
    assert evidence.persons_in(project.corpus, "familie") == 1
    assert evidence.attribution(project.corpus, project.codebook, parent, 3) == "forælder, HFI"
    assert evidence.attribution(project.corpus, project.codebook, parent, 1) == f"{parent.meta.role}, HFI"

    project.coding_store().add("NP", parent, "P3", segment=parent.segments[1], quote=True)
    quotes = ChapterData(_settings(mini_project, "min_group_size: 1\n")).evidence_index.quotes("P3")
    assert [q.attribution for q in quotes] == [f"{parent.meta.role}, HFI"]
    quotes = ChapterData(Project(mini_project)).evidence_index.quotes("P3")  # still min_group_size 1 on disk
    assert [q.attribution for q in quotes] == [f"{parent.meta.role}, HFI"]
    (mini_project / "project.yaml").unlink()
    assert [q.attribution for q in ChapterData(Project(mini_project)).evidence_index.quotes("P3")] == [
        "forælder, HFI"
    ]

    path.write_text(text, encoding="utf-8")  # min_persons: 3 in the codebook wins over min_group_size: 1
    assert evidence.attribution(
        Project(mini_project).corpus, Project(mini_project).codebook, parent, 1
    ) == "forælder, HFI"


def test_the_primary_coder_comes_from_the_settings(chapter_project):
    by_most = ChapterData(Project(chapter_project))
    assert by_most.primary_coder == "NP"  # NP has the most codings
    p2 = {row.group: dict(row.segments) for row in by_most.evidence("P2") if row.documents}
    assert p2 == {"Mødeobservationer": {"understøttende": 1, "udfordrende": 0, "neutral": 0}}

    chosen = ChapterData(_settings(chapter_project, "primary_coder: KL\n"))
    assert chosen.primary_coder == "KL"
    p2 = {row.group: dict(row.segments) for row in chosen.evidence("P2") if row.documents}
    assert p2 == {"Rådgivere (SOF og BIF)": {"understøttende": 0, "udfordrende": 1, "neutral": 0}}


def test_the_chapter_carries_title_period_and_author_into_the_document_properties(chapter_project):
    project = _settings(
        chapter_project, "title: Evaluering af Familiehuset\nperiod: 2025–2026\nauthor: Evalueringsenheden\n"
    )
    before = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    document = docx.Document(io.BytesIO(render_docx(build_chapter(project))))
    core = document.core_properties
    assert (core.title, core.author, core.last_modified_by) == (
        "Evaluering af Familiehuset", "Evalueringsenheden", "Evalueringsenheden"
    )
    assert before <= core.created.replace(tzinfo=None) <= dt.datetime.now(dt.UTC).replace(tzinfo=None)
    assert [p.text for p in document.paragraphs[:2]] == ["Evaluering af Familiehuset", "2025–2026"]


def test_without_settings_the_document_has_the_default_title_and_no_stale_template_author(chapter_project):
    core = docx.Document(io.BytesIO(render_docx(build_chapter(Project(chapter_project))))).core_properties
    assert core.title == "Principbaseret evaluering"
    assert core.author == ""  # python-docx's template would say "python-docx"
    assert core.created.year >= 2026


def _chapter_text(project: Project) -> str:
    """The chapter's own prose: the appendices quote the codebook's texts, which are the user's."""
    chapter = build_chapter(project)
    parts = []
    for section in (s for s in chapter.sections if not s.key.startswith("bilag")):
        parts.append(section.title)
        for block in section.blocks:
            parts += [getattr(block, name) for name in ("text", "title") if isinstance(getattr(block, name, None), str)]
    return "\n".join(parts)


def test_prose_counts_come_from_the_codebook(mini_project):
    text = _chapter_text(Project(mini_project))
    assert "om de fem guidende principper efterleves" in text
    assert "de ni virksomme faktorer og" in text and "Ni virksomme faktorer" in text
    assert "på ni forhold" in text and "evalueringens fire spørgsmål" in text

    path = mini_project / "codebook" / "codebook.yaml"
    trimmed = re.sub(r"      - key: F[89]\n(?:        .*\n)+\n?", "", path.read_text(encoding="utf-8"))
    path.write_text(trimmed, encoding="utf-8")
    project = Project(mini_project)
    assert len(project.codebook.factors) == 7
    text = _chapter_text(project)
    assert "de syv virksomme faktorer og" in text and "Syv virksomme faktorer" in text and "på syv forhold" in text
    assert "de ni virksomme faktorer og" not in text and "Ni virksomme" not in text and "på ni forhold" not in text
    assert numfmt.number_word(7) == "syv"
