from __future__ import annotations

from pathlib import Path

import pytest

from tests.documents.fake_clamd import FakeClamd


@pytest.fixture(autouse=True)
def document_store(document_store: Path) -> Path:
    """Each test's documents in a folder of its own (``tests/conftest.py``), so a test can
    see every file kept."""
    return document_store


def stored_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


@pytest.fixture
def clamd(settings):
    server = FakeClamd()
    settings.SENDPLAN_CLAMD_SOCKET = server.path
    yield server
    server.close()
