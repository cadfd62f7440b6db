"""The `workbench` command: a thin layer over the library, one module per area.

Every command takes --project DIR (default: the current directory). User errors print one Danish
message to stderr and exit with code 2; nothing is half-written.

Adding an area (e.g. `assessments`): write `ui/cli/assessments.py` with a
`register(commands: Commands) -> None` that calls `commands.add(name, handler, help)` (or
`commands.group(...)` for sub-commands) and handlers `cmd_x(args) -> int` that import what they use
inside the function (so `workbench --help` stays fast); then add the module to `AREAS` below. Document
the new commands in docs/formater.md (tests/test_architecture.py checks that every command is there).
"""

from __future__ import annotations

import argparse
import sys

from workbench.errors import WorkbenchError
from workbench.ui.cli import (
    assessments,
    coding,
    consent,
    exchange,
    material,
    privacy,
    report,
    selfeval,
    surveys,
)
from workbench.ui.cli.common import Commands, warn_about_unreadable_codings

# in the order `workbench --help` lists them
AREAS = [material, consent, privacy, report, coding, surveys, selfeval, exchange, assessments]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="workbench", description="Arbejdsbord til principfokuseret evaluering.")
    parser.add_argument("--project", default=".", help="projektmappen (standard: den aktuelle mappe)")
    commands = Commands(parser.add_subparsers(dest="command", required=True, metavar="KOMMANDO"))
    for area in AREAS:
        area.register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except WorkbenchError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    finally:
        warn_about_unreadable_codings(args)
