"""``sendplan delivery-sync``: bring every plan's commitments into line with its version in
force (ADR 0135). Issuing a plan does it at once; this catches plans ceased since, and plans
issued before the delivery log existed. Safe to run twice: a second run changes nothing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sendplan.delivery.services import commitments_sync_all


class Command(BaseCommand):
    help = __doc__.splitlines()[0].split(": ", 1)[1]

    def handle(self, *args: Any, **options: Any) -> None:
        result = commitments_sync_all()
        self.stdout.write(
            f"Commitments started {result.started}, carried into an amended plan "
            f"{result.carried}, ended {result.ended}."
        )
