"""Sessions end on the server: a cookie captured before sign-out or a password change no longer
signs anyone in."""

import re

import pytest
import requests

from app.extensions import db
from app.models import Role, User
from tests.builders.people import DEFAULT_PASSWORD, make_user
from tests.builders.web import committed, sign_in
from tests.live_server import served

NEW_PASSWORD = "a brand new password"


@pytest.fixture
def person(app):
    with committed(app):
        return make_user(Role.TRAINEE, email="tess@example.org", name="Tess")


def _signed_in(client) -> bool:
    return client.get("/account").status_code == 200


def _replay(app, cookie: str):
    """A new browser carrying only a captured session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    return thief


def test_a_cookie_captured_before_sign_out_is_anonymous_after_it(app, client, person):
    sign_in(client, "tess@example.org")
    captured = client.get_cookie("session").value
    assert _signed_in(_replay(app, captured))
    client.post("/logout")
    response = _replay(app, captured).get("/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_changing_the_password_signs_out_the_other_sessions_only(app, person):
    mine, other = app.test_client(), app.test_client()
    sign_in(mine, "tess@example.org")
    sign_in(other, "tess@example.org")
    response = mine.post(
        "/account/password",
        data={
            "current_password": DEFAULT_PASSWORD,
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert _signed_in(mine)
    assert other.get("/account").headers["Location"].startswith("/login")


def test_a_reset_link_signs_out_every_earlier_session(app, person, mailbox):
    earlier, locked_out = app.test_client(), app.test_client()
    sign_in(earlier, "tess@example.org")
    locked_out.post("/password/forgot", data={"email": "tess@example.org"})
    [message] = mailbox.to("tess@example.org")
    path = re.search(r"http://attune\.test(/password/reset/\S+)", mailbox.body(message)).group(1)
    response = locked_out.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert _signed_in(locked_out)
    assert not _signed_in(earlier)


def test_deactivating_ends_every_session_and_reactivating_revives_none(app, person):
    victim = app.test_client()
    sign_in(victim, "tess@example.org")
    with committed(app):
        make_user(Role.COORDINATOR, email="cleo@example.org")
    coordinator = app.test_client()
    sign_in(coordinator, "cleo@example.org")
    with committed(app):
        from app.services.people import account_status

        tess = db.session.get(User, person.id)
        cleo = db.session.scalar(db.select(User).where(User.email == "cleo@example.org"))
        account_status.deactivate_person(cleo, tess, "left the course")
    with committed(app):
        account_status.reactivate_person(cleo, db.session.get(User, person.id))
    assert not _signed_in(victim)
    sign_in(victim, "tess@example.org")
    assert _signed_in(victim)


def _http_sign_in(base: str) -> requests.Session:
    browser = requests.Session()
    response = browser.post(
        f"{base}/login",
        data={"email": "tess@example.org", "password": DEFAULT_PASSWORD},
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text
    return browser


def _http_signed_in(browser: requests.Session, base: str) -> bool:
    return browser.get(f"{base}/account", allow_redirects=False).status_code == 200


def test_over_http_sign_out_and_password_change_end_sessions(app, person):
    with served(app) as base:
        phone, laptop = _http_sign_in(base), _http_sign_in(base)
        captured = requests.Session()
        captured.cookies.update(phone.cookies)
        assert _http_signed_in(captured, base)
        phone.post(f"{base}/logout", allow_redirects=False)
        assert not _http_signed_in(phone, base)
        replayed = captured.get(f"{base}/account", allow_redirects=False)
        assert replayed.status_code == 302
        assert "/login" in replayed.headers["Location"]

        desktop = _http_sign_in(base)
        changed = laptop.post(
            f"{base}/account/password",
            data={
                "current_password": DEFAULT_PASSWORD,
                "password": NEW_PASSWORD,
                "confirm": NEW_PASSWORD,
            },
            allow_redirects=False,
        )
        assert changed.status_code == 302
        assert _http_signed_in(laptop, base)
        assert not _http_signed_in(desktop, base)


def test_a_remember_me_cookie_alone_signs_nobody_in(app, person):
    from flask_login.utils import encode_cookie

    with app.test_request_context():
        forged = encode_cookie(str(person.id))
    browser = app.test_client()
    browser.set_cookie("remember_token", forged)
    assert browser.get("/account").headers["Location"].startswith("/login")


def test_following_a_link_while_signed_in_ends_the_earlier_session(app, client, person, mailbox):
    from sqlalchemy import func, select

    from app.models import LoginSession

    sign_in(client, "tess@example.org")
    captured = client.get_cookie("session").value
    with committed(app):
        make_user(Role.COORDINATOR, email="cleo@example.org", name="Cleo")
    client.post("/password/forgot", data={"email": "cleo@example.org"})
    [message] = mailbox.to("cleo@example.org")
    path = re.search(r"http://attune\.test(/password/reset/\S+)", mailbox.body(message)).group(1)
    client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert "Cleo" in client.get("/account").get_data(as_text=True)
    assert not _signed_in(_replay(app, captured))
    with committed(app):
        assert db.session.scalar(select(func.count()).select_from(LoginSession)) == 1
