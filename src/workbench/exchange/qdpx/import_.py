"""Reading a .qdpx from another tool (or this one) into the project: sources, codings and coders
(see the package docstring for the mapping); everything is read and checked before anything is written."""

from __future__ import annotations

import bisect
import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from workbench.anonymity.full_name import looks_like_full_name
from workbench.coding.store import CODER_NAME, NewCoding, check_coder
from workbench.errors import WorkbenchError
from workbench.exchange.qdpx.archive import Archive, decode_text, parse_xml
from workbench.exchange.qdpx.schema import (
    PROJECT_NS,
    SOURCES_DIR,
    VARIABLES,
    normal_guid,
    parse_description,
    qname,
)
from workbench.io.files import atomic_write_files
from workbench.lang.numbers import count_noun
from workbench.material.codebook import Codebook
from workbench.material.corpus import (
    DOC_ID,
    Corpus,
    Document,
    Metadata,
    document_text,
    parse_document,
)
from workbench.privacy.fingerprints import refuse_withdrawn_copies
from workbench.privacy.guard import TextSource, scan_texts
from workbench.project import Project

_TEXT_SUFFIX = re.compile(r"\.(docx?|txt|rtf|odt|pdf|md)$", re.IGNORECASE)
_TRANSLITERATE = str.maketrans({"Æ": "AE", "Ø": "OE", "Å": "AA", "æ": "ae", "ø": "oe", "å": "aa"})


@dataclass
class ImportReport:
    """What an import did, for the user: counts, and in Danish what was left out and why."""

    path: Path
    origin: str = ""
    documents_created: list[str] = field(default_factory=list)
    documents_matched: list[str] = field(default_factory=list)
    coders: list[str] = field(default_factory=list)
    imported: int = 0
    already_present: int = 0  # the same coding (document, span, coder, code) was in the project already
    unknown_codes: dict[str, int] = field(default_factory=dict)  # code name in the file → codings left out
    skipped: list[str] = field(default_factory=list)  # sources or codings not imported, and why
    warnings: list[str] = field(default_factory=list)  # what the user should check or fill in

    @property
    def left_out(self) -> int:
        return sum(self.unknown_codes.values())


@dataclass
class _ForeignCode:
    name: str
    path: str  # "Andet / Ventetid": where it sits in the file's code tree
    key: str | None  # the code in our codebook, if it maps


@dataclass
class _Selection:
    line: int
    memo_line: int  # where its Description starts, for anonymity findings
    start: int
    end: int
    name: str
    user: str | None
    memo: str
    valence: str
    quote: bool
    codes: list[tuple[str | None, str | None]]  # (code GUID, creating user GUID)


@dataclass
class _Source:
    name: str
    line: int
    member: str  # where its text is, for messages
    raw: str  # the text as stored, line breaks untouched
    selections: list[_Selection]
    variables: dict[str, str]  # variable name → value
    created: str | None

    @cached_property
    def text(self) -> str:
        return self.raw.replace("\r\n", "\n").replace("\r", "\n")


@dataclass
class _Planned:
    document: Document
    start: int
    end: int
    code: str
    coder: str
    valence: str
    memo: str
    quote: bool

    @property
    def key(self) -> tuple:
        return (self.document.id, self.start, self.end, self.coder, self.code)



def match_code(name: str, codebook: Codebook) -> str | None:
    """Our code key for a code name from another tool: "P1", "p1 familien", "P1: Familien" or "Familien"."""
    cleaned = " ".join(name.replace("–", "-").split())
    keys = {c.key.casefold(): c.key for c in codebook.codes}
    if cleaned.casefold() in keys:
        return keys[cleaned.casefold()]
    first, _, rest = cleaned.partition(" ")
    key = keys.get(first.rstrip(".:-").casefold())
    if key is not None and rest.strip(" -:.").casefold() == codebook.code(key).name.casefold():
        return key
    by_name = [c.key for c in codebook.codes if c.name.casefold() == cleaned.casefold()]
    return by_name[0] if len(by_name) == 1 else None


