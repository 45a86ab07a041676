"""Reads of documents, always for a user: the access policy (``learners.access``, through
``learners_visible_to``) decides whose documents they see, as it decides whose records.
Downloading one writes an audit event (an export: the user takes a copy)."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Q, QuerySet

from sendplan.accounts.models import User
from sendplan.core.errors import Http404
from sendplan.documents.models import Document
from sendplan.learners.access import advice_documents_of
from sendplan.learners.models import Learner
from sendplan.learners.selectors import learners_visible_to
from sendplan.learners.services import audit_read


class NotServed(Exception):
    """The document exists and the user may see it, but its file may not be served (waiting
    for the virus scanner, or quarantined)."""

    def __init__(self, document: Document) -> None:
        self.document = document
        super().__init__(document.scan_status)


def documents_for(
    user: User, *, learner: Learner | None = None, case: Any = None
) -> QuerySet[Document]:
    """The documents of learners the user may see, and those attached to advice the user
    answers, newest first; only ``learner``'s, or only
    those linked to ``case``, when given. Listing them writes no event: the page that shows
    the learner (or case) has written one already."""
    documents = Document.objects.filter(
        Q(learner__in=learners_visible_to(fetched_by=user)) | advice_documents_of(user)
    ).select_related("uploaded_by")
    if learner is not None:
        documents = documents.filter(learner=learner)
    if case is not None:
        documents = documents.filter(case=case)
    return documents


def document_for_download(user: User, public_id: uuid.UUID) -> Document:
    """The document if the user may see its learner (else 404, saying nothing about whether
    it exists) and its file may be served (else ``NotServed``); the download is audited."""
    document = documents_for(user).select_related("learner").filter(public_id=public_id).first()
    if document is None:
        raise Http404("No document found")
    if not document.may_be_served:
        raise NotServed(document)
    audit_read(user=user, learner=document.learner, what="document downloaded", export=True)
    return document
