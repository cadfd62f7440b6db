"""The "Vurdering" notebook in JupyterLab, clicked through in headless Chromium and checked on disk
(how JupyterLab is started and stopped: tests/test_browser.py)."""

from __future__ import annotations

import shutil

import yaml
from test_browser import (
    BIN,
    KERNEL_START_MS,
    REPO,
    _free_port,
    _jupyter_env,
    _screenshot,
    _server,
    page,  # noqa: F401  (the Chromium page fixture)
)


def test_judging_a_principle_in_jupyterlab_saves_the_yaml(page, chapter_project, tmp_path):  # noqa: F811
    root = tmp_path / "lab"
    root.mkdir()
    shutil.copy(REPO / "notebooks" / "04_vurdering.ipynb", root)
    port = _free_port()
    command = [
        str(BIN / "jupyter"), "lab", "--no-browser", "--allow-root", f"--port={port}", "--ServerApp.ip=127.0.0.1",
        "--ServerApp.token=", "--ServerApp.password=", f"--ServerApp.root_dir={root}",
        "--LabApp.expose_app_in_browser=True",
    ]
    env = {**_jupyter_env(tmp_path, chapter_project), "JUPYTERHUB_USER": "NP"}
    page.set_viewport_size({"width": 1366, "height": 768})
    with _server(command, root, env, port, tmp_path / "jupyterlab.log") as url:
        page.goto(f"{url}/lab/tree/04_vurdering.ipynb", timeout=KERNEL_START_MS)
        page.wait_for_selector(".jp-Notebook", timeout=KERNEL_START_MS)
        page.wait_for_function(
            "() => { const kernel = window.jupyterapp?.shell.currentWidget?.sessionContext?.session?.kernel;"
            " return kernel && kernel.status === 'idle'; }",
            timeout=KERNEL_START_MS,
        )
        page.evaluate("window.jupyterapp.shell.collapseLeft()")
        page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")

        view = page.locator(".jp-OutputArea-output").first
        view.get_by_role("button", name="Gem vurdering").wait_for(timeout=KERNEL_START_MS)
        view.locator(".widget-dropdown", has_text="Runde").locator("select").select_option(label="2. halvår 2025")
        view.locator(".widget-dropdown", has_text="Princip").locator("select").select_option(label="P3 Kontakt")
        view.get_by_text("Ny vurdering af P3 Kontakt i 2. halvår 2025").wait_for()
        levels = view.locator(".widget-toggle-buttons")
        levels.nth(1).get_by_role("button", name="i nogen grad", exact=True).click()  # efterlevelse
        view.locator("textarea").nth(1).fill("Kerneteamet er fast, men der sidder ofte mange om bordet.")
        view.locator(".wb-cite-efterlevelse input").first.check()
        view.get_by_role("button", name="Gem vurdering").click()
        view.get_by_text("Gemt kl.").wait_for()
        page.locator(".jp-OutputArea-output").first.evaluate("element => element.scrollIntoView({block: 'start'})")
        _screenshot(page, tmp_path, "vurdering.png")

    data = yaml.safe_load((chapter_project / "assessments" / "2025-H2" / "NP" / "P3.yaml").read_text(encoding="utf-8"))
    efterlevelse = data["questions"]["efterlevelse"]
    assert efterlevelse["level"] == "nogen"
    assert efterlevelse["rationale"] == "Kerneteamet er fast, men der sidder ofte mange om bordet."
    assert len(efterlevelse["evidence"]) == 1 and efterlevelse["evidence"][0].startswith("citat:")
