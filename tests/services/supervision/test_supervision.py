"""Supervision sessions, reflections, milestones and pauses: rules and audit entries."""

from datetime import date

import pytest
from sqlalchemy import select

from app.errors import RuleViolation
from app.extensions import db
from app.models import AuditEvent, CaseSetting, MilestoneKind, Role, SessionStatus
from app.services.evidence import cases, films, milestones, reflections
from app.services.people import enrolments
from app.services.schemes.files import default_schemes_dir
from app.services.schemes.loader import load_definitions
from app.services.supervision import sessions as supervision
from app.services.supervision.sessions import SessionDetails
from tests.builders.people import enrolled_trainee, make_user

TODAY = date(2026, 11, 24)


@pytest.fixture
def enrolment(ctx):
    load_definitions(None, default_schemes_dir())
    return enrolled_trainee()


def _details(enrolment, **changes):
    values = {
        "supervisor": enrolment.current_assignment.supervisor,
        "held_on": date(2026, 3, 1),
        "minutes": 90,
        "group": False,
        "online": True,
        "filmed": False,
        "reflection_before": "I want to look at my pauses.",
        "reflection_after": "",
        "next_steps": "Wait longer.",
    } | changes
    return SessionDetails(**values)


def _actions():
    return [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_logged_session_counts_only_after_confirmation(enrolment):
    trainee = enrolment.trainee
    session = supervision.save_session(trainee, enrolment, _details(enrolment), TODAY)
    assert session.status is SessionStatus.LOGGED
    supervision.confirm_session(enrolment.current_assignment.supervisor, session)
    assert session.status is SessionStatus.CONFIRMED
    assert session.decided_at is not None
    assert _actions()[-2:] == ["session.logged", "session.confirmed"]
    with pytest.raises(RuleViolation, match="cannot be changed"):
        supervision.save_session(trainee, enrolment, _details(enrolment), TODAY, session)


def test_returning_needs_a_reason_and_editing_resubmits(enrolment):
    supervisor = enrolment.current_assignment.supervisor
    session = supervision.save_session(enrolment.trainee, enrolment, _details(enrolment), TODAY)
    with pytest.raises(RuleViolation) as raised:
        supervision.return_session(supervisor, session, "  ")
    assert raised.value.field == "reason"
    supervision.return_session(supervisor, session, "It was 60 minutes, not 90.")
    assert session.status is SessionStatus.RETURNED
    supervision.save_session(
        enrolment.trainee, enrolment, _details(enrolment, minutes=60), TODAY, session
    )
    assert session.status is SessionStatus.LOGGED
    assert _actions()[-2:] == ["session.returned", "session.updated"]


def test_only_the_sessions_supervisor_decides_once(enrolment):
    session = supervision.save_session(enrolment.trainee, enrolment, _details(enrolment), TODAY)
    for stranger in (enrolment.trainee, make_user(Role.SUPERVISOR)):
        with pytest.raises(RuleViolation, match="Only the session's supervisor"):
            supervision.confirm_session(stranger, session)
    supervision.confirm_session(enrolment.current_assignment.supervisor, session)
    with pytest.raises(RuleViolation, match="already confirmed"):
        supervision.return_session(enrolment.current_assignment.supervisor, session, "no")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"minutes": 0}, "minutes"),
        ({"minutes": -30}, "minutes"),
        ({"minutes": 24 * 60 + 1}, "minutes"),
        ({"held_on": date(2026, 12, 1)}, "held_on"),
        ({"held_on": date(2025, 12, 1)}, "held_on"),
        ({"reflection_before": "x" * 5001}, "reflection_before"),
    ],
)
def test_bad_sessions_are_refused_and_nothing_is_saved(enrolment, changes, field):
    with pytest.raises(RuleViolation) as raised:
        supervision.save_session(
            enrolment.trainee, enrolment, _details(enrolment, **changes), TODAY
        )
    assert raised.value.field == field
    assert "session.logged" not in _actions()


