"""Signing in with a second factor through the real forms: the password leads to the second
step, a code or a recovery code finishes it (once), someone who must have one is held at set-up,
and a reset link does not skip the step."""

import time

import pyotp
import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, LoginSession, Role, User
from app.services.second_factor import authenticator, recovery
from app.web.second_step import PENDING
from tests.builders.people import DEFAULT_PASSWORD, make_user
from tests.builders.second_factor import code_now, confirmed_app, required_for
from tests.builders.web import committed

EMAIL = "sam@example.org"


@pytest.fixture
def sam(app):
    """A supervisor with an authenticator app; returns its secret."""
    with committed(app):
        user = make_user(Role.SUPERVISOR, email=EMAIL, name="Sam")
        return confirmed_app(user)


def _password(client, email=EMAIL, next_page=None):
    path = f"/login?next={next_page}" if next_page else "/login"
    return client.post(path, data={"email": email, "password": DEFAULT_PASSWORD})


def _signed_in(client) -> bool:
    return client.get("/account").status_code == 200


def _step(client, code):
    return client.post("/login/second-step", data={"code": code})


def test_the_password_alone_leads_to_the_second_step_not_in(client, sam):
    response = _password(client)
    assert response.status_code == 302
    assert response.headers["Location"] == "/login/second-step"
    assert not _signed_in(client)
    page = client.get("/login/second-step")
    assert page.status_code == 200
    assert "Confirm it is you" in page.get_data(as_text=True)


def test_a_right_code_signs_in_and_goes_where_the_person_was_going(client, sam):
    _password(client, next_page="/account")
    response = _step(client, code_now(sam))
    assert response.status_code == 302
    assert response.headers["Location"] == "/account"
    assert _signed_in(client)


def test_a_wrong_code_is_refused_beside_the_field(client, sam):
    _password(client)
    right = code_now(sam)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    response = _step(client, wrong)
    assert response.status_code == 422
    assert "That code does not match" in response.get_data(as_text=True)
    assert not _signed_in(client)


def test_a_code_used_once_is_refused_the_second_time_and_the_owner_told(app, client, sam, mailbox):
    code = code_now(sam)
    _password(client)
    assert _step(client, code).status_code == 302
    thief = app.test_client()
    _password(thief)
    response = _step(thief, code)
    assert response.status_code == 422
    assert "That code was used already" in response.get_data(as_text=True)
    assert not _signed_in(thief)
    [told] = mailbox.to(EMAIL)
    assert "used a second time" in told.get_content()
    with committed(app):
        replays = select(AuditEvent).where(AuditEvent.action == "second_factor.code_replayed")
        assert len(db.session.scalars(replays).all()) == 1


def test_a_recovery_code_signs_in_once_and_the_owner_is_told(app, client, sam, mailbox):
    with committed(app):
        codes = recovery.issue(db.session.scalar(select(User).where(User.email == EMAIL)))
    _password(client)
    assert _step(client, codes[3].lower().replace("-", " ")).status_code == 302
    assert _signed_in(client)
    [told] = mailbox.to(EMAIL)
    assert "A recovery code was used" in told.get_content() and "9 are left" in told.get_content()
    again = app.test_client()
    _password(again)
    assert _step(again, codes[3]).status_code == 422
    assert not _signed_in(again)


@pytest.mark.parametrize(
    "hostile",
    ["12\x0034", "١٢٣٤٥٦", "x" * 100_000, "' OR 1=1 --", "\uff21\uff22\uff23\uff24-" * 4],
)
def test_hostile_codes_get_a_clear_refusal(client, sam, hostile):
    _password(client)
    response = _step(client, hostile)
    assert response.status_code == 422
    assert '<p class="error"' in response.get_data(as_text=True)
    assert not _signed_in(client)


def test_the_second_step_waits_five_minutes_at_most(client, sam):
    _password(client)
    with client.session_transaction() as session:
        session[PENDING] = {**session[PENDING], "at": int(time.time()) - 301}
    response = _step(client, code_now(sam))
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert not _signed_in(client)


