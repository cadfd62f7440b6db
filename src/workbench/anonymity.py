"""The anonymity guard: finds personal data in Danish transcripts, memos and free text.

Rules and word lists, no trained model needed:

- regexes for CPR numbers, phone numbers, e-mail addresses, street addresses and postcodes;
- word lists (data/anonymity/) for Danish and immigrant first names and surnames, local places,
  named hospitals and workplaces, and the programme vocabulary that is never a finding;
- Danish capitalises only proper nouns, so a capitalised word in the middle of a sentence that
  is neither a known Danish word (the spacy-lookups-data lemma table) nor programme vocabulary
  is reported as a name. This is what finds names that are in no list.

When a trained Danish spaCy pipeline is installed, its PER/ORG/LOC entities are added.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

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

_DATA_DIR = Path(__file__).parent / "data" / "anonymity"

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
    kept = []
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

    def match(self, lowers: list[str], i: int) -> int:
        """Number of tokens of the longest phrase starting at token i (0 if none).

        The last token may carry a genitive "s" ("Nørrebros", "Familiens Plans")."""
        low = lowers[i]
        if low.endswith(("'s", "’s")):
            low = low[:-2]
        options = self.by_first.get(low)
        if options is None and "-" in low:
            # "HFI-familier", "Corona-tiden": a one-word term as the first part of a compound.
            options = [o for o in self.by_first.get(low.split("-", 1)[0], ()) if len(o) == 1]
            if options:
                return 1
        if options is None:
            if len(low) > 3 and low[-1] == "s":
                options = [o for o in self.by_first.get(low[:-1], ()) if len(o) == 1]
                if options:
                    return 1
            return 0
        n = len(lowers)
        for toks in options:
            k = len(toks)
            if i + k > n:
                continue
            ok = True
            for j in range(1, k):
                got = lowers[i + j]
                want = toks[j]
                if got != want and not (
                    j == k - 1 and (got in (want + "s", want + "'s", want + "’s") or got.startswith(want + "-"))
                ):
                    ok = False
                    break
            if ok:
                return k
        return 0


class _Lexicon:
    def __init__(self) -> None:
        from .nlp import lemma_table

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

_DIGIT = re.compile(r"\d")
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


class _Scan:
    def __init__(self, text: str, allowed: tuple[str, ...]):
        self.text = text
        self.lex = _lexicon()
        self.allowed_extra = _allowed_index(allowed) if allowed else None
        # Bracketed placeholders and URLs are blanked out (same length, so offsets hold).
        work = _BRACKETS.sub(lambda m: " " * len(m.group()), text)
        if "http" in work or "www." in work:
            work = _URL.sub(lambda m: " " * len(m.group()), work)
        self.work = work
        self.candidates: list[tuple[int, int, int, str]] = []  # (priority, start, end, kind)
        # one pass per list over every word of the text: this is the scan's largest fixed cost
        matches = list(_WORD.finditer(work))
        self.starts = [m.start() for m in matches]
        self.ends = [m.end() for m in matches]
        self.words = _WORD.findall(work)
        self.lowers = list(map(str.lower, self.words))
        self.caps = [i for i, w in enumerate(self.words) if w[0].isupper()]
        self.allowed_spans: list[tuple[int, int]] = []
        self.allowed_tok = bytearray(len(matches))
        self._mark_allowed()
        self.label_tok = bytearray(len(matches))
        self.digit_lines: list[tuple[int, int]] | None = None  # (start, end) of each line holding a digit
        self._mark_labels()

    # -- helpers -----------------------------------------------------------------------------

    def add(self, priority: int, start: int, end: int, kind: str) -> None:
        self.candidates.append((priority, start, end, kind))

    def _mark_allowed(self) -> None:
        indexes = [self.lex.programme] + ([self.allowed_extra] if self.allowed_extra else [])
        firsts = set(self.lex.programme.by_first)
        if self.allowed_extra:
            firsts |= set(self.allowed_extra.by_first)
        lowers = self.lowers
        # only a capitalised word or the first word of a listed phrase can start an allowed term
        possible = sorted(set(self.caps).union(i for i, low in enumerate(lowers) if low in firsts))
        after = 0  # the first token not inside an allowed term found so far
        for i in possible:
            if i < after:
                continue
            k = 0
            for index in indexes:
                k = max(k, index.match(lowers, i))
            if k:
                for j in range(i, i + k):
                    self.allowed_tok[j] = 1
                self.allowed_spans.append((self.starts[i], self.ends[i + k - 1]))
                after = i + k

    def inside_allowed(self, start: int, end: int) -> bool:
        spans = self.allowed_spans
        k = bisect.bisect_right(spans, (start, float("inf"))) - 1
        return k >= 0 and spans[k][0] <= start and end <= spans[k][1]

    def _mark_labels(self) -> None:
        """Speaker labels: one to four words at the start of a line, then a colon ("Mor:", "Deltager 2:")."""
        for m in _LABEL.finditer(self.work):
            i = bisect.bisect_left(self.starts, m.start(1))
            while i < len(self.starts) and self.ends[i] <= m.end(1):
                self.label_tok[i] = 1
                i += 1

    def sentence_start(self, i: int) -> bool:
        """Whether token i begins a sentence (or a line, a quote, a speaker turn)."""
        if i == 0:
            return True
        gap = self.work[self.ends[i - 1] : self.starts[i]]
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
            if g == "." and (self.lowers[i - 1] in _ABBREVIATIONS or len(self.words[i - 1]) == 1):
                return False
            return True
        return False

    def prev_lower(self, i: int) -> str:
        return self.lowers[i - 1] if i > 0 else ""

    def adjacent(self, i: int, wrapped: bool = False) -> bool:
        """Token i+1 follows token i on the same line with only spaces between (or, when
        `wrapped`, on the next line of a hard-wrapped paragraph that is not a new speaker turn)."""
        if i + 1 >= len(self.starts):
            return False
        gap = self.work[self.ends[i] : self.starts[i + 1]]
        if gap != "" and gap.strip(" ") == "":
            return True
        return wrapped and gap.strip(" ") == "\n" and not self.label_tok[i + 1]

    # -- detectors ---------------------------------------------------------------------------

    def _on_lines_with_digits(self, pattern: re.Pattern) -> Iterator[re.Match]:
        """pattern.finditer(work) for the number detectors: each of their matches holds a digit and stays on one
        line, and most lines of a transcript hold no digit, so only those that do are searched."""
        if self.digit_lines is None:
            self.digit_lines = []
            for m in _DIGIT.finditer(self.work):
                if self.digit_lines and m.start() < self.digit_lines[-1][1]:
                    continue
                end = self.work.find("\n", m.start())
                self.digit_lines.append((self.work.rfind("\n", 0, m.start()) + 1, len(self.work) if end < 0 else end))
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
                or lex.local_places.match([town_first.lower()], 0)
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

    def _after_paa(self, pos: int) -> bool:
        i = bisect.bisect_left(self.starts, pos)
        return 0 < i < len(self.starts) and self.lowers[i - 1] == "på" and not self.sentence_start(i)

    def _extend_street_left(self, start: int) -> int:
        """Take in capitalised words before the street word ("Gammel Kongevej", "H.C. Andersens Boulevard")."""
        i = bisect.bisect_left(self.starts, start)
        taken = 0
        while i > 0 and taken < 3:
            j = i - 1
            gap = self.work[self.ends[j] : self.starts[i]]
            if gap.strip(" \t.") != "" or "\n" in gap:
                break
            w = self.words[j]
            if not w[:1].isupper() or self.label_tok[j]:
                break
            if self.sentence_start(j) and self.lex.is_common(self.lowers[j]) and len(w) > 1:
                break
            start = self.starts[j]
            i = j
            taken += 1
        return start

    def _institutions(self) -> None:
        words, lowers, n = self.words, self.lowers, len(self.words)
        heads = [i for i, (w, low) in enumerate(zip(words, lowers)) if low in _INST_HEADS or w in _CLUB_ABBREVIATIONS]
        for i in heads:
            low = lowers[i]
            if low in _INST_HEAD_AFTER:
                # Capitalised words right before the head noun, dropping ordinary sentence-initial
                # words at the front ("Min skole", "Den Skole").
                first = i
                while first > 0 and i - first < 4 and self.adjacent(first - 1) and self._run_word(first - 1):
                    first -= 1
                while first < i and not self._proper_tok(first):
                    first += 1
                if first == i or all(words[k].isupper() for k in range(first, i)):
                    continue
                self.add(4, self.starts[first], self.ends[i], "institution")
                continue
            name_at = -1
            if low in _INST_HEAD_BEFORE or words[i] in _CLUB_ABBREVIATIONS:
                name_at = i + 1
            elif low == "skolen" and i + 2 < n and lowers[i + 1] in ("på", "ved", "i") and self.adjacent(i):
                name_at = i + 2
            if name_at < 0 or name_at >= n or not self.adjacent(name_at - 1):
                continue
            last = name_at
            if not self._run_word(last) or words[last] in ("I", "De", "Dem", "Deres"):
                continue
            while last + 1 < n and last - name_at < 3 and self.adjacent(last) and self._run_word(last + 1):
                last += 1
            if all(self.allowed_tok[k] for k in range(name_at, last + 1)):
                continue  # "skolen på Amager"
            self.add(4, self.starts[i], self.ends[last], "institution")

    def _proper_tok(self, i: int) -> bool:
        """Token i is capitalised and not an ordinary word at a sentence start."""
        w = self.words[i]
        if len(w) < 2 or not w[:1].isupper() or self.label_tok[i]:
            return False
        if self.sentence_start(i):
            return w.isupper() or not self.lex.is_common(self.lowers[i])
        return self.lowers[i] not in ("de", "dem", "deres")

    def _phrases(self) -> None:
        """Named hospitals and workplaces ("institution"), local place names ("adresse")."""
        lex, lowers = self.lex, self.lowers
        for i in self.caps:
            if self.allowed_tok[i]:
                continue
            for index, kind, prio in ((lex.institutions, "institution", 4), (lex.local_places, "adresse", 5)):
                k = index.match(lowers, i)
                if not k:
                    continue
                if self.sentence_start(i) and k == 1 and lex.is_common(lowers[i]):
                    break  # "Normal", "Riget" as ordinary words
                self.add(prio, self.starts[i], self.ends[i + k - 1], kind)
                break

    def _names(self) -> None:
        words, lowers = self.words, self.lowers
        flagged: dict[int, str] = {}
        for i in reversed(self.caps):
            w = words[i]
            if self.allowed_tok[i]:
                continue
            if len(w) < 2:
                continue  # "I", initials
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
                wrapped_neighbour = j + 1 in flagged and self.adjacent(j, wrapped=True)
                if wrapped_neighbour and flagged[j + 1] == "navn" and kind == "navn":
                    j += 1
                    continue
                if (
                    j + 2 in flagged
                    and kind == "navn"
                    and flagged[j + 2] == "navn"
                    and lowers[j + 1] in _PARTICLES
                    and self.adjacent(j)
                    and self.adjacent(j + 1)
                ):
                    j += 2
                    continue
                break
            self.add(6 if kind == "navn" else 5, self.starts[i], self.ends[j], kind)
            while k < len(order) and order[k] <= j:
                k += 1

    def _capitalised_runs(self, flagged: dict[int, str]) -> None:
        """Two or more capitalised words in a row mid-sentence name an organisation even when each
        is an ordinary word ("Dansk Flygtningehjælp", "BMS Basketball"), unless all are allowed."""
        words, n = self.words, len(self.words)
        done = 0
        for i in self.caps:
            if i < done or not self._run_word(i) or self.sentence_start(i):
                continue
            j = i
            while j + 1 < n and self.adjacent(j) and self._run_word(j + 1):
                j += 1
            if j > i:
                run = range(i, j + 1)
                acronyms = [k for k in run if self.allowed_tok[k] and words[k].isupper()]
                role_words = acronyms and all(k in acronyms or self.lex.is_common(self.lowers[k]) for k in run)
                if (
                    not any(k in flagged for k in run)
                    and not all(self.allowed_tok[k] for k in run)
                    and not all(words[k].isupper() for k in run)
                    and not role_words  # "SOF Rådgiver"
                ):
                    self.add(5, self.starts[i], self.ends[j], "institution")
            done = j + 1

    def _run_word(self, i: int) -> bool:
        w = self.words[i]
        return len(w) > 1 and w[:1].isupper() and not self.label_tok[i] and w not in ("De", "Dem", "Deres")

    def _classify(self, i: int, flagged: dict[int, str]) -> str | None:
        lex, w, low = self.lex, self.words[i], self.lowers[i]
        folded = _fold(w)
        base = re.split(r"['’]", w, maxsplit=1)[0]  # "BUF's", "SOF'er"
        if base.isupper():
            # Acronyms ("SOF", "ADHD"); a name in capitals counts only when it is a clear one.
            return "navn" if len(w) >= 4 and folded in lex.strong_names else None
        if self.work[self.ends[i] : self.ends[i] + 2] in ("- ", "-\n", "-,"):
            return None  # first half of a suspended compound: "Børne- og Kulturforvaltningen"
        if self.label_tok[i] and self._single_word_label(i):
            return self._classify_label(i)
        start = self.sentence_start(i)
        prev = self.prev_lower(i)
        naming = prev in _NAMING_WORDS

        # Hyphenated tokens: "Anne-Sofie" is a name, "HFI-familier" and "Aula-beskeder" are not.
        if "-" in w:
            parts = w.split("-")
            if any(_fold(p) in lex.strong_names for p in parts if p[:1].isupper()) and parts[-1][:1].isupper():
                return "navn"
            if parts[-1][:1].islower():
                return "navn" if _fold(parts[0]) in lex.strong_names else None
            if any(lex.is_common(p.lower()) or p.isupper() for p in parts) and start:
                return None

        stem = None
        if low.endswith(("'s", "’s")):
            stem = folded[:-2]
        elif low.endswith("s") and len(low) > 3 and not lex.is_common(low):
            stem = folded[:-1]

        # Names from the lists.
        if folded in lex.strong_names or (stem and stem in lex.strong_names and folded not in lex.names):
            return "navn"
        ambiguous = low in lex.ambiguous or (stem is not None and stem in lex.ambiguous and folded not in lex.names)
        if ambiguous:
            if not start:
                if low in _MONTHS and self._date_context(i):
                    return None
                return "navn"
            return "navn" if (naming or self._name_follows(i, flagged) or (stem and not lex.is_common(low))) else None

        common = lex.is_common(low)
        if common:
            if start:
                return None
            if naming:
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
        if naming or self._name_follows(i, flagged):
            return "navn"
        return None

    def _single_word_label(self, i: int) -> bool:
        before = i > 0 and self.label_tok[i - 1] and "\n" not in self.work[self.ends[i - 1] : self.starts[i]]
        after = i + 1 < len(self.words) and self.label_tok[i + 1]
        return not before and not after

    def _classify_label(self, i: int) -> str | None:
        """Speaker labels are roles ("Mor", "Interviewer"), unless a name is used as the label."""
        lex, w, low = self.lex, self.words[i], self.lowers[i]
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
        n = len(self.words)
        if i + 1 >= n:
            return False
        nxt = self.lowers[i + 1]
        if self.adjacent(i):
            if flagged.get(i + 1) == "navn":
                return True  # "Hans Jensen", "Zainab Hussein"
            if self.lowers[i] in self.lex.ambiguous and self.lowers[i] not in _FUNCTION_AMBIGUOUS:
                if nxt in _PERSON_VERBS:
                    return True
            elif self._is_verb(i + 1):
                # "Vilje har jeg nok af": the subject follows the verb, so the first word is not it.
                return not (i + 2 < n and self.lowers[i + 2] in _SUBJECT_PRONOUNS)
            if nxt == "fra" and i + 2 < n and (
                self.allowed_tok[i + 2] or self.words[i + 2].isupper() or self.lowers[i + 2] in _TEAM_WORDS
            ):
                return True  # "Mai fra BIF", "Jonas fra supportteamet"
            if nxt in ("og", "eller") and flagged.get(i + 2) == "navn":
                return True
        elif self.work[self.ends[i] : self.starts[i + 1]].strip(" ") == "," and nxt in ("han", "hun"):
            return True  # "Xiomara, hun sagde ...": a person taken up again by a pronoun
        return False

    def _is_verb(self, j: int) -> bool:
        """A finite verb: from the list, or a present/past form of a verb in the lemma table that
        cannot also be a noun ("noterer", "foreslår"; not "lærer", which is also a teacher)."""
        word = self.lowers[j]
        if word in _NAME_VERBS:
            return True
        if not self.words[j][:1].islower() or len(word) < 4:
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
        prev_gap = self.work[self.ends[i - 1] if i else 0 : self.starts[i]]
        if re.search(r"\d", prev_gap) or self.prev_lower(i) in _DATE_CONTEXT:
            return True
        after = self.work[self.ends[i] : self.ends[i] + 6]
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
    newlines = [m.start() for m in re.finditer("\n", text)]
    return [
        Finding(kind, text[start:end], start, end, bisect.bisect_right(newlines, start - 1) + 1)
        for start, end, kind in spans
    ]
