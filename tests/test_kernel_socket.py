"""The workbench's Jupyter servers send kernel messages to the browser at once (deploy/kernel_socket.py) and keep
a kernel started ahead (deploy/spare_kernel.py, tested in tests/test_spare_kernel.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

CHOSEN = """
from jupyter_server.serverapp import ServerApp
app = ServerApp()
app.load_config_file()
for chosen in (app.kernel_websocket_connection_class, app.kernel_manager_class):
    print(chosen.__module__, chosen.__name__)
"""


def test_the_deployed_configuration_gives_tcp_nodelay_and_a_kernel_started_ahead(tmp_path):
    # the folder the team server's spawner, `make lab` and bench/browser.py put on JUPYTER_CONFIG_PATH;
    # the coding app's browser tests run their JupyterLab with it (tests/test_browser_coding.py)
    config = REPO / "deploy" / "jupyter" / "config"
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path), "JUPYTER_CONFIG_PATH": str(config),
           "PYTHONPATH": os.pathsep.join(p for p in (str(REPO / "deploy"), os.environ.get("PYTHONPATH", "")) if p)}
    run = subprocess.run([sys.executable, "-c", CHOSEN], capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["kernel_socket", "PromptKernelConnection", "spare_kernel", "SpareKernelManager"]
