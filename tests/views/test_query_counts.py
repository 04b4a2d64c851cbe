"""Pages issue the same number of queries whatever the amount of data (no N+1)."""

from collections.abc import Callable
from datetime import date, timedelta

import pytest

from app.models import CaseSetting, ConsentScope, Enrolment, FilmKind, Role
from app.services.evidence import cases, films, reflections
from app.services.supervision import sessions as supervision
from app.services.supervision.sessions import SessionDetails
from tests.builders.people import enrolled_trainee, make_user
from tests.builders.web import committed, sign_in
from tests.query_counter import count_queries

TODAY = date(2026, 11, 24)


def _record(enrolment: Enrolment, n: int) -> int:
    """n cases with a complete cycle and a film with a moment; n sessions; n reflections."""
    trainee = enrolment.trainee
    supervisor = enrolment.current_assignment.supervisor
    principle = enrolment.scheme.framework.principles[0]
    first_film = None
    for i in range(n):
        start = date(2026, 2, 1) + timedelta(days=i)
        case = cases.create_case(
            trainee, enrolment, CaseSetting.FAMILY, "", "", "", start, None, TODAY
        )
        consent = cases.add_consent(
            trainee,
            case,
            "parent",
            start,
            {ConsentScope.FILMING, ConsentScope.OWN_SUPERVISOR},
            None,
            TODAY,
        )
        cycle = films.save_cycle(
            trainee, case, start, True, start + timedelta(days=3), False, "", TODAY
        )
        film = films.save_film(
            trainee, cycle, FilmKind.INTERACTION, start, 900, "drive", consent, TODAY
        )
        first_film = first_film or film
        films.add_moment(trainee, first_film, i * 1000, i * 1000 + 500, principle, None, "")
        session = supervision.save_session(
            trainee,
            enrolment,
            SessionDetails(supervisor, start, 60, False, False, False, "", "", ""),
            TODAY,
        )
        if i % 2:
            supervision.confirm_session(supervisor, session)
        reflections.write_reflection(trainee, enrolment, start, f"R{i}", "text", False, TODAY)
    return first_film.id


def _world(app, n: int) -> dict[str, object]:
    with committed(app):
        enrolment = enrolled_trainee()
        film_id = _record(enrolment, n)
        supervisor = enrolment.current_assignment.supervisor
        for _ in range(n - 1):
            other = enrolled_trainee()
            other.assignments[0].supervisor = supervisor
        coordinator = make_user(Role.COORDINATOR)
        return {
            "enrolment": enrolment.id,
            "film": film_id,
            "trainee": enrolment.trainee.email,
            "supervisor": supervisor.email,
            "coordinator": coordinator.email,
        }


PAGES: list[tuple[str, Callable[[dict], str]]] = [
    ("trainee", lambda w: "/"),
    ("supervisor", lambda w: "/"),
    ("coordinator", lambda w: "/"),
    ("trainee", lambda w: f"/enrolments/{w['enrolment']}"),
    ("trainee", lambda w: f"/enrolments/{w['enrolment']}/cases"),
    ("trainee", lambda w: f"/enrolments/{w['enrolment']}/sessions"),
    ("supervisor", lambda w: f"/enrolments/{w['enrolment']}/reflections"),
    ("trainee", lambda w: f"/films/{w['film']}"),
    ("coordinator", lambda w: "/enrolments"),
    ("coordinator", lambda w: "/people"),
]


def _statements(app, n: int, who: str, page: Callable[[dict], str]) -> list[str]:
    """The statements of one page, opened by `who` in a world of `n` records of each kind."""
    world = _world(app, n)
    client = app.test_client()
    sign_in(client, world[who])
    path = page(world)
    with count_queries(app) as statements:
        response = client.get(path)
    assert response.status_code == 200, path
    return statements


def _queries(app, schemes_loaded, n: int, who: str, page: Callable[[dict], str]) -> int:
    return len(_statements(app, n, who, page))


@pytest.mark.parametrize(("who", "page"), PAGES, ids=[f"{w}:{i}" for i, (w, _) in enumerate(PAGES)])
def test_same_number_of_queries_for_1_and_50_records(app, schemes, who, page):
    one = _queries(app, schemes, 1, who, page)
    fifty = _queries(app, schemes, 50, who, page)
    assert fifty == one, f"{one} queries with 1 record, {fifty} with 50"


@pytest.mark.parametrize("tab", ["cases", "sessions", "reflections", "ratings"])
def test_an_enrolment_tab_loads_its_trainee_and_scheme_with_the_enrolment(app, schemes, tab):
    """The tabs name the trainee and the scheme: both come in the statement that loads the
    enrolment, not in one statement each afterwards (seen by a coordinator, for whom the trainee
    is nobody already loaded)."""
    statements = _statements(app, 1, "coordinator", lambda w: f"/enrolments/{w['enrolment']}/{tab}")
    by_key = [
        s
        for s in statements
        if s.startswith("SELECT")
        and ("FROM schemes \nWHERE schemes.id =" in s or "FROM users \nWHERE users.id =" in s)
    ]
    assert by_key == []
    assert any("FROM enrolments JOIN users" in s and "JOIN schemes" in s for s in statements)


def test_an_enrolment_page_loads_its_stages_and_assignments_with_it(app, schemes):
    """Its own page loads the enrolment with its stages and assignments in one statement (an
    enrolment has a few of each), not one statement more for each collection."""
    statements = _statements(app, 2, "coordinator", lambda w: f"/enrolments/{w['enrolment']}")
    loading = [s for s in statements if s.startswith("SELECT enrolments.id")]
    assert len(loading) == 1
    assert "enrolment_stages AS enrolment_stages_1" in loading[0]
    assert "supervisor_assignments AS supervisor_assignments_1" in loading[0]
    # What a collection's own (selectin) load would send: the foreign key, then the key.
    by_collection = [
        s
        for s in statements
        if s.startswith(
            (
                "SELECT enrolment_stages.enrolment_id, enrolment_stages.id",
                "SELECT supervisor_assignments.enrolment_id, supervisor_assignments.id",
            )
        )
    ]
    assert by_collection == []


def test_a_film_page_loads_its_moments_and_replies_with_the_film(app, schemes):
    """A film's moments and their replies come in the statement that loads the film."""
    statements = _statements(app, 3, "trainee", lambda w: f"/films/{w['film']}")
    (loading,) = [s for s in statements if s.startswith("SELECT films.id")]
    assert "moments AS moments_1" in loading
    assert "moment_replies AS moment_replies_1" in loading
    assert not [
        s for s in statements if s.startswith(("SELECT moments.", "SELECT moment_replies."))
    ]
