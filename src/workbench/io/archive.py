"""Opening the zip files users bring: .docx, .xlsx and .qdpx are all zip archives.

Every archive is checked before a byte is unpacked, from its directory alone: how many members, how
much they unpack to in all, how hard each is compressed (a zip bomb packs hundreds of megabytes into
kilobytes) and whether a member's name would point outside the archive ('../x', '/etc/x'). A file
that is not a zip, or was cut off while copying, is a Danish error naming it; so is a member that
fails to unpack.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path, PurePosixPath

from workbench.errors import WorkbenchError

MAX_MEMBERS = 10_000
MAX_TOTAL_BYTES = 300 * 1024 * 1024  # unpacked, all members together
MAX_RATIO = 200  # unpacked : packed, for members over RATIO_FROM bytes
RATIO_FROM = 1024 * 1024

KINDS = {  # suffix → (what the user calls it, what to do instead)
    ".docx": ("et gyldigt Word-dokument (.docx)", "Åbn filen i Word, og gem den igen som .docx."),
    ".xlsx": ("en gyldig Excel-fil (.xlsx)", "Åbn filen i Excel, og gem den igen som .xlsx."),
    ".xlsm": ("en gyldig Excel-fil (.xlsm)", "Åbn filen i Excel, og gem den igen som .xlsx."),
    ".qdpx": ("et gyldigt REFI-QDA-projekt (.qdpx)", "Eksportér projektet igen fra det andet program."),
}


def _kind(path: Path) -> tuple[str, str]:
    return KINDS.get(path.suffix.lower(), ("en zip-fil", "Hent eller gem filen igen."))


def unsafe_name(name: str) -> bool:
    """Would this member name point outside the folder it is unpacked in?"""
    name = name.replace("\\", "/")
    if name.startswith("/") or "\0" in name or (len(name) > 1 and name[1] == ":"):
        return True
    return ".." in PurePosixPath(name).parts


def check_members(infos: list[zipfile.ZipInfo], path: Path) -> None:
    what, remedy = _kind(path)
    if len(infos) > MAX_MEMBERS:
        raise WorkbenchError(
            f"Filen indeholder {len(infos)} filer, flere end de {MAX_MEMBERS} der kan være i {what}. {remedy}", path
        )
    total = 0
    for info in infos:
        if unsafe_name(info.filename):
            raise WorkbenchError(
                f"Filen indeholder filnavnet '{info.filename}', som peger uden for arkivet (fx med '../'). "
                f"Den kan ikke åbnes sikkert. {remedy}",
                path,
            )
        total += info.file_size
        if info.file_size > RATIO_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise WorkbenchError(
                f"'{info.filename}' i filen ville fylde {info.file_size / 1024 / 1024:.0f} MB, når den pakkes ud: den "
                f"er komprimeret mere end {MAX_RATIO} gange (en såkaldt zip-bombe). {remedy}",
                path,
            )
    if total > MAX_TOTAL_BYTES:
        raise WorkbenchError(
            f"Filen ville fylde {total / 1024 / 1024:.0f} MB, når den pakkes ud (højst "
            f"{MAX_TOTAL_BYTES // 1024 // 1024} MB). {remedy}",
            path,
        )


def open_zip(path: str | Path) -> zipfile.ZipFile:
    """The archive, opened and checked; the caller closes it (it is a context manager)."""
    path = Path(path)
    what, remedy = _kind(path)
    try:
        if path.stat().st_size == 0:
            raise WorkbenchError(f"Filen er tom, så den er ikke {what}. {remedy}", path)
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise WorkbenchError("Filen findes ikke.", path) from None
    except IsADirectoryError:
        raise WorkbenchError("Det er en mappe, ikke en fil.", path) from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError):
        raise WorkbenchError(
            f"Filen er ikke {what}, eller den er ødelagt eller afkortet (fx ved en afbrudt kopiering). {remedy}", path
        ) from None
    try:
        check_members(archive.infolist(), path)
    except WorkbenchError:
        archive.close()
        raise
    return archive


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo | str, path: Path) -> bytes:
    """One member's bytes; a member that does not unpack is a Danish error naming the archive."""
    name = info.filename if isinstance(info, zipfile.ZipInfo) else info
    try:
        return archive.read(info)
    except KeyError:
        raise WorkbenchError(f"'{name}' mangler i filen. {_kind(path)[1]}", path) from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError) as exc:
        raise WorkbenchError(
            f"'{name}' i filen kan ikke pakkes ud ({exc}); filen er ødelagt eller afkortet. {_kind(path)[1]}", path
        ) from None


def check_zip(path: str | Path) -> None:
    """Check an archive that another library (python-docx, openpyxl) will open, and test that it unpacks."""
    path = Path(path)
    with open_zip(path) as archive:
        for info in archive.infolist():
            if not info.is_dir():
                try:
                    with archive.open(info) as member:  # reads through, checking the CRC, without keeping it
                        while member.read(1024 * 1024):
                            pass
                except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError) as exc:
                    raise WorkbenchError(
                        f"'{info.filename}' i filen kan ikke pakkes ud ({exc}); filen er ødelagt eller afkortet. "
                        f"{_kind(path)[1]}",
                        path,
                    ) from None
