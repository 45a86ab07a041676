"""The one reader of input files: bytes to text, or one ``FILE:LINE: column: problem`` line.

Every command that reads a file a person hands it (``sendplan place``, ``sendplan forecast``,
``sendplan provision import-gias`` and the apps that read the same files) opens it here, so a
file that is not text is refused once, with one message, before any CSV parsing sees it:

- a folder, a missing or unreadable file, an empty file;
- a zip archive (or any file with NUL bytes: binary data, or UTF-16 without a byte-order
  mark), which the CSV readers would otherwise report as dozens of missing columns, and
  which PostgreSQL refuses to store;
- UTF-16 or UTF-32 text (a spreadsheet's "Unicode text" export);
- bytes that are not UTF-8 (nor, where the format allows it, Windows-1252).

A UTF-8 byte-order mark is accepted and dropped.
"""

from __future__ import annotations

import codecs
from pathlib import Path

#: Byte-order marks of the encodings a spreadsheet may save "Unicode" text in. UTF-32 LE
#: starts with UTF-16 LE's mark, so it is tried first.
_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)
ZIP_MAGIC = b"PK\x03\x04"
_SAVE_AS = "save it as CSV UTF-8"
_ENCODING_NAMES = {"cp1252": "Windows-1252"}


class InputFileError(Exception):
    """A file that cannot be read as text: its one problem, where and what."""

    def __init__(self, label: str, line: int, column: str, message: str) -> None:
        self.label, self.line, self.column, self.message = label, line, column, message
        super().__init__(problem(label, line, column, message))

    @property
    def problems(self) -> list[str]:
        """The problem as the command line prints it."""
        return [str(self)]


def problem(label: str, line: int, column: str, message: str) -> str:
    """One line of the command-line contract: ``FILE:LINE: column: what is wrong``."""
    return f"{label}:{line}: {column}: {message}"


def read_bytes(path: Path | str) -> bytes:
    """The bytes of ``path``; :class:`InputFileError` when it is missing, a folder or unreadable."""
    path = Path(path)
    if path.is_dir():
        raise InputFileError(str(path), 1, "file", "is a folder, not a file")
    try:
        return path.read_bytes()
    except OSError as error:
        message = f"cannot be read ({error.strerror or error})"
        raise InputFileError(str(path), 1, "file", message) from None


def decode_text(label: str, data: bytes, *, fallback: str | None = None) -> tuple[str, str]:
    """The text of ``data`` and the encoding it was in ("utf-8" or ``fallback``).

    Parameters
    ----------
    label
        The file's name in messages (a zip member as ``release.zip/data/caseload.csv``).
    data
        The file's bytes.
    fallback
        A single-byte encoding to try when the bytes are not UTF-8 (GIAS publishes
        Windows-1252: ``"cp1252"``); ``None`` accepts UTF-8 only.

    Raises
    ------
    InputFileError
        With exactly one problem line when the bytes are not text in an accepted encoding.

    Examples
    --------
    >>> decode_text("a.csv", b"\\xef\\xbb\\xbfid\\n1\\n")
    ('id\\n1\\n', 'utf-8')
    >>> decode_text("a.csv", "id\\n1\\n".encode("utf-16"))
    Traceback (most recent call last):
    ...
    sendplan.cli.input_files.InputFileError: a.csv:1: file: is UTF-16 text, not UTF-8; save it as CSV UTF-8
    """
    if not data or data.isspace():
        raise InputFileError(label, 1, "header", "the file is empty")
    for bom, name in _WIDE_BOMS:
        if data.startswith(bom):
            message = f"is {name} text, not UTF-8; {_SAVE_AS}"
            raise InputFileError(label, 1, "file", message)
    if data.startswith(ZIP_MAGIC):
        message = "is a zip archive, not a CSV file"
        raise InputFileError(label, 1, "file", message)
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        message = (
            "has a NUL byte, so it is not a text file (binary data, or UTF-16 without a "
            f"byte-order mark); {_SAVE_AS}"
        )
        raise InputFileError(label, line, "file", message)
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as error:
        bad = error
    if fallback is not None:
        try:
            return data.decode(fallback), fallback
        except UnicodeDecodeError as error:
            bad = error
    line = data.count(b"\n", 0, bad.start) + 1
    byte = data[bad.start]
    accepted = "UTF-8" if fallback is None else f"UTF-8 nor {_ENCODING_NAMES[fallback]}"
    message = (
        f"byte 0x{byte:02X} is not UTF-8; {_SAVE_AS}"
        if fallback is None
        else f"byte 0x{byte:02X} is neither {accepted}"
    )
    raise InputFileError(label, line, "file", message)


def read_text(path: Path | str, *, fallback: str | None = None) -> tuple[str, str]:
    """:func:`read_bytes` then :func:`decode_text`: the text of a file and its encoding."""
    return decode_text(str(path), read_bytes(path), fallback=fallback)


def encoding_name(encoding: str) -> str:
    """How a person calls an encoding :func:`decode_text` returned."""
    return _ENCODING_NAMES.get(encoding, "UTF-8")
