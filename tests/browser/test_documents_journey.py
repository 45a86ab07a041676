"""A caseworker adds a PDF to a learner's record and downloads it again, in a real browser,
with axe-core on every page; a disguised file is refused on the form field."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from sendplan.documents.models import Document
from sendplan.learners.models import AuditEvent
from tests.documents.files import ELF, PDF

pytestmark = pytest.mark.browser


@pytest.fixture
def store(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "documents")},
        },
    }
    settings.SENDPLAN_CLAMD_SOCKET = ""
    settings.SENDPLAN_CLAMD_HOST = ""
    return tmp_path


def test_caseworker_adds_a_pdf_to_the_record_and_downloads_it(site, cast, store):
    page = site.page
    site.sign_in("caseworker")
    site.assert_accessible()  # the home page

    site.follow(page.get_by_role("link", name="Learners", exact=True))
    site.follow(page.locator("main").get_by_role("link", name=re.compile("Okonkwo-Test")).first)
    expect(page.locator("h1")).to_contain_text("Okonkwo-Test")
    expect(page.locator("main")).to_contain_text("No documents yet.")
    page.get_by_text("Add a document").click()
    site.assert_accessible()  # the record page, the form open

    # A program renamed to look like a PDF: refused, on the field, with what was typed kept.
    page.get_by_label("Upload a file").set_input_files(
        files=[{"name": "report.pdf", "mimeType": "application/pdf", "buffer": ELF}]
    )
    page.get_by_label("Kind of document").select_option("advice_report")
    page.get_by_label("Title").fill("Speech and language report")
    site.follow(page.get_by_role("button", name="Add document"))
    expect(page.locator(".govuk-error-summary")).to_contain_text("report.pdf must be a PDF")
    expect(page.locator("#upload-error")).to_contain_text("it is a program")
    expect(page.get_by_label("Title")).to_have_value("Speech and language report")
    site.assert_accessible()  # the form page with its errors
    assert not Document.objects.exists()

    page.get_by_label("Upload a file").set_input_files(
        files=[{"name": "report.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    site.follow(page.get_by_role("button", name="Add document"))
    expect(page.locator("h1")).to_contain_text("Okonkwo-Test")
    documents = page.locator("main table", has_text="Speech and language report")
    expect(documents).to_contain_text("Advice report")
    expect(documents).to_contain_text("Not checked")
    site.assert_accessible()  # the record with its document listed

    before = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).count()
    with page.expect_download() as download_info:
        documents.get_by_role("link", name=re.compile("Speech and language report")).click()
    download = download_info.value
    assert download.suggested_filename == "Speech and language report.pdf"
    assert "Okonkwo" not in download.url and re.search(r"/documents/[0-9a-f-]{36}/$", download.url)
    with open(download.path(), "rb") as saved:
        assert saved.read() == PDF
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).count() == before + 1
