"""The anonymity guard: finds personal data in Danish transcripts, memos and free text.

Rules and word lists, no trained model needed:

- regexes for CPR numbers, phone numbers, e-mail addresses, street addresses and postcodes;
- word lists (data/anonymity/) for Danish and immigrant first names and surnames, local places,
  named hospitals and workplaces, and the programme vocabulary that is never a finding;
- Danish capitalises only proper nouns, so a capitalised word in the middle of a sentence that
  is neither a known Danish word (the spacy-lookups-data lemma table) nor programme vocabulary
  is reported as a name. This is what finds names that are in no list.

When a trained Danish spaCy pipeline is installed, its PER/ORG/LOC entities are added.

The scan is made for long transcripts: it visits capitalised words, lines with digits and speaker
labels and the words around them, and walks no lower-case running text word by word (_Scan).
"""

# Token indices are `int | None` at the edges of the text (next_token, prev_token); the scan checks them in
# ways mypy cannot follow (membership in dicts of flagged tokens, runs that end before the text does), and its
# regexes match where they are applied. Checking each would slow the hot loop for no safety gained.
# mypy: disable-error-code="arg-type, assignment, index, type-var, union-attr, misc"

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

KINDS = ("cpr", "telefon", "email", "adresse", "navn", "institution")

KIND_LABELS: dict[str, str] = {
    "cpr": "CPR-nummer",
    "telefon": "telefonnummer",
    "email": "e-mail",
    "adresse": "adresse",
    "navn": "navn",
    "institution": "institution",
}


@dataclass(frozen=True)
class Finding:
    kind: str  # one of KINDS
    text: str  # the matched text as it appears
    start: int  # character offset in the scanned text
    end: int
    line: int  # 1-based line number in the scanned text


# ---------------------------------------------------------------------------------------------
# Word lists and the Danish vocabulary (built once per process)

_DATA_DIR = Path(__file__).parent.parent / "data" / "anonymity"

# Tokens: letters with inner apostrophes or hyphens ("Anne-Sofie", "O'Brien", "Fatima's").
_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")

# Lower-case particles inside a full name ("Ahmad bin Ali", "Thi Huong van Le").
_PARTICLES = frozenset(
    "al el bin ibn bint abu ben van von de der den da di du la le dos das del zu ter ten y".split()
)

