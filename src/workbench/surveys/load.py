"""Reading surveys: each item map with its CSV or XLSX data file, every row checked against the map.

Each problem becomes one Danish sentence naming the file, the line and the column.
"""

from __future__ import annotations

import csv
import io
import math
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from workbench.errors import WorkbenchError
from workbench.io.text import decode
from workbench.io.yaml import load_yaml_file, validate
from workbench.material.codebook import Codebook
from workbench.surveys.model import (
    AggregatedRow,
    AnswerSheet,
    Survey,
    SurveyItem,
    SurveyMap,
    normalise,
)

AGGREGATED_COLUMNS = ("item", "percent", "n")  # plus the map's time column and an optional n_excluded
SEPARATORS = {";": "semikolon", ",": "komma", "\t": "tabulator"}


@dataclass
class _Table:
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (line in the file, cells as stripped text; "" for blank)
    encoding: str
    separator: str | None


def _decode(raw: bytes, path: Path) -> tuple[str, str]:
    if not raw.strip():
        raise WorkbenchError("Filen er tom. Eksportér spørgeskemaet igen.", path)
    return decode(raw, path, "Eksportér spørgeskemaet igen, og gem det i Excel som \"CSV UTF-8 (kommasepareret)\".")


def _records(text: str, separator: str) -> list[tuple[int, list[str]]]:
    """CSV records with the file line on which each starts (a quoted answer may span lines)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    records = []
    line = 1
    for record in reader:
        records.append((line, [cell.strip() for cell in record]))
        line = reader.line_num + 1
    return records


def _choose_separator(text: str, path: Path) -> str:
    head = "\n".join(text.splitlines()[:30])

    def fit(separator: str) -> tuple[int, int]:
        # a separator that splits the header into more columns, and the rows into as many, wins
        records = [cells for _, cells in _records(head, separator) if any(cells)]
        width = len(records[0]) if records else 0
        return (sum(1 for cells in records if len(cells) == width), width) if width > 1 else (0, width)

    best = max(SEPARATORS, key=fit)
    if fit(best)[1] <= 1:
        raise WorkbenchError(
            "Filen kan ikke deles i kolonner: overskriftslinjen indeholder hverken semikolon, komma eller "
            "tabulator som skilletegn. Gem filen som CSV med semikolon (;) mellem kolonnerne.",
            path,
            1,
        )
    return best


def _read_csv(path: Path) -> _Table:
    text, encoding = _decode(path.read_bytes(), path)
    separator = _choose_separator(text, path)
    records = [(line, cells) for line, cells in _records(text, separator) if any(cells)]
    header = records[0][1]
    for line, cells in records[1:]:
        if len(cells) != len(header):
            raise WorkbenchError(
                f"Linjen har {len(cells)} felter, men overskriftslinjen har {len(header)} "
                f"({SEPARATORS[separator]} som skilletegn). Tjek skilletegn og anførselstegn i linjen.",
                path,
                line,
            )
    return _Table(header, records[1:], encoding, separator)


def _cell_text(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a number saved as 5.0 is the answer code 5
    return str(value).strip()


def _read_xlsx(path: Path, sheet: str | None) -> _Table:
    try:
        frame = pd.read_excel(path, sheet_name=sheet if sheet is not None else 0, header=None, dtype=object)
    except (zipfile.BadZipFile, OSError) as exc:
        raise WorkbenchError("Filen er ikke en gyldig Excel-fil (.xlsx). Gem den igen fra Excel.", path) from exc
    except ValueError as exc:
        if sheet is not None:
            raise WorkbenchError(f"Regnearket '{sheet}', som itemkortet nævner, findes ikke i filen.", path) from exc
        raise WorkbenchError("Filen er ikke en gyldig Excel-fil (.xlsx). Gem den igen fra Excel.", path) from exc
    records = [
        (index + 1, [_cell_text(v) for v in row])  # Excel's own row numbers
        for index, row in enumerate(frame.itertuples(index=False, name=None))
    ]
    records = [(line, cells) for line, cells in records if any(cells)]
    if not records:
        raise WorkbenchError("Regnearket er tomt. Eksportér spørgeskemaet igen.", path)
    return _Table(records[0][1], records[1:], "Excel (.xlsx)", None)


def _read_table(path: Path, sheet: str | None) -> _Table:
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        table = _read_csv(path)
    elif suffix in (".xlsx", ".xlsm"):
        table = _read_xlsx(path, sheet)
    else:
        raise WorkbenchError("Spørgeskemadata skal være en .csv- eller .xlsx-fil.", path)
    if not table.rows:
        raise WorkbenchError("Filen har kun en overskriftslinje og ingen besvarelser.", path)
    return table


def _column_positions(table: _Table, wanted: list[str], path: Path, remedy: str) -> dict[str, int]:
    """Where each wanted column is (case and spacing ignored); all missing columns are named at once."""
    positions: dict[str, int] = {}
    for index, name in enumerate(table.header):
        positions.setdefault(normalise(name), index)
    missing = [name for name in wanted if normalise(name) not in positions]
    if missing:
        names = ", ".join(f"'{m}'" for m in missing)
        raise WorkbenchError(
            f"{'Kolonnen' if len(missing) == 1 else 'Kolonnerne'} {names} mangler. Filen har kolonnerne: "
            f"{', '.join(table.header)}. {remedy}",
            path,
            1,
        )
    for name in wanted:
        if sum(1 for h in table.header if normalise(h) == normalise(name)) > 1:
            raise WorkbenchError(f"Kolonnen '{name}' findes flere gange; giv kolonnerne forskellige navne.", path, 1)
    return {name: positions[normalise(name)] for name in wanted}


def _time_points(spec: SurveyMap) -> dict[str, str]:
    lookup = {}
    for point in spec.time_points:
        lookup[normalise(point.key)] = point.key
        lookup[normalise(point.label)] = point.key
    return lookup


def _time_of(cells: list[str], column: int | None, spec: SurveyMap, line: int, path: Path) -> str:
    if column is None:
        return spec.time_points[0].key
    value = cells[column]
    key = _time_points(spec).get(normalise(value))
    if key is None:
        allowed = ", ".join(t.key for t in spec.time_points)
        what = "Tidspunktet mangler" if not value else f"Tidspunktet '{value}' er ukendt"
        raise WorkbenchError(
            f"{what} i kolonnen '{spec.time_column}'; tilladte tidspunkter er: {allowed}.", path, line
        )
    return key


def _answer_sheets(table: _Table, spec: SurveyMap, path: Path, map_path: Path) -> list[AnswerSheet]:
    wanted = [spec.respondent_column] + ([spec.time_column] if spec.time_column else [])
    wanted += [item.source_column for item in spec.items]
    columns = _column_positions(
        table, wanted, path, f"Ret overskriften i filen eller kolonnenavnet i {map_path.name}."
    )
    allowed = {item.key: {normalise(label): label for label in item.labels} for item in spec.items}
    first_seen: dict[tuple[str, str], int] = {}
    sheets = []
    for line, cells in table.rows:
        respondent = cells[columns[spec.respondent_column]]
        if not respondent:
            raise WorkbenchError(
                f"Respondent-id mangler i kolonnen '{spec.respondent_column}'. Giv besvarelsen et id.", path, line
            )
        time_point = _time_of(cells, columns.get(spec.time_column), spec, line, path)
        earlier = first_seen.setdefault((normalise(respondent), time_point), line)
        if earlier != line:
            when = spec.time_point(time_point).label.lower()
            raise WorkbenchError(
                f"Respondenten '{respondent}' har allerede en besvarelse ved {when} (linje {earlier}). "
                "Fjern den dobbelte besvarelse.",
                path,
                line,
            )
        answers: dict[str, str | None] = {}
        for item in spec.items:
            value = cells[columns[item.source_column]]
            if not value:
                answers[item.key] = None
                continue
            label = allowed[item.key].get(normalise(value))
            if label is None:
                raise WorkbenchError(
                    f"Svaret '{value}' i kolonnen '{item.source_column}' er ikke en kendt svarmulighed. "
                    f"Tilladte svar er: {', '.join(item.labels)} (eller tomt). Ret svaret, eller tilføj "
                    f"svarmuligheden under '{item.key}' i {map_path.name}.",
                    path,
                    line,
                )
            answers[item.key] = label
        sheets.append(AnswerSheet(respondent, time_point, answers, line))
    return sheets


def _number(value: str, column: str, path: Path, line: int, whole: bool) -> float:
    text = value.replace("%", "").replace(" ", "").replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    if math.isnan(number) or number < 0 or (whole and not number.is_integer()):
        kind = "et helt tal (0 eller større)" if whole else "et tal"
        raise WorkbenchError(f"Værdien '{value}' i kolonnen '{column}' skal være {kind}.", path, line)
    return number


def _aggregated_rows(table: _Table, spec: SurveyMap, path: Path, map_path: Path) -> list[AggregatedRow]:
    wanted = list(AGGREGATED_COLUMNS) + ([spec.time_column] if spec.time_column else [])
    remedy = f"En aggregeret tabel har kolonnerne {', '.join(wanted)} (og evt. n_excluded)."
    columns = _column_positions(table, wanted, path, remedy)
    excluded_column = next((i for i, h in enumerate(table.header) if normalise(h) == "n_excluded"), None)
    items = {normalise(item.key): item.key for item in spec.items}
    first_seen: dict[tuple[str, str], int] = {}
    rows = []
    for line, cells in table.rows:
        value = cells[columns["item"]]
        item = items.get(normalise(value))
        if item is None:
            raise WorkbenchError(
                f"Spørgsmålet '{value}' i kolonnen 'item' står ikke i {map_path.name}; kendte spørgsmål er: "
                f"{', '.join(items.values())}.",
                path,
                line,
            )
        time_point = _time_of(cells, columns.get(spec.time_column), spec, line, path)
        earlier = first_seen.setdefault((item, time_point), line)
        if earlier != line:
            raise WorkbenchError(
                f"'{item}' ved {spec.time_point(time_point).label.lower()} står allerede i linje {earlier}. "
                "Fjern den dobbelte linje.",
                path,
                line,
            )
        percent = _number(cells[columns["percent"]], "percent", path, line, whole=False)
        if percent > 100:
            raise WorkbenchError(
                f"Procenten {cells[columns['percent']]} er over 100. Angiv andelen i procent (0-100).", path, line
            )
        n_valid = int(_number(cells[columns["n"]], "n", path, line, whole=True))
        excluded_text = cells[excluded_column] if excluded_column is not None else ""
        n_excluded = int(_number(excluded_text, "n_excluded", path, line, whole=True)) if excluded_text else 0
        rows.append(AggregatedRow(item, time_point, percent, n_valid, n_excluded, line))
    return rows


def load_survey_map(path: Path, codebook: Codebook) -> SurveyMap:
    doc = load_yaml_file(path)
    if not isinstance(doc.data, dict):
        raise WorkbenchError("Itemkortet skal være en YAML-samling med nøgler som title, file og items.", path, 1)
    spec = validate(SurveyMap, doc, context={"codebook": codebook})
    if not (path.parent / spec.file).is_file():
        raise WorkbenchError(
            f"Datafilen '{spec.file}' findes ikke i {path.parent.name}/. Læg filen ved siden af itemkortet, "
            "eller ret 'file'.",
            path,
            doc.line_of(("file",)),
        )
    return spec


def load_survey(map_path: Path, codebook: Codebook) -> Survey:
    map_path = Path(map_path)
    spec = load_survey_map(map_path, codebook)
    data_path = map_path.parent / spec.file
    table = _read_table(data_path, spec.sheet)
    survey = Survey(map_path.stem, spec, map_path, data_path, table.encoding, table.separator)
    if spec.format == "respondent":
        survey.sheets = _answer_sheets(table, spec, data_path, map_path)
    else:
        survey.aggregated = _aggregated_rows(table, spec, data_path, map_path)
    return survey


def load_surveys(project) -> list[Survey]:
    """Every survey of the project: each `surveys/*.yaml` item map with its data file."""
    folder = Path(project.surveys_dir)
    if not folder.is_dir():
        return []
    maps = sorted(p for p in folder.iterdir() if p.suffix.lower() in (".yaml", ".yml") and p.is_file())
    return [load_survey(path, project.codebook) for path in maps]


def items_for_principle(project, key: str) -> list[tuple[Survey, SurveyItem]]:
    """The survey items that inform a principle, in survey and map order (for the report's principle sections)."""
    if key not in {c.key for c in project.codebook.principles}:
        raise WorkbenchError(f"Princippet '{key}' findes ikke i kodebogen.", project.codebook_path)
    return [
        (survey, item) for survey in load_surveys(project) for item in survey.item_map.items if key in item.principles
    ]
