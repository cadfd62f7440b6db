"""Reading surveys: each item map with its CSV or XLSX data file, every row checked against the map.

Each problem becomes one Danish sentence naming the file, the line and the column.
"""

from __future__ import annotations

import math
from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.io.tables import SEPARATORS, Table, parse_decimal, read_csv, read_xlsx
from workbench.io.yaml import load_yaml_file, validate
from workbench.material.codebook import Codebook
from workbench.surveys.model import (
    AggregatedRow,
    AnswerSheet,
    SmallNumbers,
    Survey,
    SurveyItem,
    SurveyMap,
    normalise,
)

AGGREGATED_COLUMNS = ("item", "percent", "n")  # plus the map's time column and an optional n_excluded


_Table = Table
_REMEDY = "Eksportér spørgeskemaet igen, og gem det i Excel som \"CSV UTF-8 (kommasepareret)\"."


def _read_csv(path: Path) -> _Table:
    table = read_csv(path, _REMEDY)
    for line, cells in table.rows:
        if len(cells) != len(table.header):
            raise WorkbenchError(
                f"Linjen har {len(cells)} felter, men overskriftslinjen har {len(table.header)} "
                f"({SEPARATORS[table.separator or ';']} som skilletegn). Tjek skilletegn og anførselstegn i linjen.",
                path,
                line,
            )
    return table


def _read_xlsx(path: Path, sheet: str | None) -> _Table:
    return read_xlsx(path, sheet)


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
    respondent_column = spec.respondent_column
    assert respondent_column is not None  # the map's validator requires it for respondent-level data
    wanted = [respondent_column] + ([spec.time_column] if spec.time_column else [])
    wanted += [item.source_column for item in spec.items]
    columns = _column_positions(
        table, wanted, path, f"Ret overskriften i filen eller kolonnenavnet i {map_path.name}."
    )
    allowed = {item.key: {normalise(label): label for label in item.labels} for item in spec.items}
    first_seen: dict[tuple[str, str], int] = {}
    sheets = []
    for line, cells in table.rows:
        respondent = cells[columns[respondent_column]]
        if not respondent:
            raise WorkbenchError(
                f"Respondent-id mangler i kolonnen '{spec.respondent_column}'. Giv besvarelsen et id.", path, line
            )
        time_point = _time_of(cells, columns.get(spec.time_column) if spec.time_column else None, spec, line, path)
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
    parsed = parse_decimal(value.replace("%", "").replace(" ", ""))  # ASCII digits only: float() takes '٣' too
    number = math.nan if parsed is None else parsed
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
        time_point = _time_of(cells, columns.get(spec.time_column) if spec.time_column else None, spec, line, path)
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
        _check_reachable(cells[columns["percent"]], percent, n_valid, path, line)
        excluded_text = cells[excluded_column] if excluded_column is not None else ""
        n_excluded = int(_number(excluded_text, "n_excluded", path, line, whole=True)) if excluded_text else 0
        rows.append(AggregatedRow(item, time_point, percent, n_valid, n_excluded, line))
    return rows


def _check_reachable(text: str, percent: float, n: int, path: Path, line: int) -> None:
    """A share of n answers is k/n for a whole k: 18 % of n = 27 is no count (4/27 = 14,8 %, 5/27 = 18,5 %)."""
    decimals = len(text.strip().replace(",", ".").partition(".")[2].rstrip("%").strip())
    tolerance = 0.5 * 10 ** -decimals + 1e-9  # the cell was rounded to this many decimals
    if n == 0:
        if percent != 0:
            raise WorkbenchError(f"Andelen {text.strip()} % kan ikke komme fra 0 gyldige svar.", path, line)
        return
    nearest = min(range(n + 1), key=lambda k: abs(100 * k / n - percent))
    if abs(100 * nearest / n - percent) > tolerance:
        below = max(k for k in range(n + 1) if 100 * k / n <= percent)
        around = ", ".join(f"{100 * k / n:.1f} % = {k} af {n}".replace(".", ",") for k in (below, below + 1) if k <= n)
        raise WorkbenchError(
            f"Andelen {text.strip()} % kan ikke komme fra {n} gyldige svar (de nærmeste mulige er {around}). "
            "Tjek procent og n i rækken.",
            path,
            line,
        )


def load_survey_map(path: Path, codebook: Codebook) -> SurveyMap:
    doc = load_yaml_file(path)
    if not isinstance(doc.data, dict):
        raise WorkbenchError("Itemkortet skal være en YAML-samling med nøgler som title, file og items.", path, 1)
    spec = validate(SurveyMap, doc, context={"codebook": codebook})
    folder = path.parent.resolve()
    if (folder / spec.file).resolve().parent != folder:  # '../../etc/passwd', '/etc/passwd', 'sub/x.csv'
        raise WorkbenchError(
            f"Datafilen '{spec.file}' ligger uden for mappen {path.parent.name}/. Læg datafilen ved siden af "
            "itemkortet, og skriv kun filnavnet under 'file'.",
            path,
            doc.line_of(("file",)),
        )
    if not (path.parent / spec.file).is_file():
        raise WorkbenchError(
            f"Datafilen '{spec.file}' findes ikke i {path.parent.name}/. Læg filen ved siden af itemkortet, "
            "eller ret 'file'.",
            path,
            doc.line_of(("file",)),
        )
    return spec


def load_survey(map_path: Path, codebook: Codebook, limits: SmallNumbers | None = None) -> Survey:
    map_path = Path(map_path)
    spec = load_survey_map(map_path, codebook)
    data_path = map_path.parent / spec.file
    table = _read_table(data_path, spec.sheet)
    survey = Survey(
        map_path.stem, spec, map_path, data_path, table.encoding, table.separator, limits=limits or SmallNumbers()
    )
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
    limits = SmallNumbers.of(project)
    return [load_survey(path, project.codebook, limits) for path in maps]


def items_for_principle(project, key: str) -> list[tuple[Survey, SurveyItem]]:
    """The survey items that inform a principle, in survey and map order (for the report's principle sections)."""
    if key not in {c.key for c in project.codebook.principles}:
        raise WorkbenchError(f"Princippet '{key}' findes ikke i kodebogen.", project.codebook_path)
    return [
        (survey, item) for survey in load_surveys(project) for item in survey.item_map.items if key in item.principles
    ]
