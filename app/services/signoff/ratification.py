"""The coordinator's decisions on a stage meeting: ratifying a pass (the stage closes, the next
opens), sending a pass back to the assessor, or reopening a ratified stage; each audited."""

from datetime import date

from sqlalchemy import delete, select

from app.authz.actions import Action
from app.authz.rules import ensure
from app.errors import RuleViolation
from app.extensions import db
from app.models import (
    EnrolmentStage,
    EnrolmentStatus,
    MeetingStatus,
    Milestone,
    Rating,
    StageMeeting,
    User,
)
from app.models.base import utcnow
from app.phrase import Phrase
from app.services import audit
from app.services.certificates.issuing import current_certificate
from app.services.evidence import locks as evidence_locks
from app.services.people.coordinators import active_coordinators
from app.services.people.enrolments import advance_stage
from app.services.progress import expected_dates
from app.services.row_locks import locked
from app.services.signoff.meetings import (
    enrolment_of_meeting,
    involved_in,
    lock_meeting,
    meeting_snapshot,
    require_status,
    resolve_told,
    tell,
)


def _coordinator(actor: User) -> None:
    ensure(actor, Action.DECIDE_SIGNOFF, refusal="Only a coordinator can do this.")


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
        Phrase("%(name)s is accredited.", name=enrolment.trainee.display_name)
        if not later
        else Phrase(
            "Stage %(number)s of %(name)s is ratified.",
            number=stage.stage.number,
            name=enrolment.trainee.display_name,
        )
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
        Phrase(
            "The stage %(number)s outcome for %(name)s was sent back: %(reason)s",
            number=meeting.enrolment_stage.stage.number,
            name=enrolment.trainee.display_name,
            reason=meeting.sent_back_reason or "",
        ),
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
        [*involved_in(meeting), *active_coordinators()],
        "stage_reopened",
        Phrase(
            "Stage %(number)s of %(name)s is reopened: %(reason)s",
            number=stage.stage.number,
            name=enrolment.trainee.display_name,
            reason=meeting.void_reason or "",
        ),
        enrolment,
    )
    return meeting
