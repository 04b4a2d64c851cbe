"""Recovery codes: ten one-time codes, shown once, stored as SHA-256 only; each works once for
its own person, typed loosely (any case, with spaces or without dashes); issuing again voids
the earlier ones; hostile input is refused without an error."""

import hashlib
import re

import pytest
from sqlalchemy import select, text

from app.extensions import db
from app.models import AuditEvent, RecoveryCode, Role, User
from app.services.second_factor import recovery
from tests.builders.people import make_user

_FORMAT = re.compile(r"[A-Z2-9]{4}(-[A-Z2-9]{4}){3}")
# Cyrillic (and one Greek) capitals that look like the Latin ones.
_LOOKALIKES = str.maketrans(
    "ABCEHKMPTXY", "\u0410\u0412\u0421\u0415\u041d\u041a\u041c\u0420\u0422\u0425\u03a5"
)
_FULLWIDTH = {c: chr(ord(c) + 0xFEE0) for c in "ABCDEFGHJKMNPQRSTVWXYZ23456789"}


def _events(user: User, action: str) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.action == action, AuditEvent.subject_id == user.id)
    return list(db.session.scalars(query.order_by(AuditEvent.id)))


def test_ten_distinct_codes_in_four_groups_of_four_unambiguous_characters(ctx):
    user = make_user(Role.SUPERVISOR)
    codes = recovery.issue(user)
    assert len(codes) == 10 and len(set(codes)) == 10
    for code in codes:
        assert _FORMAT.fullmatch(code), code
        assert set(code.replace("-", "")) <= set(recovery.ALPHABET)
        assert not set(code) & set("01OILU")
    assert recovery.remaining(user) == 10
    [issued] = _events(user, "second_factor.recovery_codes_issued")
    assert issued.actor_id == user.id and issued.after == {"count": 10}


def test_each_code_works_once(ctx):
    user = make_user(Role.SUPERVISOR)
    codes = recovery.issue(user)
    for used, code in enumerate(codes, start=1):
        assert recovery.use(user, code) is True
        assert recovery.use(user, code) is False
        assert recovery.remaining(user) == 10 - used
    assert [code for code in codes if recovery.use(user, code)] == []
    spent = _events(user, "second_factor.recovery_code_used")
    assert len(spent) == 10 and all(e.actor_id == user.id for e in spent)


@pytest.mark.parametrize(
    "retype",
    [
        str.lower,
        lambda c: c.replace("-", " "),
        lambda c: c.replace("-", ""),
        lambda c: c.replace("-", "").lower(),
        lambda c: f"  {c.lower()}\n",
        lambda c: " ".join(c.replace("-", "")),
        lambda c: c[:9].lower() + c[9:],
    ],
    ids=["lower", "spaces", "no-dashes", "no-dashes-lower", "padded", "spaced-out", "mixed"],
)
def test_a_code_typed_loosely_still_works_once(ctx, retype):
    user = make_user(Role.SUPERVISOR)
    code = recovery.issue(user)[3]
    assert recovery.use(user, retype(code)) is True
    assert recovery.use(user, code) is False
    assert recovery.remaining(user) == 9


def test_another_persons_code_is_refused(ctx):
    owner, stranger = make_user(Role.SUPERVISOR), make_user(Role.SUPERVISOR)
    codes = recovery.issue(owner)
    recovery.issue(stranger)
    assert not any(recovery.use(stranger, code) for code in codes)
    assert recovery.remaining(owner) == 10 and recovery.remaining(stranger) == 10
    assert _events(stranger, "second_factor.recovery_code_used") == []
    assert recovery.use(owner, codes[0]) is True


def test_issuing_again_voids_every_earlier_code(ctx):
    user = make_user(Role.SUPERVISOR)
    old = recovery.issue(user)
    assert recovery.use(user, old[0]) is True
    new = recovery.issue(user)
    assert not set(old) & set(new)
    assert recovery.remaining(user) == 10
    assert not any(recovery.use(user, code) for code in old)
    rows = db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)).all()
    assert len(rows) == 10 and all(row.used_at is None for row in rows)
    assert recovery.use(user, new[9]) is True and recovery.remaining(user) == 9
    assert len(_events(user, "second_factor.recovery_codes_issued")) == 2


def test_without_codes_nothing_works(ctx):
    user = make_user(Role.SUPERVISOR)
    assert recovery.remaining(user) == 0
    assert recovery.use(user, "ABCD-EFGH-JKMN-PQRS") is False


def test_only_the_sha256_of_each_code_is_stored(ctx):
    user = make_user(Role.SUPERVISOR)
    codes = recovery.issue(user)
    rows = db.session.execute(
        text("SELECT * FROM recovery_codes WHERE user_id = :u"), {"u": user.id}
    ).all()
    stored = " ".join(str(value) for row in rows for value in row)
    for code in codes:
        bare = code.replace("-", "")
        assert code not in stored and bare not in stored and bare.lower() not in stored
    digests = {row.code_hash for row in rows}
    assert digests == {hashlib.sha256(c.replace("-", "").encode()).hexdigest() for c in codes}
    assert recovery.use(user, codes[0])
    audited = str([(e.before, e.after) for e in db.session.scalars(select(AuditEvent))])
    assert not any(code.replace("-", "") in audited.replace("-", "") for code in codes)


@pytest.mark.parametrize(
    "mangle",
    [
        lambda c: "",
        lambda c: "\x00",
        lambda c: "\x00" * 19,
        lambda c: c[:-1] + "\x00",
        lambda c: c[:-1],
        lambda c: c + "A",
        lambda c: c[:-1] + ("B" if c[-1] != "B" else "C"),
        lambda c: c.translate(_LOOKALIKES) if c != c.translate(_LOOKALIKES) else "\u0416" + c[1:],
        lambda c: "".join(_FULLWIDTH.get(ch, ch) for ch in c),
        lambda c: "١٢٣٤-٥٦٧٨-٩٠١٢-٣٤٥٦",
        lambda c: "ÄÖÜÉ-ÄÖÜÉ-ÄÖÜÉ-ÄÖÜÉ",
        lambda c: "A" * 1_000_000,
        lambda c: c * 100_000,
        lambda c: "-" * 1_000_000,
        lambda c: "' OR 1=1 --",
    ],
    ids=[
        "empty",
        "nul",
        "nuls",
        "nul-for-last",
        "short",
        "long",
        "one-changed",
        "lookalike-letters",
        "fullwidth",
        "arabic-indic",
        "accented",
        "huge",
        "huge-repeated-code",
        "huge-dashes",
        "sql",
    ],
)
def test_hostile_input_is_refused_without_an_error(ctx, mangle):
    user = make_user(Role.SUPERVISOR)
    codes = recovery.issue(user)
    assert recovery.use(user, mangle(codes[0])) is False
    assert recovery.remaining(user) == 10
    assert _events(user, "second_factor.recovery_code_used") == []
    assert recovery.use(user, codes[0]) is True
