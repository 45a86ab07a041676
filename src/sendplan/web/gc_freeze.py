"""Keep long-lived objects out of Python's full garbage collections (ADR 0112).

A Django process holds hundreds of thousands of objects that live as long as it does:
modules, settings, URL patterns, compiled templates, model metadata. Each full (oldest
generation) collection scans them all again, which at the work tray's size stalled one
request in twenty by about 100 ms. :func:`gc.freeze` moves every object alive at that moment
into a permanent generation that collections skip. It is called once when the server has
loaded the application and once more after the first request has compiled what pages need;
each time after a full collection, so that no garbage is frozen with them.
"""

from __future__ import annotations

import gc
from typing import Any

from django.core.signals import request_finished

_UID = "sendplan.web.gc_freeze.after_first_request"


def freeze_now() -> None:
    gc.collect()
    gc.freeze()


def _after_first_request(**_: Any) -> None:
    request_finished.disconnect(dispatch_uid=_UID)
    freeze_now()


def freeze_long_lived_objects() -> None:
    """Freeze now, and again after the first request (what a server's entry point calls)."""
    freeze_now()
    request_finished.connect(_after_first_request, dispatch_uid=_UID, weak=False)
