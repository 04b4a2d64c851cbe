"""Passkeys (WebAuthn, by the `webauthn` package): registered from the account page, used to
sign in alone (a discoverable credential: no e-mail typed) or as the step after the password.
The server keeps each credential's id and public key; the challenge of each ceremony is random
(32 bytes, ASVS 2.9.2) and used once by the caller."""

import secrets
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import parse_authentication_credential_json
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from app.errors import RuleViolation
from app.extensions import db
from app.models import Passkey, User
from app.models.base import utcnow
from app.services import audit

MAX_NAME = 80
MAX_PASSKEYS = 10
TIMEOUT_MS = 120_000
# A malformed or hostile response can fail inside the parser in more ways than its own error.
_REFUSED = (
    WebAuthnException,
    ValueError,
    TypeError,
    KeyError,
    AttributeError,
    IndexError,
    RecursionError,  # JSON nested a thousand deep
)


@dataclass(frozen=True)
class RelyingParty:
    """Who the passkeys are for: the site's domain (rp id), its name, and its origin."""

    id: str
    name: str
    origin: str


def passkeys_of(user: User) -> list[Passkey]:
    """The person's passkeys, oldest first."""
    found = select(Passkey).where(Passkey.user_id == user.id).order_by(Passkey.id)
    return list(db.session.scalars(found))


def registration_options(user: User, rp: RelyingParty) -> tuple[str, bytes]:
    """The options (JSON) for the browser to create a passkey, and their challenge."""
    if user.passkey_handle is None:
        user.passkey_handle = secrets.token_bytes(32)
        db.session.flush()
    challenge = secrets.token_bytes(32)
    options = generate_registration_options(
        rp_id=rp.id,
        rp_name=rp.name,
        user_name=user.email,
        user_id=user.passkey_handle,
        user_display_name=user.display_name,
        challenge=challenge,
        timeout=TIMEOUT_MS,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=[
            PublicKeyCredentialDescriptor(id=p.credential_id) for p in passkeys_of(user)
        ],
    )
    return options_to_json(options), challenge


def register(user: User, rp: RelyingParty, name: str, credential: str, challenge: bytes) -> Passkey:
    """Verify the browser's new credential against the challenge, the site and its origin,
    and keep it under `name`."""
    name = " ".join(name.split())
    if not name:
        raise RuleViolation("Name the passkey, for example after the phone it is on.", "name")
    if len(name) > MAX_NAME or "\x00" in name:
        raise RuleViolation("Use at most %(limit)s characters.", "name", limit=MAX_NAME)
    if len(passkeys_of(user)) >= MAX_PASSKEYS:
        raise RuleViolation(
            "You have %(count)s passkeys: remove one to add another.", count=MAX_PASSKEYS
        )
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp.id,
            expected_origin=rp.origin,
        )
    except _REFUSED:
        raise RuleViolation("The passkey could not be checked. Please try again.") from None
    taken = db.session.scalar(
        select(Passkey.id).where(Passkey.credential_id == verified.credential_id)
    )
    if taken is not None:
        raise RuleViolation("This passkey is already registered.")
    passkey = Passkey(
        user_id=user.id,
        credential_id=verified.credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        name=name,
    )
    try:
        with db.session.begin_nested():  # the same answer sent twice at once: one lands
            db.session.add(passkey)
    except IntegrityError:
        raise RuleViolation("This passkey is already registered.") from None
    audit.record(
        user, "second_factor.added", "user", user.id, after={"kind": "passkey", "name": name}
    )
    return passkey


def authentication_options(rp: RelyingParty, user: User | None = None) -> tuple[str, bytes]:
    """The options (JSON) for the browser to sign in with a passkey, and their challenge: any
    of the site's passkeys (the browser offers those it holds), or only `user`'s."""
    challenge = secrets.token_bytes(32)
    allowed = (
        [PublicKeyCredentialDescriptor(id=p.credential_id) for p in passkeys_of(user)]
        if user is not None
        else None
    )
    options = generate_authentication_options(
        rp_id=rp.id,
        challenge=challenge,
        timeout=TIMEOUT_MS,
        allow_credentials=allowed,
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    return options_to_json(options), challenge


def authenticate(
    rp: RelyingParty, credential: str, challenge: bytes, user: User | None = None
) -> Passkey:
    """The passkey that signed the challenge (of `user`, when given); RuleViolation when the
    signature, challenge, site or origin does not check out."""
    refusal = RuleViolation("That passkey could not sign you in.")
    try:
        parsed = parse_authentication_credential_json(credential)
    except _REFUSED:
        raise refusal from None
    passkey = db.session.scalar(select(Passkey).where(Passkey.credential_id == parsed.raw_id))
    if passkey is None or (user is not None and passkey.user_id != user.id):
        raise refusal
    handle = parsed.response.user_handle
    if handle is not None and handle != passkey.user.passkey_handle:
        raise refusal
    try:
        verified = verify_authentication_response(
            credential=parsed,
            expected_challenge=challenge,
            expected_rp_id=rp.id,
            expected_origin=rp.origin,
            credential_public_key=passkey.public_key,
            credential_current_sign_count=passkey.sign_count,
        )
    except _REFUSED:
        raise refusal from None
    db.session.execute(
        update(Passkey)
        .where(Passkey.id == passkey.id)
        .values(sign_count=verified.new_sign_count, last_used_at=utcnow())
    )
    db.session.refresh(passkey)
    return passkey


def remove(user: User, passkey_id: int, actor: User) -> Passkey:
    """Remove one of the person's passkeys (another's id: refused as not found)."""
    passkey = db.session.get(Passkey, passkey_id)
    if passkey is None or passkey.user_id != user.id:
        raise RuleViolation("That passkey is not among yours.")
    name = passkey.name
    db.session.delete(passkey)
    db.session.flush()
    audit.record(
        actor, "second_factor.removed", "user", user.id, after={"kind": "passkey", "name": name}
    )
    return passkey
