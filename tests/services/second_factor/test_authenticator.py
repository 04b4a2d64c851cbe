"""An authenticator app: a secret shown once, confirmed by a first code, then asked for at
sign-in. A code is accepted within one 30-second step either side of now and never twice (a
replay is audited); its secret is sealed at rest, bound to its person, under SECRET_KEY or a
fallback. Codes are computed here from the secret by pyotp, at explicit instants."""

import base64
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from sqlalchemy import func, select

from app.errors import RuleViolation
from app.extensions import db
from app.models import AuditEvent, AuthenticatorApp, Role, User
from app.services.second_factor import authenticator, sealed_secret
from app.services.second_factor.authenticator import Check
from tests.builders.people import make_user

# The first second of a 30-second step (a whole minute is a whole number of steps).
NOON = datetime(2026, 3, 2, 12, 0, 0, tzinfo=UTC)
SECOND, STEP = timedelta(seconds=1), timedelta(seconds=30)
# When the apps below were confirmed: long before NOON, so its step never gets in the way.
SET_UP_AT = NOON - timedelta(days=1)


def _code(secret: str, at: datetime) -> str:
    return pyotp.TOTP(secret).at(int(at.timestamp()))


def _step(at: datetime) -> int:
    return int(at.timestamp()) // 30


def _confirmed(*roles: Role) -> tuple[User, str]:
    """A person whose authenticator app is set up (confirmed at SET_UP_AT), and its secret."""
    user = make_user(*(roles or (Role.SUPERVISOR,)))
    secret = authenticator.begin(user)
    authenticator.confirm(user, _code(secret, SET_UP_AT), now=SET_UP_AT)
    return user, secret


def _last_step(user: User) -> int | None:
    """The step last claimed, read from the table (the claim bypasses the session's copy)."""
    query = select(AuthenticatorApp.last_step).where(AuthenticatorApp.user_id == user.id)
    return db.session.scalar(query)


def _events(user: User, action: str) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.action == action, AuditEvent.subject_id == user.id)
    return list(db.session.scalars(query.order_by(AuditEvent.id)))


# -- setting up --------------------------------------------------------------------------------


def test_a_new_secret_is_shown_again_until_confirmed(ctx):
    user = make_user(Role.SUPERVISOR)
    secret = authenticator.begin(user)
    assert len(secret) == 32 and len(base64.b32decode(secret)) == 20  # 160 bits (RFC 4226)
    assert authenticator.pending_secret(user) == secret
    assert not authenticator.has_confirmed_app(user)
    uri = authenticator.provisioning_uri(user, secret, "Attune")
    assert uri.startswith("otpauth://totp/") and f"secret={secret}" in uri
    assert "issuer=Attune" in uri


def test_confirming_with_a_first_code_sets_the_app_up_and_is_audited(ctx):
    user = make_user(Role.SUPERVISOR)
    secret = authenticator.begin(user)
    authenticator.confirm(user, _code(secret, NOON), now=NOON)
    assert authenticator.has_confirmed_app(user)
    assert authenticator.pending_secret(user) is None  # never shown again
    assert _last_step(user) == _step(NOON)  # the first code is used up
    [added] = _events(user, "second_factor.added")
    assert added.actor_id == user.id and added.after == {"kind": "authenticator"}


def test_a_wrong_first_code_confirms_nothing(ctx):
    user = make_user(Role.SUPERVISOR)
    secret = authenticator.begin(user)
    another = pyotp.random_base32()
    for wrong in (_code(another, NOON), _code(secret, NOON + 2 * STEP), "000000x", ""):
        with pytest.raises(RuleViolation) as refused:
            authenticator.confirm(user, wrong, now=NOON)
        assert refused.value.field == "code"
    assert not authenticator.has_confirmed_app(user) and _last_step(user) is None
    assert _events(user, "second_factor.added") == []
    authenticator.confirm(user, _code(secret, NOON), now=NOON)
    assert authenticator.has_confirmed_app(user)


