"""The end-of-stage workflow: request, four-eyes, outcome, locking, digest, ratification."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select, text

from app.errors import RuleViolation
from app.extensions import db
from app.models import (
    AuditEvent,
    Cycle,
    EnrolmentStatus,
    MeetingStatus,
    Notification,
    Role,
    SupervisionSession,
    SupervisorGrade,
)
from app.services.evidence import films, locks
from app.services.people import enrolments
from app.services.progress.snapshots import progress_for
from app.services.schemes.files import default_schemes_dir
from app.services.schemes.loader import load_definitions
from app.services.signoff import decisions as decide
from app.services.signoff import meetings, ratification
from app.services.supervision import sessions as supervision
from app.services.wording import day_text
from tests.builders.people import make_user
from tests.builders.signoff import TODAY, cast

PASSED = MeetingStatus.PASSED


@pytest.fixture
def people(ctx):
    load_definitions(None, default_schemes_dir())
    return cast()


def _request(people):
    return meetings.request_meeting(
        people.trainee, people.enrolment, progress_for(people.enrolment, TODAY)
    )


def _assessed(people):
    meeting = _request(people)
    return decide_name(people, meeting)


def decide_name(people, meeting):
    return meetings.name_assessor(people.coordinator, meeting.id, people.assessor, TODAY)


def _pass(people):
    meeting = _assessed(people)
    return decide.record_outcome(
        people.assessor,
        meeting.id,
        PASSED,
        TODAY - timedelta(days=1),
        60,
        [],
        "reflective notes",
        "",
        None,
        TODAY,
    )


def _actions():
    return [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_request_is_refused_with_what_is_missing(ctx):
    load_definitions(None, default_schemes_dir())
    unfinished = cast(complete=False)
    with pytest.raises(RuleViolation) as raised:
        meetings.request_meeting(
            unfinished.trainee, unfinished.enrolment, progress_for(unfinished.enrolment, TODAY)
        )
    assert "6 VIG cycles" in raised.value.message
    assert "7 hours of supervision" in raised.value.message


def test_coordinator_can_record_an_exception_with_a_reason(ctx):
    load_definitions(None, default_schemes_dir())
    unfinished = cast(complete=False)
    progress = progress_for(unfinished.enrolment, TODAY)
    with pytest.raises(RuleViolation):
        meetings.request_meeting(unfinished.coordinator, unfinished.enrolment, progress)
    meeting = meetings.request_meeting(
        unfinished.coordinator,
        unfinished.enrolment,
        progress,
        "Prior learning: accredited in the Netherlands",
    )
    assert meeting.status is MeetingStatus.REQUESTED
    assert meeting.exception_reason.startswith("Prior learning")
    assert "6 VIG cycles" in meeting.missing_at_request
    assert "meeting.requested_by_exception" in _actions()


def test_a_complete_stage_can_be_requested_once(people):
    meeting = _request(people)
    assert meeting.missing_at_request == []
    with pytest.raises(RuleViolation, match="already under way"):
        _request(people)
    kinds = db.session.scalars(select(Notification.kind)).all()
    assert "meeting_requested" in kinds


@pytest.mark.parametrize("who", ["own", "past", "trainee", "in_training"])
def test_the_four_eyes_rule_refuses_conflicted_assessors(people, who):
    meeting = _request(people)
    if who == "past":
        past = people.supervisor
        enrolments.change_supervisor(
            people.coordinator,
            people.enrolment,
            make_user(Role.SUPERVISOR),
            date(2026, 6, 1),
            TODAY,
        )
        candidate = past
    else:
        candidate = {
            "own": people.supervisor,
            "trainee": people.trainee,
            "in_training": make_user(Role.SUPERVISOR, grade=SupervisorGrade.IN_TRAINING),
        }[who]
    with pytest.raises(RuleViolation) as raised:
        meetings.name_assessor(people.coordinator, meeting.id, candidate, TODAY)
    assert raised.value.field == "assessor"
    assert meeting.status is MeetingStatus.REQUESTED


def test_a_pass_locks_the_evidence_and_stores_a_digest(people):
    meeting = _pass(people)
    assert meeting.status is PASSED and len(meeting.digest) == 64
    kinds = {kind for kind, _id, _hash in meeting.covered}
    assert {"cycle", "case", "session", "film", "milestone"} <= kinds
    covered_cycle_id = next(i for k, i, _h in meeting.covered if k == "cycle")
    covered = db.session.get(Cycle, covered_cycle_id)
    with pytest.raises(RuleViolation, match="Locked"):
        films.save_cycle(
            people.trainee,
            covered.case,
            covered.filmed_on,
            True,
            covered.shared_review_on,
            False,
            "changed",
            TODAY,
            covered,
        )
    session = db.session.scalars(select(SupervisionSession)).first()
    with pytest.raises(RuleViolation, match="Locked") as refused:
        supervision.delete_session(people.trainee, session)
    signed_on = meeting.outcome_at.date()
    assert refused.value.message.endswith(f"signed off on {day_text(signed_on)}.")
    assert signed_on.isoformat() not in refused.value.message
    assert locks.check_digest(meeting).matches


def test_digest_names_evidence_changed_behind_the_applications_back(people):
    meeting = _pass(people)
    cycle_id = next(i for k, i, _h in meeting.covered if k == "cycle")
    db.session.execute(text("UPDATE cycles SET notes = 'edited' WHERE id = :id"), {"id": cycle_id})
    db.session.expire_all()
    check = locks.check_digest(meeting)
    assert not check.matches
    assert check.changed == (("cycle", cycle_id),)


def test_not_yet_needs_actions_and_a_target_and_keeps_the_stage_open(people):
    meeting = _assessed(people)
    with pytest.raises(RuleViolation) as raised:
        decide.record_outcome(
            people.assessor, meeting.id, MeetingStatus.NOT_YET, TODAY, 60, [], "", "", None, TODAY
        )
    assert raised.value.field == "actions"
    decide.record_outcome(
        people.assessor,
        meeting.id,
        MeetingStatus.NOT_YET,
        TODAY,
        60,
        [],
        "",
        "Two more filmed shared reviews",
        TODAY + timedelta(days=60),
        TODAY,
    )
    assert people.enrolment.current_stage.stage.number == 1
    assert _request(people).status is MeetingStatus.REQUESTED


def test_ratification_opens_the_next_stage(people):
    meeting = _pass(people)
    ratification.ratify(people.coordinator, meeting.id, TODAY)
    db.session.expire(people.enrolment)
    assert people.enrolment.current_stage.stage.number == 2
    assert meeting.ratified_by is people.coordinator


def test_ratifying_the_final_stage_accredits(people):
    final = people.enrolment
    for _ in range(2):
        enrolments.advance_stage(people.coordinator, final, TODAY - timedelta(days=5))
        db.session.expire(final)
    meeting = meetings.request_meeting(
        people.coordinator, final, progress_for(final, TODAY), "Test: final stage by exception"
    )
    decide_name(people, meeting)
    decide.record_outcome(
        people.assessor, meeting.id, PASSED, TODAY, 60, [], "statement", "", None, TODAY
    )
    ratification.ratify(people.coordinator, meeting.id, TODAY)
    assert final.status is EnrolmentStatus.ACCREDITED
    assert final.current_stage is None


def test_sending_back_unlocks_and_returns_to_the_assessor(people):
    meeting = _pass(people)
    with pytest.raises(RuleViolation) as raised:
        ratification.send_back(people.coordinator, meeting.id, " ")
    assert raised.value.field == "reason"
    ratification.send_back(people.coordinator, meeting.id, "The statement is missing")
    assert meeting.status is MeetingStatus.ASSESSOR_NAMED
    session = db.session.scalars(select(SupervisionSession)).first()
    assert locks.lock_on(session) is None


def test_reopening_voids_pass_and_ratification_and_tells_everyone(people):
    meeting = _pass(people)
    ratification.ratify(people.coordinator, meeting.id, TODAY)
    db.session.expire(people.enrolment)
    assert people.enrolment.current_stage.stage.number == 2
    ratification.reopen(
        people.coordinator, meeting.id, "Assessor later found a conflict of interest"
    )
    db.session.expire(people.enrolment)
    assert meeting.status is MeetingStatus.VOIDED
    assert people.enrolment.current_stage.stage.number == 1
    assert people.enrolment.current_stage.closed_on is None
    told = {
        n.user_id
        for n in db.session.scalars(
            select(Notification).where(Notification.kind == "stage_reopened")
        )
    }
    assert {
        people.trainee.id,
        people.supervisor.id,
        people.assessor.id,
        people.coordinator.id,
    } <= told
    assert "meeting.voided" in _actions()


def test_the_verify_command_names_a_sign_off_whose_evidence_changed(people, app):
    meeting = _pass(people)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["signoff", "verify"]).exit_code == 0
    cycle_id = next(i for k, i, _h in meeting.covered if k == "cycle")
    db.session.execute(text("UPDATE cycles SET notes = 'x' WHERE id = :id"), {"id": cycle_id})
    db.session.expire_all()
    result = runner.invoke(args=["signoff", "verify", str(meeting.id)])
    assert result.exit_code == 1
    assert f"meeting #{meeting.id}: DOES NOT MATCH: cycle #{cycle_id} changed" in result.output
