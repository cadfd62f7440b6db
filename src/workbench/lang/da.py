"""Danish language data for the anonymity guard: word lists, endings, function words.

The long lists are plain text in data/anonymity/ (see its README); the short closed classes
(pronouns, particles, verbs that take a person as subject, endings) are here, next to what they
mean. Nothing here decides what a finding is; the detectors in workbench.anonymity do.
"""

# ruff: noqa: SIM905 (word lists are easiest to read and edit as one string split on spaces)

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).parent.parent / "data" / "anonymity"


# Lower-case particles inside a full name ("Ahmad bin Ali", "Thi Huong van Le").
PARTICLES = frozenset(
    "al el bin ibn bint abu ben van von de der den da di du la le dos das del zu ter ten y".split()
)

# Finite verbs that make a sentence-initial ambiguous word a name ("Hans sagde", "Per er").
NAME_VERBS = frozenset(
    """
    sagde siger spurgte spørger svarede svarer fortalte fortæller forklarede forklarer mente mener
    synes syntes tror troede ved vidste er var har havde kom kommer gik går fik får blev bliver kan
    kunne vil ville skal skulle må måtte tog tager så ser bor boede arbejder arbejdede gør gjorde
    begyndte begynder startede starter ringede ringer skrev skriver græd grinede smilede nikkede
    lavede laver hjalp hjælper løb sad sidder stod står gav giver fandt finder sendte sender
    ønsker ønskede elsker elskede hader hentede henter følte føler talte taler købte køber mødte
    møder flyttede flytter kender kendte bad beder lovede lover nåede når tænkte tænker husker
    huskede fylder fyldte hedder hed lå ligger
    """.split()
)

# Definite and plural endings of nouns: "evaluator" + "en", "team" + "et".
NOUN_ENDINGS = ("en", "et", "n", "t", "ne", "er", "erne", "ene", "ens", "ets", "s", "e")
SUBJECT_PRONOUNS = frozenset("jeg du han hun vi i de man".split())
TEAM_WORDS = frozenset(
    "supportteamet kerneteamet teamet jobcentret jobcenteret kommunen skolen forvaltningen "
    "sundhedsplejen børnehaven vuggestuen klubben socialforvaltningen".split()
)
HOUSE_SUFFIXES = ("huset", "centret", "centeret", "hjemmet", "gården")

# Verbs that need a person as subject: "Lykke sagde" is a name, "Lykke er at få ro" is not.
PERSON_VERBS = frozenset(
    """
    sagde siger spurgte spørger svarede svarer fortalte fortæller forklarede forklarer mente mener
    synes syntes tror troede vidste bor boede arbejder arbejdede ringede ringer skrev skriver græd
    grinede smilede nikkede hjalp hjælper lavede talte taler hedder hed ønsker ønskede elsker hader
    føler følte tænkte tænker husker huskede kender kendte lovede lover bad beder fik købte
    """.split()
)
# Ambiguous names whose ordinary use is never followed by a finite verb ("Hans er" is a name).
FUNCTION_AMBIGUOUS = frozenset("hans per bo dan tage finn bent kim tom max ha stig".split())

# Words right before a name: "hun hedder Lykke", "hr. Sand".
NAMING_WORDS = frozenset("hedder hed hedde heder kaldet kaldes kalder kaldte navnet hr fru frk dr mr mrs ms".split())

# Between two words, these start a new sentence: markup, list bullets and definitions ("UE = Ungeenheden"),
# quotes and brackets, and sentence-final punctuation other than the period.
BREAKS = frozenset("<>=•" + "\"“”„»«'‘(" + "!?…:")

SENTENCE_BREAKS = BREAKS | {"\n", "\t", "|"}  # any of them in the gap before a word starts a sentence

# Abbreviations whose period does not end a sentence.
ABBREVIATIONS = frozenset(
    """
    ca bl fx f eks dvs mht pga vedr evt inkl ekskl jf hr frk nr kl tlf st th tv mf pt obs ang ift
    iflg dr prof mr mrs ms sdr gl sct skt adr att cand ph d s m jr ref u o l a e ml tilsv vha mm
    """.split()
)

MONTHS = frozenset("januar februar marts april maj juni juli august september oktober november december mai".split())
DATE_CONTEXT = frozenset(
    "i til fra siden sidste næste inden primo ultimo medio midt hele om af før efter slutningen "
    "starten begyndelsen udgangen løbet sidst først".split()
)

