"""Django's ``flush``, which empties every table, first purging the audit trail on purpose:
the database refuses to delete audit events otherwise (ADR 0005). Tests that run in
transactions flush between tests through this command."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError
from django.core.management.commands.flush import Command as FlushCommand
from django.db import connections

from sendplan.learners.models import AuditEvent
from sendplan.learners.services import audit_events_purge


class Command(FlushCommand):
    def handle(self, **options: Any) -> None:
        database = options["database"]
        if options["interactive"]:
            name = connections[database].settings_dict["NAME"]
            answer = input(
                f"This deletes every row in the database {name!r}, the audit trail included, "
                "and cannot be undone. Type 'yes' to continue, or 'no' to cancel: "
            )
            if answer != "yes":
                raise CommandError("Flush cancelled.")
        if AuditEvent._meta.db_table in connections[database].introspection.table_names():
            audit_events_purge(
                events=AuditEvent.objects.using(database).all(), reason="database flushed"
            )
        super().handle(**{**options, "interactive": False})
