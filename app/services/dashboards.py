"""What each person's home page shows, loaded in a fixed number of queries."""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import (
    AuthToken,
    Enrolment,
    EnrolmentStage,
    EnrolmentStatus,
    SupervisorAssignment,
    TokenPurpose,
    User,
)
from app.models.base import utcnow

_ENROLMENT_DETAILS = (
    selectinload(Enrolment.trainee),
    selectinload(Enrolment.scheme),
    selectinload(Enrolment.stages).selectinload(EnrolmentStage.stage),
    selectinload(Enrolment.assignments).selectinload(SupervisorAssignment.supervisor),
)


def own_enrolments(user: User) -> list[Enrolment]:
    """A trainee's enrolments, newest first."""
    query = (
        select(Enrolment)
        .where(Enrolment.trainee_id == user.id)
        .options(*_ENROLMENT_DETAILS)
        .order_by(Enrolment.started_on.desc(), Enrolment.id.desc())
    )
    return list(db.session.scalars(query))


def current_supervisees(user: User) -> list[Enrolment]:
    """Enrolments whose own supervisor is `user` now, by trainee name."""
    query = (
        select(Enrolment)
        .join(SupervisorAssignment)
        .join(User, Enrolment.trainee_id == User.id)
        .where(
            SupervisorAssignment.supervisor_id == user.id, SupervisorAssignment.ends_on.is_(None)
        )
        .options(*_ENROLMENT_DETAILS)
        .order_by(func.lower(User.display_name), Enrolment.id)
    )
    return list(db.session.scalars(query).unique())


@dataclass(frozen=True)
class CoordinatorSummary:
    """Headline figures for coordinators."""

    people: int
    active_enrolments: int
    pending_invitations: int


def coordinator_summary() -> CoordinatorSummary:
    """Counts of people, active enrolments and invitations not yet accepted."""
    people = db.session.scalar(select(func.count()).select_from(User)) or 0
    active = (
        db.session.scalar(
            select(func.count())
            .select_from(Enrolment)
            .where(Enrolment.status == EnrolmentStatus.ACTIVE)
        )
        or 0
    )
    pending = (
        db.session.scalar(
            select(func.count(func.distinct(AuthToken.user_id)))
            .join(User, AuthToken.user_id == User.id)
            .where(
                AuthToken.purpose == TokenPurpose.INVITE,
                AuthToken.used_at.is_(None),
                AuthToken.expires_at > utcnow(),
                User.password_hash.is_(None),
            )
        )
        or 0
    )
    return CoordinatorSummary(people, active, pending)
