"""YAML loading that remembers where each value came from, so errors can name the line.

Validation goes through pydantic; its errors are turned into one Danish sentence that names
the file, the line and the key.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from workbench.errors import WorkbenchError

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


def parse_yaml(text: str, path: Path, first_line: int = 1) -> YamlDocument:
    try:
        node = yaml.compose(text, Loader=Loader)
        data = yaml.load(text, Loader=Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + first_line if mark is not None else None
        problem = exc.problem or "ugyldig YAML"
        raise WorkbenchError(
            f"YAML-teksten kan ikke læses ({problem}). Tjek indrykning, kolon og anførselstegn.", path, line
        ) from exc
    except yaml.YAMLError as exc:
        raise WorkbenchError(f"YAML-teksten kan ikke læses ({exc}).", path) from exc
    return YamlDocument(data=data, node=node, path=path, first_line=first_line)


def read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise WorkbenchError("Filen findes ikke.", path) from exc
    except OSError as exc:
        raise WorkbenchError(f"Filen kan ikke læses ({exc.strerror}).", path) from exc
    try:
        return raw.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise WorkbenchError(
            "Filen er ikke gemt som UTF-8. Gem den som UTF-8 (eller brug `workbench import`).", path, line
        ) from exc


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
