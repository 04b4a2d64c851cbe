"""The application factory and the settings of each environment."""

import base64

import pytest

from app import create_app
from config import INSECURE_DEV_SECRET

GOOD_SECRET = "x" * 40
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
CLIP_KEYS = f"k1={base64.b64encode(b'k' * 32).decode()}"


@pytest.mark.parametrize(
    ("secret", "url", "complaint"),
    [
        (None, PG_URL, "SECRET_KEY"),
        ("", PG_URL, "SECRET_KEY"),
        (INSECURE_DEV_SECRET, PG_URL, "SECRET_KEY"),
        ("short-secret", PG_URL, "SECRET_KEY"),
        (GOOD_SECRET, "", "DATABASE_URL"),
    ],
)
def test_production_refuses_to_start_without_real_secrets(secret, url, complaint):
    with pytest.raises(RuntimeError, match=complaint):
        create_app(
            "production",
            {"SECRET_KEY": secret, "SQLALCHEMY_DATABASE_URI": url, "CLIP_KEYS": CLIP_KEYS},
        )


def test_production_refuses_to_start_without_a_key_for_clips(tmp_path):
    settings = {"SECRET_KEY": GOOD_SECRET, "SQLALCHEMY_DATABASE_URI": PG_URL, "CLIP_KEYS": ""}
    with pytest.raises(RuntimeError, match="Production seals every clip"):
        create_app("production", {**settings, "CLIP_KEY_FILE": str(tmp_path / "none")})
    (tmp_path / "bad").write_text("k1 not-a-key\n")
    with pytest.raises(RuntimeError, match="not base64"):
        create_app("production", {**settings, "CLIP_KEY_FILE": str(tmp_path / "bad")})


def test_production_starts_with_secrets_and_secure_cookies():
    app = create_app(
        "production",
        {"SECRET_KEY": GOOD_SECRET, "SQLALCHEMY_DATABASE_URI": PG_URL, "CLIP_KEYS": CLIP_KEYS},
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert not app.debug


def test_unknown_environment_is_refused():
    with pytest.raises(RuntimeError, match="Unknown ATTUNE_ENV"):
        create_app("staging")


def test_session_cookie_is_httponly_and_samesite_lax(client, app):
    from tests.builders.people import make_user
    from tests.builders.web import committed

    with committed(app):
        make_user(email="cookie@example.org")
    response = client.post(
        "/login", data={"email": "cookie@example.org", "password": "correct horse battery"}
    )
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
