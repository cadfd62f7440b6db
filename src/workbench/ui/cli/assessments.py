"""`workbench assessments [--json] [--round R] [--xlsx [FIL]]`: the evaluator's judgements and the agreement
between assessors. Registered on the main parser by `register(commands)` (see ui/cli/__init__.py)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.ui.cli.common import Commands, project_of

if TYPE_CHECKING:
    from workbench.judgements.store import Assessments
    from workbench.project import Project

HELP = "principvurderinger: niveau, begrundelse og belæg pr. princip og runde, og enigheden mellem bedømmere"


def register(commands: Commands) -> None:
    p = commands.add("assessments", cmd_assessments, HELP)
    p.add_argument("--json", action="store_true")
    p.add_argument("--round", metavar="R", help="kun denne runde (halvår), fx 2025-H2")
    p.add_argument("--xlsx", nargs="?", const="", metavar="FIL.xlsx",
                   help="skriv også vurderingerne til Excel (standard: exports/vurderinger.xlsx)")


def cmd_assessments(args) -> int:
    from workbench.judgements.store import check_round, load_assessments
    from workbench.judgements.table import agreement_rows, development_rows, judgement_rows, problem_rows

    project = project_of(args)
    round_ = check_round(args.round) if args.round else None
    assessments = load_assessments(project)
    rubric = project.settings.rubric
    judgements = judgement_rows(assessments, rubric, round_)
    agreement = agreement_rows(assessments, rubric, round_)
    problems = problem_rows(assessments, project.relative, round_)
    development = development_rows(assessments, rubric, [c.key for c in project.codebook.principles], round_)
    if args.json:
        print(json.dumps({"judgements": judgements, "agreement": agreement, "development": development,
                          "unavailable_evidence": problems}, ensure_ascii=False, indent=2))
    else:
        print(render(project, assessments, agreement, problems, round_, development))
    if args.xlsx is not None:
        from workbench.exchange.assessments_xlsx import export_assessments_xlsx

        result = export_assessments_xlsx(project, Path(args.xlsx) if args.xlsx else None, round_)
        print(f"Excel-filen er skrevet til {result.path} med arkene: {', '.join(result.sheets)}.")
    return 0


def _short(label: str) -> str:
    """"i høj grad" → "høj": the GUIDE columns are narrow."""
    words = label.split()
    if len(words) == 3 and words[0] == "i" and words[2] == "grad":
        return words[1]
    return label


def _cell(label: str | None, width: int) -> str:
    return f"{(label or '–'):<{width}}"


def render(project: Project, assessments: Assessments, agreement: list[dict], problems: list[dict],
           round_: str | None, development: Sequence[dict] = ()) -> str:
    """The judgements as Danish text tables: per round and principle, one line per assessor."""
    from workbench.judgements.development import standing
    from workbench.judgements.model import GUIDE, QUESTIONS, criterion_label
    from workbench.lang import numbers
    from workbench.selfeval.period import Period

    labels = {level.key: level.label for level in project.settings.rubric.levels}
    rounds = [round_] if round_ else assessments.rounds()
    if not any(assessments.in_round(r) for r in rounds):
        where = f" i {Period.parse(round_).label}" if round_ else ""
        return f"Ingen vurderinger{where} endnu (assessments/<runde>/<bedømmer>/<princip>.yaml)."
    width = max(len(text) for text in [*labels.values(), *(criterion_label(q) for q in QUESTIONS)]) + 2
    lines: list[str] = []
    for current in rounds:
        judged = assessments.in_round(current)
        if not judged:
            continue
        lines += [f"Vurderinger – {Period.parse(current).label}", ""]
        header = "  " + _cell("Bedømmer", 12) + "".join(_cell(criterion_label(q), width) for q in QUESTIONS)
        header += "GUIDE (" + " ".join(criterion_label(g)[0] for g in GUIDE) + ")"
        for code in project.codebook.principles:
            mine = [j for j in judged if j.principle == code.key]
            state = standing(assessments.judgements, code.key, current).state
            lines.append(f"{code.key} {code.name} – {state}")
            if not mine:
                lines.append("")
                continue
            lines.append(header)
            for j in mine:
                guide = " ".join(_short(labels[level]) if (level := j.level(g)) else "–" for g in GUIDE)
                name = j.assessor  # the consensus is stored as its own assessor, shown by that name
                levels = "".join(_cell(labels.get(j.level(q) or ""), width) for q in QUESTIONS)
                lines.append("  " + _cell(name, 12) + levels + guide)
            moved = [d for d in development if (d["round"], d["principle"]) == (current, code.key) and d["steps"]]
            if moved:
                since = Period.parse(moved[0]["previous_round"]).label
                lines.append(f"  Siden {since}: " + "; ".join(
                    f"{criterion_label(d['question']).lower()} {labels[d['previous_level']]} → {labels[d['level']]}"
                    for d in moved))
            lines.append("")
        for item in (a for a in agreement if a["round"] == current):
            a, b = item["assessors"]
            alpha = ("kan ikke beregnes (ingen variation)" if item["alpha"] is None
                     else numbers.decimal(item["alpha"], 2))
            lines.append(
                f"Enighed mellem {a} og {b}: Krippendorffs alpha (ordinal) {alpha}, n = {item['n']} kriterier, "
                f"{item['identical']} på samme niveau."
            )
            for d in item["disagreements"]:
                lines.append(f"  Uenige om {d['principle']} {criterion_label(d['question']).lower()}: "
                             f"{a} {labels[d['level_a']]}, {b} {labels[d['level_b']]}")
            lines.append("")
    if problems:
        lines.append("Belæg, der ikke kan vises (udeladt af kapitel og eksport):")
        lines += [f"  {p['file']}:{p['line']}: {p['ref']} – {p['reason']}" for p in problems]
    lines.append("GUIDE: V vejledende, B brugbart, I inspirerende, U udviklende, E evaluerbart "
                 "(høj = i høj grad, nogen = i nogen grad, mindre = i mindre grad).")
    return "\n".join(lines).rstrip()
