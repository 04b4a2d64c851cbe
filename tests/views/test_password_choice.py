"""Wherever a password is chosen, a guessable one is refused beside the field with the reason."""

import re
from html import unescape

import pytest

from app.models import Role
from tests.builders.people import DEFAULT_PASSWORD, make_user
from tests.builders.web import committed, sign_in

GUESSABLE = ["1234567890", "aaaaaaaaaa", "password123"]


@pytest.fixture
def person(app):
    with committed(app):
        return make_user(Role.TRAINEE, email="tess@example.org", name="Tess")


def _password_error(response) -> str:
    found = re.search(r'<p class="error" id="password-error">(.*?)</p>', response.get_data(True))
    assert found, response.get_data(as_text=True)
    return unescape(re.sub(r"<[^>]+>", "", found.group(1)))


@pytest.mark.parametrize("password", GUESSABLE)
def test_the_account_page_refuses_a_guessable_password(client, person, password):
    sign_in(client, "tess@example.org")
    response = client.post(
        "/account/password",
        data={"current_password": DEFAULT_PASSWORD, "password": password, "confirm": password},
    )
    assert response.status_code == 422
    message = _password_error(response)
    assert "easy to guess" in message and "passphrase" in message
    client.post("/logout")
    sign_in(client, "tess@example.org")  # the old password still works


def test_an_invitation_and_a_reset_link_refuse_a_guessable_password(app, client, mailbox):
    with committed(app):
        make_user(Role.COORDINATOR, email="cleo@example.org")
    sign_in(client, "cleo@example.org")
    client.post(
        "/people/invite",
        data={"email": "new@example.org", "display_name": "New Person", "roles": ["trainee"]},
    )
    client.post("/logout")
    [invite] = mailbox.to("new@example.org")
    path = re.search(r"http://attune\.test(/invite/\S+)", mailbox.body(invite)).group(1)
    response = client.post(path, data={"password": "1234567890", "confirm": "1234567890"})
    assert response.status_code == 422
    assert "common password" in _password_error(response)

    client.post("/password/forgot", data={"email": "cleo@example.org"})
    [reset] = mailbox.to("cleo@example.org")
    path = re.search(r"http://attune\.test(/password/reset/\S+)", mailbox.body(reset)).group(1)
    response = client.post(path, data={"password": "aaaaaaaaaa", "confirm": "aaaaaaaaaa"})
    assert response.status_code == 422
    assert "Repeats" in _password_error(response)
    assert client.get(path).status_code == 200  # the link is not spent
