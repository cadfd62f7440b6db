"""Surveys: respondent-level exports and aggregated tables, summarised per item and time point.

Each survey is a data file in `surveys/` (CSV or XLSX) with an item map `surveys/<name>.yaml` beside it
that says what each column asks, which answers count towards the reported share, which are left out
("Ved ikke"; a blank answer always is) and which principles the item informs. Every row of the data
is checked against the map before anything is counted, and each problem becomes one Danish sentence
naming the file, the line and the column.
"""

from __future__ import annotations

import csv
import io
import math
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

import pandas as pd
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from workbench.errors import WorkbenchError
from workbench.io.text import decode
from workbench.io.yaml import load_yaml_file, validate
from workbench.material.codebook import Codebook

# In groups this small a percentage can reveal what identifiable people answered (in a kerneteam of
# four, "100 %" says what each of them said), so the share is not shown at all ...
SUPPRESS_BELOW = 5
# ... and below this one person moves the share by more than ten points, so it is shown but flagged.
FLAG_BELOW = 10


@dataclass(frozen=True)
class SmallNumbers:
    """The project's limits for small numbers of answers (project.yaml); today's defaults above."""

    suppress_below: int = SUPPRESS_BELOW
    flag_below: int = FLAG_BELOW

    @classmethod
    def of(cls, project) -> SmallNumbers:
        """From a project's settings; a project object without settings gets the defaults."""
        settings = getattr(project, "settings", None)
        if settings is None:
            return cls()
        return cls(settings.survey_suppress_below, settings.survey_flag_below)

KEY = r"^[a-z0-9_]+$"
AGGREGATED_COLUMNS = ("item", "percent", "n")  # plus the map's time column and an optional n_excluded
SEPARATORS = {";": "semikolon", ",": "komma", "\t": "tabulator"}
# UTF-8 text that was once read as Windows-1252 and saved again: "ø" has become "Ã¸", "æ" "Ã¦" and so on.


def _normalise(value: str) -> str:
    """The form in which answers, columns and time points are compared: case and spacing do not matter."""
    return " ".join(unicodedata.normalize("NFC", value).split()).casefold()


def _as_text(value):
    # answer codes are often numbers (1-5); YAML reads those as int, exports as text
    return str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value


