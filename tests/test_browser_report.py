"""The report notebook in headless Chromium, in JupyterLab and in Voilà: open it, untick sections, build, see the
build's steps, and download the chapter as a browser download; the downloaded file is the chapter.

Uses test_browser.py's helpers (`page`, `_server`, `_jupyter_env`); skipped without Chromium as those are.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import docx
from test_browser import BIN, KERNEL_START_MS, REPO, _free_port, _jupyter_env, _screenshot, _server, page  # noqa: F401

KERNEL_IDLE = ("() => { const kernel = window.jupyterapp?.shell.currentWidget?.sessionContext?.session?.kernel;"
               " return kernel && kernel.status === 'idle'; }")


def _build_and_download(page, tmp_path: Path, project: Path, shot: str | None = None) -> Path:  # noqa: F811  (page: the fixture from test_browser)
    """In an opened report app: keep only P3 and the factors, build, follow the steps, download the chapter."""
    app = page.locator(".wb-report").first
    app.get_by_role("button", name="Fravælg alle").click()
    page.wait_for_function("() => ![...document.querySelectorAll('.wb-report .widget-checkbox input')]"
                           ".some(box => box.checked)")  # the kernel has unticked every box
    app.get_by_label("Princip 3 – Kontakt").check()
    app.locator(".widget-checkbox", has_text="Ni virksomme faktorer").locator("input").check()
    app.get_by_role("button", name="Byg Word-kapitel").click()
    progress = app.locator(".wb-progress")
    progress.wait_for()
    seen = set()
    deadline = time.monotonic() + 120
    while "Færdig" not in (text := progress.inner_text()) and time.monotonic() < deadline:
        seen.add(text.splitlines()[-1] if text else "")
        assert "Stoppet" not in text, text
        time.sleep(0.05)
    assert "Færdig" in progress.inner_text(), progress.inner_text()
    steps = progress.inner_text()
    assert "Princip P3 – Kontakt" in steps and "personoplysninger" in steps and "sporingsfilen" in steps
    if shot:
        _screenshot(page, tmp_path, shot)
    link = app.locator("a.wb-download", has_text="evalueringskapitel.docx")
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == "evalueringskapitel.docx"
    saved = tmp_path / "hentet.docx"
    download.save_as(saved)
    assert saved.read_bytes() == (project / "exports" / "evalueringskapitel.docx").read_bytes()
    return saved


def _headings(path: Path) -> list[str]:
    return [p.text for p in docx.Document(str(path)).paragraphs if p.style.name.startswith("Heading")]


def test_report_notebook_in_jupyterlab_builds_shows_progress_and_downloads(page, chapter_project, tmp_path):  # noqa: F811  (page: the fixture from test_browser)
    root = tmp_path / "lab"
    root.mkdir()
    shutil.copy(REPO / "notebooks" / "03_rapport.ipynb", root)
    port = _free_port()
    command = [str(BIN / "jupyter"), "lab", "--no-browser", "--allow-root", f"--port={port}",
               "--ServerApp.ip=127.0.0.1", "--ServerApp.token=", "--ServerApp.password=",
               f"--ServerApp.root_dir={root}", "--LabApp.expose_app_in_browser=True"]
    with _server(command, root, _jupyter_env(tmp_path, chapter_project), port, tmp_path / "lab.log") as url:
        page.set_viewport_size({"width": 1366, "height": 768})
        page.goto(f"{url}/lab/tree/03_rapport.ipynb", timeout=KERNEL_START_MS)
        page.wait_for_function(KERNEL_IDLE, timeout=KERNEL_START_MS)
        page.evaluate("window.jupyterapp.shell.collapseLeft()")
        page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
        page.locator(".wb-report .widget-checkbox").first.wait_for(timeout=KERNEL_START_MS)
        page.evaluate("window.jupyterapp.commands.execute('notebook:hide-all-cell-code')")
        saved = _build_and_download(page, tmp_path, chapter_project, "rapport.png")
    headings = _headings(saved)
    assert any("Kontakt" in h for h in headings) and not any("Princip 1" in h for h in headings)
    assert (chapter_project / "exports" / "evalueringskapitel-spor.xlsx").is_file()


def test_report_notebook_in_voila_downloads_the_chapter(page, chapter_project, tmp_path):  # noqa: F811  (page: the fixture from test_browser)
    port = _free_port()
    command = [str(BIN / "voila"), "notebooks/03_rapport.ipynb", "--no-browser", f"--port={port}",
               "--Voila.ip=127.0.0.1", "--template=workbench"]
    env = {**_jupyter_env(tmp_path, chapter_project), "JUPYTER_PATH": str(REPO / "deploy" / "jupyter")}
    with _server(command, REPO, env, port, tmp_path / "voila.log") as url:
        page.goto(f"{url}/", timeout=KERNEL_START_MS)
        page.locator(".wb-report .widget-checkbox").first.wait_for(timeout=KERNEL_START_MS)
        saved = _build_and_download(page, tmp_path, chapter_project)
    assert any("Kontakt" in h for h in _headings(saved))
