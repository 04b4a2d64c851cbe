"""Second factors for tests: an authenticator app confirmed the way a person does (a code computed
from the secret), and the policy required for some roles while a test runs."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pyotp
from flask import Flask

from app.models import User
from app.models.base import utcnow
from app.services.second_factor import authenticator


def confirmed_app(user: User) -> str:
    """Set up and confirm an authenticator app for `user` (flushed); its secret. The first code
    is one step old, so the current step's code is still unused for signing in."""
    secret = authenticator.begin(user)
    earlier = utcnow() - timedelta(seconds=authenticator.STEP_SECONDS)
    authenticator.confirm(user, pyotp.TOTP(secret).at(earlier), earlier)
    return secret


def code_now(secret: str) -> str:
    """The code an authenticator app with `secret` shows now."""
    return pyotp.TOTP(secret).now()


@contextmanager
def required_for(app: Flask, roles: str) -> Iterator[None]:
    """Require a second factor of these roles (comma-separated) while the block runs."""
    before = app.config["SECOND_FACTOR_REQUIRED_ROLES"]
    app.config["SECOND_FACTOR_REQUIRED_ROLES"] = roles
    try:
        yield
    finally:
        app.config["SECOND_FACTOR_REQUIRED_ROLES"] = before
