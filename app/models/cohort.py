"""Cohorts: groups of trainees a coordinator follows together (a course, a region, an employer)."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, UTCDateTime, utcnow
from app.models.enums import CohortKind, str_enum
from app.models.user import User

# Folding can lengthen a name (NFKC writes some single characters as several).
NAME_KEY_LENGTH = 480


class Cohort(Base):
    """A named group of trainees."""

    __tablename__ = "cohorts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    # The name as compared for duplicates (NFKC, case-folded in every script, set by the
    # service): "Ωμέγα" and "ΩΜΈΓΑ" are one name, and the database holds each key once.
    name_key: Mapped[str] = mapped_column(String(NAME_KEY_LENGTH), unique=True)
    kind: Mapped[CohortKind] = mapped_column(str_enum(CohortKind), default=CohortKind.COURSE)
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    members: Mapped[list["CohortMember"]] = relationship(
        back_populates="cohort", cascade="all, delete-orphan"
    )


class CohortMember(Base):
    """A trainee in a cohort, since when and added by whom."""

    __tablename__ = "cohort_members"
    __table_args__ = (UniqueConstraint("cohort_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    cohort: Mapped[Cohort] = relationship(back_populates="members")
    user: Mapped[User] = relationship(foreign_keys=[user_id])
