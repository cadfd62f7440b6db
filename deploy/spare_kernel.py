"""The kernels of the workbench's Jupyter servers: one started ahead, with the coding app's code loaded.

Opening the coding notebook in a running JupyterLab waited about 0,4 s for a Python kernel to start and
0,3 s for the cell to import the workbench (pydantic models, ipywidgets, anywidget), of the 2 s target
(bench/browser.py). The server therefore keeps one spare kernel of its default kind, started when the
server starts and after each hand-out, with the modules of `preload` imported; a notebook opened in
JupyterLab gets it at once. It is handed over as if it had been started for the notebook: its working
directory, `JPY_SESSION_NAME` and `__session__` are the notebook's, and a restart starts it there
again (it is then an ordinary kernel).

A spare is not handed out, and an ordinary kernel starts instead, when:
- another kernel is asked for, or with other options or an environment that differs in more than the
  session name (Voilà's pages, for example: their variables must be there when the kernel starts);
- the workbench's code has changed on disk since the spare imported it (a developer's edit, an upgrade);
- the spare has died or does not answer.

The spare is not listed in /api/kernels, so JupyterLab's list of running kernels shows only the user's;
the server shuts it down with the others. Configured in deploy/jupyter/config/jupyter_server_config.json
(`ServerApp.kernel_manager_class`), used by the team server's evaluators, `make lab` and bench/browser.py;
the hub's other roles set `SpareKernelManager.keep_spare=False` (they open no coding notebook).
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import time
import typing as t
from pathlib import Path

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado.ioloop import IOLoop
from traitlets import Bool, Float, List, Unicode

# what the server sets per kernel (jupyter_server's SessionManager.get_kernel_env); a spare can take it on
PER_KERNEL_ENV = ("JPY_SESSION_NAME",)
ANSWER_SECONDS = 60.0  # a spare that does not answer its preload or its hand-over in this time is not used

# Run silently in the spare when it is handed over. The working directory comes first in sys.path when
# the kernel starts (`python -m ipykernel_launcher`), so it is replaced there too.
HAND_OVER = """\
import os as _wb_os, sys as _wb_sys
_wb_sys.path[:] = [{cwd!r} if _wb_p == _wb_os.getcwd() else _wb_p for _wb_p in _wb_sys.path]
_wb_os.chdir({cwd!r})
{session}
del _wb_os, _wb_sys
"""


class SpareKernelManager(AsyncMappingKernelManager):
    """jupyter_server's kernel manager, with one kernel of the default kind kept started ahead."""

    keep_spare = Bool(True, config=True, help="Keep one kernel started ahead for the next notebook opened.")
    preload = List(Unicode(), ["workbench.ui.widgets.coding"], config=True,
                   help="Modules the spare kernel imports once it has started.")
    refill_seconds = Float(5.0, config=True,
                           help="Seconds from a hand-over to the next spare's start (not beside the notebook's run).")

    def __init__(self, **kwargs: t.Any) -> None:
        super().__init__(**kwargs)
        self._spare: asyncio.Task[tuple[str, float] | None] | None = None
        self._spare_id: str | None = None  # kept out of /api/kernels from its start to its hand-over
        if self.keep_spare:  # the server's loop runs this once it has started
            IOLoop.current().add_callback(self._refill)

    # -- the spare

    def _refill(self) -> None:
        if self.keep_spare and self._spare is None:
            self._spare = asyncio.ensure_future(self._start_spare())

    async def _start_spare(self) -> tuple[str, float] | None:
        """A spare kernel started in the root folder, its preload imported: (kernel id, time it imported)."""
        started = time.time()
        try:
            kernel_id = await super().start_kernel(path="", kernel_name=self.default_kernel_name,
                                                   env=dict(os.environ))
        except Exception:  # noqa: BLE001 - no spare then; notebooks start their kernels as usual
            self.log.exception("Ingen reservekerne: den kunne ikke startes")
            return None
        self._spare_id = kernel_id
        if self.preload:
            code = "\n".join(f"__import__({name!r})" for name in self.preload)
            if not await self._run_silently(kernel_id, code):
                self.log.warning("Reservekernen kunne ikke indlæse %s; den bruges ikke", ", ".join(self.preload))
                await self._discard(kernel_id)
                return None
        return kernel_id, started

    async def _run_silently(self, kernel_id: str, code: str) -> bool:
        """Run `code` in the kernel without output or history: whether it ran without an error."""
        client = self.get_kernel(kernel_id).client()
        client.start_channels()
        try:
            msg_id = client.execute(code, silent=True, store_history=False)
            deadline = time.monotonic() + ANSWER_SECONDS
            while True:
                reply = await client.get_shell_msg(timeout=max(0.0, deadline - time.monotonic()))
                if reply["parent_header"].get("msg_id") == msg_id:
                    return bool(reply["content"]["status"] == "ok")
        except Exception:  # noqa: BLE001 - a kernel that does not answer (queue.Empty on timeout) is not used
            return False
        finally:
            client.stop_channels()

    async def _discard(self, kernel_id: str) -> None:
        self._spare_id = None
        if kernel_id in self:
            await super().shutdown_kernel(kernel_id, now=True)

    def _code_changed_since(self, moment: float) -> bool:
        """Whether a source file of the preloaded modules' packages changed after `moment`."""
        for name in self.preload:
            spec = importlib.util.find_spec(name.split(".")[0])
            for folder in (spec.submodule_search_locations or []) if spec else []:
                if any(path.stat().st_mtime > moment for path in Path(folder).rglob("*.py")):
                    return True
        return False

    async def _take_spare(self, path: str | None, kwargs: dict[str, t.Any]) -> str | None:
        """The spare, handed over for a kernel started for `path` with `kwargs`; None when it cannot be."""
        if self._spare is None:
            return None
        name = kwargs.get("kernel_name") or self.default_kernel_name
        env = kwargs.get("env") or {}
        if (name != self.default_kernel_name or set(kwargs) - {"kernel_name", "env"}
                or _without_per_kernel(env) != _without_per_kernel(os.environ)):
            return None
        spare, self._spare = self._spare, None
        ready = await spare
        if ready is None:
            return None
        kernel_id, started = ready
        if kernel_id not in self or self._code_changed_since(started):
            await self._discard(kernel_id)
            return None
        cwd = self.cwd_for_path(path or "")
        session = env.get("JPY_SESSION_NAME")
        setting = (f"_wb_os.environ['JPY_SESSION_NAME'] = __session__ = {session!r}" if session is not None
                   else "_wb_os.environ.pop('JPY_SESSION_NAME', None)")
        if not await self._run_silently(kernel_id, HAND_OVER.format(cwd=cwd, session=setting)):
            await self._discard(kernel_id)
            return None
        self._spare_id = None
        manager = self.get_kernel(kernel_id)
        # a restart starts the kernel as the notebook's own (jupyter_client restarts with its launch arguments)
        manager._launch_args = {**(manager._launch_args or {}), "cwd": cwd, "env": dict(env)}
        self.log.info("Reservekernen %s overtaget for %s", kernel_id, path)
        return kernel_id

    # -- jupyter_server's kernel manager

    async def start_kernel(self, *, kernel_id: str | None = None, path: str | None = None,  # type: ignore[override]
                           **kwargs: t.Any) -> str:
        handed = None if kernel_id is not None else await self._take_spare(path, kwargs)
        IOLoop.current().call_later(self.refill_seconds, self._refill)
        if handed is not None:
            return handed
        return await super().start_kernel(kernel_id=kernel_id, path=path, **kwargs)

    def list_kernels(self) -> list[dict[str, t.Any]]:
        return [model for model in super().list_kernels() if model["id"] != self._spare_id]


def _without_per_kernel(env: t.Mapping[str, str]) -> dict[str, str]:
    return {key: value for key, value in env.items() if key not in PER_KERNEL_ENV}
