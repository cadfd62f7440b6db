"""The user's mapping for sources another tool made: source name → id, type, group, role, unit, date,
consent (`import-qdpx --metadata FILE`, YAML or CSV). Nothing is defaulted here: a field that is
neither in the mapping nor in the source's variables is reported as missing by the import."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.io.tables import read_csv
from workbench.io.yaml import YamlDocument, load_yaml_file
from workbench.material.codebook import Codebook
from workbench.material.corpus import DOC_ID

FIELDS = ("id", "type", "group", "role", "unit", "date", "consent")
REQUIRED = ("type", "group", "role", "date")  # what a new transcript cannot do without
TYPES = ("interview", "observation", "focus_group")
CONSENTS = ("given", "withdrawn")
_SOURCE_COLUMNS = ("source", "kilde", "name", "navn")


@dataclass(frozen=True)
class SourceMetadata:
    """The fields the user gave for one source (as text), and where, for messages."""

    values: dict[str, str]
    path: Path
    line: int | None


def _checked(source: str, values: dict[str, str], codebook: Codebook, path: Path,
             line_of: Callable[[str | None], int | None]) -> SourceMetadata:
    unknown = [name for name in values if name not in FIELDS]
    if unknown:
        raise WorkbenchError(
            f"Feltet '{unknown[0]}' for kilden '{source}' kendes ikke; brug {', '.join(FIELDS)}.", path,
            line_of(unknown[0]),
        )
    values = {name: value.strip() for name, value in values.items() if value and value.strip()}

    def refuse(name: str, expected: str) -> WorkbenchError:
        return WorkbenchError(
            f"'{name}' for kilden '{source}' er '{values[name]}', men skal være {expected}.", path, line_of(name)
        )

    if "type" in values and values["type"] not in TYPES:
        raise refuse("type", "en af " + ", ".join(TYPES))
    if "group" in values and values["group"] not in codebook.respondent_group_keys:
        raise refuse("group", "en af kodebogens respondentgrupper: " + ", ".join(codebook.respondent_group_keys))
    if "consent" in values and values["consent"] not in CONSENTS:
        raise refuse("consent", "given eller withdrawn")
    if "id" in values:
        if not re.fullmatch(DOC_ID, values["id"]):
            raise refuse("id", "et dokument-id med bogstaver, tal og bindestreger, fx INT-FAM-07")
    if "date" in values:
        try:
            dt.date.fromisoformat(values["date"])
        except ValueError:
            raise refuse("date", "en dato som ÅÅÅÅ-MM-DD") from None
    return SourceMetadata(values, path, line_of(None))


def _yaml_lines(document: YamlDocument, source: object) -> Callable[[str | None], int | None]:
    """The line of a source's field (or of the source) in the YAML file."""
    return lambda name: document.line_of((source, name) if name else (source,))


def _row_line(line: int) -> Callable[[str | None], int | None]:
    """Every field of a CSV row is on the row's line."""
    return lambda _: line


def load_source_metadata(path: str | Path, codebook: Codebook) -> dict[str, SourceMetadata]:
    """The mapping by source name (as the other tool names it), every value checked."""
    path = Path(path)
    if path.suffix.lower() in (".yaml", ".yml"):
        document = load_yaml_file(path)
        if not isinstance(document.data, dict):
            raise WorkbenchError(
                "Filen skal have én post pr. kilde: kildens navn, kolon, og felterne under (id, type, group, "
                "role, unit, date, consent).", path, 1,
            )
        found = {}
        for source, values in document.data.items():
            if not isinstance(values, dict):
                raise WorkbenchError(f"Kilden '{source}' skal have felter (type, group, role, ...).", path,
                                     document.line_of((source,)))
            texts = {str(k): "" if v is None else v.isoformat() if isinstance(v, dt.date) else str(v)
                     for k, v in values.items()}
            found[str(source).strip()] = _checked(str(source), texts, codebook, path, _yaml_lines(document, source))
        return found
    table = read_csv(path, "Gem filen som CSV i UTF-8.")
    header = [cell.casefold() for cell in table.header]
    column = next((header.index(c) for c in _SOURCE_COLUMNS if c in header), None)
    if column is None:
        raise WorkbenchError(
            "Første linje skal have en kolonne 'source' med kildens navn og kolonner for id, type, group, role, "
            "unit, date og consent.", path, 1,
        )
    found = {}
    for line, cells in table.rows:
        cells = cells + [""] * (len(header) - len(cells))
        values = {name: cells[i] for i, name in enumerate(header) if i != column}
        found[cells[column].strip()] = _checked(cells[column], values, codebook, path, _row_line(line))
    return found
