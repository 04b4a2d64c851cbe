"""What is late, per person, for the daily digest: meetings waiting too long and stages past
their expected end (pauses already extend those)."""

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Enrolment, EnrolmentStage, EnrolmentStatus, MeetingStatus, StageMeeting
from app.phrase import Phrase, Value, counted
from app.services.people.coordinators import active_coordinators
from app.services.progress.snapshots import progress_for_many

WAITING = (MeetingStatus.REQUESTED, MeetingStatus.ASSESSOR_NAMED, MeetingStatus.PASSED)


def _meeting_lines(day: date, wait_days: int, lines: dict[int, list[Phrase]]) -> None:
    cutoff = datetime.combine(day - timedelta(days=wait_days), time.min, tzinfo=UTC)
    coordinator_ids = [u.id for u in active_coordinators()]
    meetings = db.session.scalars(
        select(StageMeeting)
        .where(StageMeeting.status.in_(WAITING))
        .options(
            selectinload(StageMeeting.enrolment_stage).selectinload(EnrolmentStage.stage),
            selectinload(StageMeeting.enrolment_stage)
            .selectinload(EnrolmentStage.enrolment)
            .selectinload(Enrolment.trainee),
        )
    )
    for meeting in meetings:
        passed = meeting.status is MeetingStatus.PASSED
        since = meeting.outcome_at if passed and meeting.outcome_at else meeting.requested_at
        if since >= cutoff:
            continue
        days = (day - since.date()).days
        values: dict[str, Value] = {
            "number": meeting.enrolment_stage.stage.number,
            "name": meeting.enrolment_stage.enrolment.trainee.display_name,
        }
        if meeting.status is MeetingStatus.REQUESTED:
            text = counted(
                "The stage %(number)s meeting of %(name)s has waited %(num)s day for an assessor.",
                "The stage %(number)s meeting of %(name)s has waited %(num)s days for an assessor.",
                num=days,
                **values,
            )
            people = coordinator_ids
        elif passed:
            text = counted(
                "The stage %(number)s meeting of %(name)s passed %(num)s day ago and waits for "
                "ratification.",
                "The stage %(number)s meeting of %(name)s passed %(num)s days ago and waits for "
                "ratification.",
                num=days,
                **values,
            )
            people = coordinator_ids
        else:
            text = counted(
                "The stage %(number)s meeting of %(name)s was requested %(num)s day ago; its "
                "outcome is not recorded yet.",
                "The stage %(number)s meeting of %(name)s was requested %(num)s days ago; its "
                "outcome is not recorded yet.",
                num=days,
                **values,
            )
            people = [*coordinator_ids, *([meeting.assessor_id] if meeting.assessor_id else [])]
        for person in people:
            lines[person].append(text)


def _stage_lines(day: date, lines: dict[int, list[Phrase]]) -> None:
    active = list(
        db.session.scalars(
            select(Enrolment)
            .where(Enrolment.status == EnrolmentStatus.ACTIVE)
            .options(selectinload(Enrolment.trainee), selectinload(Enrolment.assignments))
        )
    )
    progress = progress_for_many(active, day)
    for enrolment in active:
        current = progress[enrolment.id].current
        if current is None or current.expected_end is None or current.expected_end >= day:
            continue
        text = Phrase(
            "%(name)s is past the expected end of stage %(number)s (%(day)s).",
            name=enrolment.trainee.display_name,
            number=current.number,
            day=current.expected_end,
        )
        people = [enrolment.trainee_id]
        if enrolment.current_assignment is not None:
            people.append(enrolment.current_assignment.supervisor_id)
        for person in people:
            lines[person].append(text)


def overdue_lines(day: date, wait_days: int) -> dict[int, list[Phrase]]:
    """Lines about what is late, by the id of each person who should hear of it."""
    lines: dict[int, list[Phrase]] = defaultdict(list)
    _meeting_lines(day, wait_days, lines)
    _stage_lines(day, lines)
    return dict(lines)
