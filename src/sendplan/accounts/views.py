"""Signing in and out, the second factor's pages, set-up links, and the page after too many
failures."""

from __future__ import annotations

import logging
import math

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_otp import login as otp_login
from django_otp.models import Device

from sendplan.accounts import enrolment, idle, second_factor, services
from sendplan.accounts.enrolment import LinkState
from sendplan.accounts.forms import CodeForm, PasswordChangeForm, RecoveryCodeForm, SignInForm
from sendplan.accounts.guards import (
    before_second_factor,
    public,
    requires_access,
    signed_in,
    signed_in_user,
)
from sendplan.web.forms import error_summary

# Outcomes of the second factor, by user id only: no names, usernames, tokens or codes.
logger = logging.getLogger("sendplan.accounts")

#: Why a set-up link did not work: the page's heading, then what to do about it.
OTHER_ACCOUNT = "other-account"
LINK_PROBLEMS: dict[str, tuple[str, str]] = {
    LinkState.USED.value: (
        "This set-up link has already been used",
        "Each set-up link works once. If you did not use it yourself, tell your "
        "administrator straight away.",
    ),
    LinkState.EXPIRED.value: (
        "This set-up link has expired",
        "Set-up links work for {hours} hours after they are sent.",
    ),
    LinkState.UNKNOWN.value: (
        "This set-up link is not valid",
        "Check that you copied the whole link. If you have been sent a newer link, use that "
        "one: it replaces any earlier link.",
    ),
    OTHER_ACCOUNT: (
        "This set-up link is for a different account",
        "Sign out, then open the link again and sign in as the person it was sent to.",
    ),
}


def _next_url(request: HttpRequest) -> str:
    """Where to go after signing in: a path in this service, or the home page.

    Anything else (another site, a bare word, control characters) is ignored rather than
    refused, so a damaged link still signs the user in.
    """
    target = request.POST.get("next") or request.GET.get("next") or ""
    is_path = target.startswith("/") and not target.startswith(("//", "/\\"))
    if (
        is_path
        and target.isprintable()
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
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
        idle.start_session(request)
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
            "setting_up": enrolment.session_has_link(request),
            "idle_minutes": (
                idle.idle_minutes()
                if request.GET.get(idle.SIGNED_OUT_PARAMETER) == idle.INACTIVE
                else None
            ),
        },
    )


@public
@never_cache
@require_safe
def set_up_link(request: HttpRequest, token: str) -> HttpResponse:
    """A set-up link from an administrator: remember it in the session, then sign in.

    The token stays out of every later address. A link that does not work is explained
    here with status 200, never 4xx: Django logs the path of every 4xx response, and this
    path holds the token.
    """
    link = enrolment.link_for_token(token)
    state = enrolment.state_of(link)
    if link is None or state is not LinkState.USABLE:
        logger.info("set-up link refused reason=%s", state.value)
        return _link_problem(request, state.value, "accounts/set_up_link_refused.html")
    if request.user.is_authenticated and request.user.pk != link.user_id:
        logger.info("set-up link refused reason=%s", OTHER_ACCOUNT)
        return _link_problem(request, OTHER_ACCOUNT, "accounts/set_up_link_refused.html")
    request.session[enrolment.SESSION_KEY] = link.token_digest
    if not request.user.is_authenticated:
        # Straight to sign-in with no next: after the password, the set-up page follows.
        return redirect(settings.LOGIN_URL)
    return redirect(second_factor.SET_UP_PAGE)


