"""Limits on guessing a secret at sign-in (the password, then the second step's code). Only
failures count, in Flask-Limiter's storage (so in Redis, shared by every server process, when
configured):
- a stranger's browser: per account and address (tight), per address (across accounts), and
  per account (looser, across addresses);
- a browser that has signed in to the account before: only its own per-device limit, so the
  owner still gets in while an attacker elsewhere is throttled."""

from collections.abc import Callable
from typing import Any

from flask import current_app
from flask_limiter import RouteLimit
from flask_limiter.util import get_remote_address
from werkzeug.wrappers import Response

from app.extensions import limiter
from app.web.known_devices import known_device

View = Callable[..., Any]


def _failed(response: Response) -> bool:
    return response.status_code != 302


def failure_limits(prefix: str, account: Callable[[], str]) -> Callable[[View], View]:
    """Every sign-in limit, keyed under `prefix`, for the account `account()` names (its
    normalised e-mail address)."""

    def known() -> bool:
        return known_device(account()) is not None

    def stranger() -> bool:
        return not known()

    def limit(setting: str, key: Callable[[], str], exempt: Callable[[], bool]) -> RouteLimit:
        return limiter.limit(
            lambda: current_app.config[setting],
            key_func=key,
            methods=["POST"],
            deduct_when=_failed,
            exempt_when=exempt,
        )

    limits = (
        limit("LOGIN_LIMIT_PER_ADDRESS", lambda: f"{prefix}address:{get_remote_address()}", known),
        limit(
            "LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS",
            lambda: f"{prefix}account-address:{account()}:{get_remote_address()}",
            known,
        ),
        limit("LOGIN_LIMIT_PER_ACCOUNT", lambda: f"{prefix}account:{account()}", known),
        limit(
            "LOGIN_LIMIT_PER_DEVICE",
            lambda: f"{prefix}device:{known_device(account())}",
            stranger,
        ),
    )

    def apply_all(view: View) -> View:
        for apply in limits:
            view = apply(view)
        return view

    return apply_all
