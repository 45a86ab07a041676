"""``{% pathway_actions %}``: the pathway's actions in the caseworker's work tray, so the tray
(in casework, below this app) shows them without importing it."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from sendplan.pathway.selectors import pathway_actions as actions_for

register = template.Library()


@register.inclusion_tag("pathway/_tray_panel.html", takes_context=True)
def pathway_actions(context: dict[str, Any]) -> dict[str, Any]:
    request = context["request"]
    return {"actions": actions_for(fetched_by=request.user, today=timezone.localdate())}
