"""Dated evidence besides cycles and sessions (courses, intro sessions, documents, meetings),
and pauses that extend expected dates."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UTCDateTime, utcnow
from app.models.enums import MilestoneKind, str_enum


class Milestone(Base):
    """A course completed, an intro session held, a document written, a meeting held..."""

    __tablename__ = "milestones"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolments.id"), index=True)
    kind: Mapped[MilestoneKind] = mapped_column(str_enum(MilestoneKind, length=30))
    subtype: Mapped[str] = mapped_column(String(40), default="")
    occurred_on: Mapped[date]
    title: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Pause(Base):
    """A recorded break (illness, leave) that extends expected dates instead of making late."""

    __tablename__ = "pauses"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolments.id"), index=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    reason: Mapped[str] = mapped_column(String(200), default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
