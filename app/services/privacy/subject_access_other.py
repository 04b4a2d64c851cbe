"""What Attune holds about a person as the other party of someone else's record (supervisor,
assessor, rater): dates and their own words only, never the trainee's evidence."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import (
    Case,
    Cycle,
    Enrolment,
    EnrolmentStage,
    Film,
    Moment,
    Rating,
    Reflection,
    StageMeeting,
    SupervisionSession,
    SupervisorAssignment,
    User,
)


def _periods(user: User) -> list[dict[str, Any]]:
    query = (
        select(SupervisorAssignment)
        .join(Enrolment)
        .where(SupervisorAssignment.supervisor_id == user.id, Enrolment.trainee_id != user.id)
        .order_by(SupervisorAssignment.starts_on, SupervisorAssignment.id)
    )
    return [{"starts_on": a.starts_on, "ends_on": a.ends_on} for a in db.session.scalars(query)]


def _sessions(user: User) -> list[dict[str, Any]]:
    query = (
        select(SupervisionSession)
        .join(Enrolment)
        .where(SupervisionSession.supervisor_id == user.id, Enrolment.trainee_id != user.id)
        .order_by(SupervisionSession.held_on, SupervisionSession.id)
    )
    return [
        {
            "held_on": s.held_on,
            "minutes": s.minutes,
            "status": s.status,
            "decided_at": s.decided_at,
            "return_reason": s.return_reason,
            "your_reflection": s.supervisor_reflection,
            "your_feedback": s.supervisor_feedback,
        }
        for s in db.session.scalars(query)
    ]


def _meetings(user: User) -> list[dict[str, Any]]:
    query = (
        select(StageMeeting)
        .where(StageMeeting.assessor_id == user.id)
        .order_by(StageMeeting.requested_at, StageMeeting.id)
    )
    return [
        {
            "held_on": m.held_on,
            "minutes": m.minutes,
            "status": m.status,
            "outcome_at": m.outcome_at,
            "documents_read": m.documents_read,
            "actions": m.actions,
            "new_target_on": m.new_target_on,
        }
        for m in db.session.scalars(query)
    ]


def _ratings(user: User) -> list[dict[str, Any]]:
    query = (
        select(Rating)
        .join(EnrolmentStage)
        .join(Enrolment)
        .where(Rating.rater_id == user.id, Enrolment.trainee_id != user.id)
        .options(selectinload(Rating.principle), selectinload(Rating.element))
        .order_by(Rating.rated_on, Rating.id)
    )
    return [
        {
            "rated_on": r.rated_on,
            "principle": r.principle.name,
            "element": r.element.text if r.element else "",
            "score": r.score,
            "comment": r.comment,
        }
        for r in db.session.scalars(query)
    ]


def _moments(user: User) -> list[dict[str, Any]]:
    query = (
        select(Moment)
        .join(Film)
        .join(Cycle)
        .join(Case)
        .join(Enrolment)
        .where(Moment.author_id == user.id, Enrolment.trainee_id != user.id)
        .options(selectinload(Moment.principle))
        .order_by(Moment.created_at, Moment.id)
    )
    return [
        {
            "marked_at": m.created_at,
            "start_ms": m.start_ms,
            "end_ms": m.end_ms,
            "principle": m.principle.name,
            "note": m.note,
        }
        for m in db.session.scalars(query)
    ]


def _reflections(user: User) -> list[dict[str, Any]]:
    query = (
        select(Reflection)
        .join(Enrolment, Enrolment.id == Reflection.enrolment_id)
        .where(Reflection.author_id == user.id, Enrolment.trainee_id != user.id)
        .order_by(Reflection.written_on, Reflection.id)
    )
    return [
        {"written_on": r.written_on, "title": r.title, "body": r.body, "private": r.private}
        for r in db.session.scalars(query)
    ]


def as_other_party(user: User) -> dict[str, list[dict[str, Any]]]:
    """The person's part in other people's records: their dates and their own notes."""
    return {
        "supervision_periods": _periods(user),
        "sessions_supervised": _sessions(user),
        "meetings_assessed": _meetings(user),
        "ratings_given": _ratings(user),
        "moments_marked": _moments(user),
        "reflections_written": _reflections(user),
    }
