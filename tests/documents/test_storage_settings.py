"""Where documents are kept is configured by environment variables, and a mistake refuses to
start rather than keeping files somewhere unexpected."""

from __future__ import annotations

import subprocess
import sys

from tests.test_settings import load_settings


def test_documents_are_kept_in_a_folder_of_their_own_by_default():
    shown = load_settings(show="STORAGES['documents']")
    assert shown.returncode == 0, shown.stderr
    assert "FileSystemStorage" in shown.stdout
    assert "var/documents" in shown.stdout


def test_s3_needs_a_bucket():
    refused = load_settings(SENDPLAN_DOCUMENTS_STORAGE="s3")
    assert refused.returncode != 0
    assert "SENDPLAN_S3_BUCKET must name the bucket" in refused.stderr


def test_s3_storage_is_private_and_never_overwrites():
    shown = load_settings(
        show="STORAGES['documents']",
        SENDPLAN_DOCUMENTS_STORAGE="s3",
        SENDPLAN_S3_BUCKET="council-documents",
        SENDPLAN_S3_ENDPOINT_URL="https://s3.example.net",
    )
    assert shown.returncode == 0, shown.stderr
    for text in (
        "storages.backends.s3.S3Storage",
        "'bucket_name': 'council-documents'",
        "'endpoint_url': 'https://s3.example.net'",
        "'default_acl': 'private'",
        "'file_overwrite': False",
        "'ServerSideEncryption': 'AES256'",
    ):
        assert text in shown.stdout


def test_the_s3_backend_is_installed():
    code = "import storages.backends.s3, filetype; print('ok')"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert run.stdout.strip() == "ok", run.stderr


def test_an_unknown_storage_is_refused():
    refused = load_settings(SENDPLAN_DOCUMENTS_STORAGE="ftp")
    assert refused.returncode != 0
    assert "SENDPLAN_DOCUMENTS_STORAGE must be filesystem or s3" in refused.stderr
