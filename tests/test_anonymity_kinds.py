"""Issue 12's rules, one at a time: birth dates, profiles, plates, postcodes, lower-case and
repeated names, possessives, nicknames, and the generic terms that are not findings alone."""

from __future__ import annotations

import pytest

from workbench.anonymity import KIND_LABELS, find_personal_data


def found(text: str, **kwargs) -> list[tuple[str, str]]:
    return [(f.kind, f.text) for f in find_personal_data(text, **kwargs)]


def kinds(text: str, kind: str) -> list[str]:
    return [t for k, t in found(text) if k == kind]


# --- birth dates --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("Hun er født 12. april 2016.", "12. april 2016"),
        ("Sønnen, født den 5. maj 2013, går i skole.", "5. maj 2013"),
        ("Han er født 03/09-2010.", "03/09-2010"),
        ("Datteren er født 6/5-11 på Hvidovre.", "6/5-11"),
        ("Hendes fødselsdato er 12.04.2016.", "12.04.2016"),
        ("Hun har fødselsdag den 12. april.", "12. april"),
        ("Min søn er f. 2014.", "2014"),
        ("Datteren er født i 2015.", "2015"),
        ("Eden (17.01.2014) går i SFO.", "17.01.2014"),
        ("Eden er fra 2014, og hun går i SFO.", "2014"),
        ("Han er fra 2012 og går i 6. klasse.", "2012"),
    ],
)
def test_a_date_in_a_birth_context_is_a_birth_date(text, date):
    assert kinds(text, "fødselsdato") == [date]


@pytest.mark.parametrize(
    "text",
    [
        "Mødet den 4. juni 2024 var svært.",
        "Næste møde er den 14/01-2025 kl. 10.",
        "Vi mødtes 21.11.2024 i Familiehuset.",
        "Loven er fra 2015, og reglerne er fra 2019.",
        "Huset er fra 2020 og blev bygget af kommunen.",
        "Indsatsen startede i 2021, og i 2023 kom flere familier.",
        "Hun var nyfødt, da familien flygtede i 2015.",
    ],
)
def test_meeting_dates_and_years_of_events_are_not_personal_data(text):
    assert kinds(text, "fødselsdato") == []


# --- handles, profile links, licence plates ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "profile"),
    [
        ("Han er på TikTok som @andrii.dk.12 hver aften.", "@andrii.dk.12"),
        ("Se instagram.com/olha_melnyk_cph for billeder.", "instagram.com/olha_melnyk_cph"),
        ("Siden https://facebook.com/tesfay.haile.1975 er lukket.", "https://facebook.com/tesfay.haile.1975"),
        ("Hun skriver på Snapchat som ayaan_22 til veninderne.", "ayaan_22"),
        ("Kanalen hedder youtube.com/@beats.kbh.", "youtube.com/@beats.kbh"),
    ],
)
def test_handles_and_profile_links(text, profile):
    assert kinds(text, "profil") == [profile]


def test_a_platform_named_without_a_user_name_is_not_a_finding():
    assert found("Hun bruger Instagram og Facebook hver dag, og sønnen er på TikTok.") == []


def test_an_email_address_is_not_a_handle():
    assert found("Skriv til ayaanj@live.dk.") == [("email", "ayaanj@live.dk")]


@pytest.mark.parametrize("plate", ["BD 91 447", "CU22918", "AB 12345"])
def test_licence_plates(plate):
    assert found(f"Bilen har nummerpladen {plate} i dag.") == [("nummerplade", plate)]


def test_kind_labels_are_danish():
    assert KIND_LABELS["fødselsdato"] == "fødselsdato" and KIND_LABELS["nummerplade"] == "nummerplade"
    assert KIND_LABELS["profil"] == "profil på sociale medier"


# --- postcodes and postal districts ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "item"),
    [
        ("De bor i 2200 nu.", "2200"),
        ("Postnummer 2770, skrev hun.", "2770"),
        ("Hun bor i 2400 NV.", "2400 NV"),
        ("Han flyttede til København SV sidste år.", "København SV"),
    ],
)
def test_standalone_postcodes_and_postal_districts(text, item):
    assert found(text) == [("adresse", item)]


