"""`workbench selfeval-summary`: the team's self-evaluation figures, as text tables or JSON."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from workbench.ui.cli.common import Commands, project_of

if TYPE_CHECKING:
    from workbench.project import Project


def register(commands: Commands) -> None:
    p = commands.add(
        "selfeval-summary", cmd_selfeval_summary,
        "selvevalueringer: n, gennemsnit, median, min og maks pr. princip og halvår",
    )
    p.add_argument("--json", action="store_true")


def cmd_selfeval_summary(args) -> int:
    from workbench.selfeval.summary import summary_records, summary_table

    project = project_of(args)
    if args.json:
        print(json.dumps(summary_records(summary_table(project)), ensure_ascii=False, indent=2))
    else:
        print(selfeval_summary_text(project))
    return 0


def selfeval_summary_text(project: Project) -> str:
    """The self-evaluation summary as text tables, one per principle."""
    from workbench.report.text_da import disagreement_note, selfeval_summary
    from workbench.selfeval.summary import DisagreementLimits, summary_table

    table = summary_table(project)
    if table.empty:
        return "Der er endnu ingen indsendte selvevalueringer i selfeval/."
    formatted = selfeval_summary(table)
    blocks = ["Selvevaluering i supportteamet: svar pr. princip og halvår"]
    for principle in dict.fromkeys(formatted["Princip"]):
        part = formatted[formatted["Princip"] == principle].drop(columns="Princip")
        blocks.append(f"{principle}\n{part.to_string(index=False)}")
    blocks.append(disagreement_note(DisagreementLimits.of(project)))
    return "\n\n".join(blocks)