def test_supervisor_must_be_assigned_on_the_sessions_date(enrolment):
    first = enrolment.current_assignment.supervisor
    second = make_user(Role.SUPERVISOR)
    enrolments.change_supervisor(
        make_user(Role.COORDINATOR), enrolment, second, date(2026, 5, 1), TODAY
    )
    db.session.expire(enrolment)
    supervision.save_session(
        enrolment.trainee,
        enrolment,
        _details(enrolment, supervisor=first, held_on=date(2026, 4, 30)),
        TODAY,
    )
    with pytest.raises(RuleViolation) as raised:
        supervision.save_session(
            enrolment.trainee,
            enrolment,
            _details(enrolment, supervisor=first, held_on=date(2026, 5, 1)),
            TODAY,
        )
    assert raised.value.field == "supervisor"
    with pytest.raises(RuleViolation):
        supervision.save_session(
            enrolment.trainee,
            enrolment,
            _details(enrolment, supervisor=make_user(Role.SUPERVISOR)),
            TODAY,
        )


def test_only_own_cycles_can_be_reviewed(enrolment):
    other = enrolled_trainee()
    case = cases.create_case(
        other.trainee, other, CaseSetting.FAMILY, "", "", "", date(2026, 2, 1), None, TODAY
    )
    foreign = films.save_cycle(
        other.trainee, case, date(2026, 2, 2), True, date(2026, 2, 3), False, "", TODAY
    )
    with pytest.raises(RuleViolation) as raised:
        supervision.save_session(
            enrolment.trainee, enrolment, _details(enrolment, cycles=(foreign,)), TODAY
        )
    assert raised.value.field == "reviewed"


def test_supervisor_notes_are_audited(enrolment):
    supervisor = enrolment.current_assignment.supervisor
    session = supervision.save_session(enrolment.trainee, enrolment, _details(enrolment), TODAY)
    supervision.write_supervisor_notes(supervisor, session, "Noticed warmth", "Try waiting")
    assert session.supervisor_feedback == "Try waiting"
    assert _actions()[-1] == "session.feedback_written"
    with pytest.raises(RuleViolation):
        supervision.write_supervisor_notes(enrolment.trainee, session, "", "")


def test_confirming_with_notes_saves_both_in_one_call(enrolment):
    supervisor = enrolment.current_assignment.supervisor
    session = supervision.save_session(enrolment.trainee, enrolment, _details(enrolment), TODAY)
    notes = supervision.SupervisorNotes(" Noticed warmth ", "Try waiting")
    supervision.confirm_session(supervisor, session, notes)
    assert session.status is SessionStatus.CONFIRMED
    assert (session.supervisor_reflection, session.supervisor_feedback) == (
        "Noticed warmth",
        "Try waiting",
    )
    assert _actions()[-2:] == ["session.feedback_written", "session.confirmed"]


def test_returning_with_notes_saves_the_reason_and_the_notes(enrolment):
    supervisor = enrolment.current_assignment.supervisor
    session = supervision.save_session(enrolment.trainee, enrolment, _details(enrolment), TODAY)
    with pytest.raises(RuleViolation) as raised:
        supervision.return_session(supervisor, session, "", supervision.SupervisorNotes("", "x"))
    assert raised.value.field == "reason" and session.supervisor_feedback == ""
    supervision.return_session(
        supervisor, session, "Check the minutes", supervision.SupervisorNotes("", "Good start")
    )
    assert session.status is SessionStatus.RETURNED
    assert (session.return_reason, session.supervisor_feedback) == (
        "Check the minutes",
        "Good start",
    )
    assert _actions()[-2:] == ["session.feedback_written", "session.returned"]


