"""Signing in and out, and the limits on guessing passwords."""

import uuid

import pytest
import redis
import requests

from app import create_app
from app.extensions import db
from app.models import Role
from tests.builders.people import DEFAULT_PASSWORD, make_user
from tests.builders.web import committed, sign_in
from tests.live_server import served
from tests.redis_available import redis_available


@pytest.fixture
def person(app):
    with committed(app):
        return make_user(Role.TRAINEE, email="tess@example.org", name="Tess")


def test_sign_in_reaches_home_page(client, person):
    response = client.post(
        "/login", data={"email": "Tess@Example.org ", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "Hello, Tess" in client.get("/").get_data(as_text=True)


def test_wrong_password_re_renders_form_with_message(client, person):
    response = client.post("/login", data={"email": "tess@example.org", "password": "nope"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "do not match an account" in page
    assert 'value="tess@example.org"' in page


def test_missing_fields_are_named(client):
    page = client.post("/login", data={}).get_data(as_text=True)
    assert "Enter your e-mail address." in page
    assert "Enter your password." in page


def test_deactivated_account_cannot_sign_in(app, client):
    with committed(app):
        make_user(Role.TRAINEE, email="gone@example.org", active=False)
    response = client.post(
        "/login", data={"email": "gone@example.org", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 422


def test_sign_out_needs_post_and_ends_session(client, person):
    sign_in(client, "tess@example.org")
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 302
    assert client.get("/").headers["Location"].startswith("/login")


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil"])
def test_next_parameter_never_leaves_the_site(client, person, target):
    response = client.post(
        f"/login?next={target}", data={"email": "tess@example.org", "password": DEFAULT_PASSWORD}
    )
    assert response.headers["Location"] == "/"


def test_next_parameter_returns_to_requested_page(client, person):
    assert client.get("/account").headers["Location"].startswith("/login?next=")
    response = client.post(
        "/login?next=/account", data={"email": "tess@example.org", "password": DEFAULT_PASSWORD}
    )
    assert response.headers["Location"] == "/account"


@pytest.fixture
def app_settings(app_settings):
    app_settings.update(
        LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS="3 per minute",
        LOGIN_LIMIT_PER_ADDRESS="5 per minute",
        LOGIN_LIMIT_PER_ACCOUNT="8 per minute",
        LOGIN_LIMIT_PER_DEVICE="3 per minute",
    )
    return app_settings


def _attempt(client, email, address="10.0.0.1", password="wrong password"):
    return client.post(
        "/login", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address}
    )


def _own_device(app, address="192.0.2.10"):
    """The owner's browser, which has signed in to the account before (and signed out)."""
    browser = app.test_client()
    assert _attempt(browser, "tess@example.org", address, DEFAULT_PASSWORD).status_code == 302
    assert browser.get_cookie("attune_device") is not None
    browser.post("/logout")
    return browser


def test_failed_attempts_from_one_address_on_one_account_are_limited(client, person):
    for _ in range(3):
        assert _attempt(client, "tess@example.org", "10.6.6.6").status_code == 422
    response = _attempt(client, "TESS@example.org", "10.6.6.6")
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)


def test_the_owner_signs_in_from_their_own_device_while_the_attacker_is_throttled(app, person):
    owner = _own_device(app)
    attacker = app.test_client()
    for _ in range(3):
        assert _attempt(attacker, "tess@example.org", "10.6.6.6").status_code == 422
    assert _attempt(attacker, "tess@example.org", "10.6.6.6").status_code == 429
    for n in range(5):  # the attacker moves from address to address
        assert _attempt(attacker, "tess@example.org", f"10.7.0.{n}").status_code == 422
    assert _attempt(attacker, "tess@example.org", "10.8.0.1").status_code == 429
    # Even the right password, from a browser that has never signed in here, waits.
    assert _attempt(attacker, "tess@example.org", "10.8.0.2", DEFAULT_PASSWORD).status_code == 429
    assert _attempt(owner, "tess@example.org", "198.51.100.7", DEFAULT_PASSWORD).status_code == 302


def test_a_known_device_gets_only_a_few_wrong_guesses_of_its_own(app, person):
    stolen = _own_device(app)
    for _ in range(3):
        assert _attempt(stolen, "tess@example.org").status_code == 422
    assert _attempt(stolen, "tess@example.org", password=DEFAULT_PASSWORD).status_code == 429
    assert _own_device(app).get_cookie("attune_device") is not None  # others are not affected


def test_a_device_known_to_another_account_or_forged_is_a_stranger(app, person):
    with committed(app):
        make_user(Role.TRAINEE, email="mallory@example.org")
    attacker = app.test_client()
    assert (
        _attempt(attacker, "mallory@example.org", "10.6.6.6", DEFAULT_PASSWORD).status_code == 302
    )
    attacker.post("/logout")
    for _ in range(3):
        assert _attempt(attacker, "tess@example.org", "10.6.6.6").status_code == 422
    assert _attempt(attacker, "tess@example.org", "10.6.6.6").status_code == 429
    forged = app.test_client()
    forged.set_cookie("attune_device", attacker.get_cookie("attune_device").value + "x")
    assert _attempt(forged, "tess@example.org", "10.6.6.6").status_code == 429


def test_failed_attempts_from_one_address_are_limited_across_accounts(client, person):
    for n in range(5):
        assert _attempt(client, f"someone{n}@example.org").status_code == 422
    assert _attempt(client, "tess@example.org", password=DEFAULT_PASSWORD).status_code == 429
    assert _attempt(client, "tess@example.org", "10.0.0.2", DEFAULT_PASSWORD).status_code == 302


def test_successful_sign_ins_do_not_use_up_the_limit(client, person):
    for _ in range(5):
        assert _attempt(client, "tess@example.org", password=DEFAULT_PASSWORD).status_code == 302
        client.post("/logout")
    assert _attempt(client, "tess@example.org").status_code == 422


@pytest.mark.skipif(not redis_available(), reason="no Redis on 127.0.0.1:6379")
def test_limits_are_shared_between_app_servers_through_redis(app_settings, app):
    prefix = f"attune-test-{uuid.uuid4().hex}"
    settings = {
        **app_settings,
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
        "RATELIMIT_KEY_PREFIX": prefix,
    }
    first, second = create_app("test", settings), create_app("test", settings)
    try:
        for n in range(3):
            server = first if n % 2 else second
            response = _attempt(server.test_client(), "shared@example.org", "10.1.0.1")
            assert response.status_code == 422
        assert _attempt(second.test_client(), "shared@example.org", "10.1.0.1").status_code == 429
        for n in range(5):  # the per-account count is shared too
            server = first if n % 2 else second
            response = _attempt(server.test_client(), "shared@example.org", f"10.2.0.{n}")
            assert response.status_code == 422
        assert _attempt(first.test_client(), "shared@example.org", "10.3.0.1").status_code == 429
        assert list(redis.Redis(host="127.0.0.1", port=6379).scan_iter(f"*{prefix}*"))
    finally:
        store = redis.Redis(host="127.0.0.1", port=6379)
        for key in store.scan_iter(f"*{prefix}*"):
            store.delete(key)
        store.close()
        for server in (first, second):
            with server.app_context():
                db.engine.dispose()


def test_over_http_the_owners_browser_gets_in_while_a_stranger_gets_429(app, person):
    with served(app) as base:
        owner = requests.Session()
        form = {"email": "tess@example.org", "password": DEFAULT_PASSWORD}
        assert owner.post(f"{base}/login", data=form, allow_redirects=False).status_code == 302
        owner.post(f"{base}/logout", allow_redirects=False)
        stranger = requests.Session()
        wrong = {**form, "password": "wrong password"}
        codes = [stranger.post(f"{base}/login", data=wrong).status_code for _ in range(4)]
        assert codes == [422, 422, 422, 429]
        assert stranger.post(f"{base}/login", data=form).status_code == 429
        assert owner.post(f"{base}/login", data=form, allow_redirects=False).status_code == 302
