"""Where users meet the workbench: the coding notebook in JupyterLab and the self-evaluation form in Voilà,
clicked through in headless Chromium, then checked on disk.

Chromium comes from the system packages (/usr/bin/chromium; `.ci/run` installs it), driven by Playwright
without a browser download. Without it these tests are skipped, except when WORKBENCH_REQUIRE_BROWSER=1
(CI), where a missing browser is a failure. Screenshots go to the test's tmp folder, and with
WORKBENCH_SCREENSHOTS=1 also to docs/ for the README tour.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml

from workbench.project import Project
from workbench.selfeval.answers import current_answer
from workbench.selfeval.form import load_form
from workbench.selfeval.period import Period

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
SERVER_START = 180  # seconds: JupyterLab or Voilà on a slow CI machine
KERNEL_START_MS = 120_000
UI_MS = 60_000
BIN = Path(sys.executable).parent


def _require(what: str) -> None:
    if os.environ.get("WORKBENCH_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{what}, and WORKBENCH_REQUIRE_BROWSER=1 requires the browser tests to run")
    pytest.skip(what)


@pytest.fixture
def page(tmp_path):
    """A page in headless Chromium with a fresh profile, 1280×800."""
    if not CHROMIUM.exists():
        _require(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _require("Playwright for Python is not installed")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            tmp_path / "chromium-profile", executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True,
            viewport={"width": 1280, "height": 800}, locale="da-DK",
        )
        context.set_default_timeout(UI_MS)
        try:
            yield context.pages[0] if context.pages else context.new_page()
        finally:
            context.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _jupyter_env(tmp_path: Path, project: Path) -> dict[str, str]:
    """The environment of a server: its project, and private Jupyter folders so nothing leaks between runs."""
    home = tmp_path / "jupyter"
    env = {**os.environ, "WORKBENCH_PROJECT": str(project)}
    for variable, folder in (("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"),
                             ("JUPYTER_RUNTIME_DIR", "runtime"), ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"),
                             ("IPYTHONDIR", "ipython")):
        (home / folder).mkdir(parents=True)
        env[variable] = str(home / folder)
    # JupyterLab's question about news would lie over the coding view in the screenshot
    (home / "config" / "labconfig").mkdir()
    (home / "config" / "labconfig" / "page_config.json").write_text(
        json.dumps({"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}}), encoding="utf-8"
    )
    return env


def _log_tail(log: Path, lines: int = 60) -> str:
    text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else "(no log)"
    return "\n".join(text.splitlines()[-lines:])


@contextmanager
def _server(command: list[str], cwd: Path, env: dict[str, str], port: int, log: Path, ready: str | None = None):
    """A server process (and the kernels it starts) that is always stopped; failures carry its log. With
    `ready` (a path), the server is in use only once that page answers: a hub's proxy takes connections before
    the hub behind it has added its route, and a page opened then stays a 404."""
    with open(log, "wb") as output:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=output, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        try:
            deadline = time.monotonic() + SERVER_START
            while True:
                if process.poll() is not None:
                    pytest.fail(f"The server stopped (exit code {process.returncode}):\n{_log_tail(log)}")
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    if ready is not None:
                        urllib.request.urlopen(f"http://127.0.0.1:{port}{ready}", timeout=5).close()
                    break
                except OSError:  # urllib's HTTPError (a 404 before the route is there) is one too
                    if time.monotonic() > deadline:
                        pytest.fail(f"The server did not answer on port {port}{ready or ''} in {SERVER_START} s:\n"
                                    f"{_log_tail(log)}")
                    time.sleep(0.3)
            try:
                yield f"http://127.0.0.1:{port}"
            except Exception as exc:  # a timeout in the browser usually has its explanation in the server's log
                raise AssertionError(f"{exc}\n--- server log ---\n{_log_tail(log)}") from exc
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def _screenshot(page, tmp_path: Path, name: str) -> Path:
    shot = tmp_path / name
    page.screenshot(path=str(shot))
    if os.environ.get("WORKBENCH_SCREENSHOTS") == "1":
        shutil.copyfile(shot, REPO / "docs" / name)
    return shot


# The coding notebook's browser tests are in test_browser_coding.py.


# What a support-team member enters per principle: three scores and the two free texts.
ANSWERS = {
    "P1": ("4 I høj grad", "3 I nogen grad", "5 I meget høj grad",
           "Vi spurgte [mor] til hendes ønsker, før vi lavede planen.", "Fædrene kom sjældent til møderne."),
    "P2": ("3 I nogen grad", "4 I høj grad", "2 I mindre grad",
           "Familiens Plan samlede aftalerne fra SOF og BIF på ét ark.", ""),
    "P3": ("5 I meget høj grad", "4 I høj grad", "4 I høj grad",
           "Kerneteamet holdt møderne hos familien.", "Rådgiverskift gjorde det svært at holde kontakten."),
}


def test_self_evaluation_form_in_voila_is_filled_and_submitted(page, mini_project, tmp_path):
    shutil.copytree(FIXTURES / "selfeval", mini_project / "selfeval", dirs_exist_ok=True)
    port = _free_port()
    command = [str(BIN / "voila"), "notebooks/02_selvevaluering.ipynb", "--no-browser", f"--port={port}",
               "--Voila.ip=127.0.0.1", "--template=workbench"]  # as `make form` serves it
    env = {**_jupyter_env(tmp_path, mini_project), "JUPYTER_PATH": str(REPO / "deploy" / "jupyter")}
    with _server(command, REPO, env, port, tmp_path / "voila.log") as url:
        page.goto(f"{url}/", timeout=KERNEL_START_MS)
        page.get_by_role("button", name="Indsend").wait_for(timeout=KERNEL_START_MS)
        respondent = page.get_by_placeholder("fx AK")
        respondent.fill("QA")
        respondent.press("Enter")
        page.get_by_text("Ny besvarelse for QA").wait_for()
        page.locator(".widget-dropdown", has_text="Halvår").locator("select").select_option(label="2. halvår 2025")

        sections = page.locator(".wb-principles > .jupyter-widget-Accordion-child")
        assert sections.count() == len(ANSWERS)
        for number, (principle, (adherence, guiding, useful, examples, challenges)) in enumerate(ANSWERS.items()):
            section = sections.nth(number)
            header = section.locator(".jupyter-widget-Collapse-header")
            assert header.inner_text().startswith(principle)
            if "jupyter-widget-Collapse-open" not in (section.get_attribute("class") or ""):
                header.click()
            contents = section.locator(".jupyter-widget-Collapse-contents")
            contents.wait_for(state="visible")
            scores = contents.locator(".widget-toggle-buttons")
            for index, label in enumerate((adherence, guiding, useful)):
                scores.nth(index).get_by_role("button", name=label.split()[0], exact=True).click()
            texts = contents.locator("textarea")
            texts.nth(0).fill(examples)
            texts.nth(1).fill(challenges)
        page.get_by_role("button", name="Indsend").click()
        page.get_by_text("besvarelsen er indsendt").wait_for()
        assert page.title() == "Selvevaluering – supportteamet"
        page.evaluate("window.scrollTo(0, 0)")
        _screenshot(page, tmp_path, "selvevaluering.png")

    path = mini_project / "selfeval" / "2025-H2" / "QA.yaml"
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["status"] == "indsendt"
    project = Project(mini_project)
    answer = current_answer(project, load_form(project), Period.parse("2025-H2"), "QA")  # validates the file
    assert answer.is_submitted
    for principle, (adherence, guiding, useful, examples, challenges) in ANSWERS.items():
        expected = {"adherence": int(adherence[0]), "vejledende": int(guiding[0]), "brugbart": int(useful[0]),
                    "eksempler": examples}
        if challenges:
            expected["udfordret"] = challenges
        assert answer.answers[principle] == expected
