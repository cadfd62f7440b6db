"""Answer files: one respondent's answers for one half year, validated against the form, and their history.

A submitted answer is never overwritten without first being copied, byte for byte, into `.historik`
(see `selfeval.store`), so every submitted version is kept. The summaries count, per respondent and
half year, the current answer when it is submitted, otherwise the newest submitted version in
`.historik`: a resubmission saved as a draft does not take the earlier answer out of the team's
figures. Drafts never count.

Required answers are checked when an answer is submitted, not when files are read, so adding a
required item to form.yaml later leaves earlier half years valid.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
)

from workbench.anonymity.full_name import looks_like_full_name
from workbench.errors import WorkbenchError
from workbench.io.yaml import (
    YamlDocument,
    describe_validation_error,
    parse_yaml,
    read_text,
    validate,
)
from workbench.selfeval.form import FormItem, SelfEvalForm, SelfEvalProject, load_form
from workbench.selfeval.period import Period

HISTORY_DIR = ".historik"
Status = Literal["kladde", "indsendt"]
STATUS_DRAFT: Status = "kladde"
STATUS_SUBMITTED: Status = "indsendt"

_RESPONDENT = re.compile(r"^[A-Za-zÆØÅæøå0-9][A-Za-zÆØÅæøå0-9_-]{0,23}$")


# ------------------------------------------------------------------------------------------ respondents


def _respondent_problem(value: str) -> str | None:
    """Why `value` cannot be a respondent (a Danish sentence), or None. Never a full name."""
    value = (value or "").strip()
    if not value:
        return "skriv dine initialer eller et pseudonym"
    words = value.split()
    if (len(words) > 1 and sum(w[:1].isupper() for w in words) >= 2) or looks_like_full_name(value):
        return (
            f"'{value}' ligner et fuldt navn; brug initialer (fx AK) eller et pseudonym, så ingen kan genkendes"
        )
    if not _RESPONDENT.match(value):
        return (
            f"'{value}' kan ikke bruges som respondent; brug initialer eller et pseudonym på højst 24 tegn uden "
            f"mellemrum (bogstaver, tal, - og _)"
        )
    return None


def check_respondent(value: str) -> str:
    problem = _respondent_problem(value)
    if problem:
        raise WorkbenchError(f"{problem[0].upper()}{problem[1:]}.")
    return value.strip()


# -------------------------------------------------------------------------------------------- the answers


def _respondent(value: Any) -> Any:
    if isinstance(value, str):
        problem = _respondent_problem(value)
        if problem:
            raise ValueError(problem)
        return value.strip()
    return value


ANSWERS_FORMAT_VERSION = 1


class SelfEvaluation(BaseModel):
    """One respondent's answers for one half year: answers[principle][item] = score or text."""

    model_config = ConfigDict(extra="forbid")

    # written on every saved file; a file without it (saved before versions) reads as version 1
    format_version: int = Field(default=ANSWERS_FORMAT_VERSION, ge=1)
    respondent: Annotated[str, BeforeValidator(_respondent)]
    period: Annotated[Period, BeforeValidator(Period.parse)]
    status: Status = STATUS_DRAFT
    saved: dt.datetime | None = None
    submitted: dt.datetime | None = None
    answers: dict[str, dict[str, Any]] = Field(default_factory=dict)

    @field_validator("format_version")
    @classmethod
    def _known_version(cls, value: int) -> int:
        if value > ANSWERS_FORMAT_VERSION:
            raise ValueError(
                f"'format_version' er {value}: filen er gemt af en nyere version af arbejdsbordet. "
                "Opdatér arbejdsbordet."
            )
        return value

    @field_validator("answers", mode="before")
    @classmethod
    def _no_empty_principles(cls, value: Any) -> Any:
        # "P1:" with nothing under it is YAML null: treat it as "nothing answered yet"
        if isinstance(value, dict):
            return {k: ({} if v is None else v) for k, v in value.items()}
        return {} if value is None else value

    @property
    def is_submitted(self) -> bool:
        return self.status == STATUS_SUBMITTED

    def value(self, principle: str, item: str) -> Any:
        value = self.answers.get(principle, {}).get(item)
        return (value.strip() or None) if isinstance(value, str) else value

    def missing(self, form: SelfEvalForm) -> list[tuple[str, FormItem]]:
        """The required items without an answer, principle by principle."""
        return [(p, i) for p in form.principles for i in form.items if i.required and self.value(p, i.key) is None]


