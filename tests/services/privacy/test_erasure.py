"""Erasure: the person's record goes, certificates stay and still verify, other people's records
stay whole, the audit log is anonymised and its chain still holds; and the refusals."""

import io
import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.errors import RuleViolation
from app.extensions import db
from app.models import (
    AuditEvent,
    AuthToken,
    DigestSent,
    Enrolment,
    Film,
    MeetingStatus,
    Notification,
    Role,
    StageMeeting,
    SupervisionSession,
    SupervisorGrade,
    TokenPurpose,
    User,
    UserRole,
)
from app.services import notifications
from app.services.audit_chain import verify_chain
from app.services.certificates import verification
from app.services.evidence import clips, locks
from app.services.people import accounts, directory, merges
from app.services.people.account_status import deactivate_person, reactivate_person
from app.services.privacy import erasure, erasure_records
from app.services.progress.snapshots import progress_for
from app.services.signoff import meetings
from app.services.supervision import transfers
from app.storage import ClipStorage
from tests.builders.clips import failing_deletes, folder_clips
from tests.builders.evidence import mp4_bytes
from tests.builders.people import make_user
from tests.builders.portfolio import (
    HOLDER,
    LABEL,
    MOMENT_NOTE,
    PRIVATE,
    SHARED,
    build_portfolio_world,
)
from tests.builders.renewal import NO_RENEWAL, accredited
from tests.builders.signoff import TODAY, cast

REASON = "Request received by letter, ref. 2026-114"
FORMER_NAME = "Łucja Previous-Name"
# What the portfolio world's trainee wrote or is called: none of it may survive the erasure.
THEIRS = (HOLDER, FORMER_NAME, LABEL, MOMENT_NOTE, SHARED, PRIVATE, "Trainee before: nervous")


@pytest.fixture
def storage(tmp_path: Path) -> ClipStorage:
    return folder_clips(tmp_path / "clips")


@pytest.fixture
def world(ctx, schemes):
    return build_portfolio_world()


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def _erase(person: User, storage: ClipStorage, actor: User | None = None):
    actor = actor or make_user(Role.COORDINATOR)
    return erasure.erase_person(actor, person, REASON, TODAY, storage)


def _everything_as_text() -> dict[str, str]:
    """Every row of every table, as text, by table name."""
    return {
        table.name: json.dumps(
            [list(row) for row in db.session.execute(select(table))],
            default=str,
            ensure_ascii=False,
        )
        for table in db.metadata.sorted_tables
    }


def _tables_mentioning(*needles: str) -> set[str]:
    """Tables holding any of `needles` as a whole word ("Person 12" is not in "Person 123"), in
    the same case: the anonymised "Erased person 12" is not the factory's "Person 12"."""
    patterns = [re.compile(rf"(?<!\w){re.escape(n)}(?!\w)") for n in needles]
    return {
        name
        for name, content in _everything_as_text().items()
        if any(p.search(content) for p in patterns)
    }


def test_every_reference_to_a_person_is_deleted_or_deliberately_kept(app):
    """A new foreign key to users.id must be classified, or erasures would miss it."""
    declared = {
        (c.class_.__tablename__, c.key)
        for c in (
            *erasure_records.ADDRESSED_TO,
            *erasure_records.THEIR_RECORD,
            *erasure_records.KEPT_FOR_OTHERS,
        )
    }
    found = {
        (table.name, fk.parent.name)
        for table in db.metadata.tables.values()
        for fk in table.foreign_keys
        if fk.column.table.name == "users"
    }
    assert found == declared


def test_every_table_hanging_off_an_enrolment_is_deleted_or_kept_as_printed(app):
    """Whatever refers to an erased enrolment's records must be deleted with them."""
    link_tables = {table.name for table, _ in erasure_records._LINKS}
    handled = {model.__tablename__ for model in erasure_records.SUBJECT_TYPES.values()}
    handled |= link_tables | {"evidence_locks", "enrolment_stages", "supervisor_assignments"}
    kept = {"certificates"}
    reached, frontier = {"enrolments"}, {"enrolments"}
    while frontier:
        frontier = {
            table.name
            for table in db.metadata.tables.values()
            for fk in table.foreign_keys
            if fk.column.table.name in frontier and table.name not in reached | kept
        }
        reached |= frontier
    assert reached <= handled | kept