def _foreign_codes(
    root: ET.Element, codebook: Codebook, code_map: dict[str, str], where: Path
) -> dict[str | None, _ForeignCode]:
    """The file's codes by GUID, each mapped onto a code key when the user's map or its name allows."""
    found: dict[str | None, _ForeignCode] = {}
    wanted = {name.strip().casefold(): key for name, key in code_map.items()}

    def walk(parent: ET.Element, path: str) -> None:
        for element in parent.findall(qname("Code")):
            name = (element.get("name") or "").strip()
            full = f"{path} / {name}" if path else name
            chosen = wanted.get(name.casefold(), wanted.get(full.casefold()))
            found[normal_guid(element.get("guid"))] = _ForeignCode(name, full, chosen or match_code(name, codebook))
            walk(element, full)

    tree = root.find(f"{qname('CodeBook')}/{qname('Codes')}")
    if tree is not None:
        walk(tree, "")
    names = {n for c in found.values() for n in (c.name.casefold(), c.path.casefold())}
    missing = [name for name in code_map if name.strip().casefold() not in names]
    if missing:
        raise WorkbenchError(
            f"Koden '{missing[0]}', som skulle oversættes, findes ikke i QDPX-filens kodebog. "
            "Skriv navnet som i det andet program; intet er importeret.",
            where,
        )
    return found


def _int(element: ET.Element, attribute: str, where: Path, line: int) -> int:
    value = element.get(attribute)
    try:
        return int(value)  # type: ignore[arg-type]  # a missing attribute is the TypeError below
    except (TypeError, ValueError):
        raise WorkbenchError(
            f"{attribute} i markeringen skal være et heltal (fundet: {value!r}); intet er importeret.", where, line
        ) from None


def _sources(root: ET.Element, lines: dict, archive: Archive, variables: dict[str | None, str], where: Path,
             report: ImportReport) -> list[_Source]:
    sources: list[_Source] = []
    container = root.find(qname("Sources"))
    for element in [] if container is None else list(container):
        kind = element.tag.rpartition("}")[2]
        name = (element.get("name") or element.get("guid") or "").strip()
        if kind != "TextSource":
            report.skipped.append(f"kilden '{name}' ({kind}): kun tekstkilder kan importeres.")
            continue
        content = element.find(qname("PlainTextContent"))
        path = element.get("plainTextPath") or ""
        if content is not None:
            raw, member = content.text or "", f"{where.name} (PlainTextContent)"
        elif path.lower().startswith("internal://"):
            member = f"{SOURCES_DIR}/{path[len('internal://'):]}"
            data = archive.read(member)
            if data is None:
                raise WorkbenchError(
                    f"Kilden '{name}' henviser til {member}, som ikke findes i QDPX-filen. Eksportér projektet igen "
                    "med kilderne; intet er importeret.",
                    where,
                    lines[element],
                )
            raw = decode_text(data, archive.path / member)
        else:
            report.skipped.append(f"kilden '{name}': teksten ligger uden for QDPX-filen ({path or 'ingen sti'}).")
            continue
        if not raw.strip():  # NVivo leaves the plain text empty when the text is only in the Word file
            rich = " (kun som Word-dokument)" if element.get("richTextPath") else ""
            report.skipped.append(f"kilden '{name}': ingen tekst i QDPX-filen{rich}.")
            continue
        selections = []
        for item in element.findall(qname("PlainTextSelection")):
            line = lines[item]
            description = item.find(qname("Description"))
            memo, valence, quote = parse_description(description.text if description is not None else None)
            codes = [
                (normal_guid(c.find(qname("CodeRef")).get("targetGUID")), normal_guid(c.get("creatingUser")))  # type: ignore[union-attr]
                for c in item.findall(qname("Coding")) if c.find(qname("CodeRef")) is not None
            ]
            selections.append(_Selection(
                line, lines.get(description, line),
                _int(item, "startPosition", where, line), _int(item, "endPosition", where, line),
                item.get("name") or "", normal_guid(item.get("creatingUser") or item.get("modifyingUser")),
                memo, valence, quote, codes,
            ))
        whole = len(element.findall(qname("Coding")))
        if whole:
            report.skipped.append(
                f"{count_noun(whole, 'kodning', 'kodninger')} af hele kilden '{name}': "
                "kun markeret tekst kan importeres."
            )
        values = {}
        for value in element.findall(qname("VariableValue")):
            ref = value.find(qname("VariableRef"))
            variable = variables.get(normal_guid(ref.get("targetGUID"))) if ref is not None else None
            texts = [child.text for child in value if child is not ref and child.text and child.text.strip()]
            if variable and texts:
                values[variable] = texts[0].strip()
        sources.append(_Source(name, lines[element], member, raw, selections, values, element.get("creationDateTime")))
    return sources


def _field_of(variable_name: str) -> str | None:
    wanted = variable_name.strip().casefold()
    for key, (name, _, _, aliases) in VARIABLES.items():
        if wanted == name.casefold() or wanted in aliases:
            return key
    return None


