"""Limits on guessing the second step's code, like the password's (app/auth/limits.py): only
failures count; strangers share limits per account and address, per address and per account;
a browser the owner has signed in from before is held only to its own, so guessing from
elsewhere cannot lock the owner out."""

from collections.abc import Callable
from typing import Any

from flask import current_app
from flask_limiter import RouteLimit
from flask_limiter.util import get_remote_address
from werkzeug.wrappers import Response

from app.extensions import limiter
from app.web.known_devices import known_device
from app.web.second_step import waiting

View = Callable[..., Any]


def _account() -> str:
    user = waiting()
    return str(user.id) if user is not None else "-"


def _device() -> str | None:
    user = waiting()
    return known_device(user.email) if user is not None else None


def _known() -> bool:
    return _device() is not None


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


def step_limits(view: View) -> View:
    """Apply every second-step limit to the view."""
    limits = (
        _limit("LOGIN_LIMIT_PER_ADDRESS", lambda: "step-address:" + get_remote_address(), _known),
        _limit(
            "LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS",
            lambda: f"step-account-address:{_account()}:{get_remote_address()}",
            _known,
        ),
        _limit("LOGIN_LIMIT_PER_ACCOUNT", lambda: "step-account:" + _account(), _known),
        _limit("LOGIN_LIMIT_PER_DEVICE", lambda: f"step-device:{_device()}", _stranger),
    )
    for apply in limits:
        view = apply(view)
    return view