# Finite verbs that make a sentence-initial ambiguous word a name ("Hans sagde", "Per er").
_NAME_VERBS = frozenset(
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
_NOUN_ENDINGS = ("en", "et", "n", "t", "ne", "er", "erne", "ene", "ens", "ets", "s", "e")
_SUBJECT_PRONOUNS = frozenset("jeg du han hun vi i de man".split())
_TEAM_WORDS = frozenset(
    "supportteamet kerneteamet teamet jobcentret jobcenteret kommunen skolen forvaltningen "
    "sundhedsplejen børnehaven vuggestuen klubben socialforvaltningen".split()
)
_HOUSE_SUFFIXES = ("huset", "centret", "centeret", "hjemmet", "gården")

# Verbs that need a person as subject: "Lykke sagde" is a name, "Lykke er at få ro" is not.
_PERSON_VERBS = frozenset(
    """
    sagde siger spurgte spørger svarede svarer fortalte fortæller forklarede forklarer mente mener
    synes syntes tror troede vidste bor boede arbejder arbejdede ringede ringer skrev skriver græd
    grinede smilede nikkede hjalp hjælper lavede talte taler hedder hed ønsker ønskede elsker hader
    føler følte tænkte tænker husker huskede kender kendte lovede lover bad beder fik købte
    """.split()
)
# Ambiguous names whose ordinary use is never followed by a finite verb ("Hans er" is a name).
_FUNCTION_AMBIGUOUS = frozenset("hans per bo dan tage finn bent kim tom max ha stig".split())

# Words right before a name: "hun hedder Lykke", "hr. Sand".
_NAMING_WORDS = frozenset("hedder hed hedde heder kaldet kaldes kalder kaldte navnet hr fru frk dr mr mrs ms".split())

# Between two words, these start a new sentence: markup, list bullets and definitions ("UE = Ungeenheden"),
# quotes and brackets, and sentence-final punctuation other than the period.
_BREAKS = frozenset("<>=•" + "\"“”„»«'‘(" + "!?…:")

_SENTENCE_BREAKS = _BREAKS | {"\n", "\t", "|"}  # any of them in the gap before a word starts a sentence

# Abbreviations whose period does not end a sentence.
_ABBREVIATIONS = frozenset(
    """
    ca bl fx f eks dvs mht pga vedr evt inkl ekskl jf hr frk nr kl tlf st th tv mf pt obs ang ift
    iflg dr prof mr mrs ms sdr gl sct skt adr att cand ph d s m jr ref u o l a e ml tilsv vha mm
    """.split()
)

_MONTHS = frozenset("januar februar marts april maj juni juli august september oktober november december mai".split())
_DATE_CONTEXT = frozenset(
    "i til fra siden sidste næste inden primo ultimo medio midt hele om af før efter slutningen "
    "starten begyndelsen udgangen løbet sidst først".split()
)

_STREET_SUFFIXES = (
    "vej", "vejen", "gade", "gaden", "allé", "alle", "alléen", "boulevard", "plads", "pladsen",
    "stræde", "strædet", "vænge", "vænget", "park", "parken", "have", "haven", "torv", "torvet",
    "sti", "stien", "bakke", "bakken", "vang", "vangen", "høj", "højen", "toft", "toften",
    "dossering", "kaj", "kajen", "bro", "broen", "løkke", "løkken", "brygge", "bryggen", "gård",
    "gården", "passage", "ringen", "ring", "fælled", "hegn", "lund", "lunden", "diget", "kilen",
    "parkallé", "voldgade", "landevej", "tværvej", "skrænt", "holm", "mose", "engen",
)
# A capitalised word with one of these endings is a street even without a house number.
_BARE_STREET_SUFFIXES = (
    "vej", "vejen", "gade", "gaden", "allé", "alléen", "boulevard", "plads", "pladsen", "stræde",
    "strædet", "torv", "torvet", "vænge", "vænget", "parkvej", "voldgade", "dossering",
)
# Derivational endings of ordinary nouns and adjectives: an unknown sentence-initial word with
# one of them is a word the lemma table lacks ("Faciliteringen"), not a name.
_WORD_ENDINGS = (
    "ingen", "ingerne", "ering", "eringer", "hed", "heden", "heder", "hederne", "else", "elsen",
    "elser", "tion", "tionen", "tioner", "isme", "ismen", "skab", "skabet", "skaber", "lig",
    "lige", "ligt", "ighed", "mæssig", "mæssige", "mæssigt", "agtig", "agtige", "somhed", "dom",
    "dommen", "ende", "endes", "ning", "ningen", "ninger", "ningerne", "eriet", "eri", "iteten",
    "itet", "ører", "øren", "ørerne", "ist", "isten", "ister", "isterne", "erne", "ernes",
)
# Letters that do not occur in Danish words: an unknown word containing one is a foreign name.
_DANISH_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzæøåéèà'’-")
# Capitalised nouns that take a number without being addresses ("på Side 2", "i Bilag 3").
_NUMBERED_NOUNS = frozenset(
    "bilag tabel figur kapitel afsnit side punkt spørgsmål princip faktor runde uge fase trin del "
    "niveau bind klasse gruppe team møde boks model version linje nr nummer rum lokale etage plan "
    "sal bygning hus opgang port stue modul kursus hold trin".split()
)
_STREET_WORDS = frozenset(
    "vej gade allé alle boulevard plads torv stræde vænge park have sti bakke vang høj kaj bro "
    "brygge passage ring løkke dossering".split()
)

_INSTITUTION_SUFFIXES = (
    "skole", "skolen", "skoles", "skolens", "friskole", "friskolen", "gymnasium", "gymnasiet",
    "gymnasiums", "børnehave", "børnehaven", "vuggestue", "vuggestuen", "børnehus", "børnehuset",
    "fritidshjem", "fritidshjemmet", "fritidsklub", "fritidsklubben", "boldklub", "boldklubben",
    "idrætsforening", "idrætsforeningen", "hospital", "hospitalet", "sygehus", "sygehuset",
    "efterskole", "efterskolen", "klinik", "klinikken", "lægehus", "lægehuset", "ungdomsklub",
    "ungdomsklubben", "institution", "institutionen", "sfo", "skolefritidsordning",
)

# Head nouns after a name: "Tingbjerg Skole", "Hellig Kors skole", "Bispebjerg Hospital".
_INST_HEAD_AFTER = frozenset(
    """
    skole skoles friskole privatskole heldagsskole specialskole efterskole sprogskole ungdomsskole
    sportsskole gymnasium gymnasie gymnasiums fritidsklub fritidshjem boldklub fodboldklub svømmeklub
    idrætsklub idrætsforening ungdomsklub børnehave vuggestue børnehus hospital hospitals sygehus
    klinik lægehus lægecenter tandklinik sundhedshus kollegium moské moske menighed kirke
    sprogcenter bibliotek idrætscenter opholdssted behandlingshjem daginstitution aps
    """.split()
)
# Head nouns before a name: "Børnehaven Regnbuen", "klubben Globus", "BK Frem", "Skolen ved Søerne".
_INST_HEAD_BEFORE = frozenset(
    """
    børnehaven vuggestuen børnehuset fritidshjemmet fritidsklubben klubben idrætsforeningen
    boldklubben fodboldklubben svømmeklubben institutionen daginstitutionen efterskolen friskolen
    privatskolen gymnasiet ungdomsklubben foreningen moskeen kirken opholdsstedet
    behandlingshjemmet biblioteket lægehuset klinikken tandklinikken sprogskolen sprogcentret
    sprogcenteret heldagsskolen specialskolen
    """.split()
)
_CLUB_ABBREVIATIONS = frozenset("BK FC IF IK BSV GF UB SK Klub".split())
_INST_HEADS = _INST_HEAD_AFTER | _INST_HEAD_BEFORE | {"skolen"}  # every word _institutions looks around


def _read_list(name: str) -> list[str]:
    text = (_DATA_DIR / name).read_text(encoding="utf-8")
    entries = []
    for raw in text.splitlines():
        entry = raw.split("#", 1)[0].strip()
        if entry:
            entries.append(entry)
    return entries


@lru_cache(maxsize=65536)  # called for every capitalised word; a transcript repeats its words
def _fold(word: str) -> str:
    """Lower case without foreign accents ("Hüseyin" = "huseyin"); Danish æøå are kept."""
    word = word.lower()
    kept: list[str] = []
    for ch in unicodedata.normalize("NFD", word):
        if unicodedata.combining(ch) and kept and kept[-1] in "ao" and ch == "\u030a":
            kept.append(ch)  # å
        elif not unicodedata.combining(ch):
            kept.append(ch)
    return unicodedata.normalize("NFC", "".join(kept)).replace("ı", "i").replace("ł", "l").replace("đ", "d")


def _phrase_tokens(phrase: str) -> tuple[str, ...]:
    return tuple(m.group().lower() for m in _WORD.finditer(phrase))


class _PhraseIndex:
    """Multi-word phrases looked up by their first token (cheap per token, unlike a big regex)."""

    def __init__(self, phrases: Iterable[str]):
        self.by_first: dict[str, list[tuple[str, ...]]] = {}
        for phrase in phrases:
            toks = _phrase_tokens(phrase)
            if toks:
                self.by_first.setdefault(toks[0], []).append(toks)
        for options in self.by_first.values():
            options.sort(key=len, reverse=True)
        longer = [toks for options in self.by_first.values() for toks in options if len(toks) > 1]
        self._middles = frozenset(tok for toks in longer for tok in toks[1:-1])
        self._lasts = frozenset(toks[-1] for toks in longer)
        self._starting: dict[str, list[tuple[str, ...]]] = {}
        self._continues: dict[str, bool] = {}

    def starting(self, low: str) -> list[tuple[str, ...]]:
        """The phrases that can start with the (lower-case) token, before the tokens after it are read."""
        options = self._starting.get(low)
        if options is None:
            options = self._options(low)
            if len(self._starting) < 200_000:
                self._starting[low] = options
        return options

    def _options(self, low: str) -> list[tuple[str, ...]]:
        if low.endswith(("'s", "’s")):
            low = low[:-2]
        options = self.by_first.get(low)
        if options is None and "-" in low:
            # "HFI-familier", "Corona-tiden": a one-word term as the first part of a compound.
            options = [o for o in self.by_first.get(low.split("-", 1)[0], ()) if len(o) == 1]
            if options:
                return options
        if options is None:
            if len(low) > 3 and low[-1] == "s":
                return [o for o in self.by_first.get(low[:-1], ()) if len(o) == 1]
            return []
        return options

    def match(self, lower_at: Callable[[int], str]) -> int:
        """Number of tokens of the longest phrase starting at a token (0 if none); lower_at(j) is
        the lower-case j-th token from there, "" after the end of the text.

        The last token may carry a genitive "s" ("Nørrebros", "Familiens Plans")."""
        for toks in self.starting(lower_at(0)):
            k = len(toks)
            for j in range(1, k):
                got = lower_at(j)
                want = toks[j]
                if got != want and not (
                    j == k - 1 and (got in (want + "s", want + "'s", want + "’s") or got.startswith(want + "-"))
                ):
                    break
            else:
                return k
        return 0

    def leads(self, low: str) -> bool:
        """Whether a token can be followed by a later word of the same phrase."""
        return low in self._middles or any(len(toks) > 1 for toks in self.starting(low))

    def continues(self, low: str) -> bool:
        """Whether a token can be a later word of a phrase, so that a phrase starting before it may cover it."""
        known = self._continues.get(low)
        if known is None:
            lasts = self._lasts
            known = (
                low in self._middles
                or low in lasts
                or (low.endswith("s") and low[:-1] in lasts)
                or (low.endswith(("'s", "’s")) and low[:-2] in lasts)
                or any(low[:cut] in lasts for cut, ch in enumerate(low) if ch == "-")
            )
            if len(self._continues) < 200_000:
                self._continues[low] = known
        return known


class _WordFacts(NamedTuple):
    """What the rules know about a capitalised word before looking at its context."""

    folded: str
    acronym: bool  # "SOF", "ADHD", "BUF's"
    stem: str | None  # folded, without a genitive or plural s ("Jensens", "Fatima's")
    listed: bool  # a name from the lists, also with that s
    ambiguous: bool  # a listed name that is also a Danish word ("Hans", "Lykke")
    common: bool
    # For _Scan._find_capitals: common and nothing else (no name, acronym, hyphen, place,
    # institution or head noun), and a single letter ("I", "R") that starts no place or institution.
    ordinary: bool
    letter: bool


class _Lexicon:
    def __init__(self) -> None:
        from workbench.lang.nlp import lemma_table

        self.table = lemma_table()
        first = _read_list("fornavne_danske.txt") + _read_list("fornavne_indvandrer.txt")
        sur = _read_list("efternavne_danske.txt") + _read_list("efternavne_indvandrer.txt")
        self.names = {_fold(n) for n in first + sur} | {n.lower() for n in first + sur}
        self.ambiguous = {n.lower() for n in _read_list("tvetydige_navne.txt")}
        self.strong_names = self.names - self.ambiguous
        self.extra_common = {w.lower() for w in _read_list("almindelige_ord.txt")}
        self.programme = _PhraseIndex(_read_list("programordforraad.txt"))
        self.local_places = _PhraseIndex(_read_list("steder_lokale.txt"))
        self.institutions = _PhraseIndex(_read_list("institutioner.txt"))
        self._common_cache: dict[str, bool] = {}
        self._facts: dict[str, _WordFacts] = {}

    def facts(self, word: str) -> _WordFacts:
        """Cached per distinct word: a transcript repeats its capitalised words many times."""
        facts = self._facts.get(word)
        if facts is None:
            low, folded = word.lower(), _fold(word)
            stem = None
            if low.endswith(("'s", "’s")):
                stem = folded[:-2]
            elif low.endswith("s") and len(low) > 3 and not self.is_common(low):
                stem = folded[:-1]
            acronym = word.partition("'")[0].partition("’")[0].isupper()  # "BUF's", "SOF'er"
            names, strong = self.names, self.strong_names
            listed = folded in strong or bool(stem and stem in strong and folded not in names)
            ambiguous = low in self.ambiguous or (stem is not None and stem in self.ambiguous and folded not in names)
            common = self.is_common(low)
            place = bool(self.institutions.starting(low) or self.local_places.starting(low))
            ordinary = (
                common
                and not (acronym or listed or ambiguous or "-" in word or folded in names or place)
                and low not in _INST_HEADS
                and word not in _CLUB_ABBREVIATIONS
            )
            facts = _WordFacts(folded, acronym, stem, listed, ambiguous, common, ordinary, len(word) == 1 and not place)
            if len(self._facts) < 200_000:
                self._facts[word] = facts
        return facts

    def is_common(self, lower: str) -> bool:
        """A known ordinary Danish word (and not a name that the table happens to hold)."""
        cached = self._common_cache.get(lower)
        if cached is None:
            cached = (lower in self.extra_common or lower in self.table) and _fold(lower) not in self.strong_names
            if len(self._common_cache) < 200_000:
                self._common_cache[lower] = cached
        return cached

    def is_known_proper(self, word: str) -> bool:
        """Capitalised entries of the lemma table: countries, regions, rivers ("Somalia", "Jylland")."""
        return word in self.table and _fold(word) not in self.names

    def is_wordlike(self, lower: str, depth: int = 0) -> bool:
        """An ordinary word the table may lack: a known word with a definite or plural ending
        ("evaluatoren"), or known words glued together ("familiekoordinatorteamet")."""
        if self.is_common(lower):
            return True
        for ending in _NOUN_ENDINGS:
            if lower.endswith(ending) and len(lower) - len(ending) >= 4 and self.is_common(lower[: -len(ending)]):
                return True
        return depth < 2 and self.is_compound(lower, depth)

    def is_compound(self, lower: str, depth: int = 0) -> bool:
        """Known words glued together ("kerneteammødet"), optionally with a linking s or e."""
        if len(lower) < 7:
            return False
        for cut in range(3, len(lower) - 3):
            head, tail = lower[:cut], lower[cut:]
            if len(tail) < 4 or not self.is_wordlike(tail, depth + 1):
                continue
            if self.is_common(head) or (head[-1] in "se" and len(head) > 3 and self.is_common(head[:-1])):
                return True
        return False


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    return _Lexicon()


@lru_cache(maxsize=64)
def _allowed_index(allowed: tuple[str, ...]) -> _PhraseIndex:
    return _PhraseIndex(allowed)


# ---------------------------------------------------------------------------------------------
# Regex detectors


def _rare(matches: Callable[[str], object]) -> str:
    """A regex class for a regex's first character, which lets the engine skip the rest of Latin
    script and punctuation (nearly all of a Danish text) without a Python step: the common
    characters that do not match are left out, everything else is let through, so the regex must
    test the character itself as well."""
    common = map(chr, [*range(0x250), *range(0x2000, 0x2070)])
    points = sorted(ord(c) for c in common if not matches(c))
    ranges: list[list[int]] = []
    for point in points:
        if ranges and point == ranges[-1][1] + 1:
            ranges[-1][1] = point
        else:
            ranges.append([point, point])
    return "[^" + "".join(f"\\u{a:04x}-\\u{b:04x}" for a, b in ranges) + "]"


_DIGIT = re.compile(_rare(re.compile(r"\d").match) + r"(?<=\d)")
_BRACKETS = re.compile(r"\[[^\[\]\n]{0,300}\]")
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"]+", re.IGNORECASE)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+'-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}(?![\w-])")
_CPR = re.compile(r"(?<![\w+\-/.,])(\d{2})(\d{2})(\d{2})[ \t-]?(\d{4})(?![\w\-/]|[.,]\d)")
_PHONE = re.compile(
    r"(?<![\w+\-/.,])(?:(?:\+|00)45[ \t.-]?|\(\+?45\)[ \t]?)?"
    r"(\d{8}"
    r"|\d{2}([ .-])\d{2}\2\d{2}\2\d{2}"
    r"|\d{4}[ .-]\d{4}"
    r"|\d{3} \d{2} \d{3}|\d{2} \d{3} \d{3}|\d{3} \d{3} \d{2}|\d{2} \d{2} \d{4}|\d{4} \d{2} \d{2})"
    r"(?![\w\-/]|[.,]\d| \d)"
)
# Foreign numbers need their country code: "+46 70 123 45 67", "0090 532 123 4567".
_FOREIGN_PHONE = re.compile(r"(?<![\w+\-/.,])(?:\+|00)(?!45)[1-9]\d{0,2}(?:[ -]?\(?\d+\)?){2,6}(?![\w\-/]|[.,]\d)")
_NOT_PHONE_AFTER = re.compile(
    r"[ \t]*(?:kr\b|kr\.|kroner|dkk|,-|%|procent|pct|euro|mio|mia|kvm|m2|timer|personer|borgere|indbyggere)",
    re.IGNORECASE,
)
_NOT_PHONE_BEFORE = re.compile(r"(?:kr\.?|dkk|sagsnr\.?|journalnr\.?)[ \t]*$", re.IGNORECASE)

