"""Notifications resolve themselves when the task they announced is done, by whoever does it."""

from datetime import date

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import MeetingStatus, Notification, User
from app.services import notifications
from app.services.progress.snapshots import progress_for
from app.services.schemes.files import default_schemes_dir
from app.services.schemes.loader import load_definitions
from app.services.signoff import decisions as decide
from app.services.signoff import meetings, ratification
from app.services.supervision import sessions
from app.services.supervision.sessions import SessionDetails
from tests.builders.signoff import TODAY, cast


@pytest.fixture
def people(ctx):
    load_definitions(None, default_schemes_dir())
    return cast()


def _waiting(user: User) -> list[str]:
    """The kinds of the person's notifications that still wait, oldest first."""
    query = notifications.unread_for(user).order_by(None).order_by(Notification.id)
    return [n.kind for n in db.session.scalars(query)]


def _log(people, held_on=date(2026, 11, 2)):
    details = SessionDetails(people.supervisor, held_on, 60, False, False, False, "", "", "")
    return sessions.save_session(people.trainee, people.enrolment, details, TODAY)


def test_confirming_a_session_resolves_the_request_to_confirm_it(people):
    baseline = notifications.unread_count(people.supervisor)
    session = _log(people)
    assert notifications.unread_count(people.supervisor) == baseline + 1
    sessions.confirm_session(people.supervisor, session)
    assert notifications.unread_count(people.supervisor) == baseline
    [told] = db.session.scalars(
        select(Notification).where(
            Notification.kind == "session_to_confirm",
            Notification.link == sessions.page_link(session),
        )
    )
    assert told.resolved_at is not None and told.read_at is None
    # Nothing left to e-mail about it either.
    assert told not in notifications.due_for(people.supervisor)


def test_a_returned_session_waits_for_the_trainee_until_they_change_it(people):
    session = _log(people)
    sessions.return_session(people.supervisor, session, "Check the minutes")
    assert _waiting(people.trainee)[-1:] == ["session_returned"]
    assert "session_to_confirm" not in _waiting(people.supervisor)
    details = SessionDetails(
        people.supervisor, session.held_on, 45, False, False, False, "", "", ""
    )
    sessions.save_session(people.trainee, people.enrolment, details, TODAY, session)
    assert "session_returned" not in _waiting(people.trainee)
    # The supervisor has one request for the corrected session, not two.
    assert _waiting(people.supervisor).count("session_to_confirm") == 1


def test_deleting_a_session_resolves_what_waited_on_it(people):
    session = _log(people)
    sessions.delete_session(people.trainee, session)
    assert "session_to_confirm" not in _waiting(people.supervisor)


def test_each_step_of_a_stage_meeting_resolves_the_one_before(people):
    enrolment, coordinator = people.enrolment, people.coordinator
    meeting = meetings.request_meeting(people.trainee, enrolment, progress_for(enrolment, TODAY))
    assert "meeting_requested" in _waiting(coordinator)
    meetings.name_assessor(coordinator, meeting.id, people.assessor, TODAY)
    assert "meeting_requested" not in _waiting(coordinator)
    assert _waiting(people.assessor) == ["assessor_named"]
    decide.record_outcome(
        people.assessor, meeting.id, MeetingStatus.PASSED, TODAY, 60, [], "", "", None, TODAY
    )
    assert "assessor_named" not in _waiting(people.assessor)
    assert "outcome_recorded" in _waiting(coordinator)
    ratification.ratify(coordinator, meeting.id, TODAY)
    assert "outcome_recorded" not in _waiting(coordinator)
    # What only informs (the ratification) waits until it is read.
    assert _waiting(people.trainee)[-1:] == ["ratified"]
