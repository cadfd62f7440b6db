"""The support team's half-yearly self-evaluation: the form, the answers, their history and the summary.

Files in a project (DESIGN.md):

    selfeval/form.yaml                                    the form: principles, scales, items (editable)
    selfeval/<YYYY>-H<1|2>/<respondent>.yaml              a respondent's current answer, status kladde|indsendt
    selfeval/<YYYY>-H<1|2>/.historik/<respondent>/<t>.yaml  earlier submitted versions, named by submission time

A submitted answer is never overwritten without first being copied, byte for byte, into `.historik`
(whether a resubmission or a new draft replaces it), so every submitted version is kept. Summaries
count, per respondent and half year, the current answer when it is submitted, otherwise the newest
submitted version in `.historik`: a resubmission saved as a draft does not take the earlier answer out
of the team's figures. Drafts never count.

Required answers are checked when an answer is submitted, not when files are read, so adding a
required item to form.yaml later leaves earlier half years valid.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import statistics
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Final, Literal, Protocol

import pandas as pd
import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from workbench.errors import WorkbenchError
from workbench.io.files import atomic_write_text, locked
from workbench.io.yaml import (
    YamlDocument,
    describe_validation_error,
    parse_yaml,
    read_text,
    validate,
)
from workbench.material.codebook import Codebook
from workbench.material.corpus import Document, Metadata


class SelfEvalProject(Protocol):
    """What this module needs of a project: its selfeval/ folder and its codebook (a `Project` has both).

    Declared here, not imported, so the self-evaluation sits below the project layer.
    """

    @property
    def selfeval_dir(self) -> Path: ...

    @property
    def codebook(self) -> Codebook: ...


@dataclass(frozen=True)
class FreeText:
    """A free-text answer and the file line it starts on; the privacy layer turns these into text sources."""

    path: Path
    text: str
    line: int

FORM_FILE = "form.yaml"
HISTORY_DIR = ".historik"
STATUS_DRAFT: Final = "kladde"
STATUS_SUBMITTED: Final = "indsendt"
ADHERENCE = "adherence"

# Disagreement on a 1-5 scale: someone answers "i mindre grad" and someone "i meget høj grad" (range ≥ 3),
# or the answers are spread widely overall (sample standard deviation ≥ 1.2).
DISAGREEMENT_RANGE = 3
DISAGREEMENT_SD = 1.2


@dataclass(frozen=True)
class DisagreementLimits:
    """When the team disagrees (project.yaml: disagreement_range, disagreement_sd); today's defaults above."""

    range: int = DISAGREEMENT_RANGE
    sd: float = DISAGREEMENT_SD

    @classmethod
    def of(cls, project: Any) -> DisagreementLimits:
        """From a project's settings; a project object without settings gets the defaults."""
        settings = getattr(project, "settings", None)
        if settings is None:
            return cls()
        return cls(settings.disagreement_range, settings.disagreement_sd)

# Codable documents: who the free texts come from (a respondent group in the codebook) and how quotes are attributed.
SELFEVAL_GROUP = "supportteam"
SELFEVAL_ROLE = "medarbejder"

_PERIOD = re.compile(r"^(?P<year>\d{4})-H(?P<half>[12])$")
_RESPONDENT = re.compile(r"^[A-Za-zÆØÅæøå0-9][A-Za-zÆØÅæøå0-9_-]{0,23}$")
# "AnneKrogh", "Anne.Krogh", "Anne_Krogh": two capitalised words without a space are a name too.
_JOINED_NAME = re.compile(r"^[A-ZÆØÅ][a-zæøåé]+(?:[._-]?[A-ZÆØÅ][a-zæøåé]+)+$")
_DOC_ID_LETTERS = str.maketrans({"Æ": "AE", "Ø": "OE", "Å": "AA", "æ": "ae", "ø": "oe", "å": "aa"})
_BLOCK_SCALAR = re.compile(r"[|>][-+]?\d?\s*$")


# ---------------------------------------------------------------------------------------------- periods


