"""The codebook: the principles verbatim, and a Danish error naming file, line and key when it is broken."""

from pathlib import Path

import pytest

from workbench.errors import WorkbenchError
from workbench.material.codebook import load_codebook

ROOT_CODEBOOK = Path(__file__).parents[1] / "codebook" / "codebook.yaml"


def test_principles_and_factors_are_verbatim_from_the_report(mini_project):
    codebook = load_codebook(mini_project / "codebook" / "codebook.yaml")
    assert [c.key for c in codebook.principles] == ["P1", "P2", "P3", "P4", "P5"]
    assert codebook.code("P3").statement == (
        "Vi gør kontakten til kommunen lettere for familien ved at sammensætte teams, der afspejler eksisterende "
        "relationer og relevante indsatser."
    )
    assert [c.name for c in codebook.factors] == [
        "Samtykket er afgørende",
        "Et koordinerende team",
        "Tydelig mødefacilitering og rammesætning",
        "En fast struktur for samarbejdet",
        "Større forpligtelse til fremdrift gennem professionelt fællesskab",
        "Sikkerhedsnet ved rådgiverskift",
        "Fysisk samtilstedeværelse",
        "Opsøgende og forberedende dialog før opstart",
        "HFI's kulturforandrende potentiale i SOF og BIF",
    ]
    assert all(c.indicators for c in codebook.principles + codebook.factors)
    assert len(codebook.evaluation_questions) == 4
    assert {"familie", "radgiver", "supportteam", "leder"} <= set(codebook.respondent_group_keys)


def test_fixture_codebook_is_the_shipped_one(mini_project):
    assert (mini_project / "codebook" / "codebook.yaml").read_text(encoding="utf-8") == ROOT_CODEBOOK.read_text(
        encoding="utf-8"
    )


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    text = ROOT_CODEBOOK.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "codebook.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


def test_bad_colour_names_file_line_and_key(tmp_path):
    path = _broken(tmp_path, 'colour: "#2a9d8f"', 'colour: "grøn"')
    with pytest.raises(WorkbenchError) as err:
        load_codebook(path)
    assert err.value.path == path
    assert err.value.line == _line_of(path, '"grøn"')
    assert "code_groups.0.codes.1.colour" in str(err.value)
    assert "hex-kode" in str(err.value)


def test_missing_required_field(tmp_path):
    path = _broken(tmp_path, "        name: Sammenhæng\n", "")
    with pytest.raises(WorkbenchError, match="Det påkrævede felt 'code_groups.0.codes.1.name' mangler"):
        load_codebook(path)


def test_duplicate_code_key(tmp_path):
    path = _broken(tmp_path, "key: P2", "key: P1")
    with pytest.raises(WorkbenchError, match="koden P1 findes både"):
        load_codebook(path)


def test_unknown_field_is_refused(tmp_path):
    path = _broken(tmp_path, "        name: Familien\n", "        name: Familien\n        farve: rød\n")
    with pytest.raises(WorkbenchError, match="farve' er ikke et kendt felt") as err:
        load_codebook(path)
    assert err.value.line == _line_of(path, "farve")


def test_broken_yaml_gives_line(tmp_path):
    path = _broken(tmp_path, "    name: Guidende principper", "    name: [Guidende principper")
    with pytest.raises(WorkbenchError, match="YAML-teksten kan ikke læses") as err:
        load_codebook(path)
    assert err.value.line is not None


def test_evaluation_question_must_name_known_principles(tmp_path):
    path = _broken(tmp_path, "principles: [P2, P3]", "principles: [P2, P9]")
    with pytest.raises(WorkbenchError, match="ukendt princip P9"):
        load_codebook(path)


def test_missing_and_empty_codebook(tmp_path):
    with pytest.raises(WorkbenchError, match="Kodebogen findes ikke"):
        load_codebook(tmp_path / "nope.yaml")
    empty = tmp_path / "empty.yaml"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(WorkbenchError, match="Filen er tom"):
        load_codebook(empty)
