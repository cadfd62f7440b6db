"""Code management while coding: add, rename, recolour, re-key and merge codes.

The codebook YAML is edited surgically: the YAML parser tells where each value stands in the
text, and only those characters change (a name, a colour, a key), or whole lines are added (a new
code) or taken out (a merged code). Comments, blank lines, key order, folded descriptions and flow
lists elsewhere stay exactly as the evaluator wrote them. The edited text is validated with the
codebook's own loader before it atomically replaces the file, under the file's lock, so a
mistake, a crash or a second editor never leaves a broken or half-written codebook.

Codings follow a re-keyed or merged code by new `update` (and, where two codings would become
one, `remove`) events in each coder's log; no log is rewritten. A merge writes the events before
the codebook changes: a crash between the two leaves codings on the target, which the codebook
still has, and running the merge again finishes it. A re-keying changes the codebook first (the
store accepts only codes the codebook has); running it again after a crash moves the codings left.
The Project's cached codebook is not reloaded here: open the project again after an edit.

Every edit returns a `CodebookChange` (the text before and after, the old value, the codings that
followed), and `undo_change` takes it back: the codebook as it was, and codings back on their code
by more new events.
"""

# The codebook is validated before it is edited, so the YAML nodes the edits look up exist.
# mypy: disable-error-code="union-attr"

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import yaml

from workbench.errors import WorkbenchError
from workbench.io.files import atomic_write_text, locked
from workbench.io.yaml import Loader, parse_yaml, read_text, validate
from workbench.material.codebook import CODE_KEY, Codebook
from workbench.material.corpus import Corpus, Document

CODEBOOK_FILE = Path("codebook") / "codebook.yaml"
NEW_CODES_GROUP = ("nye_koder", "Nye koder", "theme")  # where inductive codes go unless a group is named
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
_PLAIN = re.compile(r"[A-Za-zÆØÅæøåÉé0-9][\w ÆØÅæøå.,()/–-]*")


class _Store(Protocol):  # the coding store, as this module needs it (material sits below coding)
    codebook: Codebook | None

    def coders(self) -> list[str]: ...
    def codings(self, coder: str | None = None) -> list: ...
    def update(self, coder: str, coding_id: str, *, by: str | None = None, **changes): ...
    def remove(self, coder: str, coding_id: str, *, by: str | None = None) -> None: ...
    def add(self, coder: str, document: Document, code: str, valence: str = ..., *,
            span: tuple[int, int] | None = ..., memo: str = ..., quote: bool = ..., question: str | None = ...,
            by: str | None = ...): ...


@dataclass(frozen=True)
class Followed:
    """One coding that followed a merge or re-keying, as it was before: enough to put it back."""

    coder: str
    coding: Any  # a coding.store.Coding (material sits below coding)
    twin: Any | None = None  # the target's coding on the same span it became one with (then it was removed)


@dataclass
class CodebookChange:
    """What one edit of the codebook did: the codebook's text before and after (so it can be undone
    exactly), the old name or colour, and for a merge or re-keying the codings that followed, per
    coder: moved to the target, or joined with the target's coding on the same span."""

    kind: str  # add | rename | recolour | merge | rekey
    source: str  # the code added, renamed, recoloured, merged away or re-keyed
    target: str = ""  # merge and rekey: the code the codings went to
    codebook: Codebook | None = None  # the codebook after the change
    before: str = ""
    after: str = ""
    old_name: str = ""
    old_colour: str = ""
    moved: dict[str, int] = field(default_factory=dict)
    joined: dict[str, int] = field(default_factory=dict)
    followed: list[Followed] = field(default_factory=list)


def codebook_path(project_root: str | Path) -> Path:
    return Path(project_root) / CODEBOOK_FILE


# --- the YAML text and where its values stand ---------------------------------------------------


def _scalar(value: str, flow: bool = False) -> str:
    """A YAML scalar for a name: plain when that reads back as the same text, else double-quoted
    (a JSON string is a valid YAML double-quoted scalar). Inside {...} a comma ends a plain value."""
    if (_PLAIN.fullmatch(value) and value == value.strip() and ": " not in value and " #" not in value
            and not (flow and "," in value)):
        try:
            if yaml.load(f"k: {value}", Loader=Loader) == {"k": value}:
                return value
        except yaml.YAMLError:
            pass
    return json.dumps(value, ensure_ascii=False)


