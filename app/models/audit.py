"""The append-only audit log: who changed what, when, with the state before and after."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, UTCDateTime, utcnow
from app.models.user import User


class AuditEvent(Base):
    """One change of state; rows are only ever inserted, each chained to the one before.

    The chain's hash covers the digest of the states (with a random salt), not the states
    themselves, so an erasure can remove the states (and the salt) and the chain still holds.
    """

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_subject", "subject_type", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(80), index=True)
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int | None]
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    payload_salt: Mapped[str | None] = mapped_column(String(32))
    payload_digest: Mapped[str] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    redacted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The later entry that records the redaction (an erasure) and how many entries it redacted.
    redacted_by_id: Mapped[int | None] = mapped_column(ForeignKey("audit_events.id"))

    actor: Mapped[User | None] = relationship()

    @property
    def redacted(self) -> bool:
        """Whether the states were removed by an erasure."""
        return self.redacted_at is not None
