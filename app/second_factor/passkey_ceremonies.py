"""The browser's half of passkeys, as JSON for static/passkeys.js: options (with a challenge
kept in this browser's session and used once), then the credential it made or the assertion it
signed. Signing in with a passkey alone needs no e-mail: the passkey names its owner."""

import base64
import json
import time
from typing import Any

from flask import jsonify, request, session, url_for
from werkzeug.wrappers import Response

from app.authz.actions import Action
from app.authz.web import current_actor, public, requires
from app.errors import RuleViolation
from app.extensions import db
from app.i18n import gettext as _
from app.i18n import lazy_gettext as _l
from app.mail.account_messages import send_second_factor_notice
from app.services.people import login_sessions
from app.services.second_factor import passkeys
from app.web.commit import refusal_text
from app.web.known_devices import remember_device
from app.web.passkey_site import relying_party
from app.web.second_step import complete, waiting

from .blueprint import bp
from .step_limits import step_limits

CHALLENGE = "passkey_challenge"
CHALLENGE_SECONDS = passkeys.TIMEOUT_MS // 1000
MAX_BODY = 64 * 1024  # a credential is a few kilobytes


def _keep_challenge(purpose: str, challenge: bytes) -> None:
    session[CHALLENGE] = {
        "purpose": purpose,
        "challenge": base64.b64encode(challenge).decode(),
        "at": int(time.time()),
    }


def _take_challenge(purpose: str) -> bytes | None:
    """The challenge issued for `purpose`, once: it is gone from the session after this."""
    kept = session.pop(CHALLENGE, None)
    if not isinstance(kept, dict) or kept.get("purpose") != purpose:
        return None
    if time.time() - int(kept.get("at") or 0) > CHALLENGE_SECONDS:
        return None
    return base64.b64decode(kept["challenge"])


def _body() -> dict[str, Any]:
    if (request.content_length or 0) > MAX_BODY:
        raise RuleViolation("That is too large to be a passkey.")
    try:
        found = json.loads(request.get_data(cache=False)[:MAX_BODY] or b"{}")
    except (ValueError, UnicodeDecodeError, RecursionError):  # nested a thousand deep
        raise RuleViolation("The browser's answer could not be read. Please try again.") from None
    if not isinstance(found, dict):
        raise RuleViolation("The browser's answer could not be read. Please try again.")
    return found


def _as_json(credential: object) -> str:
    try:
        return json.dumps(credential)
    except (ValueError, RecursionError):
        raise RuleViolation("The browser's answer could not be read. Please try again.") from None


def _refused(message: str, status: int = 400) -> tuple[Response, int]:
    db.session.rollback()
    return jsonify(error=message), status


def _options(options: str) -> Response:
    response = Response(options, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/login/passkey/options")
@public
def sign_in_options() -> Response:
    """Options to sign in with a passkey: any of this site's (no e-mail typed), or, at the
    second step, only the waiting person's."""
    options, challenge = passkeys.authentication_options(relying_party(), waiting())
    _keep_challenge("sign_in", challenge)
    return _options(options)


@bp.post("/login/passkey")
@step_limits
@public
def sign_in_with_passkey() -> Response | tuple[Response, int]:
    """Sign in with the passkey the browser used; JSON with where to go next."""
    challenge = _take_challenge("sign_in")
    if challenge is None:
        return _refused(_("The passkey request expired. Please try again."))
    try:
        credential = _body().get("credential")
        passkey = passkeys.authenticate(relying_party(), _as_json(credential), challenge, waiting())
    except RuleViolation as error:
        return _refused(refusal_text(error))
    user = passkey.user
    if not user.active:
        return _refused(_("That passkey could not sign you in."))
    target = complete(user)
    db.session.commit()
    return remember_device(jsonify(next=target), user.email)


@bp.post("/account/security/passkeys/options")
@requires(Action.MANAGE_OWN_SECOND_FACTORS)
def passkey_options() -> Response:
    """Options for the browser to create a passkey for the signed-in person."""
    options, challenge = passkeys.registration_options(current_actor(), relying_party())
    db.session.commit()  # the person's passkey handle, made on their first passkey
    _keep_challenge("register", challenge)
    return _options(options)


@bp.post("/account/security/passkeys")
@requires(Action.MANAGE_OWN_SECOND_FACTORS)
def passkey_add() -> Response | tuple[Response, int]:
    """Keep the passkey the browser created; JSON with where to go next."""
    challenge = _take_challenge("register")
    if challenge is None:
        return _refused(_("The passkey request expired. Please try again."))
    user = current_actor()
    try:
        body = _body()
        name = body.get("name")
        passkey = passkeys.register(
            user,
            relying_party(),
            name if isinstance(name, str) else "",
            _as_json(body.get("credential")),
            challenge,
        )
        login_sessions.release(user)
    except RuleViolation as error:
        return _refused(refusal_text(error), 422 if error.field == "name" else 400)
    db.session.commit()
    send_second_factor_notice(
        user, _l("A passkey named “%(name)s” was added to your account.", name=passkey.name)
    )
    return jsonify(next=url_for("second_factor.security", added="passkey"))
