"""Write environment.yml (for conda users) from pyproject.toml, so the dependencies have one source.

    python tools/environment.py          # rewrite environment.yml
    python tools/environment.py --check  # exit 1 if environment.yml is not what pyproject.toml gives

The environment holds the runtime dependencies and every extra (notebooks, test): it is a development
environment, like the one `make test` builds.
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = ROOT / "pyproject.toml"
ENVIRONMENT = ROOT / "environment.yml"


def requirements(pyproject: dict) -> list[str]:
    """Runtime dependencies, then each extra's, with the project's references to its own extras expanded."""
    project = pyproject["project"]
    extras: dict[str, list[str]] = project.get("optional-dependencies", {})
    own = re.compile(rf"^{re.escape(project['name'])}\[(?P<extras>[^\]]+)\]$")
    listed: list[str] = []

    def add(requirement: str) -> None:
        match = own.match(requirement.replace(" ", ""))
        if match:
            for extra in match["extras"].split(","):
                for item in extras[extra]:
                    add(item)
        elif requirement not in listed:
            listed.append(requirement)

    for requirement in project["dependencies"]:
        add(requirement)
    for extra in extras.values():
        for requirement in extra:
            add(requirement)
    return listed


def render(pyproject: dict) -> str:
    python = pyproject["project"]["requires-python"]
    lines = [
        "# Written by tools/environment.py from pyproject.toml; do not edit (make environment rewrites it).",
        "# For conda users: `conda env create -f environment.yml && conda activate workbench && pip install -e .`",
        "name: workbench",
        "channels:",
        "  - conda-forge",
        "dependencies:",
        f"  - python{python}",
        "  - pip",
        "  - pip:",
        *(f"      - {requirement}" for requirement in requirements(pyproject)),
    ]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that environment.yml is up to date")
    args = parser.parse_args()
    wanted = render(tomllib.loads(PYPROJECT.read_text(encoding="utf-8")))
    if args.check:
        if not ENVIRONMENT.exists() or ENVIRONMENT.read_text(encoding="utf-8") != wanted:
            print("environment.yml er ikke i takt med pyproject.toml; kør `make environment`.", file=sys.stderr)
            return 1
        return 0
    ENVIRONMENT.write_text(wanted, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