def test_erasing_a_trainee_leaves_nothing_of_their_record(world, storage):
    trainee, coordinator = _user(world.trainee), _user(world.coordinator)
    for name in (FORMER_NAME, HOLDER):  # the log now holds both names
        directory.update_person(coordinator, trainee, name, {Role.TRAINEE}, None)
    film = db.session.get(Film, world.film)
    clips.attach_clip(trainee, film, io.BytesIO(mp4_bytes(2_000)), storage, 10_000, ("video/mp4",))
    clip_key = film.clip_key
    accounts.issue_link(coordinator, trainee, TokenPurpose.RESET, timedelta(days=1))
    db.session.add(DigestSent(user_id=trainee.id, day=TODAY))
    notifications.notify([trainee], "test", "For you", "/")
    notifications.notify([coordinator], "test", f"{HOLDER} asked for something", "/")
    from app.models import Cohort, CohortKind
    from app.services.coordination import cohorts

    cohort = cohorts.create_cohort(coordinator, "Leeds course", CohortKind.COURSE, "")
    cohorts.add_members(coordinator, cohort, trainee.email)
    trainee_id, email = trainee.id, trainee.email
    assert _tables_mentioning(HOLDER, email) >= {"users", "audit_events"}

    result = _erase(trainee, storage, coordinator)

    assert not storage.store.exists(clip_key)
    assert result.erased_user_ids == [trainee_id] and result.clips_deleted == 1
    assert result.certificates_kept == 0 and result.deleted["enrolments"] == 1
    assert _tables_mentioning(*THEIRS, email) == set()
    for column in (*erasure_records.ADDRESSED_TO, *erasure_records.THEIR_RECORD):
        assert db.session.scalar(select(func.count()).where(column == trainee_id)) == 0, column
    assert db.session.scalar(select(func.count()).select_from(Enrolment)) == 0
    erased = db.session.get(User, trainee_id)
    assert erased.display_name == f"Erased person {trainee_id}"
    assert erased.email == f"erased-{trainee_id}@erased.invalid"
    assert erased.password_hash is None and not erased.active and erased.erased_at is not None
    assert erased.roles == frozenset()
    assert db.session.scalars(select(Cohort)).one().name == "Leeds course"  # the group stays


def test_the_audit_chain_holds_after_an_erasure_and_one_entry_records_it(world, storage):
    before = verify_chain()
    result = _erase(_user(world.trainee), storage)
    check = verify_chain()
    assert check.holds, check
    assert check.entries == before.entries + 1
    assert check.redacted == result.audit_entries_redacted > 0
    erased_entry = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "person.erased")
    ).one()
    assert erased_entry.after["reason"] == REASON
    assert erased_entry.after["redacted_entries"] == result.audit_entries_redacted
    assert erased_entry.after["deleted"] == result.deleted
    redacted = db.session.scalars(select(AuditEvent).where(AuditEvent.redacted_at.is_not(None)))
    for entry in redacted:
        assert entry.before is None and entry.after is None and entry.payload_salt is None
        assert entry.redacted_by_id == erased_entry.id
        assert entry.action and entry.hash  # what happened, and when, is still on record


def test_entries_of_other_people_that_do_not_name_the_person_are_untouched(world, storage):
    stranger = _user(world.stranger)
    directory.update_person(
        make_user(Role.COORDINATOR),
        stranger,
        "Someone Else",
        {Role.SUPERVISOR},
        SupervisorGrade.SUPERVISOR,
    )
    theirs = db.session.scalars(
        select(AuditEvent.id).where(
            AuditEvent.subject_type == "user", AuditEvent.subject_id == stranger.id
        )
    ).all()
    _erase(_user(world.trainee), storage)
    kept = db.session.scalars(select(AuditEvent).where(AuditEvent.id.in_(theirs))).all()
    assert kept and all(not e.redacted for e in kept)