def _link_problem(request: HttpRequest, reason: str, template: str) -> HttpResponse:
    heading, advice = LINK_PROBLEMS[reason]
    return render(
        request,
        template,
        {
            "heading": heading,
            "advice": advice.format(hours=enrolment.lifetime_hours()),
            "reason": reason,
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
            _verified(request, form.device)
            return redirect(next_url)
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
def second_factor_recovery(request: HttpRequest) -> HttpResponse:
    """Enter one of your recovery codes, in place of a code from the app."""
    next_url = _next_url(request)
    if not second_factor.is_pending(request):
        return redirect(next_url)
    user = request.user
    if second_factor.confirmed_device(user) is None:  # type: ignore[arg-type]
        return second_factor.redirect_to_second_factor(request, next_url)
    device = second_factor.recovery_device(user)  # type: ignore[arg-type]
    form = RecoveryCodeForm(request.POST if request.method == "POST" else None, device=device)
    if request.method == "POST":
        if form.is_valid():
            _verified(request, form.device)
            logger.info("recovery code used user=%s", user.pk)
            left = second_factor.recovery_codes_left(user)  # type: ignore[arg-type]
            return render(
                request, "accounts/recovery_code_used.html", {"left": left, "next": next_url}
            )
        logger.warning("recovery code refused user=%s", user.pk)
    return render(
        request,
        "accounts/second_factor_recovery.html",
        {"form": form, "errors": error_summary(form), "next": next_url},
    )


@before_second_factor
@never_cache
@require_safe
def second_factor_needs_link(request: HttpRequest) -> HttpResponse:
    """No app yet and no set-up link: say how to get one. There is no form here."""
    next_url = _next_url(request)
    if not second_factor.is_pending(request):
        return redirect(next_url)
    user = request.user
    if (
        second_factor.confirmed_device(user) is not None  # type: ignore[arg-type]
        or enrolment.usable_link_for(request, user) is not None  # type: ignore[arg-type]
    ):
        return second_factor.redirect_to_second_factor(request, next_url)
    if enrolment.session_has_link(request):
        # A link opened in this session that is someone else's or has stopped working.
        link = enrolment.session_link(request)
        reason = (
            OTHER_ACCOUNT
            if link is not None and link.user_id != user.pk
            else enrolment.state_of(link).value
        )
        return _link_problem(request, reason, "accounts/second_factor_needs_link.html")
    return render(
        request,
        "accounts/second_factor_needs_link.html",
        {"hours": enrolment.lifetime_hours()},
    )


@before_second_factor
@sensitive_post_parameters("code")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def second_factor_set_up(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: a QR code and the key as text, then a first code to
    confirm it, then the recovery codes, shown once. Needs a set-up link opened in this
    session for this user, as well as the password."""
    next_url = _next_url(request)
    if not second_factor.is_pending(request):
        return redirect(next_url)
    user = request.user
    if second_factor.confirmed_device(user) is not None:  # type: ignore[arg-type]
        return second_factor.redirect_to_second_factor(request, next_url)
    link = enrolment.usable_link_for(request, user)  # type: ignore[arg-type]
    if link is None:
        return second_factor.redirect_to_second_factor(request, next_url)
    device = second_factor.unconfirmed_device(user)  # type: ignore[arg-type]
    form = CodeForm(request.POST if request.method == "POST" else None, device=device)
    if request.method == "POST":
        if form.is_valid():
            try:
                codes = services.second_factor_enrol(
                    user=user,  # type: ignore[arg-type]
                    device=form.device,
                    link=link,
                )
            except services.EnrolmentRefused:
                # Used or expired since the page was shown: the next page says which.
                return second_factor.redirect_to_second_factor(request, next_url)
            del request.session[enrolment.SESSION_KEY]
            _verified(request, form.device)
            # Shown in this response only: the codes are never put in the session.
            return render(
                request,
                "accounts/recovery_codes.html",
                {"codes": [second_factor.grouped(code) for code in codes], "next": next_url},
            )
        logger.warning("second factor set-up code refused user=%s", user.pk)
    uri = second_factor.otpauth_uri(device)
    return render(
        request,
        "accounts/second_factor_set_up.html",
        {
            "form": form,
            "errors": error_summary(form),
            "next": next_url,
            "secret": second_factor.grouped(second_factor.secret_key(device)),
            "otpauth_uri": uri,
            "qr_code": second_factor.qr_code_svg(uri),
            "qr_code_label": second_factor.QR_CODE_LABEL,
        },
    )


def _verified(request: HttpRequest, device: Device) -> None:
    otp_login(request, device)
    # A new session key for the stronger session, as at sign-in.
    request.session.cycle_key()
    logger.info("second factor verified user=%s", request.user.pk)


@public
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    # POST only, with the CSRF check: a link or an image on another site cannot sign you out.
    logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


#: What the home page says after a password is changed.
PASSWORD_CHANGED = "You have changed your password"


@requires_access(signed_in)
@sensitive_post_parameters("current_password", "new_password", "confirm_password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def change_password(request: HttpRequest) -> HttpResponse:
    """Change your password: the current one, then the new one twice."""
    form = PasswordChangeForm(request.POST if request.method == "POST" else None, request=request)
    if request.method == "POST" and form.is_valid():
        user = signed_in_user(request)
        services.password_change(user=user, new_password=form.cleaned_data["new_password"])
        # This session stays signed in (with its second factor), under a new key; the
        # user's other sessions end.
        update_session_auth_hash(request, user)
        messages.success(request, PASSWORD_CHANGED)
        return redirect("home")
    return render(
        request,
        "accounts/change_password.html",
        {"form": form, "errors": error_summary(form)},
    )


@requires_access(signed_in)
@never_cache
@require_POST
def keep_alive(request: HttpRequest) -> HttpResponse:
    """The warning's "Stay signed in". The idle-timeout middleware has already noted this
    request as activity; the session's absolute limit is unchanged."""
    return HttpResponse(status=204)


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict | None = None,
) -> HttpResponse:
    """Shown after too many failed sign-ins for one username from one address, or for many
    usernames from one address (``sendplan.accounts.throttle``).

    django-axes calls this in place of the sign-in response. It is identical whether
    or not the username belongs to anyone, and it never repeats the username.
    """
    cool_off = get_cool_off(request)
    minutes = math.ceil(cool_off.total_seconds() / 60) if cool_off else 15
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)
