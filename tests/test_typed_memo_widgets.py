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
    app.coder.value = "AB"
    app.document.value = "INT-RAD-01"
    return app


def test_a_coding_memo_with_personal_data_is_saved_and_stays_marked_in_its_field(app, mini_project):
    app.memo.value = PERSONAL
    app.code_buttons["P1"].click()
    [coding] = Project(mini_project).coding_store().codings("AB")
    assert coding.memo == PERSONAL  # nobody loses their writing
    assert app.memo.value == PERSONAL and app.memo.layout.border == MARKED
    assert "navn: Fatima Hassan" in app.memo.tooltip
    assert "mulige personoplysninger" in app.status.value and "Fatima Hassan" in app.status.value
    [row] = app.coding_controls.values()
    assert "Memoet indeholder mulige personoplysninger" in row.row.children[0].value


def test_a_clean_coding_memo_clears_the_field_and_its_mark(app):
    app.memo.value = PERSONAL
    app.code_buttons["P1"].click()
    app.memo.value = "Familien slipper for genfortælling"
    app.code_buttons["P2"].click()
    assert app.memo.value == "" and app.memo.layout.border is None and app.memo.tooltip is None
    assert "Gemt" in app.status.value and "personoplysninger" not in app.status.value


@pytest.mark.parametrize("target", [("code", "P1"), ("doc", "INT-RAD-01")], ids=["kodememo", "dokumentmemo"])
def test_the_memo_editor_saves_personal_data_and_marks_it_until_fixed(app, mini_project, target):
    memos = app.memos
    memos.target.value = target
    clean = memos.text.value
    memos.text.value = clean + "\nRing til Fatima Hassan på 22 33 44 55.\n"
    memos.save_button.click()
    path = Project(mini_project).memos.path(**({"code": target[1]} if target[0] == "code" else {"doc_id": target[1]}))
    assert "Fatima Hassan" in path.read_text(encoding="utf-8")
    assert memos.text.layout.border == MARKED and "telefonnummer: 22 33 44 55" in memos.text.tooltip
    assert "mulige personoplysninger" in memos.status.value
    # opened again later, in a new session: still marked
    again = CodingApp(Project(mini_project)).memos
    again.target.value = target
    assert again.text.layout.border == MARKED
    # fixed and saved: the mark goes
    memos.text.value = clean + "\nRing til [mor].\n"
    memos.save_button.click()
    assert memos.text.layout.border is None and "personoplysninger" not in memos.status.value
