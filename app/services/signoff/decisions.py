"""Decisions on a stage meeting: the assessor's outcome, the supervisor's statement, and the
coordinator's ratification, sending back or reopening. Each locks the meeting row first."""

from collections.abc import Sequence
from datetime import date

from sqlalchemy import delete, select

from app.errors import RuleViolation
from app.extensions import db
from app.models import (
    ConsentScope,
    EnrolmentStage,
    EnrolmentStatus,
    Film,
    MeetingStatus,
    Milestone,
    MilestoneKind,
    Rating,
    Role,
    StageMeeting,
    User,
)
from app.models.base import utcnow
from app.services import audit
from app.services.certificates.issuing import current_certificate
from app.services.evidence import locks as evidence_locks
from app.services.evidence.rules import check_not_future, check_text
from app.services.people.enrolments import advance_stage, supervisor_on
from app.services.progress import expected_dates
from app.services.progress.snapshots import progress_for
from app.services.row_locks import locked
from app.services.signoff.meetings import (
    MAX_MEETING_MINUTES,
    coordinators,
    enrolment_of_meeting,
    involved_in,
    lock_meeting,
    meeting_snapshot,
    require_status,
    resolve_told,
    tell,
)

OUTCOMES = (MeetingStatus.PASSED, MeetingStatus.NOT_YET, MeetingStatus.WITHDRAWN)


def _meeting_subtype(meeting: StageMeeting) -> str:
    for requirement in meeting.enrolment_stage.stage.requirements:
        if requirement.kind == "meeting":
            return str(requirement.params.get("meeting", "stage"))
    return "stage"


def _check_outcome(
    meeting: StageMeeting,
    outcome: MeetingStatus,
    held_on: date,
    minutes: int,
    clips: Sequence[Film],
    actions: str,
    new_target_on: date | None,
    today: date,
) -> None:
    if outcome not in OUTCOMES:
        raise RuleViolation("Choose passed, not yet or withdrawn.", "outcome")
    check_not_future(held_on, today, "held_on")
    if held_on < meeting.enrolment_stage.opened_on:
        raise RuleViolation("The meeting cannot be before the stage opened.", "held_on")
    if not 0 < minutes <= MAX_MEETING_MINUTES:
        raise RuleViolation("Give the meeting's length in minutes (at most 8 hours).", "minutes")
    enrolment_id = meeting.enrolment_stage.enrolment_id
    for film in clips:
        if film.cycle.case.enrolment_id != enrolment_id or not film.consent.allows(
            ConsentScope.ASSESSOR
        ):
            raise RuleViolation(
                "Only films whose consent allows an assessor can be shown.", "clips"
            )
    if outcome is MeetingStatus.NOT_YET:
        if not actions.strip():
            raise RuleViolation("Write the actions agreed for “not yet”.", "actions")
        if new_target_on is None or new_target_on <= held_on:
            raise RuleViolation("Give a new target date after the meeting.", "new_target_on")
    check_text(actions, "actions")