def test_no_second_step_without_a_right_password_first(client, sam):
    response = _step(client, code_now(sam))
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert not _signed_in(client)


def test_a_reset_link_does_not_skip_the_second_step(app, client, sam, mailbox):
    client.post("/password/forgot", data={"email": EMAIL})
    [message] = mailbox.to(EMAIL)
    link = next(w for w in message.get_content().split() if "/password/reset/" in w)
    path = link.split("attune.test", 1)[1]
    new = "a long and new password"
    response = client.post(path, data={"password": new, "confirm": new})
    assert response.status_code == 302
    assert response.headers["Location"] == "/login/second-step"
    assert not _signed_in(client)
    assert _step(client, code_now(sam)).status_code == 302
    assert _signed_in(client)


def test_wrong_codes_are_limited_per_account(app, sam):
    app.config["LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS"] = "3 per 15 minutes"
    try:
        client = app.test_client()
        _password(client)
        statuses = [_step(client, "000000").status_code for _ in range(4)]
    finally:
        app.config["LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS"] = "5 per 15 minutes"
    assert statuses[:3] == [422, 422, 422]
    assert statuses[3] == 429


# -- held at set-up ------------------------------------------------------------------------------


@pytest.fixture
def newcomer(app):
    """A coordinator without a second factor."""
    with committed(app):
        make_user(Role.COORDINATOR, email="cora@example.org", name="Cora")
    return "cora@example.org"


def test_someone_who_must_have_one_is_held_at_set_up_until_done(app, client, newcomer):
    with required_for(app, "coordinator"):
        response = _password(client, newcomer)
        assert response.headers["Location"] == "/account/security"
        page = client.get("/account/security").get_data(as_text=True)
        assert "Your role needs a second factor." in page
        for path in ("/", "/people", "/coordination", "/account"):
            held = client.get(path)
            assert held.status_code == 303 and held.headers["Location"] == "/account/security"
        posted = client.post("/people/second-factor-policy", data={})
        assert posted.status_code == 303
        client.post("/account/security/app/start")
        with committed(app):
            user = db.session.scalar(select(User).where(User.email == newcomer))
            from app.services.second_factor import authenticator

            secret = authenticator.pending_secret(user)
        assert secret is not None
        setup = client.post("/account/security/app", data={"code": code_now(secret)})
        assert setup.status_code == 302
        assert client.get("/").status_code == 200
        with committed(app):
            logins = db.session.scalars(select(LoginSession).where(LoginSession.user_id == user.id))
            assert [login.awaiting_setup for login in logins] == [False]


def test_someone_whose_role_does_not_require_one_is_not_held(app, client, newcomer):
    with required_for(app, "supervisor"):
        response = _password(client, newcomer)
        assert response.headers["Location"] == "/"
        assert client.get("/people").status_code == 200


def test_someone_guessing_codes_elsewhere_cannot_lock_the_owner_out(app, sam):
    """The owner signed in from this browser before (its device cookie); a thief who knows the
    password guesses codes until the account's limit for strangers is spent: the thief gets
    429, the owner still gets in with the right code."""
    app.config["LOGIN_LIMIT_PER_ACCOUNT"] = "3 per hour"
    try:
        owner = app.test_client()
        _password(owner)
        assert _step(owner, code_now(sam)).status_code == 302  # the device is now known
        owner.post("/logout")
        thief = app.test_client()
        _password(thief)
        guesses = [_step(thief, "000000").status_code for _ in range(4)]
        assert guesses == [422, 422, 422, 429]
        _password(owner)
        later = pyotp.TOTP(sam).at(time.time() + authenticator.STEP_SECONDS)
        assert _step(owner, later).status_code == 302
        assert _signed_in(owner)
    finally:
        app.config["LOGIN_LIMIT_PER_ACCOUNT"] = "20 per hour"
