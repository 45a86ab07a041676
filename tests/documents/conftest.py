from __future__ import annotations

from pathlib import Path

import pytest

from tests.documents.fake_clamd import FakeClamd


@pytest.fixture(autouse=True)
def document_store(settings, tmp_path) -> Path:
    """Each test's documents in a folder of its own, so a test can see every file kept."""
    folder = tmp_path / "documents"
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(folder), "base_url": "/no-public-url/"},
        },
    }
    settings.SENDPLAN_CLAMD_SOCKET = ""
    settings.SENDPLAN_CLAMD_HOST = ""
    return folder


def stored_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


@pytest.fixture
def clamd(settings):
    server = FakeClamd()
    settings.SENDPLAN_CLAMD_SOCKET = server.path
    yield server
    server.close()