def _same_text(name: str, text: str) -> bool:
    """Does a selection's name (other tools put the start of the selected text there) fit the text?"""
    name = " ".join(name.strip().rstrip(".…").split())
    return len(name) >= 4 and " ".join(text.split()).startswith(name)


def _positions(source: _Source, origin: str) -> tuple[Callable[[int], int], int, bool]:
    """(file position → position in the text with LF line breaks, the file's text length, had CRLF).

    With Windows line breaks, NVivo and MAXQDA count CRLF as two characters and ATLAS.ti as one.
    The selections' names decide when they contain the selected text; otherwise the tool does.
    """
    text = source.text
    breaks = [m.start() for m in re.finditer("\r\n", source.raw)]
    if not breaks:
        return (lambda p: p), len(text), False

    def convert(position: int) -> int:
        return position - bisect.bisect_left(breaks, position)

    def fits(two: bool) -> bool:
        limit = len(source.raw) if two else len(text)
        return all(0 <= s.start < s.end <= limit for s in source.selections)

    def score(two: bool) -> int:
        move = convert if two else (lambda p: p)
        return sum(_same_text(s.name, text[move(s.start):move(s.end)]) for s in source.selections)

    default = "atlas" not in origin.casefold()
    options = [two for two in (True, False) if fits(two)] or [default]
    two = max(options, key=lambda option: (score(option), option == default))
    return (convert if two else (lambda p: p)), (len(source.raw) if two else len(text)), True


def _coder(name: str | None, coder_map: dict[str, str]) -> str:
    """A coder name for a user of another tool: as mapped, else the name made file-safe."""
    name = (name or "").strip()
    if name in coder_map:
        return check_coder(coder_map[name])
    safe = re.sub(r"[^A-Za-zÆØÅæøå0-9_.-]", "", re.sub(r"\s+", "_", name)).lstrip("_.-")[:40]
    return check_coder(safe if CODER_NAME.match(safe) else "importeret")


def _document_id(name: str) -> str:
    stem = _TEXT_SUFFIX.sub("", name.strip()).translate(_TRANSLITERATE)
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-_")[:64].rstrip("-_")
    return stem if re.fullmatch(DOC_ID, stem) else "QDPX-kilde"


def _given(source: _Source) -> dict[str, str]:
    """The source's variables that are front matter fields, by field."""
    return {f: v for name, v in source.variables.items() if (f := _field_of(name))}


def _metadata(source: _Source, doc_id: str, codebook: Codebook) -> tuple[Metadata, list[str]]:
    """Metadata from the source's variables; what is missing or invalid gets a default and is listed."""
    given = _given(source)
    defaulted: list[str] = []
    kind = given.get("type", "").casefold().replace("fokusgruppe", "focus_group")
    if kind not in ("interview", "observation", "focus_group"):
        kind = "interview"
        defaulted.append("type")
    wanted = given.get("group", "").casefold()
    group = next((g.key for g in codebook.respondent_groups if wanted in (g.key, g.name.casefold())), None)
    if group is None:
        group = codebook.respondent_groups[0].key
        defaulted.append("group")
    role = given.get("role") or "ukendt"
    if "role" not in given:
        defaulted.append("role")
    try:
        date = dt.date.fromisoformat(given.get("date", "")[:10])
    except ValueError:
        created = (source.created or "")[:10]
        date = dt.date.fromisoformat(created) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", created) else dt.date.today()
        defaulted.append("date")
    meta = Metadata(
        id=doc_id,
        type=kind,  # type: ignore[arg-type]  # one of the three checked above
        group=group,
        role=role,
        unit=given.get("unit") or None,
        date=date,
        consent="given",  # a new source; one repeating withdrawn material is refused (_refuse_withdrawn)
    )
    return meta, defaulted


@dataclass
class _Plan:
    """Everything an import will write, worked out before anything is written."""

    documents: list[tuple[Path, str]] = field(default_factory=list)  # new transcript files and their text
    codings: list[_Planned] = field(default_factory=list)
    checked: list[TextSource] = field(default_factory=list)  # texts for the anonymity guard
    taken: set[str] = field(default_factory=set)  # ids of the new documents
    selfeval: list[tuple[str, int]] = field(default_factory=list)  # self-evaluation texts not in the project
    uncoded: int = 0  # selections without a code: comments in MAXQDA and NVivo
    new_texts: list[tuple[Path, int, str]] = field(default_factory=list)  # new sources: file, line, text
    full_names: set[str] = field(default_factory=set)  # users named like people, not mapped by --coder


