"""Signing in in two steps. A right password alone signs in only someone with no second factor
(held to setting one up when their role requires it); someone with one is remembered, for a
few minutes and in this browser's session only, as waiting for their second step."""

import time
from datetime import timedelta

from flask import session, url_for
from werkzeug.utils import redirect
from werkzeug.wrappers import Response

from app.extensions import db
from app.models import User
from app.services.second_factor import policy
from app.web.signed_in import sign_in

PENDING = "second_step"
WAITS = timedelta(minutes=5)


def after_password(user: User, target: str) -> tuple[Response, bool]:
    """Where a right password leads: the second step, setting one up, or `target`; and whether
    the person is now signed in. The caller commits."""
    if policy.has_factor(user):
        session[PENDING] = {"user": user.id, "at": int(time.time()), "next": target}
        return redirect(url_for("second_factor.step")), False
    held = policy.must_have(user)
    sign_in(user, awaiting_setup=held)
    return redirect(url_for("second_factor.security") if held else target), True


def waiting() -> User | None:
    """The person whose password was right in this browser a moment ago, if still waiting."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or not isinstance(pending.get("user"), int):
        return None
    if time.time() - int(pending.get("at") or 0) > WAITS.total_seconds():
        session.pop(PENDING, None)
        return None
    user = db.session.get(User, pending["user"])
    return user if user is not None and user.active else None


def complete(user: User) -> str:
    """The second step succeeded: sign in, and return where the person was going. The caller
    commits."""
    pending = session.pop(PENDING, None)
    sign_in(user)
    target = pending.get("next") if isinstance(pending, dict) else None
    return target if isinstance(target, str) and target.startswith("/") else url_for("home.index")
