"""Limits on guessing the second step's code, as on the password (app/web/failure_limits.py):
keyed by the account waiting for its second step, under keys of their own."""

from app.web.failure_limits import failure_limits
from app.web.second_step import waiting


def _account() -> str:
    user = waiting()
    return user.email if user is not None else "-"


step_limits = failure_limits("step-", _account)
