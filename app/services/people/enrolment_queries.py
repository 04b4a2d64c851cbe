"""Read-side queries for enrolment pages, with their relations loaded up front."""

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Enrolment, EnrolmentStage, Scheme, SupervisorAssignment, User

DETAILS = (
    selectinload(Enrolment.trainee),
    selectinload(Enrolment.scheme),
    selectinload(Enrolment.stages).selectinload(EnrolmentStage.stage),
    selectinload(Enrolment.assignments).selectinload(SupervisorAssignment.supervisor),
)


def search_enrolments(base: Select[Enrolment], search: str = "") -> Select[Enrolment]:
    """Narrow a (permission-scoped) enrolment query by trainee name or scheme title."""
    query = base.join(User, Enrolment.trainee_id == User.id).join(Scheme)
    if search.strip():
        pattern = f"%{search.strip().lower()}%"
        query = query.where(
            func.lower(User.display_name).like(pattern) | func.lower(Scheme.title).like(pattern)
        )
    return query.options(*DETAILS).order_by(func.lower(User.display_name), Enrolment.id)


def own_enrolments(user: User) -> list[Enrolment]:
    """A trainee's enrolments, newest first."""
    query = (
        select(Enrolment)
        .where(Enrolment.trainee_id == user.id)
        .options(*DETAILS)
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
        .options(*DETAILS)
        .order_by(func.lower(User.display_name), Enrolment.id)
    )
    return list(db.session.scalars(query).unique())
