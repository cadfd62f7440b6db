"""YAML loading that remembers where each value came from, so errors can name the line.

Validation goes through pydantic; its errors are turned into one Danish sentence that names
the file, the line and the key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from workbench.errors import WorkbenchError
from workbench.io.text import read_text as read_user_text

M = TypeVar("M", bound=BaseModel)


@dataclass
class YamlDocument:
    data: Any
    node: yaml.Node | None
    path: Path
    first_line: int = 1  # line of the file where this YAML text starts (front matter starts at 2)

    def line_of(self, loc: tuple) -> int | None:
        """The file line of the value at `loc` (keys and list indices), or of its nearest parent."""
        node = self.node
        line = node.start_mark.line if node is not None else None
        for part in loc:
            if isinstance(node, yaml.MappingNode):
                match = next((v for k, v in node.value if getattr(k, "value", None) == part), None)
                if match is None:
                    break
                node = match
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
                node = node.value[part]
            else:
                break
            line = node.start_mark.line
        return None if line is None else line + self.first_line


# libyaml's loader and dumper when available: the pure-Python ones are ten times slower on many small files
Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

MAX_YAML_BYTES = 5 * 1024 * 1024  # a codebook or form a person wrote is far smaller
MAX_DEPTH = 40  # levels of nesting
MAX_ALIASES = 200  # references (*name) to anchors (&name)
MAX_EXPANDED = 200_000  # values counted with every reference expanded: an alias bomb grows to billions


class _BadDate(Exception):
    def __init__(self, value: str, line: int):
        self.value, self.line = value, line


class _ReaderLoader(Loader):  # type: ignore[misc, valid-type]
    """The safe loader, with dates checked: YAML's own timestamp reader raises ValueError on 2025-02-30."""


def _timestamp(loader, node):
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError:
        raise _BadDate(str(node.value), node.start_mark.line) from None


_ReaderLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


# PyYAML's and libyaml's problems as users read them: the parser's English never reaches the message.
_PROBLEMS_DA = (
    ("mapping values are not allowed", "et kolon står et sted, hvor der ikke må begynde en ny nøgle"),
    ("could not find expected ':'", "der mangler et kolon efter en nøgle"),
    ("did not find expected key", "en linje passer ikke ind i indrykningen over den"),
    ("did not find expected '-' indicator", "et punkt i en liste mangler sin bindestreg eller er rykket forkert ind"),
    ("did not find expected ','", "der mangler et komma eller en afsluttende klamme"),
    ("did not find expected node content", "der mangler en værdi"),
    ("that cannot start any token", "et tegn (fx et tabulatortegn) kan ikke stå her; ryk ind med mellemrum"),
    ("found unexpected end of stream", "filen slutter, før et anførselstegn eller en klamme er lukket"),
    ("found unexpected ':'", "et kolon står et uventet sted"),
    ("found undefined alias", "en henvisning (*navn) peger på noget, der ikke findes"),
    ("found duplicate anchor", "det samme anker (&navn) står to gange"),
    ("expected <block end>", "en linje er rykket forkert ind"),
    ("expected a single document", "filen indeholder mere end ét dokument (---)"),
    ("found unknown escape character", "en ukendt \\-kode i en tekst i anførselstegn"),
)


def _danish_problem(problem: str) -> str:
    for english, danish in _PROBLEMS_DA:
        if english in problem:
            return danish
    return "teksten følger ikke YAML-formatet her"


