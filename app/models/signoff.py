"""Competency ratings, end-of-stage meetings, the evidence a sign-off locks, and notifications."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, UTCDateTime, utcnow
from app.models.enrolment import EnrolmentStage
from app.models.enums import MeetingStatus, RatingKind, str_enum
from app.models.film import Film, Moment
from app.models.scheme import Element, Principle
from app.models.user import User

rating_moments = Table(
    "rating_moments",
    Base.metadata,
    Column("rating_id", ForeignKey("ratings.id"), primary_key=True),
    Column("moment_id", ForeignKey("moments.id"), primary_key=True),
)
meeting_films = Table(
    "meeting_films",
    Base.metadata,
    Column("meeting_id", ForeignKey("stage_meetings.id"), primary_key=True),
    Column("film_id", ForeignKey("films.id"), primary_key=True),
)


class Rating(Base):
    """A rating against a principle (or one of its elements); new ratings never overwrite old."""

    __tablename__ = "ratings"
    __table_args__ = (Index("ix_ratings_enrolment_stage", "enrolment_stage_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_stage_id: Mapped[int] = mapped_column(ForeignKey("enrolment_stages.id"))
    kind: Mapped[RatingKind] = mapped_column(str_enum(RatingKind))
    rater_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    principle_id: Mapped[int] = mapped_column(ForeignKey("principles.id"))
    element_id: Mapped[int | None] = mapped_column(ForeignKey("principle_elements.id"))
    score: Mapped[int]
    comment: Mapped[str] = mapped_column(Text, default="")
    rated_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    enrolment_stage: Mapped[EnrolmentStage] = relationship()
    rater: Mapped[User] = relationship()
    principle: Mapped[Principle] = relationship()
    element: Mapped[Element | None] = relationship()
    moments: Mapped[list[Moment]] = relationship(secondary=rating_moments)


class StageMeeting(Base):
    """One request for an end-of-stage meeting, from request to ratification (or void)."""

    __tablename__ = "stage_meetings"
    # The coordinators' lists of meetings in one status, oldest first: a page is the start of a
    # range of one index, not a sort of every meeting in that status.
    __table_args__ = (
        Index("ix_stage_meetings_status_requested", "status", "requested_at", "id"),
        Index("ix_stage_meetings_status_outcome", "status", "outcome_at", "id"),
        # What each assessor is named to: the supervisors' list counts it for every supervisor
        # (sorted by it, for all of them), an assessor's home lists theirs by status.
        Index("ix_stage_meetings_assessor_status", "assessor_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_stage_id: Mapped[int] = mapped_column(ForeignKey("enrolment_stages.id"), index=True)
    status: Mapped[MeetingStatus] = mapped_column(str_enum(MeetingStatus), index=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    exception_reason: Mapped[str] = mapped_column(Text, default="")
    missing_at_request: Mapped[list[str]] = mapped_column(JSON, default=list)
    assessor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    held_on: Mapped[date | None]
    minutes: Mapped[int | None]
    documents_read: Mapped[str] = mapped_column(Text, default="")
    outcome_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    actions: Mapped[str] = mapped_column(Text, default="")
    new_target_on: Mapped[date | None]
    supervisor_statement: Mapped[str] = mapped_column(Text, default="")
    ratified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ratified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    sent_back_reason: Mapped[str] = mapped_column(Text, default="")
    digest: Mapped[str | None] = mapped_column(String(64))
    covered: Mapped[list[list[Any]]] = mapped_column(JSON, default=list)
    milestone_id: Mapped[int | None] = mapped_column(ForeignKey("milestones.id"))
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    void_reason: Mapped[str] = mapped_column(Text, default="")

    enrolment_stage: Mapped[EnrolmentStage] = relationship()
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])
    assessor: Mapped[User | None] = relationship(foreign_keys=[assessor_id])
    ratified_by: Mapped[User | None] = relationship(foreign_keys=[ratified_by_id])
    clips_shown: Mapped[list[Film]] = relationship(secondary=meeting_films)


class EvidenceLock(Base):
    """A piece of evidence a passed stage covers: it can no longer be changed or deleted."""

    __tablename__ = "evidence_locks"
    __table_args__ = (UniqueConstraint("evidence_type", "evidence_id", "meeting_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("stage_meetings.id"), index=True)
    evidence_type: Mapped[str] = mapped_column(String(20))
    evidence_id: Mapped[int]

    meeting: Mapped[StageMeeting] = relationship()


Index("ix_evidence_locks_evidence", EvidenceLock.evidence_type, EvidenceLock.evidence_id)


class Notification(Base):
    """Something waiting for a person, with a link to where they act."""

    __tablename__ = "notifications"
    # The link names the task's subject: finishing a task resolves its notifications by link.
    __table_args__ = (
        Index("ix_notifications_user_read", "user_id", "read_at"),
        Index("ix_notifications_link", "link"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(40))
    # The English text (search, the command line); `phrase` keeps its wording and values apart
    # (app/phrase.py) so that each reader reads it in their language. None before 0021.
    message: Mapped[str] = mapped_column(String(300))
    phrase: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    link: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the task it announced was done (by anyone): it then no longer waits, read or not.
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class DigestSent(Base):
    """A daily digest went to a person on a day (the digest command is idempotent per day)."""

    __tablename__ = "digests_sent"
    __table_args__ = (UniqueConstraint("user_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    day: Mapped[date]
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
