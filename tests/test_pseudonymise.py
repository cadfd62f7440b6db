"""Pseudonymisation: consistent numbered placeholders, a key kept outside the project, atomic writes."""

from __future__ import annotations

import json
import re
import stat
import threading
import time
from pathlib import Path

import pytest

from workbench.anonymity import find_personal_data
from workbench.errors import WorkbenchError
from workbench.io.files import locked
from workbench.privacy.pseudonymise import (
    PseudonymKey,
    normalise,
    pseudonymise_file,
    pseudonymise_text,
    split_front_matter,
)


def test_each_kind_gets_its_own_numbered_placeholder():
    text = (
        "Fatima ringede fra 22 33 44 55 og skrev fra fatima@example.dk. Hun bor på Tagensvej 12, "
        "CPR 120385-1234. Sønnen går på Tingbjerg Skole og datteren i Børnehaven Solsikken."
    )
    new, findings = pseudonymise_text(text, PseudonymKey())
    assert new == (
        "[Navn 1] ringede fra [Telefon 1] og skrev fra [E-mail 1]. Hun bor på [Adresse 1], "
        "CPR [CPR 1]. Sønnen går på [Skole 1] og datteren i [Institution 1]."
    )
    assert [f.kind for f in findings] == ["navn", "telefon", "email", "adresse", "cpr", "institution", "institution"]


def test_the_same_original_always_gets_the_same_placeholder():
    key = PseudonymKey()
    new, _ = pseudonymise_text("Ahmed og Mette kom. Senere kom AHMED igen, og  Mette  sagde hej til Ahmed.", key)
    assert new == "[Navn 1] og [Navn 2] kom. Senere kom [Navn 1] igen, og  [Navn 2]  sagde hej til [Navn 1]."


def test_whitespace_and_case_do_not_make_a_new_original():
    key = PseudonymKey()
    pseudonymise_text("Anne Sofie Jørgensen var med.", key)
    new, _ = pseudonymise_text("Vi talte med ANNE SOFIE JØRGENSEN og Anne  Sofie\nJørgensen.", key)
    assert new.count("[Navn 1]") == 2 and "[Navn 2]" not in new


def test_a_phone_number_in_another_grouping_is_the_same_number():
    key = PseudonymKey()
    new, _ = pseudonymise_text("Ring 22 33 44 55 eller +45 22334455.", key)
    assert new == "Ring [Telefon 1] eller [Telefon 1]."


def test_possessive_names_share_the_placeholder_of_the_name():
    new, _ = pseudonymise_text("Fatimas søn ringede. Fatima kom bagefter.", PseudonymKey())
    assert new == "[Navn 1]s søn ringede. [Navn 1] kom bagefter."


def test_numbers_continue_after_the_highest_used_in_the_key(tmp_path):
    key_path = tmp_path / "noegle.json"
    key = PseudonymKey()
    pseudonymise_text("Ahmed og Mette kom.", key)
    key.save(key_path)
    again = PseudonymKey.load(key_path)
    new, _ = pseudonymise_text("Mette, Yusuf og Ahmed kom.", again)
    assert new == "[Navn 2], [Navn 3] og [Navn 1] kom."


def test_key_file_is_json_and_round_trips(tmp_path):
    key_path = tmp_path / "noegle.json"
    key = PseudonymKey()
    pseudonymise_text("Lundehusskolen ringede til Fatima.", key)
    key.save(key_path)
    data = json.loads(key_path.read_text(encoding="utf-8"))
    assert data["version"] == 1
    assert {(e["kind"], e["original"], e["placeholder"]) for e in data["entries"]} == {
        ("institution", "Lundehusskolen", "[Skole 1]"),
        ("navn", "Fatima", "[Navn 1]"),
    }
    assert PseudonymKey.load(key_path).entries == key.entries


def test_a_missing_key_file_is_an_empty_key(tmp_path):
    assert len(PseudonymKey.load(tmp_path / "findes-ikke.json")) == 0


def test_a_broken_key_file_is_a_danish_error(tmp_path):
    key_path = tmp_path / "noegle.json"
    key_path.write_text("{ikke json", encoding="utf-8")
    with pytest.raises(WorkbenchError, match="Nøglefilen"):
        PseudonymKey.load(key_path)


