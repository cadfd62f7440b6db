"""The anonymity scan's fast paths against a plain oracle that visits every word.

The scan (workbench.anonymity.scan.Scan) skips what no rule can report: ordinary capitalised
words at a sentence start and single letters, lines without digits, head nouns with no capital
beside them, and it works out allowed terms lazily by walking back from a word. SlowScan does
none of that: it hands every capitalised word to the rules, searches the whole text with every
number pattern, tries every token as a head noun, and matches allowed terms at every token from
the start. Both must report exactly the same findings."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.anonymity import scan as scan_module
from workbench.anonymity.detectors import institutions
from workbench.anonymity.lexicon import WORD
from workbench.anonymity.scan import DETECTORS, Scan
from workbench.lang.patterns import first_character_class


class SlowScan(Scan):
    def _find_capitals(self) -> list[int]:
        caps = []
        for m in WORD.finditer(self.work):
            self.tokens[m.start()] = (m.end(), m.group(), m.group().lower())
            if m.group()[0].isupper():
                caps.append(m.start())
        return caps

    def on_lines_with_digits(self, pattern: re.Pattern):
        yield from pattern.finditer(self.work)

    def word_positions(self, words):
        for word in words:
            for m in re.finditer(rf"(?<![\w'’-]){re.escape(word)}(?!\w)", self.work, re.IGNORECASE):
                yield m.start(), word

    def allowed_term(self, i: int):
        if not hasattr(self, "_all_terms"):
            self._all_terms = {}
            term_end = 0
            term = None
            for m in WORD.finditer(self.work):
                k = m.start()
                self.tokens[k] = (m.end(), m.group(), m.group().lower())
                if k >= term_end:
                    length = self._term_length(k)
                    term = (k, self.tokens[self.nth_token(k, length - 1)][0]) if length else None
                    term_end = term[1] if term else term_end
                self._all_terms[k] = term if term and k < term[1] else None
        return self._all_terms[i]

    def run(self):
        for detector in DETECTORS:
            if detector is institutions.institutions:
                every_head = [m.start() for m in WORD.finditer(self.work) if institutions.is_head(self, m.start())]
                institutions.named_after_heads(self, every_head)
            else:
                detector(self)
        return self._resolve()


def slow_findings(text: str, allowed: tuple[str, ...] = ()) -> list[tuple[int, int, str]]:
    return SlowScan(text, tuple(sorted(set(allowed)))).run() if text else []


def fast_findings(text: str, allowed: tuple[str, ...] = ()) -> list[tuple[int, int, str]]:
    return [(f.start, f.end, f.kind) for f in scan_module.find_personal_data(text, allowed=allowed)]


def test_the_oracle_finds_what_the_rules_say():
    text = "Mor: Det var Fatima Hansen fra Tingbjerg Skole. Ring på 22 33 44 55. Skolen på Amager og Frem."
    assert fast_findings(text) == slow_findings(text)
    assert [(text[s:e], kind) for s, e, kind in slow_findings(text)] == [
        ("Fatima Hansen", "navn"), ("Tingbjerg Skole", "institution"), ("22 33 44 55", "telefon")
    ]


_PIECES = st.sampled_from(
    ["Fatima", "Hansen", "Hans", "hans", "Per", "Det", "Men", "Jeg", "Skolen", "skolen", "Skole", "skole", "på",
     "ved", "i", "I", "R", "Mor", "Børnehaven", "Regnbuen", "BK", "Frem", "Familiens", "Plan", "Jobcentret",
     "Tingbjerg", "Amager", "Nørrebro", "Lykke", "sagde", "hedder", "og", "fra", "SOF", "HFI-familier",
     "Anne-Sofie", "Jensens", "Fatima's", "maj", "Maj", "Tagensvej", "Vej", "Allé", "Nørre", "Hospital",
     "Bispebjerg", "Dansk", "Flygtningehjælp", "De", "Dem", "Xiomara", "Ahmad", "bin", "Ali", "Şiyar",
     "selam", "Selam", "Selams", "født", "f.", "3. marts 2015", "14/02-2012", "er fra", "2015", "@x_1",
     "Snapchat", "som", "ab_12", "min", "søn", "hedder", "kalder hende", "CX 48 213", "i 2400", "København NV",
     "Familiehuset", "Nord", "Bohdans", "skole", "Taras'", "(Asia)", "hr.", "fatima", "facebook.com/a.b"]
)
_GLUE = st.sampled_from([" ", " ", " ", "\n", ". ", ", ", ": ", "\nR: ", "\nMor: ", " 12", " 22 33 44 55",
                         " 120385-1234", ", 2. th", " 2200 København N", " - ", "'s", "[mor]", "\t", "|",
                         " a@b.dk", "\"", "("])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(_PIECES, _GLUE).map("".join), max_size=30).map("".join),
       st.lists(st.sampled_from(["Frem", "Tingbjerg Skole", "Familiens Plan", "Xiomara", "skolen på Amager"]),
                max_size=2))
def test_the_fast_scan_finds_exactly_what_the_oracle_finds(text, allowed):
    assert fast_findings(text, tuple(allowed)) == slow_findings(text, tuple(allowed))


def _begins_word_plainly(work: str, pos: int) -> bool:
    """The test the capitals' regex now makes with lookbehinds, as the scan once made it in Python."""
    if pos == 0 or work[pos - 1] in " \n":
        return True
    if re.match(r"[^\W\d_]", work[pos - 1]):
        return False
    return not (work[pos - 1] in "'’-" and pos > 1 and re.match(r"[^\W\d_]", work[pos - 2]))


def _capitals_plainly(work: str) -> list[tuple[int, str]]:
    """(start, word) of each capitalised word that begins a token, read as the scan once read them."""
    pattern = re.compile(first_character_class(str.isupper) + r"(?<=[^\W\d_])[^\W\d_]*(?:['’\-][^\W\d_]+)*")
    return [(m.start(), m.group()) for m in pattern.finditer(work)
            if m.group()[0].isupper() and _begins_word_plainly(work, m.start())]


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from("aZøØİıσΣDǅ'’- \n.,:1_"), max_size=40))
def test_the_capitals_regex_finds_the_words_the_plain_test_lets_begin(work):
    found = [(m.start(), m.group()) for m in scan_module._CAPITAL.finditer(work) if m.group()[0].isupper()]
    assert found == _capitals_plainly(work)
