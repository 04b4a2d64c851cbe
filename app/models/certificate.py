"""Certificates of accreditation: what was printed is kept exactly, so it can be verified."""

from datetime import date, datetime

from sqlalchemy import ColumnElement, ForeignKey, Index, String, Text, and_, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, UTCDateTime, utcnow
from app.models.enrolment import Enrolment
from app.models.enums import RevocationScope, str_enum
from app.models.scheme_text import SchemeText
from app.models.user import User

CURRENT = "revoked_at IS NULL AND superseded_by_id IS NULL"


class Certificate(Base):
    """An issued certificate; never edited: a name change issues a new one that supersedes it."""

    __tablename__ = "certificates"
    # One current certificate (neither revoked nor superseded) per enrolment, whatever races
    # past the services' row locks (migration 0013).
    __table_args__ = (
        Index(
            "ux_certificates_one_current",
            "enrolment_id",
            unique=True,
            sqlite_where=text(CURRENT),
            postgresql_where=text(CURRENT),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(40), unique=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolments.id"), index=True)
    holder_name: Mapped[str] = mapped_column(String(120))
    # The scheme's wording as issued, in English; read in each reader's language (scheme_text).
    body: Mapped[str] = mapped_column(SchemeText(120))
    scheme_title: Mapped[str] = mapped_column(SchemeText(200))
    scheme_version: Mapped[str] = mapped_column(String(60))
    accredited_on: Mapped[date]
    supervisor_name: Mapped[str] = mapped_column(String(120))
    assessor_name: Mapped[str] = mapped_column(String(120))
    expires_on: Mapped[date | None]
    evidence_digest: Mapped[str] = mapped_column(String(64))
    # The language it was issued in (its holder's then): the document is always drawn in it.
    language: Mapped[str] = mapped_column(String(16), default="en")
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    listed: Mapped[bool] = mapped_column(default=False)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoke_reason: Mapped[str] = mapped_column(Text, default="")
    # Set with revoked_at: whether only this document or the accreditation itself is withdrawn.
    revocation_scope: Mapped[RevocationScope | None] = mapped_column(str_enum(RevocationScope))
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"))

    enrolment: Mapped[Enrolment] = relationship()
    issued_by: Mapped[User] = relationship()
    superseded_by: Mapped["Certificate | None"] = relationship(remote_side=[id])

    @classmethod
    def is_current(cls) -> ColumnElement[bool]:
        """Neither revoked nor superseded: the condition of ux_certificates_one_current."""
        return and_(cls.revoked_at.is_(None), cls.superseded_by_id.is_(None))
