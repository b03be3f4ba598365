"""The site's run-time files readable by the account that runs it and nobody else.

``var/`` holds the database, the secret key and the task queue; with the usual
umask (022) they came out world-readable. The directory is made 0700 and the
SQLite database 0600, and both are tightened when an earlier run left them
looser. SQLite creates the database's ``-wal`` and ``-shm`` files with the
database file's own mode, so creating the database file first, private, keeps
them private too.
"""

import os
import stat
from pathlib import Path

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


def private_directory(path: Path) -> Path:
    """Create ``path`` (mode 0700) if absent, tighten it if ours and looser; return it."""
    path.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    _tighten(path, PRIVATE_DIR_MODE)
    return path


def private_sqlite_database(name: str) -> None:
    """Create the SQLite file ``name`` empty (mode 0600) if absent; tighten it and its
    companions if ours and looser. In-memory databases and URIs are left alone, as is
    a file whose directory does not exist (SQLite will say so when it is opened)."""
    if name == ":memory:" or name.startswith("file:"):
        return
    path = Path(name)
    if not path.parent.is_dir():
        return
    # O_CREAT without O_TRUNC: an existing database is opened, never emptied.
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, PRIVATE_FILE_MODE))
    for file in (path, *(Path(f"{path}{suffix}") for suffix in SQLITE_COMPANIONS)):
        if file.exists():
            _tighten(file, PRIVATE_FILE_MODE)


def _tighten(path: Path, mode: int) -> None:
    """Take group and other permissions off ``path`` if this account owns it."""
    info = path.stat()
    if info.st_uid == os.geteuid() and stat.S_IMODE(info.st_mode) & ~mode:
        path.chmod(mode)
