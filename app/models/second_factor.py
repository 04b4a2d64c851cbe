"""A person's second factors: passkeys, an authenticator app, one-time recovery codes; and the
policy saying which roles must have one."""

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, UTCDateTime, utcnow
from app.models.enums import Role, str_enum
from app.models.user import User


class Passkey(Base):
    """A WebAuthn credential: only its id and public key are stored, never a secret."""

    __tablename__ = "passkeys"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    credential_id: Mapped[bytes] = mapped_column(LargeBinary(1023), unique=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary(2048))
    sign_count: Mapped[int] = mapped_column(BigInteger, default=0)
    name: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class AuthenticatorApp(Base):
    """A TOTP secret (RFC 6238), sealed at rest; usable once its first code is confirmed. The
    last time step accepted is kept so a code is never accepted twice."""

    __tablename__ = "authenticator_apps"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    secret_sealed: Mapped[bytes] = mapped_column(LargeBinary(256))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_step: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RecoveryCode(Base):
    """One of a person's ten one-time recovery codes; only its SHA-256 is stored (the codes
    carry 80 random bits, so a fast hash is enough)."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SecondFactorPolicy(Base):
    """Whether people holding `role` must have a second factor."""

    __tablename__ = "second_factor_policies"

    role: Mapped[Role] = mapped_column(str_enum(Role), primary_key=True)
    required: Mapped[bool] = mapped_column(default=False)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("users.id"))


# Every column naming a person here: a merge keeps each where it is (a duplicate's factors stay
# its own); an erasure deletes the factors and keeps who changed the policy.
FACTORS_OF_A_PERSON = (Passkey.user_id, AuthenticatorApp.user_id, RecoveryCode.user_id)
REFERENCES_TO_PEOPLE = (*FACTORS_OF_A_PERSON, SecondFactorPolicy.changed_by_id)
