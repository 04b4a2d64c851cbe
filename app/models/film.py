"""Cycles of guidance, the films made in them and the time-coded moments marked on films."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, UTCDateTime, utcnow
from app.models.case import Case, Consent
from app.models.enums import FilmKind, str_enum
from app.models.scheme import Element, Principle
from app.models.user import User


class Cycle(Base):
    """One VIG cycle: filming, micro-analysis, shared review."""

    __tablename__ = "cycles"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    filmed_on: Mapped[date]
    micro_analysis_done: Mapped[bool] = mapped_column(default=False)
    shared_review_on: Mapped[date | None]
    review_filmed: Mapped[bool] = mapped_column(default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship()
    films: Mapped[list["Film"]] = relationship(
        back_populates="cycle", order_by="Film.recorded_on, Film.id"
    )

    @property
    def complete(self) -> bool:
        """Filmed, micro-analysed and reviewed with the client: a cycle that counts."""
        return self.micro_analysis_done and self.shared_review_on is not None


class Film(Base):
    """A film of an interaction or of a shared review; footage is usually kept elsewhere."""

    __tablename__ = "films"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id"), index=True)
    kind: Mapped[FilmKind] = mapped_column(str_enum(FilmKind))
    recorded_on: Mapped[date]
    length_seconds: Mapped[int]
    kept_at: Mapped[str] = mapped_column(String(200))
    consent_id: Mapped[int] = mapped_column(ForeignKey("consents.id"), index=True)
    clip_key: Mapped[str | None] = mapped_column(String(80))
    clip_content_type: Mapped[str | None] = mapped_column(String(60))
    clip_bytes: Mapped[int | None]
    # Which store holds the clip ("local" or "s3"), and its data key wrapped by the
    # key-encryption key `clip_key_id` (both None: a clip stored plain, before sealing began).
    clip_store: Mapped[str | None] = mapped_column(String(10))
    clip_key_id: Mapped[str | None] = mapped_column(String(40))
    clip_wrapped_key: Mapped[bytes | None] = mapped_column(LargeBinary(80))
    clip_uploaded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    clip_deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The trainee's word that the footage kept elsewhere (`kept_at`) is deleted too.
    footage_deleted_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    cycle: Mapped[Cycle] = relationship(back_populates="films")
    consent: Mapped[Consent] = relationship()
    moments: Mapped[list["Moment"]] = relationship(
        back_populates="film", order_by="Moment.start_ms, Moment.id", cascade="all, delete-orphan"
    )

    @property
    def has_clip(self) -> bool:
        """Whether an uploaded clip is stored (and not deleted)."""
        return self.clip_key is not None and self.clip_deleted_at is None


class Moment(Base):
    """A time range on a film, tagged with a principle (and optionally one of its elements)."""

    __tablename__ = "moments"

    id: Mapped[int] = mapped_column(primary_key=True)
    film_id: Mapped[int] = mapped_column(ForeignKey("films.id"), index=True)
    start_ms: Mapped[int]
    end_ms: Mapped[int]
    principle_id: Mapped[int] = mapped_column(ForeignKey("principles.id"))
    element_id: Mapped[int | None] = mapped_column(ForeignKey("principle_elements.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    film: Mapped[Film] = relationship(back_populates="moments")
    principle: Mapped[Principle] = relationship()
    element: Mapped[Element | None] = relationship()
    author: Mapped[User] = relationship()
    replies: Mapped[list["MomentReply"]] = relationship(
        back_populates="moment", order_by="MomentReply.id", cascade="all, delete-orphan"
    )


class MomentReply(Base):
    """A short reply on a moment: the supervisor answers what the trainee marked, and back."""

    __tablename__ = "moment_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    moment_id: Mapped[int] = mapped_column(ForeignKey("moments.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    moment: Mapped[Moment] = relationship(back_populates="replies")
    author: Mapped[User] = relationship()