def _document_for(source: _Source, project: Project, corpus: Corpus, plan: _Plan, report: ImportReport,
                  where: Path) -> Document | None:
    """The project's document with the source's text, or a new one planned from the source; None: skip it."""
    text = source.text
    codings = sum(len(s.codes) for s in source.selections)
    document = next((d for d in corpus.documents if d.body.rstrip() == text.rstrip()), None)
    if document is not None:
        report.documents_matched.append(document.id)
        if not document.included:
            report.skipped.append(
                f"kilden '{source.name}' er dokumentet {document.id}, hvis samtykke er trukket tilbage "
                f"({count_noun(codings, 'kodning', 'kodninger')})."
            )
            return None
        return document
    if _given(source).get("type") == "selfeval":
        plan.selfeval.append((source.name, codings))
        return None
    doc_id = _document_id(source.name)
    if corpus.get(doc_id) is not None:
        raise WorkbenchError(
            f"Kilden '{source.name}' har samme id som dokumentet {doc_id} i projektet, men teksten er en anden. "
            "Omdøb kilden i det andet program (eller ret dokumentet), og importér igen; intet er importeret.",
            where,
            source.line,
        )
    base, number = doc_id, 2
    while doc_id in plan.taken or corpus.get(doc_id) is not None:  # NVivo allows one name in two folders
        doc_id, number = f"{base[:60]}-{number}", number + 1
    meta, defaulted = _metadata(source, doc_id, project.codebook)
    target = project.documents_dir / f"{doc_id}.md"
    content = document_text(meta, text)
    document = parse_document(content, target, project.codebook, expected_id=doc_id)
    plan.documents.append((target, content))
    plan.new_texts.append((where, source.line, text))
    plan.taken.add(doc_id)
    report.documents_created.append(doc_id)
    shown = f"{where.parent.name}:{source.member}"
    plan.checked.append(TextSource(shown, text))
    plan.checked += [TextSource(f"{shown} ({f})", str(getattr(meta, f)))
                     for f in ("role", "unit") if getattr(meta, f) and f not in defaulted]
    if defaulted:
        values = ", ".join(f"{f}: {getattr(meta, f)}" for f in defaulted)
        report.warnings.append(
            f"Metadata for {doc_id} fandtes ikke (eller var ugyldige) i QDPX-filen og er sat til standardværdier "
            f"({values}). Ret dem i {project.relative(target)}."
        )
    return document


