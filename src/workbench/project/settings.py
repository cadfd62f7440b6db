"""`project.yaml`: the settings of one evaluation, validated once.

Every number the workbench used to hard-code (group sizes, suppression thresholds, the primary coder,
disagreement thresholds) is a default here, so a project without the file behaves as before.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from workbench.errors import WorkbenchError
from workbench.io.yaml import parse_yaml, read_text, validate

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
    title: str = Field(default="Principbaseret evaluering", min_length=1)  # the chapter's title and document title
    period: str | None = Field(default=None, min_length=1)  # shown under the title, e.g. "2024–2026"
    author: str | None = Field(default=None, min_length=1)  # the chapter's document properties (author)
    min_group_size: int = Field(default=3, ge=1)  # fewer persons: attribution coarsened (codebook groups may override)
    min_respondents: int = Field(default=3, ge=1)  # self-evaluation: fewer submitted answers, figures suppressed
    small_group_documents: int = Field(default=5, ge=1)  # fewer documents in a group: its counts flagged (*)
    survey_suppress_below: int = Field(default=5, ge=1)  # fewer valid answers: the share is not shown
    survey_flag_below: int = Field(default=10, ge=1)  # fewer valid answers: the share is flagged (n < 10)
    primary_coder: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{1,20}$")  # None: most codings
    disagreement_range: int = Field(default=3, ge=1)  # self-evaluation: highest − lowest answer
    disagreement_sd: float = Field(default=1.2, gt=0)  # self-evaluation: standard deviation
    rubric: Rubric = Field(default_factory=Rubric)
    hub_users: dict[str, HubUser] = Field(default_factory=dict)  # hub login → coder / respondent / role
    references: list[str] = Field(default_factory=list)  # the chapter's reference list, one entry each, as printed
    draft: bool = False  # the title page carries "Udkast"

    @field_validator("survey_flag_below")
    @classmethod
    def _flag_not_below_suppression(cls, value: int, info: ValidationInfo) -> int:
        suppress = info.data.get("survey_suppress_below")
        if suppress is not None and value < suppress:
            raise ValueError(
                f"er {value}, men må ikke være mindre end survey_suppress_below ({suppress}): "
                "en andel, der vises, kan ikke være bygget på færre svar end dem, der skjules"
            )
        return value


def load_settings(root: Path) -> ProjectSettings:
    """The project's settings; without project.yaml (or with an empty one) today's defaults."""
    path = Path(root) / SETTINGS_FILE
    if not path.exists():
        return ProjectSettings()
    text = read_text(path)
    if not text.strip():
        return ProjectSettings()
    doc = parse_yaml(text, path)
    if doc.data is None:
        return ProjectSettings()
    if not isinstance(doc.data, dict):
        raise WorkbenchError("project.yaml skal være en YAML-samling med nøgler som title og period.", path, 1)
    return validate(ProjectSettings, doc)
