"""The export gate: every exporter is registered, and each refuses personal data and withdrawn material
in every kind of text it carries, writing nothing.

The fixture is the chapter project (tests/fixtures/mini with self-evaluations, surveys, codings by two
coders, memos and one judgement). For each registered exporter and each kind of text it declares, a CPR number (and,
separately, a sentence from the withdrawn interview INT-FAM-02) is planted where that kind of text
lives in the project; the test first proves the planted text really is in the files the exporter
would write, then that the gate refuses with a `file:line: kind: text` line that points at the
planted line, and that exports/ is still empty.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import workbench
from workbench.errors import WorkbenchError
from workbench.judgements.model import Criterion, Judgement, QuestionJudgement
from workbench.judgements.store import save_judgement
from workbench.privacy import gate
from workbench.privacy import sources as kinds
from workbench.project import Project

SRC = Path(workbench.__file__).parent
EXPORTING_PACKAGES = ("exchange", "report", "ui")
# modules of those packages that write, and why that is not an export: they write into the project
WRITES_INTO_THE_PROJECT = {
    "exchange/importer.py": "import of transcripts into interviews_anonymised/",
    "exchange/qdpx/import_.py": "import of a QDPX into interviews_anonymised/ and codings/",
}

for module in pkgutil.walk_packages([str(SRC)], "workbench."):  # every exporter registers on import
    if module.name.split(".")[1] in EXPORTING_PACKAGES:
        importlib.import_module(module.name)

CPR = "010203-1234"
PERSONAL = f"ring på {CPR}"
WITHDRAWN = "Det særlige ord tilbagetrukket skal ikke ses nogen steder"  # 9 words of INT-FAM-02
# INT-FAM-02's answer again with one character changed, as a renamed re-import would bring it back
WITHDRAWN_AGAIN = ("Det har været fint, men jeg vil ikke være med i evalueringen længere! Det særlige ord "
                   "tilbagetrukket skal ikke ses nogen steder")
FREE_TEXT_ONLY = {kinds.CODER, kinds.RESPONDENT, kinds.FILE_NAME}  # names that cannot hold a sentence


# ------------------------------------------------------------------------------------- planting

RATIONALE = "belægget er samstemmende"


def judge(root: Path, assessor: str = "NP") -> None:
    """One principle judged, so that the assessments workbook has a rationale to carry."""
    questions = {q: QuestionJudgement(level="nogen", rationale=f"Om {q}: {RATIONALE}.") for q in ("relevans",)}
    save_judgement(Project(root), Judgement(principle="P3", round="2025-H2", assessor=assessor, questions=questions,
                                            guide={"vejledende": Criterion(level="nogen", rationale="Giver retning.")}))


@pytest.fixture
def project_root(chapter_project: Path) -> Path:
    """The chapter project (mini, self-evaluations, surveys, two coders, memos) with one judgement."""
    judge(chapter_project)
    return chapter_project



def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _coding(root: Path, coder: str, code: str, memo: str = "", quote: bool = False, needle: str | None = None,
            at: tuple[str, str] = ("INT-RAD-01", "S002")) -> None:
    project = Project(root)
    document = project.corpus.get(at[0])
    segment = next(s for s in document.segments if needle in document.body[s.start : s.end]) if needle \
        else document.segment(at[1])
    project.coding_store().add(coder, document, code, "understøttende", segment=segment, memo=memo, quote=quote)


def plant(root: Path, kind: str, text: str) -> str:
    """Put `text` where `kind` of text lives in the project; returns the marker to look for."""
    if kind == kinds.DOCUMENT:  # a new paragraph, coded and starred so that it is quoted too
        path = root / "interviews_anonymised" / "INT-RAD-01.md"
        body = path.read_text(encoding="utf-8").rstrip("\n")
        path.write_text(body + f"\n\nR: Vi aftalte, {text}.\n", encoding="utf-8")
        _coding(root, "NP", "P2", quote=True, needle=text[:30])
    elif kind == kinds.METADATA:  # the group counted large enough for quotes to name the role
        _replace(root / "interviews_anonymised" / "INT-RAD-01.md", "role: Rådgiver\n", f"role: Rådgiver {text}\n")
        _replace(root / "codebook" / "codebook.yaml", 'coarse_attribution: "Rådgiver"\n    min_persons: 3',
                 'coarse_attribution: "Rådgiver"\n    min_persons: 1')
    elif kind == kinds.SELFEVAL:  # and coded, so that tables of codings show it
        path = root / "selfeval" / "2025-H1" / "AK.yaml"
        _replace(path, "på ét ark.", f"på ét ark, {text}.")
        project = Project(root)
        document = next(d for d in project.codable_corpus.documents if d.path == path)
        start = document.body.index(text)
        project.coding_store().add("NP", document, "P2", "understøttende", span=(start, start + len(text)))
    elif kind == kinds.SELFEVAL_FORM:
        _replace(root / "selfeval" / "form.yaml", "short_label: Efterlevelse", f"short_label: Efterlevelse {text}")
    elif kind == kinds.CODEBOOK:  # P3's name: every export shows it
        _replace(root / "codebook" / "codebook.yaml", "name: Kontakt\n", f"name: Kontakt {text}\n")
    elif kind == kinds.SURVEY:
        _replace(root / "surveys" / "forloeb.yaml", "i fritidsaktiviteter\n", f"i fritidsaktiviteter {text}\n")
    elif kind == kinds.MEMO:  # the analytic memos and the evaluator's rationale for a judgement
        path = root / "memos" / "koder" / "P1.md"
        path.write_text(path.read_text(encoding="utf-8") + f"\nEn forælder sagde: {text}.\n", encoding="utf-8")
        judgement = next((root / "assessments").rglob("P3.yaml"))
        _replace(judgement, f"{RATIONALE}.", f"{RATIONALE}, {text}.")
    elif kind == kinds.CODING_MEMO:
        # outside the small groups: the companion lists a small group's codings by their number only
        _coding(root, "NP", "P2", memo=f"Vigtigt: {text}.", at=("OBS-01", "S001"))
    elif kind == kinds.CODER:  # a coder who coded what NP coded, and an assessor, so that tables show the name
        _coding(root, text, "P3")
        judge(root, text)
    elif kind == kinds.RESPONDENT:  # one more submitted answer, under that pseudonym
        source = root / "selfeval" / "2025-H2" / "AK.yaml"
        (source.parent / f"{text}.yaml").write_text(
            source.read_text(encoding="utf-8").replace("respondent: AK\n", f"respondent: {text}\n"), encoding="utf-8")
    elif kind == kinds.FILE_NAME:
        pass  # the driver names the file
    else:
        raise AssertionError(f"no way to plant {kind}")
    return text


def drive(name: str, project: Project, stem: str | None = None) -> dict:
    """The options an exporter is called with: everything into exports/, named by `stem` when given."""
    exports = project.exports_dir
    defaults = {
        "chapter": "evalueringskapitel.docx", "qdpx": "projekt.qdpx", "qdc": "kodebog.qdc", "xlsx": "tabeller.xlsx",
        "codings-csv": "kodninger.csv", "retrieval-csv": "kodninger.csv", "assessments-xlsx": "vurderinger.xlsx",
        "chapter-companion": "evalueringskapitel-spor.xlsx",
    }
    if name == "matrices":
        return {"folder": exports, "suffix": stem or ""}
    if name not in defaults:
        raise AssertionError(f"exporter {name} has no driver in this test: add one")
    default = defaults[name]
    return {"out": exports / (f"{stem}{Path(default).suffix}" if stem else default)}


def cases(free_text: bool) -> list[tuple[str, str]]:
    return [
        (name, kind) for name, exporter in sorted(gate.EXPORTERS.items()) for kind in sorted(exporter.carries)
        if not (free_text and kind in FREE_TEXT_ONLY)
    ]


def written_files(project: Project) -> list[Path]:
    exports = project.exports_dir
    return sorted(exports.rglob("*")) if exports.exists() else []


def carried_text(export: gate.Export) -> str:
    return "\n".join(gate.plain_text(data) for data in export.files.values()) + "\n" + \
        "\n".join(path.name for path in export.files)


# ------------------------------------------------------------------------------------- the registry


def test_every_exporter_is_registered_and_driven_here():
    assert {"chapter", "chapter-companion", "qdpx", "qdc", "xlsx", "codings-csv", "retrieval-csv",
            "matrices"} <= set(gate.EXPORTERS)
    for name, exporter in gate.EXPORTERS.items():
        drive(name, Project(Path(".")))  # raises for an exporter this test does not know
        assert kinds.FILE_NAME in exporter.carries and set(exporter.carries) <= set(kinds.KINDS)


_WRITERS = {
    "atomic_write_bytes", "atomic_write_text", "atomic_write_files", "append_line", "write_bytes", "write_text",
    "savefig", "to_csv", "to_excel", "save",
}


def _writes(tree: ast.AST) -> list[str]:
    """Calls that write a file: the io.files helpers, Path.write_*, open(..., 'w'), save/savefig/to_csv to a path."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if name == "open" and len(node.args) > 1 and isinstance(node.args[1], ast.Constant) \
                and any(m in str(node.args[1].value) for m in "wax"):
            found.append(f"open(..., {node.args[1].value!r}) on line {node.lineno}")
        elif name in _WRITERS:
            into_buffer = node.args and isinstance(node.args[0], ast.Name) and node.args[0].id == "buffer"
            if name in ("savefig", "to_csv", "save") and (into_buffer or not node.args):
                continue  # into memory: the bytes go to the gate
            found.append(f"{name}() on line {node.lineno}")
    return found


