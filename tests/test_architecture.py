"""ARCHITECTURE.md and docs/formater.md describe the code as it is: every module, the enforced layers, every command."""

from __future__ import annotations

import argparse
import ast
import re
import tomllib
from pathlib import Path

import pytest

from workbench.ui.cli import build_parser

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "src" / "workbench"
ARCHITECTURE = (REPO / "ARCHITECTURE.md").read_text(encoding="utf-8")
FORMATS = REPO / "docs" / "formater.md"


def _only_reexports(path: Path) -> bool:
    """An __init__.py with nothing but a docstring, imports and __all__ is not a module of its own."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            continue
        if isinstance(node, ast.Assign) and all(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            continue
        return False
    return True


def modules() -> list[Path]:
    return sorted(
        path for path in PACKAGE.rglob("*.py")
        if not (path.name == "__init__.py" and _only_reexports(path))
    )


def names_for(path: Path) -> list[str]:
    """How ARCHITECTURE.md may name a module: path from src/workbench/ or dotted, with or without `workbench.`."""
    relative = path.relative_to(PACKAGE)
    if relative == Path("__init__.py"):
        return ["src/workbench/__init__.py"]
    parts = list(relative.with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
        paths = [relative.as_posix(), relative.parent.as_posix() + "/"]
    else:
        paths = [relative.as_posix()]
    dotted = ".".join(parts)
    names = [*paths, f"src/workbench/{relative.as_posix()}", f"workbench.{dotted}"]
    if len(parts) > 1:  # "coding.store" is specific; a bare "errors" is not
        names.append(dotted)
    return names


def mentioned(name: str, text: str) -> bool:
    return re.search(rf"(?<![\w/.]){re.escape(name)}(?![\w])", text) is not None


def test_the_module_list_is_not_empty_and_finds_split_packages():
    found = {p.relative_to(PACKAGE).as_posix() for p in modules()}
    assert {"errors.py", "selfeval/form.py", "report/sections/method.py", "ui/cli/__init__.py"} <= found
    assert "coding/__init__.py" not in found  # empty


@pytest.mark.parametrize("path", modules(), ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_every_module_is_described_in_architecture_md(path):
    names = names_for(path)
    assert any(mentioned(name, ARCHITECTURE) for name in names), (
        f"{path.relative_to(REPO)} is not described in ARCHITECTURE.md; add a short paragraph naming it as "
        f"one of: {', '.join(names)}"
    )


def test_a_module_named_only_by_its_file_name_does_not_count():
    assert not any(mentioned(name, "see store.py and the store") for name in names_for(PACKAGE / "coding" / "store.py"))
    assert mentioned("coding/store.py", "**coding/store.py** — the store")
    assert mentioned("workbench.coding.store", "(`workbench.coding.store`)")


def test_the_layers_in_architecture_md_are_the_enforced_contract():
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    contract = next(c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers")
    enforced = [
        " | ".join(p.strip().removeprefix("workbench.") for p in layer.split("|")) for layer in contract["layers"]
    ]
    block = re.search(r"<!-- layers:[^>]*-->\s*```\n(.*?)```", ARCHITECTURE, re.S)
    assert block, "ARCHITECTURE.md has no layers block"
    assert block.group(1).split("\n")[:-1] == enforced


def _commands(parser: argparse.ArgumentParser, prefix: str = "workbench") -> list[tuple[str, argparse.ArgumentParser]]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found.append((f"{prefix} {name}", sub))
                found += _commands(sub, f"{prefix} {name}")
    return found


COMMANDS = _commands(build_parser())


def test_every_command_is_found():
    names = [name for name, _ in COMMANDS]
    assert "workbench report" in names and "workbench codings export" in names


@pytest.mark.parametrize("name,parser", COMMANDS, ids=[name for name, _ in COMMANDS])
def test_every_command_and_its_options_are_in_docs_formater(name, parser):
    text = FORMATS.read_text(encoding="utf-8")
    heading = re.search(rf"^#+ `{re.escape(name)}`", text, re.M)
    assert heading, f"docs/formater.md has no heading `{name}`"
    following = text[heading.end():]
    section = following[: m.start()] if (m := re.search(r"^#+ `workbench", following, re.M)) else following
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction) or "--help" in action.option_strings:
            continue
        if action.dest == "project":  # every command takes it; described once (next test)
            continue
        shown = action.option_strings[-1] if action.option_strings else (action.metavar or action.dest)
        assert mentioned(shown, section), f"docs/formater.md: `{name}` does not describe {shown}"


def test_the_project_option_is_described_once_for_all_commands():
    text = FORMATS.read_text(encoding="utf-8")
    assert mentioned("--project", text) and "alle kommandoer" in text


def test_docs_never_send_the_user_to_shared():
    for path in sorted((REPO / "docs").glob("*.md")):
        assert "../shared" not in path.read_text(encoding="utf-8"), f"docs/{path.name} refers to ../shared/"
