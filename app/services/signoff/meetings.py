"""End-of-stage meetings: request, assessor (four-eyes), outcome, ratification, reopening.

Every transition is allowed only from the right state, by the right person; the meeting row
is locked (SELECT ... FOR UPDATE) while a decision is made, so two people deciding at once end
with one decision and a clear refusal for the other.
"""

from collections.abc import Sequence
from datetime import date
from typing import Any, Protocol, TypeVar

from sqlalchemy import Row, bindparam, select
from sqlalchemy.orm import joinedload

from app.authz.actions import Action
from app.authz.rules import allows, ensure
from app.errors import RuleViolation
from app.extensions import db
from app.models import (
    Enrolment,
    EnrolmentStage,
    EnrolmentStatus,
    MeetingStatus,
    Stage,
    StageMeeting,
    User,
)
from app.phrase import Phrase
from app.services import audit, notifications
from app.services.evidence import locks
from app.services.evidence.rules import check_text
from app.services.people.coordinators import active_coordinators
from app.services.progress.evaluate import EnrolmentProgress, StageProgress
from app.services.row_locks import locked, locked_by_id
from app.services.signoff.assessors import grade_may_assess
from app.services.wording import MEETING_STATES

OPEN = (MeetingStatus.REQUESTED, MeetingStatus.ASSESSOR_NAMED, MeetingStatus.PASSED)
MAX_MEETING_MINUTES = 8 * 60


def meetings_of(stage: EnrolmentStage) -> list[StageMeeting]:
    """A stage's meetings, oldest first."""
    return list(
        db.session.scalars(
            select(StageMeeting)
            .where(StageMeeting.enrolment_stage_id == stage.id)
            .order_by(StageMeeting.id)
        )
    )


_OF_ENROLMENT = (  # built once: the enrolment page runs it on every view
    select(StageMeeting)
    .join(EnrolmentStage)
    .where(EnrolmentStage.enrolment_id == bindparam("enrolment_id"))
    .options(  # many-to-ones, in the same statement
        joinedload(StageMeeting.enrolment_stage, innerjoin=True).joinedload(
            EnrolmentStage.stage, innerjoin=True
        ),
        joinedload(StageMeeting.assessor),
        joinedload(StageMeeting.ratified_by),
    )
    .order_by(StageMeeting.id)
)


# What the enrolment's page shows of each of its meetings, built once.
_ROWS_OF_ENROLMENT = (
    select(
        StageMeeting.id,
        StageMeeting.status,
        StageMeeting.requested_at,
        StageMeeting.enrolment_stage_id,
        Stage.number.label("stage_number"),
    )
    .join(EnrolmentStage, EnrolmentStage.id == StageMeeting.enrolment_stage_id)
    .join(Stage, Stage.id == EnrolmentStage.stage_id)
    .where(EnrolmentStage.enrolment_id == bindparam("enrolment_id"))
    .order_by(StageMeeting.id)
)


def meeting_rows_of_enrolment(enrolment: Enrolment) -> list[Row[Any]]:
    """An enrolment's stage meetings, oldest first, as rows of what its page shows (id,
    status, requested_at, enrolment_stage_id, stage_number): no meeting, stage or person built."""
    return list(db.session.execute(_ROWS_OF_ENROLMENT, {"enrolment_id": enrolment.id}))


def meetings_of_enrolment(enrolment: Enrolment) -> list[StageMeeting]:
    """All of an enrolment's stage meetings, oldest first."""
    return list(db.session.scalars(_OF_ENROLMENT, {"enrolment_id": enrolment.id}))


def open_meeting(stage: EnrolmentStage) -> StageMeeting | None:
    """The meeting in progress for a stage (requested, assessor named or passed)."""
    return open_meeting_among(meetings_of(stage), stage)


class MeetingHead(Protocol):
    """What finding a stage's open meeting reads of each meeting (a StageMeeting or a row)."""

    enrolment_stage_id: int
    status: MeetingStatus


M = TypeVar("M", bound=MeetingHead)


def open_meeting_among(meetings: Sequence[M], stage: EnrolmentStage) -> M | None:
    """The meeting in progress for a stage, found among meetings already read (oldest first)."""
    current = [m for m in meetings if m.enrolment_stage_id == stage.id and m.status in OPEN]
    return current[-1] if current else None


def open_meeting_locks_stage(stage: EnrolmentStage) -> bool:
    """Whether the stage has a pass on record (its evidence is locked)."""
    return any(m.status in locks.ACTIVE for m in meetings_of(stage))


def lock_meeting(meeting_id: int) -> StageMeeting:
    """The meeting, re-read and locked for this transaction (SELECT ... FOR UPDATE)."""
    return locked_by_id(StageMeeting, meeting_id)


def require_status(meeting: StageMeeting, *allowed: MeetingStatus) -> None:
    """Refuse a transition from any other state."""
    if meeting.status not in allowed:
        raise RuleViolation(
            "This meeting is %(state)s; that cannot be done now.",
            state=MEETING_STATES[meeting.status],
        )


def enrolment_of_meeting(meeting: StageMeeting) -> Enrolment:
    """The enrolment a meeting belongs to."""
    return meeting.enrolment_stage.enrolment


def involved_in(meeting: StageMeeting) -> list[User]:
    """The trainee, their own supervisor and the assessor."""
    enrolment = enrolment_of_meeting(meeting)
    people = [enrolment.trainee]
    if enrolment.current_assignment is not None:
        people.append(enrolment.current_assignment.supervisor)
    if meeting.assessor is not None:
        people.append(meeting.assessor)
    return people


