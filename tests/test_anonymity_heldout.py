"""The anonymity guard measured on the held-out set (tests/anonymity_heldout/, see its README),
scored by character coverage. The figures are printed per kind; nothing here may be used to tune."""

from __future__ import annotations

from pathlib import Path

from anonymity_scoring import covered, parse_gold, score

HELD_OUT = Path(__file__).parent / "anonymity_heldout"


def test_coverage_counts_an_item_only_when_every_character_is_inside_findings():
    assert covered(5, 10, [(5, 10)])
    assert covered(5, 10, [(0, 7), (7, 12)])
    assert not covered(5, 10, [(5, 9)])  # "Tara" of "Taras"
    assert not covered(5, 10, [(0, 6), (8, 12)])
    assert not covered(5, 10, [])


def test_gold_markup_gives_text_and_items():
    text, gold = parse_gold("Min mand {{navn:Taras}} er født {{fødselsdato:3. marts 2015}}.")
    assert text == "Min mand Taras er født 3. marts 2015."
    assert [(k, text[s:e]) for k, s, e, _ in gold] == [("navn", "Taras"), ("fødselsdato", "3. marts 2015")]


def test_the_held_out_set_is_big_enough():
    s = score(HELD_OUT)
    transcripts = [p for p in HELD_OUT.glob("*.md") if not p.name.startswith(("ren_", "README"))]
    assert len(transcripts) >= 8 and s.items >= 150 and s.clean_words >= 3000


def test_held_out_figures(capsys):
    s = score(HELD_OUT)
    with capsys.disabled():
        print("\n" + s.report("held-out sæt (issue 12)"))
    # issue 12's targets; the figures are recorded in docs/anonymitet.md
    assert s.recall >= 0.98
    assert s.false_rate <= 0.5


# Before issue 12 (commit 429f89f, detector unchanged): 173/221 = 78.3 % covered in full,
# 9.50 false findings per 1,000 clean words. Birth dates 0/16, profiles 0/8, plates 0/2,
# lower-case names 0/12, postcodes 4/5, possessive names 16/21.
# Measured once after tuning on tests/anonymity_dev (2 Dec 2026, 05:01 UTC), nothing changed
# afterwards: 218/221 = 98.6 % covered in full, 0.31 false findings per 1,000 clean words (1 in
# 3,263: "Mjølnerparken"). Misses: "Københavns Professionshøjskole" (only the second word),
# "B.93", "Utterslev Huse 32".
