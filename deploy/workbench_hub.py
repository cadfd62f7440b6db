"""JupyterHub for one evaluation team: who gets what, decided by `project.yaml`'s `hub_users`.

- evaluators get JupyterLab on the shared project folder; their coder name comes from their login;
- the support team gets the self-evaluation form only (a Voilà page): no JupyterLab, no files, no
  terminal, and a kernel that takes widget messages but never code typed in the browser;
- the steering group (optional) gets the exports folder to download the chapter, nothing else.

The role decides the single-user server's command line; the restrictions are enforced inside each
single-user server by `RoleAuthorizer` (what it may serve) and by the kernel message allow-list (what
the browser may send to a kernel). This module is imported by `jupyterhub_config.py` in the hub and by
the single-user servers (the spawner puts this folder on their PYTHONPATH).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
FORM_NOTEBOOK = "02_selvevaluering.ipynb"
CODING_NOTEBOOK = "01_kodning.ipynb"
CHAPTER = "evalueringskapitel.docx"
ROLES = ("evaluator", "support", "steering")

# What the browser may send to a kernel of the form: the widgets' messages and nothing that runs code.
WIDGET_MESSAGES = ["comm_open", "comm_msg", "comm_close", "comm_info_request", "kernel_info_request"]

# What each role's server may serve (jupyter_server resources; see RoleAuthorizer).
ALLOWED = {
    "evaluator": None,  # everything
    "support": {("read", "kernels"), ("execute", "kernels"), ("read", "api"), ("read", "events")},
    "steering": {("read", "files"), ("read", "contents"), ("read", "api")},
}


def hub_users(project: Path) -> dict[str, dict]:
    """`project.yaml`'s hub_users (login → coder, respondent, role), read without the workbench.

    The hub process need not import the workbench; the single-user servers validate the same file fully.
    """
    path = project / "project.yaml"
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    users = data.get("hub_users") or {}
    return {str(login): dict(entry or {}) for login, entry in users.items()}


def project_title(project: Path) -> str | None:
    """`project.yaml`'s title, for the hub's pages (its own Danish templates in deploy/templates/)."""
    path = project / "project.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
    title = data.get("title") if isinstance(data, dict) else None
    return str(title) if title else None


def page_role(project: Path, user) -> str | None:  # type: ignore[no-untyped-def]
    """The role a hub page is shown to (None before login), so the Danish pages can say what the person gets."""
    if user is None:
        return None
    role = hub_users(project).get(user.name, {}).get("role", "evaluator")
    return role if role in ROLES else None


def role_of(project: Path, login: str) -> str:
    role = hub_users(project).get(login, {}).get("role", "evaluator")
    if role not in ROLES:
        raise ValueError(f"project.yaml: hub_users.{login}.role skal være en af {', '.join(ROLES)}")
    return role


def server_args(project: Path, role: str) -> list[str]:
    """The single-user server's options for a role."""
    if role == "evaluator":
        return [
            f"--ServerApp.root_dir={project}",
            f"--ServerApp.default_url=/lab/tree/notebooks/{CODING_NOTEBOOK}",
        ]
    common = [
        "--ServerApp.authorizer_class=workbench_hub.RoleAuthorizer",
        "--ServerApp.terminals_enabled=False",
        # no kernel started ahead: these roles open no coding notebook, and Voilà's kernels start with their page's
        # variables (deploy/spare_kernel.py)
        "--SpareKernelManager.keep_spare=False",
        # Danish error pages ("Du har ikke adgang til denne side", "Siden eller filen findes ikke")
        "--ServerApp.extra_template_paths=" + repr([str(HERE / "jupyter" / name)
                                                    for name in ("server-templates", "shared-templates")]),
        # no JupyterLab or notebook front end in these servers: only Voilà (support) or plain files (steering)
        "--ServerApp.jpserver_extensions=" + repr({"jupyterlab": False, "notebook": False, "jupyter_lsp": False,
                                                  "jupyter_server_terminals": False, "notebook_shim": False,
                                                  "voila.server_extension": role == "support"}),
    ]
    if role == "support":
        return common + [
            f"--ServerApp.root_dir={project / 'notebooks'}",
            f"--ServerApp.default_url=/voila/render/{FORM_NOTEBOOK}",
            "--MappingKernelManager.allowed_message_types=" + repr(WIDGET_MESSAGES),
            "--VoilaConfiguration.template=workbench",
            "--VoilaConfiguration.show_tracebacks=False",
        ]
    return common + [
        f"--ServerApp.root_dir={project / 'exports'}",
        f"--ServerApp.default_url=/files/{CHAPTER}",
    ]