def record_outcome(
    actor: User,
    meeting_id: int,
    outcome: MeetingStatus,
    held_on: date,
    minutes: int,
    clips: Sequence[Film],
    documents_read: str,
    actions: str,
    new_target_on: date | None,
    today: date,
) -> StageMeeting:
    """The named assessor records the meeting and its outcome; a pass locks the evidence."""
    meeting = lock_meeting(meeting_id)
    require_status(meeting, MeetingStatus.ASSESSOR_NAMED)
    if actor.id != meeting.assessor_id:
        raise RuleViolation("Only the named assessor records the outcome.")
    _check_outcome(meeting, outcome, held_on, minutes, clips, actions, new_target_on, today)
    check_text(documents_read, "documents_read")
    before = meeting_snapshot(meeting)
    meeting.held_on, meeting.minutes, meeting.clips_shown = held_on, minutes, list(clips)
    meeting.documents_read, meeting.actions = documents_read.strip(), actions.strip()
    meeting.new_target_on = new_target_on if outcome is MeetingStatus.NOT_YET else None
    meeting.status, meeting.outcome_at = outcome, utcnow()
    enrolment = enrolment_of_meeting(meeting)
    if outcome is MeetingStatus.PASSED:
        milestone = Milestone(
            enrolment_id=enrolment.id,
            kind=MilestoneKind.MEETING,
            subtype=_meeting_subtype(meeting),
            occurred_on=held_on,
            title=f"Stage {meeting.enrolment_stage.stage.number} meeting",
            notes=f"Assessed by {actor.display_name}.",
            recorded_by_id=actor.id,
        )
        db.session.add(milestone)
        db.session.flush()
        meeting.milestone_id = milestone.id
        covered = evidence_locks.covered_evidence(
            meeting.enrolment_stage, progress_for(enrolment, today)
        )
        meeting.covered, meeting.digest = covered, evidence_locks.digest_of(covered)
        evidence_locks.lock(meeting, covered)
    db.session.flush()
    audit.record(
        actor,
        f"meeting.{outcome.value}",
        "meeting",
        meeting.id,
        before,
        {
            **meeting_snapshot(meeting),
            "held_on": held_on,
            "covered": len(meeting.covered),
            "actions": meeting.actions,
            "new_target_on": meeting.new_target_on,
        },
    )
    resolve_told(["assessor_named", "sent_back"], enrolment)
    tell(
        [*involved_in(meeting), *coordinators()],
        "outcome_recorded",
        f"Stage {meeting.enrolment_stage.stage.number} meeting of "
        f"{enrolment.trainee.display_name}: {outcome.value.replace('_', ' ')}.",
        enrolment,
    )
    return meeting


def write_supervisor_statement(
    actor: User, meeting_id: int, statement: str, today: date
) -> StageMeeting:
    """The trainee's own supervisor adds their statement to the meeting."""
    meeting = lock_meeting(meeting_id)
    require_status(
        meeting,
        MeetingStatus.REQUESTED,
        MeetingStatus.ASSESSOR_NAMED,
        MeetingStatus.PASSED,
        MeetingStatus.NOT_YET,
    )
    own = supervisor_on(enrolment_of_meeting(meeting), today)
    if own is None or own.id != actor.id:
        raise RuleViolation("Only the trainee's own supervisor writes the statement.")
    if not statement.strip():
        raise RuleViolation("Write the statement.", "statement")
    check_text(statement, "statement")
    meeting.supervisor_statement = statement.strip()
    db.session.flush()
    audit.record(
        actor,
        "meeting.statement_written",
        "meeting",
        meeting.id,
        after={"length": len(meeting.supervisor_statement)},
    )
    return meeting


def _coordinator(actor: User) -> None:
    if not actor.has_role(Role.COORDINATOR):
        raise RuleViolation("Only a coordinator can do this.")


def ratify(actor: User, meeting_id: int, today: date) -> StageMeeting:
    """Ratify a pass: the stage closes and the next opens, or the enrolment is accredited."""
    meeting = lock_meeting(meeting_id)
    _coordinator(actor)
    require_status(meeting, MeetingStatus.PASSED)
    enrolment, stage = enrolment_of_meeting(meeting), meeting.enrolment_stage
    before = meeting_snapshot(meeting)
    meeting.status, meeting.ratified_at, meeting.ratified_by = (
        MeetingStatus.RATIFIED,
        utcnow(),
        actor,
    )
    later = [s for s in enrolment.scheme.stages if s.number > stage.stage.number]
    if later:
        advance_stage(actor, enrolment, max(today, stage.opened_on))
    else:
        stage.closed_on = max(today, stage.opened_on)
        enrolment.status = EnrolmentStatus.ACCREDITED
    db.session.flush()
    expected_dates.refresh([enrolment])
    audit.record(
        actor,
        "meeting.ratified",
        "meeting",
        meeting.id,
        before,
        {**meeting_snapshot(meeting), "accredited": enrolment.status is EnrolmentStatus.ACCREDITED},
    )
    message = (
        f"{enrolment.trainee.display_name} is accredited."
        if not later
        else f"Stage {stage.stage.number} of {enrolment.trainee.display_name} is ratified."
    )
    resolve_told(["outcome_recorded"], enrolment)
    tell(involved_in(meeting), "ratified", message, enrolment)
    return meeting


