"""Shared pieces for the front door's tests: the council set up to take requests, a place
for the files, and a request sent online through the services."""

from __future__ import annotations

import datetime as dt

from sendplan.accounts.models import Role
from sendplan.casework.intake import services
from sendplan.documents.held import held_file_add, new_batch
from tests.documents.files import PDF, upload

#: A Monday; the decision whether to assess is due 6 weeks later, on 17 February 2025.
RECEIVED = dt.date(2025, 1, 6)
DECISION_DUE = dt.date(2025, 2, 17)

NEW_CHILD = services.Child(
    given_name="Amira",
    family_name="Khan-Test",
    date_of_birth=dt.date(2016, 3, 4),
    postcode="SE1 7PB",
    school="Riverside Primary",
)


def send_for_new_child(cast, *, user=None, as_role=Role.PARENT, child=NEW_CHILD, files=0, **more):
    """A request sent online for a child the council does not know, with ``files`` PDFs."""
    user = user or cast.parent
    batch = new_batch()
    for n in range(files):
        held_file_add(user=user, batch=batch, upload=upload(f"report-{n}.pdf", PDF))
    return services.request_submit(
        requester=user,
        as_role=as_role,
        child=child,
        needs=more.pop("needs", "She cannot settle in class and is not talking yet."),
        tried=more.pop("tried", "Help from the nursery's SENCO."),
        evidence_batch=batch,
        **more,
    )
