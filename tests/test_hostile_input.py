"""Hostile and careless input, as users bring it: every kind of bad file through the CLI.

Each case plants one bad file in a scratch copy of a small project (or hands the CLI a bad file from outside
it), runs the `workbench` command that reads it in a subprocess, and checks what a user would: exit code 2,
one Danish message that names the user's own file (and the line where there is one), nothing else printed
as a traceback, and the project folder byte for byte as it was.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
SRC = Path(__file__).resolve().parents[1] / "src"
WORKBENCH = [sys.executable, "-c", "import sys; from workbench.ui.cli import main; sys.exit(main())"]

DANISH = "En rigtig sætning på dansk: Mødet på Nørrebro gik godt, og forældrene følte sig hørt af rådgiveren.\n"
PROJECT_YAML = "title: Testevaluering\nperiod: 2024–2026\nmin_group_size: 3\n"
MEMO = "# P1 Familien\n\nFamiliens ønsker er udgangspunktet.\n\n## Understøttende elementer\n\n- Godt.\n\n" \
       "## Udfordrende elementer\n\n- Fædrene mangler.\n"
CSV_HEADER = "doc_id;segment_id;start;end;coder;code;valence;quote;memo\n"
CSV_ROW = "OBS-01;;0;10;NP;P1;understøttende;nej;\n"
SOURCE_FRONT = (
    "---\nid: INT-NY-01\ntype: interview\ngroup: radgiver\nrole: Rådgiver\ndate: 2025-05-14\nconsent: given\n---\n"
)
TRANSCRIPT = "I: Hvordan har samarbejdet været?\nR: Det har været godt, vi mødes hver uge på kontoret.\n"


# ---------------------------------------------------------------- the project and what a case does to it


def make_project(root: Path) -> Path:
    shutil.copytree(FIXTURES / "mini", root)
    shutil.copytree(FIXTURES / "selfeval", root / "selfeval")
    shutil.copytree(FIXTURES / "surveys", root / "surveys")
    (root / "codings").mkdir()
    (root / "memos" / "koder").mkdir(parents=True)
    (root / "memos" / "koder" / "P1.md").write_text(MEMO, encoding="utf-8")
    (root / "project.yaml").write_text(PROJECT_YAML, encoding="utf-8")
    return root


def tree_hash(root: Path) -> dict[str, str]:
    """Every file under the project with its content hash (empty lock files beside saved files excepted)."""
    found = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and not (path.name.endswith(".lock") and path.stat().st_size == 0):
            found[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


# Where each kind of YAML file is, the command that reads it, and a key whose duplicate goes at the end.
YAML_KINDS = {
    "codebook": ("codebook/codebook.yaml", ["documents"], "title"),
    "form": ("selfeval/form.yaml", ["selfeval-summary"], "title"),
    "answers": ("selfeval/2025-H1/AK.yaml", ["selfeval-summary"], "status"),
    "surveymap": ("surveys/kort.yaml", ["survey-summary"], "title"),
    "projectyaml": ("project.yaml", ["documents"], "title"),
    "frontmatter": ("interviews_anonymised/OBS-01.md", ["documents"], "role"),
}


def _append_yaml(root: Path, kind: str, lines: str) -> int:
    """Add YAML lines to the end of the file's YAML (front matter: before its closing '---');
    returns the file line on which the first added line lands."""
    relative = YAML_KINDS[kind][0]
    path = root / relative
    text = path.read_text(encoding="utf-8")
    if kind == "frontmatter":
        head, _, body = text[4:].partition("\n---\n")
        before = "---\n" + head + "\n"
        path.write_text(before + lines + "---\n" + body, encoding="utf-8")
    else:
        before = text if text.endswith("\n") else text + "\n"
        path.write_text(before + lines, encoding="utf-8")
    return before.count("\n") + 1


def _line_of_key(root: Path, kind: str, key: str) -> int:
    lines = (root / YAML_KINDS[kind][0]).read_text(encoding="utf-8").split("\n")
    return next(i for i, line in enumerate(lines, 1) if line.startswith(f"{key}:"))


BOMB = "".join(
    [f"lol0: &l0 [{', '.join(['lol'] * 9)}]\n"]
    + [f"lol{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 10)]
)


@dataclass
class Case:
    id: str
    command: list[str]
    setup: Callable[[Path, Path], Expect]  # (project, folder outside it) → what the message must say


@dataclass
class Expect:
    file: str  # the user's file, as the message must name it (its name is enough)
    line: int | None = None  # the line the message must name; None: no line required
    words: str = ""  # a regular expression the message must match (what went wrong, in Danish)
    also_line: int | None = None  # a second line the message must name (duplicate keys: both)
    argv: list[str] = field(default_factory=list)  # arguments added to the command (files outside the project)


CASES: list[Case] = []


def case(id: str, *command: str):
    def register(setup):
        CASES.append(Case(id, list(command), setup))
        return setup
    return register


# ---------------------------------------------------------------- every YAML kind, every YAML problem


def _yaml_cases(kind: str) -> None:
    relative, command, dup_key = YAML_KINDS[kind]
    name = Path(relative).name

    @case(f"{kind}-syntax", *command)
    def syntax(root, outside):
        _append_yaml(root, kind, "broken: [unclosed, list\nnext: value\n")
        return Expect(name, None, r"YAML")

    @case(f"{kind}-alias-bomb", *command)
    def bomb(root, outside):
        _append_yaml(root, kind, BOMB)
        return Expect(name, None, r"(alias|anker|henvisning)")

    @case(f"{kind}-duplicate-key", *command)
    def duplicate(root, outside):
        first = _line_of_key(root, kind, dup_key)
        line = _append_yaml(root, kind, f"{dup_key}: anden værdi\n")
        return Expect(name, line, rf"'{dup_key}'.*(to gange|flere gange|også)", also_line=first)

    @case(f"{kind}-python-tag", *command)
    def python_tag(root, outside):
        line = _append_yaml(root, kind, "evil: !!python/object/apply:os.system ['touch /tmp/pwned']\n")
        return Expect(name, line, r"(tag|mærke|!!python)")

    @case(f"{kind}-date-13-40", *command)
    def month_13(root, outside):
        line = _append_yaml(root, kind, "when: 2025-13-40\n")
        return Expect(name, line, r"2025-13-40.*(dato|findes ikke)")

    @case(f"{kind}-date-02-30", *command)
    def february_30(root, outside):
        line = _append_yaml(root, kind, "when: 2025-02-30\n")
        return Expect(name, line, r"2025-02-30.*(dato|findes ikke)")

    @case(f"{kind}-deep-nesting", *command)
    def deep(root, outside):
        line = _append_yaml(root, kind, "deep: " + "[" * 3000 + "]" * 3000 + "\n")
        return Expect(name, line, r"(dybt|niveauer)")

    @case(f"{kind}-nul-byte", *command)
    def nul(root, outside):
        line = _append_yaml(root, kind, "note: før\x00efter\n")
        return Expect(name, line, r"(NUL|nul-tegn|binær|tegn)")


for _kind in YAML_KINDS:
    _yaml_cases(_kind)


@case("codebook-huge", "documents")
def _(root, outside):
    with open(root / "codebook/codebook.yaml", "a", encoding="utf-8") as handle:
        handle.write(("# " + "x" * 1000 + "\n") * 12_000)  # 12 MB of comments
    return Expect("codebook.yaml", None, r"(for stor|MB)")


@case("answers-huge", "selfeval-summary")
def _(root, outside):
    with open(root / "selfeval/2025-H1/AK.yaml", "a", encoding="utf-8") as handle:
        handle.write(("# " + "x" * 1000 + "\n") * 12_000)
    return Expect("AK.yaml", None, r"(for stor|MB)")


@case("codebook-crlf-duplicate-key", "documents")
def _(root, outside):
    path = root / "codebook/codebook.yaml"
    text = path.read_text(encoding="utf-8") + "title: igen\n"
    path.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    return Expect("codebook.yaml", text.count("\n"), r"'title'", also_line=_line_of_key(root, "codebook", "title"))


@case("answers-crlf-date", "selfeval-summary")
def _(root, outside):
    path = root / "selfeval/2025-H1/AK.yaml"
    text = path.read_text(encoding="utf-8").replace("saved: 2025-06-10 09:00:00", "saved: 2025-06-31 09:00:00")
    path.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    line = next(i for i, row in enumerate(text.split("\n"), 1) if row.startswith("saved:"))
    return Expect("AK.yaml", line, r"2025-06-31")


@case("codebook-duplicate-code-key", "documents")
def _(root, outside):
    path = root / "codebook/codebook.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("      - key: P2\n", "      - key: P1\n", 1)
    path.write_text(text, encoding="utf-8")
    return Expect("codebook.yaml", None, r"P1")


@case("form-duplicate-item-key", "selfeval-summary")
def _(root, outside):
    path = root / "selfeval/form.yaml"
    text = path.read_text(encoding="utf-8").replace("  - key: vejledende\n", "  - key: adherence\n", 1)
    path.write_text(text, encoding="utf-8")
    line = [i for i, row in enumerate(text.split("\n"), 1) if row == "  - key: adherence"][1]
    return Expect("form.yaml", line, r"adherence")


@case("surveymap-duplicate-item-key", "survey-summary")
def _(root, outside):
    path = root / "surveys/kort.yaml"
    text = path.read_text(encoding="utf-8").replace("  - key: kontakt\n", "  - key: hjaelp\n", 1)
    path.write_text(text, encoding="utf-8")
    return Expect("kort.yaml", None, r"hjaelp")


@case("surveymap-file-etc-passwd", "survey-summary")
def _(root, outside):
    path = root / "surveys/kort.yaml"
    text = path.read_text(encoding="utf-8").replace("file: kort.csv", "file: ../../etc/passwd")
    path.write_text(text, encoding="utf-8")
    return Expect("kort.yaml", _line_of_key(root, "surveymap", "file"), r"(uden for|surveys)")


@case("surveymap-file-absolute", "survey-summary")
def _(root, outside):
    path = root / "surveys/kort.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("file: kort.csv", "file: /etc/passwd"), encoding="utf-8")
    return Expect("kort.yaml", _line_of_key(root, "surveymap", "file"), r"(uden for|surveys)")


@case("surveymap-file-sibling-folder", "survey-summary")
def _(root, outside):
    path = root / "surveys/kort.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("file: kort.csv", "file: ../codebook/codebook.yaml"),
                    encoding="utf-8")
    return Expect("kort.yaml", _line_of_key(root, "surveymap", "file"), r"(uden for|surveys)")


# ---------------------------------------------------------------- import: front matter of the user's own file


def _source(outside: Path, name: str, data: bytes) -> Path:
    path = outside / name
    path.write_bytes(data)
    return path


@case("import-front-alias-bomb", "import")
def _(root, outside):
    text = SOURCE_FRONT.replace("consent: given\n", "consent: given\n" + BOMB) + TRANSCRIPT
    return Expect("ny.md", None, r"(alias|anker|henvisning)", argv=[str(_source(outside, "ny.md", text.encode()))])


@case("import-front-impossible-date", "import")
def _(root, outside):
    text = SOURCE_FRONT.replace("2025-05-14", "2025-02-30") + TRANSCRIPT
    return Expect("ny.md", 6, r"2025-02-30", argv=[str(_source(outside, "ny.md", text.encode()))])


@case("import-front-duplicate-key", "import")
def _(root, outside):
    text = SOURCE_FRONT.replace("consent: given\n", "consent: given\ngroup: familie\n") + TRANSCRIPT
    return Expect("ny.md", 8, r"'group'", also_line=4, argv=[str(_source(outside, "ny.md", text.encode()))])


@case("import-front-unknown-group-names-source", "import")
def _(root, outside):
    text = SOURCE_FRONT.replace("group: radgiver", "group: ukendt") + TRANSCRIPT
    return Expect("ny.md", 4, r"ukendt", argv=[str(_source(outside, "ny.md", text.encode()))])


# ---------------------------------------------------------------- encodings: never garbled


ENCODERS: dict[str, Callable[[str], bytes]] = {
    "cp850": lambda text: text.encode("cp850"),
    "macroman": lambda text: text.encode("mac_roman"),
    "utf16le-no-bom": lambda text: text.encode("utf-16-le"),
    "utf16be-no-bom": lambda text: text.encode("utf-16-be"),
    # ISO 8859-1 with C1 control bytes, which Windows-1252 leaves undefined
    "latin1-controls": lambda text: text.encode("latin-1") + "Mødet\x81 på Nørrebro\x8d.\n".encode("latin-1"),
    "mixed-utf8-cp1252": lambda text: text.encode("utf-8") + "Anden linje: Nørrebro.\n".encode("cp1252"),
    "utf32-bom": lambda text: codecs.BOM_UTF32_LE + text.encode("utf-32-le"),
}


def _encoding_cases() -> None:
    for label, encode in ENCODERS.items():
        @case(f"import-txt-{label}", "import")
        def imported(root, outside, encode=encode):
            body = encode(SOURCE_FRONT + DANISH)
            return Expect("kilde.txt", None, r"(UTF-8|tegnkodning)", argv=[str(_source(outside, "kilde.txt", body))])

    for label in ("cp850", "macroman", "utf16le-no-bom"):
        @case(f"memo-{label}", "check-anonymity")
        def memo(root, outside, encode=ENCODERS[label]):
            (root / "memos/koder/P1.md").write_bytes(encode(MEMO + DANISH))
            return Expect("P1.md", None, r"(UTF-8|tegnkodning)")


_encoding_cases()


@case("import-TXT-uppercase-cp850", "import")
def _(root, outside):
    body = (SOURCE_FRONT + DANISH).encode("cp850")
    return Expect("KILDE.TXT", None, r"(UTF-8|tegnkodning)", argv=[str(_source(outside, "KILDE.TXT", body))])


@case("import-txt-nul-bytes", "import")
def _(root, outside):
    body = SOURCE_FRONT.encode("utf-8") + b"I: Hej\x00\x00 med dig\nR: Hej.\n"
    return Expect("kilde.txt", 9, r"(NUL|binær|tegn)", argv=[str(_source(outside, "kilde.txt", body))])


@case("codings-csv-cp850", "codings", "import")
def _(root, outside):
    data = (CSV_HEADER + CSV_ROW.replace(";nej;", ";nej;Mødet på Nørrebro gik godt")).encode("cp850")
    return Expect("koder.csv", None, r"(UTF-8|tegnkodning)", argv=[str(_source(outside, "koder.csv", data))])


@case("survey-csv-macroman", "survey-summary")
def _(root, outside):
    path = root / "surveys/kort.csv"
    text = path.read_text(encoding="utf-8").replace("A01;", "Søren;", 1)
    path.write_bytes(text.encode("mac_roman"))
    return Expect("kort.csv", None, r"(UTF-8|tegnkodning)")


@case("transcript-cp1252-in-folder", "documents")
def _(root, outside):
    path = root / "interviews_anonymised/OBS-01.md"
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1252"))
    return Expect("OBS-01.md", None, r"UTF-8")


@case("transcript-MD-uppercase-bad-metadata", "documents")
def _(root, outside):
    path = root / "interviews_anonymised/INT-NY-01.MD"
    path.write_text(SOURCE_FRONT.replace("type: interview", "type: podcast") + TRANSCRIPT, encoding="utf-8")
    return Expect("INT-NY-01.MD", 3, r"type")


@case("transcript-duplicate-id-md-and-MD", "documents")
def _(root, outside):
    source = root / "interviews_anonymised/OBS-01.md"
    shutil.copy(source, root / "interviews_anonymised/OBS-01.MD")
    return Expect("OBS-01", None, r"(to gange|samme id|bruges også)")


# ---------------------------------------------------------------- CSV: long fields, digits, codes


@case("codings-csv-long-field-then-unknown-code", "codings", "import")
def _(root, outside):
    long_memo = "lang note " * 20_000  # 200,000 characters: over the csv module's default field limit
    data = CSV_HEADER + CSV_ROW.replace(";nej;", f";nej;{long_memo}") + CSV_ROW.replace(";P1;", ";P99;")
    return Expect("koder.csv", 3, r"P99", argv=[str(_source(outside, "koder.csv", data.encode()))])


@case("codings-csv-arabic-digits", "codings", "import")
def _(root, outside):
    data = CSV_HEADER + CSV_ROW.replace(";0;10;", ";٣;١٠;")
    return Expect("koder.csv", 2, r"(hele tal|heltal|cifre)", argv=[str(_source(outside, "koder.csv", data.encode()))])


@case("codings-csv-fullwidth-digits", "codings", "import")
def _(root, outside):
    data = CSV_HEADER + CSV_ROW.replace(";0;10;", ";0;１０;")
    return Expect("koder.csv", 2, r"(hele tal|heltal|cifre)", argv=[str(_source(outside, "koder.csv", data.encode()))])


@case("codings-csv-unknown-code", "codings", "import")
def _(root, outside):
    data = CSV_HEADER + CSV_ROW + CSV_ROW.replace(";P1;", ";X7;").replace(";0;10;", ";0;12;")
    return Expect("koder.csv", 3, r"X7", argv=[str(_source(outside, "koder.csv", data.encode()))])


@case("codings-csv-duplicate-row", "codings", "import")
def _(root, outside):
    data = CSV_HEADER + CSV_ROW + CSV_ROW
    return Expect("koder.csv", 3, r"linje 2", argv=[str(_source(outside, "koder.csv", data.encode()))])


@case("codings-csv-unknown-document", "codings", "import")
def _(root, outside):
    data = CSV_HEADER + CSV_ROW.replace("OBS-01", "OBS-99")
    return Expect("koder.csv", 2, r"OBS-99", argv=[str(_source(outside, "koder.csv", data.encode()))])


@case("codings-csv-nul-byte", "codings", "import")
def _(root, outside):
    data = CSV_HEADER + CSV_ROW.replace(";nej;", ";nej;før\x00efter")
    return Expect("koder.csv", 2, r"(NUL|binær|tegn)", argv=[str(_source(outside, "koder.csv", data.encode()))])


@case("survey-csv-long-field-then-unknown-label", "survey-summary")
def _(root, outside):
    path = root / "surveys/kort.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[1] = lines[1].replace("A01", "A" * 200_000, 1)
    lines[3] = lines[3].replace(";Nogle gange", ";Måske", 1) if ";Nogle gange" in lines[3] else lines[3] + "x"
    path.write_text("\n".join(lines), encoding="utf-8")
    return Expect("kort.csv", 4, r"")


@case("survey-csv-arabic-digits-percent", "survey-summary")
def _(root, outside):
    path = root / "surveys/forloeb.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(";32,4;", ";٣٢,٤;"), encoding="utf-8")
    return Expect("forloeb.csv", 2, r"(tal|cifre)")


@case("survey-csv-fullwidth-digits-n", "survey-summary")
def _(root, outside):
    path = root / "surveys/forloeb.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(";32,4;37;", ";32,4;３７;"), encoding="utf-8")
    return Expect("forloeb.csv", 2, r"(tal|cifre)")


# ---------------------------------------------------------------- archives: .docx, .xlsx, .qdpx


def _zip(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=compression)
    return buffer.getvalue()


def _docx_bytes(text: str = "I: Hej\nR: Hej med dig") -> bytes:
    import docx

    document = docx.Document()
    for paragraph in (SOURCE_FRONT + text).split("\n"):
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _rezip(data: bytes, extra: dict[str, bytes]) -> bytes:
    """The archive with members added (or replaced)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    members = {i.filename: source.read(i) for i in source.infolist() if i.filename not in extra}
    return _zip({**members, **extra})


