"""Coordinators invite people by e-mail; the invitee chooses a password through a one-time link."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuthToken, Role, SupervisorGrade, User
from app.models.base import utcnow
from tests.builders.people import make_user
from tests.builders.web import committed, sign_in

NEW_PASSWORD = "a long new password"


@pytest.fixture
def coordinator(app):
    with committed(app):
        return make_user(Role.COORDINATOR, email="cleo@example.org", name="Cleo")


def _invite(client, **overrides):
    data = {
        "email": "new.person@example.org",
        "display_name": "New Person",
        "roles": ["trainee", "supervisor"],
        "supervisor_grade": "in_training",
    }
    data.update(overrides)
    return client.post("/people/invite", data=data)


def _link(mailbox, address):
    [message] = mailbox.to(address)
    return re.search(r"http://attune\.test(/invite/\S+)", mailbox.body(message)).group(1)


def test_invitation_reaches_smtp_and_sets_password(app, client, coordinator, mailbox):
    sign_in(client, "cleo@example.org")
    response = _invite(client)
    assert response.status_code == 302
    [message] = mailbox.to("new.person@example.org")
    assert message["Subject"] == "You are invited to Attune"
    assert "Cleo has invited you" in mailbox.body(message)
    with committed(app):
        person = db.session.scalar(select(User).where(User.email == "new.person@example.org"))
        assert person.roles == {Role.TRAINEE, Role.SUPERVISOR}
        assert person.supervisor_grade is SupervisorGrade.IN_TRAINING
        assert person.password_hash is None

    client.post("/logout")
    path = _link(mailbox, "new.person@example.org")
    assert "Welcome, New Person" in client.get(path).get_data(as_text=True)
    response = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.headers["Location"] == "/"
    assert "Hello, New Person" in client.get("/").get_data(as_text=True)

    client.post("/logout")
    sign_in(client, "new.person@example.org", NEW_PASSWORD)


def test_invitation_link_works_once(client, coordinator, mailbox):
    sign_in(client, "cleo@example.org")
    _invite(client)
    client.post("/logout")
    path = _link(mailbox, "new.person@example.org")
    client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    client.post("/logout")
    again = client.get(path)
    assert again.status_code == 410
    assert "already been used" in again.get_data(as_text=True)
    response = client.post(
        path, data={"password": "another password!", "confirm": "another password!"}
    )
    assert response.status_code == 410
    sign_in(client, "new.person@example.org", NEW_PASSWORD)


def test_expired_invitation_explains_and_sends_a_new_one(app, client, coordinator, mailbox):
    sign_in(client, "cleo@example.org")
    _invite(client)
    client.post("/logout")
    path = _link(mailbox, "new.person@example.org")
    with committed(app):
        db.session.execute(
            AuthToken.__table__.update().values(expires_at=utcnow() - timedelta(minutes=1))
        )
    page = client.get(path)
    assert page.status_code == 410
    assert "expired" in page.get_data(as_text=True)
    mailbox.messages.clear()
    assert client.post(path + "/renew").status_code == 302
    fresh = _link(mailbox, "new.person@example.org")
    assert fresh != path
    response = client.post(fresh, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302


def test_unknown_link_is_404_with_explanation(client):
    response = client.get("/invite/not-a-real-token")
    assert response.status_code == 404
    assert "do not recognise this link" in response.get_data(as_text=True)


def test_mismatched_or_short_password_is_refused_beside_the_field(client, coordinator, mailbox):
    sign_in(client, "cleo@example.org")
    _invite(client)
    client.post("/logout")
    path = _link(mailbox, "new.person@example.org")
    page = client.post(path, data={"password": NEW_PASSWORD, "confirm": "different"})
    assert page.status_code == 422
    assert "The two passwords are not the same." in page.get_data(as_text=True)
    page = client.post(path, data={"password": "short", "confirm": "short"})
    assert "at least 10 characters" in page.get_data(as_text=True)
    assert client.get(path).status_code == 200


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"email": "cleo@example.org"}, "Someone already uses this e-mail address."),
        ({"email": "CLEO@example.org"}, "Someone already uses this e-mail address."),
        ({"email": "not-an-address"}, "Enter an e-mail address like name@example.org."),
        ({"email": ""}, "Give the person's e-mail address."),
        ({"roles": []}, "Choose at least one role."),
        ({"roles": ["supervisor"], "supervisor_grade": ""}, "Supervisors need a grade."),
        ({"display_name": "x" * 121}, "Field cannot be longer than 120 characters."),
        ({"roles": ["emperor"]}, "not a valid choice"),
    ],
)
def test_bad_invitations_are_refused_and_save_nothing(
    app, client, coordinator, mailbox, overrides, message
):
    sign_in(client, "cleo@example.org")
    with committed(app):
        before = db.session.scalar(select(func.count()).select_from(User))
    response = _invite(client, **overrides)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with committed(app):
        assert db.session.scalar(select(func.count()).select_from(User)) == before
    assert mailbox.messages == []


def test_coordinator_can_resend_an_invitation(app, client, coordinator, mailbox):
    sign_in(client, "cleo@example.org")
    _invite(client)
    first = _link(mailbox, "new.person@example.org")
    with committed(app):
        person = db.session.scalar(select(User).where(User.email == "new.person@example.org"))
    mailbox.messages.clear()
    client.post(f"/people/{person.id}/reinvite")
    second = _link(mailbox, "new.person@example.org")
    client.post("/logout")
    assert client.get(first).status_code == 410
    assert client.get(second).status_code == 200


def test_invitation_survives_a_mail_server_that_is_down(app_settings, coordinator):
    from app import create_app

    app = create_app("test", {**app_settings, "MAIL_PORT": 1})
    client = app.test_client()
    sign_in(client, "cleo@example.org")
    response = _invite(client)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "could not be sent" in page
    assert "Send a new invitation" in page
    with app.app_context():
        db.engine.dispose()
