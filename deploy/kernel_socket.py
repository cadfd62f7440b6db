"""The kernel websocket of the workbench's Jupyter servers: each message goes to the browser at once.

jupyter_server leaves Nagle's algorithm on for the browser's kernel websocket, so when a kernel sends
several messages in a row (a widget action answers with a few updates, then "idle"), the second waits
for the browser to acknowledge the first, which it delays by up to 40 ms: a coding action measured
about 40 ms slower than its work (bench/browser.py). Setting TCP_NODELAY on the socket, as browsers do
on theirs, sends every message as it is written. Configured in deploy/jupyter/config/
jupyter_server_config.json (`ServerApp.kernel_websocket_connection_class`), which the team server,
`make lab` and bench/browser.py use, with this folder on PYTHONPATH (as the hub's spawner puts it);
only a Jupyter server imports this module.
"""

from __future__ import annotations

import asyncio

from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection


class PromptKernelConnection(ZMQChannelsWebsocketConnection):
    """jupyter_server's kernel websocket connection, with TCP_NODELAY on the browser's socket."""

    def connect(self) -> asyncio.Future[None] | None:  # type: ignore[override]  # as its parent, not its base
        self.websocket_handler.set_nodelay(True)
        return super().connect()
