"""Every response carries the security headers; HSTS only in production; no page needs inline
script or style, so the Content-Security-Policy can forbid them."""

import re
from pathlib import Path

import pytest

from app import create_app
from app.extensions import db
from app.models import Role
from tests.builders.clips import CLIP_KEYS
from tests.builders.people import make_user
from tests.builders.web import client_as, committed

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def _policy(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    return {
        part.split()[0]: " ".join(part.split()[1:])
        for part in (p.strip() for p in header.split(";"))
        if part
    }


def _assert_headers(response) -> None:
    policy = _policy(response)
    assert policy["default-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in response.headers


def test_headers_on_a_page_an_error_and_a_static_file(client):
    page = client.get("/login")
    assert page.status_code == 200
    missing = client.get("/no-such-page")
    assert missing.status_code == 404
    static = client.get("/static/attune.css")
    assert static.status_code == 200
    static.close()
    for response in (page, missing, static):
        _assert_headers(response)


def test_headers_on_a_csv_download(app):
    with committed(app):
        make_user(Role.COORDINATOR, email="cleo@example.org")
    response = client_as(app, "cleo@example.org").get("/people/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    _assert_headers(response)
    # Read to the end: a streamed body keeps its request's contexts open until then.
    assert "cleo@example.org" in response.get_data(as_text=True)
    response.close()


def test_plain_http_is_not_redirected_outside_production(client):
    assert client.get("/login").status_code == 200


@pytest.fixture
def production(database_url):
    app = create_app(
        "production",
        {
            "SECRET_KEY": "p" * 40,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "MAIL_SERVER": "",
            "CLIP_KEYS": CLIP_KEYS,
        },
    )
    yield app
    with app.app_context():
        db.engine.dispose()


def test_hsts_only_in_production(production, client):
    secure = production.test_client().get("/login", base_url="https://attune.example")
    assert secure.status_code == 200
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert secure.headers["X-Frame-Options"] == "DENY"
    assert (
        "Strict-Transport-Security"
        not in client.get("/login", base_url="https://attune.test").headers
    )


_INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style\b", re.I), "<style> element"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "inline event handler"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_no_page_template_needs_inline_script_or_style():
    # PDF templates are rendered to PDF on the server and never served as pages.
    offenders = [
        f"{path.relative_to(TEMPLATES)}: {what}"
        for path in TEMPLATES.rglob("*.html")
        if "pdf" not in path.relative_to(TEMPLATES).parts
        for pattern, what in _INLINE
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