def test_no_module_that_exports_writes_files_itself():
    offenders = []
    for package in EXPORTING_PACKAGES:
        for path in sorted((SRC / package).rglob("*.py")):
            relative = path.relative_to(SRC).as_posix()
            if relative in WRITES_INTO_THE_PROJECT:
                continue
            offenders += [f"{relative}: {call}" for call in _writes(ast.parse(path.read_text(encoding="utf-8")))]
    assert offenders == [], "write through privacy.gate (register an exporter) instead of writing directly"


def test_the_gate_is_the_only_writer_in_the_exporters():
    """Every module that registers an exporter imports no file-writing helper."""
    for exporter in gate.EXPORTERS.values():
        source = Path(importlib.import_module(exporter.module).__file__).read_text(encoding="utf-8")
        assert "workbench.io.files" not in source, exporter.module


def test_an_exporter_cannot_carry_a_kind_of_text_it_did_not_declare(project_root):
    @gate.exporter("test-undeclared", carries=(kinds.CODEBOOK,))
    def undeclared(project, out):
        return gate.Export("Testen", {out: b"x"}, [kinds.memo_file(project, project.memos_dir / "x.md", "tekst")])

    try:
        with pytest.raises(ValueError, match="memo"):
            undeclared.write(Project(project_root), out=project_root / "exports" / "x.txt")
        assert not (project_root / "exports").exists()
    finally:
        del gate.EXPORTERS["test-undeclared"]


