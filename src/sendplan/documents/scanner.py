"""A client for clamd, the ClamAV daemon, over its INSTREAM command.

The file is sent in chunks, each preceded by its length as four bytes in network order,
and ended by a zero length; clamd answers with one line: ``stream: OK``, ``stream: <name>
FOUND`` or ``... ERROR``. The ``z`` prefix and suffix make commands and answers end with a
NUL byte. clamd refuses a stream over its ``StreamMaxLength`` (25 MB by default); set it
above ``SENDPLAN_DOCUMENT_MAX_BYTES``.
"""

from __future__ import annotations

import socket
import struct
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings

CHUNK = 64 * 1024


class ScannerError(Exception):
    """clamd could not be reached, or answered with an error rather than a verdict."""


@dataclass(frozen=True)
class Verdict:
    clean: bool
    #: The signature clamd found (``Eicar-Signature``), empty when clean.
    found: str = ""


@dataclass(frozen=True)
class ClamdAddress:
    """Where clamd listens: a Unix socket path, or a host and port."""

    socket_path: str = ""
    host: str = ""
    port: int = 3310
    timeout: float = 60.0

    def connect(self) -> socket.socket:
        if self.socket_path:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(self.timeout)
            sock.connect(self.socket_path)
            return sock
        return socket.create_connection((self.host, self.port), timeout=self.timeout)


def configured() -> ClamdAddress | None:
    """The clamd of the settings, or None when no scanner is configured."""
    path = settings.SENDPLAN_CLAMD_SOCKET
    host = settings.SENDPLAN_CLAMD_HOST
    if not path and not host:
        return None
    return ClamdAddress(
        socket_path=path,
        host=host,
        port=settings.SENDPLAN_CLAMD_PORT,
        timeout=float(settings.SENDPLAN_CLAMD_TIMEOUT),
    )


def _read_reply(sock: socket.socket) -> str:
    reply = b""
    while not reply.endswith(b"\0"):
        part = sock.recv(4096)
        if not part:
            break
        reply += part
    return reply.rstrip(b"\0").decode("utf-8", errors="replace").strip()


def instream(address: ClamdAddress, chunks: Iterable[bytes]) -> Verdict:
    """Send the bytes to clamd and return its verdict; ``ScannerError`` if it gives none."""
    try:
        with address.connect() as sock:
            try:
                sock.sendall(b"zINSTREAM\0")
                for chunk in chunks:
                    for start in range(0, len(chunk), CHUNK):
                        part = chunk[start : start + CHUNK]
                        sock.sendall(struct.pack("!L", len(part)) + part)
                sock.sendall(struct.pack("!L", 0))
            except OSError:
                # clamd answers a stream over its limit with an error and closes the
                # socket, so the send fails: its answer says why.
                pass
            reply = _read_reply(sock)
    except OSError as error:
        raise ScannerError(f"clamd did not answer ({error.__class__.__name__})") from None
    return parse_reply(reply)


def parse_reply(reply: str) -> Verdict:
    """``stream: OK`` is clean; ``stream: <signature> FOUND`` is not; anything else is an
    error (``INSTREAM size limit exceeded. ERROR``, or nothing at all)."""
    _, _, result = reply.partition(": ")
    if result == "OK":
        return Verdict(clean=True)
    if result.endswith(" FOUND"):
        return Verdict(clean=False, found=result.removesuffix(" FOUND"))
    raise ScannerError(f"clamd gave no verdict: {reply[:100]!r}")


def ping(address: ClamdAddress) -> bool:
    """Whether clamd answers PONG (for a readiness check)."""
    try:
        with address.connect() as sock:
            sock.sendall(b"zPING\0")
            return _read_reply(sock) == "PONG"
    except OSError:
        return False