def test_confirming_without_a_set_up_in_progress_is_refused(ctx):
    user = make_user(Role.SUPERVISOR)
    with pytest.raises(RuleViolation, match="no set-up is in progress"):
        authenticator.confirm(user, "123456", now=NOON)
    secret = authenticator.begin(user)
    authenticator.confirm(user, _code(secret, NOON), now=NOON)
    with pytest.raises(RuleViolation, match="no set-up is in progress"):
        authenticator.confirm(user, _code(secret, NOON + STEP), now=NOON + STEP)
    assert _last_step(user) == _step(NOON)


def test_beginning_again_replaces_a_secret_not_yet_confirmed(ctx):
    user = make_user(Role.SUPERVISOR)
    first = authenticator.begin(user)
    second = authenticator.begin(user)
    assert first != second and authenticator.pending_secret(user) == second
    rows = select(func.count()).where(AuthenticatorApp.user_id == user.id)
    assert db.session.scalar(rows) == 1
    with pytest.raises(RuleViolation):
        authenticator.confirm(user, _code(first, NOON), now=NOON)
    authenticator.confirm(user, _code(second, NOON), now=NOON)
    assert authenticator.has_confirmed_app(user)


def test_begin_is_refused_once_an_app_is_confirmed(ctx):
    user, secret = _confirmed()
    sealed = authenticator.app_of(user).secret_sealed
    with pytest.raises(RuleViolation, match="already use an authenticator app"):
        authenticator.begin(user)
    app = authenticator.app_of(user)
    assert app.secret_sealed == sealed and app.confirmed_at is not None
    assert authenticator.check(user, _code(secret, NOON), now=NOON) is Check.ACCEPTED


def test_removing_the_app_is_audited_and_then_nothing_is_left_to_remove(ctx):
    user, secret = _confirmed()
    coordinator = make_user(Role.COORDINATOR)
    authenticator.remove(user, coordinator)
    assert authenticator.app_of(user) is None
    [removed] = _events(user, "second_factor.removed")
    assert removed.actor_id == coordinator.id and removed.after == {"kind": "authenticator"}
    assert authenticator.check(user, _code(secret, NOON), now=NOON) is Check.WRONG
    with pytest.raises(RuleViolation, match="no authenticator app to remove"):
        authenticator.remove(user, user)


def test_removing_an_app_never_confirmed_is_not_audited(ctx):
    user = make_user(Role.SUPERVISOR)
    authenticator.begin(user)
    authenticator.remove(user, user)
    assert authenticator.app_of(user) is None
    assert _events(user, "second_factor.removed") == []


# -- the window of one step either side --------------------------------------------------------


@pytest.mark.parametrize(
    ("steps_away", "expected"),
    [
        *((steps, Check.ACCEPTED) for steps in (-1, 0, 1)),
        *((steps, Check.WRONG) for steps in (-2, 2, -10, 10)),
    ],
)
def test_a_code_is_accepted_one_step_either_side_and_no_further(ctx, steps_away, expected):
    user, secret = _confirmed()
    now = NOON + 13 * SECOND  # the middle of a step
    code_time = now + steps_away * STEP
    assert authenticator.check(user, _code(secret, code_time), now=now) is expected
    claimed = _step(code_time) if expected is Check.ACCEPTED else _step(SET_UP_AT)
    assert _last_step(user) == claimed


@pytest.mark.parametrize(
    ("now", "code_time", "expected"),
    [
        # now at the last second of a step: the first second of the next is one step ahead...
        (NOON - SECOND, NOON, Check.ACCEPTED),
        (NOON - SECOND, NOON - SECOND - STEP, Check.ACCEPTED),
        # ...and the step after that, or the one two before, is too far.
        (NOON - SECOND, NOON + STEP, Check.WRONG),
        (NOON - SECOND, NOON - 61 * SECOND, Check.WRONG),
        # now at the first second of a step: the second before it is one step behind...
        (NOON, NOON - SECOND, Check.ACCEPTED),
        (NOON, NOON + STEP + 29 * SECOND, Check.ACCEPTED),
        # ...and 31 seconds before, or 60 after, two steps away.
        (NOON, NOON - 31 * SECOND, Check.WRONG),
        (NOON, NOON + 2 * STEP, Check.WRONG),
    ],
)
def test_step_boundaries(ctx, now, code_time, expected):
    user, secret = _confirmed()
    assert authenticator.check(user, _code(secret, code_time), now=now) is expected


