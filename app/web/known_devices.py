"""Device cookies (OWASP's answer to lock-outs): a browser that has signed in to an account
carries a signed note saying so, and is held to a limit of its own instead of the limits that
strangers share, so guessing from elsewhere cannot lock the owner out."""

import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.wrappers import Response

from app.services.people.accounts import normalise_email

COOKIE = "attune_device"
# A shared computer may know a few accounts; the oldest is forgotten first.
MAX_ACCOUNTS = 5


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key or "", salt="attune-known-device")


def _account(email: str) -> str:
    # Keyed, so the cookie does not show which address it is for.
    secret = current_app.secret_key or ""
    key = secret if isinstance(secret, bytes) else secret.encode()
    return hmac.new(key, normalise_email(email).encode(), hashlib.sha256).hexdigest()[:32]


def _entries() -> list[list[str]]:
    try:
        entries = _serializer().loads(request.cookies.get(COOKIE, ""))
    except BadSignature:
        return []
    if not isinstance(entries, list):
        return []
    return [e for e in entries if isinstance(e, list) and len(e) == 2][-MAX_ACCOUNTS:]


def known_device(email: str) -> str | None:
    """This browser's id for the account with `email`, if it has signed in to it before."""
    account = _account(email)
    return next((nonce for owner, nonce in _entries() if owner == account), None)


def remember_device(response: Response, email: str) -> Response:
    """After a successful sign-in: note the account in this browser's device cookie (with a
    fresh id, so the device's own count of failures starts again)."""
    account = _account(email)
    entries = [e for e in _entries() if e[0] != account]
    entries = [*entries, [account, secrets.token_urlsafe(16)]][-MAX_ACCOUNTS:]
    response.set_cookie(
        COOKIE,
        _serializer().dumps(entries),
        max_age=timedelta(days=current_app.config["DEVICE_COOKIE_DAYS"]),
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        httponly=True,
        samesite="Lax",
    )
    return response
