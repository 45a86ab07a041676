"""Delete files held for requests never sent (older than two days), then stored document
files that no document or held file names, older than an hour: what is left when a larger
transaction around an upload rolled back. Safe to run twice (cron, daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sendplan.documents.held import held_files_expire
from sendplan.documents.services import documents_orphans_delete


class Command(BaseCommand):
    help = (
        "Delete files held for requests never sent, and stored document files that nothing "
        "names (older than an hour)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        expired = held_files_expire()
        deleted = documents_orphans_delete()
        self.stdout.write(
            f"Deleted {expired} files held for requests never sent, and {deleted} stored "
            "files that nothing names."
        )