# "Tagensvej 112", "Ruten 14, 2. th", "nørrebrogade 208": a word, then a house number.
_STREET_NUMBER = re.compile(
    r"(?<![\w'’-])([^\W\d_][\w'’-]*) +(\d{1,3}(?: ?[A-Ha-h](?![\w]))?)(?![\d\w]|[.,]\d)"
)
_FLOOR = re.compile(
    r",?[ \t]*(?:(?:st|kl|stuen|kælderen)\.?|\d{1,2}\.?(?:[ \t]?sal)?)[ \t]*,?[ \t]*"
    r"(?:(?:tv|th|mf|t\.v|t\.h)\b\.?)?"
)
_FLOOR_SIDE = re.compile(r"\s*(?:tv|th|mf|sal|t\.v|t\.h)\b", re.IGNORECASE)
_POSTCODE_TOWN = re.compile(
    r"(?<![\w.,-])([1-9]\d{3})[ \t]+([A-ZÆØÅ][\w'’-]+\.?(?:[ \t]+[A-ZÆØÅ][\w'’-]+)?)"
    r"(?:[ \t]+(NV|SV|NØ|SØ|N|S|V|Ø|K|C)\b)?"
)
_POSTCODE_AFTER_NUMBER = re.compile(r"(?:,?[ \t]*|[ \t]*\n[ \t]*)(?=[1-9]\d{3}[ \t]+[A-ZÆØÅ])")
_NOT_ADDRESS_AFTER = re.compile(
    r"[ \t]*(?:gange|gang|timer|time|år|dage|dag|uger|uge|måneder|måned|minutter|kr|kroner|procent|%|"
    r"personer|familier|børn|sager|møder|stk|point|sider|elever|klasse|km|meter)\b",
    re.IGNORECASE,
)

