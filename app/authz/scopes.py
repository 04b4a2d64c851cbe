"""List queries narrowed to what a person may see: list pages start from these scopes."""

from sqlalchemy import Select, exists, or_, select

from app.authz.rules import may_coordinate
from app.models import Enrolment, Reflection, SupervisorAssignment, User


def visible_enrolments(user: User) -> Select[Enrolment]:
    """Enrolments the user may see: all for coordinators, own and supervisees' otherwise."""
    query = select(Enrolment)
    if may_coordinate(user):
        return query
    supervised = exists().where(
        SupervisorAssignment.enrolment_id == Enrolment.id,
        SupervisorAssignment.supervisor_id == user.id,
    )
    return query.where(or_(Enrolment.trainee_id == user.id, supervised))


def visible_reflections(user: User, enrolment: Enrolment) -> Select[Reflection]:
    """An enrolment's reflections the user may read: shared ones, and their own private ones."""
    return select(Reflection).where(
        Reflection.enrolment_id == enrolment.id,
        or_(Reflection.private.is_(False), Reflection.author_id == user.id),
    )
