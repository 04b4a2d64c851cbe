"""The one place that decides who may do what.

`can(user, action, obj)` answers; services call `ensure(...)`, which raises `NotAllowed` (a
RuleViolation, so the refusal is shown like any other); templates ask `can(...)`; views guard
with `app.authz.web`. A request for an object that is not yours answers 404, so ids cannot be
probed; a page meant for another role answers 403.

Evidence (cases, consents, cycles, films, moments, sessions, reflections) belongs to an
enrolment: its trainee, the trainee's current and past own supervisors and coordinators may see
it; only the trainee records it. Clips follow the consent's scopes exactly.
"""

from collections.abc import Callable
from typing import Any

from app.authz.actions import Action
from app.authz.relations import (
    enrolment_of,
    holds_current_certificate,
    is_assessor_of,
    is_own_supervisor_now,
    is_self,
    is_supervisor_of,
    is_trainee_of,
    renewing,
)
from app.errors import RuleViolation
from app.models import (
    ConsentScope,
    Enrolment,
    EnrolmentStatus,
    Film,
    Moment,
    Notification,
    Reflection,
    Role,
    SessionStatus,
    StageMeeting,
    SupervisionSession,
    User,
)


class NotAllowed(RuleViolation):
    """The acting person may not do this."""


# -- who may hold which part -------------------------------------------------------------------


def may_coordinate(person: User) -> bool:
    """Whether the person holds the coordinator's part (active or not)."""
    return person.has_role(Role.COORDINATOR)


def may_supervise(person: User) -> bool:
    """Whether the person holds the supervisor's part: own supervisor, assessor, rater."""
    return person.has_role(Role.SUPERVISOR)


def may_train(person: User) -> bool:
    """Whether the person holds the trainee's part: enrolled, recording evidence."""
    return person.has_role(Role.TRAINEE)


def holds_any(person: User, roles: frozenset[Role]) -> bool:
    """Whether the person holds one of `roles` (the second-factor policy asks)."""
    return bool(person.roles & roles)


# -- the rules of each action ------------------------------------------------------------------


def _signed_in(user: User, _obj: object) -> bool:
    return True


def _coordinator(user: User, _obj: object) -> bool:
    return may_coordinate(user)


def _coordinator_on_someone_else(user: User, person: User | None) -> bool:
    """A coordinator, about another person: nobody deactivates, merges or erases themselves."""
    return may_coordinate(user) and (person is None or not is_self(user, person))


def _may_view(user: User, obj: object | None) -> bool:
    if obj is None:
        return True
    enrolment = enrolment_of(obj)
    if isinstance(obj, Reflection) and obj.private:
        return obj.author_id == user.id
    return (
        may_coordinate(user)
        or is_trainee_of(user, enrolment)
        or is_supervisor_of(user, enrolment)
        or is_assessor_of(user, enrolment)
    )


def _may_record(user: User, obj: object | None) -> bool:
    if obj is None:
        return may_train(user)
    enrolment = enrolment_of(obj)
    return is_trainee_of(user, enrolment) and (
        enrolment.status is EnrolmentStatus.ACTIVE or renewing(enrolment)
    )


def _may_view_clip(user: User, film: Film | None) -> bool:
    if film is None:
        return True
    enrolment = enrolment_of(film)
    if is_trainee_of(user, enrolment):
        return film.consent.allows(ConsentScope.FILMING)
    if is_supervisor_of(user, enrolment) and film.consent.allows(ConsentScope.OWN_SUPERVISOR):
        return True
    return is_assessor_of(user, enrolment) and film.consent.allows(ConsentScope.ASSESSOR)


def _may_add_moment(user: User, film: Film | None) -> bool:
    if film is None:
        return may_train(user) or may_supervise(user)
    enrolment = enrolment_of(film)
    if enrolment.status is not EnrolmentStatus.ACTIVE:
        return False
    if is_trainee_of(user, enrolment):
        return True
    return is_supervisor_of(user, enrolment) and film.consent.allows(ConsentScope.OWN_SUPERVISOR)


def _may_delete_moment(user: User, moment: Moment | None) -> bool:
    if moment is None:
        return True
    return moment.author_id == user.id or _may_record(user, moment)


def _may_reply(user: User, moment: Moment | None) -> bool:
    """The trainee and their own supervisor talk about a moment while the pathway is active."""
    if moment is None:
        return may_train(user) or may_supervise(user)
    enrolment = enrolment_of(moment)
    if enrolment.status is not EnrolmentStatus.ACTIVE:
        return False
    return is_trainee_of(user, enrolment) or is_own_supervisor_now(user, enrolment)


def _session_supervisor(user: User, session: SupervisionSession | None) -> bool:
    if session is None:
        return may_supervise(user)
    return session.supervisor_id == user.id


def _may_decide(user: User, session: SupervisionSession | None) -> bool:
    if session is None:
        return may_supervise(user)
    return _session_supervisor(user, session) and session.status is SessionStatus.LOGGED


def _may_request(user: User, enrolment: Enrolment | None) -> bool:
    if may_coordinate(user):
        return True
    if enrolment is None:
        return may_train(user)
    return is_trainee_of(user, enrolment) and enrolment.status is EnrolmentStatus.ACTIVE


def _assessor(user: User, meeting: StageMeeting | None) -> bool:
    if meeting is None:
        return may_supervise(user)
    return meeting.assessor_id == user.id


