"""Generated portfolios: one row per distinct state of the evidence, holding the PDF once made."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from app.models.base import Base, UTCDateTime, utcnow
from app.models.enrolment import Enrolment
from app.models.enums import PortfolioStatus, str_enum
from app.models.user import User


class PortfolioDocument(Base):
    """A portfolio PDF keyed by the digest of the data it was rendered from (the cache)."""

    __tablename__ = "portfolio_documents"
    __table_args__ = (Index("ix_portfolio_documents_lookup", "enrolment_id", "inputs_digest"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolments.id"))
    inputs_digest: Mapped[str] = mapped_column(String(64))
    # The language it is written in, chosen by whoever asked for it.
    language: Mapped[str] = mapped_column(String(16), default="en")
    status: Mapped[PortfolioStatus] = mapped_column(str_enum(PortfolioStatus))
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pages: Mapped[int | None]
    size_bytes: Mapped[int | None]
    error: Mapped[str] = mapped_column(Text, default="")
    # Loaded only when the file itself is sent.
    pdf: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))

    enrolment: Mapped[Enrolment] = relationship()
    requested_by: Mapped[User] = relationship()
