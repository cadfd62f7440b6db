"""The transcript view: a whole document in one scrolling view, with every coding drawn on the text.

`TranscriptView` is an anywidget whose JavaScript (static/transcript.js, shipped in the package)
only shows and reports: it draws what Python sends and sends back what the coder selects, clicks
and types. The document goes over once per document; codings, suggestions and search hits are
compact lists keyed by id. Every change of the view's state travels as one message (a `batch` of
changes, e.g. one coding's selection, rows and "Gemt", is one message and one redraw), codings and
suggestions as a delta of only the rows that changed, and the front end redraws only the turns they
touch. The traits always hold the whole state, for a page that is loaded afresh. Everything that
decides something (snapping to words, what a key means, what is saved) is here or in the app.
"""

from __future__ import annotations

import colorsys
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import anywidget
import traitlets

from workbench.material.codebook import Codebook
from workbench.material.corpus import Document

STATIC = Path(__file__).parent / "static"
WORD = re.compile(r"\w", re.UNICODE)
# the view's own state, sent by `TranscriptView.batch` as one message (see transcript.js, initialize)
SYNCED = frozenset({"doc", "codings", "suggestions", "hits", "selection", "selected", "focus", "flash", "grab",
                    "height"})
ROWS = ("codings", "suggestions")  # lists of rows keyed by their first item: sent as a delta


def snap_to_words(body: str, start: int, end: int) -> tuple[int, int] | None:
    """A selection widened to whole words and trimmed of the spaces and punctuation at its ends.

    None when nothing of a word is left (a selection of only spaces or punctuation).
    """
    start, end = max(0, min(start, end)), min(len(body), max(start, end))
    while start > 0 and WORD.match(body[start - 1]) and start < len(body) and WORD.match(body[start]):
        start -= 1
    while end < len(body) and end > 0 and WORD.match(body[end]) and WORD.match(body[end - 1]):
        end += 1
    while start < end and not WORD.match(body[start]):
        start += 1
    while end > start and not WORD.match(body[end - 1]):
        end -= 1
    return (start, end) if end > start else None


def turns(document: Document) -> list[list]:
    """[start, end, speaker, turn number] per speaker turn (or paragraph): the segments of one turn joined."""
    found: list[list] = []
    for segment in document.segments:
        base = segment.id.split(".")[0]
        number = int(base[1:]) if base[1:].isdigit() else len(found) + 1
        if found and found[-1][3] == number:
            found[-1][1] = segment.end
        else:
            found.append([segment.start, segment.end, segment.speaker or "", number])
    return found


def code_colours(codebook: Codebook) -> dict[str, str]:
    """Every code its own colour: a code keeps the codebook's colour unless others in its group share
    it; codes sharing a colour become shades of it, dark to light, in codebook order."""
    colours: dict[str, str] = {}
    for group in codebook.code_groups:
        by_colour: dict[str, list[str]] = {}
        for code in group.codes:
            by_colour.setdefault(code.colour, []).append(code.key)
        for colour, keys in by_colour.items():
            if len(keys) == 1:
                colours[keys[0]] = colour
                continue
            r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
            hue, light, saturation = colorsys.rgb_to_hls(r, g, b)
            low, high = max(0.22, light - 0.2), min(0.72, light + 0.25)
            for index, key in enumerate(keys):
                shade = low + (high - low) * index / (len(keys) - 1)
                rgb = colorsys.hls_to_rgb(hue, shade, saturation)
                colours[key] = "#" + "".join(f"{round(channel * 255):02x}" for channel in rgb)
    return colours


