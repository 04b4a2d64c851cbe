"""Decisions on a stage meeting before the coordinator's: the assessor's outcome and the own
supervisor's statement (the coordinator's are in `ratification`). Each locks the meeting first."""

from collections.abc import Sequence
from datetime import date

from app.authz.actions import Action
from app.authz.relations import is_own_supervisor_on
from app.authz.rules import NotAllowed, ensure
from app.errors import RuleViolation
from app.extensions import db
from app.models import (
    ConsentScope,
    Film,
    MeetingStatus,
    Milestone,
    MilestoneKind,
    StageMeeting,
    User,
)
from app.models.base import utcnow
from app.phrase import Phrase
from app.services import audit
from app.services.evidence import locks as evidence_locks
from app.services.evidence.rules import check_not_future, check_text
from app.services.people.coordinators import active_coordinators
from app.services.progress.snapshots import progress_for
from app.services.signoff.meetings import (
    MAX_MEETING_MINUTES,
    enrolment_of_meeting,
    involved_in,
    lock_meeting,
    meeting_snapshot,
    require_status,
    resolve_told,
    tell,
)
from app.services.wording import MEETING_STATES

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
    ensure(actor, Action.RECORD_OUTCOME, meeting, "Only the named assessor records the outcome.")
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
        [*involved_in(meeting), *active_coordinators()],
        "outcome_recorded",
        Phrase(
            "Stage %(number)s meeting of %(name)s: %(outcome)s.",
            number=meeting.enrolment_stage.stage.number,
            name=enrolment.trainee.display_name,
            outcome=MEETING_STATES[outcome],
        ),
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
    if not is_own_supervisor_on(actor, enrolment_of_meeting(meeting), today):
        raise NotAllowed("Only the trainee's own supervisor writes the statement.")
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