# ------------------------------------------------------------------------------------- each exporter


@pytest.mark.parametrize("name", sorted(gate.EXPORTERS))
def test_a_clean_project_exports_and_no_withdrawn_id_or_text_goes_out(project_root, name):
    project = Project(project_root)
    export = gate.EXPORTERS[name].write(project, **drive(name, project))
    assert export.written and all(path.is_file() for path in export.written)
    text = carried_text(export)
    assert "INT-FAM-02" not in text and "tilbagetrukket" not in text


def _finding_lines(message: str, marker: str) -> list[str]:
    return [line for line in message.splitlines()[1:] if marker.lower() in line.lower()]


@pytest.mark.parametrize(("name", "kind"), cases(free_text=False))
def test_a_cpr_number_in_any_carried_text_is_refused_and_nothing_is_written(project_root, name, kind):
    marker = plant(project_root, kind, CPR if kind in FREE_TEXT_ONLY else PERSONAL)
    project = Project(project_root)
    options = drive(name, project, CPR if kind == kinds.FILE_NAME else None)
    exporter = gate.EXPORTERS[name]
    assert CPR in carried_text(exporter(project, **options)), f"{name} does not carry {kind}: declared wrongly"
    with pytest.raises(WorkbenchError) as refused:
        exporter.write(project, **options)
    message = str(refused.value)
    assert "er ikke lavet" in message and "personoplysninger" in message and marker
    lines = _finding_lines(message, CPR)
    assert lines, message
    for line in lines:  # file:line: kind: text, pointing at the planted line of the user's file
        match = re.match(r"^(?P<file>[^:]+):(?P<line>\d+): (?P<kind>[^:]+): (?P<text>.+)$", line)
        assert match, line
        assert CPR in match["text"]
        path = project_root / match["file"]
        if kind in FREE_TEXT_ONLY:  # the name of the coder's log, or of the exported file
            assert CPR in match["file"], line
        else:
            assert path.is_file(), line
            assert CPR in path.read_text(encoding="utf-8").split("\n")[int(match["line"]) - 1], line
    assert written_files(project) == []


