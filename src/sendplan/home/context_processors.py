from django.conf import settings
from django.http import HttpRequest

from sendplan.accounts.access import standing_for
from sendplan.home.navigation import navigation_for


def service(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    standing = standing_for(user) if user is not None and user.is_authenticated else None
    return {
        "service_name": settings.SERVICE_NAME,
        "partnership_name": settings.PARTNERSHIP_NAME,
        "demo": settings.SENDPLAN_DEMO,
        "sendiass": settings.SENDIASS,
        "standing": standing,
        "navigation": navigation_for(standing, request.path) if standing is not None else [],
    }
