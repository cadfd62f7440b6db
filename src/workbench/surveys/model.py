"""A survey's item map (`surveys/<name>.yaml`: what each column asks and which answers count) and the survey
as loaded: the answer sheets of a respondent-level export or the rows of an aggregated table."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from workbench.material.codebook import Codebook

KEY = r"^[a-z0-9_]+$"


def normalise(value: str) -> str:
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
        known = [normalise(label) for label in self.labels]
        twice = sorted({label for label in self.labels if known.count(normalise(label)) > 1})
        if twice:
            raise ValueError(f"svarmuligheden '{twice[0]}' står flere gange i 'labels' for '{self.key}'.")
        for field_name in ("positive", "excluded"):
            stray = [v for v in getattr(self, field_name) if self.labels and normalise(v) not in known]
            if stray:
                raise ValueError(
                    f"'{field_name}' for '{self.key}' nævner '{stray[0]}', som ikke står i 'labels' "
                    f"({', '.join(self.labels)}). Stav svaret som i 'labels'."
                )
        both = {normalise(v) for v in self.positive} & {normalise(v) for v in self.excluded}
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
        excluded = {normalise(v) for v in self.excluded}
        return [label for label in self.labels if normalise(label) not in excluded]

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
            ("kolonnen", [normalise(i.source_column) for i in value]),
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
