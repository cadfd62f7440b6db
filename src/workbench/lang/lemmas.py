"""The Danish lookup lemma table (spacy-lookups-data), answered word by word from a local index.

The table has 553,000 entries; reading it from the package's gzipped JSON costs about 0.4 s in every
process, more than everything else a short command does with it, since a transcript asks for a few
thousand distinct words. So the table is written once into an SQLite file in the user's cache
folder (rebuilt when spacy-lookups-data changes) and each process asks only for the words it meets,
remembering the answers. Where no cache folder can be written, the table is read into memory as before.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

_MISSING = object()


def _source() -> Path:
    from spacy.util import registry

    return Path(registry.lookups.get("da")["lemma_lookup"])


def _load_json(source: Path) -> dict[str, str]:
    from spacy.util import load_language_data

    table = load_language_data(source)
    assert isinstance(table, dict)  # the lookup table is a JSON object
    return table


def _cache_dir() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "workbench"


class LemmaTable:
    """word → lemma, case-sensitive, as in spacy-lookups-data: `in`, `get` and lemmas' word forms."""

    def __init__(self, index: Path | None, table: dict[str, str] | None = None):
        self._index = index
        self._table = table  # the whole table in memory, when there is no index
        self._known: dict[str, object] = {}
        self._connection: sqlite3.Connection | None = None
        self._pid = 0

    def _db(self) -> sqlite3.Connection:
        # SQLite connections must not cross a fork: a child process opens its own
        if self._connection is None or self._pid != os.getpid():
            self._connection = sqlite3.connect(f"file:{self._index}?mode=ro", uri=True, check_same_thread=False)
            self._connection.execute("PRAGMA mmap_size = 268435456")  # read pages straight from the OS cache
            self._pid = os.getpid()
        return self._connection

    def get(self, word: str, default=None):
        if self._table is not None:
            return self._table.get(word, default)
        found = self._known.get(word, _MISSING)
        if found is _MISSING:
            row = self._db().execute("SELECT lemma FROM lemmas WHERE word = ?", (word,)).fetchone()
            found = self._known[word] = row[0] if row else None
        return default if found is None else found

    def __contains__(self, word: str) -> bool:
        return self.get(word) is not None

    def forms_of(self, lemmas: Iterable[str]) -> dict[str, list[str]]:
        """For each lower-case lemma given, the words the table maps to it (the lemma's case ignored)."""
        wanted = set(lemmas)
        found: dict[str, list[str]] = {lemma: [] for lemma in wanted}
        if self._table is not None:
            for word, lemma in self._table.items():
                if lemma.lower() in wanted:
                    found[lemma.lower()].append(word)
            return found
        for chunk in _chunks(sorted(wanted), 500):
            marks = ",".join("?" * len(chunk))
            query = f"SELECT word, lower_lemma FROM lemmas WHERE lower_lemma IN ({marks}) ORDER BY word"
            for word, lemma in self._db().execute(query, chunk):
                found[lemma].append(word)
        return found


def _chunks(items: list[str], size: int) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _build_index(source: Path, index: Path) -> None:
    """Write the table into an SQLite file, atomically: a second process building at the same time is harmless."""
    table = _load_json(source)
    index.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{index.name}.", suffix=".tmp", dir=index.parent)
    os.close(fd)
    try:
        with sqlite3.connect(tmp_name) as db:
            db.execute("CREATE TABLE lemmas (word TEXT PRIMARY KEY, lemma TEXT NOT NULL, lower_lemma TEXT NOT NULL) "
                       "WITHOUT ROWID")
            # SQLite's lower() knows only ASCII, so the lower-case lemma is stored, for forms_of
            db.executemany("INSERT INTO lemmas VALUES (?, ?, ?)", ((w, m, m.lower()) for w, m in table.items()))
            db.execute("CREATE INDEX lemmas_by_lemma ON lemmas (lower_lemma)")
        db.close()
        os.replace(tmp_name, index)
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)


@lru_cache(maxsize=1)
def lemma_table() -> LemmaTable:
    source = _source()
    try:
        import spacy_lookups_data

        version = spacy_lookups_data.__version__
    except (ImportError, AttributeError):
        version = "0"
    index = _cache_dir() / f"lemmas-da-{version}-{source.name.split('.')[0]}-v1.sqlite"
    try:
        if not index.exists():
            _build_index(source, index)
        return LemmaTable(index)
    except (OSError, sqlite3.Error):  # no writable cache folder: the table in memory, as spaCy ships it
        return LemmaTable(None, _load_json(source))
