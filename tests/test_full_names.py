"""A coder or respondent name that looks like a person's full name is refused everywhere it can enter."""

import pytest

from workbench.anonymity.full_name import looks_like_full_name
from workbench.coding.store import check_coder
from workbench.errors import WorkbenchError
from workbench.project import Project
from workbench.selfeval.answers import check_respondent

FULL_NAMES = ["Anne Holm", "Anne_Holm", "anne_holm", "Anne.Holm", "AnneHolm", "Oksana-Kovalenko"]
FINE = ["AH", "NP", "Koder2", "konsensus", "importeret", "MJ", "Team_A", "Koder_AB"]


@pytest.mark.parametrize("name", FULL_NAMES)
def test_a_full_name_is_recognised(name):
    assert looks_like_full_name(name)


@pytest.mark.parametrize("name", FINE)
def test_initials_and_pseudonyms_are_not_full_names(name):
    assert not looks_like_full_name(name)
    assert check_coder(name) == name


@pytest.mark.parametrize("name", FULL_NAMES)
def test_a_coder_with_a_full_name_is_refused(name):
    with pytest.raises(WorkbenchError, match="ligner et fuldt navn"):
        check_coder(name)


@pytest.mark.parametrize("name", FULL_NAMES)
def test_a_respondent_with_a_full_name_is_refused(name):
    with pytest.raises(WorkbenchError, match="ligner et fuldt navn"):
        check_respondent(name)


def test_the_coding_store_refuses_a_full_name_before_writing(mini_project):
    project = Project(mini_project)
    document = project.corpus.get("INT-RAD-01")
    with pytest.raises(WorkbenchError, match="ligner et fuldt navn"):
        project.coding_store().add("Anne_Holm", document, "P1", "understøttende", segment=document.segments[0])
    assert not list((mini_project / "codings").glob("*.jsonl"))


def test_import_qdpx_refuses_a_user_with_a_full_name_until_mapped(mini_project, tmp_path, capsys):
    from test_refiqda import NVIVO, foreign_qdpx  # the NVivo fixture: its users are "MJ" and "Line Poulsen"

    from workbench.ui.cli import main

    qdpx = foreign_qdpx(tmp_path)
    sources = ["--metadata", str(NVIVO.parent / "nvivo-kilder.yaml")]
    before = sorted(p.name for p in (mini_project / "interviews_anonymised").iterdir())
    assert main(["--project", str(mini_project), "import-qdpx", str(qdpx), *sources]) == 2
    err = capsys.readouterr().err
    assert "ligner fulde navne" in err and '--coder "Line Poulsen=INITIALER"' in err and "MJ" not in err
    assert sorted(p.name for p in (mini_project / "interviews_anonymised").iterdir()) == before
    assert not list((mini_project / "codings").glob("*.jsonl"))
    assert main(["--project", str(mini_project), "import-qdpx", str(qdpx), *sources, "--coder", "Line Poulsen=LP"]) == 0
    assert sorted(p.stem for p in (mini_project / "codings").glob("*.jsonl")) == ["LP", "MJ"]
    # a mapping to another full name is refused too
    assert main(["--project", str(mini_project), "import-qdpx", str(qdpx), *sources,
                 "--coder", "Line Poulsen=Line_Poulsen"]) == 2
