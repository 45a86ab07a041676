"""schemathesis over the whole OpenAPI document, once for each member of the cast who may
hold a token: no call is a server error and every answer is one the document describes
(status, content type, headers, body). Deterministic (derandomized, no example database)
and bounded (a few examples an operation), so it runs in the normal suite (ADR 0144)."""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import ignored_auth

from sendplan.api.services import api_token_create
from tests.api.helpers import API
from tests.delivery.conftest import issue_plan

pytestmark = pytest.mark.django_db

#: Every kind of user the cast has: the council's caseworker and manager, a SENCO, a health
#: practitioner and a parent (tokens act as any user; a parent's sees little).
ROLES = ["caseworker", "la_colleague", "senco", "health", "parent"]

#: Examples an operation, each phase: enough to walk every parameter's edges, few enough
#: for the normal suite.
EXAMPLES = 5


@pytest.fixture(autouse=True)
def _one_connection_for_the_test():
    """Calls go to the WSGI handler itself, which closes the database connection after each
    request (on PostgreSQL, the test's own transaction with it). Django's test client stops
    that for the test; so does this."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(params=ROLES)
def bearer(request, cast) -> str:
    """The cast's learner with an issued plan whose rows the SENCO's school and the health
    trust deliver (small ids, which the examples try first), and a token for one member of
    the cast."""
    issue_plan(cast)
    issued = api_token_create(user=getattr(cast, request.param), name="schemathesis")
    return issued.secret


#: The document as the service serves it (public: it reads no data). Loaded when the module
#: is collected: schemathesis's lazy loader does not work with pytest 9.
schema = schemathesis.openapi.from_wsgi(
    f"{API}/openapi.json",
    get_wsgi_application(),
    config=SchemathesisConfig.from_dict(
        {
            "seed": 20261205,
            "operations": [
                {
                    # Recording a week has rules the document cannot state (a week not in
                    # the future, a reason for minutes missed, none when nothing was due):
                    # a 422 naming the field is a right answer to a request the schema allows.
                    "include-name": f"PUT {API}/delivery/commitments/{{commitment_id}}/weeks/{{week}}",
                    "checks": {
                        "positive_data_acceptance": {
                            "expected-statuses": ["2xx", "401", "403", "404", "409", "422"]
                        }
                    },
                }
            ],
        }
    ),
)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_answer_is_one_the_document_describes(case, bearer):
    case.call_and_validate(headers={"Authorization": f"Bearer {bearer}"})


#: The stateful phase (ADR 0144): chains of calls, each taking an id from an earlier answer
#: (links schemathesis infers from the document: a list's ids into a record's path, a
#: record's into its parts). Scenarios and steps a scenario, per role.
SCENARIOS = 8
STEPS = 6


def test_chains_of_calls_that_use_real_ids_get_answers_the_document_describes(bearer):
    """Each step's answer is checked as above; a call whose path needs an id gets one an
    earlier answer gave, so the walk reaches records, not only 404s."""
    found: list[str] = []

    class Workflow(schema.as_state_machine()):
        def get_call_kwargs(self, case):
            return {"headers": {"Authorization": f"Bearer {bearer}"}}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            # Not "an invalid credential is refused": here the token goes beside what the
            # machine generates (a session cookie, say), so that check would send the token
            # again and call the 200 a failure. The run above and tests/api/
            # test_authentication.py check refusals.
            case.validate_response(
                response,
                additional_checks=additional_checks,
                excluded_checks=[ignored_auth],
                transport_kwargs=kwargs or None,
                recorder=getattr(self, "recorder", None),
            )

        def after_call(self, response, case):
            super().after_call(response, case)
            if "{" in case.operation.path and response.status_code == 200:
                found.append(case.operation.label)

    Workflow.run(
        settings=settings(
            max_examples=SCENARIOS,
            stateful_step_count=STEPS,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
    )
    assert found, "no chained call reached a record"
