"""The sign-in's second step over real HTTP, under gunicorn (4 workers of 2 threads) on a copy of
the demo, on SQLite or PostgreSQL: the same authenticator-app code, or the same recovery code,
sent by two browsers at the same instant signs in exactly one of them; hostile bytes at the
second step are refused with a page in the house style and leave the person signed out; garbage
sent to the passkey endpoints is answered with 4xx JSON naming the error, never a 500.

The person's authenticator app is set up as the person would, through the real services in an
app context on the served database (committed), sealed under the server's own SECRET_KEY."""

import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit
from uuid import uuid4

import pytest
import requests
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, LoginSession, Passkey, Role, User
from app.services.second_factor import recovery
from tests.builders.people import DEFAULT_PASSWORD, make_user
from tests.builders.second_factor import code_now, confirmed_app
from tests.databases import worker_id
from tests.live.client import Browser
from tests.live.race_world import World
from tests.live.races import LogWatch, Shot, fire
from tests.live.server import (
    DemoTemplate,
    LiveServer,
    copy_template,
    free_port,
    production_environment,
    run_gunicorn,
    text_has_trace,
)
from tests.smtp_server import Inbox

ROUNDS = 3
STEP = "/login/second-step"
USED_ALREADY = "That code was used already"
NO_MATCH = "That code does not match"
CONFIRM_HEADING = "Confirm it is you"
# What the passkey endpoints say when no challenge was kept: the garbage never reached the parser.
EXPIRED = "The passkey request expired"


@dataclass
class Served:
    """The running server, and its database seen through an app with the server's secret key
    (authenticator-app secrets are sealed under a key derived from it)."""

    server: LiveServer
    world: World


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory, demo_template: DemoTemplate, smtp: Inbox
) -> Iterator[Served]:
    """The app under gunicorn, 4 workers of 2 threads, on a copy of the demo. The module fails
    if the server logged an unhandled error, whatever the tests saw."""
    name = re.sub(r"\W+", "_", f"live_{worker_id()}_second_factor")
    folder = tmp_path_factory.mktemp(name)
    database_url = copy_template(demo_template, folder, name)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = production_environment(folder, database_url, url, smtp.port)
    server = LiveServer(
        url=url,
        database_url=database_url,
        log=folder / "server.log",
        accounts=dict(demo_template.accounts),
    )
    world = World(database_url, smtp.port)
    world.app.config["SECRET_KEY"] = env["SECRET_KEY"]
    try:
        with run_gunicorn(env, port, server.log, workers=4, threads=2):
            yield Served(server, world)
            errors = server.errors_logged()
    finally:
        world.close()
    assert not errors, "the server logged unhandled errors:\n" + server.log_text()[-20000:]


@pytest.fixture
def watch(served: Served) -> Iterator[None]:
    """The test fails if the server logged a traceback while it ran."""
    log = LogWatch(served.server)
    yield
    log.assert_quiet()


# Made in the served database (committed), through the real services.


def _email() -> str:
    return f"step-{uuid4().hex[:12]}@example.org"


def person_with_app() -> tuple[str, str, int]:
    """A trainee with an authenticator app confirmed a step ago (the current step's code is
    unused): e-mail, secret, id."""
    user = make_user(Role.TRAINEE, email=_email())
    return user.email, confirmed_app(user), user.id


def person_with_recovery_codes() -> tuple[str, list[str], int]:
    """A trainee with an authenticator app and ten recovery codes: e-mail, codes, id."""
    user = make_user(Role.TRAINEE, email=_email())
    confirmed_app(user)
    return user.email, recovery.issue(user), user.id


def person_without_factor() -> tuple[str, int]:
    """A trainee who signs in with a password alone: e-mail, id."""
    user = make_user(Role.TRAINEE, email=_email())
    return user.email, user.id


def _audits(action: str, user_id: int) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == action, AuditEvent.subject_id == user_id)
    )


def _sessions(user_id: int) -> int:
    return db.session.scalar(
        select(func.count()).select_from(LoginSession).where(LoginSession.user_id == user_id)
    )


