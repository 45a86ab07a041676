"""Small files of each kind, made here: what an upload holds, byte for byte."""

from __future__ import annotations

import io
import struct
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 64
GIF = b"GIF89a" + b"\x00" * 64
# A Windows program and a Linux one: their first bytes are all that matter here.
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 56 + b"This program cannot be run in DOS mode"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 120
# The EICAR test string: every virus scanner reports it, and it harms nothing.
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def heic() -> bytes:
    brands = b"mif1heic"
    box = b"ftyp" + b"heic" + struct.pack(">I", 0) + brands
    return struct.pack(">I", len(box) + 4) + box + b"\x00" * 64


def zip_of(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return out.getvalue()


def docx(*, macros: bool = False) -> bytes:
    entries = {
        "[Content_Types].xml": b"<Types/>",
        "_rels/.rels": b"<Relationships/>",
        "word/document.xml": b"<w:document/>",
    }
    if macros:
        entries["word/vbaProject.bin"] = b"\x00" * 32
    return zip_of(entries)


def ole(stream_name: str) -> bytes:
    """An OLE compound file whose directory names one stream (enough for the checks)."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    return header + stream_name.encode("utf-16-le") + b"\x00" * 600


def upload(name: str, data: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    """As the browser sends it: the content type is whatever the browser says."""
    return SimpleUploadedFile(name, data, content_type=content_type)
