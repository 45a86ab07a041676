"""For commissioners: provision named in plans that matches no service in the Local Offer
(ADR 0143).

The rows read are those of sections F, G, H1 and H2 of each maintained plan's latest issued
version, for the learners of the user's council(s). A row matches the Local Offer when who
delivers it is a provider the feed lists:

1. the organisation the row names, when that organisation is a setting the feed lists or
   provides a local service it lists (ADR 0147), or has the same name as one;
2. otherwise the words in "delivered by", when they name a setting, a local service or a
   local service's provider that the feed lists;
3. otherwise, for section F only, the setting named in section I, which makes the special
   educational provision when the row names no one else (as the delivery log reads it,
   ADR 0135) — when the feed lists that setting.

Any other row is counted against its provider's name: the organisation's name, or the
"delivered by" words as written. The figures are counts of rows and plans by provider; no
learner is named or read, so no audit event (ADR 0132's rule for aggregates).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps

from sendplan.accounts.access import standing_for
from sendplan.accounts.models import User
from sendplan.provision.local_offer import Feed, local_offer_feed, normalised

SECTIONS = ("F", "G", "H1", "H2")
#: A setting's name shorter than this is not looked for inside "delivered by" words.
SHORTEST_NAME_FOUND_IN_WORDS = 8

#: The plan and version statuses the report reads (``Plan.Status.MAINTAINED``,
#: ``PlanVersion.Status.ISSUED``).
MAINTAINED, ISSUED = "maintained", "issued"


@dataclass
class Unmatched:
    """One provider the plans name that the Local Offer does not list."""

    provider: str
    named_organisation: bool
    rows: int = 0
    plan_ids: set[int] = field(default_factory=set)
    by_section: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    @property
    def plans(self) -> int:
        return len(self.plan_ids)

    def section_count(self, section: str) -> int:
        return self.by_section.get(section, 0)


@dataclass
class Report:
    unmatched: list[Unmatched]
    rows_read: int
    rows_matched: int
    services_in_offer: int

    @property
    def rows_unmatched(self) -> int:
        return self.rows_read - self.rows_matched


def _names_a_setting(words: str, feed: Feed) -> bool:
    """Whether the words name a setting, a local service or a local service's provider."""
    said = normalised(words)
    if said in feed.setting_names or said in feed.local_service_names:
        return True
    padded = f" {said} "
    return any(
        f" {name} " in padded
        for names in (feed.setting_names, feed.local_service_names)
        for name in names
        if len(name) >= SHORTEST_NAME_FOUND_IN_WORDS
    )


def _matches(row: Any, feed: Feed, placement_setting_id: int | None) -> bool:
    organisation = row.delivered_by_organisation
    if organisation is not None:
        return (
            organisation.pk in feed.organisation_ids
            or normalised(organisation.name) in feed.setting_names
            or normalised(organisation.name) in feed.local_service_names
        )
    if _names_a_setting(row.delivered_by, feed):
        return True
    return row.section == "F" and placement_setting_id in feed.setting_ids


def unmatched_provision(*, fetched_by: User) -> Report:
    """The report for the user's council(s), in a few queries whatever the data's size."""
    # Plans sit in casework, a layer above the register: read through the app registry.
    PlanVersion = apps.get_model("casework", "PlanVersion")  # noqa: N806
    PlanProvision = apps.get_model("casework", "PlanProvision")  # noqa: N806
    feed = local_offer_feed()
    la_ids = sorted(standing_for(fetched_by).la_ids)
    latest: dict[int, tuple[int, int, int | None]] = {}
    versions = (
        PlanVersion.objects.filter(
            plan__learner__responsible_la_id__in=la_ids,
            plan__status=MAINTAINED,
            status=ISSUED,
        )
        .order_by("plan_id", "number")
        .values_list("plan_id", "pk", "number", "placement_setting_id")
    )
    for plan_id, version_id, _number, setting_id in versions:
        latest[plan_id] = (version_id, plan_id, setting_id)
    by_version = {
        version_id: (plan_id, setting) for version_id, plan_id, setting in latest.values()
    }
    rows = PlanProvision.objects.filter(
        version_id__in=list(by_version), section__in=SECTIONS
    ).select_related("delivered_by_organisation")
    found: dict[str, Unmatched] = {}
    read = matched = 0
    for row in rows:
        read += 1
        plan_of_row, setting_of_row = by_version[row.version_id]
        if _matches(row, feed, setting_of_row):
            matched += 1
            continue
        organisation = row.delivered_by_organisation
        provider = organisation.name if organisation else " ".join(row.delivered_by.split())
        entry = found.setdefault(
            normalised(provider), Unmatched(provider, named_organisation=organisation is not None)
        )
        entry.rows += 1
        entry.plan_ids.add(plan_of_row)
        entry.by_section[row.section] += 1
    ordered = sorted(found.values(), key=lambda u: (-u.rows, u.provider.casefold()))
    return Report(ordered, read, matched, len(feed.services))
