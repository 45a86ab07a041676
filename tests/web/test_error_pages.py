import re

from django.test import RequestFactory
from django.urls import reverse

from sendplan.learners.models import Learner
from sendplan.web.views import server_error


def _page(response) -> str:
    return re.sub(r'(nonce|value)="[^"]+"', "", response.content.decode())


def test_unknown_address_shows_the_govuk_page_not_found(cast):
    response = cast.client_for(cast.caseworker).get("/no-such-page/")
    assert response.status_code == 404
    assert '<h1 class="govuk-heading-l">Page not found</h1>' in response.content.decode()


def test_someone_elses_learner_looks_exactly_like_a_learner_that_does_not_exist(cast):
    client = cast.client_for(cast.other_health)
    hidden = client.get(reverse("learners:record", args=[cast.learner.pk]))
    missing_pk = Learner.objects.order_by("-pk").first().pk + 100
    missing = client.get(reverse("learners:record", args=[missing_pk]))
    assert hidden.status_code == missing.status_code == 404
    assert _page(hidden) == _page(missing)
    assert cast.learner.family_name not in hidden.content.decode()


def test_forbidden_page_explains_without_details(cast):
    # The health practitioner involved may read the record, not change it.
    response = cast.client_for(cast.health).get(reverse("learners:change", args=[cast.learner.pk]))
    html = response.content.decode()
    assert response.status_code == 403
    assert "You cannot do this" in html
    assert cast.learner.family_name not in html


def test_server_error_page_renders_without_the_request_context(db):
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()


def test_server_error_page_links_to_the_accessibility_statement_and_privacy_notice(db):
    html = server_error(RequestFactory().get("/")).content.decode()
    assert f'href="{reverse("accessibility")}">Accessibility statement</a>' in html
    assert f'href="{reverse("privacy")}">Privacy notice</a>' in html
