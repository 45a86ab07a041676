"""A stand-in for clamd on a local Unix socket, speaking its INSTREAM protocol: it reads the
length-prefixed chunks up to the zero length and answers ``stream: OK``, or ``stream:
Eicar-Signature FOUND`` for the EICAR test string, or the size error clamd gives past its
limit. It stands for a daemon outside this process, as a real clamd would be."""

from __future__ import annotations

import os
import socket
import struct
import tempfile
import threading
from pathlib import Path

from tests.documents.files import EICAR


class FakeClamd:
    def __init__(self, *, limit: int = 25 * 1024 * 1024) -> None:
        self.folder = tempfile.mkdtemp(prefix="clamd-", dir="/tmp")
        self.path = str(Path(self.folder) / "clamd.sock")
        self.limit = limit
        self.scanned: list[bytes] = []
        self._server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._server.bind(self.path)
        self._server.listen(5)
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            with conn:
                self._answer(conn)

    @staticmethod
    def _read(conn: socket.socket, n: int) -> bytes:
        data = b""
        while len(data) < n:
            part = conn.recv(n - len(data))
            if not part:
                raise ConnectionError("client went away")
            data += part
        return data

    def _answer(self, conn: socket.socket) -> None:
        command = b""
        while not command.endswith(b"\0"):
            part = conn.recv(1)
            if not part:
                return
            command += part
        if command == b"zPING\0":
            conn.sendall(b"PONG\0")
            return
        assert command == b"zINSTREAM\0", command
        data = b""
        while True:
            (length,) = struct.unpack("!L", self._read(conn, 4))
            if length == 0:
                break
            data += self._read(conn, length)
            if len(data) > self.limit:
                conn.sendall(b"INSTREAM size limit exceeded. ERROR\0")
                return
        self.scanned.append(data)
        if EICAR in data:
            conn.sendall(b"stream: Eicar-Signature FOUND\0")
        else:
            conn.sendall(b"stream: OK\0")

    def close(self) -> None:
        self._server.close()
        Path(self.path).unlink(missing_ok=True)
        os.rmdir(self.folder)
