"""Assessment files: `assessments/<round>/<assessor>/<principle>.yaml`, validated, written atomically.

The path is the authority for round, assessor and principle; the same keys in the file must agree.
Every problem a person can make by hand (an unknown principle, round, assessor, question, GUIDE
criterion, level or evidence reference) is one Danish sentence naming the file and line. Saving runs
the very same checks on the text about to be written, so a file the workbench writes always loads.
Evidence that has become unavailable (withdrawn or deleted document, changed text) is not an error:
it is returned as a problem to report, and the judgement keeps its reference.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from workbench.errors import WorkbenchError
from workbench.io.files import atomic_write_text, locked
from workbench.io.yaml import YamlDocument, load_yaml_file, parse_yaml, validate
from workbench.judgements.evidence import EvidenceIndex, Unavailable, UnknownEvidence
from workbench.judgements.model import ASSESSOR, CONSENSUS, GUIDE, QUESTIONS, Judgement
from workbench.judgements.rubric import require_level
from workbench.project import Project
from workbench.selfeval.period import Period

ASSESSMENTS_DIR = "assessments"


@dataclass(frozen=True)
class EvidenceProblem:
    """A cited reference that can't be shown; printed by reference and reason, never with the material's text."""

    path: Path
    line: int | None
    principle: str
    round: str
    assessor: str
    criterion: str
    ref: str
    reason: str
    withdrawn: bool


@dataclass
class Assessments:
    judgements: list[Judgement] = field(default_factory=list)
    problems: list[EvidenceProblem] = field(default_factory=list)
    paths: dict[tuple[str, str, str], Path] = field(default_factory=dict)  # (round, assessor, principle) → file

    def rounds(self) -> list[str]:
        return sorted({j.round for j in self.judgements})

    def in_round(self, round_: str) -> list[Judgement]:
        return [j for j in self.judgements if j.round == round_]

    def get(self, round_: str, assessor: str, principle: str) -> Judgement | None:
        return next(
            (j for j in self.judgements if (j.round, j.assessor, j.principle) == (round_, assessor, principle)), None
        )

    def unavailable(self, judgement: Judgement) -> set[str]:
        """The references of this judgement that can't be shown."""
        return {
            p.ref for p in self.problems
            if (p.round, p.assessor, p.principle) == (judgement.round, judgement.assessor, judgement.principle)
        }


def assessments_dir(project: Project) -> Path:
    return project.root / ASSESSMENTS_DIR


def judgement_path(project: Project, round_: str, assessor: str, principle: str) -> Path:
    return assessments_dir(project) / round_ / assessor / f"{principle}.yaml"


def check_round(value: str, path: Path | None = None, line: int | None = None) -> str:
    try:
        return str(Period.parse(value))
    except ValueError as exc:
        raise WorkbenchError(
            f"Vurderingsrunden '{value}' er ukendt: {exc}. Runden er det halvår, vurderingen gælder.", path, line
        ) from exc


def known_assessors(project: Project) -> set[str]:
    """Who may judge: the coders with a coding log, the hub users' coder names, and the consensus."""
    names = set(project.coding_store().coders()) | {CONSENSUS}
    names |= {u.coder for u in project.settings.hub_users.values() if u.coder}
    if project.settings.primary_coder:
        names.add(project.settings.primary_coder)
    return names


def check_assessor(project: Project, value: str, path: Path | None = None, line: int | None = None) -> str:
    if not ASSESSOR.match(value or ""):
        raise WorkbenchError(
            f"Bedømmeren '{value}' kan ikke bruges; skriv initialer eller et pseudonym "
            "(bogstaver, tal, '-' eller '_').",
            path, line,
        )
    known = known_assessors(project)
    if value not in known:
        raise WorkbenchError(
            f"Bedømmeren '{value}' er ukendt; kendte bedømmere er {', '.join(sorted(known))}. En ny bedømmer "
            "tilføjes i project.yaml under hub_users (coder: initialer).", path, line,
        )
    return value


def check_principle(project: Project, value: str, path: Path | None = None, line: int | None = None) -> str:
    keys = [c.key for c in project.codebook.principles]
    if value not in keys:
        raise WorkbenchError(f"Princippet '{value}' findes ikke i kodebogen; brug et af: {', '.join(keys)}.",
                             path, line)
    return value


def _key_line(doc: YamlDocument, loc: tuple) -> int | None:
    """The line of a mapping *key* (line_of gives the value's line, which for a nested mapping is the next line)."""
    node = doc.node
    for depth, part in enumerate(loc):
        if not isinstance(node, yaml.MappingNode):
            return None
        for key, value in node.value:
            if getattr(key, "value", None) == part:
                if depth == len(loc) - 1:
                    return key.start_mark.line + doc.first_line
                node = value
                break
        else:
            return None
    return None


