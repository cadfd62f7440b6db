"""Reading text files that users bring from Word, Excel, Notepad and older programs.

One place decides the encoding. Accepted: UTF-8 (with or without BOM), UTF-16 with BOM (Excel's
"Unicode-tekst") and, where the caller allows it, Windows-1252 (what Danish Windows saves as
"ANSI"). Everything else is refused with a Danish message that names the file, says what the bytes
look like and asks for UTF-8: DOS code page 850 and MacRoman (told from Windows-1252 by which of
them turns the high bytes into Danish letters), UTF-16 without BOM and UTF-32 (NUL bytes), bytes
that Windows-1252 leaves undefined (ISO 8859-1 control codes), and text that was encoded twice
("Ã¸" for "ø"). Nothing is ever silently garbled.
"""

from __future__ import annotations

import re
from pathlib import Path

from workbench.errors import WorkbenchError

MAX_TEXT_BYTES = 50 * 1024 * 1024  # a transcript, memo or table a person wrote is far smaller

_DOUBLE_ENCODED = re.compile("Ã[¦¸¥†˜…©]")
# Letters a Danish text has in its high bytes; which legacy encoding yields most of them is the one it was saved in
_DANISH_LETTERS = frozenset("æøåÆØÅéÉüÜöÖäÄ")
# a symbol that Windows-1252 makes of a byte between two letters: what a Danish letter in another encoding becomes
_IN_WORD_SYMBOL = re.compile("(?<=[A-Za-z])[\u0080-\u00bf\u00d7\u00f7\u2010-\u2122\ufffd](?=[A-Za-z])")
_LEGACY = (("cp1252", "Windows-1252"), ("cp850", "DOS-tegnsæt (kodetabel 850)"), ("mac_roman", "MacRoman"))

UTF8_REMEDY = "Gem filen som UTF-8 (i Notesblok: Gem som → Kodning: UTF-8) og prøv igen."


def _line_at(raw: bytes, offset: int) -> int:
    return raw[:offset].count(b"\n") + 1


def _danish_score(text: str) -> int:
    return sum(map(text.count, _DANISH_LETTERS))  # one C-level count per letter, not a Python step per character


def _refuse_nul(body: bytes, path: Path, remedy: str) -> None:
    """NUL bytes never occur in text: it is UTF-16 without BOM, UTF-32 or not a text file at all."""
    first = body.find(b"\0")
    if first < 0:
        return
    nuls = body.count(b"\0")
    if nuls * 3 >= len(body):  # every other byte (or three of four): a wide encoding without its BOM
        odd = body[1::2].count(b"\0")
        order = "little-endian" if odd > nuls / 2 else "big-endian"
        raise WorkbenchError(
            f"Filen ser ud til at være gemt som UTF-16 ({order}) uden BOM, og den kan ikke læses sikkert. {remedy}",
            path,
        )
    raise WorkbenchError(
        f"Filen indeholder et NUL-tegn (byte 0), så den er ikke en almindelig tekstfil (måske en binær fil). {remedy}",
        path,
        _line_at(body, first),
    )


_ASCII = bytes(range(0x80))


