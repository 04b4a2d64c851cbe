"""Trainees write reflections, private until they share them with their supervisors."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Case, CaseSetting, Enrolment, Reflection
from app.services.evidence import cases, reflections
from app.services.supervision import sessions
from app.services.supervision.sessions import SessionDetails
from tests.builders.people import enrolled_trainee
from tests.builders.web import committed, sign_in
from tests.query_counter import count_queries

TODAY = date(2026, 11, 24)


@pytest.fixture
def world(app, schemes):
    """Trainee A with a case and a logged session; trainee B; their supervisors."""
    with committed(app):
        a, b = enrolled_trainee(), enrolled_trainee()
        supervisor = a.current_assignment.supervisor
        case = cases.create_case(
            a.trainee, a, CaseSetting.SCHOOL, "", "", "", date(2026, 2, 1), None, TODAY
        )
        details = SessionDetails(supervisor, date(2026, 3, 2), 60, False, False, False, "", "", "")
        session = sessions.save_session(a.trainee, a, details, TODAY)
        return SimpleNamespace(
            enrolment=a.id,
            trainee=a.trainee.email,
            supervisor=supervisor.email,
            trainee_b=b.trainee.email,
            other_supervisor=b.current_assignment.supervisor.email,
            case=case.id,
            case_code=case.code,
            session=session.id,
        )


def _write(app, world, n: int = 0, private: bool = True) -> int:
    with committed(app):
        enrolment = db.session.get(Enrolment, world.enrolment)
        about = [None, db.session.get(Case, world.case)][n % 2]
        return reflections.write_reflection(
            enrolment.trainee,
            enrolment,
            date(2026, 3, 1) + timedelta(days=n),
            f"Thoughts {n:02d}",
            "I waited longer today.",
            private,
            TODAY,
            about,
        ).id


def _new(client, world, **changes):
    data = {
        "title": "After supervision",
        "body": "I noticed how much I talk.",
        "written_on": "2026-03-03",
        "private": "y",
        "about": f"session-{world.session}",
    } | changes
    return client.post(f"/enrolments/{world.enrolment}/reflections/new", data=data)


def test_private_reflection_is_hidden_from_the_supervisor_until_shared(app, client, world):
    sign_in(client, world.trainee)
    form = client.get(f"/enrolments/{world.enrolment}/reflections/new").get_data(as_text=True)
    assert world.case_code in form and 'checked id="private"' in form
    response = _new(client, world)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "After supervision" in page and "Private" in page and "about the session" in page
    with committed(app):
        reflection_id = db.session.scalar(select(Reflection.id))

    client.post("/logout")
    sign_in(client, world.supervisor)
    listing = f"/enrolments/{world.enrolment}/reflections"
    assert "After supervision" not in client.get(listing).get_data(as_text=True)
    assert client.post(f"/reflections/{reflection_id}/share").status_code == 404

    client.post("/logout")
    sign_in(client, world.trainee)
    assert client.post(f"/reflections/{reflection_id}/share").status_code == 302
    page = client.get(listing).get_data(as_text=True)
    assert "Shared with your supervisors." in page and "Share with my supervisors" not in page
    assert client.post(f"/reflections/{reflection_id}/share").status_code == 302
    assert "already shared" in client.get(listing).get_data(as_text=True)

    client.post("/logout")
    sign_in(client, world.supervisor)
    page = client.get(listing).get_data(as_text=True)
    assert "After supervision" in page and "Shared" in page


def test_unticking_private_shares_at_once(client, world):
    sign_in(client, world.trainee)
    data = {"private": "", "about": f"case-{world.case}"}
    assert _new(client, world, **data).status_code == 302
    client.post("/logout")
    sign_in(client, world.supervisor)
    page = client.get(f"/enrolments/{world.enrolment}/reflections").get_data(as_text=True)
    assert "After supervision" in page and f"about case {world.case_code}" in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"body": ""}, "body", "Write something to keep."),
        ({"written_on": "2099-01-01"}, "written_on", "cannot be in the future"),
        ({"about": "case-99999"}, "about", "Not a valid choice"),
        ({"title": "x" * 121}, "title", "120 characters"),
    ],
)
def test_bad_reflections_are_shown_beside_the_field(app, client, world, changes, field, message):
    sign_in(client, world.trainee)
    response = _new(client, world, **changes)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page and message in page
    with committed(app):
        assert db.session.scalar(select(func.count()).select_from(Reflection)) == 0


def test_identifying_text_must_be_rephrased_or_confirmed(client, world):
    sign_in(client, world.trainee)
    body = {"body": "Born on a Tuesday, Jamie Smith laughs."}
    response = _new(client, world, **body)
    assert response.status_code == 422 and "Jamie Smith" in response.get_data(as_text=True)
    assert _new(client, world, confirm_identifying="y", **body).status_code == 302


@pytest.mark.parametrize("who", ["trainee_b", "other_supervisor", "supervisor"])
def test_others_cannot_reach_or_share_reflections(app, client, world, who):
    private, shared = _write(app, world), _write(app, world, 1, private=False)
    sign_in(client, getattr(world, who))
    base = f"/enrolments/{world.enrolment}/reflections"
    stranger = who != "supervisor"
    assert client.get(base).status_code == (404 if stranger else 200)
    # Recording is for trainees: the role check answers 403 before anything is looked up.
    expected_new = 404 if who == "trainee_b" else 403
    assert client.get(f"{base}/new").status_code == expected_new
    assert _new(client, world).status_code == expected_new
    assert client.post(f"/reflections/{private}/share").status_code == 404
    assert client.post(f"/reflections/{shared}/share").status_code == (404 if stranger else 403)
    assert client.post("/reflections/99999/share").status_code == 404
    with committed(app):
        assert db.session.get(Reflection, private).private


def test_list_page_uses_the_same_queries_for_1_and_30_reflections(app, client, world):
    sign_in(client, world.trainee)
    path = f"/enrolments/{world.enrolment}/reflections"
    _write(app, world, 1)
    with count_queries(app) as one:
        assert client.get(path).status_code == 200
    for n in range(29):
        _write(app, world, n, private=bool(n % 3))
    with count_queries(app) as thirty:
        page = client.get(path).get_data(as_text=True)
    assert "Page 1 of 2" in page and "Share with my supervisors" in page
    assert one and len(one) == len(thirty)


def test_each_reflection_names_its_author_case_and_session_and_offers_only_what_is_allowed(
    app, client, world
):
    """The list reads rows of columns: each shows its author's name, its case's code with the
    trainee's label, a link to its session; the trainee may share and delete their private
    reflection, the supervisor neither on the shared one they may read."""
    with committed(app):
        enrolment = db.session.get(Enrolment, world.enrolment)
        labelled = cases.create_case(
            enrolment.trainee,
            enrolment,
            CaseSetting.FAMILY,
            "σχολείο 2",
            "",
            "",
            date(2026, 2, 2),
            None,
            TODAY,
        )
        label = f"{labelled.code} · σχολείο 2"
        name = enrolment.trainee.display_name
        reflections.write_reflection(
            enrolment.trainee,
            enrolment,
            date(2026, 3, 4),
            "On the case",
            "Waited.",
            True,
            TODAY,
            labelled,
        )
    sign_in(client, world.trainee)
    assert _new(client, world, private="").status_code == 302  # shared, about the session
    path = f"/enrolments/{world.enrolment}/reflections"
    articles = client.get(path).get_data(as_text=True).split('<article class="card">')[1:]
    on_case = next(a for a in articles if "On the case" in a)
    on_session = next(a for a in articles if "After supervision" in a)
    assert f"about case {label}" in on_case and f"· {name}" in on_case
    assert "Share with my supervisors" in on_case and "/delete" in on_case
    assert (
        f'href="/sessions/{world.session}"' in on_session and "about the session of" in on_session
    )
    assert "Share with my supervisors" not in on_session and "/delete" in on_session

    client.post("/logout")
    sign_in(client, world.supervisor)
    page = client.get(path).get_data(as_text=True)
    assert "On the case" not in page and "After supervision" in page
    assert "Share with my supervisors" not in page and "/delete" not in page
