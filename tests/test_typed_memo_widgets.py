"""Personal data typed into the coding notebook's memo fields: saved, and marked at once until fixed."""

from __future__ import annotations

import pytest

from workbench.project import Project
from workbench.ui.widgets.coding import CodingApp

PERSONAL = "Mor nævnte Fatima Hassan og 22 33 44 55"
MARKED = "2px solid #b00020"


@pytest.fixture
def app(mini_project) -> CodingApp:
    app = CodingApp(Project(mini_project))
    app.coding.coder.value = "AB"
    app.coding.document.value = "INT-RAD-01"
    return app


def mark(app: CodingApp, words: str) -> None:
    begin = app.coding._document.body.index(words)
    app.coding.transcript.receive({"type": "select", "start": begin, "end": begin + len(words)})


def test_a_coding_memo_with_personal_data_is_saved_and_marked_in_its_field(app, mini_project):
    panel = app.coding
    mark(app, "familien behøver ikke genfortælle")
    panel.memo.value = PERSONAL
    panel.code_buttons["P1"].click()
    [coding] = Project(mini_project).coding_store().codings("AB")
    assert coding.memo == PERSONAL  # nobody loses their writing
    assert panel.memo.layout.border == MARKED and "navn: Fatima Hassan" in panel.memo.tooltip
    assert "mulige personoplysninger" in panel.status.value and "Fatima Hassan" in panel.status.value
    [entry] = [e for e in panel.transcript.codings if e[0] == coding.id]
    assert "⚠ Memoet indeholder mulige personoplysninger" in entry[-1]  # the coding's tooltip in the text


def test_editing_the_memo_of_a_chosen_coding_marks_and_then_clears(app, mini_project):
    panel = app.coding
    mark(app, "familien behøver ikke genfortælle")
    panel.code_buttons["P1"].click()
    assert panel.memo.layout.border is None
    panel.memo.value = PERSONAL  # the chosen coding's memo, saved as it is typed
    assert Project(mini_project).coding_store().codings("AB")[0].memo == PERSONAL
    assert panel.memo.layout.border == MARKED and "mulige personoplysninger" in panel.status.value
    panel.memo.value = "Familien slipper for genfortælling"
    assert panel.memo.layout.border is None and panel.memo.tooltip is None
    assert "Gemt" in panel.status.value and "personoplysninger" not in panel.status.value


@pytest.mark.parametrize("target", [("code", "P1"), ("doc", "INT-RAD-01")], ids=["kodememo", "dokumentmemo"])
def test_the_memo_editor_saves_personal_data_and_marks_it_until_fixed(app, mini_project, target):
    memos = app.memos
    memos.target.value = target
    clean = memos.text.value
    memos.text.value = clean + "\nRing til Fatima Hassan på 22 33 44 55.\n"
    memos.save_button.click()
    where = {"code": target[1]} if target[0] == "code" else {"doc_id": target[1]}
    assert "Fatima Hassan" in Project(mini_project).memos.path(**where).read_text(encoding="utf-8")
    assert memos.text.layout.border == MARKED and "telefonnummer: 22 33 44 55" in memos.text.tooltip
    assert "mulige personoplysninger" in memos.status.value
    again = CodingApp(Project(mini_project)).memos  # opened again in a new session: still marked
    again.target.value = target
    assert again.text.layout.border == MARKED
    memos.text.value = clean + "\nRing til [mor].\n"  # fixed and saved: the mark goes
    memos.save_button.click()
    assert memos.text.layout.border is None and "personoplysninger" not in memos.status.value
