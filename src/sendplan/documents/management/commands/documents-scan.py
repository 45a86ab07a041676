"""Scan every document still waiting for the virus scanner, in the foreground: for when the
queue's tries ran out while clamd was down. Safe to run twice (cron, or by hand)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sendplan.documents import scanner
from sendplan.documents.services import documents_scan_waiting


class Command(BaseCommand):
    help = "Scan the documents waiting for the virus scanner (clamd)."

    def handle(self, *args: Any, **options: Any) -> None:
        address = scanner.configured()
        if address is None:
            raise CommandError(
                "No virus scanner is configured: set SENDPLAN_CLAMD_SOCKET or SENDPLAN_CLAMD_HOST"
            )
        try:
            counts = documents_scan_waiting()
        except scanner.ScannerError as error:
            raise CommandError(f"clamd gave no verdict: {error}") from None
        if not counts:
            self.stdout.write("No documents were waiting.")
        for status, n in sorted(counts.items()):
            self.stdout.write(f"{status}: {n}")
