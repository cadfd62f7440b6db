"""Who is working: the JupyterHub login, mapped through `project.yaml` to a coder name or a respondent.

On a team server every single-user server runs with `JUPYTERHUB_USER` set by the hub, so coder names,
respondents and the authors of memos and judgements come from the login and nobody can work under
someone else's name. Without a hub (a laptop) there is no identity and the UIs ask for initials.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from workbench.errors import WorkbenchError
from workbench.project.settings import ProjectSettings

HUB_USER_VARIABLE = "JUPYTERHUB_USER"


@dataclass(frozen=True)
class Identity:
    login: str
    role: str          # evaluator | support | steering
    coder: str | None  # the coder name in codings/, for evaluators
    respondent: str | None  # the pseudonym of the self-evaluation answers, for the support team

    @property
    def author(self) -> str:
        """The name written as author of memos and judgements."""
        return self.coder or self.respondent or self.login


def hub_identity(settings: ProjectSettings, environ: dict[str, str] | None = None) -> Identity | None:
    """The logged-in hub user, or None when the workbench runs without a hub."""
    login = (environ if environ is not None else os.environ).get(HUB_USER_VARIABLE)
    if not login:
        return None
    entry = settings.hub_users.get(login)
    if entry is None:
        raise WorkbenchError(
            f"Brugeren '{login}' er logget ind på serveren, men står ikke under hub_users i project.yaml. "
            "Bed evaluator om at tilføje brugeren med en rolle."
        )
    coder = entry.coder or (login if entry.role == "evaluator" else None)
    if entry.role == "support" and not entry.respondent:
        raise WorkbenchError(
            f"Brugeren '{login}' hører til supportteamet, men har intet pseudonym (respondent) i project.yaml."
        )
    return Identity(login=login, role=entry.role, coder=coder, respondent=entry.respondent)
