"""Saving a self-evaluation: drafts and submissions, each earlier submission kept in `.historik` first.

Two windows (or a phone and a laptop) may hold the same answer. Each save returns the version it wrote (a hash
of the file); a caller that passes the version it started from as `replaces` gets `AnswerConflict` instead of
silently overwriting a save made elsewhere in between, and can merge the two (`merge_answers`, a three-way merge
per item: an item only one side changed takes that side's value; one both changed differently is a `Clash`)
and save again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from workbench.anonymity import KIND_LABELS, find_personal_data
from workbench.errors import WorkbenchError
from workbench.io.files import atomic_write_text, locked
from workbench.io.yaml import read_text
from workbench.selfeval.answers import (
    ANSWERS_FORMAT_VERSION,
    STATUS_DRAFT,
    STATUS_SUBMITTED,
    AnswerFile,
    SelfEvaluation,
    Status,
    answer_path,
    check_answers,
    history_dir,
    read_answer,
)
from workbench.selfeval.form import SelfEvalForm, SelfEvalProject, load_form


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
        "format_version": ANSWERS_FORMAT_VERSION,
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


Answers = dict[str, dict[str, object]]  # answers[principle][item], unanswered items left out


@dataclass(frozen=True)
class Clash:
    """An item both windows changed, differently: `mine` is kept and `theirs` shown beside it."""

    principle: str
    item: str
    mine: object
    theirs: object


def merge_answers(base: Answers, mine: Answers, theirs: Answers) -> tuple[Answers, list[Clash]]:
    """The merged answers and the items both sides changed differently (kept as `mine`)."""
    keys = {(p, i) for answers in (base, mine, theirs) for p, items in answers.items() for i in items}
    merged: Answers = {}
    clashes = []
    for principle, item in sorted(keys):
        was, now, other = (a.get(principle, {}).get(item) for a in (base, mine, theirs))
        if now == other or other == was:
            value = now
        elif now == was:
            value = other
        else:
            value = now
            clashes.append(Clash(principle, item, now, other))
        if value is not None:
            merged.setdefault(principle, {})[item] = value
    return merged, clashes


class Saved(NamedTuple):
    path: Path
    version: str  # what `answer_version` gives for the file just written


class AnswerConflict(WorkbenchError):
    """The answer file changed after the caller read it: saved from another window or device."""

    def __init__(self, path: Path, version: str, theirs: SelfEvaluation | None):
        self.version = version
        self.theirs = theirs
        when = f" kl. {theirs.saved:%H:%M:%S}" if theirs is not None and theirs.saved else ""
        super().__init__(
            f"Besvarelsen blev gemt et andet sted{when} (fx i et andet vindue), efter du åbnede den her; "
            f"dine ændringer er ikke gemt endnu.", path,
        )


def answer_version(path: Path) -> str:
    """The version of an answer file: a hash of its bytes, "" when there is no file yet."""
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else ""


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


def personal_data(project: SelfEvalProject, evaluation: SelfEvaluation) -> list[str]:
    """Possible personal data in the free texts, one Danish line each ("P1 Eksempler fra praksis: navn: Fatima")."""
    form = load_form(project)
    anonymity = project.codebook.anonymity
    lines = []
    for principle in form.principles:
        for item in form.items:
            text = evaluation.value(principle, item.key)
            if item.kind == "score" or not isinstance(text, str):
                continue
            for finding in find_personal_data(text, allowed=anonymity.allowed_terms, places=anonymity.local_places):
                lines.append(f"{principle} {item.heading}: {KIND_LABELS[finding.kind]}: {finding.text}")
    return lines


def _store(project: SelfEvalProject, evaluation: SelfEvaluation, status: Status, now: dt.datetime | None,
           replaces: str | None) -> Saved:
    form = load_form(project)
    check_answers(evaluation, form)
    if status == STATUS_SUBMITTED:
        found = personal_data(project, evaluation)
        if found:
            raise WorkbenchError(
                "Besvarelsen er ikke indsendt, fordi teksten kan indeholde personoplysninger (navne, adresser, "
                "telefonnumre o.l.). Skriv om, så ingen kan genkendes, og indsend igen:\n" + "\n".join(found)
            )
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
        previous = read_answer(path, form, evaluation.period, evaluation.respondent, True) if path.exists() else None
        if replaces is not None and answer_version(path) != replaces:
            raise AnswerConflict(path, answer_version(path), previous.evaluation if previous else None)
        if previous is not None and previous.evaluation.is_submitted:
            _archive(project, previous, now)
        atomic_write_text(path, text)
    return Saved(path, hashlib.sha256(text.encode("utf-8")).hexdigest())


def save_draft(project: SelfEvalProject, evaluation: SelfEvaluation, now: dt.datetime | None = None,
               replaces: str | None = None) -> Saved:
    """Save unfinished answers (status kladde); a submitted answer it replaces is kept in .historik.

    `replaces`: the version the caller started from ("" for none); another version on disk is an AnswerConflict.
    """
    return _store(project, evaluation, STATUS_DRAFT, now, replaces)


def submit(project: SelfEvalProject, evaluation: SelfEvaluation, now: dt.datetime | None = None,
           replaces: str | None = None) -> Saved:
    """Submit (status indsendt) once every required item is answered; an earlier submission is kept in .historik."""
    return _store(project, evaluation, STATUS_SUBMITTED, now, replaces)