def _spawner_base():
    """A trial runs every server as the hub's own user; with HUB_SYSTEM_USERS=1 each person's server runs under
    their own system account (which must exist), so file permissions back up the roles."""
    from jupyterhub.spawner import LocalProcessSpawner, SimpleLocalProcessSpawner

    return LocalProcessSpawner if os.environ.get("HUB_SYSTEM_USERS") == "1" else SimpleLocalProcessSpawner


class RoleAuthorizerMixin:
    """Refuses every request a role's server must not serve (403), on top of JupyterHub's own check."""

    def is_authorized(self, handler, user, action, resource):  # type: ignore[no-untyped-def]
        allowed = ALLOWED[os.environ.get("WORKBENCH_ROLE", "evaluator")]
        if allowed is not None and (action, resource) not in allowed:
            handler.log.warning("Afvist for rollen %s: %s %s", os.environ.get("WORKBENCH_ROLE"), action, resource)
            return False
        return super().is_authorized(handler, user, action, resource)  # type: ignore[misc]


def _authorizer():
    from jupyterhub.singleuser.extension import JupyterHubAuthorizer

    return type("RoleAuthorizer", (RoleAuthorizerMixin, JupyterHubAuthorizer), {})


def _spawner():
    base = _spawner_base()

    class WorkbenchSpawner(base):  # type: ignore[misc, valid-type]
        """One process per user on this machine, started with the options of the user's role."""

        def _project(self) -> Path:
            return Path(os.environ.get("WORKBENCH_PROJECT", HERE.parent)).resolve()

        def get_args(self):  # type: ignore[no-untyped-def]
            args = super().get_args() + server_args(self._project(), role_of(self._project(), self.user.name))
            # a trial (and CI) may run as root; on a real server each user has a system account instead
            return args + (["--ServerApp.allow_root=True"] if os.geteuid() == 0 else [])

        def get_env(self):  # type: ignore[no-untyped-def]
            env = super().get_env()
            project = self._project()
            env["WORKBENCH_PROJECT"] = str(project)
            env["WORKBENCH_ROLE"] = role_of(project, self.user.name)
            env["PYTHONPATH"] = os.pathsep.join(p for p in (str(HERE), os.environ.get("PYTHONPATH", "")) if p)
            env["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(HERE / "jupyter"), os.environ.get("JUPYTER_PATH", ""))
                                                  if p)
            # JupyterLab's question about Jupyter news (in English, over the coding app) is switched off
            env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(
                p for p in (str(HERE / "jupyter" / "config"), os.environ.get("JUPYTER_CONFIG_PATH", "")) if p
            )
            return env

    return WorkbenchSpawner


# Resolved lazily so that this module imports in the hub (jupyterhub present) and in tests without a hub.
def __getattr__(name: str):  # type: ignore[no-untyped-def]
    if name == "RoleAuthorizer":
        return _authorizer()
    if name == "WorkbenchSpawner":
        return _spawner()
    raise AttributeError(name)


if __name__ == "__main__":  # `python workbench_hub.py PROJECT`: list who gets what
    root = Path(sys.argv[1] if len(sys.argv) > 1 else HERE.parent).resolve()
    for login in hub_users(root):
        print(login, role_of(root, login))