def tell(people: list[User], kind: str, message: Phrase, enrolment: Enrolment) -> None:
    """Notify people, linking to the enrolment's page."""
    notifications.notify(
        people, kind, message, notifications.link_to("enrolments.show", enrolment_id=enrolment.id)
    )


def resolve_told(kinds: Sequence[str], enrolment: Enrolment) -> None:
    """What notifications of these kinds about the enrolment's meeting asked for is done."""
    notifications.resolve(
        kinds, notifications.link_to("enrolments.show", enrolment_id=enrolment.id)
    )


def meeting_snapshot(meeting: StageMeeting) -> dict[str, object]:
    """What the audit log keeps of a meeting before and after a change."""
    return {"status": meeting.status, "assessor_id": meeting.assessor_id, "digest": meeting.digest}


def missing_for_request(stage: StageProgress) -> list[str]:
    """The requirements still unmet, leaving out the meeting being requested."""
    return [r.label for r in stage.requirements if not r.met and r.kind != "meeting"]


def request_meeting(
    actor: User, enrolment: Enrolment, progress: EnrolmentProgress, exception_reason: str = ""
) -> StageMeeting:
    """Ask for the end-of-stage meeting; refused with what is missing, unless a coordinator
    records an exception with a reason (prior learning, say). The enrolment's row is locked
    first: two requests at the same instant make one meeting, and the second is refused."""
    enrolment = locked(enrolment)
    stage = enrolment.current_stage
    if stage is None or progress.current is None or enrolment.status is not EnrolmentStatus.ACTIVE:
        raise RuleViolation("There is no open stage to finish.")
    if open_meeting(stage) is not None:
        raise RuleViolation("A meeting for this stage is already under way.")
    ensure(
        actor,
        Action.REQUEST_MEETING,
        enrolment,
        "Only the trainee or a coordinator can request the meeting.",
    )
    missing = missing_for_request(progress.current)
    may_except = allows(actor, Action.REQUEST_MEETING_EXCEPTION, enrolment)
    if missing and not (may_except and exception_reason.strip()):
        raise RuleViolation("Not yet: %(missing)s.", missing=tuple(missing))
    check_text(exception_reason, "exception_reason", 2000)
    meeting = StageMeeting(
        enrolment_stage=stage,
        status=MeetingStatus.REQUESTED,
        requested_by_id=actor.id,
        exception_reason=exception_reason.strip() if missing else "",
        missing_at_request=missing,
    )
    db.session.add(meeting)
    db.session.flush()
    action = "meeting.requested_by_exception" if missing else "meeting.requested"
    audit.record(
        actor,
        action,
        "meeting",
        meeting.id,
        after={"stage": stage.stage.number, "missing": missing, "reason": meeting.exception_reason},
    )
    tell(
        active_coordinators(),
        "meeting_requested",
        Phrase(
            "%(name)s asks for the stage %(number)s meeting.",
            name=enrolment.trainee.display_name,
            number=stage.stage.number,
        ),
        enrolment,
    )
    return meeting


def assessor_conflict(meeting: StageMeeting, assessor: User, today: date) -> Phrase | None:
    """Why `assessor` may not assess this meeting (the four-eyes rule), or None."""
    enrolment = enrolment_of_meeting(meeting)
    stage = meeting.enrolment_stage
    if assessor.id == enrolment.trainee_id:
        return Phrase("The trainee cannot assess their own stage.")
    stage_end = stage.closed_on or today
    for assignment in enrolment.assignments:
        ends = assignment.ends_on or date.max
        if (
            assignment.supervisor_id == assessor.id
            and assignment.starts_on <= stage_end
            and (ends >= stage.opened_on)
        ):
            return Phrase("This supervisor was the trainee's own supervisor during the stage.")
    if not grade_may_assess(assessor, enrolment.scheme):
        return Phrase("This supervisor's grade may not assess this scheme's stage meetings.")
    return None


def name_assessor(actor: User, meeting_id: int, assessor: User, today: date) -> StageMeeting:
    """A coordinator names the assessing supervisor."""
    meeting = lock_meeting(meeting_id)
    ensure(actor, Action.NAME_ASSESSOR, meeting, "Only a coordinator names the assessor.")
    require_status(meeting, MeetingStatus.REQUESTED, MeetingStatus.ASSESSOR_NAMED)
    conflict = assessor_conflict(meeting, assessor, today)
    if conflict:
        raise RuleViolation(conflict, "assessor")
    before = meeting_snapshot(meeting)
    meeting.assessor, meeting.status = assessor, MeetingStatus.ASSESSOR_NAMED
    db.session.flush()
    audit.record(
        actor, "meeting.assessor_named", "meeting", meeting.id, before, meeting_snapshot(meeting)
    )
    enrolment = enrolment_of_meeting(meeting)
    # Naming again replaces the earlier assessor's request with the one below.
    resolve_told(["meeting_requested", "assessor_named"], enrolment)
    tell(
        involved_in(meeting),
        "assessor_named",
        Phrase(
            "%(assessor)s will assess %(name)s's stage %(number)s meeting.",
            assessor=assessor.display_name,
            name=enrolment.trainee.display_name,
            number=meeting.enrolment_stage.stage.number,
        ),
        enrolment,
    )
    return meeting