def test_allowed_terms_are_left_alone():
    text = "Vi samarbejder med Fællesskabsværket."
    new, _ = pseudonymise_text(text, PseudonymKey(), allowed=["Fællesskabsværket"])
    assert new == text


# --- files ---------------------------------------------------------------------------------------

TRANSCRIPT = """---
id: INT-FAM-09
type: interview
group: familie
role: Mor
date: 2025-05-14
consent: given
---
I: Hvem er med i familien?

Mor: Mig, Fatima, og min søn Yusuf. Han går på Tingbjerg Skole.
"""


@pytest.fixture
def project(tmp_path) -> Path:
    root = tmp_path / "projekt"
    (root / "interviews_anonymised").mkdir(parents=True)
    (root / "interviews_anonymised" / "INT-FAM-09.md").write_text(TRANSCRIPT, encoding="utf-8")
    return root


def test_pseudonymise_file_changes_only_the_body_and_keeps_the_front_matter(project, tmp_path):
    path = project / "interviews_anonymised" / "INT-FAM-09.md"
    findings = pseudonymise_file(path, tmp_path / "noegle.json", project)
    text = path.read_text(encoding="utf-8")
    front, body = split_front_matter(text)
    assert front == split_front_matter(TRANSCRIPT)[0]
    assert body.endswith("Mor: Mig, [Navn 1], og min søn [Navn 2]. Han går på [Skole 1].\n")
    assert [(f.kind, f.text, f.line) for f in findings] == [
        ("navn", "Fatima", 11), ("navn", "Yusuf", 11), ("institution", "Tingbjerg Skole", 11)
    ]
    assert TRANSCRIPT[findings[0].start : findings[0].end] == "Fatima"


def test_pseudonymise_file_writes_the_key_outside_the_project(project, tmp_path):
    path = project / "interviews_anonymised" / "INT-FAM-09.md"
    key_path = tmp_path / "hemmeligt" / "noegle.json"
    pseudonymise_file(path, key_path, project)
    assert PseudonymKey.load(key_path).entries[("navn", "yusuf")] == "[Navn 2]"
    assert not list(project.rglob("*.json"))


def test_rerunning_reuses_the_key(project, tmp_path):
    key_path = tmp_path / "noegle.json"
    first = project / "interviews_anonymised" / "INT-FAM-09.md"
    pseudonymise_file(first, key_path, project)
    second = project / "interviews_anonymised" / "INT-FAM-10.md"
    second.write_text("R: Yusuf og Mette kom fra Tingbjerg Skole.\n", encoding="utf-8")
    pseudonymise_file(second, key_path, project)
    assert second.read_text(encoding="utf-8") == "R: [Navn 2] og [Navn 3] kom fra [Skole 1].\n"
    # A second run finds nothing left and changes nothing.
    assert pseudonymise_file(second, key_path, project) == []


def test_a_key_inside_the_project_is_refused_in_danish(project):
    path = project / "interviews_anonymised" / "INT-FAM-09.md"
    key_path = project / "noegle.json"
    with pytest.raises(WorkbenchError) as error:
        pseudonymise_file(path, key_path, project)
    assert "uden for projektet" in str(error.value) and str(key_path) in str(error.value)
    assert path.read_text(encoding="utf-8") == TRANSCRIPT  # nothing written
    assert not key_path.exists()


def test_a_key_reached_through_a_relative_path_inside_the_project_is_refused(project, monkeypatch):
    monkeypatch.chdir(project / "interviews_anonymised")
    with pytest.raises(WorkbenchError):
        pseudonymise_file(Path("INT-FAM-09.md"), Path("../noegle.json"), project)


def test_files_without_front_matter_are_pseudonymised_whole(project, tmp_path):
    path = project / "notat.md"
    path.write_text("Fatima ringede.\n", encoding="utf-8")
    pseudonymise_file(path, tmp_path / "noegle.json", project)
    assert path.read_text(encoding="utf-8") == "[Navn 1] ringede.\n"


def test_a_missing_transcript_is_a_danish_error(project, tmp_path):
    with pytest.raises(WorkbenchError, match="findes ikke"):
        pseudonymise_file(project / "mangler.md", tmp_path / "noegle.json", project)


