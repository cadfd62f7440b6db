"""The team server: a trial JupyterHub (deploy/) on a free loopback port, driven in Chromium as each role.

Needs JupyterHub (the test extra) and its proxy, configurable-http-proxy from npm (`.ci/run` installs it).
Like the other browser tests these are skipped without them, except under WORKBENCH_REQUIRE_BROWSER=1 (CI),
where a missing piece fails the test. The hub and every server it started are stopped at the end, whatever
happens.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from test_browser import (
    BIN,
    CHROMIUM,
    CHROMIUM_ARGS,
    FIXTURES,
    KERNEL_START_MS,
    REPO,
    UI_MS,
    _require,
    _server,
)
from test_browser_selfeval import LAYOUT_PROBLEMS

from workbench.project import Project

PASSWORD = "proeve-kodeord-1"
HUB_USERS = {
    "evaluator1": {"role": "evaluator"},
    "support1": {"role": "support", "respondent": "S1"},
    "support2": {"role": "support", "respondent": "CM"},  # CM has answers in the fixture
    "styregruppe1": {"role": "steering"},
}


def _free_ports(count: int) -> int:
    """A port p with p … p + count − 1 free: the hub, its API and the proxy's API."""
    for _ in range(50):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if port + count > 65535:
            continue
        try:
            for offset in range(count):
                with socket.socket() as probe:
                    probe.bind(("127.0.0.1", port + offset))
            return port
        except OSError:
            continue
    raise RuntimeError("no free ports")


@pytest.fixture
def project(mini_project: Path) -> Path:
    shutil.copytree(FIXTURES / "selfeval", mini_project / "selfeval", dirs_exist_ok=True)
    shutil.copytree(REPO / "notebooks", mini_project / "notebooks")
    (mini_project / "exports").mkdir()
    (mini_project / "project.yaml").write_text(
        yaml.safe_dump({"title": "Prøve", "hub_users": HUB_USERS}, allow_unicode=True), encoding="utf-8"
    )
    return mini_project


