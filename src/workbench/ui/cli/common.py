"""What every command area shares: the `Commands` helper it registers its sub-commands with, and the project."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from workbench.project import Project

Handler = Callable[[argparse.Namespace], int]


class Commands:
    """Adds sub-commands (or a group of sub-sub-commands) to the `workbench` parser.

    Every command gets --project (also accepted after the command name) and its handler, which returns the
    exit code: 0, 1 when the command found something the user must look at, 2 for a user error (raised as
    `WorkbenchError`, printed by `main`).
    """

    def __init__(self, subparsers) -> None:
        self._subparsers = subparsers

    def add(self, name: str, handler: Handler | None, help_text: str) -> argparse.ArgumentParser:
        sub = self._subparsers.add_parser(name, help=help_text, description=help_text)
        sub.add_argument("--project", default=argparse.SUPPRESS, help="projektmappen")
        sub.set_defaults(handler=handler)
        return sub

    def group(self, name: str, help_text: str, metavar: str) -> Commands:
        """A command with its own sub-commands, e.g. `workbench codings export`."""
        parser = self.add(name, None, help_text)
        return Commands(parser.add_subparsers(dest="action", required=True, metavar=metavar))


def project_of(args: argparse.Namespace) -> Project:
    """The project of this command; `main` remembers it to warn about unreadable coding-log lines afterwards."""
    args.loaded_project = Project(Path(args.project))
    args.loaded_project.settings  # noqa: B018  # every command checks project.yaml, so a broken one is found at once
    return args.loaded_project


def warn_about_unreadable_codings(args: argparse.Namespace) -> None:
    project = getattr(args, "loaded_project", None)
    store = project._store if project is not None else None
    warning = store.unreadable_warning() if store is not None else None
    if warning:
        print(warning, file=sys.stderr)