def test_spaces_inside_a_code_are_ignored(ctx):
    user, secret = _confirmed()
    code = _code(secret, NOON)
    assert authenticator.check(user, f" {code[:3]} {code[3:]}\t", now=NOON) is Check.ACCEPTED


# -- never twice -------------------------------------------------------------------------------


def test_a_code_accepted_once_is_refused_as_replayed_and_audited(ctx):
    user, secret = _confirmed()
    code = _code(secret, NOON)
    assert authenticator.check(user, code, now=NOON) is Check.ACCEPTED
    assert _events(user, "second_factor.code_replayed") == []
    assert authenticator.check(user, code, now=NOON) is Check.REPLAYED
    # Still inside its window a step later: still refused.
    assert authenticator.check(user, code, now=NOON + STEP) is Check.REPLAYED
    replays = _events(user, "second_factor.code_replayed")
    assert len(replays) == 2
    assert all(e.actor_id == user.id and e.after == {"step": _step(NOON)} for e in replays)
    assert _last_step(user) == _step(NOON)


def test_a_code_of_a_step_older_than_the_last_accepted_is_refused(ctx):
    user, secret = _confirmed()
    assert authenticator.check(user, _code(secret, NOON + STEP), now=NOON) is Check.ACCEPTED
    older = _code(secret, NOON)  # within the window, never used, but older than the last
    assert authenticator.check(user, older, now=NOON) is not Check.ACCEPTED
    assert authenticator.check(user, _code(secret, NOON - STEP), now=NOON) is not Check.ACCEPTED
    assert _last_step(user) == _step(NOON + STEP)
    newer = _code(secret, NOON + 2 * STEP)
    assert authenticator.check(user, newer, now=NOON + STEP) is Check.ACCEPTED


def test_the_code_that_confirmed_the_app_cannot_sign_in(ctx):
    user = make_user(Role.SUPERVISOR)
    secret = authenticator.begin(user)
    first = _code(secret, NOON)
    authenticator.confirm(user, first, now=NOON)
    assert authenticator.check(user, first, now=NOON) is Check.REPLAYED
    assert authenticator.check(user, first, now=NOON + STEP) is Check.REPLAYED
    assert authenticator.check(user, _code(secret, NOON + STEP), now=NOON + STEP) is Check.ACCEPTED


# -- wrong codes -------------------------------------------------------------------------------

_ARABIC_INDIC = {ord(d): 0x0660 + int(d) for d in "0123456789"}  # U+0660..U+0669
_FULLWIDTH = {ord(d): 0xFF10 + int(d) for d in "0123456789"}  # U+FF10..U+FF19


@pytest.mark.parametrize(
    "mangle",
    [
        lambda c: "",
        lambda c: "abcdef",
        lambda c: c[:5],
        lambda c: c + "0",
        lambda c: "0" + c,
        lambda c: c[:3] + "\x00" + c[3:],
        lambda c: c + "\x00",
        lambda c: "\x00" * 6,
        lambda c: "١٢٣٤٥٦",
        lambda c: c.translate(_ARABIC_INDIC),
        lambda c: c.translate(_FULLWIDTH),
        lambda c: c[:5] + "²",
        lambda c: "-" + c[1:],
        lambda c: "1" * 1_000_000,
        lambda c: c * 200_000,
        lambda c: c + " x" * 500_000,
    ],
    ids=[
        "empty",
        "letters",
        "5-digits",
        "7-digits",
        "7-digits-leading",
        "nul-inside",
        "nul-after",
        "nul-only",
        "arabic-indic",
        "right-code-arabic-indic",
        "right-code-fullwidth",
        "superscript-digit",
        "minus-sign",
        "huge-digits",
        "huge-repeated-code",
        "huge-words",
    ],
)
def test_wrong_codes_are_wrong_and_never_raise(ctx, mangle):
    user, secret = _confirmed()
    assert authenticator.check(user, mangle(_code(secret, NOON)), now=NOON) is Check.WRONG
    assert _last_step(user) == _step(SET_UP_AT)
    assert _events(user, "second_factor.code_replayed") == []
    assert authenticator.check(user, _code(secret, NOON), now=NOON) is Check.ACCEPTED


