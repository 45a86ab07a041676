"""``sendplan data-register [--format csv|markdown]``: print the register of personal data.

For the DPIA and the Art 30 record of processing: every field that holds personal data, its
category, purpose, Art 6 basis, Art 9 condition, whether an Appropriate Policy Document is
needed, and its retention series (``sendplan.core.data_register``; ADR 0113). Reads no
database. ``docs/data-register.md`` is this command's markdown, kept current by a test.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sendplan.core.data_register import as_csv, as_markdown


class Command(BaseCommand):
    help = (
        "Print the register of personal data (model, field, category, purpose, Art 6 basis, "
        "Art 9 condition, Appropriate Policy Document, retention) as CSV or markdown."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["csv", "markdown"], default="csv")

    def handle(self, *args: Any, **options: Any) -> None:
        text = as_markdown() if options["format"] == "markdown" else as_csv()
        self.stdout.write(text, ending="" if text.endswith("\n") else "\n")
