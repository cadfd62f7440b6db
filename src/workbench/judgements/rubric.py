"""The judgement rubric: the project's levels (project.yaml `rubric.levels`, high → low) and what they mean."""

from __future__ import annotations

from workbench.errors import WorkbenchError
from workbench.project import Project
from workbench.project.settings import Rubric, RubricLevel

__all__ = ["Rubric", "RubricLevel", "level_key", "rubric_of"]


def rubric_of(project: Project) -> Rubric:
    return project.settings.rubric


def level_key(rubric: Rubric, value: object) -> str | None:
    """The level's key for a key or a label as a person may write it ("nogen", "i nogen grad", "I nogen grad")."""
    if value is None:
        return None
    text = str(value).strip()
    for level in rubric.levels:
        if text == level.key or text.lower() == level.label.lower():
            return level.key
    return None


def describe_levels(rubric: Rubric) -> str:
    """The accepted values, for an error message."""
    return ", ".join(f"{level.key} ({level.label})" for level in rubric.levels)


def require_level(rubric: Rubric, value: object, path=None, line: int | None = None) -> str:
    key = level_key(rubric, value)
    if key is None:
        raise WorkbenchError(
            f"Niveauet '{value}' findes ikke i bedømmelsesskalaen; brug et af: {describe_levels(rubric)}.", path, line
        )
    return key