def _legacy(body: bytes, path: Path, remedy: str, allow_cp1252: bool, not_utf8_at: int) -> tuple[str, str]:
    """Text in a single-byte encoding: Windows-1252 when allowed and most plausible, else a refusal naming it.

    The three encodings agree on ASCII and turn each byte into one character, so which of them gives most Danish
    letters (and whether one leaves a byte undefined) is read from the high bytes alone: a few hundred, not the
    whole text three times over."""
    high = body.translate(None, _ASCII)
    scores: dict[str, int] = {}
    for codec, _ in _LEGACY:
        try:
            scores[codec] = _danish_score(high.decode(codec))
        except UnicodeDecodeError:
            pass  # only Windows-1252 leaves bytes undefined
    best = max((codec for codec, _ in _LEGACY if codec in scores), key=scores.__getitem__)
    names = dict(_LEGACY)
    # Windows-1252 text with one stray byte it leaves undefined is still Windows-1252, not another encoding
    try:
        as_cp1252, first_undefined = body.decode("cp1252"), None
    except UnicodeDecodeError as exc:
        as_cp1252, first_undefined = body.decode("cp1252", errors="replace"), exc.start
    cp1252_score = scores["cp1252"] if first_undefined is None else _danish_score(as_cp1252)
    # "m›de", "p†": one such word is proof enough (searched for only when another encoding gives more letters)
    if best != "cp1252" and scores[best] > cp1252_score and scores[best] >= (
        1 if _IN_WORD_SYMBOL.search(as_cp1252) else 2
    ):
        raise WorkbenchError(
            f"Filen ser ud til at være gemt med tegnkodningen {names[best]}, som ikke understøttes (æ, ø og å ville "
            f"blive forkerte). {remedy}",
            path,
            _line_at(body, not_utf8_at),
        )
    if first_undefined is not None:
        raise WorkbenchError(
            "Tegnkodningen kan ikke genkendes: filen indeholder tegn, som hverken UTF-8 eller Windows-1252 kender "
            f"(fx styretegn fra ISO 8859-1). {remedy}",
            path,
            _line_at(body, first_undefined),
        )
    if not allow_cp1252:
        raise WorkbenchError(
            f"Filen er ikke gemt som UTF-8 (den ligner Windows-1252). {remedy}", path, _line_at(body, not_utf8_at)
        )
    return as_cp1252, "Windows-1252"


def decode(raw: bytes, path: Path, remedy: str = UTF8_REMEDY, *, allow_cp1252: bool = True) -> tuple[str, str]:
    """(text, the encoding as a user would name it). `remedy` ends the error messages.

    Line breaks are left as they are (the importer reports them); callers normalise.
    """
    path = Path(path)
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise WorkbenchError(f"Filen er gemt som UTF-32, som ikke understøttes. {remedy}", path)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text, encoding = raw.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            raise WorkbenchError(f"Filen ser ud til at være UTF-16, men kan ikke læses. {remedy}", path) from None
        if "\0" in text:
            raise WorkbenchError(f"Filen indeholder et NUL-tegn, så den er ikke en almindelig tekstfil. {remedy}", path,
                                 text[: text.index("\0")].count("\n") + 1)
    else:
        body, encoding = (raw[3:], "UTF-8 med BOM") if raw.startswith(b"\xef\xbb\xbf") else (raw, "UTF-8")
        _refuse_nul(body, path, remedy)
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            text, encoding = _legacy(body, path, remedy, allow_cp1252, exc.start)
    garbled = _DOUBLE_ENCODED.search(text) if "Ã" in text else None  # the substring test is the cheap one
    if garbled:
        raise WorkbenchError(
            f"Æ, ø og å er blevet forvansket ('{garbled.group()}'): filen er kodet om to gange, eller den blander "
            f"to tegnkodninger. {remedy}",
            path,
            text[: garbled.start()].count("\n") + 1,
        )
    return text, encoding


def read_bytes(path: Path, limit: int = MAX_TEXT_BYTES) -> bytes:
    """The file's bytes; a missing, unreadable or far too large file is a Danish error."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > limit:
            raise WorkbenchError(
                f"Filen er for stor ({size / 1024 / 1024:.0f} MB; højst {limit // 1024 // 1024} MB). "
                "Tjek at det er den rigtige fil.",
                path,
            )
        return path.read_bytes()
    except FileNotFoundError:
        raise WorkbenchError("Filen findes ikke.", path) from None
    except IsADirectoryError:
        raise WorkbenchError("Det er en mappe, ikke en fil.", path) from None
    except OSError as exc:
        raise WorkbenchError(f"Filen kan ikke læses ({exc.strerror}).", path) from None


def read_text(path: Path, remedy: str = UTF8_REMEDY, *, allow_cp1252: bool = True,
              limit: int = MAX_TEXT_BYTES) -> str:
    """A user's text file, decoded as `decode` decides, with LF line breaks."""
    text, _ = decode(read_bytes(path, limit), path, remedy, allow_cp1252=allow_cp1252)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def has_suffix(path: Path, *suffixes: str) -> bool:
    """Does the file name end in one of the suffixes, in any case ('.MD', '.Txt')?"""
    return Path(path).suffix.lower() in suffixes
