"""An assessor's home lists the stage meetings naming them, what each waits for, and where the
evidence is."""

from types import SimpleNamespace

import pytest

from app.extensions import db
from app.models import Role, StageMeeting, SupervisorGrade, User
from app.services.signoff import ratification
from tests.builders.assessor import TODAY, named_meeting, record_pass
from tests.builders.people import make_user
from tests.builders.web import client_as, committed
from tests.query_counter import count_queries


@pytest.fixture
def world(app, schemes):
    with committed(app):
        ada = make_user(
            Role.SUPERVISOR,
            grade=SupervisorGrade.ADVANCED,
            email="ada@example.org",
            name="Ada Assessor",
        )
        meeting, coordinator = named_meeting(ada)
        enrolment = meeting.enrolment_stage.enrolment
        return SimpleNamespace(
            ada=ada.id,
            coordinator=coordinator.id,
            meeting=meeting.id,
            enrolment=enrolment.id,
            trainee=enrolment.trainee.display_name,
        )


def test_the_assessor_sees_the_meeting_waiting_for_them_with_its_evidence(app, world):
    page = client_as(app, "ada@example.org").get("/").get_data(as_text=True)
    assert '<h2 id="assessing">Stage meetings you assess</h2>' in page
    section = page.split('id="assessing"')[1]
    assert world.trainee in section
    assert f'<a href="/meetings/{world.meeting}">Stage 1 meeting</a>' in section
    assert "You: hold the meeting and record its outcome." in section
    for path in ("", "/cases", "/sessions", "/reflections"):
        assert f'href="/enrolments/{world.enrolment}{path}"' in section
    # Every link opens for the assessor.
    client = client_as(app, "ada@example.org")
    for path in ("", "/cases", "/sessions", "/reflections"):
        assert client.get(f"/enrolments/{world.enrolment}{path}").status_code == 200
    assert client.get(f"/meetings/{world.meeting}").status_code == 200


def test_once_passed_it_waits_for_the_coordinator(app, world):
    with committed(app):
        record_pass(db.session.get(User, world.ada), db.session.get(StageMeeting, world.meeting))
    page = client_as(app, "ada@example.org").get("/").get_data(as_text=True)
    assert "The coordinator's ratification of your pass." in page.split('id="assessing"')[1]


def test_a_supervisor_named_on_no_meeting_is_told_so(app, world):
    with committed(app):
        make_user(Role.SUPERVISOR, email="sam@example.org")
    page = client_as(app, "sam@example.org").get("/").get_data(as_text=True)
    assert "No stage meeting names you as its assessor." in page


def _ratified(app, world, n: int) -> None:
    with committed(app):
        ada = db.session.get(User, world.ada)
        for _ in range(n):
            meeting, coordinator = named_meeting(ada)
            record_pass(ada, meeting)
            ratification.ratify(coordinator, meeting.id, TODAY)


def test_the_home_page_takes_as_many_queries_for_four_meetings_as_for_two(app, world):
    client = client_as(app, "ada@example.org")
    _ratified(app, world, 1)
    with count_queries(app) as two:
        assert client.get("/").status_code == 200
    _ratified(app, world, 2)
    with count_queries(app) as four:
        page = client.get("/").get_data(as_text=True)
    assert page.count("Nobody: ratified on") == 3
    assert len(two) == len(four)
