"""Word templates uploaded in the report notebook, kept in the project's `templates/` folder.

The notebook saves an upload here (atomically) so that the same file serves the next build and the
command line: `workbench report --template templates/<name>`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.io.files import atomic_write_bytes

TEMPLATES_DIR = "templates"
SUFFIXES = (".docx", ".dotx")


def save_template(root: Path, name: str, data: bytes, check: Callable[[Path], object]) -> Path:
    """Save an uploaded template as templates/<name> once `check` (which raises the user's error) accepts it.

    The upload is written beside the target under a hidden name and checked there, so a template that does
    not open leaves the earlier one of that name in place."""
    name = Path(name.replace("\\", "/")).name
    if not name.lower().endswith(SUFFIXES) or name.startswith("."):
        raise WorkbenchError("Skabelonen skal være en Word-fil (.docx eller .dotx).", Path(name))
    path = Path(root) / TEMPLATES_DIR / name
    path.parent.mkdir(exist_ok=True)
    trial = path.with_name(f".upload-{name}")
    atomic_write_bytes(trial, data)
    try:
        check(trial)
    except WorkbenchError as exc:  # the same sentence as `report --template`, naming the user's file
        trial.unlink(missing_ok=True)
        raise WorkbenchError(exc.message, Path(name), exc.line) from exc
    except BaseException:
        trial.unlink(missing_ok=True)
        raise
    os.replace(trial, path)
    return path