def test_reflections_are_private_until_shared_by_their_author(enrolment):
    reflection = reflections.write_reflection(
        enrolment.trainee, enrolment, date(2026, 3, 2), "After session", "I noticed...", True, TODAY
    )
    assert reflection.private and reflection.shared_at is None
    with pytest.raises(RuleViolation):
        reflections.share_reflection(enrolment.current_assignment.supervisor, reflection)
    reflections.share_reflection(enrolment.trainee, reflection)
    assert not reflection.private and reflection.shared_at is not None
    assert _actions()[-2:] == ["reflection.written", "reflection.shared"]
    with pytest.raises(RuleViolation) as raised:
        reflections.write_reflection(enrolment.trainee, enrolment, TODAY, "", "  ", True, TODAY)
    assert raised.value.field == "body"


def test_milestones_and_pauses(enrolment):
    coordinator = make_user(Role.COORDINATOR)
    milestones.record_milestone(
        enrolment.trainee,
        enrolment,
        MilestoneKind.INTRO_SESSION,
        "",
        date(2026, 6, 1),
        "Stage 2 intro",
        "",
        TODAY,
    )
    with pytest.raises(RuleViolation) as raised:
        milestones.record_milestone(
            enrolment.trainee,
            enrolment,
            MilestoneKind.DOCUMENT,
            "",
            date(2026, 6, 1),
            "",
            "",
            TODAY,
        )
    assert raised.value.field == "subtype"
    milestones.record_pause(coordinator, enrolment, date(2026, 7, 1), date(2026, 7, 31), "leave")
    with pytest.raises(RuleViolation) as raised:
        milestones.record_pause(coordinator, enrolment, date(2026, 7, 31), date(2026, 7, 1), "")
    assert raised.value.field == "ends_on"
    assert _actions()[-2:] == ["milestone.recorded", "pause.recorded"]


def test_the_supervisor_is_told_of_a_session_to_confirm_and_the_trainee_of_a_return(enrolment):
    from app.models import Notification

    supervisor = enrolment.current_assignment.supervisor
    session = supervision.save_session(enrolment.trainee, enrolment, _details(enrolment), TODAY)
    supervision.return_session(supervisor, session, "Check the minutes")
    told = [
        (n.user_id, n.kind, n.message)
        for n in db.session.scalars(select(Notification).order_by(Notification.id))
    ]
    name = enrolment.trainee.display_name
    # The session's day (1 March 2026) as people read it, in the English the messages are in.
    assert told == [
        (
            supervisor.id,
            "session_to_confirm",
            f"{name} logged a session of Mar 1, 2026 for you to confirm.",
        ),
        (
            enrolment.trainee.id,
            "session_returned",
            "Your session of Mar 1, 2026 was returned: Check the minutes",
        ),
    ]


def test_several_sessions_are_confirmed_all_or_none(enrolment):
    trainee, supervisor = enrolment.trainee, enrolment.current_assignment.supervisor
    logged = [
        supervision.save_session(trainee, enrolment, _details(enrolment, held_on=d), TODAY)
        for d in (date(2026, 3, 1), date(2026, 3, 8), date(2026, 3, 15))
    ]
    supervision.confirm_session(supervisor, logged[1])
    with pytest.raises(RuleViolation, match="decided meanwhile") as refused:
        supervision.confirm_sessions(supervisor, logged)
    assert refused.value.field == "sessions"
    assert [s.status for s in logged] == [
        SessionStatus.LOGGED,
        SessionStatus.CONFIRMED,
        SessionStatus.LOGGED,
    ]
    with pytest.raises(RuleViolation, match="Only the session's supervisor"):
        supervision.confirm_sessions(make_user(Role.SUPERVISOR), [logged[0]])
    with pytest.raises(RuleViolation, match="Choose the sessions"):
        supervision.confirm_sessions(supervisor, [])
    confirmed = supervision.confirm_sessions(supervisor, [logged[2], logged[0]])
    assert [s.id for s in confirmed] == sorted([logged[0].id, logged[2].id])
    assert all(s.status is SessionStatus.CONFIRMED for s in logged)
    assert _actions().count("session.confirmed") == 3