def new_evaluation(respondent: str, period: str | Period, answers: dict[str, dict[str, Any]]) -> SelfEvaluation:
    """A SelfEvaluation from the form's input (not a file); bad input becomes one Danish sentence."""
    try:
        # pydantic parses the period (BeforeValidator) from its text as from a Period
        return SelfEvaluation.model_validate({"respondent": respondent, "period": period, "answers": answers})
    except ValidationError as exc:
        _, message = describe_validation_error(exc)
        raise WorkbenchError(message) from None


def check_answers(evaluation: SelfEvaluation, form: SelfEvalForm, doc: YamlDocument | None = None) -> None:
    """Every principle and item must be in the form, every score an integer on its scale, every text a text."""
    path = doc.path if doc is not None else None

    def line(*loc: str) -> int | None:
        return _key_line(doc, ("answers",) + loc) if doc is not None else None

    for principle, items in evaluation.answers.items():
        if principle not in form.principles:
            raise WorkbenchError(
                f"Princippet '{principle}' findes ikke i selvevalueringsformularen; brug en af: "
                f"{', '.join(form.principles)}.", path, line(principle),
            )
        for key, value in items.items():
            item = form.item(key)
            if item is None:
                raise WorkbenchError(
                    f"Spørgsmålet '{key}' under {principle} findes ikke i formularen; brug en af: "
                    f"{', '.join(i.key for i in form.items)}.", path, line(principle, key),
                )
            if value is None:
                continue
            if item.kind == "score":
                scale = form.scale_of(item)
                if isinstance(value, bool) or not isinstance(value, int) or value not in scale.steps:
                    raise WorkbenchError(
                        f"Svaret på {principle} '{item.heading}' er {value!r}, men skal være et helt tal fra "
                        f"{scale.min} til {scale.max}.", path, line(principle, key),
                    )
            elif not isinstance(value, str):
                raise WorkbenchError(
                    f"Svaret på {principle} '{item.heading}' skal være tekst (fundet: {value!r}).",
                    path, line(principle, key),
                )


def _key_line(doc: YamlDocument, loc: tuple[str, ...]) -> int | None:
    """The file line of the key at `loc` in nested mappings (line_of gives the value's, which for a nested
    mapping is the line below the key)."""
    node = doc.node
    for depth, part in enumerate(loc):
        if not isinstance(node, yaml.MappingNode):
            return None
        key, node = next(((k, v) for k, v in node.value if getattr(k, "value", None) == part), (None, None))
        if key is None:
            return None
        if depth == len(loc) - 1:
            return key.start_mark.line + doc.first_line
    return None


@dataclass(frozen=True)
class AnswerFile:
    """A validated answers file: the current answer or an earlier submitted version in .historik."""

    evaluation: SelfEvaluation
    path: Path
    doc: YamlDocument
    lines: list[str]
    current: bool


def read_answer(path: Path, form: SelfEvalForm, period: Period, respondent: str, current: bool) -> AnswerFile:
    text = read_text(path)
    if not text.strip():
        raise WorkbenchError("Filen er tom. Slet den, eller udfyld besvarelsen igen i formularen.", path)
    doc = parse_yaml(text, path)
    if not isinstance(doc.data, dict):
        raise WorkbenchError(
            "En besvarelse skal være en YAML-samling med respondent, period, status og answers.", path, 1
        )
    evaluation = validate(SelfEvaluation, doc)
    if evaluation.period != period:
        raise WorkbenchError(
            f"Besvarelsen gælder {evaluation.period}, men ligger i mappen {period}. Flyt filen eller ret 'period'.",
            path, doc.line_of(("period",)),
        )
    if evaluation.respondent != respondent:
        raise WorkbenchError(
            f"Respondenten '{evaluation.respondent}' skal være lig med filens navn '{respondent}'. Ret feltet eller "
            f"omdøb filen.", path, doc.line_of(("respondent",)),
        )
    if not current and not evaluation.is_submitted:
        raise WorkbenchError(
            "Historikken gemmer kun indsendte besvarelser; status skal være 'indsendt'.", path, doc.line_of(("status",))
        )
    check_answers(evaluation, form, doc)
    return AnswerFile(evaluation, path, doc, text.split("\n"), current)