def test_a_certificate_is_kept_as_printed_and_still_verifies(ctx, schemes, storage):
    practitioner = accredited(NO_RENEWAL)
    certificate = practitioner.certificate
    certificate.listed = True
    number, holder, enrolment_id = (
        certificate.number,
        certificate.holder_name,
        certificate.enrolment_id,
    )
    printed = verification.public_record(certificate, TODAY)

    result = _erase(practitioner.trainee, storage)

    assert result.certificates_kept == 1
    db.session.expire_all()
    kept = verification.find_by_number(number)
    assert kept is not None and kept.holder_name == holder
    assert verification.public_record(kept, TODAY) == printed
    assert not kept.listed  # off the public register, still verifiable by its number
    shell = db.session.get(Enrolment, enrolment_id)
    assert shell is not None and shell.stages == [] and shell.assignments == []
    assert _tables_mentioning(holder) == {"certificates"}
    assert verify_chain().holds


def test_other_peoples_records_the_person_took_part_in_stay_whole(world, storage):
    assessor = _user(world.assessor)
    meeting = db.session.get(StageMeeting, world.meeting)
    assert meeting.status is MeetingStatus.RATIFIED

    _erase(assessor, storage)

    db.session.expire_all()
    meeting = db.session.get(StageMeeting, world.meeting)
    assert meeting.assessor_id == assessor.id
    assert meeting.assessor.display_name == f"Erased person {assessor.id}"
    assert locks.check_digest(meeting).matches
    assert _user(world.trainee).display_name == HOLDER  # the trainee's record is theirs
    assert verify_chain().holds


def test_a_supervisor_is_erased_once_their_supervisees_are_handed_over(world, storage):
    supervisor, coordinator = _user(world.supervisor), _user(world.coordinator)
    with pytest.raises(RuleViolation, match="still the own supervisor of 1 trainee"):
        _erase(supervisor, storage, coordinator)
    enrolment = db.session.get(Enrolment, world.enrolment)
    successor = make_user(Role.SUPERVISOR)
    transfers.reassign_supervisees(coordinator, supervisor, [enrolment], successor, TODAY, TODAY)
    with pytest.raises(RuleViolation, match="still the own supervisor"):  # ends only yesterday
        erasure.erase_person(coordinator, supervisor, REASON, TODAY - timedelta(days=1), storage)

    _erase(supervisor, storage, coordinator)

    sessions = db.session.scalars(
        select(SupervisionSession).where(SupervisionSession.enrolment_id == world.enrolment)
    ).all()
    assert sessions and all(s.supervisor_id == supervisor.id for s in sessions)
    assert any(s.supervisor_feedback for s in sessions)
    meeting = db.session.get(StageMeeting, world.meeting)
    assert locks.check_digest(meeting).matches


def test_a_named_assessor_is_erased_once_another_is_named(ctx, schemes, storage):
    people_ = cast()
    meeting = meetings.request_meeting(
        people_.trainee, people_.enrolment, progress_for(people_.enrolment, TODAY)
    )
    meetings.name_assessor(people_.coordinator, meeting.id, people_.assessor, TODAY)
    with pytest.raises(RuleViolation, match="named assessor of 1 stage meeting"):
        _erase(people_.assessor, storage, people_.coordinator)
    meetings.name_assessor(people_.coordinator, meeting.id, people_.stranger, TODAY)
    _erase(people_.assessor, storage, people_.coordinator)


def test_accounts_merged_into_the_person_are_erased_with_them(ctx, schemes, storage):
    coordinator = make_user(Role.COORDINATOR)
    keep = make_user(Role.TRAINEE, email="kept@example.org", name="Wanda Kept")
    duplicate = make_user(Role.TRAINEE, email="wanda.home@example.org", name="Wanda K.")
    merges.merge_people(coordinator, keep, duplicate, "Same person, home address")

    result = _erase(keep, storage, coordinator)

    assert result.erased_user_ids == sorted([keep.id, duplicate.id])
    assert db.session.get(User, duplicate.id).erased_at is not None
    assert _tables_mentioning("wanda") == set()
    assert verify_chain().holds


def test_the_changes_are_on_record_but_not_the_person(world, storage):
    trainee = _user(world.trainee)
    _erase(trainee, storage)
    entry = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "person.erased")).one()
    assert entry.subject_id == trainee.id
    written = json.dumps(entry.after, ensure_ascii=False)
    assert world.trainee not in written and HOLDER not in written


