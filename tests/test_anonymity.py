"""The anonymity guard, specified one rule at a time, and measured on the held-out set.

Each small test is one rule of what is and is not personal data in a Danish transcript. The
last tests measure recall and the false-finding rate on tests/anonymity_eval/ (see its README).
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from workbench.anonymity import KIND_LABELS, KINDS, Finding, find_personal_data

EVAL_DIR = Path(__file__).parent / "anonymity_eval"
EXAMPLES_DIR = Path(__file__).resolve().parents[1] / "interviews_anonymised"


def found(text: str, **kwargs) -> list[tuple[str, str]]:
    return [(f.kind, f.text) for f in find_personal_data(text, **kwargs)]


def assert_clean(text: str, **kwargs) -> None:
    assert found(text, **kwargs) == []


# --- the Finding contract -------------------------------------------------------------------


def test_findings_carry_kind_text_offsets_and_line():
    text = "I: Hvem kom?\nR: Det gjorde Fatima.\n"
    (finding,) = find_personal_data(text)
    assert finding == Finding("navn", "Fatima", text.index("Fatima"), text.index("Fatima") + 6, 2)
    assert text[finding.start : finding.end] == finding.text


def test_findings_are_sorted_and_never_overlap():
    text = "Ring til Mette Hansen på 22 33 44 55 eller skriv til mette@example.dk, Tagensvej 12, 2200 København N."
    findings = find_personal_data(text)
    assert [f.start for f in findings] == sorted(f.start for f in findings)
    for a, b in zip(findings, findings[1:], strict=False):
        assert a.end <= b.start


def test_every_kind_has_a_danish_label():
    assert set(KIND_LABELS) == set(KINDS)
    assert KIND_LABELS["cpr"] == "CPR-nummer" and KIND_LABELS["telefon"] == "telefonnummer"


def test_empty_text_has_no_findings():
    assert find_personal_data("") == []


# --- CPR numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize("cpr", ["120385-1234", "1203851234", "120385 1234", "311299-4321"])
def test_cpr_numbers_with_and_without_dash(cpr):
    assert found(f"Hans CPR-nummer er {cpr}.") == [("cpr", cpr)]


def test_cpr_needs_a_valid_day_and_month():
    assert_clean("Sagsnummeret er 451385-1234.")  # day 45
    assert_clean("Sagsnummeret er 121385-1234.")  # month 13


def test_a_cpr_number_is_not_also_a_phone_number():
    assert found("CPR 0307782915") == [("cpr", "0307782915")]


# --- phone numbers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "phone",
    ["12345678", "12 34 56 78", "1234 5678", "12-34-56-78", "123 45 678", "+45 12 34 56 78", "0045 12345678",
     "(+45) 1234 5678", "+4528714093"],
)
def test_danish_phone_numbers_in_any_grouping(phone):
    assert found(f"Du kan ringe på {phone} i dag.") == [("telefon", phone)]


@pytest.mark.parametrize("phone", ["+46 70 123 45 67", "+90 532 123 4567", "0044 20 7946 0958"])
def test_foreign_phone_numbers_with_country_code(phone):
    assert found(f"Hendes bror har nummeret {phone}.") == [("telefon", phone)]


@pytest.mark.parametrize(
    "text",
    [
        "Det kostede 12.500 kr. og 45 % af familierne fik hjælp.",
        "Familien skyldte 12345678 kr. i alt.",
        "Forløbet kørte fra 2019-2021 og igen 2023 2024.",
        "Mødet var den 14. maj 2025 kl. 14.30, og det næste er 2025-06-11.",
        "Datoen 14052025 står på brevet.",
        "Kommunen har 10.746.237 kr. til indsatsen og 1.234 borgere.",
        "Der var 8 familier, 35 besvarelser og 41 rådgivere.",
    ],
)
def test_amounts_years_dates_and_counts_are_not_phone_numbers(text):
    assert_clean(text)


# --- e-mail -------------------------------------------------------------------------------------


def test_email_addresses_without_trailing_punctuation():
    assert found("Skriv til anne.hansen@kk.dk.") == [("email", "anne.hansen@kk.dk")]
    assert found("Mail: m.kowalska82@hotmail.com") == [("email", "m.kowalska82@hotmail.com")]


# --- addresses ----------------------------------------------------------------------------------


def test_full_address_with_floor_side_and_postcode_is_one_finding():
    assert found("Hun bor på Tagensvej 112, 3. th, 2200 København N nu.") == [
        ("adresse", "Tagensvej 112, 3. th, 2200 København N")
    ]


@pytest.mark.parametrize(
    "text, address",
    [
        ("Vi bor på nørrebrogade 12 nu.", "nørrebrogade 12"),
        ("De flyttede til Gammel Kongevej 5B i maj.", "Gammel Kongevej 5B"),
        ("Mødet var på Nørre Allé 3.", "Nørre Allé 3"),
        ("Adressen er H.C. Andersens Boulevard 27.", "H.C. Andersens Boulevard 27"),
        ("Han bor på Lersø Parkallé 40, 4. mf.", "Lersø Parkallé 40, 4. mf"),
        ("De bor på Ruten 14, 2. th, lige ved centret.", "Ruten 14, 2. th"),
        ("Børnehaven ligger på Lygten 2 i dag.", "Lygten 2"),
    ],
)
def test_street_and_house_number(text, address):
    assert found(text) == [("adresse", address)]


def test_an_address_block_over_two_lines_is_one_finding():
    assert found("Edisonsvej 1\n5000 Odense C\n") == [("adresse", "Edisonsvej 1\n5000 Odense C")]


def test_postcode_and_town_alone():
    assert found("Familien bor i 2400 København NV.") == [("adresse", "2400 København NV")]
    assert found("Hun flyttede til 2650 Hvidovre.") == [("adresse", "2650 Hvidovre")]


def test_a_street_named_without_number():
    assert found("Vi mødtes på Jagtvej ved caféen.") == [("adresse", "Jagtvej")]


def test_local_place_names_point_to_where_a_family_lives():
    assert found("Før boede vi i Ishøj.") == [("adresse", "Ishøj")]


@pytest.mark.parametrize(
    "text",
    ["Vi legede i haven 2 timer.", "Hun har 3 børn og 2 katte.", "Mødet varede 2 timer på Nørrebro.",
     "Det var i uge 9 og i klasse 5.", "Tallene står på Side 4 og i Bilag 2."],
)
def test_counts_after_ordinary_words_are_not_addresses(text):
    assert_clean(text)


# --- names ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, name",
    [
        ("Fatima sagde, at hun var træt.", "Fatima"),
        ("Hun hedder Mette.", "Mette"),
        ("Han kom sammen med Ahmed og hans søster.", "Ahmed"),
        ("Så ringede rådgiveren Lars igen.", "Lars"),
        ("Det var min søn Yusuf, der ville.", "Yusuf"),
        ("Vi fik hjælp af Birgitte fra SOF.", "Birgitte"),
    ],
)
def test_single_first_names_at_sentence_start_and_mid_sentence(text, name):
    assert found(text) == [("navn", name)]


def test_full_names_are_one_finding():
    assert found("Anne Sofie Jørgensen var med på mødet.") == [("navn", "Anne Sofie Jørgensen")]
    assert found("Hun talte med Ahmad bin Ali om det.") == [("navn", "Ahmad bin Ali")]


@pytest.mark.parametrize(
    "text, name", [("Fatimas søn går i skole.", "Fatimas"), ("Mikkels lærer ringede.", "Mikkels")]
)
def test_possessive_names(text, name):
    assert found(text) == [("navn", name)]


def test_unlisted_name_mid_sentence_is_found_because_it_is_capitalised():
    # Danish capitalises only proper nouns, so this is what finds names in no list.
    assert found("Vi talte med Xiomara om planen.") == [("navn", "Xiomara")]


def test_a_capitalised_compound_of_ordinary_words_names_a_unit_not_a_person():
    assert found("Hun blev henvist til Ungeenheden og Kompetencehuset.") == [
        ("institution", "Ungeenheden"), ("institution", "Kompetencehuset")
    ]


def test_unlisted_name_at_sentence_start_needs_a_verb_or_a_surname():
    assert found("Xiomara fortalte, at det gik bedre.") == [("navn", "Xiomara")]
    assert found("Xiomara Quispe var med.") == [("navn", "Xiomara Quispe")]


def test_unlisted_name_taken_up_by_a_pronoun():
    assert found("Xiomara, hun er min datter.") == [("navn", "Xiomara")]


def test_unlisted_name_with_letters_foreign_to_danish():
    assert found("Zülfikars mor ringede i går.") == [("navn", "Zülfikars")]


@pytest.mark.parametrize(
    "text",
    [
        "Hans mor kom også.",
        "Per uge har vi tre møder.",
        "Mark og mål, sagde min far altid.",
        "Vilje har jeg nok af.",
        "Lykke er at få ro.",
        "hans bror og per uge og bo hjemme og en mark med sten.",
    ],
)
def test_names_that_are_also_danish_words_are_not_flagged_as_the_word(text):
    assert_clean(text)


@pytest.mark.parametrize(
    "text, name",
    [
        ("Hans sagde nej.", "Hans"),
        ("Hans Jensen kom også.", "Hans Jensen"),
        ("Vi ses med Per i morgen.", "Per"),
        ("Min datter Lykke er ni.", "Lykke"),
        ("Hun hedder Storm til mellemnavn.", "Storm"),
        ("Mai fra BIF havde kendt familien længe.", "Mai"),
    ],
)
def test_names_that_are_also_danish_words_in_a_naming_context(text, name):
    assert found(text) == [("navn", name)]


def test_month_names_are_months_in_dates():
    assert_clean("Mødet er den 5. Juni og igen i August.")
    assert found("Hun kom sammen med August og Viggo.") == [("navn", "August"), ("navn", "Viggo")]


def test_a_lower_case_name_with_no_person_context_and_no_capitalised_use_is_not_found():
    # issue 12: found after "hedder", "min søn" ... or when capitalised elsewhere (test_anonymity_kinds.py)
    assert_clean("vi talte med fatima om det.")


# --- speaker labels, placeholders and other non-findings ----------------------------------------


def test_speaker_labels_are_not_names():
    assert_clean("I: Hvordan gik det?\nR: Godt.\nMor: Ja.\nFar: Nej.\nInterviewer: Tak.\nTolk: Hun siger ja.\n"
                 "Deltager 2: Enig.\n")


def test_a_name_used_as_speaker_label_is_a_name():
    assert found("I: Hvordan gik det?\nFatima: Godt.\n") == [("navn", "Fatima")]


def test_anything_in_square_brackets_is_never_a_finding():
    assert_clean("[Navn 1] og [Fatima] talte med [mor] om [skolen] på [Tagensvej 12], tlf. [12 34 56 78].")


def test_the_pronoun_i_and_formal_de_are_not_names():
    assert_clean("I skal huske det. Vi sender Dem et brev, og De kan ringe, når Deres søn er hjemme.")


def test_programme_vocabulary_and_places_are_never_findings():
    assert_clean(
        "Vi arbejder i HFI med SOF, BIF, BUF, KFF og SUF efter LØFT og Familiens Plan via Din Sociale Indgang, "
        "Jobcenter og Jobcentret. Socialforvaltningen, Beskæftigelses- og Integrationsforvaltningen, "
        "Børne- og Ungdomsforvaltningen, Kultur- og Fritidsforvaltningen og Sundheds- og Omsorgsforvaltningen "
        "i Københavns Kommune. Familier fra København, Nørrebro, Bispebjerg, Amager, Vesterbro, Valby, Brønshøj, "
        "Vanløse, Østerbro og Indre By i Danmark var med i Step Up under Corona og COVID-19. Vi brugte Patton, "
        "GUIDE, Voilà, Word og Excel, og mødet holdtes på Teams."
    )


def test_sentence_initial_capitals_of_ordinary_words_are_not_names():
    assert_clean("Mandag kom hun. Samtykket er afgørende. Kerneteammødet gik godt. Faciliteringen var god.")


def test_quoted_titles_from_the_codebook_are_not_findings():
    assert_clean('Faktoren "Samtykket er afgørende" og princippet Helheden hænger sammen med F4 En fast struktur.')


def test_acronyms_and_compounds_with_acronyms_are_not_names():
    assert_clean("HFI-familierne fik ADHD-udredning via PPR, og BUF's tilbud kom på Aula. Flere SOF'ere var med.")


def test_suspended_compounds_are_not_names():
    assert_clean("Det er forankret i Børne- og Kulturforvaltningen og i Social- og Sundhedsområdet.")


def test_table_cells_start_like_sentences():
    assert_clean("Målgruppe\tIndikator\tAntal\nForældre\tAndel\t45\nAlle\t7\t100\n| Familien | Antal |\n")


def test_countries_are_not_findings():
    assert_clean("Han kom fra Somalia i 2008 og har familie i Tyrkiet.")


def test_allowed_terms_are_never_findings():
    text = "Vi samarbejder med Fællesskabsværket om planen."
    assert found(text) == [("institution", "Fællesskabsværket")]
    assert_clean(text, allowed=["Fællesskabsværket"])
    assert_clean("Vi talte med Xiomara og Familiens Plan.", allowed=["xiomara"])


# --- institutions -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, name",
    [
        ("Han går på Tingbjerg Skole nu.", "Tingbjerg Skole"),
        ("Hun starter på Hellig Kors skole efter sommer.", "Hellig Kors skole"),
        ("Hun går på Skolen ved Søerne.", "Skolen ved Søerne"),
        ("Han går i Børnehaven Solsikken.", "Børnehaven Solsikken"),
        ("Den lille er i vuggestuen Mariehønen.", "vuggestuen Mariehønen"),
        ("Han går i Børnehuset Regnbuen.", "Børnehuset Regnbuen"),
        ("Hun går i Fritidshjemmet Kastanjen.", "Fritidshjemmet Kastanjen"),
        ("Han kommer i Klub Globus.", "Klub Globus"),
        ("Han går i Valby Fritidsklub.", "Valby Fritidsklub"),
        ("Hun går på Sankt Annæ Gymnasium.", "Sankt Annæ Gymnasium"),
        ("Han skal på Ry Efterskole.", "Ry Efterskole"),
        ("Han spiller i BK Frem.", "BK Frem"),
        ("Hun danser i Idrætsforeningen Nørrebro United.", "Idrætsforeningen Nørrebro United"),
        ("Han går på Tingbjerg Heldagsskole.", "Tingbjerg Heldagsskole"),
        ("Hun blev født på Rigshospitalet.", "Rigshospitalet"),
        ("Hun var indlagt på Bispebjerg Hospital.", "Bispebjerg Hospital"),
        ("Han går på Lundehusskolen.", "Lundehusskolen"),
    ],
)
def test_named_schools_day_care_clubs_hospitals_and_workplaces(text, name):
    assert found(text) == [("institution", name)]


@pytest.mark.parametrize(
    "text",
    ["Han går i skole på Amager.", "Min skole er god.", "Hun er i børnehaven hver dag.",
     "Skolen på Nørrebro ringede.", "Hun bor på Bispebjerg.", "Børnehaven ringede i går."],
)
def test_unnamed_institutions_and_allowed_districts_are_not_findings(text):
    assert_clean(text)


# --- measured on the held-out evaluation set ----------------------------------------------------

_MARK = re.compile(r"\{\{(\w+):(.*?)\}\}", re.DOTALL)


def parse_gold(raw: str) -> tuple[str, list[tuple[str, int, int, str]]]:
    """Strip {{kind:text}} markup; return the text and the gold spans."""
    parts, gold, pos, last = [], [], 0, 0
    for m in _MARK.finditer(raw):
        parts.append(raw[last : m.start()])
        pos += m.start() - last
        gold.append((m.group(1), pos, pos + len(m.group(2)), m.group(2)))
        parts.append(m.group(2))
        pos += len(m.group(2))
        last = m.end()
    parts.append(raw[last:])
    return "".join(parts), gold


def body_of(raw: str) -> str:
    """The text after YAML front matter, if any."""
    if raw.startswith("---\n"):
        end = raw.find("\n---\n", 4)
        if end >= 0:
            return raw[end + 5 :]
    return raw


def test_gold_markup_parser():
    text, gold = parse_gold("Hej {{navn:Fatima}}, ring {{telefon:12 34 56 78}}.")
    assert text == "Hej Fatima, ring 12 34 56 78."
    assert [(k, text[s:e]) for k, s, e, _ in gold] == [("navn", "Fatima"), ("telefon", "12 34 56 78")]


# annoteret_01..08 were written before the word lists; after the first measurement (96.3 %) the
# detector's rules (never the lists) were improved on them. annoteret_09..11 were written after
# that and measured once, untouched: the honest figure for unseen transcripts.
DEVELOPMENT = [f"annoteret_{n:02d}.md" for n in range(1, 9)]
FRESH = [f"annoteret_{n:02d}.md" for n in range(9, 12)]


def measure_recall(names: list[str]) -> dict:
    total = hits = extra = words = 0
    per_kind: dict[str, list[int]] = {}
    misses = []
    for name in names:
        text, gold = parse_gold((EVAL_DIR / name).read_text(encoding="utf-8"))
        words += len(text.split())
        findings = find_personal_data(text)
        for kind, start, end, item in gold:
            hit = any(f.start < end and start < f.end for f in findings)
            total += 1
            hits += hit
            per_kind.setdefault(kind, [0, 0])[0] += hit
            per_kind[kind][1] += 1
            if not hit:
                misses.append(f"{name}: {kind}: {item}")
        extra += sum(1 for f in findings if not any(f.start < e and s < f.end for _, s, e, _ in gold))
    return {"hits": hits, "total": total, "recall": hits / total, "extra": extra, "words": words,
            "per_kind": per_kind, "misses": misses}


@pytest.mark.parametrize("label, names", [("udviklingssæt 01-08", DEVELOPMENT), ("friske tekster 09-11", FRESH)])
def test_recall_on_held_out_transcripts(label, names, capsys):
    assert all((EVAL_DIR / n).exists() for n in names)
    r = measure_recall(names)
    with capsys.disabled():
        print(f"\nAnonymitetsvagten, {label}: recall {r['hits']}/{r['total']} = {r['recall']:.1%} "
              f"({r['words']} ord); fund uden for guld: {r['extra']}")
        print("  pr. type: " + ", ".join(f"{k} {h}/{n}" for k, (h, n) in sorted(r["per_kind"].items())))
        for miss in r["misses"]:
            print(f"  ikke fundet: {miss}")
    assert r["recall"] >= 0.95
    assert r["extra"] / r["words"] * 1000 <= 1.0


def _false_rate(texts: list[tuple[str, str]]) -> tuple[int, int, list[str]]:
    count = words = 0
    shown = []
    for name, text in texts:
        words += len(text.split())
        for f in find_personal_data(text):
            count += 1
            shown.append(f"{name}:{f.line}: {f.kind}: {f.text}")
    return count, words, shown


def test_false_findings_on_clean_text(capsys):
    files = sorted(EVAL_DIR.glob("ren_*.md"))
    count, words, shown = _false_rate([(p.name, p.read_text(encoding="utf-8")) for p in files])
    assert words >= 3000
    rate = count / words * 1000
    with capsys.disabled():
        print(f"\nAnonymitetsvagten, ren tekst: {count} fund i {words} ord = {rate:.2f} pr. 1.000 ord")
        for line in shown:
            print(f"  falsk fund: {line}")
    assert rate <= 1.0


def test_false_findings_on_the_example_transcripts(capsys):
    files = sorted(EXAMPLES_DIR.glob("*.md"))
    if not files:
        pytest.skip("no example transcripts in interviews_anonymised/")
    count, words, shown = _false_rate([(p.name, body_of(p.read_text(encoding="utf-8"))) for p in files])
    rate = count / words * 1000
    with capsys.disabled():
        print(f"\nAnonymitetsvagten, eksempeltransskriptioner: {count} fund i {words} ord = {rate:.2f} pr. 1.000 ord")
        for line in shown:
            print(f"  fund: {line}")
    assert rate <= 1.0


def test_scanning_is_fast_enough_for_long_transcripts():
    text = "\n\n".join(parse_gold(p.read_text(encoding="utf-8"))[0] for p in sorted(EVAL_DIR.glob("*.md")))
    while len(text.split()) < 8000:
        text += "\n\n" + text
    find_personal_data("Fatima")  # load word lists outside the timing
    started = time.perf_counter()
    find_personal_data(text)
    assert time.perf_counter() - started < 1.0  # about 0.03 s here; 200 transcripts x 8,000 words


# --- robustness -----------------------------------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_PIECES = st.sampled_from(
    ["Fatima", "Hans", "hans", "Per", " ", "\n", "\t", ". ", ": ", "I:", "Mor:", "[mor]", "[", "]", "12", "34 56 78",
     "120385-1234", "@", "kk.dk", "Tagensvej", " 12", ", 2. th", "2200 København N", "Skole", "Børnehaven",
     "BK", "Frem", "-", "'s", "’", "\"", "Ø", "ş", "Ahmad bin Ali", "og", "sagde", "Jobcentret", "0045"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES | st.text(max_size=6), max_size=40).map("".join))
def test_findings_are_always_well_formed(text):
    findings = find_personal_data(text, allowed=["Frem"])
    previous_end = 0
    for f in findings:
        assert f.kind in KINDS
        assert text[f.start : f.end] == f.text and f.text.strip() == f.text and f.text
        assert f.start >= previous_end
        assert f.line == text.count("\n", 0, f.start) + 1
        previous_end = f.end
