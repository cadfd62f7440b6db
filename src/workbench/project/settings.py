"""`project.yaml`: the settings of one evaluation, validated once.

Every number the workbench used to hard-code (group sizes, suppression thresholds, the primary coder,
disagreement thresholds) is a default here, so a project without the file behaves as before.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from workbench.errors import WorkbenchError
from workbench.io.yaml import load_yaml_file, validate

SETTINGS_FILE = "project.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RubricLevel(_Strict):
    key: str = Field(pattern=r"^[a-z_]+$")
    label: str = Field(min_length=1)  # shown to people: "i høj grad"
    description: str = ""


DEFAULT_RUBRIC = [
    RubricLevel(
        key="hoej", label="i høj grad", description="Der er rigeligt og samstemmende belæg på tværs af kilder."
    ),
    RubricLevel(
        key="nogen", label="i nogen grad", description="Der er belæg, men det er ujævnt eller delvist modstridende."
    ),
    RubricLevel(
        key="mindre",
        label="i mindre grad",
        description="Der er kun spredt belæg, eller belægget peger overvejende den anden vej.",
    ),
    RubricLevel(key="ikke", label="ikke", description="Der er intet belæg, eller belægget viser det modsatte."),
]


class Rubric(_Strict):
    # ordered from the highest level to the lowest; the order is what ordinal agreement counts
    levels: list[RubricLevel] = Field(default_factory=lambda: list(DEFAULT_RUBRIC), min_length=2)

    @model_validator(mode="after")
    def _unique(self) -> Rubric:
        keys = [level.key for level in self.levels]
        if len(set(keys)) != len(keys):
            raise ValueError("to niveauer i bedømmelsesskalaen har samme nøgle")
        return self

    def level(self, key: str) -> RubricLevel | None:
        return next((level for level in self.levels if level.key == key), None)

    def rank(self, key: str) -> int:
        """0 for the highest level."""
        return [level.key for level in self.levels].index(key)


class HubUser(_Strict):
    coder: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{1,20}$")  # initials or pseudonym for codings
    respondent: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{1,20}$")  # pseudonym in the self-evaluation
    role: str = Field(default="evaluator", pattern=r"^(evaluator|support|steering)$")


class ProjectSettings(_Strict):
    title: str = "Evaluering"
    period: str | None = None          # shown on the title page, e.g. "2024–2026"
    author: str | None = None          # document properties of the chapter
    min_group_size: int = Field(default=3, ge=1)   # fewer persons: attribution coarsened, counts suppressed in tables
    min_respondents: int = Field(default=3, ge=1)  # self-evaluation: fewer submitted answers, figures suppressed
    survey_suppress_below: int = Field(default=5, ge=1)
    survey_flag_below: int = Field(default=10, ge=1)
    primary_coder: str | None = Field(
        default=None, pattern=r"^[A-Za-z0-9_-]{1,20}$"
    )  # None: the coder with most codings
    disagreement_range: int = Field(default=3, ge=1)     # self-evaluation: highest − lowest answer
    disagreement_sd: float = Field(default=1.2, gt=0)    # self-evaluation: standard deviation
    rubric: Rubric = Field(default_factory=Rubric)
    hub_users: dict[str, HubUser] = Field(default_factory=dict)  # hub login → coder / respondent / role

    @model_validator(mode="after")
    def _thresholds(self) -> ProjectSettings:
        if self.survey_flag_below < self.survey_suppress_below:
            raise ValueError("survey_flag_below må ikke være mindre end survey_suppress_below")
        return self


def load_settings(root: Path) -> ProjectSettings:
    path = Path(root) / SETTINGS_FILE
    if not path.exists():
        return ProjectSettings()
    doc = load_yaml_file(path)
    if doc.data is None:
        return ProjectSettings()
    if not isinstance(doc.data, dict):
        raise WorkbenchError("project.yaml skal være en YAML-samling med nøgler som title og period.", path, 1)
    return validate(ProjectSettings, doc)
