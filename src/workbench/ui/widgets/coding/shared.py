"""Small pieces the coding app's views share: code chips and buttons, dropdown helpers, CSV export."""

from __future__ import annotations

import html
import itertools
import re
from typing import TYPE_CHECKING

import ipywidgets as w

from workbench.coding.store import CONSENSUS
from workbench.material.codebook import Code, Codebook
from workbench.material.corpus import TYPE_LABELS, Document

if TYPE_CHECKING:  # the tables' views import pandas; the coding view, which imports this module, does not
    import pandas as pd

ALL = ""  # the "Alle" choice of a filter; ipywidgets shows an empty selection for None
CONSENSUS_CODER = CONSENSUS  # the coder a resolved comparison is saved as


def text_colour(background: str) -> str:
    r, g, b = (int(background[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return "#000000" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.55 else "#ffffff"


def code_chip(codebook: Codebook, key: str, colour: str | None = None) -> str:
    """A code as a small coloured label; a code the codebook no longer has is shown as its bare key."""
    if not codebook.has_code(key):
        return f"<span>{html.escape(key)}</span> "
    code = codebook.code(key)
    colour = colour or code.colour
    return (
        f'<span style="background:{colour};color:{text_colour(colour)};padding:1px 6px;'
        f'border-radius:3px;margin-right:3px;white-space:nowrap">{html.escape(code.label)}</span>'
    )


class CodeButtons:
    """The code buttons of one app: one Layout and one ButtonStyle shared by all of them, each code's
    colour a CSS class set in `css` (an HTML widget holding the rules). Three widget models per button
    were a third of the coding notebook's widgets, each one more message and model for the browser to
    make before the app shows."""

    def __init__(self) -> None:
        self.prefix = f"wb-cc{next(_APPS)}-"  # the rules are the page's: each app's classes its own
        self.layout = w.Layout(width="auto", max_width="100%", margin="1px", height="auto", min_height="24px")
        self.style = w.ButtonStyle()
        self.css = w.HTML(layout=w.Layout(display="none"))
        self._codes: dict[str, tuple[int, Code, str | None]] = {}

    def set_codes(self, codes: list[tuple[Code, str, str | None]]) -> None:
        """The codebook's codes, each (code, colour, shortcut key): the rules for all of them at once, so a
        button made later (`make`) has its colour already."""
        self._codes = {code.key: (index, code, shortcut) for index, (code, _, shortcut) in enumerate(codes)}
        self.css.value = "<style>" + "\n".join(
            f".wb-app .widget-button.wb-code-button.{self.prefix}{index} {{ background-color: {colour};"
            f" color: {text_colour(colour)}; }}" for index, (_, colour, _) in enumerate(codes)) + "</style>"

    def make(self, key: str) -> w.Button:
        """The button of one of the codes given to `set_codes`, its key in front ("1 · P1 Familien")."""
        index, code, shortcut = self._codes[key]
        label = f"{shortcut} · {code.label}" if shortcut else code.label
        tip = code.statement or code.definition or code.name
        button = w.Button(description=label, layout=self.layout, style=self.style,
                          tooltip=f"{code.label}: {tip}" + (f" (tast {shortcut})" if shortcut else ""))
        button.add_class("wb-code-button")
        button.add_class(f"{self.prefix}{index}")
        return button

    def colour_of(self, button: w.Button) -> str | None:
        """The background colour the rules give `button` (for tests and checks)."""
        index = next((c[len(self.prefix):] for c in button._dom_classes if c.startswith(self.prefix)), None)
        rule = rf"\.{re.escape(self.prefix)}{index} {{ background-color: (#[0-9a-fA-F]{{6}})"
        found = re.search(rule, self.css.value)
        return found.group(1) if index is not None and found else None


_APPS = itertools.count(1)


def document_label(document: Document, codebook: Codebook) -> str:
    group = next((g.name for g in codebook.respondent_groups if g.key == document.meta.group), document.meta.group)
    return f"{document.id} · {group} · {TYPE_LABELS.get(document.meta.type, document.meta.type)}"


def choices(pairs, all_label: str = "Alle") -> list[tuple[str, str]]:
    return [(all_label, ALL)] + list(pairs)


def set_options(dropdown: w.Dropdown, options: list) -> None:
    """Replace a dropdown's options, keeping the selection when it is still there, else the first option."""
    old = dropdown.value
    dropdown.options = options
    values = [o[1] if isinstance(o, tuple) else o for o in options]
    if values:
        dropdown.value = old if old in values else values[0]


def selected(dropdown: w.Dropdown) -> str | None:
    return dropdown.value or None


def file_stem(*parts: str | None) -> str:
    return "_".join(re.sub(r"[^A-Za-z0-9ÆØÅæøå_-]+", "-", p) for p in parts if p)


def show_frame(output: w.Output, frame: pd.DataFrame, empty: str) -> None:
    import pandas as pd
    from IPython.display import HTML, display

    output.clear_output()
    with output, pd.option_context("display.max_colwidth", 400, "display.max_rows", 500):
        display(frame if len(frame) else HTML(f"<i>{html.escape(empty)}</i>"))
