"""Files written whole or not at all: a temporary file beside each one, renamed over it only
when everything was written, and removed if anything failed. A reader (or a second run) never
sees half a file.

Plain Python with no Django, so the command line, the apps and the exports all use it; it
sits just above the engine in the layers (ADR 0117).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

__all__ = ["AtomicFiles", "atomic_files", "write_atomically"]


class AtomicFiles:
    """Files that are renamed into place together when the ``atomic_files`` block ends."""

    def __init__(self, *, private: bool = False) -> None:
        self._private = private
        self._pending: list[tuple[Path, Path]] = []

    def temporary(self, path: str | os.PathLike[str]) -> Path:
        """A new empty temporary file beside ``path``, for writers that take a path."""
        final = Path(path)
        folder = final.parent if str(final.parent) else Path(".")
        handle, name = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".tmp", dir=folder)
        os.close(handle)
        temporary = Path(name)
        self._pending.append((final, temporary))
        if not self._private:  # mkstemp makes it private; otherwise match a plain open
            os.chmod(temporary, 0o666 & ~_umask())
        return temporary

    def open(self, path: str | os.PathLike[str], *, binary: bool = False) -> IO[Any]:
        """A temporary file beside ``path`` open for writing: text (UTF-8, newlines as
        written) or bytes."""
        temporary = self.temporary(path)
        if binary:
            return temporary.open("wb")
        return temporary.open("w", encoding="utf-8", newline="")

    def _commit(self) -> None:
        for final, temporary in self._pending:
            os.replace(temporary, final)
        self._pending.clear()

    def _discard(self) -> None:
        for _, temporary in self._pending:
            temporary.unlink(missing_ok=True)
        self._pending.clear()


@contextmanager
def atomic_files(*, private: bool = False) -> Iterator[AtomicFiles]:
    """Write several files all or nothing: each ``files.open(path)`` (or
    ``files.temporary(path)``) is renamed over ``path`` when the block ends without an error;
    on any error every temporary file is removed and the error goes on. ``private`` keeps
    the files readable by their owner alone (personal data)."""
    files = AtomicFiles(private=private)
    try:
        yield files
        files._commit()
    except BaseException:
        files._discard()
        raise


@contextmanager
def write_atomically(
    path: str | os.PathLike[str], *, binary: bool = False, private: bool = False
) -> Iterator[IO[Any]]:
    """Write one file whole or not at all: text by default, bytes with ``binary=True``.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> with write_atomically(folder / "out.csv") as out:
    ...     _ = out.write("a,b\\n")
    >>> (folder / "out.csv").read_text()
    'a,b\\n'
    """
    with atomic_files(private=private) as files, files.open(path, binary=binary) as handle:
        yield handle


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
