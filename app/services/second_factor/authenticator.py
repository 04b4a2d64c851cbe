"""An authenticator app (TOTP, RFC 6238, by pyotp): set up with a secret shown once as a QR
code, confirmed by a first code, then asked for at sign-in. A code is accepted within one
30-second step either side of now, and never twice: the step it belonged to is recorded by a
conditional update, so of two requests with the same code exactly one is accepted (ASVS 2.8.4)."""

from datetime import datetime
from enum import Enum

import pyotp
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from app.errors import RuleViolation
from app.extensions import db
from app.models import AuthenticatorApp, User
from app.models.base import utcnow
from app.services import audit

from . import sealed_secret

STEP_SECONDS = 30
STEPS_EITHER_SIDE = 1
CODE_DIGITS = 6


class Check(Enum):
    """What a code turned out to be."""

    ACCEPTED = "accepted"
    WRONG = "wrong"
    REPLAYED = "replayed"  # right, but already used: logged and the owner told (ASVS 2.8.5)


def app_of(user: User) -> AuthenticatorApp | None:
    """The person's authenticator app, confirmed or still being set up."""
    return db.session.scalar(select(AuthenticatorApp).where(AuthenticatorApp.user_id == user.id))


def has_confirmed_app(user: User) -> bool:
    """Whether the person signs in with an authenticator app."""
    app = app_of(user)
    return app is not None and app.confirmed_at is not None


def begin(user: User) -> str:
    """A new secret to set up (replacing one not yet confirmed); refused if an app is already
    confirmed (remove it first). The caller commits, then shows the secret."""
    app = app_of(user)
    if app is not None and app.confirmed_at is not None:
        raise RuleViolation("You already use an authenticator app. Remove it to set up another.")
    secret = pyotp.random_base32()
    sealed = sealed_secret.seal(secret, user.id)
    if app is not None:
        app.secret_sealed, app.last_step = sealed, None
        db.session.flush()
        return secret
    try:
        with db.session.begin_nested():  # two set-ups begun at once: the person has one app
            db.session.add(AuthenticatorApp(user_id=user.id, secret_sealed=sealed))
    except IntegrityError:
        raise RuleViolation("Setting up was already begun. Please try again.") from None
    return secret


def pending_secret(user: User) -> str | None:
    """The secret of an app being set up, to show again (None when none is being set up)."""
    app = app_of(user)
    if app is None or app.confirmed_at is not None:
        return None
    return sealed_secret.open_sealed(app.secret_sealed, user.id)


def provisioning_uri(user: User, secret: str, issuer: str) -> str:
    """The otpauth:// address an app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=issuer)


def _matching_step(secret: str, code: str, now: datetime) -> int | None:
    code = "".join(code.split())
    if len(code) != CODE_DIGITS or not code.isascii() or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret, digits=CODE_DIGITS, interval=STEP_SECONDS)
    step = int(now.timestamp()) // STEP_SECONDS
    for candidate in range(step - STEPS_EITHER_SIDE, step + STEPS_EITHER_SIDE + 1):
        if pyotp.utils.strings_equal(totp.generate_otp(candidate), code):
            return candidate
    return None


def _claim(app: AuthenticatorApp, step: int) -> bool:
    """Record `step` as used unless it (or a later one) already was: one statement, so of two
    simultaneous requests only one claims it."""
    claimed = db.session.execute(
        update(AuthenticatorApp)
        .where(
            AuthenticatorApp.id == app.id,
            or_(AuthenticatorApp.last_step.is_(None), AuthenticatorApp.last_step < step),
        )
        .values(last_step=step)
        .execution_options(synchronize_session=False)
    )
    return int(claimed.rowcount) == 1  # type: ignore[attr-defined]


def check(user: User, code: str, now: datetime | None = None) -> Check:
    """Check a code at sign-in against the person's confirmed app; a replayed code is audited
    (the caller tells the person)."""
    app = app_of(user)
    if app is None or app.confirmed_at is None:
        return Check.WRONG
    secret = sealed_secret.open_sealed(app.secret_sealed, user.id)
    step = _matching_step(secret, code, now or utcnow()) if secret else None
    if step is None:
        return Check.WRONG
    if not _claim(app, step):
        audit.record(user, "second_factor.code_replayed", "user", user.id, after={"step": step})
        return Check.REPLAYED
    return Check.ACCEPTED


def confirm(user: User, code: str, now: datetime | None = None) -> None:
    """Confirm the app being set up with its first code (which is then used up)."""
    app = app_of(user)
    secret = pending_secret(user)
    if app is None or secret is None:
        raise RuleViolation("Start setting up the app again: no set-up is in progress.", "code")
    step = _matching_step(secret, code, now or utcnow())
    if step is None or not _claim(app, step):
        raise RuleViolation(
            "That code does not match. Check the app shows Attune and type its current code.",
            "code",
        )
    app.confirmed_at = utcnow()
    db.session.flush()
    audit.record(user, "second_factor.added", "user", user.id, after={"kind": "authenticator"})


def remove(user: User, actor: User) -> None:
    """Remove the person's authenticator app (the caller checks they keep what they must)."""
    app = app_of(user)
    if app is None:
        raise RuleViolation("There is no authenticator app to remove.")
    was_confirmed = app.confirmed_at is not None
    db.session.delete(app)
    db.session.flush()
    if was_confirmed:
        audit.record(
            actor, "second_factor.removed", "user", user.id, after={"kind": "authenticator"}
        )
