"""Signing in and out, the second factor's two pages, and the page after too many failures."""

from __future__ import annotations

import logging
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
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from sendplan.accounts import second_factor
from sendplan.accounts.forms import CodeForm, SignInForm
from sendplan.web.access import before_second_factor, public
from sendplan.web.forms import error_summary

# Outcomes of the second factor, by user id only: no names or usernames in log lines.
logger = logging.getLogger("sendplan.accounts")


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
        if second_factor.is_pending(request):
            return second_factor.redirect_to_second_factor(request, _next_url(request))
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


@before_second_factor
@sensitive_post_parameters("code")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def second_factor_code(request: HttpRequest) -> HttpResponse:
    """Enter the 6-digit code from your authenticator app."""
    next_url = _next_url(request)
    if not second_factor.is_pending(request):
        return redirect(next_url)
    device = second_factor.confirmed_device(request.user)  # type: ignore[arg-type]
    if device is None:
        return second_factor.redirect_to_second_factor(request, next_url)
    form = CodeForm(request.POST if request.method == "POST" else None, device=device)
    if request.method == "POST":
        if form.is_valid():
            return _verified(request, form.device, next_url)
        logger.warning("second factor refused user=%s", request.user.pk)
    return render(
        request,
        "accounts/second_factor.html",
        {"form": form, "errors": error_summary(form), "next": next_url},
    )


@before_second_factor
@sensitive_post_parameters("code")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def second_factor_set_up(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: the key as text, then a first code to confirm it."""
    next_url = _next_url(request)
    if not second_factor.is_pending(request):
        return redirect(next_url)
    if second_factor.confirmed_device(request.user) is not None:  # type: ignore[arg-type]
        return second_factor.redirect_to_second_factor(request, next_url)
    device = second_factor.unconfirmed_device(request.user)  # type: ignore[arg-type]
    form = CodeForm(request.POST if request.method == "POST" else None, device=device)
    if request.method == "POST":
        if form.is_valid():
            form.device.confirmed = True
            form.device.save(update_fields=["confirmed"])
            logger.info("second factor set up user=%s", request.user.pk)
            return _verified(request, form.device, next_url)
        logger.warning("second factor set-up code refused user=%s", request.user.pk)
    return render(
        request,
        "accounts/second_factor_set_up.html",
        {
            "form": form,
            "errors": error_summary(form),
            "next": next_url,
            "secret": second_factor.grouped(second_factor.secret_key(device)),
            "otpauth_uri": second_factor.otpauth_uri(device),
        },
    )


def _verified(request: HttpRequest, device: TOTPDevice, next_url: str) -> HttpResponse:
    otp_login(request, device)
    # A new session key for the stronger session, as at sign-in.
    request.session.cycle_key()
    logger.info("second factor verified user=%s", request.user.pk)
    return redirect(next_url)


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
