"""Hostile input through the test client: NUL, huge, script, right-to-left override and Greek
case variants in a representative set of forms and public addresses. Never a 5xx; a refused
value is explained beside its field and nothing is saved; script is never echoed unescaped."""

import re
from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, Cohort, Film, Role, User
from tests.builders.evidence import build_world
from tests.builders.people import DEFAULT_PASSWORD, make_user
from tests.builders.web import client_as, committed

NUL = "a\x00b"
HUGE = "x" * 100_000
SCRIPT = "<script>alert(1)</script>"
RTL = "rtl \u202egnp.exe"
GREEK = "ΩΜΈΓΑ ωμέγα"
PAYLOADS = {"nul": NUL, "huge": HUGE, "script": SCRIPT, "rtl": RTL, "greek": GREEK}
CONTROL_MESSAGE = "invisible control character"


@pytest.fixture
def world(app, schemes):
    with committed(app):
        built = build_world()
        film = db.session.get(Film, built.film_id)
        principle = film.cycle.case.enrolment.scheme.framework.principles[0]
        trainee = db.session.scalar(select(User).where(User.email == built.trainee))
        return {
            "enrolment": built.enrolment_id,
            "case": built.case_id,
            "cycle": built.cycle_id,
            "film": built.film_id,
            "consent": built.consent_id,
            "principle": principle.id,
            "trainee_id": trainee.id,
            "trainee": built.trainee,
            "coordinator": built.coordinator,
        }


# (who, address, what is sent with "@" where the hostile value goes, the field it goes in)
FORMS = {
    "account-name": (
        "coordinator",
        "/account",
        {"display_name": "@", "timezone": "Europe/London", "notify_by": "immediate"},
    ),
    "invite-name": (
        "coordinator",
        "/people/invite",
        {"email": "new@example.org", "display_name": "@", "roles": "trainee"},
    ),
    "invite-email": (
        "coordinator",
        "/people/invite",
        {"email": "@", "display_name": "New Person", "roles": "trainee"},
    ),
    "cohort-name": ("coordinator", "/cohorts/new", {"name": "@", "kind": "course"}),
    "cohort-description": (
        "coordinator",
        "/cohorts/new",
        {"name": "Leeds", "kind": "course", "description": "@"},
    ),
    "pause-reason": (
        "coordinator",
        "/enrolments/{enrolment}/pauses/new",
        {"starts_on": "2026-03-01", "ends_on": "2026-03-10", "reason": "@"},
    ),
    "deactivate-reason": ("coordinator", "/people/{trainee_id}/deactivate", {"reason": "@"}),
    "reflection-title": (
        "trainee",
        "/enrolments/{enrolment}/reflections/new",
        {"title": "@", "body": "What went well", "written_on": "2026-11-20", "about": ""},
    ),
    "reflection-body": (
        "trainee",
        "/enrolments/{enrolment}/reflections/new",
        {"title": "", "body": "@", "written_on": "2026-11-20", "about": ""},
    ),
    "consent-given-by": (
        "trainee",
        "/cases/{case}/consents/new",
        {"given_by_role": "@", "given_on": "2026-02-01", "scopes": "filming"},
    ),
    "film-kept-at": (
        "trainee",
        "/films/{film}/edit",
        {
            "kind": "interaction",
            "recorded_on": "2026-02-10",
            "length": "10:00",
            "kept_at": "@",
            "consent": "{consent}",
        },
    ),
    "moment-note": (
        "trainee",
        "/films/{film}/moments",
        {"start": "0:10", "end": "0:20", "principle": "{principle}", "note": "@"},
    ),
    "cycle-notes": (
        "trainee",
        "/cycles/{cycle}/edit",
        {"filmed_on": "2026-02-10", "shared_review_on": "2026-02-14", "notes": "@"},
    ),
}


def _field(data: dict[str, str]) -> str:
    return next(name for name, value in data.items() if value == "@")


def _fill(data: dict[str, str], world: dict[str, object], value: str) -> dict[str, str]:
    return {k: value if v == "@" else v.format(**world) for k, v in data.items()}


def _audit_count(app) -> int:
    with committed(app):
        return db.session.scalar(select(func.count(AuditEvent.id)))


def _error_beside(page: str, field: str) -> str:
    found = re.search(rf'<p class="error" id="{field}-error">(.*?)</p>', page, re.S)
    return found.group(1) if found else ""


def _assert_safe(response) -> str:
    page = response.get_data(as_text=True)
    assert response.status_code < 500, page[:2000]
    assert SCRIPT not in page
    return page


@pytest.mark.parametrize("form", FORMS)
def test_forms_never_fail_on_hostile_text(app, world, form):
    who, address, data = FORMS[form]
    client = client_as(app, world[who])
    for payload in PAYLOADS.values():
        response = client.post(address.format(**world), data=_fill(data, world, payload))
        _assert_safe(response)


