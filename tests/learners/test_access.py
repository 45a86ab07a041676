import pytest

from sendplan.core.errors import Http404
from sendplan.learners.selectors import learner_for_user, learners_visible_to


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
    import datetime as dt

    cast.learner.involvements.filter(user=cast.health).update(ended_on=dt.date(2025, 1, 1))
    assert visible(cast, cast.health) == set()


def test_only_the_caseworker_may_edit(cast):
    assert learner_for_user(cast.caseworker, cast.learner.pk)[1] is True
    assert learner_for_user(cast.la_colleague, cast.learner.pk)[1] is False
    assert learner_for_user(cast.parent, cast.learner.pk)[1] is False


def test_outsider_gets_404(cast):
    with pytest.raises(Http404):
        learner_for_user(cast.other_health, cast.learner.pk)


def test_setting_consulted_on_a_draft_sees_the_learner_until_the_case_closes(cast):
    import datetime as dt

    from sendplan.casework.case.models import Case, Stage
    from sendplan.casework.plans.models import Consultation

    other_setting = cast.other_senco.memberships.get().organisation.setting
    assert visible(cast, cast.other_senco) == set()
    case = Case.objects.create(
        learner=cast.other_learner, received_on=dt.date(2026, 1, 5), source="parent",
        caseworker=cast.caseworker, stage=Stage.CONSULTING,
    )  # fmt: skip
    Consultation.objects.create(
        case=case, setting=other_setting, sent_on=dt.date(2026, 3, 2),
        response_due_on=dt.date(2026, 3, 17),
    )  # fmt: skip
    assert visible(cast, cast.other_senco) == {cast.other_learner.pk}
    Case.objects.filter(pk=case.pk).update(
        stage=Stage.CLOSED, closed_on=dt.date(2026, 4, 1), closed_reason="Withdrawn by the family"
    )
    assert visible(cast, cast.other_senco) == set()
