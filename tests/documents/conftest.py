from __future__ import annotations

from pathlib import Path

import pytest

from tests.documents.fake_clamd import FakeClamd


@pytest.fixture(autouse=True)
def _documents_in_their_own_folder(document_store) -> Path:
    """Each test's documents in a folder of its own (``document_store``, tests/conftest.py),
    so a test can see every file kept."""
    return document_store


def stored_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


@pytest.fixture
def clamd(settings):
    server = FakeClamd()
    settings.SENDPLAN_CLAMD_SOCKET = server.path
    yield server
    server.close()
