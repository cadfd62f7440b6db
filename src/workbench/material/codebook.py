"""The codebook: principles, effective factors, further code groups, respondent groups and
evaluation questions, loaded from `codebook/codebook.yaml` into validated models."""

from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from workbench.errors import WorkbenchError
from workbench.io.yaml import load_yaml_file, validate

CODE_KEY = r"^[A-ZÆØÅ][A-ZÆØÅ0-9_]{0,9}$"
VALENCES = ("understøttende", "udfordrende", "neutral")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Code(_Strict):
    key: str = Field(pattern=CODE_KEY)
    name: str = Field(min_length=1)
    colour: str = "#888888"
    statement: str | None = None
    definition: str | None = None
    indicators: tuple[str, ...] = ()

    @field_validator("colour")
    @classmethod
    def _hex_colour(cls, value: str) -> str:
        if not re.fullmatch(r"#[0-9a-fA-F]{6}", value):
            raise ValueError(f"farven {value!r} skal være en hex-kode som \"#1b6ca8\"")
        return value.lower()

    @property
    def label(self) -> str:
        return f"{self.key} {self.name}"


class CodeGroup(_Strict):
    key: str = Field(pattern=r"^[a-z0-9_]+$")
    name: str
    kind: Literal["principle", "factor", "theme"]
    description: str | None = None
    codes: tuple[Code, ...] = Field(min_length=1)


class RespondentGroup(_Strict):
    key: str = Field(pattern=r"^[a-z0-9_]+$")
    name: str
    attribution: str = "{role}"
    coarse_attribution: str
    min_persons: int | None = Field(default=None, ge=1)  # None: the project's min_group_size (project.yaml)

    @field_validator("attribution", "coarse_attribution")
    @classmethod
    def _known_fields(cls, value: str) -> str:
        unknown = set(re.findall(r"{(\w*)}", value)) - {"role", "unit"}
        if unknown:
            raise ValueError(
                f"citatangivelsen må kun bruge {{role}} og {{unit}}, ikke {{{', '.join(sorted(unknown))}}}"
            )
        return value


class EvaluationQuestion(_Strict):
    key: str
    text: str
    principles: tuple[str, ...] = ()


class AnonymitySettings(_Strict):
    allowed_terms: tuple[str, ...] = ()  # never findings (docs/anonymitet.md)
    local_places: tuple[str, ...] = ()  # the project's own place names: always findings


class Codebook(_Strict):
    version: int = 1
    title: str = "Kodebog"
    code_groups: tuple[CodeGroup, ...] = Field(min_length=1)
    respondent_groups: tuple[RespondentGroup, ...] = Field(min_length=1)
    evaluation_questions: tuple[EvaluationQuestion, ...] = ()
    departmental_goals: dict[str, str] = Field(default_factory=dict)
    anonymity: AnonymitySettings = AnonymitySettings()

    @model_validator(mode="after")
    def _consistent(self) -> Codebook:
        seen: dict[str, str] = {}
        for group in self.code_groups:
            for code in group.codes:
                if code.key in seen:
                    raise ValueError(f"koden {code.key} findes både i gruppen '{seen[code.key]}' og '{group.key}'")
                seen[code.key] = group.key
        for keys, what in (
            ([g.key for g in self.code_groups], "kodegruppen"),
            ([g.key for g in self.respondent_groups], "respondentgruppen"),
            ([q.key for q in self.evaluation_questions], "evalueringsspørgsmålet"),
        ):
            dupes = sorted({k for k in keys if keys.count(k) > 1})
            if dupes:
                raise ValueError(f"{what} {dupes[0]} er defineret mere end én gang")
        principles = {c.key for g in self.code_groups if g.kind == "principle" for c in g.codes}
        if not principles:
            raise ValueError("kodebogen skal have en kodegruppe med kind: principle (de guidende principper)")
        for question in self.evaluation_questions:
            for key in question.principles:
                if key not in principles:
                    raise ValueError(f"evalueringsspørgsmål {question.key} henviser til ukendt princip {key}")
        return self

    @cached_property
    def _codes(self) -> dict[str, Code]:
        return {c.key: c for g in self.code_groups for c in g.codes}

    @cached_property
    def _group_of(self) -> dict[str, CodeGroup]:
        return {c.key: g for g in self.code_groups for c in g.codes}

    @property
    def codes(self) -> list[Code]:
        return list(self._codes.values())

    def code(self, key: str) -> Code:
        try:
            return self._codes[key]
        except KeyError:
            raise WorkbenchError(f"Koden '{key}' findes ikke i kodebogen.") from None

    def has_code(self, key: str) -> bool:
        return key in self._codes

    def group_of(self, key: str) -> CodeGroup:
        return self._group_of[key]

    def codes_of_kind(self, kind: str) -> list[Code]:
        return [c for g in self.code_groups if g.kind == kind for c in g.codes]

    @property
    def principles(self) -> list[Code]:
        return self.codes_of_kind("principle")

    @property
    def factors(self) -> list[Code]:
        return self.codes_of_kind("factor")

    def respondent_group(self, key: str) -> RespondentGroup:
        for group in self.respondent_groups:
            if group.key == key:
                return group
        raise WorkbenchError(f"Respondentgruppen '{key}' findes ikke i kodebogen.")

    @property
    def respondent_group_keys(self) -> list[str]:
        return [g.key for g in self.respondent_groups]


def load_codebook(path: str | Path) -> Codebook:
    path = Path(path)
    if not path.exists():
        raise WorkbenchError("Kodebogen findes ikke. Opret codebook/codebook.yaml i projektmappen.", path)
    doc = load_yaml_file(path)
    if not isinstance(doc.data, dict):
        raise WorkbenchError(
            "Kodebogen skal være en YAML-samling med nøgler som code_groups og respondent_groups.", path, 1
        )
    return validate(Codebook, doc)
