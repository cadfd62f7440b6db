"""The self-evaluation notebook runs headless, and Voilà serves it as an app without code."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import execute_notebook

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK = REPO / "notebooks" / "02_selvevaluering.ipynb"
FIXTURE = Path(__file__).parent / "fixtures" / "selfeval"
TITLE = "Selvevaluering (testformular)"  # the fixture form's title


@pytest.fixture
def project_dir(mini_project, monkeypatch) -> Path:
    shutil.copytree(FIXTURE, mini_project / "selfeval", dirs_exist_ok=True)
    monkeypatch.setenv("WORKBENCH_PROJECT", str(mini_project))
    return mini_project


def test_notebook_executes_headless_and_shows_the_form(project_dir):
    outputs = execute_notebook("02_selvevaluering.ipynb")
    shown = next(o for o in outputs if o.output_type == "execute_result")
    assert "application/vnd.jupyter.widget-view+json" in shown.data
    assert TITLE in shown.data["text/plain"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_voila_serves_the_form_without_code(project_dir, tmp_path):
    port = _free_port()
    voila = Path(sys.executable).parent / "voila"
    log = open(tmp_path / "voila.log", "wb")
    process = subprocess.Popen(
        [str(voila), str(NOTEBOOK.relative_to(REPO)), "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1"],
        cwd=REPO, env=os.environ.copy(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        page = None
        deadline = time.monotonic() + 180
        while page is None and time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=120) as response:
                    if response.status == 200:
                        page = response.read().decode("utf-8")
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.5)
        assert page is not None, (tmp_path / "voila.log").read_text(errors="replace")
    finally:
        os.killpg(process.pid, signal.SIGTERM)  # Voilà and the kernel it started, nothing else
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()
    assert "application/vnd.jupyter.widget-view+json" in page
    assert TITLE in page  # the form's own heading ...
    assert "jp-MarkdownOutput" not in page  # ... and no second one from a markdown cell
    assert "SelfEvalApp(" not in page and "import os" not in page  # no code on screen
    assert "Traceback" not in page and "There was an error when executing cell" not in page
