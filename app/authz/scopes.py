"""List queries narrowed to what a person may see: list pages start from these scopes; and what
a person may do with a list's rows, decided once for the page from the rules."""

from dataclasses import dataclass

from sqlalchemy import Select, exists, or_, select

from app.authz.actions import Action
from app.authz.rules import can, may_coordinate
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


@dataclass(frozen=True)
class ReflectionRights:
    """What the viewer may do with one enrolment's reflections, by each one's author, for a list
    that reads them as rows of columns rather than objects: the rules of SHARE_REFLECTION (its
    author) and DELETE_REFLECTION (its author, while they may record the enrolment's
    evidence), decided once for the page (tests hold them to `can` on each reflection)."""

    viewer_id: int
    may_record: bool

    def may_share(self, author_id: int) -> bool:
        return author_id == self.viewer_id

    def may_delete(self, author_id: int) -> bool:
        return self.may_share(author_id) and self.may_record


def reflection_rights(viewer: User, enrolment: Enrolment) -> ReflectionRights:
    """`viewer`'s rights over `enrolment`'s reflections (see ReflectionRights)."""
    return ReflectionRights(viewer.id, can(viewer, Action.RECORD_EVIDENCE, enrolment))