def _check_events(text: str, path: Path, first_line: int) -> None:
    """Refuse deep nesting and alias bombs from the event stream, before anything is built from it.

    Each collection's size is counted with its references expanded (an anchor's size is known when it
    closes), so a 700-byte bomb of nine times nine references is refused after reading its 700 bytes.
    """
    sizes: dict[str, int] = {}
    stack: list[list] = [[None, 0]]  # [anchor, expanded size] per open collection
    aliases = 0
    for event in yaml.parse(text, Loader=Loader):
        line = event.start_mark.line + first_line if event.start_mark is not None else None
        if isinstance(event, yaml.CollectionStartEvent):
            if len(stack) > MAX_DEPTH:
                raise WorkbenchError(
                    f"YAML-teksten er indlejret for dybt (mere end {MAX_DEPTH} niveauer). "
                    "Tjek klammerne og indrykningen.",
                    path, line,
                )
            stack.append([event.anchor, 1])
        elif isinstance(event, yaml.CollectionEndEvent):
            anchor, size = stack.pop()
            stack[-1][1] += size
            if anchor is not None:
                sizes[anchor] = size
        elif isinstance(event, yaml.ScalarEvent):
            stack[-1][1] += 1
            if event.anchor is not None:
                sizes[event.anchor] = 1
        elif isinstance(event, yaml.AliasEvent):
            aliases += 1
            stack[-1][1] += sizes.get(event.anchor, 1)
            if aliases > MAX_ALIASES:
                raise WorkbenchError(
                    f"YAML-teksten bruger flere end {MAX_ALIASES} henvisninger (*navn) til ankre (&navn). "
                    "Skriv værdierne ud i stedet.", path, line,
                )
        if stack[-1][1] > MAX_EXPANDED:
            raise WorkbenchError(
                "YAML-teksten vokser til over "
                f"{MAX_EXPANDED:,}".replace(",", ".") + " værdier, når dens henvisninger (*navn) til ankre (&navn) "
                "foldes ud (en såkaldt alias-bombe). Skriv værdierne ud i stedet.", path, line,
            )


def _check_duplicate_keys(node: yaml.Node | None, path: Path, first_line: int) -> None:
    """A key written twice in one mapping is an error naming both lines (YAML would silently keep the last)."""
    todo = [node] if node is not None else []
    seen_nodes: set[int] = set()
    while todo:
        current = todo.pop()
        if id(current) in seen_nodes:  # an alias: the same node again
            continue
        seen_nodes.add(id(current))
        if isinstance(current, yaml.MappingNode):
            lines: dict[str, int] = {}
            for key, value in current.value:
                if isinstance(key, yaml.ScalarNode) and key.tag != "tag:yaml.org,2002:merge":
                    line = key.start_mark.line + first_line
                    if key.value in lines:
                        raise WorkbenchError(
                            f"Nøglen '{key.value}' står to gange i samme afsnit (linje {lines[key.value]} og linje "
                            f"{line}); YAML ville bruge den sidste uden at sige det. Slet den ene.",
                            path, line,
                        )
                    lines[key.value] = line
                todo.extend((key, value))
        elif isinstance(current, yaml.SequenceNode):
            todo.extend(current.value)


def parse_yaml(text: str, path: Path, first_line: int = 1) -> YamlDocument:
    """YAML text from a user's file, checked: size, nesting, aliases, duplicate keys, impossible dates, tags."""
    if len(text) > MAX_YAML_BYTES:
        raise WorkbenchError(
            f"YAML-teksten er for stor (over {MAX_YAML_BYTES // 1024 // 1024} MB). Tjek at det er den rigtige fil.",
            path,
        )
    loader = None
    try:
        _check_events(text, path, first_line)
        loader = _ReaderLoader(text)
        node = loader.get_single_node()
        _check_duplicate_keys(node, path, first_line)
        data = loader.construct_document(node) if node is not None else None
    except _BadDate as exc:
        raise WorkbenchError(
            f"Datoen {exc.value} findes ikke i kalenderen. Skriv en rigtig dato som ÅÅÅÅ-MM-DD, fx 2025-05-14.",
            path, exc.line + first_line,
        ) from None
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + first_line if mark is not None else None
        tag = re.search(r"tag '([^']*)'", exc.problem or "")
        if tag:
            shown = tag.group(1).replace("tag:yaml.org,2002:", "!!")
            raise WorkbenchError(
                f"Mærket '{shown}' (tag) er ikke tilladt i YAML-filer til arbejdsbordet. Slet det.", path, line
            ) from None
        problem = _danish_problem(exc.problem or "")
        raise WorkbenchError(f"YAML-teksten kan ikke læses ({problem}).", path, line) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + first_line if mark is not None else None
        problem = exc.problem or "ugyldig YAML"
        if "nesting depth" in problem:
            raise WorkbenchError(
                "YAML-teksten er indlejret for dybt (for mange niveauer). Tjek klammerne og indrykningen.", path, line
            ) from None
        raise WorkbenchError(
            f"YAML-teksten kan ikke læses ({_danish_problem(problem)}). Tjek indrykning, kolon og anførselstegn.",
            path, line,
        ) from None
    except yaml.YAMLError as exc:
        raise WorkbenchError(f"YAML-teksten kan ikke læses ({_danish_problem(str(exc))}).", path) from None
    except RecursionError:
        raise WorkbenchError("YAML-teksten er indlejret for dybt. Tjek klammerne og indrykningen.", path) from None
    finally:
        if loader is not None:
            loader.dispose()
    return YamlDocument(data=data, node=node, path=path, first_line=first_line)


