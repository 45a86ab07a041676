"""Delete stored document files that no document names, older than an hour: what is left
when a larger transaction around an upload rolled back. Safe to run twice (cron, daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sendplan.documents.services import documents_orphans_delete


class Command(BaseCommand):
    help = "Delete stored document files that no document names (older than an hour)."

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = documents_orphans_delete()
        self.stdout.write(f"Deleted {deleted} stored files that no document names.")
