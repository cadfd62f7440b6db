"""Reading text files that users bring from Word, Excel and other programs.

One place decides the encoding: a BOM (UTF-8 or UTF-16, as Excel's "Unicode-tekst" writes), else
UTF-8, else Windows-1252. Bytes that Windows-1252 leaves undefined, and text that was encoded twice
("Ã¸" for "ø"), get a Danish error naming the line instead of silently garbled letters.
"""

from __future__ import annotations

import re
from pathlib import Path

from workbench.errors import WorkbenchError

_DOUBLE_ENCODED = re.compile("Ã[¦¸¥†˜…©]")


def decode(raw: bytes, path: Path, remedy: str = "Gem filen som UTF-8.") -> tuple[str, str]:
    """(text, the encoding as a user would name it). `remedy` ends the error messages."""
    if raw.startswith(b"\xef\xbb\xbf"):
        body, encoding = raw[3:], "UTF-8 med BOM"
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            raise WorkbenchError(f"Filen ser ud til at være UTF-16, men kan ikke læses. {remedy}", path) from None
    else:
        body, encoding = raw, "UTF-8"
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text, encoding = body.decode("cp1252"), "Windows-1252"
        except UnicodeDecodeError as exc:
            raise WorkbenchError(
                f"Tegnkodningen kan ikke genkendes (hverken UTF-8 eller Windows-1252). {remedy}",
                path,
                body[: exc.start].count(b"\n") + 1,
            ) from None
    garbled = _DOUBLE_ENCODED.search(text)
    if garbled:
        raise WorkbenchError(
            f"Æ, ø og å er blevet forvansket ('{garbled.group()}'): filen er kodet om to gange. {remedy}",
            path,
            text[: garbled.start()].count("\n") + 1,
        )
    return text, encoding


def read_bytes(path: Path) -> bytes:
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise WorkbenchError("Filen findes ikke.", path) from None
    except OSError as exc:
        raise WorkbenchError(f"Filen kan ikke læses ({exc.strerror}).", path) from None