@pytest.mark.parametrize(("name", "kind"), cases(free_text=True))
def test_a_quote_from_a_withdrawn_document_in_any_carried_text_is_refused(project_root, name, kind):
    """In a document body it takes the withdrawn text itself (a copy); elsewhere 8 of its words in a row."""
    plant(project_root, kind, WITHDRAWN_AGAIN if kind == kinds.DOCUMENT else WITHDRAWN)
    project = Project(project_root)
    options = drive(name, project)
    exporter = gate.EXPORTERS[name]
    assert "tilbagetrukket" in carried_text(exporter(project, **options))
    with pytest.raises(WorkbenchError) as refused:
        exporter.write(project, **options)
    message = str(refused.value)
    assert "trukket sit samtykke tilbage" in message
    lines = [line for line in message.splitlines() if ": gengiver tekst fra INT-FAM-02: " in line]
    assert lines, message
    file, number = lines[0].split(":")[:2]
    if kind == kinds.DOCUMENT:
        assert file == "interviews_anonymised/INT-RAD-01.md" and "dokumentet er en kopi" in lines[0]
    else:
        assert "særlige" in (project_root / file).read_text(encoding="utf-8").split("\n")[int(number) - 1]
    assert written_files(project) == []


def test_the_id_of_a_withdrawn_document_is_refused_too(project_root):
    plant(project_root, kinds.MEMO, "se INT-FAM-02")
    project = Project(project_root)
    with pytest.raises(WorkbenchError) as refused:
        gate.EXPORTERS["qdpx"].write(project, **drive("qdpx", project))
    message = str(refused.value)
    assert "memos/koder/P1.md:" in message and "gengiver tekst fra INT-FAM-02: INT-FAM-02" in message
    assert written_files(project) == []


def test_phrasing_a_consented_interview_shares_with_the_withdrawn_one_is_no_finding(project_root):
    """An interviewer asks everyone the same: that question in a withdrawn interview blocks no export."""
    question = "I: Er der noget, du gerne vil tilføje, inden vi slutter af i dag?\n"
    for name in ("INT-FAM-02", "INT-RAD-01"):
        path = project_root / "interviews_anonymised" / f"{name}.md"
        path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + question, encoding="utf-8")
    plant(project_root, kinds.MEMO, "Intervieweren spurgte: Er der noget, du gerne vil tilføje, inden vi slutter")
    project = Project(project_root)
    for name in ("qdpx", "xlsx", "chapter"):
        assert gate.EXPORTERS[name].write(project, **drive(name, project)).written


def test_a_refusal_lists_every_finding_across_kinds(project_root):
    plant(project_root, kinds.MEMO, PERSONAL)
    plant(project_root, kinds.CODING_MEMO, WITHDRAWN)
    project = Project(project_root)
    with pytest.raises(WorkbenchError) as refused:
        gate.EXPORTERS["qdpx"].write(project, **drive("qdpx", project))
    first, *findings = str(refused.value).splitlines()
    assert first.startswith("QDPX-filen projekt.qdpx er ikke lavet, fordi teksterne indeholder mulige "
                            "personoplysninger og det gengiver materiale fra en person, der har trukket sit "
                            "samtykke tilbage.")
    assert any(line.startswith("memos/koder/P1.md:") and CPR in line for line in findings)
    assert any(line.startswith("codings/NP.jsonl:") and "gengiver tekst fra INT-FAM-02" in line for line in findings)


def test_the_gate_reads_what_an_exporter_forgot_to_declare(project_root):
    """Withdrawn text inside the files is refused even when the exporter's list of texts misses it."""
    project = Project(project_root)
    out = project.exports_dir / "glemt.txt"
    export = gate.Export("Testfilen", {out: f"Noter: {WITHDRAWN}.".encode()}, [])
    with pytest.raises(WorkbenchError, match="glemt.txt:1: gengiver tekst fra INT-FAM-02"):
        gate.check(project, export)