STREET_SUFFIXES = (
    "vej", "vejen", "gade", "gaden", "allé", "alle", "alléen", "boulevard", "plads", "pladsen",
    "stræde", "strædet", "vænge", "vænget", "park", "parken", "have", "haven", "torv", "torvet",
    "sti", "stien", "bakke", "bakken", "vang", "vangen", "høj", "højen", "toft", "toften",
    "dossering", "kaj", "kajen", "bro", "broen", "løkke", "løkken", "brygge", "bryggen", "gård",
    "gården", "passage", "ringen", "ring", "fælled", "hegn", "lund", "lunden", "diget", "kilen",
    "parkallé", "voldgade", "landevej", "tværvej", "skrænt", "holm", "mose", "engen",
)
# A capitalised word with one of these endings is a street even without a house number.
BARE_STREET_SUFFIXES = (
    "vej", "vejen", "gade", "gaden", "allé", "alléen", "boulevard", "plads", "pladsen", "stræde",
    "strædet", "torv", "torvet", "vænge", "vænget", "parkvej", "voldgade", "dossering",
)
# Derivational endings of ordinary nouns and adjectives: an unknown sentence-initial word with
# one of them is a word the lemma table lacks ("Faciliteringen"), not a name.
WORD_ENDINGS = (
    "ingen", "ingerne", "ering", "eringer", "hed", "heden", "heder", "hederne", "else", "elsen",
    "elser", "tion", "tionen", "tioner", "isme", "ismen", "skab", "skabet", "skaber", "lig",
    "lige", "ligt", "ighed", "mæssig", "mæssige", "mæssigt", "agtig", "agtige", "somhed", "dom",
    "dommen", "ende", "endes", "ning", "ningen", "ninger", "ningerne", "eriet", "eri", "iteten",
    "itet", "ører", "øren", "ørerne", "ist", "isten", "ister", "isterne", "erne", "ernes",
)
# Letters that do not occur in Danish words: an unknown word containing one is a foreign name.
DANISH_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzæøåéèà'’-")
# Capitalised nouns that take a number without being addresses ("på Side 2", "i Bilag 3").
NUMBERED_NOUNS = frozenset(
    "bilag tabel figur kapitel afsnit side punkt spørgsmål princip faktor runde uge fase trin del "
    "niveau bind klasse gruppe team møde boks model version linje nr nummer rum lokale etage plan "
    "sal bygning hus opgang port stue modul kursus hold trin".split()
)
STREET_WORDS = frozenset(
    "vej gade allé alle boulevard plads torv stræde vænge park have sti bakke vang høj kaj bro "
    "brygge passage ring løkke dossering".split()
)

INSTITUTION_SUFFIXES = (
    "skole", "skolen", "skoles", "skolens", "friskole", "friskolen", "gymnasium", "gymnasiet",
    "gymnasiums", "børnehave", "børnehaven", "vuggestue", "vuggestuen", "børnehus", "børnehuset",
    "fritidshjem", "fritidshjemmet", "fritidsklub", "fritidsklubben", "boldklub", "boldklubben",
    "idrætsforening", "idrætsforeningen", "hospital", "hospitalet", "sygehus", "sygehuset",
    "efterskole", "efterskolen", "klinik", "klinikken", "lægehus", "lægehuset", "ungdomsklub",
    "ungdomsklubben", "institution", "institutionen", "sfo", "skolefritidsordning",
)

# Head nouns after a name: "Tingbjerg Skole", "Hellig Kors skole", "Bispebjerg Hospital".
INST_HEAD_AFTER = frozenset(
    """
    skole skoles friskole privatskole heldagsskole specialskole efterskole sprogskole ungdomsskole
    sportsskole gymnasium gymnasie gymnasiums fritidsklub fritidshjem boldklub fodboldklub svømmeklub
    idrætsklub idrætsforening ungdomsklub børnehave vuggestue børnehus hospital hospitals sygehus
    klinik lægehus lægecenter tandklinik sundhedshus kollegium moské moske menighed kirke
    sprogcenter bibliotek idrætscenter opholdssted behandlingshjem daginstitution aps
    """.split()
)
# Head nouns before a name: "Børnehaven Regnbuen", "klubben Globus", "BK Frem", "Skolen ved Søerne".
INST_HEAD_BEFORE = frozenset(
    """
    børnehaven vuggestuen børnehuset fritidshjemmet fritidsklubben klubben idrætsforeningen
    boldklubben fodboldklubben svømmeklubben institutionen daginstitutionen efterskolen friskolen
    privatskolen gymnasiet ungdomsklubben foreningen moskeen kirken opholdsstedet
    behandlingshjemmet biblioteket lægehuset klinikken tandklinikken sprogskolen sprogcentret
    sprogcenteret heldagsskolen specialskolen
    """.split()
)
CLUB_ABBREVIATIONS = frozenset("BK FC IF IK BSV GF UB SK Klub".split())
INST_HEADS = INST_HEAD_AFTER | INST_HEAD_BEFORE | {"skolen"}  # every word _institutions looks around


def read_list(name: str) -> list[str]:
    text = (DATA_DIR / name).read_text(encoding="utf-8")
    entries = []
    for raw in text.splitlines():
        entry = raw.split("#", 1)[0].strip()
        if entry:
            entries.append(entry)
    return entries


@lru_cache(maxsize=65536)  # called for every capitalised word; a transcript repeats its words
def fold(word: str) -> str:
    """Lower case without foreign accents ("Hüseyin" = "huseyin"); Danish æøå are kept."""
    word = word.lower()
    kept: list[str] = []
    for ch in unicodedata.normalize("NFD", word):
        if unicodedata.combining(ch) and kept and kept[-1] in "ao" and ch == "\u030a":
            kept.append(ch)  # å
        elif not unicodedata.combining(ch):
            kept.append(ch)
    return unicodedata.normalize("NFC", "".join(kept)).replace("ı", "i").replace("ł", "l").replace("đ", "d")

