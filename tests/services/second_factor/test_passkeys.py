"""Passkeys, as far as a test without an authenticator can take them (a browser test signs in
with a virtual one): the options carry the site's id and a fresh 32-byte challenge, and garbage
sent back as a credential is refused with RuleViolation, never another error."""

import json
import os

import pytest
from sqlalchemy import func, select
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url

from app.errors import RuleViolation
from app.extensions import db
from app.models import AuditEvent, Passkey, Role, User
from app.services.second_factor import passkeys
from tests.builders.people import make_user

RP = passkeys.RelyingParty("attune.test", "Attune", "http://attune.test")
CHALLENGE = bytes(range(32))


def _stored(user: User) -> Passkey:
    passkey = Passkey(
        user_id=user.id, credential_id=os.urandom(16), public_key=os.urandom(77), name="Phone"
    )
    db.session.add(passkey)
    db.session.flush()
    return passkey


def _assertion(raw_id: bytes, **response: str) -> str:
    """An assertion shaped right, with whatever the fields say."""
    fields = {
        "clientDataJSON": bytes_to_base64url(b'{"type":"webauthn.get"}'),
        "authenticatorData": bytes_to_base64url(os.urandom(37)),
        "signature": bytes_to_base64url(os.urandom(64)),
    } | response
    identifier = bytes_to_base64url(raw_id)
    return json.dumps(
        {"id": identifier, "rawId": identifier, "response": fields, "type": "public-key"}
    )


GARBAGE = {
    "empty": "",
    "not-json": "not json",
    "truncated": '{"id": "AA", "rawId": ',
    "object": "{}",
    "array": "[]",
    "null": "null",
    "number": "1",
    "nul": "\x00",
    "nul-in-json": '{"id": "\x00", "rawId": "\x00"}',
    "wrong-types": '{"id": 1, "rawId": [2], "response": "x", "type": null}',
    "empty-response": '{"id": "AA", "rawId": "AA", "response": {}, "type": "public-key"}',
    "bad-base64": _assertion(b"x", clientDataJSON="!!!", signature="%%%"),
    "unknown-credential": _assertion(os.urandom(16)),
    "huge": "x" * 2_000_000,
    "huge-id": _assertion(os.urandom(1_000_000)),
    "deeply-nested": "[" * 100_000,
    "deeply-nested-object": '{"a":' * 2_000,
}


@pytest.mark.parametrize("credential", GARBAGE.values(), ids=GARBAGE.keys())
def test_authenticate_refuses_garbage_with_a_rule_violation(ctx, credential):
    user = make_user(Role.SUPERVISOR)
    _stored(user)
    with pytest.raises(RuleViolation, match="could not sign you in"):
        passkeys.authenticate(RP, credential, CHALLENGE)
    with pytest.raises(RuleViolation, match="could not sign you in"):
        passkeys.authenticate(RP, credential, CHALLENGE, user)


@pytest.mark.parametrize("credential", GARBAGE.values(), ids=GARBAGE.keys())
def test_register_refuses_garbage_with_a_rule_violation_and_keeps_nothing(ctx, credential):
    user = make_user(Role.SUPERVISOR)
    with pytest.raises(RuleViolation, match="could not be checked"):
        passkeys.register(user, RP, "Phone", credential, CHALLENGE)
    assert passkeys.passkeys_of(user) == []
    added = select(func.count()).where(AuditEvent.action == "second_factor.added")
    assert db.session.scalar(added) == 0


