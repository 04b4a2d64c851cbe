"""People, their roles and one-time links (invites and password resets)."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, LargeBinary, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, UTCDateTime, utcnow
from app.models.enums import NotifyBy, Role, SupervisorGrade, TokenPurpose, str_enum


class User(UserMixin, Base):
    """A person who can sign in: trainee, supervisor, coordinator or several of these."""

    __tablename__ = "users"
    # Lists sort people (and enrolments by their trainee) by name, case folded: a page of the
    # first 25 reads this index in order instead of sorting everyone.
    __table_args__ = (
        Index("ix_users_display_name_folded", func.lower("display_name")),
        Index("ix_users_passkey_handle", "passkey_handle", unique=True),
        # The supervisors' list, most sessions to confirm first: its first page is the start of
        # this index (read backwards), whatever the size of the association.
        Index("ix_users_sessions_to_confirm", "sessions_to_confirm", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    supervisor_grade: Mapped[SupervisorGrade | None] = mapped_column(str_enum(SupervisorGrade))
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/London")
    locale: Mapped[str] = mapped_column(String(16), default="en")
    notify_by: Mapped[NotifyBy] = mapped_column(str_enum(NotifyBy), default=NotifyBy.IMMEDIATE)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when the person was erased: the row stays, anonymised, for other people's records.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The random id passkeys know this person by (WebAuthn's user handle: never the e-mail or
    # the row id); set when the first passkey is added.
    passkey_handle: Mapped[bytes | None] = mapped_column(LargeBinary(64))
    # As a supervisor: how many sessions naming them wait for their confirmation, and when the
    # oldest of those was logged. Kept in step with the sessions by the transaction that
    # changes them (app/services/progress/supervision_dates.py); never written by hand.
    sessions_to_confirm: Mapped[int] = mapped_column(default=0, server_default="0")
    oldest_to_confirm_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # Read when asked for (the signed-in person's once per request); lists that show the roles
    # of many people load them with the list (selectinload), so no page repeats the query.
    role_links: Mapped[list["UserRole"]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    @property
    def is_active(self) -> bool:
        """Flask-Login refuses sign-in to deactivated accounts."""
        return self.active

    @property
    def roles(self) -> frozenset[Role]:
        """The roles this person holds."""
        return frozenset(link.role for link in self.role_links)

    def has_role(self, role: Role) -> bool:
        """Whether this person holds the role."""
        return role in self.roles

    @property
    def has_password(self) -> bool:
        """False until an invited person has chosen a password."""
        return self.password_hash is not None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class UserRole(Base):
    """One role held by one person."""

    __tablename__ = "user_roles"
    # Everyone holding a role (the supervisors' list and choices): a range of this index.
    __table_args__ = (Index("ix_user_roles_role", "role", "user_id"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    role: Mapped[Role] = mapped_column(str_enum(Role), primary_key=True)

    user: Mapped[User] = relationship(back_populates="role_links")


class AuthToken(Base):
    """A one-time, expiring link; only the SHA-256 of the secret is stored."""

    __tablename__ = "auth_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    purpose: Mapped[TokenPurpose] = mapped_column(str_enum(TokenPurpose))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
