"""Documents in the subject access export: their rows, and each file itself."""

from __future__ import annotations

import json
import zipfile

import pytest

from sendplan.documents.models import Document
from sendplan.documents.services import document_add
from sendplan.privacy.subject_access import sar_export
from tests.documents import files

pytestmark = pytest.mark.django_db


def test_the_export_holds_each_document_and_its_file(cast, tmp_path):
    pdf = document_add(
        user=cast.caseworker,
        learner=cast.learner,
        upload=files.upload("a.pdf", files.PDF),
        kind="evidence",
        title="Speech report",
    )
    png = document_add(
        user=cast.caseworker,
        learner=cast.learner,
        upload=files.upload("b.png", files.PNG, "image/png"),
        kind="other",
        title="Photo of work",
    )
    quarantined = document_add(
        user=cast.caseworker,
        learner=cast.learner,
        upload=files.upload("c.pdf", files.PDF),
        kind="letter",
        title="Letter",
    )
    Document.objects.filter(pk=quarantined.pk).update(scan_status=Document.Scan.INFECTED)
    out = tmp_path / "bundle.zip"
    exported = sar_export(learner_id=cast.learner.pk, out=out, requested_by=cast.la_colleague)
    with zipfile.ZipFile(out) as zf:
        names = set(zf.namelist())
        assert zf.read(f"documents/{pdf.pk} Speech report.pdf") == files.PDF
        assert zf.read(f"documents/{png.pk} Photo of work.png") == files.PNG
        rows = json.loads(zf.read("documents.Document.json"))
        readme = zf.read("README.txt").decode()
    assert not any(name.startswith(f"documents/{quarantined.pk} ") for name in names)
    assert {row["title"] for row in rows} == {"Speech report", "Photo of work", "Letter"}
    assert "Documents: 2 files in the documents folder" in readme
    assert f"Document {quarantined.pk} is not included: the virus scanner" in readme
    assert exported.files == len([n for n in names if not n.endswith("/")])