def import_qdpx(
    project: Project,
    path: str | Path,
    coder_map: dict[str, str] | None = None,
    code_map: dict[str, str] | None = None,
) -> ImportReport:
    """Import a QDPX from another tool (or this one): sources, codings and their coders.

    `coder_map` gives coder names for the file's user names ("Anne Holm" → "AH"); `code_map` maps
    code names the codebook does not know onto code keys ("Ventetid" → "P3"). Codings whose code
    still does not map are left out and counted in `ImportReport.unknown_codes`. Notes (memos)
    are not imported: the project's memos are its own files.
    """
    path = Path(path)
    coder_map = dict(coder_map or {})
    codebook = project.codebook
    for name, key in (code_map or {}).items():
        if not codebook.has_code(key):
            raise WorkbenchError(
                f"Koden '{name}' skulle importeres som '{key}', men den kode findes ikke i kodebogen. Brug en nøgle "
                "fra kodebogen, fx P3; intet er importeret.",
                project.codebook_path,
            )
    report = ImportReport(path)
    with Archive(path) as archive:
        member, data = archive.project_qde()
        where = path / member
        root, lines = parse_xml(data, where)
        if root.tag != qname("Project"):
            raise WorkbenchError(
                f"Filen er ikke et REFI-QDA-projekt: roden skal være <Project> i navnerummet {PROJECT_NS}. "
                "Intet er importeret.",
                where,
                lines.get(root),
            )
        report.origin = root.get("origin") or ""
        users = {normal_guid(u.get("guid")): u.get("name") or u.get("id") or "" for u in root.iter(qname("User"))}
        default_user = normal_guid(root.get("creatingUserGUID"))
        codes = _foreign_codes(root, codebook, dict(code_map or {}), where)
        variables = {normal_guid(v.get("guid")): v.get("name") or "" for v in root.iter(qname("Variable"))}
        sources = _sources(root, lines, archive, variables, where, report)

    corpus = project.codable_corpus
    plan = _Plan()
    unknown: Counter = Counter()
    for source in sources:
        move, limit, crlf = _positions(source, report.origin)
        for selection in source.selections:
            if not 0 <= selection.start < selection.end <= limit:
                raise WorkbenchError(
                    f"Markeringen {selection.start}-{selection.end} ligger uden for teksten i kilden '{source.name}' "
                    f"({limit} tegn). Filen passer ikke til sine kilder; intet er importeret.",
                    where,
                    selection.line,
                )
        if crlf:
            report.warnings.append(f"Kilden '{source.name}' har Windows-linjeskift (CRLF); positionerne er omregnet.")
        document = _document_for(source, project, corpus, plan, report, where)
        if document is None:
            continue
        for selection in source.selections:
            start, end = move(selection.start), move(selection.end)
            if end > len(document.body):
                raise WorkbenchError(
                    f"Markeringen {selection.start}-{selection.end} ligger uden for dokumentet {document.id} "
                    f"({len(document.body)} tegn); intet er importeret.",
                    where,
                    selection.line,
                )
            if selection.memo:
                plan.checked.append(TextSource(str(where), selection.memo, selection.memo_line))
            if not selection.codes:
                plan.uncoded += 1
            for code_guid, user in selection.codes:
                code = codes.get(code_guid)
                if code is None or code.key is None:
                    unknown[code.path if code else f"(ukendt kode {code_guid})"] += 1
                    continue
                name = users.get(user) or users.get(selection.user) or users.get(default_user) or ""
                if name.strip() not in coder_map and looks_like_full_name(name):
                    plan.full_names.add(name.strip())  # refused below, all such users named at once
                    continue
                coder = _coder(name, coder_map)
                plan.codings.append(_Planned(document, start, end, code.key, coder, selection.valence,
                                             selection.memo, selection.quote))
    refuse_withdrawn_copies(project, plan.new_texts)  # withdrawn material renamed and edited stays out
    findings = scan_texts(plan.checked, codebook.anonymity.allowed_terms, codebook.anonymity.local_places)
    if findings:
        raise WorkbenchError(
            "QDPX-filen er ikke importeret, fordi teksterne indeholder mulige personoplysninger. Anonymisér dem "
            "(i det andet program eller med `workbench pseudonymise`) og prøv igen:\n"
            + "\n".join(str(f) for f in findings),
            path,
        )
    if plan.full_names:  # a user's full name would become a coder name and reach every export
        names = sorted(plan.full_names)
        raise WorkbenchError(
            f"QDPX-filen er ikke importeret: {', '.join(repr(n) for n in names)} ligner "
            f"{'et fuldt navn' if len(names) == 1 else 'fulde navne'} og må ikke blive kodernavne. Angiv initialer "
            "eller et pseudonym for hver, fx " + " ".join(f'--coder "{n}=INITIALER"' for n in names) + ".",
            path,
        )
    if plan.selfeval:
        report.skipped.append(
            f"{count_noun(len(plan.selfeval), 'selvevalueringstekst', 'selvevalueringstekster')} "
            f"({', '.join(name for name, _ in plan.selfeval)}), som ikke findes i projektets selfeval/ "
            f"({count_noun(sum(n for _, n in plan.selfeval), 'kodning', 'kodninger')})."
        )
    if plan.uncoded:
        report.skipped.append(
            f"{count_noun(plan.uncoded, 'markering', 'markeringer')} uden kode (kommentarer i det andet program)."
        )
    notes = root.find(qname("Notes"))
    if notes is not None and len(notes):
        report.skipped.append(
            f"{count_noun(len(notes), 'note (memo)', 'noter (memoer)')} i QDPX-filen; "
            "projektets memoer er filerne i memos/."
        )
    report.unknown_codes = dict(unknown.most_common())
    report.warnings = list(dict.fromkeys(report.warnings))
    report.coders = sorted({c.coder for c in plan.codings})
    _write(project, plan, report)
    return report


def _write(project: Project, plan: _Plan, report: ImportReport) -> None:
    """The new transcripts first (all or none), then each coder's codings as one batch (all or none).

    A coding the project already has (same coder, code and span) is counted, not added twice; a run
    killed between the two steps is completed by running it again: the transcripts are then found by
    their text, and the codings go in.
    """
    atomic_write_files({target: content.encode("utf-8") for target, content in plan.documents})
    store = project.coding_store()
    by_coder: dict[str, list[NewCoding]] = {}
    planned: set[tuple] = set()
    for item in plan.codings:
        if item.key in planned or store.find(item.coder, item.document.id, item.code, item.start, item.end):
            report.already_present += 1
            continue
        planned.add(item.key)
        by_coder.setdefault(item.coder, []).append(
            NewCoding(item.document, item.start, item.end, item.code, item.valence, item.memo, item.quote)
        )
    for coder, items in by_coder.items():
        batch = store.add_batch(coder, items)
        report.imported += len(batch.added)
        report.already_present += len(batch.present)
