"""Coordinators erase a person who asked, from the person's page; the certificate still verifies."""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Certificate, Enrolment, User
from app.services.certificates import issuing
from tests.builders.signoff import accredited_world
from tests.builders.web import client_as, committed

REASON = "Written request of 20 November, ref. 114"


@pytest.fixture
def world(app, schemes):
    """An accredited trainee holding a certificate, their coordinator, supervisor, a stranger."""
    with committed(app):
        world = accredited_world()
        enrolment = db.session.get(Enrolment, world["enrolment"])
        coordinator = db.session.scalar(select(User).where(User.email == world["coordinator"]))
        certificate = issuing.issue(coordinator, enrolment, "Tess Trainee", True)
        return world | {
            "trainee_id": enrolment.trainee_id,
            "supervisor_id": enrolment.current_assignment.supervisor_id,
            "supervisor": enrolment.current_assignment.supervisor.email,
            "coordinator_id": coordinator.id,
            "number": certificate.number,
            "certificate_id": certificate.id,
        }


def _person(app, user_id):
    with committed(app):
        return db.session.get(User, user_id)


def _erase(client, user_id, **changes):
    email = _person(client.application, user_id).email
    data = {"reason": REASON, "confirm_email": email.upper()} | changes
    return client.post(f"/people/{user_id}/erase", data=data)


def _error(page: str, field: str) -> str:
    return page[page.index(f'id="{field}-error"') :][:300]


def test_a_coordinator_erases_a_person_from_their_page(app, world):
    coordinator = client_as(app, world["coordinator"])
    person_page = coordinator.get(f"/people/{world['trainee_id']}").get_data(as_text=True)
    assert f'href="/people/{world["trainee_id"]}/erase"' in person_page
    page = coordinator.get(f"/people/{world['trainee_id']}/erase").get_data(as_text=True)
    assert "What stays" in page and world["trainee"] in page

    response = _erase(coordinator, world["trainee_id"])

    assert response.status_code == 302
    assert response.headers["Location"] == f"/people/{world['trainee_id']}"
    page = coordinator.get(response.headers["Location"]).get_data(as_text=True)
    assert "The person is erased. 1 certificate kept;" in page
    assert f"Erased person {world['trainee_id']}" in page and f"Reason: {REASON}" in page
    assert world["trainee"] not in page
    assert "Erase this person" not in page and "Reactivate the account" not in page
    erased = _person(app, world["trainee_id"])
    assert erased.erased_at is not None and not erased.active


def test_the_certificate_still_verifies_publicly_after_the_erasure(app, world):
    _erase(client_as(app, world["coordinator"]), world["trainee_id"])
    public = app.test_client()
    page = public.get(f"/verify/{world['number']}")
    assert page.status_code == 200
    assert "Tess Trainee" in page.get_data(as_text=True) and "Valid." in page.get_data(as_text=True)
    assert "Tess Trainee" not in public.get("/register").get_data(as_text=True)
    with committed(app):
        assert db.session.get(Certificate, world["certificate_id"]).holder_name == "Tess Trainee"


def test_pages_about_what_is_kept_still_open(app, world):
    coordinator = client_as(app, world["coordinator"])
    _erase(coordinator, world["trainee_id"])
    for path in (
        f"/certificates/{world['certificate_id']}",
        f"/enrolments/{world['enrolment']}",
        "/enrolments",
        "/people?account=inactive",
    ):
        assert coordinator.get(path).status_code == 200, path


def test_the_erased_person_cannot_sign_in(app, world):
    _erase(client_as(app, world["coordinator"]), world["trainee_id"])
    refused = app.test_client().post(
        "/login", data={"email": world["trainee"], "password": "correct horse battery"}
    )
    assert refused.status_code != 302


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"reason": ""}, "reason", "Say why the person is erased."),
        ({"reason": "Tess Trainee asked us"}, "reason", "Leave their name"),
        ({"confirm_email": ""}, "confirm_email", "Type their e-mail address to confirm."),
        ({"confirm_email": "someone@example.org"}, "confirm_email", "not their e-mail address"),
    ],
)
def test_a_bad_form_says_why_beside_the_field_and_erases_nothing(
    app, world, changes, field, message
):
    response = _erase(client_as(app, world["coordinator"]), world["trainee_id"], **changes)
    assert response.status_code == 422
    assert message in _error(response.get_data(as_text=True), field)
    assert _person(app, world["trainee_id"]).erased_at is None


def test_a_person_others_depend_on_is_not_erased_until_handed_over(app, world):
    coordinator = client_as(app, world["coordinator"])
    page = coordinator.get(f"/people/{world['supervisor_id']}/erase").get_data(as_text=True)
    assert "Other people still need this person" in page
    assert f"/people/{world['supervisor_id']}/supervisees" in page
    response = _erase(coordinator, world["supervisor_id"])
    assert response.status_code == 422
    assert "still the own supervisor of 1 trainee" in response.get_data(as_text=True)
    assert _person(app, world["supervisor_id"]).erased_at is None


def test_a_coordinator_cannot_erase_themself(app, world):
    coordinator = client_as(app, world["coordinator"])
    own_page = coordinator.get(f"/people/{world['coordinator_id']}").get_data(as_text=True)
    assert "Erase this person" not in own_page
    response = _erase(coordinator, world["coordinator_id"])
    assert response.status_code == 422
    assert "You cannot erase your own account" in response.get_data(as_text=True)


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(
    ("who", "expected"), [(None, 302), ("trainee", 403), ("supervisor", 403), ("stranger", 403)]
)
def test_only_coordinators_erase(app, world, method, who, expected):
    client = client_as(app, world[who]) if who else app.test_client()
    path = f"/people/{world['trainee_id']}/erase"
    response = getattr(client, method)(path, data={"reason": REASON})
    assert response.status_code == expected
    if who is None:
        assert response.headers["Location"].startswith("/login")
    assert _person(app, world["trainee_id"]).erased_at is None


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_unknown_person_answers_404(app, world, method):
    client = client_as(app, world["coordinator"])
    assert getattr(client, method)("/people/99999/erase").status_code == 404
