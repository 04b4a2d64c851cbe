"""Coordinators deactivate, reactivate, hand over supervisees and merge duplicates via the pages."""

from datetime import date

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Enrolment, Role, User
from app.services.people import enrolments
from tests.builders.people import current_scheme, make_user, stage_of
from tests.builders.web import committed, sign_in

TODAY = date(2026, 11, 24)


@pytest.fixture
def world(app, schemes):
    """A coordinator; a supervisor with two trainees; a successor; a duplicate trainee."""
    with committed(app):
        coordinator = make_user(Role.COORDINATOR, email="coord@example.org")
        supervisor = make_user(Role.SUPERVISOR, email="sup@example.org", name="Sam Leaving")
        successor = make_user(Role.SUPERVISOR, email="next@example.org", name="Nia Next")
        scheme = current_scheme()
        trainees = [
            make_user(Role.TRAINEE, email=f"t{n}@example.org", name=f"Trainee {n}")
            for n in range(2)
        ]
        both = make_user(Role.TRAINEE, Role.SUPERVISOR, email="both@example.org", name="Bo Both")
        enrolled = [
            enrolments.enrol(
                coordinator, t, scheme, date(2026, 1, 5), stage_of(scheme, 1), supervisor, TODAY
            )
            for t in (*trainees, both)
        ]
        duplicate = make_user(Role.TRAINEE, email="t0.home@example.org", name="Trainee 0")
        return {
            "coordinator": coordinator.id,
            "supervisor": supervisor.id,
            "successor": successor.id,
            "both": both.id,
            "trainee": trainees[0].id,
            "duplicate": duplicate.id,
            "enrolments": [e.id for e in enrolled],
        }


def _person(app, user_id):
    with app.app_context():
        return db.session.get(User, user_id)


def _supervisor_ids(app):
    with app.app_context():
        return [
            e.current_assignment.supervisor_id
            for e in db.session.scalars(select(Enrolment).order_by(Enrolment.id))
        ]


def test_deactivation_warns_about_supervisees_and_needs_a_reason(app, client, world):
    sign_in(client, "coord@example.org")
    page = client.get(f"/people/{world['supervisor']}/deactivate").get_data(as_text=True)
    assert "own supervisor of 3 trainees" in page and "Trainee 1" in page
    response = client.post(f"/people/{world['supervisor']}/deactivate", data={"reason": " "})
    assert response.status_code == 422
    assert 'id="reason-error"' in response.get_data(as_text=True)
    assert _person(app, world["supervisor"]).active


