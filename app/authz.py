"""The one place that decides who may do what.

Views declare their action with `@requires(...)` (or `@public`), then load objects with
`load_or_404(...)`; list pages narrow their queries with the `visible_*` scopes below. A request
for an object that is not yours answers 404, so ids cannot be probed; a page meant for another
role answers 403.

Evidence (cases, consents, cycles, films, moments, sessions, reflections) belongs to an
enrolment: its trainee, the trainee's current and past own supervisors and coordinators may see
it; only the trainee records it. Clips follow the consent's scopes exactly.
"""

from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user
from sqlalchemy import Select, exists, or_, select

from app.extensions import db, login_manager
from app.models import (
    Case,
    Certificate,
    Consent,
    ConsentScope,
    Cycle,
    Enrolment,
    EnrolmentStage,
    EnrolmentStatus,
    Film,
    MeetingStatus,
    Moment,
    PortfolioDocument,
    Reflection,
    Role,
    SessionStatus,
    StageMeeting,
    SupervisionSession,
    SupervisorAssignment,
    User,
)
from app.services.certificates.issuing import current_certificate

F = TypeVar("F", bound=Callable[..., Any])
M = TypeVar("M")


class Action(StrEnum):
    """Everything a route can do, named once."""

    VIEW_HOME = "home.view"
    EDIT_OWN_ACCOUNT = "account.edit"
    MANAGE_PEOPLE = "people.manage"
    EXPORT_LISTS = "lists.export"
    VIEW_SCHEMES = "schemes.view"
    CREATE_ENROLMENT = "enrolment.create"
    VIEW_ENROLMENT = "enrolment.view"
    CHANGE_SUPERVISOR = "enrolment.change_supervisor"
    RECORD_PAUSE = "enrolment.record_pause"
    VIEW_EVIDENCE = "evidence.view"
    RECORD_EVIDENCE = "evidence.record"
    ADD_MOMENT = "film.add_moment"
    DELETE_MOMENT = "moment.delete"
    VIEW_CLIP = "film.view_clip"
    DECIDE_SESSION = "session.decide"
    WRITE_SESSION_NOTES = "session.write_notes"
    SHARE_REFLECTION = "reflection.share"
    VIEW_OWN_NOTIFICATIONS = "notifications.view"
    REQUEST_MEETING = "meeting.request"
    VIEW_MEETING = "meeting.view"
    NAME_ASSESSOR = "meeting.name_assessor"
    RECORD_OUTCOME = "meeting.record_outcome"
    WRITE_STATEMENT = "meeting.write_statement"
    DECIDE_SIGNOFF = "meeting.decide"
    RATE = "ratings.rate"
    MANAGE_CERTIFICATES = "certificates.manage"
    GENERATE_PORTFOLIO = "portfolio.generate"
    MANAGE_RETENTION = "retention.manage"
    CONFIRM_FOOTAGE_DELETED = "film.confirm_footage_deleted"
    EXPORT_OWN_DATA = "account.export_data"
    EXPORT_PERSON_DATA = "people.export_data"
    ERASE_PERSON = "people.erase"
    VIEW_PIPELINE = "pipeline.view"
    MANAGE_COHORTS = "cohorts.manage"


def enrolment_of(obj: object) -> Enrolment:
    """The enrolment a piece of evidence belongs to."""
    if isinstance(obj, Enrolment):
        return obj
    if isinstance(obj, Case):
        return obj.enrolment
    if isinstance(obj, Consent):
        return obj.case.enrolment
    if isinstance(obj, Cycle):
        return obj.case.enrolment
    if isinstance(obj, Film):
        return obj.cycle.case.enrolment
    if isinstance(obj, Moment):
        return obj.film.cycle.case.enrolment
    if isinstance(obj, SupervisionSession):
        return obj.enrolment
    if isinstance(obj, Certificate | PortfolioDocument):
        return obj.enrolment
    if isinstance(obj, StageMeeting):
        return obj.enrolment_stage.enrolment
    if isinstance(obj, Reflection):
        found = db.session.get(Enrolment, obj.enrolment_id)
        assert found is not None
        return found
    raise TypeError(f"{type(obj).__name__} is not evidence")