def _own_supervisor_now(user: User, obj: StageMeeting | Enrolment | None) -> bool:
    if obj is None:
        return may_supervise(user)
    return is_own_supervisor_now(user, enrolment_of(obj))


def _may_rate(user: User, enrolment: Enrolment | None) -> bool:
    if enrolment is None:
        return may_train(user) or may_supervise(user)
    if enrolment.status is not EnrolmentStatus.ACTIVE:
        return False
    return is_trainee_of(user, enrolment) or is_own_supervisor_now(user, enrolment)


def _author(user: User, reflection: Reflection | None) -> bool:
    return reflection is None or reflection.author_id == user.id


def _may_delete_reflection(user: User, reflection: Reflection | None) -> bool:
    return _author(user, reflection) and _may_record(user, reflection)


def _own_notification(user: User, notification: Notification | None) -> bool:
    return notification is None or notification.user_id == user.id


def _keeps_footage(user: User, film: Film | None) -> bool:
    """The film's trainee, whatever the enrolment's status: footage outlives the pathway."""
    if film is None:
        return may_train(user)
    return is_trainee_of(user, enrolment_of(film))


def _may_issue(user: User, enrolment: Enrolment | None) -> bool:
    """A coordinator, for an accredited enrolment that holds no current certificate."""
    if not may_coordinate(user):
        return False
    return enrolment is None or (
        enrolment.status is EnrolmentStatus.ACCREDITED and not holds_current_certificate(enrolment)
    )


RULES: dict[Action, Callable[[User, Any], bool]] = {
    Action.VIEW_HOME: _signed_in,
    Action.EDIT_OWN_ACCOUNT: _signed_in,
    Action.MANAGE_OWN_SECOND_FACTORS: _signed_in,
    # Nobody resets their own: that takes a recovery code, at sign-in.
    Action.RESET_SECOND_FACTOR: _coordinator_on_someone_else,
    Action.SET_SECOND_FACTOR_POLICY: _coordinator,
    Action.VIEW_SCHEMES: _signed_in,
    Action.MANAGE_PEOPLE: _coordinator,
    Action.DEACTIVATE_PERSON: _coordinator_on_someone_else,
    Action.MERGE_PERSON: _coordinator_on_someone_else,
    # A CSV of a list is personal data in bulk, so it is decided on its own.
    Action.EXPORT_LISTS: _coordinator,
    Action.CREATE_ENROLMENT: _coordinator,
    Action.CHANGE_SUPERVISOR: _coordinator,
    Action.RECORD_PAUSE: _coordinator,
    Action.VIEW_ENROLMENT: _may_view,
    Action.VIEW_EVIDENCE: _may_view,
    # The trainee, their supervisors past and present, an assessor and coordinators.
    Action.GENERATE_PORTFOLIO: _may_view,
    Action.RECORD_EVIDENCE: _may_record,
    Action.ADD_MOMENT: _may_add_moment,
    Action.DELETE_MOMENT: _may_delete_moment,
    Action.REPLY_TO_MOMENT: _may_reply,
    Action.VIEW_CLIP: _may_view_clip,
    Action.DECIDE_SESSION: _may_decide,
    Action.WRITE_SESSION_NOTES: _session_supervisor,
    Action.SHARE_REFLECTION: _author,
    Action.DELETE_REFLECTION: _may_delete_reflection,
    Action.REQUEST_MEETING: _may_request,
    # Requesting the meeting with requirements unmet, for a recorded reason (prior learning).
    Action.REQUEST_MEETING_EXCEPTION: _coordinator,
    Action.VIEW_MEETING: _may_view,
    Action.NAME_ASSESSOR: _coordinator,
    Action.RECORD_OUTCOME: _assessor,
    Action.WRITE_STATEMENT: _own_supervisor_now,
    Action.DECIDE_SIGNOFF: _coordinator,
    Action.RATE: _may_rate,
    Action.MANAGE_CERTIFICATES: _coordinator,
    Action.ISSUE_CERTIFICATE: _may_issue,
    Action.VIEW_OWN_NOTIFICATIONS: _own_notification,
    Action.MANAGE_RETENTION: _coordinator,
    Action.CONFIRM_FOOTAGE_DELETED: _keeps_footage,
    # Everyone may have their own data; a person's data in full is for coordinators only.
    Action.EXPORT_OWN_DATA: _signed_in,
    Action.EXPORT_PERSON_DATA: _coordinator,
    # Erasure cannot be undone, so it is named on its own even though it is for coordinators.
    Action.ERASE_PERSON: _coordinator_on_someone_else,
    Action.VIEW_PIPELINE: _coordinator,
    Action.MANAGE_COHORTS: _coordinator,
}


def can(user: User | Any, action: Action, obj: object = None) -> bool:
    """Whether `user` may do `action` (on `obj`, or in general when obj is None)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.active:
        return False
    return RULES[action](user, obj)


def allows(actor: User, action: Action, obj: object = None) -> bool:
    """For services: whether the rule of `action` allows `actor` (see `ensure`)."""
    return RULES[action](actor, obj)


def ensure(
    actor: User, action: Action, obj: object = None, refusal: str = "", field: str | None = None
) -> None:
    """For services: raise NotAllowed (with `refusal`, shown beside `field`) unless `actor` may
    do `action`. Signing in is the web's business, so an actor the command line hands over
    (even a deactivated account) is judged by the rule alone."""
    if not allows(actor, action, obj):
        raise NotAllowed(refusal or "You may not do this.", field)