def _codes_left(user_id: int) -> int:
    user = db.session.get(User, user_id)
    assert user is not None
    return recovery.remaining(user)


def _passkeys(user_id: int) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Passkey).where(Passkey.user_id == user_id)
    )


# What a browser sees.


def _path(response: requests.Response) -> str:
    return urlsplit(response.headers.get("Location", "")).path


def at_second_step(server: LiveServer, email: str) -> Browser:
    """A browser whose right password led to the second step (and so is not signed in)."""
    browser = Browser(server.url)
    response = browser.submit("/login", "/login", {"email": email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302 and _path(response) == STEP, response.text[:2000]
    return browser


def signed_in(browser: Browser) -> bool:
    """Whether the browser is signed in: its account page opens, or it is sent to sign in."""
    response = browser.get("/account")
    if response.status_code == 200:
        return True
    assert response.status_code == 302 and _path(response) == "/login", response.status_code
    return False


def _text(body: str) -> str:
    return " ".join(BeautifulSoup(body, "lxml").get_text(" ").split())


def assert_house_page(response: requests.Response) -> None:
    """An HTML page of the site's own layout (header, stylesheet), with no trace."""
    assert response.headers.get("Content-Type", "").startswith("text/html"), response.headers
    body = response.text
    assert 'class="site-header"' in body and "attune.css" in body, body[:2000]
    assert not text_has_trace(body), body[:2000]


# 1. The same code from two browsers at once.


def test_the_same_app_code_sent_twice_at_once_signs_in_one_browser(served, smtp, watch):
    server, world = served.server, served.world
    for _ in range(ROUNDS):
        email, secret, user_id = world.make(person_with_app)
        first, second = at_second_step(server, email), at_second_step(server, email)
        code = code_now(secret)
        answers = fire(
            [Shot(first, STEP, STEP, {"code": code}), Shot(second, STEP, STEP, {"code": code})]
        )
        summary = [(a.status, a.text[:600]) for a in answers]
        assert sorted(a.status for a in answers) == [302, 422], summary
        browsers = dict(zip((a.status for a in answers), (first, second), strict=True))
        refused = next(a for a in answers if a.status == 422)
        assert refused.says(USED_ALREADY) and refused.says(CONFIRM_HEADING), summary
        # The winner is in the app; the other is still outside it.
        assert signed_in(browsers[302]) and not signed_in(browsers[422])
        assert world.read(_sessions, user_id) == 1
        assert world.read(_audits, "second_factor.code_replayed", user_id) == 1
        _told(smtp, email, "used a second time")


def _told(smtp: Inbox, address: str, words: str) -> None:
    """The owner was sent an e-mail saying `words` (mail may leave a moment after the page)."""
    deadline = time.monotonic() + 30
    while not any(words in smtp.body(m) for m in smtp.to(address)):
        assert time.monotonic() < deadline, f"no mail saying {words!r} reached {address}"
        time.sleep(0.2)


def test_the_same_recovery_code_sent_twice_at_once_signs_in_one_browser(served, watch):
    server, world = served.server, served.world
    for _ in range(ROUNDS):
        email, codes, user_id = world.make(person_with_recovery_codes)
        first, second = at_second_step(server, email), at_second_step(server, email)
        code = codes[0]
        answers = fire(
            [Shot(first, STEP, STEP, {"code": code}), Shot(second, STEP, STEP, {"code": code})]
        )
        summary = [(a.status, a.text[:600]) for a in answers]
        assert sorted(a.status for a in answers) == [302, 422], summary
        browsers = dict(zip((a.status for a in answers), (first, second), strict=True))
        refused = next(a for a in answers if a.status == 422)
        assert refused.says(NO_MATCH) and refused.says(CONFIRM_HEADING), summary
        assert signed_in(browsers[302]) and not signed_in(browsers[422])
        assert world.read(_sessions, user_id) == 1
        assert world.read(_codes_left, user_id) == len(codes) - 1
        assert world.read(_audits, "second_factor.recovery_code_used", user_id) == 1


# 2. Hostile bytes at the second step.


def _digits_in(script_zero: str, code: str) -> str:
    """The code written with another script's digits (its zero given)."""
    return "".join(chr(ord(script_zero) + int(d)) for d in code)


def test_hostile_codes_at_the_second_step_are_refused_in_the_house_style(served, watch):
    server, world = served.server, served.world
    email, secret, user_id = world.make(person_with_app)
    browser = at_second_step(server, email)
    right = code_now(secret)
    hostile = {
        "NUL": f"{right[:3]}\x00{right[3:]}",
        "100 kB": "7" * 100_000,
        "Arabic-Indic digits": _digits_in("\u0660", right),
        "Devanagari digits": _digits_in("\u0966", right),
        "full-width digits": _digits_in("\uff10", right),
        "Bengali digits": _digits_in("\u09e6", right),
    }
    token = browser.csrf_token(STEP)
    for label, code in hostile.items():
        response = browser.post(STEP, data={"csrf_token": token, "code": code})
        assert 400 <= response.status_code < 500, (label, response.status_code)
        assert_house_page(response)
        assert not signed_in(browser), label
    # Bytes that are not UTF-8, raw and percent-encoded, in the form body itself.
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    for label, raw in {
        "raw invalid UTF-8": b"\xff\xfe\xc3\x28" + right.encode(),
        "percent-encoded invalid UTF-8": b"%FF%FE%C3%28" + right.encode(),
        "overlong NUL": b"%C0%80" + right.encode(),
    }.items():
        body = b"csrf_token=" + token.encode() + b"&code=" + raw
        response = browser.post(STEP, data=body, headers=form)
        assert 400 <= response.status_code < 500, (label, response.status_code)
        assert_house_page(response)
        assert not signed_in(browser), label
    # Nothing was signed in, nor used up: the person is still waiting, and the right code
    # (the one written in other digits above) still finishes the step.
    assert world.read(_sessions, user_id) == 0
    assert world.read(_audits, "second_factor.code_replayed", user_id) == 0
    finished = browser.post(STEP, data={"csrf_token": token, "code": code_now(secret)})
    assert finished.status_code == 302 and _path(finished) != "/login", finished.text[:2000]
    assert signed_in(browser)


def test_each_hostile_code_is_refused_beside_the_field_not_as_an_error(served, watch):
    """The refusals above are the step page again (422) with a message, not a bare 400."""
    server, world = served.server, served.world
    email, secret, _user_id = world.make(person_with_app)
    browser = at_second_step(server, email)
    token = browser.csrf_token(STEP)
    expected = {
        "\x00123456": "invisible control character",
        "7" * 100_000: "longer than 64 characters",
        _digits_in("\u0660", code_now(secret)): NO_MATCH,
    }
    for code, message in expected.items():
        response = browser.post(STEP, data={"csrf_token": token, "code": code})
        page = _text(response.text)
        assert response.status_code == 422, (code[:20], response.status_code)
        assert CONFIRM_HEADING in page and message in page, page[:1000]


# 3. Garbage at the passkey endpoints.

JSON = {"Content-Type": "application/json"}
GARBAGE: dict[str, tuple[bytes, dict[str, str]]] = {
    "not JSON": (b"this is not JSON {", JSON),
    "unclosed nesting": (b"[" * 5000, JSON),
    "deep nesting": (b"[" * 5000 + b"]" * 5000, JSON),
    "deep nesting inside": (b'{"credential": ' + b"[" * 5000 + b"]" * 5000 + b"}", JSON),
    "70 kB": (json.dumps({"name": "x", "credential": {"id": "A" * 70_000}}).encode(), JSON),
    "not an object": (b'"a string"', JSON),
    "invalid UTF-8": (b'{"credential": "\xff\xfe"}', JSON),
    "empty": (b"", JSON),
    "plain text": (b'{"name": "x", "credential": {"id": "AAAA"}}', {"Content-Type": "text/plain"}),
    "form": (b"name=x&credential=AAAA", {"Content-Type": "application/x-www-form-urlencoded"}),
    "multipart": (
        b"--b\r\nContent-Disposition: form-data; name=credential\r\n\r\n{}\r\n--b--\r\n",
        {"Content-Type": "multipart/form-data; boundary=b"},
    ),
}
# Nesting around Python's recursion limit (1000 frames, the server's own stack included): the
# depths where decoding the body, or re-encoding the credential, would give out first.
for _depth in (900, 950, 975, 990, 1000):
    GARBAGE[f"{_depth} deep"] = (
        b'{"name": "x", "credential": ' + b"[" * _depth + b"]" * _depth + b"}",
        JSON,
    )


def _data_csrf(browser: Browser, page: str) -> str:
    """The CSRF token a page gives static/passkeys.js (data-csrf)."""
    soup = BeautifulSoup(browser.get(page).text, "lxml")
    found = soup.find(attrs={"data-csrf": True})
    assert found is not None, f"no data-csrf on {page}"
    return str(found["data-csrf"])


def _garbage_refused(browser: Browser, token: str, options: str, action: str) -> list[str]:
    """Each garbage body, sent after fresh options, answered with 4xx JSON with an error that
    shows the body was read (the challenge was there); what went wrong, if anything."""
    wrong = []
    for label, (body, headers) in GARBAGE.items():
        asked = browser.post(options, headers={"X-CSRFToken": token})
        assert asked.status_code == 200 and "challenge" in asked.json(), asked.text[:500]
        response = browser.post(action, data=body, headers={"X-CSRFToken": token, **headers})
        try:
            error = response.json().get("error")
        except ValueError:
            error = None
        if not (
            400 <= response.status_code < 500
            and response.headers.get("Content-Type", "").startswith("application/json")
            and isinstance(error, str)
            and error
            and EXPIRED not in error
            and not text_has_trace(response.text)
        ):
            wrong.append(f"{label}: {response.status_code} {response.text[:200]!r}")
    return wrong


def test_garbage_at_passkey_sign_in_is_refused_as_json(served, watch):
    server = served.server
    browser = Browser(server.url)
    token = _data_csrf(browser, "/login")
    wrong = _garbage_refused(browser, token, "/login/passkey/options", "/login/passkey")
    assert not wrong, "\n".join(wrong)
    assert not signed_in(browser)


def test_garbage_at_passkey_sign_in_at_the_second_step_is_refused_as_json(served, watch):
    server, world = served.server, served.world
    email, _secret, user_id = world.make(person_with_app)
    browser = at_second_step(server, email)
    token = browser.csrf_token(STEP)
    wrong = _garbage_refused(browser, token, "/login/passkey/options", "/login/passkey")
    assert not wrong, "\n".join(wrong)
    assert not signed_in(browser)
    assert world.read(_sessions, user_id) == 0


def test_garbage_at_passkey_registration_is_refused_as_json(served, watch):
    server, world = served.server, served.world
    email, user_id = world.make(person_without_factor)
    browser = Browser(server.url)
    browser.sign_in(email, DEFAULT_PASSWORD)
    security = "/account/security"
    token = _data_csrf(browser, security)
    wrong = _garbage_refused(
        browser, token, "/account/security/passkeys/options", "/account/security/passkeys"
    )
    assert not wrong, "\n".join(wrong)
    assert signed_in(browser)
    assert world.read(_passkeys, user_id) == 0


def test_the_passkey_endpoints_refuse_a_post_without_the_csrf_header(served, watch):
    """The header the tests above send is what lets them through: without it, the same garbage
    is refused before any body is read (so the garbage tests did reach the parser)."""
    browser = Browser(served.server.url)
    browser.get("/login")
    asked = browser.post("/login/passkey/options")
    assert asked.status_code == 400
    response = browser.post("/login/passkey", data=b"[" * 5000, headers=JSON)
    assert response.status_code == 400
    assert "The form had expired" in _text(response.text)
