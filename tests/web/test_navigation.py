from sendplan.accounts.access import standing_for
from sendplan.home.navigation import navigation_for


def labels(user, path="/"):
    return [item.label for item in navigation_for(standing_for(user), path)]


def test_caseworker_gets_the_work_tray_and_reviews_but_not_the_dashboard(cast):
    got = labels(cast.caseworker)
    assert {"Work tray", "Reviews", "Register of places", "Placement planning"} <= set(got)
    assert "Casework dashboard" not in got


def test_manager_gets_the_dashboard(cast):
    assert "Casework dashboard" in labels(cast.la_colleague)


def test_parent_gets_family_links_and_no_register(cast):
    got = labels(cast.parent)
    assert got[:2] == ["Home", "Your children"]
    assert "Learners" not in got
    assert "Register of places" not in got


def test_health_practitioner_gets_advice_requests(cast):
    assert "Requests for your advice" in labels(cast.health)


def test_the_longest_matching_section_is_the_active_one(cast):
    items = navigation_for(standing_for(cast.la_colleague), "/cases/dashboard/")
    assert [i.label for i in items if i.active] == ["Casework dashboard"]
    home = navigation_for(standing_for(cast.la_colleague), "/")
    assert [i.label for i in home if i.active] == ["Home"]
