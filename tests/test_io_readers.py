"""The one reader for user files (workbench.io): encodings told apart on real Danish sentences, YAML limits,
zip limits and numbers. The same readers meet hostile files through the CLI in test_hostile_input.py."""

from __future__ import annotations

import codecs
import time
import zipfile
from pathlib import Path

import pytest

from workbench.errors import WorkbenchError
from workbench.io.archive import MAX_MEMBERS, MAX_TOTAL_BYTES, check_members, unsafe_name
from workbench.io.tables import parse_decimal, parse_integer
from workbench.io.text import decode
from workbench.io.yaml import parse_yaml

SENTENCES = [
    "Vi mødtes på Nørrebro, og forældrene følte sig hørt.",
    "Rådgiveren fortalte, at familiens ønsker var udgangspunktet for planen.",
    "Fædrene deltog sjældent, men børnene blev spurgt om deres drømme.",
    "Det var svært at få øje på, hvem der skulle ringe til skolen.",
    "Æblerne i haven blev plukket af Øjvind og Åse i år.",
    "Kerneteamet holdt møde hver uge; det gav tryghed.",
]
WHERE = Path("interview.txt")


@pytest.mark.parametrize("sentence", SENTENCES)
def test_windows_1252_is_read_and_named(sentence):
    assert decode(sentence.encode("cp1252"), WHERE) == (sentence, "Windows-1252")


@pytest.mark.parametrize("sentence", SENTENCES)
@pytest.mark.parametrize(("codec", "named"), [("cp850", "kodetabel 850"), ("mac_roman", "MacRoman")])
def test_dos_and_mac_encodings_are_named_and_refused_never_garbled(sentence, codec, named):
    with pytest.raises(WorkbenchError, match=named) as caught:
        decode(sentence.encode(codec), WHERE)
    assert "UTF-8" in caught.value.message and caught.value.path == WHERE


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_refused(codec):
    with pytest.raises(WorkbenchError, match="UTF-16"):
        decode(SENTENCES[0].encode(codec), WHERE)


def test_utf8_with_and_without_bom_and_utf16_with_bom_are_read():
    text = "\n".join(SENTENCES)
    assert decode(text.encode("utf-8"), WHERE) == (text, "UTF-8")
    assert decode(codecs.BOM_UTF8 + text.encode("utf-8"), WHERE) == (text, "UTF-8 med BOM")
    assert decode(codecs.BOM_UTF16_LE + text.encode("utf-16-le"), WHERE) == (text, "UTF-16")


def test_windows_1252_can_be_refused_where_only_utf8_belongs():
    with pytest.raises(WorkbenchError, match="ikke gemt som UTF-8") as caught:
        decode(("Linje et\n" + SENTENCES[0]).encode("cp1252"), WHERE, allow_cp1252=False)
    assert caught.value.line == 2


def test_a_yaml_alias_bomb_is_refused_in_well_under_a_second():
    bomb = "a: &a [" + ", ".join(["lol"] * 9) + "]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(8)
    )
    started = time.perf_counter()
    with pytest.raises(WorkbenchError, match="alias-bombe"):
        parse_yaml(bomb, Path("kodebog.yaml"))
    assert time.perf_counter() - started < 0.2


def test_yaml_duplicate_keys_in_nested_mappings_name_both_lines():
    text = "items:\n  - key: a\n    label: A\n    label: B\n"
    with pytest.raises(WorkbenchError, match="linje 3 og linje 4") as caught:
        parse_yaml(text, Path("form.yaml"))
    assert caught.value.line == 4


def test_yaml_impossible_date_in_front_matter_names_the_file_line():
    with pytest.raises(WorkbenchError, match="2025-13-40") as caught:
        parse_yaml("id: X\ndate: 2025-13-40\n", Path("x.md"), first_line=2)
    assert caught.value.line == 3


def test_zip_limits_from_the_directory_alone():
    def info(name: str, size: int, packed: int) -> zipfile.ZipInfo:
        member = zipfile.ZipInfo(name)
        member.file_size, member.compress_size = size, packed
        return member

    where = Path("projekt.qdpx")
    check_members([info("project.qde", 5_000_000, 500_000)], where)  # 10:1, as XML compresses
    with pytest.raises(WorkbenchError, match="zip-bombe"):
        check_members([info("bomb.txt", 50_000_000, 50_000)], where)
    with pytest.raises(WorkbenchError, match="MB, når den pakkes ud"):
        check_members([info(f"sources/{i}.txt", MAX_TOTAL_BYTES // 10, MAX_TOTAL_BYTES // 100) for i in range(11)],
                      where)
    with pytest.raises(WorkbenchError, match="filer"):
        check_members([info(f"{i}.txt", 0, 0) for i in range(MAX_MEMBERS + 1)], where)
    for name in ("../x", "a/../../x", "/etc/passwd", "C:\\x", "..\\x"):
        assert unsafe_name(name), name
    assert not unsafe_name("sources/abc..txt")


@pytest.mark.parametrize("text", ["٣", "３７", "1٣", "²", "½", "-1", "1e3", " "])
def test_only_ascii_digits_are_whole_numbers(text):
    assert parse_integer(text) is None


def test_decimals_with_comma_or_point():
    assert (parse_decimal("32,4"), parse_decimal("77.8"), parse_decimal("75")) == (32.4, 77.8, 75.0)
    assert parse_decimal("٣٢,٤") is None and parse_decimal("３２") is None


ENGLISH = ("expected", "found", "mapping", "while", "scanning", "parsing", "allowed", "token", "stream", "alias")


@pytest.mark.parametrize("text, line", [
    ("titel: HFI\nperiode: [2024, 2026\n", 2),          # an unclosed flow list
    ("titel: HFI\n  periode: 2024\n", 2),               # a key indented under a scalar
    ("titel: HFI\nperiode:\n\t- 2024\n", 3),            # a tab as indentation
    ("titel: \"HFI\nperiode: 2024\n", 3),               # an unclosed quote
    ("koder:\n  - P1\n  P2: x\n", 3),                   # a mapping inside a list's indentation
    ("titel: *navn\n", 1),                              # an alias that points nowhere
])
def test_broken_yaml_is_explained_in_danish_without_the_parsers_english(tmp_path, text, line):
    with pytest.raises(WorkbenchError) as raised:
        parse_yaml(text, tmp_path / "project.yaml")
    message = raised.value.message
    assert message.startswith("YAML-teksten kan ikke læses (")
    assert not [word for word in ENGLISH if word in message.lower()], message
    assert raised.value.line is not None and abs(raised.value.line - line) <= 1