@pytest.mark.parametrize("form", FORMS)
def test_refused_text_is_explained_beside_its_field_and_nothing_is_saved(app, world, form):
    who, address, data = FORMS[form]
    client = client_as(app, world[who])
    before = _audit_count(app)
    for payload, message in ((NUL, CONTROL_MESSAGE), (HUGE, "characters")):
        response = client.post(address.format(**world), data=_fill(data, world, payload))
        page = _assert_safe(response)
        assert response.status_code == 422
        assert message in _error_beside(page, _field(data))
    assert _audit_count(app) == before


def test_a_name_with_a_direction_override_is_kept_without_it(app, world):
    client = client_as(app, world["coordinator"])
    data = {"display_name": RTL, "timezone": "Europe/London", "notify_by": "immediate"}
    assert client.post("/account", data=data).status_code == 302
    with committed(app):
        me = db.session.scalar(select(User).where(User.email == world["coordinator"]))
        assert me.display_name == "rtl gnp.exe"


@pytest.mark.parametrize(
    ("first", "second"), [("Ωμέγα", "ωμέγα"), ("ΩΜΈΓΑΣ", "ωμέγας"), ("Straße", "STRASSE")]
)
def test_cohort_names_differing_only_in_case_are_one_name(app, world, first, second):
    client = client_as(app, world["coordinator"])
    assert client.post("/cohorts/new", data={"name": first, "kind": "course"}).status_code == 302
    again = client.post("/cohorts/new", data={"name": second, "kind": "region"})
    page = _assert_safe(again)
    assert again.status_code == 422
    assert "Another cohort already has this name." in _error_beside(page, "name")
    with committed(app):
        assert db.session.scalar(select(func.count(Cohort.id))) == 1


@pytest.mark.parametrize("email", ["Ωμέγα@example.org", "ωμέγα@example.org", "dmitri@пример.рф"])
def test_an_address_no_mail_server_can_take_is_refused_beside_the_field(app, world, email):
    client = client_as(app, world["coordinator"])
    data = {"email": email, "display_name": "Omega", "roles": "trainee"}
    response = client.post("/people/invite", data=data)
    page = _assert_safe(response)
    if email.startswith("dmitri"):  # an internationalised domain is written in ASCII to send
        assert response.status_code == 302
        return
    assert response.status_code == 422
    assert "Latin letters" in _error_beside(page, "email")
    with committed(app):
        assert db.session.scalar(select(User.id).where(User.display_name == "Omega")) is None


def test_an_exception_reason_is_checked_like_any_text(app, world):
    client = client_as(app, world["coordinator"])
    address = f"/enrolments/{world['enrolment']}/meeting-request"
    for reason in (NUL, HUGE):
        response = client.post(address, data={"reason": reason})
        assert response.status_code == 302
        assert response.headers["Location"] == f"/enrolments/{world['enrolment']}"
    page = _assert_safe(client.get(f"/enrolments/{world['enrolment']}"))
    assert CONTROL_MESSAGE in page


# Addresses anyone may open, with the hostile value in the path or in the query.
PUBLIC_PATHS = [
    "/verify/{}",
    "/verify/{}.json",
    "/open-badges/credentials/{}",
    "/open-badges/issuers/{}",
    "/invite/{}",
    "/password/reset/{}",
]
PUBLIC_QUERIES = ["/register?q={}", "/login?next={}", "/verify/AB12-CD34?x={}"]


@pytest.mark.parametrize("address", PUBLIC_PATHS + PUBLIC_QUERIES)
def test_public_addresses_never_fail_on_hostile_values(app, address):
    for payload in PAYLOADS.values():
        _assert_safe(app.test_client().get(address.format(quote(payload, safe=""))))


@pytest.mark.parametrize("control", ["%00", "%01", "%0A", "%1F", "%7F", "%C2%85"])
@pytest.mark.parametrize("address", PUBLIC_PATHS)
def test_a_control_character_in_the_path_is_not_found(app, address, control):
    response = app.test_client().get(address.format(f"AB{control}CD"))
    assert response.status_code == 404
    assert "<h1>Not found</h1>" in response.get_data(as_text=True)


@pytest.mark.parametrize("control", ["%00", "%01", "%09", "%0D%0A", "%7F"])
@pytest.mark.parametrize("address", PUBLIC_QUERIES)
def test_a_control_character_in_the_query_is_a_bad_request(app, address, control):
    response = app.test_client().get(address.format(f"ab{control}c"))
    assert response.status_code == 400
    assert "<h1>Bad request</h1>" in response.get_data(as_text=True)


def test_a_control_character_in_a_query_argument_name_is_a_bad_request(app):
    assert app.test_client().get("/register?a%00b=1").status_code == 400


@pytest.mark.parametrize(
    "address",
    [
        "/films/99999999999999999999",
        "/films/2147483648",
        "/people/2147483648",
        "/cohorts/2147483648/edit",
        "/certificates/2147483648/pdf",
        "/?page=2147483648",
        "/people?page=99999999999999999999",
        "/cohorts?page=2147483648",
        "/enrolments?page=2147483648",
        "/coordination/at-risk?page=2147483648",
    ],
)
def test_a_number_beyond_any_the_database_holds_is_not_found(app, world, address):
    response = client_as(app, world["coordinator"]).get(address)
    assert response.status_code == 404
    assert "<h1>Not found</h1>" in response.get_data(as_text=True)