def _is_trainee_of(user: User, enrolment: Enrolment) -> bool:
    return enrolment.trainee_id == user.id


def _is_supervisor_of(user: User, enrolment: Enrolment) -> bool:
    return any(a.supervisor_id == user.id for a in enrolment.assignments)


def _is_assessor_of(user: User, enrolment: Enrolment) -> bool:
    """Named to assess one of the enrolment's stage meetings (and not since voided)."""
    return (
        db.session.scalar(
            select(StageMeeting.id)
            .join(EnrolmentStage)
            .where(
                EnrolmentStage.enrolment_id == enrolment.id,
                StageMeeting.assessor_id == user.id,
                StageMeeting.status != MeetingStatus.VOIDED,
            )
            .limit(1)
        )
        is not None
    )


def _signed_in(user: User, _obj: object) -> bool:
    return True


def _coordinator(user: User, _obj: object) -> bool:
    return user.has_role(Role.COORDINATOR)


def _may_view(user: User, obj: object | None) -> bool:
    if obj is None:
        return True
    enrolment = enrolment_of(obj)
    if isinstance(obj, Reflection) and obj.private:
        return obj.author_id == user.id
    return (
        user.has_role(Role.COORDINATOR)
        or _is_trainee_of(user, enrolment)
        or _is_supervisor_of(user, enrolment)
        or _is_assessor_of(user, enrolment)
    )


def _renewing(enrolment: Enrolment) -> bool:
    """Accredited on a scheme whose certificates are renewed on new evidence, and holding a
    current certificate (not revoked): the practitioner gathers evidence for its renewal."""
    return (
        enrolment.status is EnrolmentStatus.ACCREDITED
        and bool(enrolment.scheme.renewal_requirements)
        and current_certificate(enrolment) is not None
    )


def _may_record(user: User, obj: object | None) -> bool:
    if obj is None:
        return user.has_role(Role.TRAINEE)
    enrolment = enrolment_of(obj)
    return _is_trainee_of(user, enrolment) and (
        enrolment.status is EnrolmentStatus.ACTIVE or _renewing(enrolment)
    )


def _may_view_clip(user: User, film: Film | None) -> bool:
    if film is None:
        return True
    enrolment = enrolment_of(film)
    if _is_trainee_of(user, enrolment):
        return film.consent.allows(ConsentScope.FILMING)
    if _is_supervisor_of(user, enrolment) and film.consent.allows(ConsentScope.OWN_SUPERVISOR):
        return True
    return _is_assessor_of(user, enrolment) and film.consent.allows(ConsentScope.ASSESSOR)


def _may_add_moment(user: User, film: Film | None) -> bool:
    if film is None:
        return bool(user.roles & {Role.TRAINEE, Role.SUPERVISOR})
    enrolment = enrolment_of(film)
    if enrolment.status is not EnrolmentStatus.ACTIVE:
        return False
    if _is_trainee_of(user, enrolment):
        return True
    return _is_supervisor_of(user, enrolment) and film.consent.allows(ConsentScope.OWN_SUPERVISOR)


def _may_delete_moment(user: User, moment: Moment | None) -> bool:
    if moment is None:
        return True
    return moment.author_id == user.id or _may_record(user, moment)


def _session_supervisor(user: User, session: SupervisionSession | None) -> bool:
    if session is None:
        return user.has_role(Role.SUPERVISOR)
    return session.supervisor_id == user.id


def _may_decide(user: User, session: SupervisionSession | None) -> bool:
    if session is None:
        return user.has_role(Role.SUPERVISOR)
    return _session_supervisor(user, session) and session.status is SessionStatus.LOGGED


def _may_request(user: User, enrolment: Enrolment | None) -> bool:
    if user.has_role(Role.COORDINATOR):
        return True
    if enrolment is None:
        return user.has_role(Role.TRAINEE)
    return _is_trainee_of(user, enrolment) and enrolment.status is EnrolmentStatus.ACTIVE


def _assessor(user: User, meeting: StageMeeting | None) -> bool:
    if meeting is None:
        return user.has_role(Role.SUPERVISOR)
    return meeting.assessor_id == user.id