@contextmanager
def trial_hub(project: Path, tmp_path: Path):
    proxy = shutil.which("configurable-http-proxy")
    if not (BIN / "jupyterhub").exists() or proxy is None:
        _require("no JupyterHub or configurable-http-proxy (pip install jupyterhub; npm install -g "
                 "configurable-http-proxy)")
    if not CHROMIUM.exists():
        _require(f"no Chromium at {CHROMIUM}")
    port = _free_ports(3)
    env = {**os.environ, "HUB_PORT": str(port), "HUB_TRIAL_PASSWORD": PASSWORD, "WORKBENCH_PROJECT": str(project),
           "HUB_STATE_DIR": str(tmp_path / "hub-state"), "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    # the hub stops the servers it spawned on SIGTERM; _server also kills the process group that remains
    command = [str(BIN / "jupyterhub"), "-f", str(REPO / "deploy" / "jupyterhub_config.py")]
    with _server(command, tmp_path, env, port, tmp_path / "hub.log", ready="/hub/login") as url:
        yield url


@contextmanager
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


def log_in(chromium, url: str, user: str, viewport=(1366, 768)):
    context = chromium.new_context(viewport={"width": viewport[0], "height": viewport[1]}, locale="da-DK")
    context.set_default_timeout(UI_MS)
    page = context.new_page()
    page.goto(f"{url}/hub/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("[type=submit]")
    page.wait_for_url(f"**/user/{user}/**", timeout=KERNEL_START_MS)
    return context, page


def test_a_support_team_member_gets_the_form_only_and_only_their_own_answers(project, tmp_path):
    colleague = yaml.safe_load((project / "selfeval" / "2025-H2" / "CM.yaml").read_text(encoding="utf-8"))
    colleague_text = colleague["answers"]["P1"]["eksempler"]
    marker = tmp_path / "kode-koert"
    with trial_hub(project, tmp_path) as url, browser() as chromium:
        context, page = log_in(chromium, url, "support1", viewport=(390, 844))
        assert "/voila/render/02_selvevaluering.ipynb" in page.url
        page.get_by_role("button", name="Indsend").wait_for(timeout=KERNEL_START_MS)
        assert page.title() == "Selvevaluering – supportteamet"
        respondent = page.get_by_label("Dine initialer eller dit pseudonym *")
        assert respondent.input_value() == "S1" and respondent.is_disabled()
        page.get_by_text("Du er logget ind som").wait_for()
        assert page.evaluate(LAYOUT_PROBLEMS) == []  # nothing cut off or pushed aside on the phone
        assert "Formularen indlæses" in page.content()  # Danish loading text, not Voilà's "Executing 2 of 2"
        shown = page.inner_text("body")
        for leak in ("voila", "WORKBENCH_PROJECT", ".venv", "Executing", "Running", colleague_text):
            assert leak not in shown  # what the person reads: no evaluator notes, paths or colleagues' answers
        assert colleague_text not in page.content()
        page.locator(".widget-dropdown", has_text="Halvår").locator("select").select_option(label="2. halvår 2025")
        sections = page.locator(".wb-principles > .jupyter-widget-Accordion-child")
        for number in range(sections.count()):
            section = sections.nth(number)
            header = section.locator(".jupyter-widget-Collapse-header")
            if "jupyter-widget-Collapse-open" not in (section.get_attribute("class") or ""):
                header.click()
            contents = section.locator(".jupyter-widget-Collapse-contents")
            contents.wait_for(state="visible")
            scores = contents.locator(".widget-toggle-buttons")
            for index in range(scores.count()):
                button = scores.nth(index).get_by_role("button", name="4", exact=True)
                box = button.bounding_box()
                assert box["height"] >= 44 and box["x"] + box["width"] <= 390  # on the phone's screen
                button.click()
            texts = contents.locator("textarea")
            for index in range(texts.count()):
                texts.nth(index).fill("Vi holdt møderne hos familien.")
        page.get_by_role("button", name="Indsend").click()
        page.get_by_text("besvarelsen er indsendt").wait_for()
        page.screenshot(path=str(tmp_path / "formular-390.png"), full_page=False)
        if os.environ.get("WORKBENCH_SCREENSHOTS") == "1":
            shutil.copyfile(tmp_path / "formular-390.png", REPO / "docs" / "formular-390.png")

        # nothing but the form: no JupyterLab, no files, no terminal, no colleague's server
        for path, refused in (("/user/support1/lab", (403, 404)), ("/user/support1/tree", (403, 404)),
                              ("/user/support1/api/contents", (403,)), ("/user/support1/api/terminals", (403, 404)),
                              ("/user/support1/files/selfeval/2025-H2/CM.yaml", (403, 404))):
            assert context.request.get(url + path).status in refused, path
        other = context.request.get(url + "/user/evaluator1/lab")
        assert other.status in (403, 404) or "/hub/login" in other.url or "evaluator1" not in other.url
        # the kernel of the form takes widget messages, never code sent from the browser
        kernels = context.request.get(url + "/user/support1/api/kernels").json()
        replies = page.evaluate(
            """async ([kernel, code]) => {
                 const ws = new WebSocket(`ws://${location.host}/user/support1/api/kernels/${kernel}/channels`);
                 const got = [];
                 await new Promise(resolve => ws.onopen = resolve);
                 ws.onmessage = event => got.push(JSON.parse(event.data).header.msg_type);
                 const message = type => ({header: {msg_id: type, msg_type: type, username: '', session: 'test',
                   version: '5.3', date: ''}, parent_header: {}, metadata: {}, channel: 'shell', buffers: [],
                   content: type === 'execute_request' ? {code, silent: false, store_history: false,
                     user_expressions: {}, allow_stdin: false, stop_on_error: true} : {}});
                 ws.send(JSON.stringify(message('execute_request')));
                 ws.send(JSON.stringify(message('kernel_info_request')));
                 await new Promise(resolve => setTimeout(resolve, 3000));
                 ws.close();
                 return got;
               }""",
            [kernels[0]["id"], f"open({str(marker)!r}, 'w').write('x')"],
        )
        assert "kernel_info_reply" in replies  # the socket works ...
        assert "execute_reply" not in replies and not marker.exists()  # ... but runs no code
        context.close()

    saved = yaml.safe_load((project / "selfeval" / "2025-H2" / "S1.yaml").read_text(encoding="utf-8"))
    assert saved["respondent"] == "S1" and saved["status"] == "indsendt"
    assert not (project / "selfeval" / ".adgangskoder.yaml").exists()  # the login was enough


def test_an_evaluator_codes_in_jupyterlab_under_their_login(project, tmp_path):
    with trial_hub(project, tmp_path) as url, browser() as chromium:
        context, page = log_in(chromium, url, "evaluator1")
        assert "/lab/tree/notebooks/01_kodning.ipynb" in page.url
        page.wait_for_selector(".jp-Notebook", timeout=KERNEL_START_MS)
        # The notebook's kernel starts by itself: the status bar names it and says Idle (the toolbar's indicator
        # says idle before there is a kernel, and a cell run then is silently skipped), or JupyterLab asks.
        started = page.locator("#jp-main-statusbar .jp-StatusBar-TextItem", has_text="Python 3 (ipykernel) | Idle")
        asked = page.locator(".jp-Dialog")
        started.or_(asked).first.wait_for(timeout=KERNEL_START_MS)
        assert asked.count() == 0, f"JupyterLab asked: {asked.first.inner_text()}"
        page.locator(".jp-CodeCell .cm-content").first.click()  # as a person runs the cell
        page.keyboard.press("Shift+Enter")
        app = page.locator(".wb-app").first
        coder = app.get_by_placeholder("initialer eller pseudonym")
        coder.wait_for(timeout=KERNEL_START_MS)
        assert coder.input_value() == "evaluator1" and coder.is_disabled()  # nobody codes under another name
        app.locator(".widget-dropdown", has_text="Dokument:").locator("select").select_option(
            label="INT-RAD-01 · Rådgivere (SOF og BIF) · Interview")
        drawn = "() => (document.querySelector('.wb-tr')?.dataset.drawn || '').startsWith('INT-RAD-01:')"
        page.wait_for_function(drawn, timeout=UI_MS)
        page.locator(".wb-num", has_text="4").first.click()  # the whole of turn 4
        app.get_by_text("»Samtykket er afgørende.").wait_for()
        app.locator(".wb-code-button", has_text="P3 Kontakt").click()
        app.locator(".wb-status", has_text="Gemt kl.").wait_for()
        page.screenshot(path=str(tmp_path / "evaluator.png"))
        assert page.get_by_text("Jupyter news").count() == 0  # no English question over the coding app
        context.close()
    [coding] = Project(project).coding_store().codings("evaluator1")
    assert (coding.code, coding.doc_id) == ("P3", "INT-RAD-01")
    assert Project(project).corpus.get("INT-RAD-01").body[coding.start:coding.end].startswith("Samtykket er afgørende.")


# What JupyterHub's own pages say in English; none of it may reach a person on the team's hub.
ENGLISH = ("Sign in", "Username", "Password", "Your server is starting up", "You will be redirected", "Event log",
           "Stop Server", "Server ready", "Server requested", "Spawning server", "My Server", "Logout", "Home",
           "Token", "Successfully logged out", "Jupyter has lots of moons", "Not Found", "Forbidden",
           "Invalid username or password", "Complete")


def assert_danish(page, *expected: str) -> None:
    # after a click the next page may still be arriving: wait for its text rather than read an empty body
    for text in expected:
        page.locator("body", has_text=text).wait_for()
    shown = page.inner_text("body")
    for text in expected:
        assert text in shown, f"{text!r} not on {page.url}: {shown}"
    english = [text for text in ENGLISH if text in shown]
    assert not english, f"English on {page.url}: {english}"
    assert page.evaluate("document.documentElement.lang") == "da"


def test_the_steering_group_downloads_the_chapter_on_danish_pages_and_nothing_else(project, tmp_path):
    (project / "exports" / "evalueringskapitel.docx").write_bytes(b"PK\x03\x04 kapitel")
    with trial_hub(project, tmp_path) as url, browser() as chromium:
        context = chromium.new_context(accept_downloads=True, locale="da-DK")
        context.set_default_timeout(UI_MS)
        page = context.new_page()
        page.goto(f"{url}/hub/login")
        assert_danish(page, "Log ind", "Brugernavn:", "Adgangskode:", "Prøve: log ind med dit eget brugernavn.")
        assert page.title() == "Prøve"  # the project's title, not "JupyterHub"
        page.screenshot(path=str(tmp_path / "hub-login.png"))
        page.fill("input[name=username]", "styregruppe1")
        page.fill("input[name=password]", "forkert-kodeord")
        page.click("[type=submit]")
        assert_danish(page, "Forkert brugernavn eller adgangskode.")
        page.fill("input[name=username]", "styregruppe1")
        page.fill("input[name=password]", PASSWORD)
        with page.expect_download(timeout=KERNEL_START_MS) as download:  # logging in hands over the chapter
            page.click("[type=submit]")
        assert download.value.suggested_filename == "evalueringskapitel.docx"
        # where the steering group stays: the page that was "Your server is starting up"
        assert "/hub/spawn-pending/styregruppe1" in page.url
        page.locator("#progress-message", has_text="Kapitlet er hentet.").wait_for()
        assert_danish(page, "Det seneste evalueringskapitel gøres klar.", "browserens overførsler", "Log ud")
        page.screenshot(path=str(tmp_path / "hub-styregruppe.png"))
        chapter = context.request.get(url + "/user/styregruppe1/files/evalueringskapitel.docx")
        assert chapter.status == 200 and chapter.body().startswith(b"PK")
        assert page.get_by_role("link", name="hente kapitlet her").get_attribute("href") == (
            "/user/styregruppe1/files/evalueringskapitel.docx")
        for path in ("/user/styregruppe1/lab", "/user/styregruppe1/api/kernels", "/user/styregruppe1/api/terminals",
                     "/user/styregruppe1/voila/render/02_selvevaluering.ipynb"):
            assert context.request.get(url + path).status in (403, 404), path

        page.goto(f"{url}/user/styregruppe1/lab")  # no JupyterLab on the steering group's server, said in Danish
        assert_danish(page, "Siden findes ikke")
        page.goto(f"{url}/user/styregruppe1/files/evalueringskapitel-2.docx")
        assert_danish(page, "Siden findes ikke", "ikke bygget endnu")
        page.goto(f"{url}/hub/home")
        assert_danish(page, "Hent evalueringskapitlet", "Stop min server", "Forside")
        page.goto(f"{url}/hub/findes-ikke")
        assert_danish(page, "Siden findes ikke", "Adressen findes ikke (længere).", "forsiden")
        page.goto(f"{url}/hub/admin")  # not an administrator
        assert_danish(page, "Du har ikke adgang til denne side")
        page.goto(f"{url}/hub/home")
        page.locator("#logout").click()
        assert_danish(page, "Log ind", "Brugernavn:")  # logging out leads back to the Danish login page
        context.close()


def test_hub_users_come_from_project_yaml(project):
    import importlib.util

    spec = importlib.util.spec_from_file_location("workbench_hub", REPO / "deploy" / "workbench_hub.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert {login: module.role_of(project, login) for login in HUB_USERS} == {
        "evaluator1": "evaluator", "support1": "support", "support2": "support", "styregruppe1": "steering",
    }
    support = module.server_args(project, "support")
    assert any("allowed_message_types" in arg and "execute_request" not in arg for arg in support)
    assert any(arg.startswith("--ServerApp.root_dir=") and arg.endswith("notebooks") for arg in support)
    assert "--ServerApp.terminals_enabled=False" in support
    assert json.dumps(module.ALLOWED["support"] and sorted(module.ALLOWED["support"]))


def test_every_danish_hub_template_extends_a_page_jupyterhub_has():
    # the pages a test does not reach (not running, stop pending, logout) at least compile, and what each extends
    # exists in this JupyterHub ("templates/…" is JupyterHub's own copy, as the hub's loader names it)
    import jinja2
    import jinja2.meta
    from jupyterhub.app import JupyterHub

    stock = JupyterHub()._template_paths_default()[0]
    ours, shared = REPO / "deploy" / "templates", REPO / "deploy" / "jupyter" / "shared-templates"
    loader = jinja2.ChoiceLoader([jinja2.PrefixLoader({"templates": jinja2.FileSystemLoader([stock])}, "/"),
                                  jinja2.FileSystemLoader([str(ours), str(shared), stock])])
    env = jinja2.Environment(loader=loader, extensions=["jinja2.ext.i18n"])
    names = sorted(path.name for path in ours.glob("*.html"))
    assert {"login.html", "spawn_pending.html", "error.html", "404.html", "home.html", "not_running.html"} <= set(names)
    for name in names:
        env.get_template(name)  # compiles
        for used in jinja2.meta.find_referenced_templates(env.parse((ours / name).read_text(encoding="utf-8"))):
            env.get_template(used)  # what it extends or includes
