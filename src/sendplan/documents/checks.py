"""What a file must be before it is kept: one of the types below, judged by its content (its
first bytes and, for Word files, its structure), with a name that ends as that type's names
do, and no larger than ``SENDPLAN_DOCUMENT_MAX_BYTES``.

The browser's content type and the file's name are never taken on trust: a program renamed
``report.pdf``, a ZIP archive called ``letter.docx`` or a PNG called ``plan.pdf`` is refused
with a sentence that names the file and says what to do. Messages follow the GOV.UK file
upload component's wording.
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile


@dataclass(frozen=True)
class Allowed:
    content_type: str
    #: The endings a file of this type may have, the first the one used for downloads.
    extensions: tuple[str, ...]
    label: str


PDF = Allowed("application/pdf", (".pdf",), "a PDF")
DOCX = Allowed(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (".docx",),
    "a Word document (DOCX)",
)
DOC = Allowed("application/msword", (".doc",), "a Word 97-2003 document (DOC)")
PNG = Allowed("image/png", (".png",), "a PNG image")
JPEG = Allowed("image/jpeg", (".jpg", ".jpeg"), "a JPEG image")
HEIC = Allowed("image/heic", (".heic",), "a HEIC image")

ALLOWED: tuple[Allowed, ...] = (PDF, DOCX, DOC, PNG, JPEG, HEIC)
BY_TYPE = {a.content_type: a for a in ALLOWED}

#: What to say the types are, in every message that lists them.
TYPES_SENTENCE = "a PDF, Word document (DOCX or DOC), PNG, JPEG or HEIC"

#: Bytes read to recognise a type from its signature.
HEADER_BYTES = 8192
#: A Word document with more parts, or more bytes once unzipped, is refused (a ZIP bomb).
DOCX_MAX_ENTRIES = 2000
DOCX_MAX_UNZIPPED = 250 * 1024 * 1024

_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# A Word 97-2003 file is an OLE compound file with a stream of this name; other OLE files
# (spreadsheets, Windows installers) have none.
_WORD_STREAM = "WordDocument".encode("utf-16-le")

#: Words for what a refused file turned out to be, by filetype's extension.
_DESCRIBED = {
    "exe": "a Windows program",
    "elf": "a program",
    "zip": "a ZIP archive",
    "rar": "a RAR archive",
    "7z": "a 7-Zip archive",
    "gz": "a compressed archive",
    "html": "a web page",
    "gif": "a GIF image",
    "bmp": "a BMP image",
    "webp": "a WebP image",
    "tif": "a TIFF image",
    "xlsx": "an Excel spreadsheet",
    "pptx": "a PowerPoint presentation",
    "mp4": "a video",
}


@dataclass(frozen=True)
class Checked:
    """A file that passed: its type as its content shows, its size and SHA-256."""

    allowed: Allowed
    size: int
    sha256: str

    @property
    def content_type(self) -> str:
        return self.allowed.content_type


def max_bytes() -> int:
    return int(settings.SENDPLAN_DOCUMENT_MAX_BYTES)


def size_words(size: int) -> str:
    """A limit in the words of the GOV.UK pattern: 20MB, 512KB."""
    if size >= 1024 * 1024 and size % (1024 * 1024) == 0:
        return f"{size // (1024 * 1024)}MB"
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f}MB"
    return f"{max(1, size // 1024)}KB"


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def _sniff(stream: IO[bytes], header: bytes) -> Allowed | None:
    """The allowed type the content is, or None."""
    if header.startswith(_OLE_SIGNATURE):
        return DOC if _has_word_stream(stream) else None
    if header.startswith(b"PK\x03\x04"):
        return DOCX if _is_word_package(stream) else None
    kind = filetype.guess(header)
    if kind is None:
        return None
    for allowed in (PDF, PNG, JPEG, HEIC):
        if kind.mime == allowed.content_type:
            return allowed
    return None


def _has_word_stream(stream: IO[bytes]) -> bool:
    stream.seek(0)
    tail = b""
    while chunk := stream.read(1024 * 1024):
        if _WORD_STREAM in tail + chunk:
            return True
        tail = chunk[-len(_WORD_STREAM) :]
    return False


def _is_word_package(stream: IO[bytes]) -> bool:
    """A DOCX: a ZIP that opens, holds a Word document part and no macros, and stays within
    the limits when unzipped."""
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as package:
            entries = package.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    names = {e.filename for e in entries}
    if len(entries) > DOCX_MAX_ENTRIES or sum(e.file_size for e in entries) > DOCX_MAX_UNZIPPED:
        return False
    return (
        "[Content_Types].xml" in names
        and "word/document.xml" in names
        and "word/vbaProject.bin" not in names
    )


def _what_it_is(header: bytes) -> str:
    kind = filetype.guess(header)
    if kind is not None and kind.extension in _DESCRIBED:
        return _DESCRIBED[kind.extension]
    if header.startswith(b"MZ"):
        return _DESCRIBED["exe"]
    if header.startswith(_OLE_SIGNATURE):
        return "an Office file that is not a Word document"
    if header.startswith(b"PK\x03\x04"):
        return "a ZIP archive or a Word document with macros"
    return ""


def _digest(stream: IO[bytes]) -> str:
    stream.seek(0)
    sha = hashlib.sha256()
    while chunk := stream.read(1024 * 1024):
        sha.update(chunk)
    return sha.hexdigest()


def check_upload(upload: UploadedFile) -> Checked:
    """The checks every stored file passes, or a ``ValidationError`` (one sentence naming the
    file) for the upload field."""
    name = PurePath(upload.name or "").name
    limit = max_bytes()
    size = int(upload.size or 0)
    if size == 0:
        raise _refuse(f"The selected file {name} is empty", "empty")
    if size > limit:
        raise _refuse(
            f"The selected file {name} must be smaller than {size_words(limit)}", "too_large"
        )
    stream = upload.file
    if stream is None:
        raise _refuse("Select a file", "required")
    stream.seek(0)
    header = stream.read(HEADER_BYTES)
    allowed = _sniff(stream, header)
    stream.seek(0)
    if allowed is None:
        what = _what_it_is(header)
        found = f": it is {what}" if what else ""
        raise _refuse(
            f"The selected file {name} must be {TYPES_SENTENCE}{found}", "type_not_allowed"
        )
    extension = PurePath(name).suffix.lower()
    if extension not in allowed.extensions:
        raise _refuse(
            f"The selected file {name} is {allowed.label}, but its name ends in "
            f"{extension or 'nothing'}. Rename it to end in {allowed.extensions[0]} "
            "and upload it again",
            "name_mismatch",
        )
    return Checked(allowed=allowed, size=size, sha256=_digest(stream))


def download_name(*, title: str, allowed_type: str) -> str:
    """A filename safe in a Content-Disposition header: the title in plain letters, digits,
    spaces, dots, hyphens and underscores, with the ending of the type the content is."""
    allowed = BY_TYPE.get(allowed_type)
    ending = allowed.extensions[0] if allowed else ""
    safe = "".join(c if (c.isascii() and (c.isalnum() or c in " ._-")) else "_" for c in title)
    safe = " ".join(safe.split()).strip(" ._") or "document"
    return f"{safe[:100]}{ending}"
