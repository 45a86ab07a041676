"""The error pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader

# Error pages. They name no record and repeat nothing from the request, so a 404 for
# someone else's learner looks exactly like a 404 for a learner that does not exist.


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    # No request context: whatever broke may be in the context processors or the database.
    return HttpResponse(loader.get_template("500.html").render(), status=500)