def test_a_deactivated_person_cannot_sign_in_and_their_page_says_why(app, client, world):
    sign_in(client, "coord@example.org")
    response = client.post(
        f"/people/{world['supervisor']}/deactivate",
        data={"reason": "Left the service"},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "3 trainees still have them as own supervisor" in page
    assert "Reason: Left the service" in page and "Reactivate the account" in page
    assert not _person(app, world["supervisor"]).active
    assert _supervisor_ids(app) == [world["supervisor"]] * 3  # nothing silently changed
    listed = client.get("/people?account=inactive").get_data(as_text=True)
    assert "Sam Leaving" in listed and "Nia Next" not in listed
    client.post("/logout")
    refused = client.post("/login", data={"email": "sup@example.org", "password": "x" * 20})
    assert refused.status_code != 302


def test_a_coordinator_cannot_deactivate_themself(app, client, world):
    sign_in(client, "coord@example.org")
    assert "Deactivate the account" not in client.get(f"/people/{world['coordinator']}").text
    response = client.post(f"/people/{world['coordinator']}/deactivate", data={"reason": "x"})
    assert response.status_code == 422
    assert "You cannot deactivate your own account." in response.get_data(as_text=True)
    assert _person(app, world["coordinator"]).active


def test_reactivation(app, client, world):
    sign_in(client, "coord@example.org")
    client.post(f"/people/{world['trainee']}/deactivate", data={"reason": "Paused"})
    response = client.post(f"/people/{world['trainee']}/reactivate", follow_redirects=True)
    assert "can sign in again" in response.get_data(as_text=True)
    assert _person(app, world["trainee"]).active


def test_handing_over_chosen_supervisees(app, client, world):
    sign_in(client, "coord@example.org")
    page = client.get(f"/people/{world['supervisor']}/supervisees").get_data(as_text=True)
    assert page.count('<input checked id="enrolments-') == 3
    first, _second, third = world["enrolments"]
    response = client.post(
        f"/people/{world['supervisor']}/supervisees",
        data={
            "enrolments": [first, third],
            "supervisor": world["successor"],
            "from_date": "2026-06-01",
        },
    )
    assert response.status_code == 302
    assert _supervisor_ids(app) == [world["successor"], world["supervisor"], world["successor"]]


def test_a_refused_hand_over_changes_nothing_and_says_why_beside_the_field(app, client, world):
    sign_in(client, "coord@example.org")
    response = client.post(
        f"/people/{world['supervisor']}/supervisees",
        data={
            "enrolments": world["enrolments"],
            "supervisor": world["both"],
            "from_date": "2026-06-01",
        },
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    error = page[page.index('id="supervisor-error"') :][:400]
    assert "Nothing was changed" in error and "Bo Both" in error
    assert _supervisor_ids(app) == [world["supervisor"]] * 3


def test_a_hand_over_needs_trainees_and_a_supervisor(client, world):
    sign_in(client, "coord@example.org")
    response = client.post(
        f"/people/{world['supervisor']}/supervisees",
        data={"supervisor": "", "from_date": "2026-06-01"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="enrolments-error"' in page and 'id="supervisor-error"' in page


def test_merging_a_duplicate(app, client, world):
    sign_in(client, "coord@example.org")
    response = client.post(
        f"/people/{world['trainee']}/merge",
        data={"duplicate": "t0.home@example.org", "note": "Home address", "confirm": "y"},
    )
    assert response.status_code == 302
    assert not _person(app, world["duplicate"]).active
    page = client.get(f"/people/{world['duplicate']}").get_data(as_text=True)
    assert "Merged into another account" in page and "Note: Home address" in page
    assert "Reactivate the account" not in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"duplicate": "nobody@example.org"}, "duplicate", "No account uses this e-mail"),
        ({"duplicate": "t0@example.org"}, "duplicate", "cannot be merged into itself"),
        ({"duplicate": "t1@example.org"}, "duplicate", "Both accounts are enrolled"),
        ({"confirm": ""}, "confirm", "Confirm that both accounts"),
        ({"note": ""}, "note", "Say why"),
    ],
)
def test_a_refused_merge_says_why_beside_the_field(app, client, world, data, field, message):
    sign_in(client, "coord@example.org")
    form = {"duplicate": "t0.home@example.org", "note": "same", "confirm": "y"} | data
    response = client.post(f"/people/{world['trainee']}/merge", data=form)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page[page.index(f'id="{field}-error"') :][:400]
    assert _person(app, world["duplicate"]).active


ROUTES = [
    ("get", "/people/{supervisor}/deactivate"),
    ("post", "/people/{supervisor}/deactivate"),
    ("post", "/people/{trainee}/reactivate"),
    ("get", "/people/{supervisor}/supervisees"),
    ("post", "/people/{supervisor}/supervisees"),
    ("get", "/people/{trainee}/merge"),
    ("post", "/people/{trainee}/merge"),
]


@pytest.mark.parametrize(("method", "path"), ROUTES)
@pytest.mark.parametrize(
    ("who", "expected"), [(None, 302), ("t1@example.org", 403), ("sup@example.org", 403)]
)
def test_only_coordinators_manage_people(app, client, world, method, path, who, expected):
    if who:
        sign_in(client, who)
    response = getattr(client, method)(path.format(**world))
    assert response.status_code == expected
    if who is None:
        assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_unknown_people_answer_404(client, world, method, path):
    sign_in(client, "coord@example.org")
    response = getattr(client, method)(path.format(supervisor=99999, trainee=99999))
    assert response.status_code == 404