def test_the_largest_number_is_still_looked_up(app, world):
    client = client_as(app, world["coordinator"])
    assert client.get("/films/2147483647").status_code == 404
    assert client.get("/people?page=2147483647").status_code == 200


@pytest.mark.parametrize(
    ("who", "address"),
    [
        ("coordinator", "/people?q={}"),
        ("coordinator", "/people?role={}&account={}&sort={}"),
        ("coordinator", "/cohorts?q={}"),
        ("coordinator", "/enrolments?q={}&sort={}"),
        ("coordinator", "/coordination/at-risk?q={}&reason={}"),
        ("trainee", "/?page={}"),
    ],
)
def test_signed_in_lists_never_fail_on_hostile_queries(app, world, who, address):
    client = client_as(app, world[who])
    for name, payload in PAYLOADS.items():
        response = client.get(address.replace("{}", quote(payload, safe="")))
        _assert_safe(response)
        assert response.status_code == 400 if name == "nul" else 200


@pytest.mark.parametrize(
    "query",
    [
        "endpoint=home.index&_external=1&_scheme=javascript&_anchor=x",
        "_method=POST&values=1&page=1",
        "cohort_id=999999&sort=-trainee",
    ],
)
def test_query_arguments_named_like_link_settings_stay_in_the_query(app, world, query):
    """A list links to itself with its query kept: arguments named like url_for's own
    (`endpoint`, `_external`, `_scheme`, ...) or like the page's view arguments are the query
    string's, never the link's settings (a 500, an external link, another record's page)."""
    client = client_as(app, world["coordinator"])
    path = client.post("/cohorts/new", data={"name": "Links", "kind": "course"}).location
    client.post(f"{path}/members", data={"addresses": world["trainee"]})
    for address in (f"{path}?{query}", f"/people?{query}", f"/coordination/at-risk?{query}"):
        response = client.get(address)
        _assert_safe(response)
        assert response.status_code == 200
        links = re.findall(r'href="([^"]+)"', response.get_data(as_text=True))
        own = [link for link in links if link.startswith(address.split("?")[0] + "?")]
        assert own, f"{address} links to itself with its query"
        assert all(query.split("&")[0] in link for link in own if "export" not in link)
        assert not [link for link in links if link.startswith(("http", "javascript", "//"))]
        assert not [link for link in links if "999999" in link.split("?")[0]]


@pytest.mark.parametrize("field", ["email", "password"])
def test_sign_in_and_reset_forms_never_fail_on_hostile_text(app, world, field):
    client = app.test_client()
    for name, payload in PAYLOADS.items():
        data = {"email": world["trainee"], "password": "wrong password"} | {field: payload}
        response = client.post("/login", data=data)
        page = _assert_safe(response)
        assert response.status_code == 422
        if name == "nul":
            assert CONTROL_MESSAGE in _error_beside(page, field)
        _assert_safe(client.post("/password/forgot", data={field: payload}))


@pytest.fixture
def member(app):
    with committed(app):
        return make_user(Role.TRAINEE, email="tess@example.org").email


def _sign_in_with_next(app, next_arg: str):
    data = {"email": "tess@example.org", "password": DEFAULT_PASSWORD}
    return app.test_client().post(f"/login?next={next_arg}", data=data)


@pytest.mark.parametrize(
    "next_arg",
    [
        "/%0a/x",
        "/%09/evil.example/",
        "/%0d%0a/evil.example",
        "%09//evil.example",
        "/%00/x",
        "//evil.example",
        "%2F%2Fevil.example",
        "/%5Cevil.example",
        "%5C%5Cevil.example",
        "/%5C/evil.example",
        "/%252F/evil.example",
        "/%255Cevil.example",
        "/%2509/evil.example",
        "https://evil.example",
        "https:evil.example",
        "https%3A%2F%2Fevil.example",
        "http:/evil.example",
        "javascript:alert(1)",
        "evil.example",
        "%20//evil.example",
    ],
)
def test_signing_in_with_a_hostile_next_stays_on_the_site(app, member, next_arg):
    response = _sign_in_with_next(app, next_arg)
    # A control character in the address is refused before sign-in; anything else signs in
    # and goes home.
    assert response.status_code in (302, 400)
    if response.status_code == 302:
        assert response.headers["Location"] == "/"


@pytest.mark.parametrize(
    ("next_arg", "location"),
    [("/people", "/people"), ("%2Fpeople%3Fq%3D%C5%81ucja", "/people?q=%C5%81ucja")],
)
def test_signing_in_returns_to_the_page_asked_for(app, member, next_arg, location):
    response = _sign_in_with_next(app, next_arg)
    assert response.status_code == 302
    assert response.headers["Location"] == location