Label = Annotated[str, BeforeValidator(_as_text)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TimePoint(_Strict):
    key: str = Field(pattern=KEY)
    label: str = Field(min_length=1)


class SurveyItem(_Strict):
    key: str = Field(pattern=KEY)
    column: str | None = None  # the column in the data file; the key when left out
    question: str = Field(min_length=1)
    labels: tuple[Label, ...] = ()  # every answer option in the questionnaire's order, "Ved ikke" included
    positive: tuple[Label, ...] = Field(min_length=1)  # the answers counted in the reported share
    excluded: tuple[Label, ...] = ()  # answers left out of the denominator; blank always is
    # lower_is_better: the share counts a burden (e.g. concentration problems), so a fall is the improvement
    direction: Literal["higher_is_better", "lower_is_better"] = "higher_is_better"
    principles: tuple[str, ...] = ()
    factors: tuple[str, ...] = ()
    note: str | None = None

    @field_validator("principles", "factors")
    @classmethod
    def _known_codes(cls, value: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        codebook: Codebook | None = (info.context or {}).get("codebook")
        if codebook is None:
            return value
        principles = info.field_name == "principles"
        kind, what = ("principle", "princippet") if principles else ("factor", "den virksomme faktor")
        known = [c.key for c in codebook.codes_of_kind(kind)]
        for key in value:
            if key not in known:
                raise ValueError(f"{what} '{key}' findes ikke i kodebogen; brug en af: {', '.join(known)}.")
        return value

    @model_validator(mode="after")
    def _labels_agree(self) -> SurveyItem:
        known = [_normalise(label) for label in self.labels]
        twice = sorted({label for label in self.labels if known.count(_normalise(label)) > 1})
        if twice:
            raise ValueError(f"svarmuligheden '{twice[0]}' står flere gange i 'labels' for '{self.key}'.")
        for field_name in ("positive", "excluded"):
            stray = [v for v in getattr(self, field_name) if self.labels and _normalise(v) not in known]
            if stray:
                raise ValueError(
                    f"'{field_name}' for '{self.key}' nævner '{stray[0]}', som ikke står i 'labels' "
                    f"({', '.join(self.labels)}). Stav svaret som i 'labels'."
                )
        both = {_normalise(v) for v in self.positive} & {_normalise(v) for v in self.excluded}
        if both:
            raise ValueError(
                f"et svar kan ikke både tælle med i andelen ('positive') og være udeladt ('excluded') "
                f"for '{self.key}'."
            )
        return self

    @property
    def source_column(self) -> str:
        return self.column or self.key

    @property
    def valid_labels(self) -> list[str]:
        excluded = {_normalise(v) for v in self.excluded}
        return [label for label in self.labels if _normalise(label) not in excluded]

    @property
    def share_description(self) -> str:
        """What the percentage counts, for table headings and notes: «Enig» eller «Meget enig»."""
        quoted = [f"«{label}»" for label in self.positive]
        return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} eller {quoted[-1]}"


class SurveyMap(_Strict):
    title: str = Field(min_length=1)
    population: str = Field(min_length=1)  # who answered, e.g. "familier", "rådgivere"
    source: str = Field(min_length=1)  # the report's "Kilde:" line
    format: Literal["respondent", "aggregated"]
    file: str = Field(min_length=1)  # the data file, in the surveys folder
    sheet: str | None = None  # XLSX: the sheet to read; the first when left out
    respondent_column: str | None = Field(default=None, validate_default=True)
    time_column: str | None = None  # may be left out when the survey has one time point
    time_points: tuple[TimePoint, ...] = Field(min_length=1)
    items: tuple[SurveyItem, ...] = Field(min_length=1)

    @field_validator("respondent_column")
    @classmethod
    def _respondents_identified(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None and info.data.get("format") == "respondent":
            raise ValueError("angiv kolonnen med respondent-id, så dobbelte besvarelser kan findes.")
        return value

    @field_validator("time_points")
    @classmethod
    def _time_points_distinct(cls, value: tuple[TimePoint, ...], info: ValidationInfo) -> tuple[TimePoint, ...]:
        keys = [t.key for t in value]
        twice = sorted({k for k in keys if keys.count(k) > 1})
        if twice:
            raise ValueError(f"tidspunktet '{twice[0]}' står flere gange.")
        if len(value) > 1 and info.data.get("time_column") is None:
            raise ValueError("med flere tidspunkter skal 'time_column' angive kolonnen, der viser tidspunktet.")
        return value

    @field_validator("items")
    @classmethod
    def _items_distinct(cls, value: tuple[SurveyItem, ...], info: ValidationInfo) -> tuple[SurveyItem, ...]:
        for what, keys in (
            ("spørgsmålet", [i.key for i in value]),
            ("kolonnen", [_normalise(i.source_column) for i in value]),
        ):
            twice = sorted({k for k in keys if keys.count(k) > 1})
            if twice:
                raise ValueError(f"{what} '{twice[0]}' står flere gange.")
        if info.data.get("format") == "respondent":
            unlabelled = [i.key for i in value if not i.labels]
            if unlabelled:
                raise ValueError(
                    f"spørgsmålet '{unlabelled[0]}' mangler 'labels' (alle svarmuligheder i rækkefølge), "
                    "som data på respondentniveau kontrolleres mod."
                )
        return value

    def time_point(self, key: str) -> TimePoint:
        return next(t for t in self.time_points if t.key == key)


@dataclass(frozen=True)
class AnswerSheet:
    """One respondent's answers at one time point; answers are the map's labels, None when blank."""

    respondent: str
    time_point: str
    answers: dict[str, str | None]
    line: int


@dataclass(frozen=True)
class AggregatedRow:
    item: str
    time_point: str
    percent: float
    n_valid: int
    n_excluded: int
    line: int


@dataclass
class Survey:
    name: str  # the item map's file stem
    item_map: SurveyMap
    map_path: Path
    data_path: Path
    encoding: str  # as the user would name it: "UTF-8 med BOM", "Windows-1252", "Excel (.xlsx)"
    separator: str | None  # CSV only
    sheets: list[AnswerSheet] = field(default_factory=list)
    aggregated: list[AggregatedRow] = field(default_factory=list)
    limits: SmallNumbers = field(default_factory=SmallNumbers)

    @property
    def title(self) -> str:
        return self.item_map.title

    @property
    def source(self) -> str:
        return self.item_map.source

    def time_label(self, key: str) -> str:
        return self.item_map.time_point(key).label

    def answer_sheets(self, time_point: str) -> int:
        return sum(1 for s in self.sheets if s.time_point == time_point)


@dataclass(frozen=True)
class ItemResult:
    survey: str
    item: str
    time_point: str
    n_valid: int
    n_excluded: int
    n_positive: int | None  # None when suppressed: the count would reveal as much as the share
    percent: float | None  # unrounded; None when suppressed
    suppressed: bool  # n_valid < limits.suppress_below
    flagged: bool  # limits.suppress_below <= n_valid < limits.flag_below
    counts: dict[str, int] = field(default_factory=dict)  # valid answers per label; empty for aggregated tables
    limits: SmallNumbers = field(default_factory=SmallNumbers)

    @property
    def shares(self) -> dict[str, float]:
        """Each valid answer's share of the valid answers, in the questionnaire's order."""
        return {label: 100 * n / self.n_valid for label, n in self.counts.items()}


@dataclass(frozen=True)
class ItemChange:
    item: str
    start: ItemResult
    end: ItemResult
    # in procentpoint, from the unrounded shares (so it can differ by one from the difference of the
    # rounded figures); None when either side is suppressed
    change_points: float | None


# ---------------------------------------------------------------- reading data files


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
        positions.setdefault(_normalise(name), index)
    missing = [name for name in wanted if _normalise(name) not in positions]
    if missing:
        names = ", ".join(f"'{m}'" for m in missing)
        raise WorkbenchError(
            f"{'Kolonnen' if len(missing) == 1 else 'Kolonnerne'} {names} mangler. Filen har kolonnerne: "
            f"{', '.join(table.header)}. {remedy}",
            path,
            1,
        )
    for name in wanted:
        if sum(1 for h in table.header if _normalise(h) == _normalise(name)) > 1:
            raise WorkbenchError(f"Kolonnen '{name}' findes flere gange; giv kolonnerne forskellige navne.", path, 1)
    return {name: positions[_normalise(name)] for name in wanted}


def _time_points(spec: SurveyMap) -> dict[str, str]:
    lookup = {}
    for point in spec.time_points:
        lookup[_normalise(point.key)] = point.key
        lookup[_normalise(point.label)] = point.key
    return lookup


def _time_of(cells: list[str], column: int | None, spec: SurveyMap, line: int, path: Path) -> str:
    if column is None:
        return spec.time_points[0].key
    value = cells[column]
    key = _time_points(spec).get(_normalise(value))
    if key is None:
        allowed = ", ".join(t.key for t in spec.time_points)
        what = "Tidspunktet mangler" if not value else f"Tidspunktet '{value}' er ukendt"
        raise WorkbenchError(
            f"{what} i kolonnen '{spec.time_column}'; tilladte tidspunkter er: {allowed}.", path, line
        )
    return key


def _answer_sheets(table: _Table, spec: SurveyMap, path: Path, map_path: Path) -> list[AnswerSheet]:
    assert spec.respondent_column is not None  # required for the respondent format (validated in SurveyMap)
    wanted = [spec.respondent_column] + ([spec.time_column] if spec.time_column else [])
    wanted += [item.source_column for item in spec.items]
    columns = _column_positions(
        table, wanted, path, f"Ret overskriften i filen eller kolonnenavnet i {map_path.name}."
    )
    allowed = {item.key: {_normalise(label): label for label in item.labels} for item in spec.items}
    first_seen: dict[tuple[str, str], int] = {}
    sheets = []
    for line, cells in table.rows:
        respondent = cells[columns[spec.respondent_column]]
        if not respondent:
            raise WorkbenchError(
                f"Respondent-id mangler i kolonnen '{spec.respondent_column}'. Giv besvarelsen et id.", path, line
            )
        time_point = _time_of(cells, columns.get(spec.time_column or ""), spec, line, path)
        earlier = first_seen.setdefault((_normalise(respondent), time_point), line)
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
            label = allowed[item.key].get(_normalise(value))
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
    excluded_column = next((i for i, h in enumerate(table.header) if _normalise(h) == "n_excluded"), None)
    items = {_normalise(item.key): item.key for item in spec.items}
    first_seen: dict[tuple[str, str], int] = {}
    rows = []
    for line, cells in table.rows:
        value = cells[columns["item"]]
        item = items.get(_normalise(value))
        if item is None:
            raise WorkbenchError(
                f"Spørgsmålet '{value}' i kolonnen 'item' står ikke i {map_path.name}; kendte spørgsmål er: "
                f"{', '.join(items.values())}.",
                path,
                line,
            )
        time_point = _time_of(cells, columns.get(spec.time_column or ""), spec, line, path)
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


# ---------------------------------------------------------------- loading


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


# ---------------------------------------------------------------- analysis


def _result(
    survey: Survey, item: SurveyItem, time_point: str, n_valid: int, n_excluded: int, n_positive: int,
    percent: float | None, counts: dict[str, int],
) -> ItemResult:
    limits = survey.limits
    suppressed = n_valid < limits.suppress_below
    return ItemResult(
        survey=survey.name,
        item=item.key,
        time_point=time_point,
        n_valid=n_valid,
        n_excluded=n_excluded,
        n_positive=None if suppressed else n_positive,
        percent=None if suppressed else percent,
        suppressed=suppressed,
        flagged=not suppressed and n_valid < limits.flag_below,
        counts={} if suppressed else counts,
        limits=limits,
    )


def _respondent_result(survey: Survey, item: SurveyItem, time_point: str) -> ItemResult | None:
    answers = [s.answers[item.key] for s in survey.sheets if s.time_point == time_point]
    if not answers:
        return None
    counts = {label: 0 for label in item.valid_labels}
    for answer in answers:
        if answer in counts:
            counts[answer] += 1
    n_valid = sum(counts.values())
    positive = {_normalise(label) for label in item.positive}
    n_positive = sum(n for label, n in counts.items() if _normalise(label) in positive)
    percent = 100 * n_positive / n_valid if n_valid else None
    return _result(survey, item, time_point, n_valid, len(answers) - n_valid, n_positive, percent, counts)


def _aggregated_result(survey: Survey, item: SurveyItem, time_point: str) -> ItemResult | None:
    row = next((r for r in survey.aggregated if r.item == item.key and r.time_point == time_point), None)
    if row is None:
        return None
    n_positive = round(row.percent * row.n_valid / 100)
    return _result(survey, item, time_point, row.n_valid, row.n_excluded, n_positive, row.percent, {})


def summarise(survey: Survey) -> list[ItemResult]:
    """Per item and time point (in the map's order): n valid, n excluded and the share, small groups suppressed."""
    tally = _respondent_result if survey.item_map.format == "respondent" else _aggregated_result
    results = []
    for item in survey.item_map.items:
        for point in survey.item_map.time_points:
            result = tally(survey, item, point.key)
            if result is not None:
                results.append(result)
    return results


def changes(survey: Survey, results: list[ItemResult] | None = None) -> list[ItemChange]:
    """Per item, the change from the first to the last time point in procentpoint (when both were measured)."""
    points = survey.item_map.time_points
    if len(points) < 2:
        return []
    by_key = {(r.item, r.time_point): r for r in (results if results is not None else summarise(survey))}
    found = []
    for item in survey.item_map.items:
        start, end = by_key.get((item.key, points[0].key)), by_key.get((item.key, points[-1].key))
        if start is None or end is None:
            continue
        change = None if start.percent is None or end.percent is None else end.percent - start.percent
        found.append(ItemChange(item.key, start, end, change))
    return found


# ---------------------------------------------------------------- plain data (JSON, notebook, XLSX)


def summary_records(surveys: list[Survey]) -> list[dict]:
    """The summary as plain data (numbers unrounded): one entry per survey with its items and time points."""
    records = []
    for survey in surveys:
        results = summarise(survey)
        moved = {c.item: c.change_points for c in changes(survey, results)}
        items = []
        for item in survey.item_map.items:
            items.append({
                "item": item.key,
                "question": item.question,
                "share_of": list(item.positive),
                "direction": item.direction,
                "note": item.note,
                "principles": list(item.principles),
                "factors": list(item.factors),
                "time_points": [
                    {
                        "time_point": r.time_point,
                        "label": survey.time_label(r.time_point),
                        "n_valid": r.n_valid,
                        "n_excluded": r.n_excluded,
                        "n_positive": r.n_positive,
                        "percent": r.percent,
                        "suppressed": r.suppressed,
                        "flagged": r.flagged,
                        "counts": r.counts,
                    }
                    for r in results
                    if r.item == item.key
                ],
                "change_points": moved.get(item.key),
            })
        records.append({
            "survey": survey.name,
            "title": survey.title,
            "population": survey.item_map.population,
            "source": survey.source,
            "format": survey.item_map.format,
            "file": survey.data_path.name,
            "encoding": survey.encoding,
            "separator": survey.separator,
            "answer_sheets": len(survey.sheets) if survey.item_map.format == "respondent" else None,
            "items": items,
        })
    return records


def summary_columns(limits: SmallNumbers) -> list[str]:
    return [
        "Spørgeskema", "Spørgsmål", "Principper", "Tidspunkt", "Gyldige svar", "Udeladte svar", "Andel (%)",
        "Andelen omfatter", "Lavere er bedre", f"Markeret (n < {limits.flag_below})",
        f"Undertrykt (n < {limits.suppress_below})", "Ændring (procentpoint)",
    ]


def summary_table(project) -> pd.DataFrame:
    """One row per survey, item and time point with Danish column names (for the notebook and XLSX export)."""
    rows = []
    for record in summary_records(load_surveys(project)):
        for item in record["items"]:
            points = item["time_points"]
            for point in points:
                rows.append([
                    record["title"],
                    item["question"],
                    ", ".join(item["principles"]),
                    point["label"],
                    point["n_valid"],
                    point["n_excluded"],
                    point["percent"],
                    ", ".join(item["share_of"]),
                    item["direction"] == "lower_is_better",
                    point["flagged"],
                    point["suppressed"],
                    item["change_points"] if point is points[-1] else None,  # the change belongs to the end row
                ])
    return pd.DataFrame(rows, columns=summary_columns(SmallNumbers.of(project)))
