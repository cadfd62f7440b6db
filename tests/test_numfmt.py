"""Danish number style in the report."""

from workbench.lang import numbers as numfmt


def test_danish_thousands_and_decimals():
    assert numfmt.integer(10746237) == "10.746.237"
    assert numfmt.decimal(2.41, 2) == "2,41"
    assert numfmt.decimal(1234.5, 1) == "1.234,5"


def test_percent_has_a_space_and_rounds_half_up():
    assert numfmt.percent(80) == "80 %"
    assert numfmt.percent(12.5) == "13 %"
    assert numfmt.percent(44.444) == "44 %"
    assert numfmt.percent(2.25, 1) == "2,3 %"


def test_changes_are_procentpoint_with_sign():
    assert numfmt.points(31) == "+31 procentpoint"
    assert numfmt.points(-20) == "−20 procentpoint"
    assert numfmt.points(0) == "±0 procentpoint"
    assert numfmt.signed(31) == "+31" and numfmt.signed(-20) == "−20" and numfmt.signed(None) == "–"


def test_missing_values_are_a_dash():
    assert numfmt.percent(None) == "–"
    assert numfmt.decimal(float("nan")) == "–"


def test_numpy_numbers_are_formatted_too():
    import numpy as np

    assert numfmt.decimal(np.float64(3.45), 1) == "3,5"
    assert numfmt.integer(np.int64(12000)) == "12.000"


def test_counts_up_to_twelve_are_words_and_agree_with_the_noun():
    assert [numfmt.number_word(n) for n in range(13)] == [
        "nul", "en", "to", "tre", "fire", "fem", "seks", "syv", "otte", "ni", "ti", "elleve", "tolv"
    ]
    assert numfmt.number_word(1, neuter=True) == "et"
    assert numfmt.number_word(13) == "13" and numfmt.number_word(1500) == "1.500"
    assert numfmt.count_words(5, "princip", "principper", neuter=True) == "fem principper"
    assert numfmt.count_words(1, "princip", "principper", neuter=True) == "et princip"
    assert numfmt.count_words(9, "faktor", "faktorer") == "ni faktorer"
    assert numfmt.count_words(1, "faktor", "faktorer") == "en faktor"
