"""`python main.py backup PATH` for SQLite: SQLite's online backup, a consistent copy while Orderly writes.

One backup step copies every page inside one read transaction: in WAL mode that blocks no writer, and the copy is
the database as of one commit (stepping in parts would start again after each write of another connection).
"""

import sqlite3
from pathlib import Path
from urllib.parse import urlsplit


def sqlite_path(url: str) -> Path | None:
    """The file of a sqlite:// URL; None for another database or an in-memory one."""
    parts = urlsplit(url)
    path = parts.netloc + parts.path
    return Path(path) if parts.scheme == 'sqlite' and path != ':memory:' else None


def backup_sqlite(database: Path, target: Path) -> int:
    """Copy `database` to `target` (replaced only once the copy is complete and checked); returns its orders."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + '.partial')
    partial.unlink(missing_ok=True)
    try:
        orders = _copy(database, partial)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(target)
    return orders


def _copy(database: Path, partial: Path) -> int:
    source, copy = sqlite3.connect(database, timeout=30), sqlite3.connect(partial)
    try:
        source.backup(copy)
        copy.execute('PRAGMA journal_mode=DELETE')  # one self-contained file, no -wal beside it
        problems = [row[0] for row in copy.execute('PRAGMA integrity_check')]
        if problems != ['ok']:
            raise RuntimeError(f'the copy of {database} fails its integrity check: {problems[:5]}')
        return copy.execute('SELECT COUNT(*) FROM "order"').fetchone()[0]
    finally:
        copy.close()
        source.close()