def test_years_after_i_are_not_postcodes():
    assert found("I 2020 og i 2024 var der flere familier.") == []


# --- names: lower case, repeated, possessive, nicknames, titles -----------------------------------


def test_a_lower_case_name_found_capitalised_in_the_same_text():
    text = "Louise hjalp os. Bagefter sagde louise, at det gik godt."
    assert found(text) == [("navn", "Louise"), ("navn", "louise")]


@pytest.mark.parametrize(
    ("text", "name"),
    [("Min søn yusuf er glad.", "yusuf"), ("Hun hedder ayaan.", "ayaan"), ("Vi kalder hende fatima.", "fatima")],
)
def test_a_listed_name_in_lower_case_after_words_that_introduce_a_person(text, name):
    assert found(text) == [("navn", name)]


def test_lower_case_ordinary_words_stay_ordinary():
    assert found("Min søn lykke er at få ro. Hun hedder noget andet nu.") == []


def test_a_possessive_of_a_name_found_elsewhere_is_a_name_at_a_sentence_start():
    assert found("Vi talte med Sofiia. Sofiias lærer kom også.") == [("navn", "Sofiia"), ("navn", "Sofiias")]


def test_an_apostrophe_after_a_name_ending_in_s_is_part_of_the_name():
    assert found("Det var Tesfays' idé, og Yonas’ bror kom.") == [("navn", "Tesfays'"), ("navn", "Yonas’")]


def test_a_nickname_in_brackets_after_a_name_and_after_kalder():
    assert found("Mor Joanna Nowak (Asia) kom.") == [("navn", "Joanna Nowak"), ("navn", "Asia")]
    assert ("navn", "Mia") in found("Alle kalder hende Mia.")


def test_a_title_is_part_of_the_name():
    assert found("Vi talte med hr. Søgaard.") == [("navn", "hr. Søgaard")]


def test_a_surname_that_reads_as_a_compound_is_one_name_with_the_first_name():
    assert found("Jeg tror han hed Frode Vilstrup.") == [("navn", "Frode Vilstrup")]


# --- generic terms are not findings alone; a named unit is ----------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Hun kommer i Familiehuset og går i Ungdomsskolen.",
        "Sundhedsplejen, PPR og Jobcentret var med.",
        "Hun handler i Netto, Lidl og Føtex.",
        "Familien er fra Eritrea, og mange fra Sri Lanka og Somalia bor her.",
        "De bor i Nordvest og vil gerne blive på Bispebjerg eller i Tingbjerg.",
        "Facilitatoren skrev aftalerne.",
    ],
)
def test_generic_services_chains_countries_and_districts_are_not_findings(text):
    assert found(text) == []


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("Hun kommer i Familiehuset Nord om tirsdagen.", "Familiehuset Nord"),
        ("Han går til dans i Kulturhuset Bispebjerg.", "Kulturhuset Bispebjerg"),
        ("Han går i Børnehuset Solsikken.", "Børnehuset Solsikken"),
        ("Hun går i Specialbørnehaven Lærkereden hver dag.", "Specialbørnehaven Lærkereden"),
    ],
)
def test_a_named_unit_is_still_a_finding(text, unit):
    assert found(text) == [("institution", unit)]


def test_a_genitive_before_school_is_the_persons_not_a_named_school():
    assert found("Vi talte om Bohdans skole.") == [("navn", "Bohdans")]


# --- the project's own terms and places -----------------------------------------------------------


def test_the_project_adds_allowed_terms_and_local_places():
    text = "Hun bor i Lundegården og kommer i Tingbjerg og Zabo."
    assert ("institution", "Zabo") not in found(text, allowed=["Zabo"])
    assert found(text, allowed=["Zabo", "Lundegården"]) == []
    assert found(text, allowed=["Zabo"], places=["Lundegården", "Tingbjerg"]) == [
        ("adresse", "Lundegården"), ("adresse", "Tingbjerg")
    ]
