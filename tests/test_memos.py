"""Analytic memos: templates, atomic saving, the principle headings the report depends on."""

from __future__ import annotations

import pytest

from workbench.errors import WorkbenchError
from workbench.material.memos import memo_sections
from workbench.project import Project


@pytest.fixture
def project(mini_project) -> Project:
    return Project(mini_project)


def test_new_principle_memo_starts_from_template_with_both_headings(project):
    text = project.memos.read(code="P2")
    assert text.startswith("# Memo: P2 Sammenhæng\n")
    assert list(memo_sections(text)) == ["Understøttende elementer", "Udfordrende elementer"]
    assert not project.memos.path(code="P2").exists()  # reading writes nothing


def test_factor_and_document_memos_have_an_analysis_heading(project):
    assert list(memo_sections(project.memos.read(code="F1"))) == ["Analyse"]
    assert list(memo_sections(project.memos.read(doc_id="INT-RAD-01"))) == ["Analyse"]


def test_written_memo_is_read_back_and_lands_in_the_agreed_folders(project):
    text = project.memos.read(code="P1").replace(
        "## Udfordrende elementer\n", "## Udfordrende elementer\n\nFaderen bliver ikke spurgt.\n"
    )
    path = project.memos.write(text, code="P1")
    assert path == project.root / "memos" / "koder" / "P1.md"
    assert project.memos.read(code="P1") == text
    assert memo_sections(path.read_text(encoding="utf-8"))["Udfordrende elementer"] == "Faderen bliver ikke spurgt."

    doc_path = project.memos.write("# Noter\n\n## Analyse\n\nKort interview.", doc_id="OBS-01")
    assert doc_path == project.root / "memos" / "dokumenter" / "OBS-01.md"
    assert doc_path.read_text(encoding="utf-8") == "# Noter\n\n## Analyse\n\nKort interview.\n"


def test_principle_memo_without_one_of_its_headings_is_refused_and_old_text_kept(project):
    original = project.memos.read(code="P3")
    project.memos.write(original, code="P3")
    broken = original.replace("## Understøttende elementer", "Understøttende elementer")
    with pytest.raises(WorkbenchError) as error:
        project.memos.write(broken, code="P3")
    message = str(error.value)
    assert "memos/koder/P3.md" in message and "'## Understøttende elementer'" in message
    assert "intet blev gemt" in message
    assert project.memos.read(code="P3") == original


def test_factor_memo_may_use_any_headings(project):
    project.memos.write("Fri tekst uden overskrifter.", code="F2")
    assert project.memos.read(code="F2") == "Fri tekst uden overskrifter.\n"


@pytest.mark.parametrize("kwargs", [{"code": "P9"}, {"code": "../P1"}, {"doc_id": "INT-XXX-99"}])
def test_unknown_codes_and_documents_are_refused_in_danish(project, kwargs):
    with pytest.raises(WorkbenchError) as error:
        project.memos.write("tekst", **kwargs)
    assert "findes ikke" in str(error.value)
    assert not list(project.memos_dir.rglob("*.md"))


def test_sections_split_on_level_two_headings_only_and_ignore_code_fences():
    text = (
        "# Titel\nIntro\n\n## Understøttende elementer\n\nPlanen.\n\n### Detalje\nMere.\n\n"
        "```\n## ikke en overskrift\n```\n\n## Udfordrende elementer ##\n\nMøderne er tunge.\n"
    )
    sections = memo_sections(text)
    assert list(sections) == ["Understøttende elementer", "Udfordrende elementer"]
    assert sections["Understøttende elementer"] == "Planen.\n\n### Detalje\nMere.\n\n```\n## ikke en overskrift\n```"
    assert sections["Udfordrende elementer"] == "Møderne er tunge."


def test_two_evaluators_editing_one_memo_never_overwrite_each_other_silently(project):
    memos = project.memos
    base = memos.read(code="F2")
    memos.write(base + "\nFørste evaluators iagttagelse.", code="F2", base=base, author="evaluator1")
    with pytest.raises(WorkbenchError, match="ændret af en anden") as refused:
        memos.write(base + "\nAnden evaluators iagttagelse.", code="F2", base=base, author="evaluator2")
    assert "Første evaluators iagttagelse." in memos.read(code="F2")  # the first is kept ...
    [kept] = (project.memos_dir / ".konflikter").glob("F2-evaluator2-*.md")
    assert "Anden evaluators iagttagelse." in kept.read_text(encoding="utf-8")  # ... and so is the second
    assert str(kept.name) in refused.value.message
    # starting again from the current text, the merge is saved
    current = memos.read(code="F2")
    memos.write(current + "\nAnden evaluators iagttagelse.", code="F2", base=current, author="evaluator2")
    assert memos.read(code="F2").count("iagttagelse.") == 2
