"""Sentence boundaries: exactly those of spaCy's Sentencizer on the Danish tokenizer."""

from functools import cache

import spacy
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.lang.nlp import sentence_spans


@cache
def sentencizer():
    nlp = spacy.blank("da")
    nlp.add_pipe("sentencizer")
    return nlp


def spacy_sentences(text: str) -> list[tuple[int, int]]:
    return [(sentence.start_char, sentence.end_char) for sentence in sentencizer()(text).sents]


def sentences(text: str) -> list[str]:
    return [text[start:end] for start, end in sentence_spans(text)]


def test_abbreviations_clock_times_and_dates_do_not_end_a_sentence():
    text = "Vi mødes kl. 14.30 den 3. juni. Tag f.eks. en madpakke med, bl.a. til børnene!"
    assert sentences(text) == ["Vi mødes kl. 14.30 den 3. juni.", "Tag f.eks. en madpakke med, bl.a. til børnene!"]


def test_a_closing_quote_or_bracket_stays_with_its_sentence():
    text = 'Hun sagde: "Det går ikke." Så gik hun (og lukkede døren.) Det var det.'
    assert sentences(text) == ['Hun sagde: "Det går ikke."', "Så gik hun (og lukkede døren.)", "Det var det."]


def test_question_and_exclamation_marks_end_a_sentence_but_an_ellipsis_does_not():
    assert sentences("Hvad?! Jeg ved ikke... Måske i morgen.") == ["Hvad?!", "Jeg ved ikke... Måske i morgen."]


def test_line_breaks_and_extra_spaces_begin_the_next_sentence():
    text = "Ja.\nNej.  Måske. \n\nTak. "
    assert sentences(text) == ["Ja.", "\nNej.", " Måske.", "\n\nTak."]


_WORDS = ["Vi", "mødes", "familien", "Det", "går", "godt", "og", "hun", "sagde", "nej", "Hvad", "så", "København",
          "jeg", "ved", "ikke", "skolen", "i", "dag", "Ahmad", "ÆBLE", "x"]
_ABBREVIATIONS = ["f.eks.", "F.eks.", "kl.", "Kl.", "bl.a.", "ca.", "dvs.", "osv.", "nr.", "jf.", "evt.", "m.m.",
                  "f.eks"]
_NUMBERS = ["14.30", "12.", "3.", "2.000", "1,5", "2025", "120385-1234", "3"]
_PUNCTUATION = [".", ".", "!", "?", "?!", "...", "…", ",", ";", ":", "-", "–", "(", ")", "[", "]", "[Navn 1]",
                '"', "“", "”", "„", "«", "»", "'", "’", ".)", '."', "!)", ".]", ":)", "=[", "''", "._.", "_"]
# other scripts' full stops, an emoji, an astral full stop, a soft hyphen
_RARE = ["。", "؟", "！", "．", "‼", "।", "😀", "𑁇", "\u00ad"]
_SEPARATORS = ["", " ", " ", " ", " ", "  ", "\n", "\n\n", " \n", "\n ", "\t", "\xa0", "\u2003", "\r\n",
               " \u2028 "]
_PIECE = st.sampled_from(_WORDS + _ABBREVIATIONS + _NUMBERS + _PUNCTUATION + _RARE) | st.text(
    alphabet=st.sampled_from(list('.!?。 \n\t\xa0"\'()[]«»…-_aBæ1😀𑁇')), max_size=4
)


@settings(max_examples=600, deadline=None)
@given(st.lists(st.tuples(_PIECE, st.sampled_from(_SEPARATORS)).map("".join), max_size=40).map("".join))
def test_sentences_are_exactly_spacys(text):
    assert sentence_spans(text) == spacy_sentences(text)
