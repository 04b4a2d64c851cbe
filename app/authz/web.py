"""The rules applied to requests: views declare their action with `@requires(...)` (or
`@public`), load objects with `load_or_404(...)` and act as `current_actor()`."""

from collections.abc import Callable, Sequence
from functools import lru_cache, wraps
from typing import Any, TypeVar, cast

from flask import abort
from flask_login import current_user
from sqlalchemy import Select, bindparam, inspect, select
from sqlalchemy.orm.interfaces import ORMOption

from app.authz.actions import Action
from app.authz.rules import can
from app.extensions import db, login_manager
from app.models import User

F = TypeVar("F", bound=Callable[..., Any])
M = TypeVar("M")


def current_actor() -> User:
    """The signed-in person as the User they are (not Flask-Login's proxy), to hand to services."""
    return cast(User, current_user._get_current_object())


def can_current(action: Action | str, obj: object = None) -> bool:
    """`can` for the signed-in user; templates use it to hide what the user may not do."""
    return can(current_actor(), Action(action), obj)


def load_or_404(
    model: type[M], object_id: int, action: Action, options: Sequence[ORMOption] = ()
) -> M:
    """Load an object for the signed-in user: 404 if it is absent or not theirs to see, 403 if
    they may see it but not do `action` with it. `options` load with it what the page shows."""
    found = db.session.scalars(_by_id(cast(type, model), tuple(options)), {"id": object_id})
    obj: M | None = found.unique().one_or_none()
    actor = current_actor()
    if obj is None or not can(actor, Action.VIEW_EVIDENCE, obj):
        abort(404)
    if not can(actor, action, obj):
        abort(403)
    return obj


@lru_cache(maxsize=256)
def _by_id(model: type[Any], options: tuple[ORMOption, ...]) -> Select[Any]:
    """The statement loading one `model` by id with `options`, built once per model and options
    (building it, its loader options above all, cost a detail page more than running it)."""
    (key,) = inspect(model).primary_key
    return select(model).where(key == bindparam("id")).options(*options)


def requires(action: Action) -> Callable[[F], F]:
    """Guard a view: sign-in required, then the role-level check of `action` (403 if refused)."""

    def decorate(view: F) -> F:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            actor = current_actor()
            if not actor.is_authenticated:
                return login_manager.unauthorized()
            if not can(actor, action):
                abort(403)
            return view(*args, **kwargs)

        guarded.authz_action = action  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return decorate


def public(view: F) -> F:
    """Mark a view as open to everyone (sign-in pages, health check, public verification)."""
    view.authz_action = "public"  # type: ignore[attr-defined]
    return view
