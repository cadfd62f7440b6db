"""Safe file writing: whole-file writes are atomic, appends are locked and flushed.

A crash leaves either the old file or the new one, never half of either; two processes
appending at once never interleave inside a line.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from workbench.errors import WorkbenchError

try:
    import fcntl  # POSIX file locks: the codings logs and answer files are shared between people
except ImportError:
    raise ImportError(
        "Arbejdsbordet kører kun på Linux og macOS (POSIX), fordi det låser projektets filer med fcntl. "
        "Brug det på Windows gennem WSL (Windows Subsystem for Linux)."
    ) from None


def _explain_os_error(exc: OSError, path: Path | None) -> WorkbenchError:
    if exc.errno == errno.ENOSPC:
        return WorkbenchError("Disken er fuld, så intet blev gemt. Frigør plads og prøv igen.", path)
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return WorkbenchError(
            "Mappen er skrivebeskyttet, så intet blev gemt. Tjek rettighederne til projektmappen.", path
        )
    return WorkbenchError(f"Filen kunne ikke skrives ({exc.strerror}). Intet blev gemt.", path)


def atomic_write_bytes(path: str | Path, data: bytes, *, private: bool = False) -> None:
    """Write a whole file so that readers see either the old or the new content; `private` makes
    it readable and writable by its owner only (0600), for files that hold real names."""
    atomic_write_files({Path(path): data}, private=private)


def atomic_write_files(files: Mapping[Path, bytes], *, private: bool = False) -> None:
    """Write several whole files, each atomically; none is replaced until all are safely on disk.

    A failure while writing (a full disk, say) leaves every file as it was. One directory sync per
    folder instead of one per file, and the files' own syncs run side by side (the disk commits
    them together; one after another, a batch of 2,000 transcripts waited seconds for them).
    """
    items = [(Path(path), data) for path, data in files.items()]
    pending: list[tuple[str, Path]] = []  # (temporary file, final path)
    unwritten: list[int] = []  # descriptors of temporary files not yet handed to a writer
    renamed = 0
    current = None
    try:
        for path, _ in items:
            current = path
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            pending.append((tmp_name, path))
            unwritten.append(fd)
        mode = None if private else 0o666 & ~_umask()  # mkstemp's 0600 would hide the file from colleagues
        jobs = [(fd, data) for fd, (_, data) in zip(unwritten, items)]
        unwritten = []  # each writer closes its own descriptor
        if len(jobs) < 2:
            for fd, data in jobs:
                _write_synced(fd, data, mode)
        else:
            with ThreadPoolExecutor(min(_SYNC_THREADS, len(jobs))) as pool:
                futures = [pool.submit(_write_synced, fd, data, mode) for fd, data in jobs]
            for future, (_, path) in zip(futures, pending):  # all have finished: the first failure is raised
                current = path
                future.result()
        for tmp_name, current in pending:
            os.replace(tmp_name, current)
            renamed += 1
        for directory in {path.parent for path, _ in items}:
            _fsync_dir(directory)
    except OSError as exc:
        raise _explain_os_error(exc, current) from exc
    finally:
        for fd in unwritten:
            os.close(fd)
        for tmp_name, _ in pending[renamed:]:
            try:
                os.unlink(tmp_name)
            except OSError:
                pass


_SYNC_THREADS = 8  # fsync waits for the disk, not the processor: the GIL is released meanwhile


def _write_synced(fd: int, data: bytes, mode: int | None) -> None:
    """A temporary file's content, on disk before it returns; the descriptor is closed."""
    with os.fdopen(fd, "wb") as handle:
        if mode is not None:
            os.fchmod(fd, mode)
        handle.write(data)
        handle.flush()
        os.fsync(fd)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_text(path: str | Path, text: str, *, private: bool = False) -> None:
    atomic_write_bytes(path, text.encode("utf-8"), private=private)


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextmanager
def locked(path: str | Path):
    """An exclusive advisory lock for a read-modify-write of `path`, held on an empty hidden file beside it
    ('.<name>.lock'), so two processes saving the same file take turns."""
    path = Path(path)
    lock_path = path.with_name(f".{path.name}.lock")
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise _explain_os_error(exc, path) from exc
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def append_line(path: str | Path, line: str, header: str | None = None) -> None:
    """Append one line (a record) under an exclusive lock, flushed to disk before returning.

    If an earlier writer crashed mid-line, the torn tail is terminated first so the new
    record starts on its own line; readers skip the torn line. `header` (one line) is written
    first when the file is new or empty: the format and version of the log.
    """
    if "\n" in line:
        raise ValueError("a record must be a single line")
    with locked_append(path, header) as append:
        append(line)


@contextmanager
def locked_append(path: str | Path, header: str | None = None):
    """Hold the append lock on `path` (the same one `append_line` takes) for a check-then-append.

    Yields `append(line)`: it writes the record in one write and fsyncs it, so a reader sees all of
    it or (torn by a crash, no newline yet) none of it. If the write fails (a full disk), the file is
    cut back to where it was, so nothing of the record stays behind.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
    except OSError as exc:
        raise _explain_os_error(exc, path) from exc

    def append(line: str) -> None:
        if "\n" in line:
            raise ValueError("a record must be a single line")
        data = (line + "\n").encode("utf-8")
        size = os.fstat(fd).st_size
        if size:
            os.lseek(fd, size - 1, os.SEEK_SET)
            if os.read(fd, 1) != b"\n":
                data = b"\n" + data
        elif header is not None:
            data = (header + "\n").encode("utf-8") + data
        try:
            written = os.write(fd, data)
            if written != len(data):
                raise OSError(errno.ENOSPC, "short write")
            os.fsync(fd)
        except OSError:
            try:
                os.ftruncate(fd, size)  # leave no half record behind
                os.fsync(fd)
            except OSError:
                pass  # a torn record without its newline is skipped by readers anyway
            raise

    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield append
    except OSError as exc:
        raise _explain_os_error(exc, path) from exc
    finally:
        try:
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)
