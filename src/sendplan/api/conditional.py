"""Entity tags for the records the API writes, and reading ``If-Match`` (RFC 9110).

A record that two systems (or a system and a person) may change has a lock, a counter that
moves on with every accepted save (``core.locking``). Its ETag is that lock together with
what the record is, so a tag from one record never matches another:
``"delivery-12-2026-11-02.3"``. ``If-Match`` is compared strongly: weak tags (``W/"…"``) and
tags of other records never match. ``If-Match: *`` is not taken: a system replaces a record
it has read, naming the version it read.
"""

from __future__ import annotations

#: The lock a write sends when ``If-Match`` names no version of this record: no row has it,
#: so the service refuses the write as stale (a 409).
NO_MATCH = -1


def etag(name: str, lock: int) -> str:
    """The quoted strong entity tag of version ``lock`` of the record ``name``."""
    return f'"{name}.{lock}"'


def expected_lock(if_match: str | None, name: str) -> int:
    """The lock a write expects, from its ``If-Match``: 0 (the record must not exist yet)
    when there is none, the version named when one of its tags is this record's, otherwise
    :data:`NO_MATCH`."""
    if if_match is None or not if_match.strip():
        return 0
    for tag in if_match.split(","):
        tag = tag.strip()
        if not (len(tag) > 2 and tag[0] == '"' and tag[-1] == '"'):
            continue
        record, dot, lock = tag[1:-1].rpartition(".")
        if dot and record == name and lock.isascii() and lock.isdigit() and len(lock) < 10:
            return int(lock)
    return NO_MATCH
