"""One error type for everything a user can get wrong.

Every message is a Danish sentence naming the file (and line when known) and what to do;
the CLI prints it and exits with code 2.
"""

from __future__ import annotations

from pathlib import Path


class WorkbenchError(Exception):
    """A problem in the user's input, explained in Danish."""

    def __init__(self, message: str, path: str | Path | None = None, line: int | None = None):
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        where = f"{self.path}"
        if self.line is not None:
            where += f", linje {self.line}"
        return f"Fejl i {where}: {self.message}"