@dataclass(frozen=True, order=True)
class Period:
    """A half year: H1 is January-June, H2 July-December."""

    year: int
    half: int

    @classmethod
    def parse(cls, text: Any) -> Period:
        """Raises ValueError with a Danish message, so pydantic and callers can both use it."""
        if isinstance(text, Period):
            return text
        match = _PERIOD.match(str(text).strip())
        if not match:
            raise ValueError(
                f"halvåret '{text}' har en ugyldig form; skriv det som ÅÅÅÅ-H1 (januar-juni) eller ÅÅÅÅ-H2 "
                f"(juli-december), fx 2025-H1"
            )
        return cls(int(match["year"]), int(match["half"]))

    @classmethod
    def containing(cls, day: dt.date) -> Period:
        return cls(day.year, 1 if day.month <= 6 else 2)

    def __str__(self) -> str:
        return f"{self.year}-H{self.half}"

    @property
    def label(self) -> str:
        return f"{self.half}. halvår {self.year}"

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 1 if self.half == 1 else 7, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.year, 6, 30) if self.half == 1 else dt.date(self.year, 12, 31)

    def previous(self) -> Period:
        return Period(self.year - 1, 2) if self.half == 1 else Period(self.year, 1)


# ------------------------------------------------------------------------------------------ respondents


def _respondent_problem(value: str) -> str | None:
    """Why `value` cannot be a respondent (a Danish sentence), or None. Never a full name."""
    value = (value or "").strip()
    if not value:
        return "skriv dine initialer eller et pseudonym"
    words = value.split()
    if (len(words) > 1 and sum(w[:1].isupper() for w in words) >= 2) or _JOINED_NAME.match(value):
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


# ----------------------------------------------------------------------------------------------- the form


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
        assert item.scale is not None  # score items name their scale (FormItem checks it)
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


# -------------------------------------------------------------------------------------------- the answers


def _respondent(value: Any) -> Any:
    if isinstance(value, str):
        problem = _respondent_problem(value)
        if problem:
            raise ValueError(problem)
        return value.strip()
    return value


class SelfEvaluation(BaseModel):
    """One respondent's answers for one half year: answers[principle][item] = score or text."""

    model_config = ConfigDict(extra="forbid")

    respondent: Annotated[str, BeforeValidator(_respondent)]
    period: Annotated[Period, BeforeValidator(Period.parse)]
    status: Literal["kladde", "indsendt"] = STATUS_DRAFT
    saved: dt.datetime | None = None
    submitted: dt.datetime | None = None
    answers: dict[str, dict[str, Any]] = Field(default_factory=dict)

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
        return SelfEvaluation(respondent=respondent, period=period, answers=answers)  # type: ignore[arg-type]
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
                    path,
                    line(principle, key),
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


def _read_answer(path: Path, form: SelfEvalForm, period: Period, respondent: str, current: bool) -> AnswerFile:
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


def _answer_files(project: SelfEvalProject, form: SelfEvalForm) -> Iterator[AnswerFile]:
    """Every answers file in the project, current ones and their history, validated."""
    for period, folder in period_dirs(project):
        for path in sorted(folder.glob("*.yaml")):
            yield _read_answer(path, form, period, path.stem, current=True)
        history = folder / HISTORY_DIR
        if history.is_dir():
            for respondent_dir in sorted(p for p in history.iterdir() if p.is_dir()):
                for path in sorted(respondent_dir.glob("*.yaml")):
                    yield _read_answer(path, form, period, respondent_dir.name, current=False)


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
    return _read_answer(path, form, period, respondent, current=True).evaluation


def _submitted_files(project: SelfEvalProject, form: SelfEvalForm) -> list[AnswerFile]:
    """Per respondent and half year: the current answer if submitted, else the newest submitted version in history."""
    chosen: dict[tuple[Period, str], AnswerFile] = {}
    for answer in _answer_files(project, form):
        if not answer.evaluation.is_submitted:
            continue
        key = (answer.evaluation.period, answer.evaluation.respondent)
        held = chosen.get(key)
        if held is None or (not held.current and (answer.current or _when(answer) > _when(held))):
            chosen[key] = answer
    return [chosen[key] for key in sorted(chosen)]


def submitted_evaluations(project: SelfEvalProject, form: SelfEvalForm | None = None) -> list[SelfEvaluation]:
    return [a.evaluation for a in _submitted_files(project, form or load_form(project))]


def respondents(project: SelfEvalProject) -> list[str]:
    """Everyone who has an answer file in some half year, for the form's suggestions."""
    return sorted({p.stem for _, folder in period_dirs(project) for p in folder.glob("*.yaml")})


def _when(answer: AnswerFile) -> dt.datetime:
    return answer.evaluation.submitted or answer.evaluation.saved or dt.datetime.min


