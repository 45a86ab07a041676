"""Signing in and out, and the page shown after too many failed sign-ins."""

from __future__ import annotations

import math

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from sendplan.accounts.forms import SignInForm
from sendplan.web.access import public
from sendplan.web.forms import error_summary


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@public
@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and request.method == "GET":
        return redirect(_next_url(request))
    form = SignInForm(request, data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        # login() rotates the session key, so a session fixed before sign-in is useless.
        login(request, form.get_user())
        return redirect(_next_url(request))
    # django-axes replaces this response with locked_out() once the limit is reached.
    return render(
        request,
        "accounts/sign_in.html",
        {
            "form": form,
            "errors": error_summary(form, non_field_anchor="username"),
            "next": request.POST.get("next") or request.GET.get("next") or "",
        },
    )


@public
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    # POST only, with the CSRF check: a link or an image on another site cannot sign you out.
    logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict | None = None,
) -> HttpResponse:
    """Shown after too many failed sign-ins for one username from one address.

    django-axes calls this in place of the sign-in response. It is identical whether
    or not the username belongs to anyone, and it never repeats the username.
    """
    cool_off = get_cool_off(request)
    minutes = math.ceil(cool_off.total_seconds() / 60) if cool_off else 15
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)