def _get(node: yaml.Node, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if getattr(key_node, "value", None) == key:
                return value_node
    return None


def _key_node(node: yaml.MappingNode, key: str) -> yaml.Node | None:
    return next((k for k, _ in node.value if getattr(k, "value", None) == key), None)


def _groups(root: yaml.Node) -> list[yaml.MappingNode]:
    groups = _get(root, "code_groups")
    return list(groups.value) if isinstance(groups, yaml.SequenceNode) else []


def _codes_of(group: yaml.Node) -> yaml.Node | None:
    return _get(group, "codes")


def _find_code(root: yaml.Node, key: str) -> tuple[yaml.MappingNode, yaml.MappingNode] | None:
    """(group node, code node) of the code with this key."""
    for group in _groups(root):
        codes = _codes_of(group)
        for code in codes.value if isinstance(codes, yaml.SequenceNode) else ():
            if getattr(_get(code, "key"), "value", None) == key:
                return group, code
    return None


def _content_end(text: str, node: yaml.Node) -> int:
    """Index of the end of the line on which the node's content ends (after a trailing comment)."""
    while isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and not node.flow_style and node.value:
        last = node.value[-1]
        node = last[1] if isinstance(node, yaml.MappingNode) else last
    end = node.end_mark.index
    while end > node.start_mark.index and text[end - 1].isspace():
        end -= 1
    newline = text.find("\n", end)
    return len(text) if newline < 0 else newline


def _line_start(text: str, index: int) -> int:
    return text.rfind("\n", 0, index) + 1


def _dash_column(text: str, item: yaml.Node) -> int:
    """Column of the '- ' that opens a block sequence item."""
    start = item.start_mark.index
    line = text[_line_start(text, start) : start]
    if not line.rstrip().endswith("-"):
        raise _not_editable()
    return len(line.rstrip()) - 1


def _not_editable() -> WorkbenchError:
    return WorkbenchError(
        "Kodebogen er skrevet i en form, som ikke kan redigeres automatisk (kodegrupper og koder skal stå som "
        "lister med '- key: ...' på hver sin linje). Ret den i en teksteditor.",
    )


def _replace(text: str, node: yaml.Node, new: str) -> str:
    old = text[node.start_mark.index : node.end_mark.index]
    trailing = old[len(old.rstrip()) :]  # the line breaks a block scalar ends with
    return text[: node.start_mark.index] + new + trailing + text[node.end_mark.index :]


def _remove_item(text: str, sequence: yaml.SequenceNode, item: yaml.Node) -> str:
    """The text without one item of a sequence (its lines, or its entry in a flow list)."""
    items = sequence.value
    number = next(i for i, candidate in enumerate(items) if candidate is item)
    if sequence.flow_style:
        if len(items) == 1:
            return text[: item.start_mark.index] + text[item.end_mark.index :]
        if number + 1 < len(items):
            return text[: item.start_mark.index] + text[items[number + 1].start_mark.index :]
        return text[: items[number - 1].end_mark.index] + text[item.end_mark.index :]
    if number + 1 < len(items):
        following = _line_start(text, items[number + 1].start_mark.index)
        return text[: _line_start(text, item.start_mark.index)] + text[following:]
    if number == 0:  # the only item: the caller removes the sequence's owner instead
        raise _not_editable()
    return text[: _content_end(text, items[number - 1])] + text[_content_end(text, item) :]


# --- reading, checking and saving ---------------------------------------------------------------


class _Edit:
    """The codebook's text and parse tree for one read-modify-write under the file's lock."""

    def __init__(self, path: Path):
        self.path = path
        if not path.exists():
            raise WorkbenchError("Kodebogen findes ikke. Opret codebook/codebook.yaml i projektmappen.", path)
        self.text = self.original = read_text(path)
        self.root = parse_yaml(self.text, path).node
        self.codebook = self._validate(self.text)

    def _validate(self, text: str) -> Codebook:
        doc = parse_yaml(text, self.path)
        if not isinstance(doc.data, dict):
            raise WorkbenchError("Kodebogen skal være en YAML-samling med nøgler som code_groups.", self.path, 1)
        return validate(Codebook, doc)

    def save(self, text: str) -> Codebook:
        """Check the new text with the codebook's own loader, then replace the file atomically."""
        try:
            codebook = self._validate(text)
        except WorkbenchError as exc:
            raise WorkbenchError(f"Ændringen blev ikke gemt, fordi kodebogen så ville være ugyldig: {exc.message}",
                                 self.path) from exc
        atomic_write_text(self.path, text)
        return codebook

    def changed(self, kind: str, source: str, text: str, **fields: Any) -> CodebookChange:
        """Save the new text and say what changed, with the text before, so it can be undone."""
        codebook = self.save(text)
        return CodebookChange(kind, source, codebook=codebook, before=self.original, after=text, **fields)

    def code(self, key: str) -> tuple[yaml.MappingNode, yaml.MappingNode]:
        found = _find_code(self.root, key)
        if found is None:
            raise WorkbenchError(f"Koden '{key}' findes ikke i kodebogen.", self.path)
        return found


def _edit(project_root: str | Path):
    path = codebook_path(project_root)
    return path, locked(path)


def _check_colour(colour: str) -> str:
    if not _COLOUR.fullmatch(colour or ""):
        raise WorkbenchError(f"Farven '{colour}' skal være en hex-kode som #1b6ca8.")
    return colour.lower()


def _check_name(name: str) -> str:
    name = (name or "").strip()
    if not name or "\n" in name:
        raise WorkbenchError("Kodens navn må ikke være tomt og skal stå på én linje.")
    return name


# --- the operations -----------------------------------------------------------------------------


def add_code(project_root: str | Path, group_key: str | None, key: str, name: str, colour: str) -> CodebookChange:
    """Add a code (inductive coding) at the end of a group; without a group, or with the group
    `nye_koder` when it does not exist yet, into the group "Nye koder" (kind theme), created last."""
    name, colour = _check_name(name), _check_colour(colour)
    if not re.fullmatch(CODE_KEY, key or ""):
        raise WorkbenchError(
            f"Kodenøglen '{key}' kan ikke bruges: brug store bogstaver og tal, højst 10 tegn, fx N1 eller NY_RO."
        )
    path, lock = _edit(project_root)
    with lock:
        edit = _Edit(path)
        if edit.codebook.has_code(key):
            raise WorkbenchError(
                f"Koden '{key}' findes allerede i gruppen '{edit.codebook.group_of(key).name}'.", path
            )
        group_key = group_key or NEW_CODES_GROUP[0]
        groups = _groups(edit.root)
        group = next((g for g in groups if getattr(_get(g, "key"), "value", None) == group_key), None)
        if group is None and group_key != NEW_CODES_GROUP[0]:
            raise WorkbenchError(f"Kodegruppen '{group_key}' findes ikke i kodebogen.", path)
        if not groups or edit.root.flow_style or not isinstance(_get(edit.root, "code_groups"), yaml.SequenceNode):
            raise _not_editable()
        if group is not None:
            codes = _codes_of(group)
            if not isinstance(codes, yaml.SequenceNode) or not codes.value:
                raise _not_editable()
            last = codes.value[-1]
            if codes.flow_style:  # codes: [{key: T1, name: Et}]
                at = last.end_mark.index
                new = f', {{key: {key}, name: {_scalar(name, flow=True)}, colour: "{colour}"}}'
                return edit.changed("add", key, edit.text[:at] + new + edit.text[at:])
            dash, column = _dash_column(edit.text, last), last.start_mark.column
            indent = " " * column
            lines = [f"{' ' * dash}- key: {key}", f"{indent}name: {_scalar(name)}", f'{indent}colour: "{colour}"']
            at = _content_end(edit.text, last)
        else:
            last = groups[-1]
            dash, column = _dash_column(edit.text, last), last.start_mark.column
            sample = _codes_of(last).value[-1]  # indent the codes as the groups before do
            code_dash, code_column = _dash_column(edit.text, sample) - column, sample.start_mark.column - column
            codes_key = _key_node(last, "codes")
            codes_column = codes_key.start_mark.column - column if codes_key is not None else 0
            # a blank line before the new group when the groups before are set apart so
            after_previous = _content_end(edit.text, groups[-2]) + 1 if len(groups) > 1 else 0
            last_line = _line_start(edit.text, last.start_mark.index)
            blank = len(groups) > 1 and "\n" in edit.text[after_previous:last_line]
            key_name, group_name, kind = NEW_CODES_GROUP
            lines = ([""] if blank else []) + [
                f"{' ' * dash}- key: {key_name}",
                f"{' ' * column}name: {group_name}",
                f"{' ' * column}kind: {kind}",
                f"{' ' * (column + codes_column)}codes:",
                f"{' ' * (column + code_dash)}- key: {key}",
                f"{' ' * (column + code_column)}name: {_scalar(name)}",
                f'{" " * (column + code_column)}colour: "{colour}"',
            ]
            at = _content_end(edit.text, last)
        return edit.changed("add", key, edit.text[:at] + "\n" + "\n".join(lines) + edit.text[at:])


def rename_code(project_root: str | Path, key: str, new_name: str) -> CodebookChange:
    """Give a code a new name; its key, and so every coding of it, stays."""
    new_name = _check_name(new_name)
    path, lock = _edit(project_root)
    with lock:
        edit = _Edit(path)
        _, code = edit.code(key)
        text = _replace(edit.text, _get(code, "name"), _scalar(new_name, flow=code.flow_style))
        return edit.changed("rename", key, text, old_name=edit.codebook.code(key).name)


def recolour_code(project_root: str | Path, key: str, colour: str) -> CodebookChange:
    colour = _check_colour(colour)
    path, lock = _edit(project_root)
    with lock:
        edit = _Edit(path)
        _, code = edit.code(key)
        old = edit.codebook.code(key).colour
        return edit.changed("recolour", key, _recoloured(edit.text, code, colour), old_colour=old)


def _recoloured(text: str, code: yaml.MappingNode, colour: str) -> str:
    current = _get(code, "colour")
    if current is not None:
        return _replace(text, current, f'"{colour}"')
    name = _get(code, "name")
    if code.flow_style:
        at = name.end_mark.index
        return f'{text[:at]}, colour: "{colour}"{text[at:]}'
    at = _content_end(text, name)
    column = _key_node(code, "name").start_mark.column
    return f'{text[:at]}\n{" " * column}colour: "{colour}"{text[at:]}'


def _follow(store: _Store, source: str, target: str, by: str, change: CodebookChange) -> None:
    """Every current coding of `source`, of every coder, moved to `target` by an event in its coder's
    log; a coding whose span the coder already coded with `target` becomes one with that coding
    (its memo and star carried over, the target's valence kept). Each is recorded in `change`."""
    for name in store.coders():
        codings = store.codings(name)
        on_target = {(c.doc_id, c.start, c.end): c for c in codings if c.code == target}
        for coding in (c for c in codings if c.code == source):
            twin = on_target.get((coding.doc_id, coding.start, coding.end))
            change.followed.append(Followed(name, coding, twin))
            if twin is None:
                store.update(name, coding.id, code=target, by=by)
                change.moved[name] = change.moved.get(name, 0) + 1
                continue
            changes = {}
            if coding.memo and coding.memo not in twin.memo:
                changes["memo"] = f"{twin.memo}\n{coding.memo}" if twin.memo else coding.memo
            if coding.quote and not twin.quote:
                changes["quote"] = True
            if changes:
                store.update(name, twin.id, by=by, **changes)
            store.remove(name, coding.id, by=by)
            change.joined[name] = change.joined.get(name, 0) + 1


def merge_codes(project_root: str | Path, store: _Store, source_key: str, target_key: str,
                coder: str) -> CodebookChange:
    """Merge code `source_key` into `target_key`: its codings follow (see `_follow`; `coder` is who
    merged, recorded on each event), and the source code leaves the codebook, together with its group
    if it was the group's only code. Evaluation questions that named the source principle name the
    target. The source's memo file, if any, is left for the evaluator to fold in."""
    if source_key == target_key:
        raise WorkbenchError(f"Koden '{source_key}' kan ikke lægges sammen med sig selv.")
    path, lock = _edit(project_root)
    with lock:
        edit = _Edit(path)
        edit.code(target_key)
        source_found = _find_code(edit.root, source_key)
        change = CodebookChange("merge", source_key, target_key, codebook=edit.codebook, before=edit.text,
                                after=edit.text)
        _follow(store, source_key, target_key, coder, change)
        if source_found is not None:  # absent when a merge that was interrupted is run again
            text = _without_code(edit, source_key, *source_found)
            text = _renamed_references(text, edit, source_key, target_key, drop=True)
            change.codebook, change.after = edit.save(text), text
    store.codebook = change.codebook
    return change


def rekey_code(project_root: str | Path, store: _Store, key: str, new_key: str, coder: str) -> CodebookChange:
    """Give a code a new key: the codebook's key and the evaluation questions' references change, and
    every coding follows by an update event in its coder's log. The memo file memos/koder/<key>.md is
    left as it is (rename it to the new key by hand)."""
    if not re.fullmatch(CODE_KEY, new_key or ""):
        raise WorkbenchError(f"Kodenøglen '{new_key}' kan ikke bruges: brug store bogstaver og tal, højst 10 tegn.")
    path, lock = _edit(project_root)
    with lock:
        edit = _Edit(path)
        change = CodebookChange("rekey", key, new_key, codebook=edit.codebook, before=edit.text, after=edit.text)
        if edit.codebook.has_code(new_key) and not edit.codebook.has_code(key):
            # a re-keying that was interrupted after the codebook changed: let the codings follow
            store.codebook = edit.codebook
            _follow(store, key, new_key, coder, change)
            return change
        if edit.codebook.has_code(new_key):
            raise WorkbenchError(f"Koden '{new_key}' findes allerede; brug sammenlægning i stedet.", path)
        _, code = edit.code(key)
        text = _replace(edit.text, _get(code, "key"), new_key)
        edit.root = parse_yaml(text, path).node
        edit.text = text
        text = _renamed_references(text, edit, key, new_key, drop=False)
        change.codebook, change.after = edit.save(text), text
        store.codebook = change.codebook  # the store must know the new key before codings move to it
        _follow(store, key, new_key, coder, change)
    return change


def _without_code(edit: _Edit, key: str, group: yaml.MappingNode, code: yaml.MappingNode) -> str:
    codes = _codes_of(group)
    if len(codes.value) > 1:
        return _remove_item(edit.text, codes, code)
    groups = _get(edit.root, "code_groups")
    if len(groups.value) == 1:
        raise WorkbenchError(f"Koden '{key}' er den eneste kode i kodebogen og kan ikke fjernes.", edit.path)
    return _remove_item(edit.text, groups, group)


def _renamed_references(text: str, edit: _Edit, old: str, new: str, drop: bool) -> str:
    """The evaluation questions' principle lists with `old` replaced by `new` (or, with `drop`, taken
    out where `new` is already listed). Edited from the last to the first, so positions hold."""
    root = parse_yaml(text, edit.path).node
    edits: list[tuple[int, str]] = []  # (position, kind) of the references to change
    questions = _get(root, "evaluation_questions")
    for question in questions.value if isinstance(questions, yaml.SequenceNode) else ():
        principles = _get(question, "principles")
        if not isinstance(principles, yaml.SequenceNode):
            continue
        listed = {getattr(p, "value", None) for p in principles.value}
        for item in principles.value:
            if getattr(item, "value", None) == old:
                edits.append((item.start_mark.index, "drop" if drop and new in listed else "rename"))
    for position, kind in sorted(edits, reverse=True):
        root = parse_yaml(text, edit.path).node
        principles, item = _reference_at(root, position)
        text = _remove_item(text, principles, item) if kind == "drop" else _replace(text, item, new)
    return text


def _reference_at(root: yaml.Node, position: int) -> tuple[yaml.SequenceNode, yaml.Node]:
    for question in _get(root, "evaluation_questions").value:
        principles = _get(question, "principles")
        for item in principles.value if isinstance(principles, yaml.SequenceNode) else ():
            if item.start_mark.index == position:
                return principles, item
    raise AssertionError("reference moved")


# --- undo ---------------------------------------------------------------------------------------


@dataclass
class Undone:
    """What undoing an edit did: the codebook now, the codings put back on their code per coder, the
    new id of each coding added again (a joined coding was removed, so it comes back as a new one),
    and how many could not be put back because they were changed or removed since."""

    codebook: Codebook
    returned: dict[str, int] = field(default_factory=dict)
    new_ids: dict[str, str] = field(default_factory=dict)
    left: int = 0


def undo_change(project_root: str | Path, store: _Store, change: CodebookChange, coder: str,
                corpus: Corpus) -> Undone:
    """Undo one edit of the codebook. When nobody has changed the codebook since, its text becomes
    exactly what it was before; otherwise a rename or recolour is reversed where the value is still
    the one the edit set, and a new code is taken out again. A new code that has codings stays (merge
    it instead). A merge or re-keying is undone only from the codebook it left: the code comes back
    first, then every coding that followed goes back by new events in its coder's log (`coder` is
    recorded as who did it); no log is rewritten. A crash in between leaves the code in the codebook
    and its codings on the target: nothing is lost, and the merge can be made again."""
    path, lock = _edit(project_root)
    with lock:
        edit = _Edit(path)
        if change.kind == "add":
            _refuse_if_coded(store, change.source, path)
        if edit.text == change.after:
            text = change.before
        else:
            text = _inverse(edit, change)
        undone = Undone(edit.save(text) if text != edit.text else edit.codebook)
        store.codebook = undone.codebook
        if change.kind in ("merge", "rekey"):
            _follow_back(store, change, coder, corpus, undone)
    return undone


def _refuse_if_coded(store: _Store, key: str, path: Path) -> None:
    coders = sorted({c.coder for c in store.codings() if c.code == key})
    if coders:
        raise WorkbenchError(
            f"Koden '{key}' bliver i kodebogen, fordi {', '.join(coders)} har kodet med den. "
            "Flet den ind i en anden kode i stedet.", path,
        )


def _inverse(edit: _Edit, change: CodebookChange) -> str:
    """The edit reversed on a codebook someone has changed since (see `undo_change`)."""
    key, after = change.source, change.codebook
    since = WorkbenchError(f"Kodebogen er ændret, siden koden '{key}' blev ændret, så ændringen kan ikke "
                           "fortrydes automatisk. Ret kodebogen i feltet Koder.", edit.path)
    if change.kind == "add":
        found = _find_code(edit.root, key)
        return edit.text if found is None else _without_code(edit, key, *found)
    if change.kind not in ("rename", "recolour") or after is None or not edit.codebook.has_code(key):
        raise since
    _, code = edit.code(key)
    now, then = edit.codebook.code(key), after.code(key)
    if change.kind == "rename":
        if now.name != then.name:
            raise since
        return _replace(edit.text, _get(code, "name"), _scalar(change.old_name, flow=code.flow_style))
    if now.colour != then.colour:
        raise since
    return _recoloured(edit.text, code, change.old_colour)


def _follow_back(store: _Store, change: CodebookChange, by: str, corpus: Corpus, undone: Undone) -> None:
    """Every coding that followed a merge or re-keying back on its code: a moved coding by an update,
    a joined one added again as it was (the target's coding given back its memo and star)."""
    now: dict[str, dict[str, Any]] = {}
    for followed in change.followed:
        coder, old, twin = followed.coder, followed.coding, followed.twin
        if coder not in now:
            now[coder] = {c.id: c for c in store.codings(coder)}
        current = now[coder]
        if twin is None:
            moved = current.get(old.id)
            if moved is None or moved.code != change.target:
                undone.left += 1
                continue
            store.update(coder, old.id, code=change.source, by=by)
        else:
            document = corpus.get(old.doc_id)
            if document is None:
                undone.left += 1
                continue
            again = store.add(coder, document, change.source, old.valence, span=(old.start, old.end),
                              memo=old.memo, quote=old.quote, question=old.question, by=by)
            if (again.text_hash, again.anchor, again.segment_id) != (old.text_hash, old.anchor, old.segment_id):
                # the text was edited since the coding was made: it stays as stale as it was
                store.update(coder, again.id, start=old.start, end=old.end, text_hash=old.text_hash,
                             segment_id=old.segment_id, anchor=old.anchor, by=by)
            undone.new_ids[old.id] = again.id
            target = current.get(twin.id)
            back = {k: getattr(twin, k) for k in ("memo", "quote")
                    if target is not None and getattr(target, k) != getattr(twin, k)}
            if back:
                store.update(coder, twin.id, by=by, **back)
        undone.returned[coder] = undone.returned.get(coder, 0) + 1