_LABEL = re.compile(
    r"^[ \t>*_#-]*([^\W\d_][\w'’.()-]*(?:[ \t]+[\w'’.()-]+){0,3})[ \t*_]*:(?=[ \t]|$)", re.MULTILINE
)


def _abbreviated(word: str) -> bool:
    """A word whose period does not end the sentence: an abbreviation or an initial."""
    return word.lower() in _ABBREVIATIONS or len(word) == 1


def _valid_date(dd: int, mm: int) -> bool:
    return 1 <= dd <= 31 and 1 <= mm <= 12


def _is_year(s: str) -> bool:
    return len(s) == 4 and s[:2] in ("19", "20")


def _looks_like_date8(digits: str) -> bool:
    """Eight digits that read as DDMMYYYY or YYYYMMDD ("14052025", "20250514")."""
    if _is_year(digits[4:]) and _valid_date(int(digits[:2]), int(digits[2:4])):
        return True
    return _is_year(digits[:4]) and _valid_date(int(digits[6:]), int(digits[4:6]))


# ---------------------------------------------------------------------------------------------
# The scan


# A word from a letter that may be upper case (the scan checks that it is, and that the word starts there).
_CAPITAL = re.compile(_rare(str.isupper) + r"(?<=[^\W\d_])[^\W\d_]*(?:['’\-][^\W\d_]+)*")
_LETTER = re.compile(r"[^\W\d_]")  # a character that can be part of a _WORD
_SPACES_WORD = re.compile(r" +([^\W\d_]+(?:['’\-][^\W\d_]+)*)")  # the next _WORD, after spaces only


class _Tokens(dict):
    """Token start → (end, word, lower case), filled in as the scan reaches tokens."""

    def __init__(self, work: str):
        super().__init__()
        self.work = work

    def __missing__(self, start: int) -> tuple[int, str, str]:
        m = _WORD.match(self.work, start)
        token = self[start] = (m.end(), m.group(), m.group().lower())
        return token