# ---------------------------------------------------------------------------------------------- storing


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:  # saved and submitted are often the same moment: no &id001
        return True


def _represent_text(dumper: yaml.SafeDumper, value: str):
    # multi-line answers as literal blocks, so the file reads like the text that was written
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Dumper.add_representer(str, _represent_text)


def _dump(evaluation: SelfEvaluation, form: SelfEvalForm) -> str:
    answers: dict[str, dict[str, Any]] = {}
    for principle in form.principles:
        given = {i.key: evaluation.value(principle, i.key) for i in form.items}
        given = {k: v for k, v in given.items() if v is not None}
        if given:
            answers[principle] = given
    data: dict[str, Any] = {
        "respondent": evaluation.respondent,
        "period": str(evaluation.period),
        "status": evaluation.status,
        "saved": evaluation.saved,
    }
    if evaluation.submitted is not None:
        data["submitted"] = evaluation.submitted
    data["answers"] = answers
    header = (
        f"# Selvevaluering, {evaluation.period.label}. Skrevet af formularen; kan rettes i hånden.\n"
        f"# Kun besvarelser med status: indsendt tæller i teamets opsummering.\n"
    )
    return header + yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=10**6)


def _archive(project: SelfEvalProject, previous: AnswerFile, now: dt.datetime) -> None:
    """Copy a submitted answer, unchanged, into .historik before it is replaced; named by its submission time."""
    evaluation = previous.evaluation
    folder = history_dir(project, evaluation.period, evaluation.respondent)
    stem = (evaluation.submitted or evaluation.saved or now).strftime("%Y-%m-%dT%H-%M-%S")
    text = "\n".join(previous.lines)
    for number in range(1, 1000):
        target = folder / (f"{stem}.yaml" if number == 1 else f"{stem}-{number}.yaml")
        if not target.exists():
            atomic_write_text(target, text)
            return
        if read_text(target) == text:  # already archived (e.g. a save that was interrupted after archiving)
            return
    raise WorkbenchError("Historikken har for mange versioner med samme tidspunkt; ryd op i mappen.", folder)


def _store(project: SelfEvalProject, evaluation: SelfEvaluation, status: str, now: dt.datetime | None) -> Path:
    form = load_form(project)
    check_answers(evaluation, form)
    if status == STATUS_SUBMITTED:
        missing = evaluation.missing(form)
        if missing:
            per_principle: dict[str, list[str]] = {}
            for principle, item in missing:
                per_principle.setdefault(principle, []).append(item.heading)
            listing = "; ".join(
                f"{p} {project.codebook.code(p).name}: {', '.join(items)}" for p, items in per_principle.items()
            )
            raise WorkbenchError(f"Besvarelsen er ikke indsendt, fordi disse påkrævede svar mangler: {listing}.")
    now = (now or dt.datetime.now()).replace(microsecond=0)
    path = answer_path(project, evaluation.period, evaluation.respondent)
    stored = evaluation.model_copy(
        update={"status": status, "saved": now, "submitted": now if status == STATUS_SUBMITTED else None}
    )
    text = _dump(stored, form)
    with locked(path):  # two people saving at once: the second archives the first's submission, not an older one
        previous = _read_answer(path, form, evaluation.period, evaluation.respondent, True) if path.exists() else None
        if previous is not None and previous.evaluation.is_submitted:
            _archive(project, previous, now)
        atomic_write_text(path, text)
    return path


def save_draft(project: SelfEvalProject, evaluation: SelfEvaluation, now: dt.datetime | None = None) -> Path:
    """Save unfinished answers (status kladde); a submitted answer it replaces is kept in .historik."""
    return _store(project, evaluation, STATUS_DRAFT, now)


def submit(project: SelfEvalProject, evaluation: SelfEvaluation, now: dt.datetime | None = None) -> Path:
    """Submit (status indsendt) once every required item is answered; an earlier submission is kept in .historik."""
    return _store(project, evaluation, STATUS_SUBMITTED, now)


# --------------------------------------------------------------------------------------------- summaries

SUMMARY_COLUMNS = [
    "principle", "principle_name", "period", "item", "item_label",
    "n", "mean", "median", "min", "max", "sd", "disagreement",
]