class TranscriptView(anywidget.AnyWidget):
    _esm = STATIC / "transcript.js"
    _css = STATIC / "transcript.css"

    # Compact rows (see transcript.js): each coding and suggestion is one list of ids, offsets,
    # code, colour, flags and tooltip; a hit and the selection are [start, end]; focus and flash
    # carry a nonce last, so the same jump or message twice still reaches the front end.
    doc = traitlets.Dict().tag(sync=True)
    codings: traitlets.List[list[str | int]] = traitlets.List().tag(sync=True)
    suggestions: traitlets.List[list[str | int]] = traitlets.List().tag(sync=True)
    hits: traitlets.List[list[int]] = traitlets.List().tag(sync=True)
    selection: traitlets.List[int] = traitlets.List().tag(sync=True)
    selected = traitlets.Unicode("").tag(sync=True)
    focus: traitlets.List[int] = traitlets.List().tag(sync=True)
    flash: traitlets.List[str | int] = traitlets.List().tag(sync=True)
    grab = traitlets.Int(0).tag(sync=True)
    height = traitlets.Unicode("560px").tag(sync=True)

    _batch: dict[str, object] | None = None  # the changes of the batch under way, by trait name
    _quiet = False  # a change noted here only (`selection_unknown`)

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self._handlers: dict[str, Callable[[dict], None]] = {}
        self._nonce = 0
        self._before: dict[str, list] = {}  # the rows as the front end has them, while a batch is under way
        self.on_msg(self._on_message)

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Send every change of the view's state made inside as one message, which the front end
        applies at once and draws once; a batch inside a batch joins it.

        Codings and suggestions go as a delta {set: changed rows, drop: ids} unless most rows changed.
        """
        if self._batch is not None:
            yield
            return
        self._batch, self._before = {}, {name: getattr(self, name) for name in ROWS}
        try:
            yield
        finally:
            changed, before = self._batch, self._before
            self._batch, self._before = None, {}
            if changed:
                self.send(_state_message(changed, before))

    def update_rows(self, name: str, rows: list[list]) -> None:
        """Set `codings` or `suggestions`; only the rows that changed travel (see `batch`)."""
        with self.batch():
            setattr(self, name, rows)

    def selection_unknown(self) -> None:
        """The front end marks a selection of its own (provisional, until Python has snapped it):
        noted without a message, so the next selection set here, [] too, is sent."""
        self._quiet = True
        try:
            self.selection = [-1, -1]
        finally:
            self._quiet = False

    def _should_send_property(self, key: str, value: object) -> bool:
        if self._quiet:
            return False
        if key not in SYNCED:
            return super()._should_send_property(key, value)
        if self._batch is not None:
            self._batch[key] = value
        else:  # a change on its own: a batch of one, so every change keeps its order
            self.send(_state_message({key: value}, {}))
        return False

    def on(self, kind: str, handler: Callable[[dict], None]) -> None:
        """Call `handler(message)` for messages of this kind: select, turn, pick, key, accept, reject.

        A key carries `start` and `end` (body offsets, unsnapped) when the coder selected text just
        before and the front end folded that selection into the key's message."""
        self._handlers[kind] = handler

    def _on_message(self, _widget: object, content: object, _buffers: list) -> None:
        if not isinstance(content, dict):
            return
        kind = content.get("type")
        handler = self._handlers.get(kind) if isinstance(kind, str) else None
        if handler is not None:
            handler(content)

    def receive(self, content: dict) -> None:
        """What the front end sends, for tests and for the app's own buttons."""
        self._on_message(self, content, [])

    def _next(self) -> int:
        self._nonce += 1
        return self._nonce

    def show(self, document: Document | None) -> None:
        with self.batch():
            self.codings, self.suggestions, self.hits, self.selection, self.selected = [], [], [], [], ""
            self.doc = {"id": document.id, "text": document.body, "turns": turns(document)} if document else {}

    def jump(self, start: int, end: int) -> None:
        self.focus = [start, end, self._next()]

    def say(self, text: str) -> None:
        self.flash = [text, self._next()]

    def take_focus(self) -> None:
        self.grab = self._next()


def _state_message(changed: dict[str, object], before: dict[str, list]) -> dict:
    """{type: state, state: {trait: value}, rows: {codings|suggestions: {set, drop}}} for the front end."""
    state, rows = {}, {}
    for name, value in changed.items():
        delta = _row_delta(before[name], value) if name in before and isinstance(value, list) else None
        if delta is None:
            state[name] = value
        elif delta["set"] or delta["drop"]:
            rows[name] = delta
    return {"type": "state", "state": state, "rows": rows}


def _row_delta(old: list[list], new: list[list]) -> dict | None:
    """The rows of `new` that differ from `old` and the ids gone; None when most rows changed (send it whole)."""
    if not old:
        return None
    known = {row[0]: row for row in old}
    changed = [row for row in new if (was := known.get(row[0])) is not row and was != row]  # mostly the same row
    dropped = list(known.keys() - {row[0] for row in new})
    if len(changed) + len(dropped) > len(new) // 2:
        return None
    return {"set": changed, "drop": dropped}