def read_text(path: Path) -> str:
    """A YAML (or Markdown) file the workbench also writes: UTF-8, with or without BOM, or UTF-16 with BOM."""
    return read_user_text(
        path, "Gem den som UTF-8 (eller brug `workbench import`).", allow_cp1252=False, limit=MAX_YAML_BYTES
    )


def load_yaml_file(path: Path) -> YamlDocument:
    text = read_text(path)
    if not text.strip():
        raise WorkbenchError("Filen er tom.", path)
    return parse_yaml(text, path)


_MESSAGES = {
    "missing": "mangler",
    "extra_forbidden": "er ikke et kendt felt",
    "string_type": "skal være tekst",
    "int_type": "skal være et heltal",
    "int_parsing": "skal være et heltal",
    "float_parsing": "skal være et tal",
    "list_type": "skal være en liste",
    "tuple_type": "skal være en liste",
    "dict_type": "skal være en samling af nøgler og værdier",
    "model_type": "skal være en samling af nøgler og værdier",
    "date_from_datetime_parsing": "skal være en dato som ÅÅÅÅ-MM-DD",
    "date_parsing": "skal være en dato som ÅÅÅÅ-MM-DD",
    "date_type": "skal være en dato som ÅÅÅÅ-MM-DD",
    "string_pattern_mismatch": "har en ugyldig form",
    "string_too_short": "må ikke være tom",
    "too_short": "må ikke være tom",
    "greater_than_equal": "er for lille",
    "less_than_equal": "er for stor",
    "bool_parsing": "skal være ja/nej (true/false)",
}


def describe_validation_error(exc: ValidationError) -> tuple[tuple, str]:
    """(location, Danish sentence) for the first error pydantic found."""
    err = exc.errors(include_url=False)[0]
    loc = tuple(err["loc"])
    key = ".".join(str(p) for p in loc) or "(roden)"
    kind = err["type"]
    if kind == "value_error":
        detail = str(err.get("ctx", {}).get("error", err["msg"]))
        return loc, detail if not loc else f"'{key}': {detail}"
    if kind == "literal_error":
        # pydantic writes "'a', 'b' or 'c'": keep the values, say it in Danish
        expected = str(err.get("ctx", {}).get("expected", "")).replace(" or ", ", ")
        return loc, f"'{key}' har værdien {err.get('input')!r}, men skal være en af: {expected}."
    text = _MESSAGES.get(kind, err["msg"])
    if kind == "missing":
        return loc, f"Det påkrævede felt '{key}' mangler."
    return loc, f"'{key}' {text} (fundet: {err.get('input')!r})."


def validate(model: type[M], doc: YamlDocument, context: dict | None = None) -> M:
    try:
        return model.model_validate(doc.data, context=context)
    except ValidationError as exc:
        loc, message = describe_validation_error(exc)
        raise WorkbenchError(message, doc.path, doc.line_of(loc)) from exc
