"""Adding a document to a learner's record, and downloading one. Thin: the service checks
and stores, the selectors decide who sees what and audit each download."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from sendplan.accounts.guards import has_a_role, requires_access, signed_in_user
from sendplan.core.errors import PermissionDenied
from sendplan.documents.checks import download_name
from sendplan.documents.forms import DocumentForm
from sendplan.documents.selectors import NotServed, document_for_download
from sendplan.documents.services import document_add, documents_storage
from sendplan.learners.forms import add_service_errors
from sendplan.learners.selectors import learner_for_user
from sendplan.web.forms import error_summary


@requires_access(has_a_role)
@require_http_methods(["GET", "POST"])
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the form on a page of its own. POST (from there, the record page or a case page):
    add the document and go back; with errors, this page shows them."""
    user = signed_in_user(request)
    learner, can_edit = learner_for_user(user, pk, purpose="add a document")
    if not can_edit:
        raise PermissionDenied
    if request.method == "GET":
        form = DocumentForm(initial={"case": request.GET.get("case") or None})
        return render(request, "documents/upload.html", {"learner": learner, "form": form})

    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        case = None
        case_id = form.cleaned_data["case"]
        if case_id is not None:
            case = learner.cases.filter(pk=case_id).first()
            if case is None:
                form.add_error(None, "The case this document was for is not this learner's")
        if not form.errors:
            try:
                document = document_add(
                    user=user,
                    learner=learner,
                    upload=form.cleaned_data["upload"],
                    kind=form.cleaned_data["kind"],
                    title=form.cleaned_data["title"],
                    case=case,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"{document.title} added")
                if case is not None:
                    return redirect(reverse("casework:case", args=[case.pk]) + "#documents")
                return redirect(reverse("learners:record", args=[learner.pk]) + "#documents")
    return render(
        request,
        "documents/upload.html",
        {"learner": learner, "form": form, "errors": error_summary(form)},
        status=400,
    )


@requires_access(has_a_role)
@require_GET
def document_download(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = signed_in_user(request)
    try:
        document = document_for_download(user, public_id)
    except NotServed as refused:
        return render(
            request, "documents/not_served.html", {"document": refused.document}, status=409
        )
    # A FileResponse streams the file; the guards' type says HttpResponse, its base's sibling.
    response: HttpResponse = FileResponse(  # type: ignore[assignment]
        documents_storage().open(document.storage_name, "rb"),
        as_attachment=True,
        filename=download_name(title=document.title, allowed_type=document.content_type),
        content_type=document.content_type,
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    # Opened by mistake in the browser rather than saved, it still runs nothing.
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
