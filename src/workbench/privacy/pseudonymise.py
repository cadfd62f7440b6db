"""Pseudonymisation: replace personal data with consistent, numbered placeholders.

The same person, school or phone number always gets the same placeholder ("[Navn 1]",
"[Skole 2]", "[Telefon 1]"), across files and runs, through a key file that maps each original
to its placeholder. The key holds the real names, so it must live outside the project folder and
must never be shared; it is written atomically, readable by its owner only (0600) and updated
under a lock; the transcript is written atomically too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path

from workbench.anonymity import Finding, find_personal_data, is_listed_name, is_ordinary_word
from workbench.errors import WorkbenchError
from workbench.io.files import atomic_write_text, locked
from workbench.io.text import read_text as read_user_text
from workbench.lang.da import NAME_VERBS

KEY_VERSION = 1

# Placeholder label per finding kind; institutions are split into schools and the rest.
_LABELS = {
    "navn": "Navn",
    "fødselsdato": "Fødselsdato",
    "profil": "Profil",
    "nummerplade": "Nummerplade",
    "adresse": "Adresse",
    "telefon": "Telefon",
    "email": "E-mail",
    "cpr": "CPR",
}
_SCHOOL_WORDS = ("skole", "gymnasi", "sfo", "skolefritids")
_PLACEHOLDER = re.compile(r"^\[(.+) (\d+)\]$")


def normalise(text: str, kind: str = "") -> str:
    """The form under which an original is remembered: case-insensitive and whitespace-normalised;
    phone and CPR numbers by their digits, so "22 33 44 55" and "+45 22334455" are one number."""
    if kind == "telefon":
        digits = re.sub(r"\D", "", text)
        return digits[-8:] if len(digits) >= 8 else digits
    if kind == "cpr":
        return re.sub(r"\D", "", text)
    return " ".join(text.split()).casefold()


def placeholder_label(kind: str, text: str) -> str:
    if kind == "institution":
        return "Skole" if any(word in text.casefold() for word in _SCHOOL_WORDS) else "Institution"
    return _LABELS[kind]


class PseudonymKey:
    """Maps (kind, normalised original) to a placeholder such as "[Navn 3]"."""

    def __init__(self, entries: dict[tuple[str, str], str] | None = None):
        self.entries: dict[tuple[str, str], str] = dict(entries or {})
        # The original as first written, kept in the key so a person can read it back.
        self.originals: dict[tuple[str, str], str] = {}

    # -- persistence -------------------------------------------------------------------------

    @classmethod
    def load(cls, path: str | Path) -> PseudonymKey:
        """The key in `path`, or an empty key when the file does not exist yet."""
        path = Path(path)
        if not path.exists():
            return cls()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            key = cls()
            for item in data["entries"]:
                kind, original, placeholder = item["kind"], item["original"], item["placeholder"]
                if kind not in _LABELS and kind != "institution" or not _PLACEHOLDER.match(placeholder):
                    raise ValueError(placeholder)
                key.entries[(kind, normalise(original, kind))] = placeholder
                key.originals[(kind, normalise(original, kind))] = original
        except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
            raise WorkbenchError(
                "Nøglefilen til pseudonymisering kan ikke læses (den er ikke en gyldig nøglefil fra workbench). "
                "Ret eller flyt filen, eller angiv en anden nøglefil.",
                path,
            ) from exc
        return key

    def save(self, path: str | Path) -> None:
        items = [
            {"kind": key[0], "original": self.originals.get(key, key[1]), "placeholder": placeholder}
            for key, placeholder in sorted(self.entries.items(), key=lambda e: _sort_key(e[1]))
        ]
        payload = {
            "version": KEY_VERSION,
            "warning": "Denne fil indeholder personoplysninger. Del den aldrig, og læg den aldrig i projektmappen.",
            "entries": items,
        }
        # the key holds the real names: readable by its owner only
        atomic_write_text(path, json.dumps(payload, ensure_ascii=False, indent=2) + "\n", private=True)

    # -- lookup ------------------------------------------------------------------------------

    def placeholder_for(self, kind: str, original: str) -> str:
        """The placeholder for this original, creating the next free number for its label."""
        key = (kind, normalise(original, kind))
        found = self.entries.get(key)
        if found is None:
            label = placeholder_label(kind, original)
            found = f"[{label} {self._highest(label) + 1}]"
            self.entries[key] = found
            self.originals[key] = " ".join(original.split())
        return found

    def _highest(self, label: str) -> int:
        highest = 0
        for placeholder in self.entries.values():
            m = _PLACEHOLDER.match(placeholder)
            if m and m.group(1) == label:
                highest = max(highest, int(m.group(2)))
        return highest

    def __len__(self) -> int:
        return len(self.entries)


def _sort_key(placeholder: str) -> tuple[str, int]:
    m = _PLACEHOLDER.match(placeholder)
    return (m.group(1), int(m.group(2))) if m else (placeholder, 0)


# Possessive endings a name keeps outside its placeholder: "Taras'" → "[Navn 5]'".
_APOSTROPHE_ENDINGS = ("'s", "’s", "'", "’")
_NEXT_WORD = re.compile(r"[ \t]+([^\W\d_]+)")


def _name_and_ending(text: str, following: str, known: set[str], bare: set[str]) -> tuple[str, str]:
    """A name finding split into the name and the possessive ending that stays outside the
    placeholder. A final s is a genitive only when the name without it is known (the key, or this
    text) or is the listed name while the whole is not, and a noun follows: "Bohdans skole" is
    Bohdan's, "Min mand Taras er" is Taras."""
    for ending in _APOSTROPHE_ENDINGS:
        if text.endswith(ending) and len(text) > len(ending) + 1:
            return text[: -len(ending)], ending
    if not text.endswith("s") or len(text) < 4:
        return text, ""
    whole, stem = normalise(text), normalise(text[:-1])
    if whole in known or whole in bare:
        return text, ""
    nxt = _NEXT_WORD.match(following)
    noun_follows = nxt is not None and nxt.group(1)[:1].islower() and nxt.group(1).lower() not in NAME_VERBS
    if not noun_follows:
        return text, ""
    last = text.split()[-1]
    if stem in known or stem in bare or (is_listed_name(last[:-1]) and not is_listed_name(last)):
        return text[:-1], "s"
    return text, ""