def _own_supervisor_now(user: User, obj: StageMeeting | Enrolment | None) -> bool:
    if obj is None:
        return user.has_role(Role.SUPERVISOR)
    current = enrolment_of(obj).current_assignment
    return current is not None and current.supervisor_id == user.id


def _may_rate(user: User, enrolment: Enrolment | None) -> bool:
    if enrolment is None:
        return bool(user.roles & {Role.TRAINEE, Role.SUPERVISOR})
    if enrolment.status is not EnrolmentStatus.ACTIVE:
        return False
    return _is_trainee_of(user, enrolment) or _own_supervisor_now(user, enrolment)


def _author(user: User, reflection: Reflection | None) -> bool:
    return reflection is None or reflection.author_id == user.id


def _keeps_footage(user: User, film: Film | None) -> bool:
    """The film's trainee, whatever the enrolment's status: footage outlives the pathway."""
    if film is None:
        return user.has_role(Role.TRAINEE)
    return _is_trainee_of(user, enrolment_of(film))


RULES: dict[Action, Callable[[User, Any], bool]] = {
    Action.VIEW_HOME: _signed_in,
    Action.EDIT_OWN_ACCOUNT: _signed_in,
    Action.VIEW_SCHEMES: _signed_in,
    Action.MANAGE_PEOPLE: _coordinator,
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
    Action.VIEW_CLIP: _may_view_clip,
    Action.DECIDE_SESSION: _may_decide,
    Action.WRITE_SESSION_NOTES: _session_supervisor,
    Action.SHARE_REFLECTION: _author,
    Action.REQUEST_MEETING: _may_request,
    Action.VIEW_MEETING: _may_view,
    Action.NAME_ASSESSOR: _coordinator,
    Action.RECORD_OUTCOME: _assessor,
    Action.WRITE_STATEMENT: _own_supervisor_now,
    Action.DECIDE_SIGNOFF: _coordinator,
    Action.RATE: _may_rate,
    Action.MANAGE_CERTIFICATES: _coordinator,
    Action.VIEW_OWN_NOTIFICATIONS: _signed_in,
    Action.MANAGE_RETENTION: _coordinator,
    Action.CONFIRM_FOOTAGE_DELETED: _keeps_footage,
    # Everyone may have their own data; a person's data in full is for coordinators only.
    Action.EXPORT_OWN_DATA: _signed_in,
    Action.EXPORT_PERSON_DATA: _coordinator,
    # Erasure cannot be undone, so it is named on its own even though it is for coordinators.
    Action.ERASE_PERSON: _coordinator,
    Action.VIEW_PIPELINE: _coordinator,
    Action.MANAGE_COHORTS: _coordinator,
}


def can(user: User | Any, action: Action, obj: object = None) -> bool:
    """Whether `user` may do `action` (on `obj`, or in general when obj is None)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.active:
        return False
    return RULES[action](user, obj)


def can_current(action: Action | str, obj: object = None) -> bool:
    """`can` for the signed-in user; templates use it to hide what the user may not do."""
    return can(current_user, Action(action), obj)


def load_or_404(model: type[M], object_id: int, action: Action) -> M:
    """Load an object for the signed-in user: 404 if it is absent or not theirs to see, 403 if
    they may see it but not do `action` with it."""
    obj = db.session.get(model, object_id)
    if obj is None or not can(current_user, Action.VIEW_EVIDENCE, obj):
        abort(404)
    if not can(current_user, action, obj):
        abort(403)
    return obj


def requires(action: Action) -> Callable[[F], F]:
    """Guard a view: sign-in required, then the role-level check of `action` (403 if refused)."""

    def decorate(view: F) -> F:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not can(current_user, action):
                abort(403)
            return view(*args, **kwargs)

        guarded.authz_action = action  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return decorate


def public(view: F) -> F:
    """Mark a view as open to everyone (sign-in pages, health check, public verification)."""
    view.authz_action = "public"  # type: ignore[attr-defined]
    return view


def visible_enrolments(user: User) -> Select[Enrolment]:
    """Enrolments the user may see: all for coordinators, own and supervisees' otherwise."""
    query = select(Enrolment)
    if user.has_role(Role.COORDINATOR):
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