class _Scan:
    """The scan of one text.

    Tokens (_WORD matches) are named by their start offset. Only what can lead to a finding is
    visited: capitalised words, speaker labels, lines with digits, and the neighbours the rules ask
    about. Lower-case running text, most of a transcript, is never walked word by word."""

    def __init__(self, text: str, allowed: tuple[str, ...]):
        self.text = text
        self.lex = _lexicon()
        # the term lists whose phrases are never findings: the programme's and the project's
        self.allowed_indexes = [self.lex.programme] + ([_allowed_index(allowed)] if allowed else [])
        # Bracketed placeholders and URLs are blanked out (same length, so offsets hold).
        work = _BRACKETS.sub(lambda m: " " * len(m.group()), text)
        if "http" in work or "www." in work:
            work = _URL.sub(lambda m: " " * len(m.group()), work)
        self.work = work
        self.reversed = work[::-1]  # searched to find the token before a position
        self.candidates: list[tuple[int, int, int, str]] = []  # (priority, start, end, kind)
        self.tokens = _Tokens(work)
        self._next: dict[int, int] = {}  # token start → the next token's start, -1 after the last
        self._prev: dict[int, int] = {}
        self._allowed: dict[int, tuple[int, int] | None] = {}  # token start → its allowed term
        self._in_terms: dict[str, bool] = {}  # lower case → whether it is a word of any allowed term
        self._line_starts: list[int] | None = None
        self._labels: dict[int, tuple[int, int] | None] = {}  # line start → span of its speaker label
        self.caps = self._find_capitals()
        self.digit_lines: list[tuple[int, int]] | None = None  # (start, end) of each line holding a digit

    # -- tokens ------------------------------------------------------------------------------

    def _find_capitals(self) -> list[int]:
        """Starts of the tokens whose first letter is upper case, in order, except ordinary words
        starting a sentence ("Det", "Men", "Jeg") and single letters ("I:", "R:"): nine in ten
        capitals of a transcript.

        No rule reports or builds on those, whether or not they belong to an allowed term:
        - _names skips single letters and _classify (with _classify_label) reports no ordinary
          word at a sentence start, so neither is flagged, and the merge joins flagged words only;
        - _capitalised_runs and _institutions join capitals of two or more letters with only
          spaces between, and a word after only spaces does not start a sentence;
        - neither is a head noun or starts a listed place or institution (_phrases).
        Allowed terms are found without this list. Should a rule change, so must
        _WordFacts.ordinary and .letter."""
        caps, facts = [], self.lex.facts
        for m in _CAPITAL.finditer(self.work):
            start, word = m.start(), m.group()
            if not word[0].isupper() or not self._begins_word(start):
                continue
            known = facts(word)
            if known.letter or (known.ordinary and self.sentence_start(start)):
                continue
            self.tokens[start] = (m.end(), word, word.lower())
            caps.append(start)
        return caps

    def _begins_word(self, pos: int) -> bool:
        """Whether the letter at pos starts a token rather than continuing one ("iPad", "e-Boks")."""
        if pos == 0 or self.work[pos - 1] in " \n":
            return True
        if _LETTER.match(self.work, pos - 1):
            return False
        return not (self.work[pos - 1] in "'’-" and pos > 1 and _LETTER.match(self.work, pos - 2))

    def next_token(self, i: int) -> int | None:
        """The start of the token after token i, None after the last."""
        nxt = self._next.get(i)
        if nxt is None:
            m = _WORD.search(self.work, self.tokens[i][0])
            nxt = -1 if m is None else m.start()
            if m is not None:
                if nxt not in self.tokens:
                    self.tokens[nxt] = (m.end(), m.group(), m.group().lower())
                self._prev[nxt] = i
            self._next[i] = nxt
        return nxt if nxt >= 0 else None

    def prev_token(self, i: int) -> int | None:
        """The start of the token before token i, None before the first."""
        prev = self._prev.get(i)
        if prev is None:
            n = len(self.work)
            m = _WORD.search(self.reversed, n - i)  # the token before i, spelt backwards
            prev = -1 if m is None else n - m.end()
            if m is not None:
                if prev not in self.tokens:
                    word = self.work[prev : n - m.start()]
                    self.tokens[prev] = (n - m.start(), word, word.lower())
                self._next[prev] = i
            self._prev[i] = prev
        return prev if prev >= 0 else None

    def _nth_token(self, i: int, j: int) -> int | None:
        """The j-th token after token i (i itself for j = 0), None past the end of the text."""
        for _ in range(j):
            i = self.next_token(i)
            if i is None:
                return None
        return i

    def _tokens_from(self, first: int, last: int) -> list[int]:
        run = [first]
        while run[-1] != last:
            run.append(self.next_token(run[-1]))
        return run

    def _lower_at(self, i: int) -> Callable[[int], str]:
        """What _PhraseIndex.match reads: the lower-case j-th token from token i, "" past the end."""

        def lower_at(j: int) -> str:
            k = self._nth_token(i, j)
            return "" if k is None else self.tokens[k][2]

        return lower_at

    def _token_at_or_before(self, pos: int) -> int | None:
        """The last token that starts at or before pos."""
        n = len(self.work)
        m = _LETTER.search(self.reversed, n - 1 - pos)  # the last letter at or before pos: in that token
        if m is None:
            return None
        return n - _WORD.match(self.reversed, m.start()).end()

    def is_label(self, i: int) -> bool:
        """Token i is part of a speaker label: one to four words at the start of a line, then a
        colon ("Mor:", "Deltager 2:")."""
        if self._line_starts is None:
            self._line_starts = [0] + [m.end() for m in re.finditer("\n", self.work)]
        line = self._line_starts[bisect.bisect_right(self._line_starts, i) - 1]
        if line not in self._labels:
            m = _LABEL.match(self.work, line)
            self._labels[line] = m.span(1) if m else None
        label = self._labels[line]
        return label is not None and label[0] <= i and self.tokens[i][0] <= label[1]

    # -- allowed terms -----------------------------------------------------------------------

    def allowed_term(self, i: int) -> tuple[int, int] | None:
        """The allowed term (start, end) that token i is part of, or None.

        Terms are matched left to right at every capitalised word and every listed first word, and
        a term cannot start inside an earlier one. So whether token i is covered depends on the
        tokens before it: walk back to a token whose answer is known or that no term can run over,
        then decide forwards from there."""
        known = self._allowed
        if i in known:
            return known[i]
        low = self.tokens[i][2]
        in_terms = self._in_terms.get(low)
        if in_terms is None:
            in_terms = self._in_terms[low] = any(
                index.starting(low) or index.continues(low) for index in self.allowed_indexes
            )
        if not in_terms:  # the usual case: no term has this word
            known[i] = None
            return None
        chain = [i]
        while self._may_be_covered(chain[-1]):
            chain.append(self.prev_token(chain[-1]))
            if chain[-1] in known:
                break
        term, term_end = None, 0
        if chain[-1] in known:
            term = known[chain.pop()]
            term_end = term[1] if term else 0
        for k in reversed(chain):
            if k >= term_end:  # not inside the last term: does a term start here?
                length = self._term_length(k)
                term = (k, self.tokens[self._nth_token(k, length - 1)][0]) if length else None
                if term:
                    term_end = term[1]
            known[k] = term
        return known[i]

    def _may_be_covered(self, i: int) -> bool:
        """Whether a term starting before token i could run over it: i is a later word of some
        term, and the token before it a word that some term goes on from."""
        low = self.tokens[i][2]
        if not any(index.continues(low) for index in self.allowed_indexes):
            return False
        before = self.prev_token(i)
        if before is None:
            return False
        before_low = self.tokens[before][2]
        return any(index.leads(before_low) for index in self.allowed_indexes)

    def is_allowed(self, i: int) -> bool:
        return self.allowed_term(i) is not None

    def _term_length(self, i: int) -> int:
        """Tokens of the longest allowed term starting at token i (0 if none)."""
        _, word, low = self.tokens[i]
        length = 0
        for index in self.allowed_indexes:
            # only a capitalised word or the first word of a listed phrase can start an allowed term
            if word[0].isupper() or low in index.by_first:
                length = max(length, index.match(self._lower_at(i)))
        return length

    def inside_allowed(self, start: int, end: int) -> bool:
        """Whether text[start:end] lies inside one allowed term."""
        i = self._token_at_or_before(start)
        term = None if i is None else self.allowed_term(i)
        return term is not None and term[0] <= start and end <= term[1]

    # -- helpers -----------------------------------------------------------------------------

    def add(self, priority: int, start: int, end: int, kind: str) -> None:
        self.candidates.append((priority, start, end, kind))

    def sentence_start(self, i: int) -> bool:
        """Whether token i begins a sentence (or a line, a quote, a speaker turn)."""
        # Mostly the characters before the token decide, without looking for the token before it.
        work = self.work
        before = work[i - 1 : i]
        if before == " " and i > 1:
            before = work[i - 2]
            if before == "." and i > 2 and _LETTER.match(work, i - 3):  # the gap is ". "
                return not _abbreviated(_WORD.match(self.reversed, len(work) - i + 2).group()[::-1])
            if _LETTER.match(work, i - 2):
                return False  # the gap is one space
        if before in _SENTENCE_BREAKS:
            return True  # the gap holds a line break, a table cell or a break character
        prev = self.prev_token(i)
        if prev is None:
            return True
        prev_end, prev_word, _ = self.tokens[prev]
        gap = work[prev_end:i]
        if "\n" in gap:
            return True
        if "\t" in gap or "|" in gap:
            return True  # table cells
        g = gap.replace("*", "").replace("_", "").strip()
        if not g:
            return False
        if not _BREAKS.isdisjoint(g):
            return True
        if "." in g:
            return not (g == "." and _abbreviated(prev_word))
        return False

    def prev_lower(self, i: int) -> str:
        prev = self.prev_token(i)
        return "" if prev is None else self.tokens[prev][2]

    def adjacent(self, i: int, wrapped: bool = False) -> bool:
        """The next token follows token i on the same line with only spaces between (or, when
        `wrapped`, on the next line of a hard-wrapped paragraph that is not a new speaker turn)."""
        nxt = self.next_token(i)
        if nxt is None:
            return False
        gap = self.work[self.tokens[i][0] : nxt]
        if gap != "" and gap.strip(" ") == "":
            return True
        return wrapped and gap.strip(" ") == "\n" and not self.is_label(nxt)

    # -- detectors ---------------------------------------------------------------------------

    def _on_lines_with_digits(self, pattern: re.Pattern) -> Iterator[re.Match]:
        """pattern.finditer(work) for the number detectors: each of their matches holds a digit and stays on one
        line, and most lines of a transcript hold no digit, so only those that do are searched."""
        if self.digit_lines is None:
            self.digit_lines = []
            work = self.work
            m = _DIGIT.search(work)
            while m:
                end = work.find("\n", m.start())
                end = len(work) if end < 0 else end
                self.digit_lines.append((work.rfind("\n", 0, m.start()) + 1, end))
                m = _DIGIT.search(work, end)
        for start, end in self.digit_lines:
            yield from pattern.finditer(self.work, start, end)

    def run(self) -> list[tuple[int, int, str]]:
        work = self.work
        for m in _EMAIL.finditer(work) if "@" in work else ():
            self.add(0, m.start(), m.end(), "email")
        for m in self._on_lines_with_digits(_CPR):
            if _valid_date(int(m.group(1)), int(m.group(2))):
                self.add(1, m.start(), m.end(), "cpr")
        self._phones()
        self._addresses()
        self._institutions()
        self._phrases()
        self._names()
        self._external_ner()
        return self._resolve()

    def _phones(self) -> None:
        work = self.work
        for m in self._on_lines_with_digits(_PHONE):
            number = m.group(1)
            digits = re.sub(r"\D", "", number)
            if len(digits) != 8:
                continue
            if _NOT_PHONE_AFTER.match(work, m.end()):
                continue
            if _NOT_PHONE_BEFORE.search(work, max(0, m.start() - 12), m.start()):
                continue
            has_prefix = m.start(1) > m.start()
            if not has_prefix:
                parts = re.split(r"\D+", number)
                if len(parts) == 2 and all(_is_year(p) for p in parts):
                    continue  # "2023-2024"
                if len(parts) == 2 and "-" in number and 0 < int(parts[1]) - int(parts[0]) < 500:
                    continue  # page range "1359-1366"
                if _looks_like_date8(digits) and (number.isdigit() or len(parts[0]) == 4):
                    continue  # "14052025", "2025 05 14"
                if len(parts) == 3 and _is_year(parts[2]) and _valid_date(int(parts[0]), int(parts[1])):
                    continue  # "14 05 2025"
            self.add(2, m.start(), m.end(), "telefon")
        if "+" in work or "00" in work:
            for m in self._on_lines_with_digits(_FOREIGN_PHONE):
                if 9 <= sum(c.isdigit() for c in m.group()) <= 15:
                    self.add(2, m.start(), m.end(), "telefon")

    def _addresses(self) -> None:
        work, lex = self.work, self.lex
        for m in self._on_lines_with_digits(_STREET_NUMBER):
            word = m.group(1)
            low = word.lower()
            if _NOT_ADDRESS_AFTER.match(work, m.end()):
                continue
            tail = _FLOOR.match(work, m.end())
            floor_end = m.end()
            has_floor = False
            if tail and tail.end() > m.end():
                seg = work[m.end() : tail.end()]
                if re.search(r"\d\.|st\b|kl\b|tv|th|mf|sal", seg):
                    floor_end = tail.end()
                    has_floor = bool(_FLOOR_SIDE.search(seg)) or "st" in seg
            capital = word[:1].isupper()
            ends_suffix = low.endswith(_STREET_SUFFIXES) and len(low) > 4
            if ends_suffix:
                if not capital and (lex.is_common(low) or not low.endswith(_BARE_STREET_SUFFIXES)):
                    continue
                if capital and lex.is_common(low) and not (low in _STREET_WORDS or has_floor):
                    # "Haven 3" could be a count; keep only with floor or a multi-word street name.
                    continue
            elif low in _STREET_WORDS and capital and self._extend_street_left(m.start(1)) < m.start(1):
                pass  # "Nørre Allé 3", "Sønder Boulevard 12" (but not "Alle 7 familier")
            elif capital and has_floor:
                pass  # "Ruten 14, 2. th": no suffix, but a floor and side say address
            elif capital and low not in _NUMBERED_NOUNS and self._after_paa(m.start(1)):
                pass  # "på Lygten 2": a capitalised word mid-sentence with a house number
            else:
                continue
            start = m.start(1)
            start = self._extend_street_left(start)
            end = floor_end
            pc = _POSTCODE_AFTER_NUMBER.match(work, end)
            if pc:
                town = _POSTCODE_TOWN.match(work, pc.end())
                if town:
                    end = town.end()
            if self.inside_allowed(start, end):
                continue
            self.add(3, start, end, "adresse")
        for m in self._on_lines_with_digits(_POSTCODE_TOWN):
            code, town, district = m.group(1), m.group(2), m.group(3)
            town_first = town.split()[0].rstrip(".")
            known_town = (
                town_first in ("København", "Kbh", "Frederiksberg")
                or lex.local_places.match(lambda j, first=town_first: "" if j else first.lower())
                or lex.is_known_proper(town_first)
            )
            if not (known_town or district):
                continue
            if _is_year(code) and not district:
                before = work[max(0, m.start() - 8) : m.start()].lower().split()
                if before and before[-1] in ("i", "år", "siden", "fra", "til", "in", "og"):
                    continue
            end = m.end() if (district or len(town.split()) == 1) else m.start(2) + len(town_first)
            if len(town.split()) > 1 and not district:
                second = town.split()[1]
                if not lex.is_common(second.lower()):
                    end = m.start(2) + len(town)
            self.add(3, m.start(), end, "adresse")

    def _after_paa(self, i: int) -> bool:
        """Token i follows "på" in the same sentence."""
        return self.prev_lower(i) == "på" and not self.sentence_start(i)

    def _extend_street_left(self, start: int) -> int:
        """Take in capitalised words before the street word ("Gammel Kongevej", "H.C. Andersens Boulevard")."""
        i = start
        taken = 0
        while taken < 3:
            j = self.prev_token(i)
            if j is None:
                break
            end, w, low = self.tokens[j]
            gap = self.work[end:i]
            if gap.strip(" \t.") != "" or "\n" in gap:
                break
            if not w[:1].isupper() or self.is_label(j):
                break
            if self.sentence_start(j) and self.lex.is_common(low) and len(w) > 1:
                break
            start = j
            i = j
            taken += 1
        return start

    def _institutions(self) -> None:
        # A head noun that names an institution stands right beside a capitalised word, or two
        # words before it ("Skolen på Amager"), so only those places are looked at.
        work, tokens = self.work, self.tokens
        near = set()
        for c in self.caps:
            if not self._run_word(c):
                continue  # each rule below needs a run word beside the head, with spaces between
            if work[c - 1 : c] == " ":
                before = self.prev_token(c)
                near.add(before)
                if before is not None and tokens[before][2] in ("på", "ved", "i"):
                    near.add(self.prev_token(before))
            after = _SPACES_WORD.match(work, tokens[c][0])
            if after and after.group(1).lower() in _INST_HEAD_AFTER:
                near.add(after.start(1))
        near.discard(None)
        heads = [h for h in near if tokens[h][2] in _INST_HEADS or tokens[h][1] in _CLUB_ABBREVIATIONS]
        for i in sorted(heads):
            end, w, low = self.tokens[i]
            if low in _INST_HEAD_AFTER:
                # Capitalised words right before the head noun, dropping ordinary sentence-initial
                # words at the front ("Min skole", "Den Skole").
                first = i
                for _ in range(4):
                    before = self.prev_token(first)
                    if before is None or not self.adjacent(before) or not self._run_word(before):
                        break
                    first = before
                while first != i and not self._proper_tok(first):
                    first = self.next_token(first)
                if first == i or all(self.tokens[k][1].isupper() for k in self._tokens_from(first, i)[:-1]):
                    continue
                self.add(4, first, end, "institution")
                continue
            name_at = None
            if low in _INST_HEAD_BEFORE or w in _CLUB_ABBREVIATIONS:
                if self.adjacent(i):
                    name_at = self.next_token(i)
            elif low == "skolen" and self.adjacent(i):
                nxt = self.next_token(i)
                if self.tokens[nxt][2] in ("på", "ved", "i") and self.adjacent(nxt):
                    name_at = self.next_token(nxt)
            if name_at is None:
                continue
            last = name_at
            if not self._run_word(last) or self.tokens[last][1] in ("I", "De", "Dem", "Deres"):
                continue
            for _ in range(3):
                if not (self.adjacent(last) and self._run_word(self.next_token(last))):
                    break
                last = self.next_token(last)
            if all(self.is_allowed(k) for k in self._tokens_from(name_at, last)):
                continue  # "skolen på Amager"
            self.add(4, i, self.tokens[last][0], "institution")

    def _proper_tok(self, i: int) -> bool:
        """Token i is capitalised and not an ordinary word at a sentence start."""
        w = self.tokens[i][1]
        if len(w) < 2 or not w[:1].isupper() or self.is_label(i):
            return False
        if self.sentence_start(i):
            return w.isupper() or not self.lex.is_common(self.tokens[i][2])
        return self.tokens[i][2] not in ("de", "dem", "deres")

    def _phrases(self) -> None:
        """Named hospitals and workplaces ("institution"), local place names ("adresse")."""
        lex = self.lex
        for i in self.caps:
            low = self.tokens[i][2]
            if not (lex.institutions.starting(low) or lex.local_places.starting(low)) or self.is_allowed(i):
                continue
            for index, kind, prio in ((lex.institutions, "institution", 4), (lex.local_places, "adresse", 5)):
                k = index.match(self._lower_at(i))
                if not k:
                    continue
                if self.sentence_start(i) and k == 1 and lex.is_common(low):
                    break  # "Normal", "Riget" as ordinary words
                self.add(prio, i, self.tokens[self._nth_token(i, k - 1)][0], kind)
                break

    def _names(self) -> None:
        tokens = self.tokens
        flagged: dict[int, str] = {}
        for i in reversed(self.caps):
            if len(tokens[i][1]) < 2:
                continue  # "I", initials
            if self.is_allowed(i):
                continue
            kind = self._classify(i, flagged)
            if kind:
                flagged[i] = kind
        self._capitalised_runs(flagged)
        # Merge neighbours into one finding: "Anne Sofie Jørgensen", "Ahmad bin Ali".
        order = sorted(flagged)
        k = 0
        while k < len(order):
            i = order[k]
            j = i
            kind = flagged[i]
            while True:
                nxt = self.next_token(j)
                wrapped_neighbour = nxt in flagged and self.adjacent(j, wrapped=True)
                if wrapped_neighbour and flagged[nxt] == "navn" and kind == "navn":
                    j = nxt
                    continue
                after = None if nxt is None else self.next_token(nxt)
                if (
                    after in flagged
                    and kind == "navn"
                    and flagged[after] == "navn"
                    and tokens[nxt][2] in _PARTICLES
                    and self.adjacent(j)
                    and self.adjacent(nxt)
                ):
                    j = after
                    continue
                break
            self.add(6 if kind == "navn" else 5, i, tokens[j][0], kind)
            while k < len(order) and order[k] <= j:
                k += 1

    def _capitalised_runs(self, flagged: dict[int, str]) -> None:
        """Two or more capitalised words in a row mid-sentence name an organisation even when each
        is an ordinary word ("Dansk Flygtningehjælp", "BMS Basketball"), unless all are allowed."""
        tokens, caps = self.tokens, self.caps
        done = 0
        for n, i in enumerate(caps):
            if i < done:
                continue
            # Every run word is in self.caps (see _find_capitals), so the next word of a run is
            # the next one there, with only spaces between: adjacent() without finding tokens.
            j, end = i, n + 1
            while end < len(caps) and self._only_spaces(j, caps[end]) and self._run_word(caps[end]):
                j, end = caps[end], end + 1
            if j == i or not self._run_word(i) or self.sentence_start(i):
                continue  # a single word, or a run at a sentence start (the next word may start one)
            run = caps[n:end]
            acronyms = [k for k in run if self.is_allowed(k) and tokens[k][1].isupper()]
            role_words = acronyms and all(k in acronyms or self.lex.is_common(tokens[k][2]) for k in run)
            if (
                not any(k in flagged for k in run)
                and not all(self.is_allowed(k) for k in run)
                and not all(tokens[k][1].isupper() for k in run)
                and not role_words  # "SOF Rådgiver"
            ):
                self.add(5, i, tokens[j][0], "institution")
            done = tokens[j][0]

    def _only_spaces(self, i: int, nxt: int) -> bool:
        gap = self.work[self.tokens[i][0] : nxt]
        return gap != "" and gap.strip(" ") == ""

    def _run_word(self, i: int) -> bool:
        w = self.tokens[i][1]
        return len(w) > 1 and w[:1].isupper() and not self.is_label(i) and w not in ("De", "Dem", "Deres")

    def _classify(self, i: int, flagged: dict[int, str]) -> str | None:
        lex = self.lex
        end, w, low = self.tokens[i]
        facts = lex.facts(w)
        if facts.acronym:
            # Acronyms ("SOF", "ADHD"); a name in capitals counts only when it is a clear one.
            return "navn" if len(w) >= 4 and facts.folded in lex.strong_names else None
        if self.work[end : end + 2] in ("- ", "-\n", "-,"):
            return None  # first half of a suspended compound: "Børne- og Kulturforvaltningen"
        if self.is_label(i) and self._single_word_label(i):
            return self._classify_label(i)
        start = self.sentence_start(i)

        # Hyphenated tokens: "Anne-Sofie" is a name, "HFI-familier" and "Aula-beskeder" are not.
        if "-" in w:
            parts = w.split("-")
            if any(_fold(p) in lex.strong_names for p in parts if p[:1].isupper()) and parts[-1][:1].isupper():
                return "navn"
            if parts[-1][:1].islower():
                return "navn" if _fold(parts[0]) in lex.strong_names else None
            if any(lex.is_common(p.lower()) or p.isupper() for p in parts) and start:
                return None

        # Names from the lists.
        stem = facts.stem
        if facts.listed:
            return "navn"
        if facts.ambiguous:
            if not start:
                if low in _MONTHS and self._date_context(i):
                    return None
                return "navn"
            evidence = self._named(i) or self._name_follows(i, flagged) or (stem and not lex.is_common(low))
            return "navn" if evidence else None

        if facts.common:
            if start:
                return None
            if self._named(i):
                return "navn"
            # "Familiehuset", "Ungdomshuset": an ordinary noun written as a name.
            return "institution" if low.endswith(_INSTITUTION_SUFFIXES + _HOUSE_SUFFIXES) else None
        if lex.is_known_proper(w) or (stem and lex.is_known_proper(w[:-1])):
            return None
        # Unknown capitalised word: mid-sentence it is a proper noun; glued from ordinary words it
        # names a unit or project ("Ungeenheden", "Sikkerhedsplansprojektet") rather than a person.
        kind = self._suffix_kind(low)
        if not start:
            if kind == "navn" and "-" not in w and lex.is_wordlike(low):
                return "institution"
            return kind
        # Sentence-initial: only with evidence, since the lemma table lacks many ordinary words.
        if kind != "navn":
            suffix = self._matched_suffix(low)
            head = low[: -len(suffix)] if suffix else low
            if len(head) >= 3 and not lex.is_common(head) and not lex.is_common(head.rstrip("s")):
                return kind
            return None
        if not set(low) <= _DANISH_LETTERS:
            return "navn"  # "Şiyar", "Arbëresha", "Małgorzata"
        if lex.is_wordlike(low) or low.endswith(_WORD_ENDINGS):
            return None
        if self._named(i) or self._name_follows(i, flagged):
            return "navn"
        return None

    def _named(self, i: int) -> bool:
        """Token i follows a word that introduces a name ("hedder", "hr.")."""
        return self.prev_lower(i) in _NAMING_WORDS

    def _single_word_label(self, i: int) -> bool:
        prev, nxt = self.prev_token(i), self.next_token(i)
        before = prev is not None and self.is_label(prev) and "\n" not in self.work[self.tokens[prev][0] : i]
        after = nxt is not None and self.is_label(nxt)
        return not before and not after

    def _classify_label(self, i: int) -> str | None:
        """Speaker labels are roles ("Mor", "Interviewer"), unless a name is used as the label."""
        lex = self.lex
        _, w, low = self.tokens[i]
        folded = _fold(w)
        if folded in lex.names:
            return "navn"
        if lex.is_known_proper(w) or lex.is_wordlike(low) or len(w) <= 3:
            return None
        if "-" in w and any(lex.is_common(p.lower()) or p.isupper() for p in w.split("-")):
            return None
        return "navn"

    def _name_follows(self, i: int, flagged: dict[int, str]) -> bool:
        """Evidence that a sentence-initial word is a name: another name, a verb, "fra SOF", "og <name>"."""
        tokens = self.tokens
        nxt = self.next_token(i)
        if nxt is None:
            return False
        after = self.next_token(nxt)
        nxt_low = tokens[nxt][2]
        if self.adjacent(i):
            if flagged.get(nxt) == "navn":
                return True  # "Hans Jensen", "Zainab Hussein"
            if tokens[i][2] in self.lex.ambiguous and tokens[i][2] not in _FUNCTION_AMBIGUOUS:
                if nxt_low in _PERSON_VERBS:
                    return True
            elif self._is_verb(nxt):
                # "Vilje har jeg nok af": the subject follows the verb, so the first word is not it.
                return not (after is not None and tokens[after][2] in _SUBJECT_PRONOUNS)
            if nxt_low == "fra" and after is not None and (
                self.is_allowed(after) or tokens[after][1].isupper() or tokens[after][2] in _TEAM_WORDS
            ):
                return True  # "Mai fra BIF", "Jonas fra supportteamet"
            if nxt_low in ("og", "eller") and flagged.get(after) == "navn":
                return True
        elif self.work[tokens[i][0] : nxt].strip(" ") == "," and nxt_low in ("han", "hun"):
            return True  # "Xiomara, hun sagde ...": a person taken up again by a pronoun
        return False

    def _is_verb(self, j: int) -> bool:
        """A finite verb: from the list, or a present/past form of a verb in the lemma table that
        cannot also be a noun ("noterer", "foreslår"; not "lærer", which is also a teacher)."""
        _, w, word = self.tokens[j]
        if word in _NAME_VERBS:
            return True
        if not w[:1].islower() or len(word) < 4:
            return False
        table = self.lex.table
        lemma = table.get(word)
        if not lemma or lemma == word:
            return False
        forms = [lemma + "r"] if lemma[-1] in "aeiouyæøå" else []
        if lemma.endswith("e"):
            forms += [lemma[:-1] + "ede", lemma[:-1] + "te", lemma + "de"]
        if word not in forms:
            return False
        return not any(word + ending in table for ending in ("ne", "en", "et"))

    def _date_context(self, i: int) -> bool:
        prev = self.prev_token(i)
        prev_gap = self.work[0 if prev is None else self.tokens[prev][0] : i]
        if re.search(r"\d", prev_gap) or self.prev_lower(i) in _DATE_CONTEXT:
            return True
        end = self.tokens[i][0]
        after = self.work[end : end + 6]
        return bool(re.match(r"[ \t]*\d", after))

    @staticmethod
    def _matched_suffix(low: str) -> str:
        for suffix in _INSTITUTION_SUFFIXES + _BARE_STREET_SUFFIXES:
            if low.endswith(suffix) and len(low) > len(suffix) + 2:
                return suffix
        return ""

    @staticmethod
    def _suffix_kind(low: str) -> str:
        for suffix in _INSTITUTION_SUFFIXES:
            if low.endswith(suffix) and len(low) > len(suffix) + 2:
                return "institution"
        for suffix in _BARE_STREET_SUFFIXES:
            if low.endswith(suffix) and len(low) > len(suffix) + 2:
                return "adresse"
        return "navn"

    def _external_ner(self) -> None:
        nlp = _trained_pipeline()
        if nlp is None:
            return
        kinds = {"PER": "navn", "ORG": "institution", "LOC": "adresse"}
        for ent in nlp(self.work).ents:
            kind = kinds.get(ent.label_)
            if not kind or self.inside_allowed(ent.start_char, ent.end_char):
                continue
            words = [t for t in ent if t.is_alpha]
            if not words or all(self.lex.is_common(t.lower_) or self.lex.is_known_proper(t.text) for t in words):
                continue
            self.add(7, ent.start_char, ent.end_char, kind)

    # -- result ------------------------------------------------------------------------------

    def _resolve(self) -> list[tuple[int, int, str]]:
        chosen: list[tuple[int, int, str]] = []
        taken_starts: list[int] = []
        taken: list[tuple[int, int]] = []
        for _prio, start, end, kind in sorted(self.candidates, key=lambda c: (c[0], c[1], -c[2])):
            text = self.text[start:end]
            stripped = text.rstrip(" \t,.;:")
            end = start + len(stripped)
            if end <= start or self.inside_allowed(start, end):
                continue
            k = bisect.bisect_left(taken_starts, start)
            if k > 0 and taken[k - 1][1] > start:
                continue
            if k < len(taken) and taken[k][0] < end:
                continue
            taken_starts.insert(k, start)
            taken.insert(k, (start, end))
            chosen.append((start, end, kind))
        chosen.sort()
        return chosen