@pytest.mark.parametrize(
    ("situation", "message"),
    [
        ("self", "cannot erase your own account"),
        ("not_coordinator", "Only a coordinator"),
        ("already_erased", "already erased"),
        ("no_reason", "Say why"),
        ("name_in_reason", "Leave their name"),
        ("email_in_reason", "Leave their name"),
    ],
)
def test_refusals_change_nothing(world, storage, situation, message):
    trainee, coordinator = _user(world.trainee), _user(world.coordinator)
    actor, person, reason = coordinator, trainee, REASON
    if situation == "self":
        person = coordinator
    elif situation == "not_coordinator":
        actor = _user(world.supervisor)
    elif situation == "already_erased":
        _erase(trainee, storage, coordinator)
    elif situation == "no_reason":
        reason = "  "
    elif situation == "name_in_reason":
        reason = f"{HOLDER.upper()} wrote to us"
    elif situation == "email_in_reason":
        reason = f"Mail from {trainee.email}"
    entries = verify_chain().entries
    with pytest.raises(RuleViolation, match=message):
        erasure.erase_person(actor, person, reason, TODAY, storage)
    assert verify_chain().entries == entries
    assert not verify_chain().redacted or situation == "already_erased"


def test_the_last_active_coordinator_is_not_erased(ctx, storage):
    only = make_user(Role.COORDINATOR)
    former = make_user(Role.COORDINATOR, active=False)  # the command line, say
    with pytest.raises(RuleViolation, match="at least one active coordinator"):
        erasure.erase_person(former, only, REASON, TODAY, storage)


def test_an_erased_account_cannot_be_changed_reactivated_or_merged(world, storage):
    trainee, coordinator = _user(world.trainee), _user(world.coordinator)
    other = make_user(Role.TRAINEE)
    _erase(trainee, storage, coordinator)
    attempts = [
        lambda: reactivate_person(coordinator, trainee),
        lambda: directory.update_person(coordinator, trainee, "Back again", {Role.TRAINEE}, None),
        lambda: directory.reinvite(coordinator, trainee, timedelta(days=1)),
        lambda: merges.merge_people(coordinator, other, trainee, "x"),
        lambda: merges.merge_people(coordinator, trainee, other, "x"),
    ]
    for attempt in attempts:
        with pytest.raises(RuleViolation, match="was erased"):
            attempt()
    assert not db.session.scalars(select(AuthToken).where(AuthToken.user_id == trainee.id)).all()


def test_a_deactivated_person_can_be_erased(world, storage):
    trainee, coordinator = _user(world.trainee), _user(world.coordinator)
    deactivate_person(coordinator, trainee, "Left the course")
    _erase(trainee, storage, coordinator)
    assert db.session.get(User, trainee.id).erased_at is not None
    assert verify_chain().holds


def test_a_clip_that_cannot_be_deleted_refuses_the_erasure(world, tmp_path):
    trainee = _user(world.trainee)
    working = folder_clips(tmp_path / "clips")
    film = db.session.get(Film, world.film)
    clips.attach_clip(trainee, film, io.BytesIO(mp4_bytes(2_000)), working, 10_000, ("video/mp4",))
    store = failing_deletes(working)
    with pytest.raises(RuleViolation, match="could not be deleted"):
        _erase(trainee, store)


def test_notifications_naming_them_go_but_others_stay(world, storage):
    coordinator = _user(world.coordinator)
    notifications.notify([coordinator], "test", "Nothing about anyone", "/")
    notifications.notify([coordinator], "test", f"About {HOLDER}", "/")
    _erase(_user(world.trainee), storage, coordinator)
    messages = db.session.scalars(
        select(Notification.message).where(Notification.user_id == coordinator.id)
    ).all()
    assert "Nothing about anyone" in messages
    assert not [m for m in messages if HOLDER in m]


def test_roles_of_the_erased_are_gone_and_others_keep_theirs(world, storage):
    trainee, coordinator = _user(world.trainee), _user(world.coordinator)
    _erase(trainee, storage)

    def roles_of(user):
        return db.session.scalars(select(UserRole.role).where(UserRole.user_id == user.id)).all()

    # (This world issues no certificate: what erasure keeps of one is tested above, with one.)
    assert roles_of(trainee) == [] and roles_of(coordinator) == [Role.COORDINATOR]
