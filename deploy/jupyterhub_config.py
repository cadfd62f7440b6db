"""JupyterHub configuration for an evaluation team (`make hub` runs it as a local trial on 127.0.0.1).

Environment:
  WORKBENCH_PROJECT    the shared project folder (default: the folder above deploy/)
  HUB_PORT             the port people open (default 8000); the hub's API and the proxy's API use the next two
  HUB_TRIAL_PASSWORD   the trial users' shared password (at least 8 characters); trial only
  HUB_STATE_DIR        where the hub keeps its database, cookie secret and the users' home folders
                       (default: <project>/.hub, git-ignored)

Who may log in and what they get comes from `project.yaml` (`hub_users`: login → coder, respondent, role).
A municipality replaces the trial authenticator with its own login, e.g. Azure AD through OAuthenticator
(see README, "En server til teamet").
"""

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from workbench_hub import hub_users, page_role, project_title  # noqa: E402

c = get_config()  # type: ignore[name-defined]  # noqa: F821

project = Path(os.environ.get("WORKBENCH_PROJECT", HERE.parent)).resolve()
os.environ["WORKBENCH_PROJECT"] = str(project)  # the spawner reads it
state = Path(os.environ.get("HUB_STATE_DIR", project / ".hub")).resolve()
state.mkdir(parents=True, exist_ok=True, mode=0o700)
port = int(os.environ.get("HUB_PORT", "8000"))

c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = port
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = port + 1
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{port + 2}"
c.ConfigurableHTTPProxy.pid_file = str(state / "proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(state / "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True

users = hub_users(project)
password = os.environ.get("HUB_TRIAL_PASSWORD", "")
if len(password) < 8:
    sys.exit("Sæt HUB_TRIAL_PASSWORD til en adgangskode på mindst 8 tegn til prøvebrugerne, fx "
             "HUB_TRIAL_PASSWORD=… make hub")
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = password
c.Authenticator.allowed_users = set(users)

# groups mirror the roles, so an administrator sees them in the hub's admin page
c.JupyterHub.load_groups = {
    role: {"users": sorted(login for login, entry in users.items() if entry.get("role", "evaluator") == role)}
    for role in ("evaluator", "support", "steering")
}

# Danish pages (login, "your server is starting", errors, start page): templates in deploy/templates/ that
# extend JupyterHub's own ("templates/page.html"), told the project's title and the person's role
c.JupyterHub.template_paths = [str(HERE / "templates"), str(HERE / "jupyter" / "shared-templates")]
c.JupyterHub.template_vars = {
    "workbench_title": project_title(project),
    "workbench_role": lambda user: page_role(project, user),
}

c.JupyterHub.spawner_class = "workbench_hub.WorkbenchSpawner"
c.SimpleLocalProcessSpawner.home_dir_template = str(state / "home" / "{username}")
c.Spawner.cmd = [str(Path(sys.executable).parent / "jupyterhub-singleuser")]
c.Spawner.default_url = ""  # the role's own start page (server_args)
c.Spawner.start_timeout = 60
c.Spawner.http_timeout = 60
