"""Limits on guessing passwords at sign-in. Only failures count, in Flask-Limiter's storage (so
in Redis, shared by every server process, when configured):
- a stranger's browser: per account and address (tight), per address (across accounts), and
  per account (looser, across addresses);
- a browser that has signed in to the account before: only its own per-device limit, so the
  owner still gets in while an attacker elsewhere is throttled."""

from collections.abc import Callable
from typing import Any

from flask import current_app, request
from flask_limiter import RouteLimit
from flask_limiter.util import get_remote_address
from werkzeug.wrappers import Response

from app.extensions import limiter
from app.services.people.accounts import normalise_email
from app.web.known_devices import known_device

View = Callable[..., Any]


def _email() -> str:
    return normalise_email(request.form.get("email", ""))


def _known() -> bool:
    return known_device(_email()) is not None


def _stranger() -> bool:
    return not _known()


def _failed(response: Response) -> bool:
    return response.status_code != 302


def _limit(setting: str, key: Callable[[], str], exempt: Callable[[], bool]) -> RouteLimit:
    return limiter.limit(
        lambda: current_app.config[setting],
        key_func=key,
        methods=["POST"],
        deduct_when=_failed,
        exempt_when=exempt,
    )


def sign_in_limits(view: View) -> View:
    """Apply every sign-in limit to the login view."""
    limits = (
        _limit("LOGIN_LIMIT_PER_ADDRESS", lambda: "address:" + get_remote_address(), _known),
        _limit(
            "LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS",
            lambda: f"account-address:{_email()}:{get_remote_address()}",
            _known,
        ),
        _limit("LOGIN_LIMIT_PER_ACCOUNT", lambda: "account:" + _email(), _known),
        _limit("LOGIN_LIMIT_PER_DEVICE", lambda: f"device:{known_device(_email())}", _stranger),
    )
    for apply in limits:
        view = apply(view)
    return view
