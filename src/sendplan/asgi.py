"""The ASGI entry point."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sendplan.settings")
application = get_asgi_application()

from sendplan.web.gc_freeze import freeze_long_lived_objects  # noqa: E402 - needs Django set up

freeze_long_lived_objects()