@pytest.mark.parametrize(
    "response",
    [
        {},
        {"clientDataJSON": bytes_to_base64url(b"\x00\xff")},
        {"clientDataJSON": bytes_to_base64url(b"[" * 5_000)},
        {"clientDataJSON": bytes_to_base64url(b'{"type": "webauthn.get", "challenge": 7}')},
        {"authenticatorData": ""},
        {"signature": ""},
        {"userHandle": bytes_to_base64url(b"someone else")},
    ],
    ids=[
        "random",
        "binary-client-data",
        "nested-client-data",
        "wrong-type-challenge",
        "no-authenticator-data",
        "no-signature",
        "other-user-handle",
    ],
)
def test_a_known_credential_with_a_forged_response_is_refused(ctx, response):
    user = make_user(Role.SUPERVISOR)
    passkey = _stored(user)
    with pytest.raises(RuleViolation, match="could not sign you in"):
        passkeys.authenticate(RP, _assertion(passkey.credential_id, **response), CHALLENGE)
    db.session.refresh(passkey)
    assert passkey.sign_count == 0 and passkey.last_used_at is None


def test_someone_elses_passkey_does_not_sign_in_a_named_person(ctx):
    owner, other = make_user(Role.SUPERVISOR), make_user(Role.SUPERVISOR)
    passkey = _stored(owner)
    with pytest.raises(RuleViolation, match="could not sign you in"):
        passkeys.authenticate(RP, _assertion(passkey.credential_id), CHALLENGE, other)


def test_registration_options_name_the_site_and_a_fresh_32_byte_challenge(ctx):
    user = make_user(Role.SUPERVISOR, email="ada@example.org", name="Ada Lovelace")
    assert user.passkey_handle is None
    options, challenge = passkeys.registration_options(user, RP)
    parsed = json.loads(options)
    assert parsed["rp"] == {"id": "attune.test", "name": "Attune"}
    assert len(challenge) == 32 and base64url_to_bytes(parsed["challenge"]) == challenge
    handle = user.passkey_handle
    assert handle is not None and len(handle) == 32
    assert base64url_to_bytes(parsed["user"]["id"]) == handle
    assert parsed["user"]["name"] == "ada@example.org"
    assert parsed["user"]["displayName"] == "Ada Lovelace"
    assert parsed["authenticatorSelection"]["residentKey"] == "required"
    assert parsed["timeout"] == passkeys.TIMEOUT_MS
    stored = db.session.scalar(select(User.passkey_handle).where(User.id == user.id))
    assert stored == handle

    again, second = passkeys.registration_options(user, RP)
    assert user.passkey_handle == handle  # one handle per person, kept
    assert second != challenge and base64url_to_bytes(json.loads(again)["challenge"]) == second


def test_registration_options_exclude_the_persons_own_passkeys_only(ctx):
    user, other = make_user(Role.SUPERVISOR), make_user(Role.SUPERVISOR)
    mine, theirs = _stored(user), _stored(other)
    options, _challenge = passkeys.registration_options(user, RP)
    excluded = [base64url_to_bytes(c["id"]) for c in json.loads(options)["excludeCredentials"]]
    assert excluded == [mine.credential_id] and theirs.credential_id not in excluded
    assert other.passkey_handle is None
    passkeys.registration_options(other, RP)
    assert other.passkey_handle not in (None, user.passkey_handle)


def test_authentication_options_allow_the_persons_passkeys_or_any(ctx):
    user, other = make_user(Role.SUPERVISOR), make_user(Role.SUPERVISOR)
    mine, _theirs = _stored(user), _stored(other)
    options, challenge = passkeys.authentication_options(RP, user)
    parsed = json.loads(options)
    assert parsed["rpId"] == "attune.test"
    assert len(challenge) == 32 and base64url_to_bytes(parsed["challenge"]) == challenge
    allowed = [base64url_to_bytes(c["id"]) for c in parsed["allowCredentials"]]
    assert allowed == [mine.credential_id]
    anyone, other_challenge = passkeys.authentication_options(RP)
    assert json.loads(anyone).get("allowCredentials", []) == []
    assert other_challenge != challenge


def test_a_passkey_name_is_required_and_plain(ctx):
    user = make_user(Role.SUPERVISOR)
    for name in ("", "   ", "x" * 81, "Phone\x00"):
        with pytest.raises(RuleViolation) as refused:
            passkeys.register(user, RP, name, "{}", CHALLENGE)
        assert refused.value.field == "name"
