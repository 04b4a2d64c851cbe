"""Signing in and out, and the limits on guessing passwords."""

import uuid

import pytest
import redis

from app import create_app
from app.extensions import db
from app.models import Role
from tests.conftest import committed, sign_in
from tests.factories import DEFAULT_PASSWORD, make_user


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
        LOGIN_LIMIT_PER_ACCOUNT="3 per minute", LOGIN_LIMIT_PER_ADDRESS="5 per minute"
    )
    return app_settings


def _attempt(client, email, address="10.0.0.1", password="wrong password"):
    return client.post(
        "/login", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address}
    )


def test_failed_attempts_on_one_account_are_limited_from_any_address(client, person):
    for n in range(3):
        assert _attempt(client, "tess@example.org", f"10.0.0.{n}").status_code == 422
    response = _attempt(client, "TESS@example.org", "10.0.0.99", DEFAULT_PASSWORD)
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)


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


def _redis_available() -> bool:
    try:
        return bool(redis.Redis(host="127.0.0.1", port=6379, socket_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.mark.skipif(not _redis_available(), reason="no Redis on 127.0.0.1:6379")
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
            response = _attempt(server.test_client(), "shared@example.org", f"10.1.0.{n}")
            assert response.status_code == 422
        assert _attempt(second.test_client(), "shared@example.org", "10.1.0.9").status_code == 429
        assert list(redis.Redis(host="127.0.0.1", port=6379).scan_iter(f"*{prefix}*"))
    finally:
        store = redis.Redis(host="127.0.0.1", port=6379)
        for key in store.scan_iter(f"*{prefix}*"):
            store.delete(key)
        store.close()
        for server in (first, second):
            with server.app_context():
                db.engine.dispose()
