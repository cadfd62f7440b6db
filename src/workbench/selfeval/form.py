"""The self-evaluation form (`selfeval/form.yaml`): principles, scales and items, checked against the codebook."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, model_validator

from workbench.errors import WorkbenchError
from workbench.io.yaml import parse_yaml, read_text, validate
from workbench.material.codebook import Codebook

FORM_FILE = "form.yaml"
ADHERENCE = "adherence"  # the score item the trend chart and the report follow: "arbejdet efter princippet"


class SelfEvalSettings(Protocol):
    """The project settings this package reads (`project.yaml`, see workbench.project.settings)."""

    @property
    def min_respondents(self) -> int: ...


class SelfEvalProject(Protocol):
    """What this module needs of a project: its selfeval/ folder and its codebook (a `Project` has both).

    Declared here, not imported, so the self-evaluation sits below the project layer.
    """

    @property
    def selfeval_dir(self) -> Path: ...

    @property
    def codebook(self) -> Codebook: ...

    @property
    def settings(self) -> SelfEvalSettings: ...


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Scale(_Strict):
    min: int
    max: int
    labels: dict[int, str]

    @model_validator(mode="after")
    def _one_label_per_step(self) -> Scale:
        if self.min >= self.max:
            raise ValueError(f"skalaens min ({self.min}) skal være mindre end max ({self.max})")
        if set(self.labels) != set(self.steps):
            raise ValueError(f"skalaen skal have præcis én tekst til hvert trin fra {self.min} til {self.max}")
        return self

    @property
    def steps(self) -> range:
        return range(self.min, self.max + 1)


class FormItem(_Strict):
    key: str = Field(pattern=r"^[a-z][a-z0-9_]{0,29}$")
    kind: Literal["score", "text"]
    label: str = Field(min_length=1)
    short_label: str | None = None
    help: str = ""
    scale: str | None = None
    required: bool = False

    @model_validator(mode="after")
    def _scale_for_scores_only(self) -> FormItem:
        if self.kind == "score" and not self.scale:
            raise ValueError(f"spørgsmålet '{self.key}' er en score og skal angive en skala (scale)")
        if self.kind == "text" and self.scale:
            raise ValueError(f"spørgsmålet '{self.key}' er fri tekst og kan ikke have en skala")
        return self

    @property
    def heading(self) -> str:
        return self.short_label or self.label


class SelfEvalForm(_Strict):
    title: str = Field(min_length=1)
    intro: str = ""
    respondent_help: str = ""
    principles: tuple[str, ...] = Field(min_length=1)
    scales: dict[str, Scale] = Field(default_factory=dict)
    items: tuple[FormItem, ...] = Field(min_length=1)

    def item(self, key: str) -> FormItem | None:
        return next((i for i in self.items if i.key == key), None)

    def scale_of(self, item: FormItem) -> Scale:
        assert item.scale is not None, "only score items have a scale"
        return self.scales[item.scale]

    @property
    def score_items(self) -> list[FormItem]:
        return [i for i in self.items if i.kind == "score"]

    @property
    def text_items(self) -> list[FormItem]:
        return [i for i in self.items if i.kind == "text"]


def form_path(project: SelfEvalProject) -> Path:
    return project.selfeval_dir / FORM_FILE


def load_form(project: SelfEvalProject) -> SelfEvalForm:
    """The form, checked against the codebook: every principle key must be a principle there."""
    path = form_path(project)
    if not path.exists():
        raise WorkbenchError("Selvevalueringsformularen findes ikke. Opret selfeval/form.yaml i projektmappen.", path)
    doc = parse_yaml(read_text(path), path)
    if not isinstance(doc.data, dict):
        raise WorkbenchError(
            "Formularen skal være en YAML-samling med nøglerne title, principles, scales og items.", path, 1
        )
    form = validate(SelfEvalForm, doc)
    known = [c.key for c in project.codebook.principles]
    for index, key in enumerate(form.principles):
        if key not in known:
            raise WorkbenchError(
                f"Princippet '{key}' findes ikke i kodebogen; brug en af: {', '.join(known)}.",
                path, doc.line_of(("principles", index)),
            )
        if form.principles.index(key) != index:
            raise WorkbenchError(
                f"Princippet '{key}' står mere end én gang i listen.", path, doc.line_of(("principles", index))
            )
    for index, item in enumerate(form.items):
        if form.item(item.key) is not item:
            raise WorkbenchError(
                f"Spørgsmålet '{item.key}' er defineret mere end én gang.", path, doc.line_of(("items", index))
            )
        if item.scale and item.scale not in form.scales:
            raise WorkbenchError(
                f"Spørgsmålet '{item.key}' bruger skalaen '{item.scale}', som ikke er defineret under scales.",
                path, doc.line_of(("items", index, "scale")),
            )
    return form


def score_item(form: SelfEvalForm, key: str = ADHERENCE) -> FormItem:
    """The form's score item `key`; anything else is refused with the keys that would do."""
    item = form.item(key)
    if item is None or item.kind != "score":
        keys = ", ".join(i.key for i in form.score_items)
        raise WorkbenchError(f"'{key}' er ikke et scorespørgsmål i selvevalueringsformularen; brug en af: {keys}.")
    return item
