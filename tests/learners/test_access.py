import datetime as dt

import pytest

from sendplan.casework.case import services as case_services
from sendplan.casework.case.models import Stage
from sendplan.casework.plans import services as plan_services
from sendplan.core.errors import Http404
from sendplan.learners.selectors import learner_for_user, learners_visible_to
from tests.casework.conftest import DRAFT, at, make_case


def visible(cast, user):
    return set(learners_visible_to(fetched_by=user).values_list("pk", flat=True))


def test_la_staff_see_every_learner_in_their_la(cast):
    both = {cast.learner.pk, cast.other_learner.pk}
    assert visible(cast, cast.caseworker) == both
    assert visible(cast, cast.la_colleague) == both


def test_senco_sees_only_learners_placed_at_their_setting(cast):
    assert visible(cast, cast.senco) == {cast.learner.pk}
    assert visible(cast, cast.other_senco) == set()


def test_health_practitioner_sees_only_learners_they_are_involved_with(cast):
    assert visible(cast, cast.health) == {cast.learner.pk}
    assert visible(cast, cast.other_health) == set()


def test_parent_sees_only_their_own_child(cast):
    assert visible(cast, cast.parent) == {cast.learner.pk}
    assert visible(cast, cast.other_parent) == {cast.other_learner.pk}


def test_ended_involvement_ends_access(cast):
    cast.learner.involvements.filter(user=cast.health).update(ended_on=dt.date(2025, 1, 1))
    assert visible(cast, cast.health) == set()


def test_only_the_caseworker_may_edit(cast):
    assert learner_for_user(cast.caseworker, cast.learner.pk, purpose="test")[1] is True
    assert learner_for_user(cast.la_colleague, cast.learner.pk, purpose="test")[1] is False
    assert learner_for_user(cast.parent, cast.learner.pk, purpose="test")[1] is False


def test_outsider_gets_404(cast):
    with pytest.raises(Http404):
        learner_for_user(cast.other_health, cast.learner.pk, purpose="test")


def test_setting_consulted_on_a_draft_sees_the_learner_until_the_day_the_case_ends(cast):
    other_setting = cast.other_senco.memberships.get().organisation.setting
    with at(DRAFT):
        case = make_case(cast, Stage.CONSULTING, learner=cast.other_learner)
        assert visible(cast, cast.other_senco) == set()
        plan_services.consultation_send(
            case_id=case.pk, setting_id=other_setting.pk, sent_on=DRAFT, changed_by=cast.caseworker
        )
        assert visible(cast, cast.other_senco) == {cast.other_learner.pk}
    ends = DRAFT + dt.timedelta(days=20)
    with at(ends):
        case_services.case_withdraw(
            case_id=case.pk, withdrawn_on=ends, reason="Moved away", changed_by=cast.caseworker
        )
        assert visible(cast, cast.other_senco) == {cast.other_learner.pk}  # to the end of the day
    with at(ends + dt.timedelta(days=1)):
        assert visible(cast, cast.other_senco) == set()
