"""How a view says who may reach it, and the register the URL-walk test reads.

Every view is either

* decorated with :func:`requires_access`, naming a rule on the user's standing: an
  anonymous visitor is sent to sign in, a signed-in user whose standing fails the rule
  gets 403. Rules are coarse (which kinds of user may use the page at all); which
  learners or settings they see is still decided by the selectors and the per-object
  access helpers (``learner_for_user``: not yours 404, read-only 403); or
* decorated with :func:`public` AND named in :data:`PUBLIC_VIEWS`: both are needed, so
  a new public page is a deliberate, reviewed change to this file; or
* decorated with :func:`before_second_factor` AND named in :data:`SECOND_FACTOR_VIEWS`:
  the pages where a user who has given the password enters a code or a recovery code,
  sets up an app, or learns they need a set-up link for one.

``requires_access`` also holds back a user who owes a second factor
(``sendplan.accounts.second_factor``): every guarded page sends them to enter a code
first, so there is one mechanism and the URL walk covers it.

``tests/web/test_url_access.py`` walks the URL resolver and fails on any view that is
neither. :data:`REGISTRY` doubles as the role-by-endpoint matrix (ASVS 8.1.1).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from sendplan.accounts import second_factor
from sendplan.accounts.access import Standing, standing_for
from sendplan.accounts.models import Role

if TYPE_CHECKING:
    from sendplan.accounts.models import User

View = Callable[..., HttpResponse]
Rule = Callable[[Standing], bool]

#: The attribute a decorated view carries: the name of its rule, or ``PUBLIC``.
ACCESS_ATTRIBUTE = "sendplan_access"
PUBLIC = "public"

#: URL names anyone may reach without signing in. Sign-out is here because an expired
#: session must still be able to press "Sign out" without a detour through sign-in. A
#: set-up link is opened before signing in; it shows nothing but whether it works. The
#: accessibility statement and privacy notice are for anyone, signed in or not.
PUBLIC_VIEWS: frozenset[str] = frozenset(
    {
        "accounts:sign-in",
        "accounts:sign-out",
        "accounts:set-up-link",
        "accessibility",
        "privacy",
        # The Local Offer's Open Referral UK feed: open data, no personal data (ADR 0143).
        *(
            f"oruk:{name}"
            for name in (
                "index",
                "services",
                "service",
                "organizations",
                "organization",
                "service-at-locations",
                "service-at-location",
                "taxonomies",
                "taxonomy",
                "taxonomy-terms",
                "taxonomy-term",
            )
        ),
    }
)
#: URL names a signed-in user reaches before the second factor: entering the code or a
#: recovery code, setting up an authenticator app, and the page saying a set-up link is
#: needed for that. Like PUBLIC_VIEWS, a deliberate list.
SECOND_FACTOR_VIEWS: frozenset[str] = frozenset(
    {
        second_factor.CODE_PAGE,
        second_factor.RECOVERY_PAGE,
        second_factor.SET_UP_PAGE,
        second_factor.NEEDS_LINK_PAGE,
    }
)
BEFORE_SECOND_FACTOR = "before_second_factor"
#: URL namespaces that guard themselves: the admin (staff and a second factor, via
#: django-otp's OTPAdminSite), and the API, whose every operation authenticates the caller
#: itself (a bearer token or the signed-in session; ``tests/api/test_api_walks.py`` walks it).
SELF_GUARDED_NAMESPACES: frozenset[str] = frozenset({"admin", "api"})

#: ``module.qualname`` of each view -> the rule that guards it.
REGISTRY: dict[str, str] = {}


# Rules. Each takes the user's standing and says whether the page is for them at all.


def signed_in_user(request: HttpRequest) -> User:
    """The user of a request that :func:`requires_access` let through: always signed in."""
    return cast("User", request.user)


def signed_in(standing: Standing) -> bool:
    """Anyone signed in, with or without a current role (the home page explains)."""
    return True


def has_a_role(standing: Standing) -> bool:
    """Anyone with a current membership; what they see is scoped by the selectors."""
    return bool(standing.roles)


def professional(standing: Standing) -> bool:
    """Staff of the LA, settings, health, social care and EP services; not families."""
    return standing.can_see_register


def advice_triage(standing: Standing) -> bool:
    """Those who assign an organisation's requests for advice (the triage role)."""
    return Role.ADVICE_TRIAGE in standing.roles


def setting_staff(standing: Standing) -> bool:
    """SENCOs and SEND leads of a school, college or early years setting."""
    return Role.SETTING_STAFF in standing.roles


def la_staff(standing: Standing) -> bool:
    """Local authority caseworkers, managers and administrators."""
    return standing.is_la_staff


def _register(view: View, name: str) -> None:
    setattr(view, ACCESS_ATTRIBUTE, name)
    REGISTRY[f"{view.__module__}.{view.__qualname__}"] = name


def requires_access(rule: Rule) -> Callable[[View], View]:
    """Guard a view with a rule on the user's standing (anonymous: sign in; fails: 403)."""

    def decorator(view: View) -> View:
        @functools.wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            # Before the rule: a password-only session learns nothing, not even a 403.
            if second_factor.is_pending(request):
                return second_factor.redirect_to_second_factor(request, request.get_full_path())
            if not rule(standing_for(request.user)):  # type: ignore[arg-type]
                raise PermissionDenied
            return view(request, *args, **kwargs)

        _register(guarded, rule.__name__)
        return guarded

    return decorator


def before_second_factor(view: View) -> View:
    """Signed in with the password, second factor or not. Its URL name must be in
    SECOND_FACTOR_VIEWS."""

    @functools.wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    _register(guarded, BEFORE_SECOND_FACTOR)
    return guarded


def public(view: View) -> View:
    """Mark a view as reachable without signing in. Its URL name must be in PUBLIC_VIEWS."""
    _register(view, PUBLIC)
    return view


def access_of(view: object) -> str | None:
    """The rule name a view declares, or None when it declares nothing.

    Django's ``login_required`` (and ``user_passes_test``) count as ``signed_in``: they
    mark the views they wrap with ``login_url``. Such views must still scope what they
    show through selectors; ``requires_access`` says more and is preferred.
    """
    declared = getattr(view, ACCESS_ATTRIBUTE, None)
    if declared is None and hasattr(view, "login_url"):
        return signed_in.__name__
    return declared
