"""Parts of a page that an app higher in the layers adds to a page lower down (ADR 0135).

The work tray, the casework dashboard and the plan page are casework's; what was delivered
of the plan's provision is the delivery app's, which sits above casework and may not be
imported by it. So casework's views ask here for the panels registered for the page, and
each app registers its own when it is ready, as apps register their kinds of run with the
queue (``core.tasks``). A panel is a template and its context; a source returns None when
it has nothing to show to this user.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Panel", "panels_for", "register_panel"]


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict[str, Any] = field(default_factory=dict)


PanelSource = Callable[..., Panel | None]

_SOURCES: dict[str, list[PanelSource]] = {}


def register_panel(page: str, source: PanelSource) -> None:
    """Add ``source`` to the page's panels (once, whatever how often ``ready`` runs)."""
    sources = _SOURCES.setdefault(page, [])
    if source not in sources:
        sources.append(source)


def panels_for(page: str, **context: Any) -> list[Panel]:
    """The panels every registered source has for this page; the page passes what its
    sources need (the user, the day, the plan) as keywords."""
    panels = [source(**context) for source in _SOURCES.get(page, [])]
    return [panel for panel in panels if panel is not None]
