"""House-style error pages, the health check, CSRF and the account page."""

import json

import pytest

from app import create_app
from app.extensions import db
from app.models import Role
from tests.builders.people import make_user
from tests.builders.web import committed, sign_in
from tests.query_counter import count_queries


def test_healthz_reports_application_and_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.data) == {
        "status": "ok",
        "application": "ok",
        "database": "ok",
        "clips": "ok",
        "clip_store": "local",
    }


def test_healthz_reports_the_s3_store_and_when_it_is_gone(app_settings, s3_server, more_apps):
    settings = {**app_settings, **s3_server.settings(s3_server.new_prefix())}
    served = more_apps(settings).test_client().get("/healthz")
    assert served.status_code == 200
    assert json.loads(served.data)["clip_store"] == "s3"
    assert json.loads(served.data)["clips"] == "ok"
    missing = more_apps({**settings, "CLIP_S3_BUCKET": "no-such-bucket"})
    response = missing.test_client().get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.data)["clips"] == "unavailable"


def test_healthz_says_when_the_database_is_down(tmp_path):
    broken = create_app("test", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/none/x.db"})
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.data)["database"] == "unavailable"
    with broken.app_context():
        db.engine.dispose()


@pytest.mark.parametrize(
    ("method", "path", "code", "title"),
    [
        ("get", "/no-such-page", 404, "Not found"),
        ("put", "/login", 405, "Not allowed"),
    ],
)
def test_error_pages_are_in_the_house_style(client, method, path, code, title):
    response = getattr(client, method)(path)
    page = response.get_data(as_text=True)
    assert response.status_code == code
    assert f"<h1>{title}</h1>" in page
    assert 'class="site-header"' in page


def test_a_page_for_another_role_answers_403_in_the_house_style(client, trainee):
    sign_in(client, "tess@example.org")
    response = client.get("/people")
    assert response.status_code == 403
    assert "<h1>Not for your role</h1>" in response.get_data(as_text=True)


def test_too_large_request_gets_413_page(app_settings):
    small = create_app("test", {**app_settings, "MAX_CONTENT_LENGTH": 100})
    response = small.test_client().post("/login", data={"email": "x" * 500, "password": "y"})
    assert response.status_code == 413
    assert "<h1>Too large</h1>" in response.get_data(as_text=True)
    with small.app_context():
        db.engine.dispose()


def test_unexpected_error_shows_no_stack_trace(app_settings):
    app = create_app("test", app_settings)  # of its own: a route is added to it

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    boom.authz_action = "public"
    response = app.test_client().get("/boom")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "<h1>Something went wrong</h1>" in page
    assert "secret internals" not in page
    assert "Traceback" not in page


def test_forms_refuse_posts_without_csrf_token(app_settings):
    guarded = create_app("test", {**app_settings, "WTF_CSRF_ENABLED": True})
    client = guarded.test_client()
    response = client.post("/login", data={"email": "a@example.org", "password": "whatever!"})
    assert response.status_code == 400
    assert "The form had expired" in response.get_data(as_text=True)
    page = client.get("/login").get_data(as_text=True)
    assert 'name="csrf_token"' in page
    with guarded.app_context():
        db.engine.dispose()


@pytest.fixture
def trainee(app):
    with committed(app):
        return make_user(Role.TRAINEE, email="tess@example.org", name="Tess")


def test_account_page_changes_name_and_time_zone(app, client, trainee):
    sign_in(client, "tess@example.org")
    response = client.post(
        "/account",
        data={"display_name": "Tess T.", "timezone": "Europe/Warsaw", "notify_by": "immediate"},
    )
    assert response.status_code == 302
    with committed(app):
        me = db.session.get(type(trainee), trainee.id)
        assert (me.display_name, me.timezone) == ("Tess T.", "Europe/Warsaw")


def test_account_page_refuses_unknown_time_zone_and_blank_name(client, trainee):
    sign_in(client, "tess@example.org")
    response = client.post("/account", data={"display_name": " ", "timezone": "Mars/Base"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Give the name you want to be called." in page
    assert "Choose a country, then a city, from the lists." in page


def test_change_password_needs_the_current_one(client, trainee):
    sign_in(client, "tess@example.org")
    data = {
        "current_password": "wrong one!",
        "password": "new password 1",
        "confirm": "new password 1",
    }
    response = client.post("/account/password", data=data)
    assert response.status_code == 422
    assert "That is not your current password." in response.get_data(as_text=True)
    data["current_password"] = "correct horse battery"
    assert client.post("/account/password", data=data).status_code == 302
    client.post("/logout")
    sign_in(client, "tess@example.org", "new password 1")


def test_dates_are_shown_in_the_users_time_zone(app, client):
    from datetime import UTC, datetime

    with committed(app):
        user = make_user(Role.COORDINATOR, email="tz@example.org")
        user.timezone = "Pacific/Auckland"
        user.created_at = datetime(2026, 1, 1, 20, 0, tzinfo=UTC)
    sign_in(client, "tz@example.org")
    page = client.get(f"/people/{user.id}").get_data(as_text=True)
    # 20:00 UTC on 1 January is already 2 January in Auckland.
    assert "2 Jan 2026" in page


def test_fields_link_their_errors_and_carry_no_empty_attributes(client):
    page = client.get("/login").get_data(as_text=True)
    assert '"None"' not in page
    page = client.post("/login", data={}).get_data(as_text=True)
    assert 'aria-invalid="true"' in page
    assert 'aria-describedby="email-error"' in page
    assert 'id="email-error"' in page


def test_the_favicon_is_served_by_both_names_without_touching_the_database(app, client):
    with client.get("/static/favicon.svg") as svg:
        assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
        drawn = svg.get_data()
    assert b"<svg" in drawn and b"#1f5f8b" in drawn  # the app's accent colour
    with count_queries(app) as statements, client.get("/favicon.ico") as icon:
        assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
        assert icon.get_data() == drawn
        assert "max-age=86400" in icon.headers["Cache-Control"]
    assert statements == []
