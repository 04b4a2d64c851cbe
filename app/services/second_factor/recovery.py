"""Recovery codes: ten one-time codes, shown once when issued, stored as SHA-256 (each carries
about 78 random bits). Issuing again replaces them all. Using one is a conditional update, so a
code works once even when sent twice at the same instant."""

import hashlib
import secrets

from sqlalchemy import delete, func, select, update

from app.extensions import db
from app.models import RecoveryCode, User
from app.models.base import utcnow
from app.services import audit

COUNT = 10
# No 0/O, 1/I/L, U: read off paper and typed on a phone without doubt.
ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
GROUPS, GROUP_LENGTH = 4, 4


def _normal(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def _digest(code: str) -> str:
    return hashlib.sha256(_normal(code).encode()).hexdigest()


def _new_code() -> str:
    groups = ("".join(secrets.choice(ALPHABET) for _ in range(GROUP_LENGTH)) for _ in range(GROUPS))
    return "-".join(groups)


def issue(user: User) -> list[str]:
    """Ten new codes for the person, replacing any earlier ones; shown once by the caller."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_new_code() for _ in range(COUNT)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_digest(c)) for c in codes)
    db.session.flush()
    audit.record(
        user, "second_factor.recovery_codes_issued", "user", user.id, after={"count": COUNT}
    )
    return codes


def remaining(user: User) -> int:
    """How many of the person's recovery codes are still unused."""
    count = db.session.scalar(
        select(func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )
    return int(count or 0)


def use(user: User, code: str) -> bool:
    """Spend one of the person's codes; False when it is not theirs or was already used."""
    normal = _normal(code)
    if len(normal) != GROUPS * GROUP_LENGTH or not normal.isascii():
        return False
    spent = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _digest(normal),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if int(spent.rowcount) != 1:  # type: ignore[attr-defined]
        return False
    audit.record(user, "second_factor.recovery_code_used", "user", user.id)
    return True
