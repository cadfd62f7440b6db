"""Definitions are definitions: every code group has them, in neutral words, and the chapter prints them as such."""

from __future__ import annotations

from pathlib import Path

import docx

from workbench.material.codebook import load_codebook
from workbench.project import Project
from workbench.report import export_chapter

CODEBOOK = Path(__file__).parent / "fixtures" / "mini" / "codebook" / "codebook.yaml"  # = the example codebook


def test_every_code_of_every_group_has_a_definition_and_none_states_a_finding():
    codebook = load_codebook(CODEBOOK)
    for group in codebook.code_groups:
        assert group.description, group.key
        for code in group.codes:
            assert code.definition, code.key
            text = code.definition.lower()
            # what belongs under the code, not what the material showed last round
            assert "effekt" not in text and "samtlige" not in text and "peger på" not in text, code.key
            assert not text.startswith(("de fleste", "flere", "rådgiverne", "medarbejderne")), code.key


def test_each_further_code_group_has_its_section_with_definitions_and_a_marked_missing_memo(chapter_project, tmp_path):
    document = docx.Document(str(export_chapter(Project(chapter_project), tmp_path / "k.docx")))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert {"Forældrenes perspektiv", "Fem faglige forandringer hos rådgivere",
            "Tre organisatoriske og ledelsesmæssige dimensioner"} <= set(headings)
    body = [p.text for p in document.paragraphs if not p.style.name.startswith("TOC")]
    fp3 = body.index("FP3 Relation og tillid")
    assert body[fp3 + 1] == "Definition i kodebogen: Forældres udsagn om deres relation til og tillid til de " \
        "fagprofessionelle."
    assert body[fp3 + 2] == "Memo ikke skrevet endnu."
    f1 = body.index("1. Samtykket er afgørende")
    assert body[f1 + 1].startswith("Definition i kodebogen: Udsagn om familiens samtykke")
    assert body[f1 + 2] == "Samtykket gør deling af dokumenter mulig."  # F1's memo, where one is written