def _void_pass(meeting: StageMeeting) -> None:
    evidence_locks.unlock(meeting)
    if meeting.milestone_id is not None:
        milestone_id, meeting.milestone_id = meeting.milestone_id, None
        db.session.flush()
        db.session.execute(delete(Milestone).where(Milestone.id == milestone_id))


def send_back(actor: User, meeting_id: int, reason: str) -> StageMeeting:
    """A coordinator returns a pass to the assessor with a reason; the evidence unlocks."""
    meeting = lock_meeting(meeting_id)
    _coordinator(actor)
    require_status(meeting, MeetingStatus.PASSED)
    if not reason.strip():
        raise RuleViolation("Say why the outcome goes back to the assessor.", "reason")
    before = meeting_snapshot(meeting)
    _void_pass(meeting)
    meeting.status, meeting.sent_back_reason = MeetingStatus.ASSESSOR_NAMED, reason.strip()
    meeting.digest, meeting.outcome_at = None, None
    db.session.flush()
    audit.record(
        actor,
        "meeting.sent_back",
        "meeting",
        meeting.id,
        before,
        {**meeting_snapshot(meeting), "reason": meeting.sent_back_reason},
    )
    enrolment = enrolment_of_meeting(meeting)
    resolve_told(["outcome_recorded"], enrolment)
    tell(
        involved_in(meeting),
        "sent_back",
        f"The stage {meeting.enrolment_stage.stage.number} outcome for "
        f"{enrolment.trainee.display_name} was sent back: {meeting.sent_back_reason}",
        enrolment,
    )
    return meeting


def reopen(actor: User, meeting_id: int, reason: str) -> StageMeeting:
    """Void a pass (and its ratification) with a reason; the stage is open again."""
    meeting = lock_meeting(meeting_id)
    _coordinator(actor)
    require_status(meeting, MeetingStatus.PASSED, MeetingStatus.RATIFIED)
    if not reason.strip():
        raise RuleViolation("Say why the stage is reopened.", "reason")
    enrolment, stage = enrolment_of_meeting(meeting), meeting.enrolment_stage
    before = meeting_snapshot(meeting)
    if meeting.status is MeetingStatus.RATIFIED:
        # Certificates are issued under the enrolment's lock: taken here too, a reopening and
        # an issue at the same instant cannot both land.
        enrolment = locked(enrolment)
        if current_certificate(enrolment) is not None:
            raise RuleViolation(
                "A certificate stands on this accreditation: revoke it before reopening the stage."
            )
        following = db.session.scalars(
            select(EnrolmentStage).where(
                EnrolmentStage.enrolment_id == enrolment.id,
                EnrolmentStage.opened_on >= stage.opened_on,
                EnrolmentStage.id != stage.id,
            )
        ).all()
        if (
            db.session.scalar(
                select(StageMeeting.id)
                .where(StageMeeting.enrolment_stage_id.in_([s.id for s in following]))
                .limit(1)
            )
            is not None
            or db.session.scalar(
                select(Rating.id)
                .where(Rating.enrolment_stage_id.in_([s.id for s in following]))
                .limit(1)
            )
            is not None
        ):
            raise RuleViolation("A later stage already has meetings or ratings; reopen it first.")
        for later in following:
            db.session.delete(later)
        stage.closed_on = None
        enrolment.status = EnrolmentStatus.ACTIVE
        expected_dates.refresh([enrolment])
    _void_pass(meeting)
    meeting.status, meeting.voided_at, meeting.void_reason = (
        MeetingStatus.VOIDED,
        utcnow(),
        reason.strip(),
    )
    db.session.flush()
    audit.record(
        actor,
        "meeting.voided",
        "meeting",
        meeting.id,
        before,
        {**meeting_snapshot(meeting), "reason": meeting.void_reason},
    )
    tell(
        [*involved_in(meeting), *coordinators()],
        "stage_reopened",
        f"Stage {stage.stage.number} of {enrolment.trainee.display_name} is reopened: "
        f"{meeting.void_reason}",
        enrolment,
    )
    return meeting