def test_writes_are_atomic_no_temporary_files_left(project, tmp_path):
    path = project / "interviews_anonymised" / "INT-FAM-09.md"
    pseudonymise_file(path, tmp_path / "noegle.json", project)
    assert sorted(p.name for p in (project / "interviews_anonymised").iterdir()) == ["INT-FAM-09.md"]
    # the lock beside the key stays (as for every locked file); no temporary file does
    assert sorted(p.name for p in tmp_path.iterdir()) == [".noegle.json.lock", "noegle.json", "projekt"]


# --- issue 12: every kind, endings outside the placeholder, allowed terms, the key --------------


def test_possessives_and_apostrophes_stay_outside_the_placeholder():
    key = PseudonymKey()
    new, _ = pseudonymise_text("Min mand Taras er her. Taras' arbejde er langt væk. Taras kom sent.", key)
    assert new == "Min mand [Navn 1] er her. [Navn 1]' arbejde er langt væk. [Navn 1] kom sent."
    assert key.originals[("navn", "taras")] == "Taras"  # not "Tara"


def test_a_genitive_before_a_school_is_the_persons_placeholder():
    new, _ = pseudonymise_text("Bohdans skole ringede. Bohdan er glad.", PseudonymKey())
    assert new == "[Navn 1]s skole ringede. [Navn 1] er glad."


def test_the_new_kinds_get_their_own_placeholders():
    text = ("Hun er født 3. marts 2015, skriver som @oksana_kyiv_cph og på facebook.com/oksana.b.7, "
            "og bilen har nummeret CX 48 213.")
    new, _ = pseudonymise_text(text, PseudonymKey())
    assert new == ("Hun er født [Fødselsdato 1], skriver som [Profil 1] og på [Profil 2], "
                   "og bilen har nummeret [Nummerplade 1].")


def test_generic_terms_and_allowed_terms_are_left_alone():
    text = "Vi handler i Netto og Lidl, kommer fra Eritrea, bor i Nordvest og går i Familiehuset og Zabo."
    new, findings = pseudonymise_text(text, PseudonymKey(), allowed=["Zabo"])
    assert new == text and findings == []


def test_lower_case_names_and_misses_the_key_knows_are_replaced_too():
    key = PseudonymKey()
    pseudonymise_text("Selam kom i går.", key)
    new, _ = pseudonymise_text("Vi så selam, og Selams bror kom. Selam sagde hej.", key)
    assert "elam" not in new and new.count("[Navn 1]") == 3


def test_the_key_is_readable_by_its_owner_only(project, tmp_path):
    key_path = tmp_path / "noegle.json"
    pseudonymise_file(project / "interviews_anonymised" / "INT-FAM-09.md", key_path, project)
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600


def test_the_key_is_updated_under_its_lock(project, tmp_path):
    key_path = tmp_path / "noegle.json"
    held = threading.Event()

    def hold():
        with locked(key_path):
            held.set()
            time.sleep(0.6)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait()
    started = time.monotonic()
    pseudonymise_file(project / "interviews_anonymised" / "INT-FAM-09.md", key_path, project)
    waited = time.monotonic() - started
    holder.join()
    assert waited >= 0.5  # it waited for the other run to finish with the key


HELD_OUT = Path(__file__).parent / "anonymity_heldout"


def test_round_trip_on_the_held_out_set_leaves_nothing_the_key_knows():
    """After pseudonymising every held-out transcript, check-anonymity's scan of the output finds
    no original the key holds, and no original is left in the text as a word."""
    from anonymity_scoring import parse_gold

    key = PseudonymKey()
    outputs = []
    for path in sorted(HELD_OUT.glob("*.md")):
        if path.name == "README.md":
            continue
        text, _ = parse_gold(path.read_text(encoding="utf-8"))
        outputs.append(pseudonymise_text(text, key)[0])
    originals = {original for original in key.originals.values()}
    assert len(originals) > 100
    for out in outputs:
        found = {normalise(f.text, f.kind) for f in find_personal_data(out)}
        assert not found & {normalise(o, k) for (k, _), o in key.originals.items()}
        for (kind, _), original in key.originals.items():
            if kind in ("navn", "institution", "adresse"):
                assert not re.search(rf"(?<![\w\[])(?i:{re.escape(original)})(?![\w])", out), original
