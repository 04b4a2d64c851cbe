"""Limits on guessing passwords at sign-in (app/web/failure_limits.py): keyed by the e-mail
address typed."""

from flask import request

from app.services.people.accounts import normalise_email
from app.web.failure_limits import failure_limits


def _email() -> str:
    return normalise_email(request.form.get("email", ""))


sign_in_limits = failure_limits("", _email)
