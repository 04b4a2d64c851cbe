"""Every meeting transition only from the right state by the right person (state x actor x
action), and two people deciding at once end with one decision."""

import functools
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.errors import RuleViolation
from app.extensions import db
from app.models import EnrolmentStage, MeetingStatus, Role, StageMeeting, User
from app.services.progress.snapshots import progress_for
from app.services.schemes.files import default_schemes_dir
from app.services.schemes.loader import load_definitions
from app.services.signoff import decisions as decide
from app.services.signoff import meetings, ratification
from tests.builders.people import make_user
from tests.builders.signoff import TODAY, cast
from tests.threads import run_together

STATES = ("requested", "assessor_named", "passed", "not_yet", "ratified", "voided")
ACTORS = ("trainee", "supervisor", "assessor", "coordinator", "stranger")
ACTIONS = {
    "name_assessor": lambda c, m: meetings.name_assessor(c.actor, m.id, c.assessor, TODAY),
    "pass": lambda c, m: decide.record_outcome(
        c.actor, m.id, MeetingStatus.PASSED, TODAY, 60, [], "", "", None, TODAY
    ),
    "statement": lambda c, m: decide.write_supervisor_statement(c.actor, m.id, "Ready.", TODAY),
    "ratify": lambda c, m: ratification.ratify(c.actor, m.id, TODAY),
    "send_back": lambda c, m: ratification.send_back(c.actor, m.id, "Incomplete"),
    "reopen": lambda c, m: ratification.reopen(c.actor, m.id, "Conflict found"),
}
# (action, state) -> the one actor allowed; every other combination is refused.
ALLOWED = {
    ("name_assessor", "requested"): "coordinator",
    ("name_assessor", "assessor_named"): "coordinator",
    ("pass", "assessor_named"): "assessor",
    ("statement", "requested"): "supervisor",
    ("statement", "assessor_named"): "supervisor",
    ("statement", "passed"): "supervisor",
    ("statement", "not_yet"): "supervisor",
    ("ratify", "passed"): "coordinator",
    ("send_back", "passed"): "coordinator",
    ("reopen", "passed"): "coordinator",
    ("reopen", "ratified"): "coordinator",
}


def _meeting_in(people, state: str) -> StageMeeting:
    meeting = meetings.request_meeting(
        people.trainee, people.enrolment, progress_for(people.enrolment, TODAY)
    )
    if state == "requested":
        return meeting
    meetings.name_assessor(people.coordinator, meeting.id, people.assessor, TODAY)
    if state == "assessor_named":
        return meeting
    outcome = MeetingStatus.NOT_YET if state == "not_yet" else MeetingStatus.PASSED
    decide.record_outcome(
        people.assessor,
        meeting.id,
        outcome,
        TODAY,
        60,
        [],
        "",
        "More cycles",
        TODAY + timedelta(days=30),
        TODAY,
    )
    if state in ("ratified", "voided"):
        ratification.ratify(people.coordinator, meeting.id, TODAY)
    if state == "voided":
        ratification.reopen(people.coordinator, meeting.id, "Test")
    return meeting


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_transitions_only_from_the_right_state_by_the_right_person(ctx, action, state, actor):
    load_definitions(None, default_schemes_dir())
    people = cast()
    meeting = _meeting_in(people, state)
    people.actor = getattr(people, actor)
    before = (meeting.status, meeting.assessor_id, meeting.digest, meeting.supervisor_statement)
    allowed = ALLOWED.get((action, state)) == actor
    if allowed:
        ACTIONS[action](people, meeting)
    else:
        with pytest.raises(RuleViolation), db.session.begin_nested():
            ACTIONS[action](people, meeting)
        db.session.refresh(meeting)
        after = (meeting.status, meeting.assessor_id, meeting.digest, meeting.supervisor_statement)
        assert after == before


def test_two_coordinators_ratifying_at_once_make_one_decision(committing_app):
    with committing_app.app_context():
        load_definitions(None, default_schemes_dir())
        people = cast()
        meeting = _meeting_in(people, "passed")
        other = make_user(Role.COORDINATOR)
        db.session.commit()
        ids = (meeting.id, people.coordinator.id, other.id, people.enrolment.id)
    start = threading.Barrier(2)
    results: list[str] = []

    def ratify_as(user_id: int) -> None:
        with committing_app.app_context():
            actor = db.session.get(User, user_id)
            start.wait(timeout=10)
            try:
                ratification.ratify(actor, ids[0], TODAY)
                db.session.commit()
                results.append("ratified")
            except RuleViolation as error:
                db.session.rollback()
                results.append(error.message)

    run_together(*(functools.partial(ratify_as, uid) for uid in ids[1:3]))
    assert sorted(results) == sorted(
        ["ratified", "This meeting is ratified; that cannot be done now."]
    )
    with committing_app.app_context():
        stages = db.session.scalar(
            select(func.count())
            .select_from(EnrolmentStage)
            .where(EnrolmentStage.enrolment_id == ids[3])
        )
        assert stages == 2  # stage 1 closed, stage 2 opened once
