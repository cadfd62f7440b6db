"""The chapter says exactly what the project has: degraded projects (no surveys, no self-evaluations, three
transcripts) get no sentence about a source they lack."""

from __future__ import annotations

import shutil

import docx

from workbench.project import Project
from workbench.report import export_chapter


def _text(project_dir, out) -> str:
    document = docx.Document(str(export_chapter(Project(project_dir), out)))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs if not p.style.name.startswith("TOC")] + cells)


def _limitations(text: str) -> str:
    return text[text.index("Metodiske forbehold") : text.index("Fem guidende principper")]


def test_without_surveys_nothing_mentions_them(chapter_project, tmp_path):
    shutil.rmtree(chapter_project / "surveys")
    text = _text(chapter_project, tmp_path / "k.docx")
    assert "spørgeskema" not in text.lower().replace("spørgeskemaspørgsmål", "")
    assert "Kodningen er holdt op mod supportteamets halvårlige selvevalueringer." in text
    assert "Andele i spørgeskemaerne" not in _limitations(text)


def test_without_self_evaluations_no_column_or_note_cites_them(chapter_project, tmp_path):
    shutil.rmtree(chapter_project / "selfeval")
    text = _text(chapter_project, tmp_path / "k.docx")
    assert "Selvevaluering" not in text and "selvevaluering" not in _limitations(text)
    assert "Kodningen er holdt op mod tre spørgeskemaer »" in text


def test_three_transcripts_without_observations_say_so(chapter_project, tmp_path):
    (chapter_project / "interviews_anonymised" / "OBS-01.md").unlink()
    shutil.rmtree(chapter_project / "codings")  # the codings point into the removed observation
    (chapter_project / "codings").mkdir()
    path = chapter_project / "codebook" / "codebook.yaml"  # one person per group may be counted here
    path.write_text(path.read_text(encoding="utf-8").replace("min_persons: 3", "min_persons: 1"), encoding="utf-8")
    text = _text(chapter_project, tmp_path / "k.docx")
    assert "Det kvalitative materiale består af 2 interview. " in text
    assert "0 mødeobservationer" not in text
    limitations = _limitations(text)
    assert "Der indgår ingen observationer" in limitations
    assert "Det kvalitative materiale er lille (2 dokumenter)" in limitations


def test_attrition_between_start_and_end_is_named_with_its_numbers(chapter_project, tmp_path):
    limitations = _limitations(_text(chapter_project, tmp_path / "k.docx"))
    assert "Svarpersonerne er ikke nødvendigvis de samme" in limitations
