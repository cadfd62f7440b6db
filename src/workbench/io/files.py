"""Safe file writing: whole-file writes are atomic, appends are locked and flushed.

A crash leaves either the old file or the new one, never half of either; two processes
appending at once never interleave inside a line.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager, suppress
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
    with StagedFiles(private=private, threads=len(files) > 1) as staged:
        for path, data in files.items():
            staged.add(path, data)
        staged.commit()


class StagedFiles:
    """Files written as atomic_write_files writes them, for a caller that has them one by one: each goes to a
    temporary file beside its path as it is added (synced in writer threads while the caller goes on), and
    `commit` puts them all in place once all are on disk. Leaving the block without committing, or on a
    failure, removes the temporary files and leaves every file as it was."""

    def __init__(self, *, private: bool = False, threads: bool = True):
        self._mode = None if private else 0o666 & ~_umask()  # mkstemp's 0600 would hide the file from colleagues
        self._pool = ThreadPoolExecutor(_SYNC_THREADS) if threads else None
        self._staged: list[tuple[Path, Future[str]]] = []  # (final path, its temporary file's name)
        self._renamed = 0

    def __enter__(self) -> StagedFiles:
        return self

    def add(self, path: str | Path, data: bytes) -> None:
        path = Path(path)
        if self._pool is None:
            job: Future[str] = Future()
            try:
                job.set_result(_write_temporary(path, data, self._mode))
            except OSError as exc:
                raise _explain_os_error(exc, path) from exc
        else:
            job = self._pool.submit(_write_temporary, path, data, self._mode)
        self._staged.append((path, job))

    def commit(self) -> None:
        current = None
        try:
            temporary = []
            for path, job in self._staged:  # the first failure is raised
                current = path
                temporary.append(job.result())
            for tmp_name, (current, _) in zip(temporary, self._staged):
                os.replace(tmp_name, current)
                self._renamed += 1
            for directory in {path.parent for path, _ in self._staged}:
                _fsync_dir(directory)
        except OSError as exc:
            raise _explain_os_error(exc, current) from exc

    def __exit__(self, *exc_info: object) -> None:
        if self._pool is not None:
            self._pool.shutdown()  # every writer finished, so that none leaves a file behind
        for _, job in self._staged[self._renamed :]:
            if job.exception() is None:
                with suppress(OSError):
                    os.unlink(job.result())


_SYNC_THREADS = 8  # fsync waits for the disk, not the processor: the GIL is released meanwhile


def _write_temporary(path: Path, data: bytes, mode: int | None) -> str:
    """A temporary file beside path with the content, on disk before it returns: its name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            if mode is not None:
                os.fchmod(fd, mode)
            handle.write(data)
            handle.flush()
            os.fsync(fd)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp_name)
        raise
    return tmp_name


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