def answer_path(project: SelfEvalProject, period: Period, respondent: str) -> Path:
    return project.selfeval_dir / str(period) / f"{check_respondent(respondent)}.yaml"


def history_dir(project: SelfEvalProject, period: Period, respondent: str) -> Path:
    return project.selfeval_dir / str(period) / HISTORY_DIR / check_respondent(respondent)


def period_dirs(project: SelfEvalProject) -> list[tuple[Period, Path]]:
    """The half-year folders in selfeval/, oldest first; any other folder is an error (a typo like 2025-H3)."""
    if not project.selfeval_dir.is_dir():
        return []
    found = []
    for folder in sorted(p for p in project.selfeval_dir.iterdir() if p.is_dir() and not p.name.startswith(".")):
        try:
            found.append((Period.parse(folder.name), folder))
        except ValueError as exc:
            raise WorkbenchError(f"Mappen er ikke et halvår: {exc}. Omdøb mappen.", folder) from None
    return sorted(found)


def answer_files(project: SelfEvalProject, form: SelfEvalForm) -> Iterator[AnswerFile]:
    """Every answers file in the project, current ones and their history, validated."""
    for period, folder in period_dirs(project):
        for path in sorted(folder.glob("*.yaml")):
            yield read_answer(path, form, period, path.stem, current=True)
        history = folder / HISTORY_DIR
        if history.is_dir():
            for respondent_dir in sorted(p for p in history.iterdir() if p.is_dir()):
                for path in sorted(respondent_dir.glob("*.yaml")):
                    yield read_answer(path, form, period, respondent_dir.name, current=False)


def has_answers(project: SelfEvalProject) -> bool:
    """Whether any half-year folder holds an answers file (an empty folder, made ahead of time, does not count)."""
    return any(next(folder.glob("*.yaml"), None) is not None for _, folder in period_dirs(project))


def current_answer(
    project: SelfEvalProject, form: SelfEvalForm, period: Period, respondent: str
) -> SelfEvaluation | None:
    """The respondent's current answer (draft or submitted) for the half year, or None."""
    path = answer_path(project, period, respondent)
    if not path.exists():
        return None
    return read_answer(path, form, period, respondent, current=True).evaluation


def submitted_files(project: SelfEvalProject, form: SelfEvalForm) -> list[AnswerFile]:
    """Per respondent and half year: the current answer if submitted, else the newest submitted version in history."""
    chosen: dict[tuple[Period, str], AnswerFile] = {}
    for answer in answer_files(project, form):
        if not answer.evaluation.is_submitted:
            continue
        key = (answer.evaluation.period, answer.evaluation.respondent)
        held = chosen.get(key)
        if held is None or (not held.current and (answer.current or _when(answer) > _when(held))):
            chosen[key] = answer
    return [chosen[key] for key in sorted(chosen)]


def submitted_evaluations(project: SelfEvalProject, form: SelfEvalForm | None = None) -> list[SelfEvaluation]:
    return [a.evaluation for a in submitted_files(project, form or load_form(project))]


def respondents(project: SelfEvalProject) -> list[str]:
    """Everyone who has an answer file in some half year, for the form's suggestions."""
    return sorted({p.stem for _, folder in period_dirs(project) for p in folder.glob("*.yaml")})


def _when(answer: AnswerFile) -> dt.datetime:
    return answer.evaluation.submitted or answer.evaluation.saved or dt.datetime.min