def pseudonymise_text(
    text: str, key: PseudonymKey, *, allowed: Iterable[str] = (), places: Iterable[str] = ()
) -> tuple[str, list[Finding]]:
    """Replace every finding in `text` with its placeholder from `key` (which is extended as needed),
    then every other occurrence of an original the key knows (a name the detector passed over).

    Returns the new text and the findings (offsets into the original text). A possessive keeps its
    ending outside the brackets: "Fatimas søn" becomes "[Navn 1]s søn", "Taras'" "[Navn 5]'"."""
    allowed = tuple(allowed)
    findings = find_personal_data(text, allowed=allowed, places=places)
    known = {original for (kind, original) in key.entries if kind == "navn"}
    # names seen in this text without a genitive s: "Bohdan", and "Taras" from "Taras'"
    bare = set()
    for f in findings:
        if f.kind != "navn":
            continue
        stem = next((f.text[: -len(e)] for e in _APOSTROPHE_ENDINGS if f.text.endswith(e)), None)
        if stem is not None or not f.text.endswith("s"):
            bare.add(normalise(stem if stem is not None else f.text))
    out: list[str] = []
    last = 0
    for f in findings:
        out.append(text[last : f.start])
        original, ending = f.text, ""
        if f.kind == "navn":
            original, ending = _name_and_ending(f.text, text[f.end : f.end + 40], known, bare)
            known.add(normalise(original))
        out.append(key.placeholder_for(f.kind, original) + ending)
        last = f.end
    out.append(text[last:])
    return _replace_known(("".join(out)), key, allowed), findings


_BRACKETED = re.compile(r"\[[^\[\]\n]*\]")


def _replace_known(text: str, key: PseudonymKey, allowed: tuple[str, ...]) -> str:
    """Every remaining whole-word occurrence of a name, address or institution the key knows
    (outside placeholders) becomes its placeholder, so the key's people are gone from the output.
    An original that is also an ordinary Danish word is replaced only as written, capitalised."""
    skip = {a.casefold() for a in allowed}
    patterns = []
    for (kind, norm), placeholder in key.entries.items():
        if kind not in ("navn", "adresse", "institution") or len(norm) < 3 or norm in skip:
            continue
        original = key.originals.get((kind, norm), norm)
        words = r"\s+".join(map(re.escape, original.split()))
        flags = 0 if is_ordinary_word(norm) else re.IGNORECASE
        pattern = re.compile(rf"(?<![\w'’-])({words})(?=(['’]s|['’]|s)?(?![\w'’-]))", flags)
        patterns.append((len(norm), pattern, placeholder))
    if not patterns:
        return text
    patterns.sort(key=lambda p: -p[0])
    pieces, last = [], 0
    for m in _BRACKETED.finditer(text):
        pieces.append((text[last : m.start()], True))
        pieces.append((m.group(), False))
        last = m.end()
    pieces.append((text[last:], True))
    out = []
    for piece, free in pieces:
        if free:
            for _, pattern, placeholder in patterns:
                piece = pattern.sub(placeholder, piece)
        out.append(piece)
    return "".join(out)


def split_front_matter(text: str) -> tuple[str, str]:
    """(front matter including both '---' lines, body); front is '' when there is none."""
    m = re.match(r"\A(?:\ufeff)?---[ \t]*\r?\n.*?^---[ \t]*(?:\r?\n|\Z)", text, re.S | re.M)
    if not m:
        return "", text
    return text[: m.end()], text[m.end() :]


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def pseudonymise_file(
    path: Path, key_path: Path, project_root: Path, *, allowed: Iterable[str] = (), places: Iterable[str] = ()
) -> list[Finding]:
    """Pseudonymise the body of a transcript in place (front matter kept) using the key in key_path.

    Returns the findings that were replaced, with offsets and line numbers in the whole file. The key
    file must lie outside `project_root`; it is saved before the transcript, so a crash in between
    leaves a key that can still explain every placeholder."""
    path, key_path, project_root = Path(path), Path(key_path), Path(project_root)
    if _inside(key_path, project_root):
        raise WorkbenchError(
            f"Nøglefilen ligger inde i projektmappen {project_root}. Nøglen indeholder de rigtige navne, så den skal "
            "ligge uden for projektet (fx i en mappe, som kun du har adgang til). Angiv en anden sti med --key.",
            key_path,
        )
    text = read_user_text(  # the one reader: missing file, NUL bytes, other encodings refused in Danish
        path, "Importér den først med `workbench import`, som også læser Windows-1252.", allow_cp1252=False
    )
    front, body = split_front_matter(text)
    with locked(key_path):  # two runs at once must not give two people one number
        key = PseudonymKey.load(key_path)
        new_body, findings = pseudonymise_text(body, key, allowed=allowed, places=places)
        if new_body == body:
            return []
        key.save(key_path)
        atomic_write_text(path, front + new_body)
    offset, line_offset = len(front), front.count("\n")
    return [Finding(f.kind, f.text, f.start + offset, f.end + offset, f.line + line_offset) for f in findings]