def test_without_a_confirmed_app_every_code_is_wrong(ctx):
    user = make_user(Role.SUPERVISOR)
    assert authenticator.check(user, "123456", now=NOON) is Check.WRONG
    secret = authenticator.begin(user)
    assert authenticator.check(user, _code(secret, NOON), now=NOON) is Check.WRONG
    assert _last_step(user) is None  # nothing claimed: the set-up can still be confirmed
    authenticator.confirm(user, _code(secret, NOON), now=NOON)


def test_another_persons_code_is_wrong(ctx):
    user, _secret = _confirmed()
    _other, other_secret = _confirmed()
    assert authenticator.check(user, _code(other_secret, NOON), now=NOON) is Check.WRONG


# -- the secret sealed at rest -----------------------------------------------------------------


@pytest.mark.parametrize("fallbacks", [None, []], ids=["flask-default-none", "empty-list"])
def test_sealing_works_with_no_key_fallbacks(ctx, monkeypatch, fallbacks):
    monkeypatch.setitem(ctx.config, "SECRET_KEY_FALLBACKS", fallbacks)
    sealed = sealed_secret.seal("JBSWY3DPEHPK3PXP", 7)
    assert sealed_secret.open_sealed(sealed, 7) == "JBSWY3DPEHPK3PXP"


def test_the_secret_is_stored_sealed(ctx):
    user = make_user(Role.SUPERVISOR)
    secret = authenticator.begin(user)
    stored = db.session.scalar(
        select(AuthenticatorApp.secret_sealed).where(AuthenticatorApp.user_id == user.id)
    )
    assert secret.encode() not in stored and secret.lower().encode() not in stored
    assert base64.b32decode(secret) not in stored
    assert sealed_secret.open_sealed(stored, user.id) == secret
    # A fresh nonce each time: the same secret never seals to the same bytes.
    assert sealed_secret.seal(secret, user.id) != sealed_secret.seal(secret, user.id)


def test_a_sealed_secret_moved_to_another_person_does_not_open(ctx):
    user, secret = _confirmed()
    other = make_user(Role.SUPERVISOR)
    app = authenticator.app_of(user)
    assert sealed_secret.open_sealed(app.secret_sealed, other.id) is None
    app.user_id = other.id  # what someone with write access to the table could do
    db.session.flush()
    assert authenticator.has_confirmed_app(other)
    assert authenticator.check(other, _code(secret, NOON), now=NOON) is Check.WRONG
    assert _last_step(other) == _step(SET_UP_AT)


def test_a_tampered_sealed_secret_does_not_open(ctx):
    user = make_user(Role.SUPERVISOR)
    sealed = sealed_secret.seal(authenticator.begin(user), user.id)
    for at in (0, 11, 12, len(sealed) - 1):  # the nonce, the text, the tag
        tampered = bytearray(sealed)
        tampered[at] ^= 0x01
        assert sealed_secret.open_sealed(bytes(tampered), user.id) is None


def test_a_rotated_secret_key_opens_while_the_old_one_is_a_fallback(ctx, monkeypatch):
    user, secret = _confirmed()
    old_key = ctx.config["SECRET_KEY"]
    monkeypatch.setitem(ctx.config, "SECRET_KEY", "a brand new secret key")
    monkeypatch.setitem(ctx.config, "SECRET_KEY_FALLBACKS", [old_key])
    sealed = authenticator.app_of(user).secret_sealed
    assert sealed_secret.open_sealed(sealed, user.id) == secret
    assert authenticator.check(user, _code(secret, NOON), now=NOON) is Check.ACCEPTED
    resealed = sealed_secret.seal(secret, user.id)  # new seals use the new key alone
    monkeypatch.setitem(ctx.config, "SECRET_KEY_FALLBACKS", [])
    assert sealed_secret.open_sealed(resealed, user.id) == secret
    assert sealed_secret.open_sealed(sealed, user.id) is None
    assert authenticator.check(user, _code(secret, NOON + STEP), now=NOON) is Check.WRONG
