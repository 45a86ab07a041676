"""The service navigation: which sections a user's roles lead to, and which one is open.

Links only guide; every view checks access again.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from sendplan.accounts.access import Standing
from sendplan.accounts.models import Role

_PRACTITIONERS = {Role.HEALTH, Role.SOCIAL_WORKER, Role.EP}


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    active: bool


def navigation_for(standing: Standing, path: str) -> list[NavItem]:
    """The links for this user, the one whose section holds ``path`` marked active."""
    roles = standing.roles
    links: list[tuple[str, str]] = [("Home", "home")]
    if standing.is_family:
        # The family's own pages, never the staff search of learners.
        links.append(
            ("Your children" if Role.PARENT in roles else "Your plan", "casework:family-home")
        )
    else:
        links.append(("Learners", "learners:list"))
    if Role.LA_CASEWORKER in roles:
        links += [
            ("Work tray", "casework:tray"),
            ("My cases", "casework:caseload"),
            ("Reviews", "casework:reviews"),
        ]
    if Role.SETTING_STAFF in roles:
        links.append(("Annual reviews", "casework:setting-reviews"))
        links.append(("Consultations", "casework:consultations"))
    if roles & (_PRACTITIONERS | {Role.SETTING_STAFF}):
        links.append(("Requests for your advice", "casework:advice-list"))
        links.append(("Provision you deliver", "delivery:mine"))
    if standing.can_see_register:
        links.append(("Register of places", "provision:register"))
    if standing.is_la_staff:
        links.append(("Placement planning", "planning:index"))
        links.append(("Sufficiency", "sufficiency:overview"))
    if Role.LA_MANAGER in roles or Role.ADMIN in roles:
        links.append(("Casework dashboard", "casework:dashboard"))
        links.append(("16 to 25", "pathway:partnership"))
    urls = [(label, reverse(name)) for label, name in links]
    # The longest matching prefix wins, so /cases/dashboard/ is not also "Work tray" (/cases/).
    matches = [url for _, url in urls if url != "/" and path.startswith(url)]
    current = max(matches, key=len) if matches else ("/" if path == "/" else None)
    return [NavItem(label, url, url == current) for label, url in urls]
