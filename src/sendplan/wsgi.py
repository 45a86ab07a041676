"""The WSGI entry point (``WSGI_APPLICATION``; also what ``runserver`` serves)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sendplan.settings")
application = get_wsgi_application()

from sendplan.web.gc_freeze import freeze_long_lived_objects  # noqa: E402 - needs Django set up

freeze_long_lived_objects()