BOMB_MEMBER = b"\0" * (30 * 1024 * 1024)  # 30 MB of zeros compress to about 30 KB


def _archive_cases(kind: str, name: str, command: list[str], make: Callable[[], bytes], inside: bool) -> None:
    def place(root: Path, outside: Path, data: bytes) -> Expect:
        if inside:  # a survey data file: replace the fixture's .xlsx
            (root / "surveys" / name).write_bytes(data)
            return Expect(name)
        return Expect(name, argv=[str(_source(outside, name, data))])

    def expect(root, outside, data, words):
        result = place(root, outside, data)
        result.words = words
        return result

    @case(f"{kind}-truncated", *command)
    def truncated(root, outside):
        data = make()
        return expect(root, outside, data[: len(data) // 2], r"(ødelagt|ufuldstændig|afkortet|gyldig)")

    @case(f"{kind}-not-a-zip", *command)
    def not_zip(root, outside):
        return expect(root, outside, b"Dette er bare tekst, ikke en zip-fil.\n" * 20, r"(gyldig|zip)")

    @case(f"{kind}-zip-bomb", *command)
    def bomb(root, outside):
        return expect(root, outside, _rezip(make(), {"bomb.bin": BOMB_MEMBER}), r"(pakkes ud|for stor|MB|komprimer)")

    @case(f"{kind}-too-many-members", *command)
    def many(root, outside):
        extra = {f"x/{i}.txt": b"" for i in range(12_000)}
        return expect(root, outside, _rezip(make(), extra), r"(filer|for mange)")

    @case(f"{kind}-path-traversal", *command)
    def traversal(root, outside):
        return expect(root, outside, _rezip(make(), {"../../x.txt": b"ud af mappen"}), r"(\.\./|filnavn|uden for)")

    @case(f"{kind}-empty-file", *command)
    def empty(root, outside):
        return expect(root, outside, b"", r"(tom|gyldig)")


def _xlsx_bytes() -> bytes:
    return (FIXTURES / "surveys/leder.xlsx").read_bytes()


_QDE = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Test" origin="Test" creatingUserGUID="{u}">
<Users><User guid="{u}" name="AB"/></Users>
<CodeBook><Codes><Code guid="{c}" name="P1" isCodable="true"/></Codes></CodeBook>
<Sources><TextSource guid="{s}" name="Kilde" plainTextPath="internal://{s}.txt">
<PlainTextSelection guid="{p}" startPosition="0" endPosition="5" creatingUser="{u}">
<Coding guid="{k}" creatingUser="{u}"><CodeRef targetGUID="{c}"/></Coding></PlainTextSelection>
</TextSource></Sources></Project>
"""
GUIDS = {"u": "11111111-1111-1111-1111-111111111111", "c": "22222222-2222-2222-2222-222222222222",
         "s": "33333333-3333-3333-3333-333333333333", "p": "44444444-4444-4444-4444-444444444444",
         "k": "55555555-5555-5555-5555-555555555555"}


def _qdpx_bytes(qde: str | None = None) -> bytes:
    return _zip({"project.qde": (qde or _QDE.format(**GUIDS)).encode("utf-8"),
                 f"sources/{GUIDS['s']}.txt": "I: Hej\nR: Det går godt på kontoret.\n".encode()})


_archive_cases("docx", "kilde.docx", ["import"], _docx_bytes, inside=False)
_archive_cases("DOCX-uppercase", "KILDE.DOCX", ["import"], _docx_bytes, inside=False)
_archive_cases("xlsx", "leder.xlsx", ["survey-summary"], _xlsx_bytes, inside=True)
_archive_cases("qdpx", "projekt.qdpx", ["import-qdpx"], _qdpx_bytes, inside=False)


@case("qdpx-source-bomb", "import-qdpx")
def _(root, outside):
    # the 2 MB .qdpx that unpacked into 568 MB of transcripts: many sources of repeated text
    text = ("Det går godt på kontoret. " * 40_000).encode("utf-8")  # 1 MB, compresses about 1000:1
    members = {f"sources/{i:03}.txt": text for i in range(600)}
    data = _rezip(_qdpx_bytes(), members)
    return Expect("projekt.qdpx", None, r"(pakkes ud|for stor|MB|komprimer)",
                  argv=[str(_source(outside, "projekt.qdpx", data))])


@case("qdpx-xxe-external-entity", "import-qdpx")
def _(root, outside):
    qde = _QDE.format(**GUIDS).replace(
        '<?xml version="1.0" encoding="utf-8"?>',
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE Project [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
    ).replace('name="Kilde"', 'name="&xxe;"')
    data = _qdpx_bytes(qde)
    return Expect("project.qde", 2, r"(DTD|DOCTYPE|entitet)", argv=[str(_source(outside, "projekt.qdpx", data))])


@case("qdpx-xml-billion-laughs", "import-qdpx")
def _(root, outside):
    entities = '<!ENTITY a0 "lol">' + "".join(f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10))
    qde = _QDE.format(**GUIDS).replace(
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE Project [{entities}]>',
    ).replace('name="Kilde"', 'name="&a9;"')
    data = _qdpx_bytes(qde)
    return Expect("project.qde", 2, r"(DTD|DOCTYPE|entitet)", argv=[str(_source(outside, "projekt.qdpx", data))])


@case("qdpx-source-cp850", "import-qdpx")
def _(root, outside):
    data = _rezip(_qdpx_bytes(), {f"sources/{GUIDS['s']}.txt": DANISH.encode("cp850")})
    return Expect("projekt.qdpx", None, r"(UTF-8|tegnkodning)", argv=[str(_source(outside, "projekt.qdpx", data))])


@case("qdpx-absolute-member", "import-qdpx")
def _(root, outside):
    data = _rezip(_qdpx_bytes(), {"/etc/cron.d/x": b"* * * * * root true"})
    return Expect("projekt.qdpx", None, r"(filnavn|uden for)", argv=[str(_source(outside, "projekt.qdpx", data))])


# ---------------------------------------------------------------- running a case


TIMEOUT = float(os.environ.get("HOSTILE_TIMEOUT", 60))


def run_cli(root: Path, command: list[str], timeout: float = TIMEOUT) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(SRC)}

    def limit_memory():  # a bomb that gets through must fail the test, not take the machine down
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (3 * 1024**3, 3 * 1024**3))

    return subprocess.run(
        [*WORKBENCH, "--project", str(root), *command], check=False, capture_output=True, text=True, env=env,
        timeout=timeout, preexec_fn=limit_memory,
    )


@pytest.mark.parametrize("hostile", CASES, ids=[c.id for c in CASES])
def test_hostile_input_is_refused_in_danish_and_changes_nothing(hostile: Case, tmp_path: Path) -> None:
    root = make_project(tmp_path / "projekt")
    outside = tmp_path / "udefra"
    outside.mkdir()
    expect = hostile.setup(root, outside)
    before = tree_hash(root)
    try:
        result = run_cli(root, hostile.command + expect.argv)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{hostile.id}: the command hung for a minute")
    message = result.stderr.strip()
    said = f"stdout: {result.stdout[-2000:]}\nstderr: {message[-3000:]}"
    assert result.returncode == 2, f"exit {result.returncode}\n{said}"
    assert "Traceback" not in message, message[-3000:]
    assert message.startswith("Fejl i "), message[:500]
    where = message.split(":", 1)[0]
    assert expect.file in where, f"the message names {where!r}, not the user's file {expect.file}"
    if expect.line is not None:
        assert f"linje {expect.line}" in message.split(": ", 1)[0] or f"linje {expect.line}" in message, message[:500]
    if expect.also_line is not None:
        assert re.search(rf"\b{expect.also_line}\b", message.split(": ", 1)[1]), message[:500]
    assert re.search(expect.words, message, re.IGNORECASE | re.DOTALL), message[:500]
    assert len(message) < 2000, "one clear sentence, not a dump of the file"
    assert tree_hash(root) == before, "the project changed"


# ---------------------------------------------------------------- what must keep working


def test_memo_in_windows_1252_is_read(tmp_path: Path) -> None:
    root = make_project(tmp_path / "projekt")
    (root / "memos/koder/P1.md").write_bytes(MEMO.encode("cp1252"))
    result = run_cli(root, ["check-anonymity"])
    assert result.returncode == 0, result.stderr
    assert "Ingen mulige personoplysninger" in result.stdout


def test_transcript_with_uppercase_suffix_is_a_document(tmp_path: Path) -> None:
    root = make_project(tmp_path / "projekt")
    (root / "interviews_anonymised/INT-NY-01.MD").write_text(SOURCE_FRONT + TRANSCRIPT, encoding="utf-8")
    result = run_cli(root, ["documents"])
    assert result.returncode == 0, result.stderr
    assert "INT-NY-01" in result.stdout


def test_csv_field_longer_than_the_csv_module_limit_imports(tmp_path: Path) -> None:
    root = make_project(tmp_path / "projekt")
    long_memo = "lang note " * 20_000
    source = _source(tmp_path, "koder.csv", (CSV_HEADER + CSV_ROW.replace(";nej;", f";nej;{long_memo}")).encode())
    result = run_cli(root, ["codings", "import", str(source)])
    assert result.returncode == 0, result.stderr
    assert "1 kodninger er importeret" in result.stdout


def test_a_few_anchors_and_aliases_still_work(tmp_path: Path) -> None:
    root = make_project(tmp_path / "projekt")
    path = root / "surveys/kort.yaml"
    text = path.read_text(encoding="utf-8").replace("labels: [Ja, Nej, Ved ikke]", "labels: &jn [Ja, Nej, Ved ikke]")
    path.write_text(text, encoding="utf-8")
    result = run_cli(root, ["survey-summary"])
    assert result.returncode == 0, result.stderr


def test_imported_cp1252_and_utf16_with_bom_are_named(tmp_path: Path) -> None:
    root = make_project(tmp_path / "projekt")
    first = _source(tmp_path, "a.txt", (SOURCE_FRONT.replace("INT-NY-01", "INT-NY-02") + DANISH).encode("cp1252"))
    wide = (SOURCE_FRONT.replace("INT-NY-01", "INT-NY-03") + DANISH).encode("utf-16-le")
    second = _source(tmp_path, "b.txt", codecs.BOM_UTF16_LE + wide)
    result = run_cli(root, ["import", str(first), str(second)])
    assert result.returncode == 0, result.stderr
    assert "Windows-1252" in result.stdout and "UTF-16" in result.stdout
    assert "Nørrebro" in (root / "interviews_anonymised/INT-NY-02.md").read_text(encoding="utf-8")