def summary_table(project: SelfEvalProject) -> pd.DataFrame:
    """Per principle, half year and score item: n respondents, mean, median, min, max, sd and disagreement.

    Only submitted answers count. sd is the sample standard deviation (n − 1), empty when n = 1.
    """
    form = load_form(project)
    limits = DisagreementLimits.of(project)
    evaluations = submitted_evaluations(project, form)
    periods = sorted({e.period for e in evaluations})
    rows = []
    for principle in form.principles:
        name = project.codebook.code(principle).name
        for period in periods:
            for item in form.score_items:
                scores = [
                    e.value(principle, item.key) for e in evaluations
                    if e.period == period and e.value(principle, item.key) is not None
                ]
                if not scores:
                    continue
                sd = statistics.stdev(scores) if len(scores) > 1 else math.nan
                rows.append({
                    "principle": principle, "principle_name": name, "period": str(period),
                    "item": item.key, "item_label": item.heading, "n": len(scores),
                    "mean": statistics.fmean(scores), "median": float(statistics.median(scores)),
                    "min": min(scores), "max": max(scores), "sd": sd,
                    "disagreement": max(scores) - min(scores) >= limits.range
                    or (not math.isnan(sd) and sd >= limits.sd),
                })
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def summary_records(table: pd.DataFrame) -> list[dict]:
    """The summary as plain JSON-ready records (numbers as numbers, no sd → null)."""
    records = []
    for row in table.to_dict("records"):
        records.append({
            "principle": row["principle"], "principle_name": row["principle_name"], "period": row["period"],
            "item": row["item"], "item_label": row["item_label"], "n": int(row["n"]),
            "mean": round(float(row["mean"]), 3), "median": float(row["median"]),
            "min": int(row["min"]), "max": int(row["max"]),
            "sd": None if math.isnan(row["sd"]) else round(float(row["sd"]), 3),
            "disagreement": bool(row["disagreement"]),
        })
    return records


def score_item(form: SelfEvalForm, key: str = ADHERENCE) -> FormItem:
    """The form's score item `key`; anything else is refused with the keys that would do."""
    item = form.item(key)
    if item is None or item.kind != "score":
        keys = ", ".join(i.key for i in form.score_items)
        raise WorkbenchError(f"'{key}' er ikke et scorespørgsmål i selvevalueringsformularen; brug en af: {keys}.")
    return item


# ---------------------------------------------------------------------- free texts as codable material


def document_id(evaluation: SelfEvaluation) -> str:
    return f"SE-{evaluation.period}-{evaluation.respondent.translate(_DOC_ID_LETTERS)}"


def codable_documents(project: SelfEvalProject) -> list[Document]:
    """One document per submitted answer: each free-text answer is one paragraph, i.e. one segment.

    The paragraph starts with a short heading ("P1 Familien – Hvad har udfordret:") on the same line, so the
    coder sees what the text answers; line breaks inside an answer are joined so it stays one paragraph.
    """
    if not has_answers(project):
        return []
    form = load_form(project)
    documents = []
    for answer in _submitted_files(project, form):
        evaluation = answer.evaluation
        paragraphs = []
        for principle in form.principles:
            name = project.codebook.code(principle).name
            for item in form.text_items:
                text = evaluation.value(principle, item.key)
                if text:
                    paragraphs.append(f"{principle} {name} – {item.heading}: {' '.join(text.split())}")
        if not paragraphs:
            continue
        meta = Metadata(
            id=document_id(evaluation), type="selfeval", group=SELFEVAL_GROUP, role=SELFEVAL_ROLE,
            unit=SELFEVAL_GROUP, date=evaluation.period.end, consent="given",
        )
        documents.append(Document(meta=meta, body="\n\n".join(paragraphs), path=answer.path, body_line=1))
    return documents


def free_texts(project: SelfEvalProject) -> Iterator[FreeText]:
    """Every free text in every answers file (drafts and history too), with the file line it starts on."""
    if not has_answers(project):
        return
    form = load_form(project)
    text_keys = {i.key for i in form.text_items}
    for answer in _answer_files(project, form):
        for principle, items in answer.evaluation.answers.items():
            for key, value in items.items():
                if key not in text_keys or not value:
                    continue
                line = answer.doc.line_of(("answers", principle, key))
                # a block scalar ("eksempler: |") starts its text on the next line
                if line is not None and _BLOCK_SCALAR.search(answer.lines[line - 1]):
                    line += 1
                yield FreeText(answer.path, value, line or 1)
