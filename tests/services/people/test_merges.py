"""Merging a duplicate account: what moves, what stays, the refusals and the audit entry."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.errors import RuleViolation
from app.extensions import db
from app.models import (
    AuditEvent,
    Enrolment,
    Film,
    MeetingStatus,
    Moment,
    Notification,
    Reflection,
    Role,
    StageMeeting,
    SupervisionSession,
    SupervisorAssignment,
    SupervisorGrade,
    User,
)
from app.services import notifications
from app.services.evidence import films, locks, reflections
from app.services.people import accounts, enrolments, merges
from app.services.progress.snapshots import progress_for
from app.services.schemes.files import default_schemes_dir
from app.services.schemes.loader import load_definitions
from app.services.signoff import decisions as decide
from app.services.signoff import meetings
from app.services.supervision import sessions
from app.services.supervision.sessions import SessionDetails
from tests.builders.people import DEFAULT_PASSWORD, current_scheme, enrolled_trainee, make_user
from tests.builders.renewal import NO_RENEWAL, accredited
from tests.builders.signoff import TODAY, cast


@pytest.fixture
def loaded(ctx):
    load_definitions(None, default_schemes_dir())


def _count(column, user):
    return db.session.scalar(select(func.count()).where(column == user.id))


def _merged_events():
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == "person.merged")).all()


def test_every_reference_to_a_person_is_either_moved_or_deliberately_kept(app):
    """A new foreign key to users.id must be added to MOVED or KEPT, or merges would miss it."""
    declared = {(c.class_.__tablename__, c.key) for c in (*merges.MOVED, *merges.KEPT)}
    found = {
        (table.name, fk.parent.name)
        for table in db.metadata.tables.values()
        for fk in table.foreign_keys
        if fk.column.table.name == "users"
    }
    assert found == declared


def test_a_trainee_duplicate_moves_with_its_record(loaded):
    people = cast()
    duplicate, coordinator = people.trainee, people.coordinator
    enrolment = people.enrolment
    film = db.session.scalars(select(Film)).first()
    principle = enrolment.scheme.framework.principles[0]
    moment = films.add_moment(duplicate, film, 0, 500, principle, None, "")
    reflection = reflections.write_reflection(duplicate, enrolment, TODAY, "R", "text", True, TODAY)
    notifications.notify([duplicate], "test", "Hello", "/")
    keep = make_user(Role.TRAINEE, name="Kept")
    events_by_duplicate = _count(AuditEvent.actor_id, duplicate)

    merges.merge_people(coordinator, keep, duplicate, "Signed up twice")

    assert db.session.get(Enrolment, enrolment.id).trainee_id == keep.id
    assert db.session.get(Moment, moment.id).author_id == keep.id
    assert db.session.get(Reflection, reflection.id).author_id == keep.id
    assert _count(Notification.user_id, duplicate) == 0
    assert _count(Notification.user_id, keep) == 1
    # The duplicate is kept, deactivated, with its address; it can no longer sign in.
    gone = db.session.get(User, duplicate.id)
    assert gone is not None and not gone.active and gone.email == people.trainee.email
    assert accounts.authenticate(gone.email, DEFAULT_PASSWORD) is None
    # The audit log is never rewritten: what the duplicate did stays under its id.
    assert _count(AuditEvent.actor_id, duplicate) == events_by_duplicate
    [event] = _merged_events()
    assert event.actor_id == coordinator.id and event.subject_id == duplicate.id
    assert event.after["kept_id"] == keep.id and event.after["duplicate_id"] == duplicate.id
    assert event.after["note"] == "Signed up twice"
    assert event.after["moved"]["enrolments.trainee_id"] == 1


def test_roles_are_added_and_a_missing_grade_comes_with_them(ctx):
    coordinator = make_user(Role.COORDINATOR)
    keep = make_user(Role.TRAINEE)
    duplicate = make_user(Role.SUPERVISOR, grade=SupervisorGrade.ADVANCED)
    merges.merge_people(coordinator, keep, duplicate, "same person")
    assert keep.roles == {Role.TRAINEE, Role.SUPERVISOR}
    assert keep.supervisor_grade is SupervisorGrade.ADVANCED
    assert duplicate.roles == {Role.SUPERVISOR}  # nothing is taken from the duplicate
    [event] = _merged_events()
    assert event.before["kept_roles"] == ["trainee"]
    assert event.after["kept_roles"] == ["supervisor", "trainee"]


def test_a_coordinator_duplicate_hands_over_meetings_and_certificates(loaded):
    practitioner = accredited(NO_RENEWAL)
    duplicate = practitioner.coordinator
    keep = make_user(Role.COORDINATOR)
    actor = make_user(Role.COORDINATOR)
    moved = {merges._name(c): _count(c, duplicate) for c in merges.MOVED}
    assert moved["certificates.issued_by_id"] == 1
    assert moved["stage_meetings.requested_by_id"] == 1
    assert moved["stage_meetings.ratified_by_id"] == 1

    result = merges.merge_people(actor, keep, duplicate, "same person")

    assert result.moved == moved
    for column in merges.MOVED:
        assert _count(column, duplicate) == 0
    assert practitioner.certificate.issued_by_id == keep.id


def test_signed_off_evidence_keeps_its_ids_so_the_digest_still_matches(loaded):
    people = cast()
    meeting = meetings.request_meeting(
        people.trainee, people.enrolment, progress_for(people.enrolment, TODAY)
    )
    meetings.name_assessor(people.coordinator, meeting.id, people.assessor, TODAY)
    meeting = decide.record_outcome(
        people.assessor, meeting.id, MeetingStatus.PASSED, TODAY - timedelta(days=1), 60, [],
        "notes", "", None, TODAY,
    )  # fmt: skip
    sealed = _count(SupervisionSession.supervisor_id, people.supervisor)
    later = sessions.save_session(
        people.trainee,
        people.enrolment,
        SessionDetails(people.supervisor, TODAY, 60, False, False, False, "", "", ""),
        TODAY,
    )
    keep = make_user(Role.SUPERVISOR)

    result = merges.merge_people(people.coordinator, keep, people.supervisor, "same person")

    assert result.kept_sealed == {"supervision_sessions.supervisor_id": sealed}
    assert db.session.get(SupervisionSession, later.id).supervisor_id == keep.id
    assert _count(SupervisionSession.supervisor_id, people.supervisor) == sealed
    assert people.enrolment.current_assignment.supervisor_id == keep.id
    assert locks.check_digest(meeting).matches


def test_an_account_cannot_be_merged_into_itself(ctx):
    coordinator, person = make_user(Role.COORDINATOR), make_user(Role.TRAINEE)
    with pytest.raises(RuleViolation, match="into itself") as refused:
        merges.merge_people(coordinator, person, person, "oops")
    assert refused.value.field == "duplicate"
    assert person.active and _merged_events() == []


def test_two_enrolments_on_the_same_scheme_cannot_be_merged(loaded):
    first, second = enrolled_trainee(), enrolled_trainee()
    coordinator = make_user(Role.COORDINATOR)
    with pytest.raises(RuleViolation, match="Both accounts are enrolled") as refused:
        merges.merge_people(coordinator, first.trainee, second.trainee, "same person")
    assert current_scheme().title in refused.value.message
    assert second.trainee.active and second.trainee_id != first.trainee_id


def test_enrolments_on_different_schemes_are_merged(loaded):
    first = enrolled_trainee()
    coordinator = make_user(Role.COORDINATOR)
    other = make_user(Role.TRAINEE)
    scheme = current_scheme("vig-supervisor")
    second = enrolments.enrol(
        coordinator,
        other,
        scheme,
        date(2026, 2, 1),
        scheme.stages[0],
        first.current_assignment.supervisor,
        TODAY,
    )
    merges.merge_people(coordinator, first.trainee, other, "same person")
    assert second.trainee_id == first.trainee_id


def test_a_supervisor_and_their_own_trainee_cannot_be_merged(loaded):
    enrolment = enrolled_trainee()
    coordinator = make_user(Role.COORDINATOR)
    supervisor = enrolment.current_assignment.supervisor
    with pytest.raises(RuleViolation, match="own supervisor"):
        merges.merge_people(coordinator, enrolment.trainee, supervisor, "same person")
    with pytest.raises(RuleViolation, match="own supervisor"):
        merges.merge_people(coordinator, supervisor, enrolment.trainee, "same person")
    assert _count(SupervisorAssignment.supervisor_id, supervisor) == 1


def test_a_supervisor_and_the_assessor_of_their_trainee_cannot_be_merged(loaded):
    practitioner = accredited(NO_RENEWAL)
    assessor = db.session.scalars(
        select(User).join(StageMeeting, StageMeeting.assessor_id == User.id)
    ).one()
    with pytest.raises(RuleViolation, match="supervised and assessed"):
        merges.merge_people(
            practitioner.coordinator, practitioner.supervisor, assessor, "same person"
        )
    assert assessor.active


@pytest.mark.parametrize(
    ("situation", "message"),
    [
        ("own_account", "your own account"),
        ("inactive_keep", "reactivate it"),
        ("blank_note", "same person"),
        ("already_merged", "already merged"),
    ],
)
def test_refusals(ctx, situation, message):
    actor = make_user(Role.COORDINATOR)
    keep, duplicate = make_user(Role.TRAINEE), make_user(Role.TRAINEE)
    note = "same person"
    if situation == "own_account":
        duplicate = actor
        make_user(Role.COORDINATOR)
    elif situation == "inactive_keep":
        keep.active = False
    elif situation == "blank_note":
        note = "  "
    elif situation == "already_merged":
        merges.merge_people(actor, make_user(Role.TRAINEE), duplicate, note)
        duplicate.active = True
    before = len(_merged_events())
    with pytest.raises(RuleViolation, match=message):
        merges.merge_people(actor, keep, duplicate, note)
    assert len(_merged_events()) == before


def test_an_unknown_address_names_the_field(ctx):
    with pytest.raises(RuleViolation) as refused:
        merges.account_by_email("nobody@example.org")
    assert refused.value.field == "duplicate"
    person = make_user(Role.TRAINEE, email="dup@example.org")
    assert merges.account_by_email(" Dup@Example.org ") is person


def test_merging_keeps_one_membership_per_cohort(ctx, schemes):
    from app.models import CohortKind, CohortMember
    from app.services.coordination import cohorts

    coordinator = make_user(Role.COORDINATOR)
    keep = make_user(Role.TRAINEE, email="keep@example.org")
    duplicate = make_user(Role.TRAINEE, email="dupe@example.org")
    both = cohorts.create_cohort(coordinator, "Both", CohortKind.COURSE, "")
    only_duplicate = cohorts.create_cohort(coordinator, "Duplicate only", CohortKind.REGION, "")
    cohorts.add_members(coordinator, both, "keep@example.org, dupe@example.org")
    cohorts.add_members(coordinator, only_duplicate, "dupe@example.org")

    merges.merge_people(coordinator, keep, duplicate, "Same person, two invitations")

    members = db.session.execute(select(CohortMember.cohort_id, CohortMember.user_id)).all()
    assert sorted(members) == sorted([(both.id, keep.id), (only_duplicate.id, keep.id)])