def _parse(project: Project, doc: YamlDocument, round_: str, assessor: str, principle: str,
           index: EvidenceIndex) -> tuple[Judgement, list[EvidenceProblem]]:
    path = doc.path
    data = doc.data
    if not isinstance(data, dict):
        raise WorkbenchError("Vurderingsfilen skal være en YAML-samling med nøglerne questions og guide.", path, 1)
    for key, expected in (("principle", principle), ("round", round_), ("assessor", assessor)):
        if key in data and str(data[key]) != expected:
            raise WorkbenchError(
                f"'{key}' er '{data[key]}', men filens placering siger '{expected}' "
                f"({ASSESSMENTS_DIR}/<runde>/<bedømmer>/<princip>.yaml). Ret feltet eller flyt filen.",
                path, _key_line(doc, (key,)),
            )
    data = {**data, "principle": principle, "round": round_, "assessor": assessor}
    for section, allowed, what in (("questions", QUESTIONS, "Spørgsmålet"), ("guide", GUIDE, "GUIDE-kriteriet")):
        block = data.get(section)
        if isinstance(block, dict):
            for key in block:
                if key not in allowed:
                    raise WorkbenchError(
                        f"{what} '{key}' er ukendt; brug {', '.join(allowed)}.", path, _key_line(doc, (section, key))
                    )
    judgement = validate(Judgement, YamlDocument(data, doc.node, path, doc.first_line))
    rubric = project.settings.rubric
    problems = []
    for section, criteria in (("questions", judgement.questions), ("guide", judgement.guide)):
        for key, criterion in criteria.items():
            if criterion.level is not None:
                criterion.level = require_level(rubric, criterion.level, path, doc.line_of((section, key, "level")))
            for number, ref in enumerate(getattr(criterion, "evidence", [])):
                line = doc.line_of((section, key, "evidence", number))
                try:
                    found = index.resolve(ref)
                except UnknownEvidence as exc:
                    raise WorkbenchError(f"Belægget {exc}.", path, line) from exc
                if isinstance(found, Unavailable):
                    problems.append(EvidenceProblem(path, line, principle, round_, assessor, key, ref, found.reason,
                                                    found.withdrawn))
    return judgement, problems


def load_judgement_file(project: Project, path: Path, index: EvidenceIndex | None = None
                        ) -> tuple[Judgement, list[EvidenceProblem]]:
    path = Path(path)
    try:
        relative = path.resolve().relative_to(assessments_dir(project).resolve())
    except ValueError as exc:
        raise WorkbenchError(f"Vurderingsfiler ligger i {ASSESSMENTS_DIR}/<runde>/<bedømmer>/.", path) from exc
    if len(relative.parts) != 3 or path.suffix != ".yaml":
        raise WorkbenchError(
            f"Vurderingsfiler ligger som {ASSESSMENTS_DIR}/<runde>/<bedømmer>/<princip>.yaml, fx "
            f"{ASSESSMENTS_DIR}/2025-H2/NP/P1.yaml.", path,
        )
    round_, assessor, _ = relative.parts
    round_ = check_round(round_, path)
    check_assessor(project, assessor, path)
    check_principle(project, path.stem, path)
    return _parse(project, load_yaml_file(path), round_, assessor, path.stem, index or EvidenceIndex(project))


def load_assessments(project: Project, index: EvidenceIndex | None = None) -> Assessments:
    """Every assessment file of the project; the first bad one stops with its Danish error."""
    folder = assessments_dir(project)
    result = Assessments()
    if not folder.is_dir():
        return result
    index = index or EvidenceIndex(project)
    for path in sorted(folder.rglob("*")):
        if path.is_dir() or path.name.startswith(".") or any(p.startswith(".") for p in path.relative_to(folder).parts):
            continue
        if path.suffix in (".yml",):
            raise WorkbenchError("Vurderingsfiler skal hedde <princip>.yaml (ikke .yml).", path)
        if path.suffix != ".yaml":
            continue
        judgement, problems = load_judgement_file(project, path, index)
        result.judgements.append(judgement)
        result.problems += problems
        result.paths[(judgement.round, judgement.assessor, judgement.principle)] = path
    principles = [c.key for c in project.codebook.principles]
    result.judgements.sort(key=lambda j: (j.round, j.assessor == CONSENSUS, j.assessor, principles.index(j.principle)))
    return result


# ---------------------------------------------------------------------------------------------- writing


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data) -> bool:
        return True


def _represent_text(dumper: yaml.SafeDumper, value: str):
    # long rationales as folded blocks: readable and editable by hand, no quoting of ' or ':'
    style = "|" if "\n" in value else ">" if len(value) > 60 else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_text)


def dump_judgement(project: Project, judgement: Judgement) -> str:
    name = next(c.name for c in project.codebook.principles if c.key == judgement.principle)
    who = "konsensus mellem bedømmerne" if judgement.assessor == CONSENSUS else f"bedømmer {judgement.assessor}"
    header = (
        f"# Vurdering af {judgement.principle} {name}, {Period.parse(judgement.round).label}, {who}.\n"
        "# Skrevet af Vurdering-fanen; kan rettes i hånden (se docs/vurdering.md). Niveauer: "
        + ", ".join(level.key for level in project.settings.rubric.levels) + ".\n"
    )
    data: dict = {"principle": judgement.principle, "round": judgement.round, "assessor": judgement.assessor}
    if judgement.statement:
        data["statement"] = judgement.statement
    data["questions"] = {
        q: {"level": j.level, "rationale": j.rationale, "evidence": list(j.evidence)}
        for q in QUESTIONS if (j := judgement.questions.get(q)) is not None
    }
    data["guide"] = {
        g: {"level": c.level, "rationale": c.rationale} for g in GUIDE if (c := judgement.guide.get(g)) is not None
    }
    body = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=110, default_flow_style=False)
    return header + body


def save_judgement(project: Project, judgement: Judgement, index: EvidenceIndex | None = None) -> Path:
    """Validate and write one judgement; on any error nothing is written."""
    round_ = check_round(judgement.round)
    path = judgement_path(project, round_, judgement.assessor, judgement.principle)
    check_assessor(project, judgement.assessor, path)
    check_principle(project, judgement.principle, path)
    judgement = judgement.model_copy(update={"round": round_})
    text = dump_judgement(project, judgement)
    _parse(project, parse_yaml(text, path), round_, judgement.assessor, judgement.principle,
           index or EvidenceIndex(project))
    with locked(path):
        atomic_write_text(path, text)
    return path
