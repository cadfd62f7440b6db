"""The coding notebook's widgets, driven as a coder would: set values, click, then look on disk."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pandas as pd
import pytest

from workbench.material.memos import memo_sections
from workbench.project import Project
from workbench.ui.widgets.coding import CONTEXT_SEGMENTS, CodingApp


@pytest.fixture
def app(mini_project) -> CodingApp:
    return CodingApp(Project(mini_project))


def log(root: Path, coder: str) -> list[dict]:
    """The coder's log exactly as it is on disk, after the format header a new log begins with."""
    lines = (root / "codings" / f"{coder}.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert records[0] == {"format": "workbench-codings", "version": 1}
    return records[1:]


def on_disk(root: Path, coder: str):
    """The coder's current codings, replayed from disk by a fresh store."""
    return Project(root).coding_store().codings(coder)


def go_to(app: CodingApp, words: str) -> None:
    """Move the slider to the segment containing `words`."""
    index = next(i for i, s in enumerate(app._document.segments) if words in s.text)
    app.segment_slider.value = index + 1


def start(app: CodingApp, coder: str = "AB", doc_id: str = "INT-RAD-01") -> None:
    app.coder.value = coder
    app.document.value = doc_id


def test_document_list_leaves_out_withdrawn_consent(app):
    assert [value for _, value in app.document.options] == ["INT-FAM-01", "INT-RAD-01", "OBS-01"]
    assert ("INT-RAD-01 · Rådgivere (SOF og BIF) · Interview", "INT-RAD-01") in app.document.options


def test_tabs_have_danish_titles_and_code_buttons_carry_the_codebook_colours(app):
    assert app.tabs.titles == ("Kodning", "Søgning", "Matricer", "Memoer", "Sammenlign kodere")
    assert app.code_buttons["P1"].description == "P1 Familien"
    assert app.code_buttons["P1"].style.button_color == "#1b6ca8"
    assert app.code_buttons["F1"].style.button_color == "#6d597a"
    folded = [button for box in app.more_codes.children for button in box.children]
    assert app.code_buttons["FF1"] in folded and app.code_buttons["P1"] not in folded


def test_clicking_a_principle_saves_code_valence_star_and_memo_at_once(app, mini_project):
    start(app)
    app.next_button.click()
    segment = app.segment
    assert segment.id == "S002" and "Supportteamet indkalder" in app.segment_view.value
    app.valence.value = "udfordrende"
    app.star.value = True
    app.memo.value = "Familien slipper for genfortælling"
    app.code_buttons["P1"].click()

    [event] = log(mini_project, "AB")
    assert event["action"] == "add"
    fields = event["fields"]
    assert (fields["doc_id"], fields["segment_id"], fields["code"]) == ("INT-RAD-01", "S002", "P1")
    assert (fields["valence"], fields["quote"], fields["memo"]) == (
        "udfordrende",
        True,
        "Familien slipper for genfortælling",
    )
    assert (fields["start"], fields["end"]) == (segment.start, segment.end)
    assert re.search(r"Gemt kl\. \d\d:\d\d:\d\d", app.status.value)
    assert app.progress_label.value == "1 af 8 segmenter kodet" and app.progress.value == 1
    # the next click starts clean: star and memo belong to one coding
    assert app.star.value is False and app.memo.value == ""
    [row] = app.coding_controls.values()
    assert row.valence.value == "udfordrende" and row.star.value is True


def test_existing_coding_can_be_edited_and_removed(app, mini_project):
    start(app)
    app.code_buttons["P2"].click()
    [coding_id] = app.coding_controls
    app.coding_controls[coding_id].valence.value = "understøttende"
    app.coding_controls[coding_id].star.value = True
    [coding] = on_disk(mini_project, "AB")
    assert (coding.valence, coding.quote) == ("understøttende", True)

    app.coding_controls[coding_id].remove_button.click()
    assert on_disk(mini_project, "AB") == []
    assert [e["action"] for e in log(mini_project, "AB")] == ["add", "update", "update", "remove"]
    assert app.coding_controls == {} and "Gemt kl." in app.status.value
    assert app.progress_label.value == "0 af 8 segmenter kodet"


def test_new_session_opens_a_document_at_its_first_uncoded_segment(app, mini_project):
    start(app)
    app.code_buttons["P1"].click()
    app.next_button.click()
    app.code_buttons["P1"].click()
    again = CodingApp(Project(mini_project))
    start(again)
    assert again.segment.id == "S003"
    assert again.progress_label.value == "2 af 8 segmenter kodet"
    assert again.coder.options == ("AB",)


def test_coding_without_a_valid_coder_name_is_refused_in_danish(app, mini_project):
    app.document.value = "INT-RAD-01"
    app.code_buttons["P1"].click()
    assert "kodernavn" in app.status.value
    app.coder.value = "A B/C"
    assert "kan ikke bruges" in app.status.value
    app.code_buttons["P1"].click()
    assert not list((mini_project / "codings").glob("*.jsonl"))


def test_suggestions_are_accepted_into_codings_or_rejected_for_the_session(app, mini_project):
    start(app)
    go_to(app, "Samtykket er afgørende")
    assert {"F1", "P4"} <= set(app.suggestion_controls)
    assert "Forslag:" in app.suggestion_controls["F1"].row.children[0].value
    app.valence.value = "understøttende"
    app.suggestion_controls["F1"].accept_button.click()
    [coding] = on_disk(mini_project, "AB")
    assert (coding.code, coding.valence, coding.segment_id) == ("F1", "understøttende", app.segment.id)
    assert "F1" not in app.suggestion_controls

    app.suggestion_controls["P4"].reject_button.click()
    assert "P4" not in app.suggestion_controls
    assert [c.code for c in on_disk(mini_project, "AB")] == ["F1"]  # rejecting writes nothing
    app.next_button.click()
    app.previous_button.click()
    assert "P4" not in app.suggestion_controls  # ... and stays rejected for the session
    later = CodingApp(Project(mini_project))
    start(later)
    go_to(later, "Samtykket er afgørende")
    assert "P4" in later.suggestion_controls


def test_long_transcript_renders_only_a_window_and_stays_responsive(mini_project):
    turns = []
    for number in range(250):
        speaker = "I" if number % 2 == 0 else "R"
        turns.append(f"{speaker}: Tur {number} handler om samarbejdet med supportteamet og Familiens Plan. " * 4)
    body = "\n\n".join(turns)
    assert len(body.split()) > 10_000
    (mini_project / "interviews_anonymised" / "INT-RAD-09.md").write_text(
        "---\nid: INT-RAD-09\ntype: interview\ngroup: radgiver\nrole: Rådgiver\nunit: SOF\ndate: 2025-06-01\n"
        f"consent: given\n---\n{body}\n",
        encoding="utf-8",
    )
    app = CodingApp(Project(mini_project))
    start(app, doc_id="INT-RAD-09")
    app.segment_slider.value = 120
    began = time.perf_counter()
    for _ in range(5):
        app.next_button.click()
        app.code_buttons["P2"].click()
    per_action = (time.perf_counter() - began) / 10
    assert per_action < 0.5, f"{per_action:.2f} s per klik"
    shown = app.segment_view.value
    assert shown.count("Tur ") == (2 * CONTEXT_SEGMENTS + 1) * 4
    assert "Tur 124 " in shown and "Tur 121 " not in shown and "Tur 128 " not in shown
    assert app.progress_label.value == f"5 af {len(app._document.segments)} segmenter kodet"


def test_memo_view_saves_a_principle_memo_with_both_headings(app, mini_project):
    app.memos.target.value = ("code", "P1")
    assert list(memo_sections(app.memos.text.value)) == ["Understøttende elementer", "Udfordrende elementer"]
    app.memos.text.value = app.memos.text.value.replace(
        "## Udfordrende elementer", "Familiens ønsker er udgangspunktet.\n\n## Udfordrende elementer"
    )
    app.memos.save_button.click()
    path = mini_project / "memos" / "koder" / "P1.md"
    sections = memo_sections(path.read_text(encoding="utf-8"))
    assert sections["Understøttende elementer"] == "Familiens ønsker er udgangspunktet."
    assert "Udfordrende elementer" in sections
    assert "Gemt kl." in app.memos.status.value

    saved = path.read_text(encoding="utf-8")
    app.memos.text.value = saved.replace("## Udfordrende elementer", "")
    app.memos.save_button.click()
    assert "mangler overskriften" in app.memos.status.value
    assert path.read_text(encoding="utf-8") == saved


def test_switching_memos_saves_the_one_being_left(app, mini_project):
    app.memos.target.value = ("code", "F1")
    app.memos.text.value += "\nSamtykket åbner for deling.\n"
    app.memos.target.value = ("doc", "OBS-01")
    assert "Samtykket åbner for deling." in (mini_project / "memos" / "koder" / "F1.md").read_text(encoding="utf-8")
    assert app.memos.text.value.startswith("# Memo: OBS-01")


def code_two_coders(app: CodingApp) -> None:
    """AB and CD agree on S002 (P3) and disagree on S006 (AB: F4, CD: F2)."""
    for coder, late_code in (("AB", "F4"), ("CD", "F2")):
        start(app, coder=coder)
        go_to(app, "Supportteamet indkalder")
        app.code_buttons["P3"].click()
        go_to(app, "Ansvaret for at indkalde")
        app.code_buttons[late_code].click()


def test_agreement_view_shows_disagreements_side_by_side_and_writes_a_consensus_coder(app, mini_project):
    code_two_coders(app)
    app.tabs.selected_index = 4
    assert (app.compare.coder_a.value, app.compare.coder_b.value) == ("AB", "CD")  # two different coders preset
    app.compare.compare_button.click()
    assert "i 1 dokument, som begge har kodet, over 2 enheder" in app.compare.status.value
    assert "1 enhed med uenighed" in app.compare.status.value
    [(key, choice)] = app.compare.choices.items()
    assert key == ("INT-RAD-01", "S006")
    assert set(choice.value) == {"F2", "F4"}  # the union is the default
    side_by_side = app.compare.disagreements.children[0].children[0].value
    assert "Ansvaret for at indkalde" in side_by_side and "F4 En fast struktur" in side_by_side
    assert "F2 Et koordinerende team" in side_by_side

    choice.value = ("F4",)
    app.compare.resolve_button.click()
    assert "Gemt kl." in app.compare.status.value
    consensus = {(c.segment_id, c.code) for c in on_disk(mini_project, "konsensus")}
    assert consensus == {("S002", "P3"), ("S006", "F4")}


def test_agreement_table_uses_danish_number_style(app):
    code_two_coders(app)
    app.compare.refresh()
    app.compare.coder_a.value, app.compare.coder_b.value = "AB", "CD"
    app.compare.compare_button.click()
    table = app.compare.agreement_frame
    assert list(table.index) == [
        "P3 Kontakt",
        "F2 Et koordinerende team",
        "F4 En fast struktur for samarbejdet",
        "I alt (kode × enhed)",
    ]
    assert list(table.loc["P3 Kontakt", ["n", "Procent enighed", "Cohens kappa", "Krippendorffs alpha"]]) == [
        "2", "100 %", "1,00", "1,00"
    ]
    assert list(table.loc["F4 En fast struktur for samarbejdet", ["Procent enighed", "Cohens kappa"]]) == [
        "50 %",
        "0,00",
    ]
    assert list(table.loc["I alt (kode × enhed)", ["n", "Procent enighed"]]) == ["6", "67 %"]


def test_search_filters_and_exports_csv_for_excel(app, mini_project):
    code_two_coders(app)
    app.tabs.selected_index = 1
    assert len(app.search.result) == 4
    app.search.code.value = "P3"
    app.search.coder.value = "CD"
    assert list(app.search.result["kode"]) == ["P3 Kontakt"]
    app.search.export_button.click()
    path = mini_project / "exports" / "kodninger_P3_CD.csv"
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel opens it as UTF-8
    exported = pd.read_csv(path, sep=";", encoding="utf-8-sig")
    assert list(exported["kode"]) == ["P3 Kontakt"] and list(exported["koder"]) == ["CD"]
    assert "Supportteamet indkalder" in exported["tekst"][0]
    assert "exports/kodninger_P3_CD.csv" in app.search.status.value and "Gemt kl." in app.search.status.value

    app.search.group.value = "familie"
    assert len(app.search.result) == 0


def test_search_export_is_refused_when_a_memo_holds_personal_data(app, mini_project):
    start(app)
    app.memo.value = "Ring til hende på 22 33 44 55"
    app.code_buttons["P3"].click()
    app.tabs.selected_index = 1
    app.search.export_button.click()
    assert "personoplysninger" in app.search.status.value and "telefonnummer" in app.search.status.value
    assert not list((mini_project / "exports").glob("*.csv"))


def test_matrices_show_tables_and_heatmaps_and_export_them(app, mini_project):
    code_two_coders(app)
    app.tabs.selected_index = 2
    matrix = app.matrices.group_matrix
    assert matrix.loc["P3 Kontakt", "Rådgivere (SOF og BIF)"] == 1
    assert bytes(app.matrices.group_image.value).startswith(b"\x89PNG")
    assert bytes(app.matrices.cooccurrence_image.value).startswith(b"\x89PNG")
    app.matrices.export_button.click()
    exported = pd.read_csv(
        mini_project / "exports" / "matrix_kode_gruppe.csv", sep=";", encoding="utf-8-sig", index_col=0
    )
    assert exported.loc["P3 Kontakt", "Rådgivere (SOF og BIF)"] == 1
    assert (mini_project / "exports" / "matrix_princip_faktor.png").read_bytes().startswith(b"\x89PNG")
    assert "Gemt kl." in app.matrices.status.value
