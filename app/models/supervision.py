"""Supervision sessions a trainee logs and their supervisor confirms or returns."""

from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, UTCDateTime, utcnow
from app.models.enrolment import Enrolment
from app.models.enums import SessionStatus, str_enum
from app.models.film import Cycle, Film, Moment
from app.models.user import User


def _link_table(name: str, target: str) -> Table:
    return Table(
        name,
        Base.metadata,
        Column("session_id", ForeignKey("supervision_sessions.id"), primary_key=True),
        Column(f"{target}_id", ForeignKey(f"{target}s.id"), primary_key=True),
    )


session_cycles = _link_table("session_cycles", "cycle")
session_films = _link_table("session_films", "film")
session_moments = _link_table("session_moments", "moment")


class SupervisionSession(Base):
    """A supervision session; it counts toward requirements only once confirmed."""

    __tablename__ = "supervision_sessions"
    # The coordinators' lists look sessions up per enrolment by status and date.
    __table_args__ = (
        Index("ix_supervision_sessions_enrolment_status_held", "enrolment_id", "status", "held_on"),
        # The at-risk tests look across all enrolments for recent confirmed sessions and for
        # long-unconfirmed ones: by status and date first, the enrolment read from the index.
        Index("ix_supervision_sessions_status_held", "status", "held_on", "enrolment_id"),
        Index("ix_supervision_sessions_status_created", "status", "created_at", "enrolment_id"),
        # What waits for each supervisor (the supervisors' list counts it for all of them, a
        # supervisor's home lists theirs): by status and supervisor, read from the index alone.
        Index(
            "ix_supervision_sessions_status_supervisor",
            "status",
            "supervisor_id",
            "created_at",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolments.id"), index=True)
    supervisor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    held_on: Mapped[date]
    minutes: Mapped[int]
    group: Mapped[bool] = mapped_column(default=False)
    online: Mapped[bool] = mapped_column(default=False)
    filmed: Mapped[bool] = mapped_column(default=False)
    reflection_before: Mapped[str] = mapped_column(Text, default="")
    reflection_after: Mapped[str] = mapped_column(Text, default="")
    next_steps: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[SessionStatus] = mapped_column(
        str_enum(SessionStatus), default=SessionStatus.LOGGED, index=True
    )
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    return_reason: Mapped[str] = mapped_column(Text, default="")
    supervisor_reflection: Mapped[str] = mapped_column(Text, default="")
    supervisor_feedback: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    enrolment: Mapped[Enrolment] = relationship()
    supervisor: Mapped[User] = relationship()
    # Evidence knows nothing of supervision (models import downwards only): the links are declared
    # here, and the backrefs give cycles, films and moments their `sessions`, so that deleting one
    # removes its link rows.
    cycles: Mapped[list[Cycle]] = relationship(secondary=session_cycles, backref="sessions")
    films: Mapped[list[Film]] = relationship(secondary=session_films, backref="sessions")
    moments: Mapped[list[Moment]] = relationship(secondary=session_moments, backref="sessions")


class Reflection(Base):
    """A reflection by the trainee, linked to a case, a cycle or a session; private until shared."""

    __tablename__ = "reflections"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolments.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    cycle_id: Mapped[int | None] = mapped_column(ForeignKey("cycles.id"))
    session_id: Mapped[int | None] = mapped_column(ForeignKey("supervision_sessions.id"))
    written_on: Mapped[date]
    title: Mapped[str] = mapped_column(String(120), default="")
    body: Mapped[str] = mapped_column(Text)
    private: Mapped[bool] = mapped_column(default=True)
    shared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User] = relationship()
