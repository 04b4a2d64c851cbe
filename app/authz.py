"""The one place that decides who may do what.

Views declare their action with `@requires(...)` (or `@public`), then load objects with
`load_or_404(...)`; list pages narrow their queries with the `visible_*` scopes below. A request
for an object that is not yours answers 404, so ids cannot be probed; a page meant for another
role answers 403.
"""

from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user
from sqlalchemy import Select, exists, or_, select

from app.extensions import db, login_manager
from app.models import Enrolment, Role, SupervisorAssignment, User

F = TypeVar("F", bound=Callable[..., Any])
M = TypeVar("M")


class Action(StrEnum):
    """Everything a route can do, named once."""

    VIEW_HOME = "home.view"
    EDIT_OWN_ACCOUNT = "account.edit"
    MANAGE_PEOPLE = "people.manage"
    VIEW_SCHEMES = "schemes.view"
    CREATE_ENROLMENT = "enrolment.create"
    VIEW_ENROLMENT = "enrolment.view"
    CHANGE_SUPERVISOR = "enrolment.change_supervisor"


def _signed_in(user: User, _obj: object) -> bool:
    return True


def _coordinator(user: User, _obj: object) -> bool:
    return user.has_role(Role.COORDINATOR)


def _may_view_enrolment(user: User, enrolment: Enrolment | None) -> bool:
    if user.has_role(Role.COORDINATOR):
        return True
    if enrolment is None:
        return bool(user.roles & {Role.TRAINEE, Role.SUPERVISOR})
    if enrolment.trainee_id == user.id:
        return True
    return any(a.supervisor_id == user.id for a in enrolment.assignments)


RULES: dict[Action, Callable[[User, Any], bool]] = {
    Action.VIEW_HOME: _signed_in,
    Action.EDIT_OWN_ACCOUNT: _signed_in,
    Action.VIEW_SCHEMES: _signed_in,
    Action.MANAGE_PEOPLE: _coordinator,
    Action.CREATE_ENROLMENT: _coordinator,
    Action.CHANGE_SUPERVISOR: _coordinator,
    Action.VIEW_ENROLMENT: _may_view_enrolment,
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
    """Load an object for the signed-in user, or answer 404 if it is absent or not theirs."""
    obj = db.session.get(model, object_id)
    if obj is None or not can(current_user, action, obj):
        abort(404)
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
