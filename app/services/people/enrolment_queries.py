"""Read-side queries for enrolment pages, with their relations loaded up front."""

from sqlalchemy import Select, func
from sqlalchemy.orm import selectinload

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
