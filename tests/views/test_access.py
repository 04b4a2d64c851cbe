"""Who reaches which page: a table over routes and people, and every route declares its rule."""

from datetime import date

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Framework, Role
from app.services.people import enrolments
from tests.builders.people import current_scheme, make_user, stage_of
from tests.builders.web import committed, sign_in

PEOPLE = (
    "anonymous",
    "trainee_a",
    "trainee_b",
    "past_supervisor",
    "supervisor",
    "other_supervisor",
    "coordinator",
)
EVERYONE = {p: 200 for p in PEOPLE if p != "anonymous"} | {"anonymous": 302}
COORDINATORS_ONLY = {p: 403 for p in PEOPLE} | {"anonymous": 302, "coordinator": 200}
ENROLMENT_A = {
    "anonymous": 302,
    "trainee_a": 200,
    "trainee_b": 404,
    "past_supervisor": 200,
    "supervisor": 200,
    "other_supervisor": 404,
    "coordinator": 200,
}

ROUTES = [
    ("get", "/", EVERYONE),
    ("get", "/account", EVERYONE),
    ("get", "/schemes", EVERYONE),
    ("get", "/schemes/{scheme}", EVERYONE),
    ("get", "/schemes/frameworks/{framework}", EVERYONE),
    ("get", "/people", COORDINATORS_ONLY),
    ("get", "/people/invite", COORDINATORS_ONLY),
    ("get", "/people/{trainee_b}", COORDINATORS_ONLY),
    ("post", "/people/{trainee_b}/reinvite", COORDINATORS_ONLY | {"coordinator": 302}),
    ("post", "/people/{trainee_b}/data", COORDINATORS_ONLY),
    ("get", "/retention", COORDINATORS_ONLY),
    ("get", "/enrolments", COORDINATORS_ONLY),
    ("get", "/enrolments/new/{trainee_b}", COORDINATORS_ONLY),
    ("get", "/enrolments/{enrolment_a}", ENROLMENT_A),
    ("get", "/enrolments/{enrolment_a}/supervisor", COORDINATORS_ONLY),
    ("post", "/enrolments/{enrolment_a}/supervisor", COORDINATORS_ONLY | {"coordinator": 422}),
]


@pytest.fixture
def world(app, schemes):
    """Two trainees; trainee A changed supervisor once; one unrelated supervisor."""
    with committed(app):
        scheme = current_scheme()
        people = {
            "trainee_a": make_user(Role.TRAINEE, email="trainee_a@example.org"),
            "trainee_b": make_user(Role.TRAINEE, email="trainee_b@example.org"),
            "past_supervisor": make_user(Role.SUPERVISOR, email="past_supervisor@example.org"),
            "supervisor": make_user(Role.SUPERVISOR, email="supervisor@example.org"),
            "other_supervisor": make_user(Role.SUPERVISOR, email="other_supervisor@example.org"),
            "coordinator": make_user(Role.COORDINATOR, email="coordinator@example.org"),
        }
        stage_one = stage_of(scheme, 1)
        today = date(2026, 6, 1)
        enrolment_a = enrolments.enrol(
            people["coordinator"],
            people["trainee_a"],
            scheme,
            date(2026, 1, 5),
            stage_one,
            people["past_supervisor"],
            today,
        )
        enrolments.change_supervisor(
            people["coordinator"], enrolment_a, people["supervisor"], date(2026, 3, 1), today
        )
        enrolments.enrol(
            people["coordinator"],
            people["trainee_b"],
            scheme,
            date(2026, 2, 1),
            stage_one,
            people["other_supervisor"],
            today,
        )
        ids = {name: person.id for name, person in people.items()}
        ids |= {
            "enrolment_a": enrolment_a.id,
            "scheme": scheme.id,
            "framework": db.session.scalars(select(Framework.id)).first(),
        }
    return ids


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize(
    ("method", "path", "expected"), ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES]
)
def test_each_person_reaches_only_their_pages(client, world, who, method, path, expected):
    if who != "anonymous":
        sign_in(client, f"{who}@example.org")
    response = getattr(client, method)(path.format(**world))
    assert response.status_code == expected[who]
    if expected[who] == 302 and who == "anonymous":
        assert response.headers["Location"].startswith("/login")


def test_guessed_ids_answer_404_even_for_coordinators(client, world):
    sign_in(client, "coordinator@example.org")
    for path in (
        "/enrolments/99999",
        "/people/99999",
        "/schemes/99999",
        "/schemes/frameworks/99999",
        "/enrolments/new/99999",
    ):
        assert client.get(path).status_code == 404, path


def test_menus_hide_what_the_person_may_not_use(client, world):
    sign_in(client, "trainee_a@example.org")
    home = client.get("/").get_data(as_text=True)
    assert 'href="/people"' not in home
    page = client.get(f"/enrolments/{world['enrolment_a']}").get_data(as_text=True)
    assert "Change own supervisor" not in page
    client.post("/logout")
    sign_in(client, "coordinator@example.org")
    assert 'href="/people"' in client.get("/").get_data(as_text=True)
    page = client.get(f"/enrolments/{world['enrolment_a']}").get_data(as_text=True)
    assert "Change own supervisor" in page


def test_every_route_declares_its_permission(app):
    undeclared = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        and not hasattr(app.view_functions[rule.endpoint], "authz_action")
    ]
    assert undeclared == []