@lru_cache(maxsize=1)
def _trained_pipeline():
    """A trained Danish pipeline's NER, when one happens to be installed (none is required)."""
    try:
        import spacy
    except ImportError:
        return None
    for name in ("da_core_news_lg", "da_core_news_md", "da_core_news_sm"):
        try:
            return spacy.load(name, exclude=["parser", "lemmatizer", "attribute_ruler", "morphologizer", "tagger"])
        except Exception:  # not installed, or broken: the guard works without it
            continue
    return None


def is_listed_name(word: str) -> bool:
    """Whether `word` is in the first-name or surname lists (case and foreign accents ignored)."""
    return _fold(word) in _lexicon().names


def find_personal_data(text: str, *, allowed: Iterable[str] = ()) -> list[Finding]:
    """All findings in text, sorted by start, non-overlapping.

    `allowed` adds project-specific terms that are never findings (matched case-insensitively on
    whole words, a genitive s included)."""
    if not text:
        return []
    allowed_tuple = tuple(sorted({a.strip() for a in allowed if a and a.strip()}))
    spans = _Scan(text, allowed_tuple).run()
    if not spans:
        return []
    newlines = [m.start() for m in re.finditer("\n", text)]
    return [
        Finding(kind, text[start:end], start, end, bisect.bisect_right(newlines, start - 1) + 1)
        for start, end, kind in spans
    ]
