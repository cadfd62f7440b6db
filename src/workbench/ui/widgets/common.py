"""Pieces every notebook UI shares: finding the project, and a status line for saves and errors."""

from __future__ import annotations

import datetime as dt
import functools
import html
import os
from pathlib import Path
from typing import TYPE_CHECKING

import ipywidgets as w

from workbench.errors import WorkbenchError

if TYPE_CHECKING:  # a notebook that reads its project after showing itself (the report's) imports it later
    from workbench.project import Project


def notebook_root() -> Path:
    """The folder of the project a notebook works on: $WORKBENCH_PROJECT, else the folder above notebooks/."""
    return Path(os.environ.get("WORKBENCH_PROJECT") or Path.cwd().parent)


def notebook_project() -> Project:
    """The project a notebook works on (`notebook_root`)."""
    from workbench.project import Project

    return Project(notebook_root())


class StatusLine:
    """One line under a view: when something was saved, or what went wrong."""

    def __init__(self) -> None:
        self.widget = w.HTML()

    @property
    def value(self) -> str:
        return self.widget.value

    def saved(self, what: str) -> None:
        self.widget.value = f"✔ Gemt kl. {dt.datetime.now():%H:%M:%S} – {html.escape(what)}"

    def warn(self, text: str) -> None:
        """Saved, but something needs the user's attention (e.g. possible personal data in a draft)."""
        self.widget.value = (
            f'<span style="color:#8a5300;white-space:pre-wrap">✔ Gemt kl. {dt.datetime.now():%H:%M:%S} – '
            f"⚠ {html.escape(text)}</span>"
        )

    def info(self, text: str) -> None:
        self.widget.value = html.escape(text)

    def error(self, exc: WorkbenchError) -> None:
        self.widget.value = f'<span style="color:#b00020;white-space:pre-wrap">⚠ {html.escape(str(exc))}</span>'


def reports_errors(handler):
    """Widget callbacks show a user error on the view's status line instead of losing it in a log."""

    @functools.wraps(handler)
    def wrapper(self, *args, **kwargs):
        try:
            return handler(self, *args, **kwargs)
        except WorkbenchError as exc:
            self.status.error(exc)

    return wrapper


_MARKED = "2px solid #b00020"


def mark_personal_data(project: Project, field: w.Textarea | None, text: str,
                       status: StatusLine | None = None, saved: str = "") -> list[str]:
    """After a save: mark `field` (red border, the findings as its tooltip) and warn on `status` when `text`
    holds possible personal data; clear the mark when it is clean. The text is saved either way. Returns
    the finding lines (privacy.typed), so a view can mark other places too (a coding's row)."""
    from workbench.privacy.typed import SAVED_WITH_FINDINGS, typed_findings

    lines = typed_findings(project, text)
    if field is not None:
        field.layout.border = _MARKED if lines else None
        field.tooltip = "\n".join(lines) if lines else None
    if status is not None:
        if lines:
            status.warn(f"{saved}: {SAVED_WITH_FINDINGS}\n" + "\n".join(lines))
        else:
            status.saved(saved)
    return lines

