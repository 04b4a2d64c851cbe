"""Anyone can ask for a reset link; the answer never reveals whether the address exists."""

import re
from datetime import timedelta

import pytest

from app.extensions import db
from app.models import AuthToken, Role
from app.models.base import utcnow
from tests.builders.people import DEFAULT_PASSWORD, make_user
from tests.builders.web import committed, sign_in

NEW_PASSWORD = "a brand new password"


@pytest.fixture
def person(app):
    with committed(app):
        return make_user(Role.SUPERVISOR, email="sam@example.org", name="Sam")


def _reset_path(mailbox):
    [message] = mailbox.to("sam@example.org")
    assert message["Subject"] == "Reset your Attune password"
    return re.search(r"http://attune\.test(/password/reset/\S+)", mailbox.body(message)).group(1)


def test_the_answer_is_the_same_for_known_and_unknown_addresses(client, person, mailbox):
    known = client.post(
        "/password/forgot", data={"email": "sam@example.org"}, follow_redirects=True
    )
    unknown = client.post(
        "/password/forgot", data={"email": "nobody@example.org"}, follow_redirects=True
    )
    assert known.status_code == unknown.status_code == 200
    assert known.get_data(as_text=True) == unknown.get_data(as_text=True)
    assert "If that address belongs to an account" in known.get_data(as_text=True)
    assert len(mailbox.messages) == 1
    assert mailbox.to("nobody@example.org") == []


def test_reset_link_changes_the_password_once(client, person, mailbox):
    client.post("/password/forgot", data={"email": "SAM@example.org"})
    path = _reset_path(mailbox)
    response = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.headers["Location"] == "/"
    client.post("/logout")
    assert (
        client.post(
            "/login", data={"email": "sam@example.org", "password": DEFAULT_PASSWORD}
        ).status_code
        == 422
    )
    sign_in(client, "sam@example.org", NEW_PASSWORD)
    client.post("/logout")
    reused = client.get(path)
    assert reused.status_code == 410
    assert "already been used" in reused.get_data(as_text=True)


def test_expired_reset_link_offers_a_new_one(app, client, person, mailbox):
    client.post("/password/forgot", data={"email": "sam@example.org"})
    path = _reset_path(mailbox)
    with committed(app):
        db.session.execute(
            AuthToken.__table__.update().values(expires_at=utcnow() - timedelta(seconds=1))
        )
    page = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert page.status_code == 410
    text = page.get_data(as_text=True)
    assert "expired" in text
    assert 'href="/password/forgot"' in text
    client.post("/logout")
    assert (
        client.post(
            "/login", data={"email": "sam@example.org", "password": NEW_PASSWORD}
        ).status_code
        == 422
    )


def test_a_new_reset_link_cancels_the_previous_one(client, person, mailbox):
    client.post("/password/forgot", data={"email": "sam@example.org"})
    first = _reset_path(mailbox)
    mailbox.messages.clear()
    client.post("/password/forgot", data={"email": "sam@example.org"})
    second = _reset_path(mailbox)
    assert client.get(first).status_code == 410
    assert client.get(second).status_code == 200


def test_malformed_address_is_refused_beside_the_field(client, mailbox):
    response = client.post("/password/forgot", data={"email": "not an address"})
    assert response.status_code == 422
    assert "Enter an e-mail address like name@example.org." in response.get_data(as_text=True)
    assert mailbox.messages == []


def test_reset_requests_are_rate_limited_per_address(app_settings, person, mailbox):
    from app import create_app

    limited = create_app("test", {**app_settings, "RESET_LIMIT_PER_ADDRESS": "2 per hour"})
    client = limited.test_client()
    for _ in range(2):
        assert client.post("/password/forgot", data={"email": "x@example.org"}).status_code == 302
    assert client.post("/password/forgot", data={"email": "x@example.org"}).status_code == 429
    with limited.app_context():
        db.engine.dispose()
