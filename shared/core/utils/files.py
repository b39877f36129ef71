"""Local state (SQLite files, dev keys) readable by its owner alone: folders 0700, files 0600."""

import os
from pathlib import Path

PRIVATE_DIRECTORY_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def private_directory(path: Path) -> Path:
    """Create ``path`` (and missing parents) owner-only; tighten it if it already exists."""
    path.mkdir(mode=PRIVATE_DIRECTORY_MODE, parents=True, exist_ok=True)
    if path.stat().st_mode & 0o077:
        path.chmod(PRIVATE_DIRECTORY_MODE)
    return path


def private_file(path: Path) -> Path:
    """Create an empty ``path`` owner-only if missing; tighten it if it already exists.

    SQLite gives its journal and WAL files the mode of the database file, so one call per
    database covers them too.
    """
    private_directory(path.parent)
    descriptor = os.open(path, os.O_CREAT | os.O_WRONLY, PRIVATE_FILE_MODE)
    try:
        if os.fstat(descriptor).st_mode & 0o077:
            os.fchmod(descriptor, PRIVATE_FILE_MODE)
    finally:
        os.close(descriptor)
    return path
