"""Whether the record page offers "Who has looked at this record"."""

from __future__ import annotations

from django import template

from sendplan.accounts.access import Standing
from sendplan.learners.audit_queries import investigator_la_ids
from sendplan.learners.models import Learner

register = template.Library()


@register.filter
def may_investigate_learner(standing: Standing | None, learner_pk: int) -> bool:
    """True for an investigator of the learner's LA. Costs a query only for investigators."""
    if standing is None:
        return False
    la_ids = investigator_la_ids(standing)
    if not la_ids:
        return False
    return Learner.objects.filter(pk=learner_pk, responsible_la_id__in=la_ids).exists()
