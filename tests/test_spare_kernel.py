"""A notebook opened in the workbench's JupyterLab gets a kernel started ahead (deploy/spare_kernel.py), and
that kernel is in every way the notebook's own: its folder, its session name, its restart."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "deploy"))

from spare_kernel import SpareKernelManager  # noqa: E402

PRELOADED = "import sys; print('preloaded' if 'spare_probe.ui' in sys.modules else 'fresh')"
WHERE = "import os; print(os.getcwd(), __session__, os.environ['JPY_SESSION_NAME'])"


@pytest.fixture
def probe(tmp_path, monkeypatch):
    """A package the spare preloads, importable by the server and its kernels, as the workbench is."""
    package = tmp_path / "lib" / "spare_probe"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "ui.py").write_text("LOADED = True\n", encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(p for p in (str(tmp_path / "lib"), os.environ.get("PYTHONPATH"))
                                                     if p))
    monkeypatch.syspath_prepend(str(tmp_path / "lib"))
    return package


async def output(manager: SpareKernelManager, kernel_id: str, code: str) -> str:
    """What `code` prints in the kernel."""
    client = manager.get_kernel(kernel_id).client()
    client.start_channels()
    try:
        await client.wait_for_ready(timeout=60)
        msg_id = client.execute(code)
        printed = []
        while True:
            message = await client.get_iopub_msg(timeout=60)
            if message["parent_header"].get("msg_id") != msg_id:
                continue
            if message["msg_type"] == "stream":
                printed.append(message["content"]["text"])
            elif message["msg_type"] == "error":
                raise AssertionError("\n".join(message["content"]["traceback"]))
            elif message["msg_type"] == "status" and message["content"]["execution_state"] == "idle":
                return "".join(printed).strip()
    finally:
        client.stop_channels()


async def spare_started(manager: SpareKernelManager, *users: str) -> None:
    """Until the server has a kernel beside the users' kernels that it does not list: the spare."""
    deadline = time.monotonic() + 60
    while len(manager.list_kernel_ids()) <= len(users):
        assert time.monotonic() < deadline, "no spare kernel started"
        await asyncio.sleep(0.05)
    assert sorted(model["id"] for model in manager.list_kernels()) == sorted(users)


def notebook_env(path: str) -> dict[str, str]:
    return {**os.environ, "JPY_SESSION_NAME": path}  # as jupyter_server's SessionManager starts a notebook's kernel


def in_server(tmp_path: Path, scenario, **config) -> None:
    """Run `scenario(manager, root)` against a kernel manager as the server has it, shutting every kernel down."""
    root = tmp_path / "projekt"
    (root / "notebooks").mkdir(parents=True)

    async def main() -> None:
        manager = SpareKernelManager(root_dir=str(root), preload=["spare_probe.ui"], refill_seconds=0.0, **config)
        try:
            await scenario(manager, root)
        finally:
            await manager.shutdown_all(now=True)

    asyncio.run(main())


def test_a_notebook_gets_the_spare_with_its_code_loaded_in_its_own_folder_and_session(tmp_path, probe):
    async def scenario(manager, root):
        await spare_started(manager)
        kernel_id = await manager.start_kernel(path="notebooks", kernel_name="python3",
                                               env=notebook_env("notebooks/01_kodning.ipynb"))
        assert await output(manager, kernel_id, PRELOADED) == "preloaded"
        assert await output(manager, kernel_id, WHERE) == (f"{root / 'notebooks'} notebooks/01_kodning.ipynb "
                                                           "notebooks/01_kodning.ipynb")
        # the user's own modules beside the notebook import, those beside the server's root do not
        (root / "notebooks" / "beside.py").write_text("print('beside the notebook')\n", encoding="utf-8")
        (root / "at_root.py").write_text("print('at the root')\n", encoding="utf-8")
        assert await output(manager, kernel_id, "import beside") == "beside the notebook"
        assert "ModuleNotFoundError" in await output(
            manager, kernel_id, "try:\n    import at_root\nexcept ImportError as e:\n    print(type(e).__name__)")
        assert [model["id"] for model in manager.list_kernels()] == [kernel_id]

        # a restart starts it again as the notebook's own kernel, not where the spare was started
        await manager.restart_kernel(kernel_id)
        restarted = await output(manager, kernel_id, WHERE)
        assert restarted == f"{root / 'notebooks'} notebooks/01_kodning.ipynb notebooks/01_kodning.ipynb"
        assert await output(manager, kernel_id, PRELOADED) == "fresh"

    in_server(tmp_path, scenario)


def test_each_notebook_opened_later_gets_a_new_spare_and_the_spare_is_never_listed(tmp_path, probe):
    async def scenario(manager, root):
        await spare_started(manager)
        first = await manager.start_kernel(path="", kernel_name="python3", env=notebook_env("a.ipynb"))
        await spare_started(manager, first)
        second = await manager.start_kernel(path="notebooks", kernel_name="python3",
                                            env=notebook_env("notebooks/b.ipynb"))
        assert await output(manager, second, PRELOADED) == "preloaded"
        assert await output(manager, first, "import os; print(os.getcwd())") == str(root)
        assert sorted(model["id"] for model in manager.list_kernels()) == sorted([first, second])

    in_server(tmp_path, scenario)


def test_a_kernel_asked_for_with_its_own_environment_starts_fresh_with_it(tmp_path, probe):
    # Voilà's pages put their query string in the kernel's environment: it must be there from the start
    async def scenario(manager, root):
        await spare_started(manager)
        kernel_id = await manager.start_kernel(path="notebooks", kernel_name="python3",
                                               env={**notebook_env("notebooks/x.ipynb"), "QUERY_STRING": "a=1"})
        assert await output(manager, kernel_id, PRELOADED) == "fresh"
        assert await output(manager, kernel_id, "import os; print(os.environ['QUERY_STRING'])") == "a=1"
        assert len(manager.list_kernel_ids()) == 2  # the spare still waits for a notebook

    in_server(tmp_path, scenario)


def test_a_spare_that_predates_a_change_of_the_code_is_not_handed_out(tmp_path, probe):
    async def scenario(manager, root):
        await spare_started(manager)
        later = time.time() + 5
        os.utime(probe / "ui.py", (later, later))  # a developer's edit, an upgrade
        kernel_id = await manager.start_kernel(path="notebooks", kernel_name="python3",
                                               env=notebook_env("notebooks/x.ipynb"))
        assert await output(manager, kernel_id, PRELOADED) == "fresh"
        assert await output(manager, kernel_id, "import os; print(os.getcwd())") == str(root / "notebooks")

    in_server(tmp_path, scenario)


def test_without_a_spare_kernels_start_as_jupyter_server_starts_them(tmp_path, probe):
    async def scenario(manager, root):
        await asyncio.sleep(0.5)
        assert manager.list_kernel_ids() == []
        kernel_id = await manager.start_kernel(path="notebooks", kernel_name="python3",
                                               env=notebook_env("notebooks/x.ipynb"))
        assert await output(manager, kernel_id, PRELOADED) == "fresh"
        assert await output(manager, kernel_id, WHERE) == (f"{root / 'notebooks'} notebooks/x.ipynb "
                                                           "notebooks/x.ipynb")

    in_server(tmp_path, scenario, keep_spare=False)
