"""A trainee's enrolment on a scheme version, its stages and own-supervisor history."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, UTCDateTime, utcnow
from app.models.enums import EnrolmentStatus, str_enum
from app.models.scheme import Scheme, Stage
from app.models.user import User


class Enrolment(Base):
    """A trainee on one scheme revision, pinned for the whole pathway."""

    __tablename__ = "enrolments"
    # The accredited enrolments still without a current certificate are counted as one ordered
    # read of this index beside the index of current certificates (at 50,000 enrolments a scan
    # of every enrolment and a hash of every certificate: ~12 ms).
    __table_args__ = (Index("ix_enrolments_status", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"))
    started_on: Mapped[date]
    status: Mapped[EnrolmentStatus] = mapped_column(
        str_enum(EnrolmentStatus), default=EnrolmentStatus.ACTIVE
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Kept in step by app.services.expected_dates whenever stages or pauses change, so that
    # lists of who is late are one indexed query at any size.
    expected_finish: Mapped[date | None] = mapped_column(index=True)
    stage_expected_end: Mapped[date | None] = mapped_column(index=True)
    # Kept in step by app.services.progress.supervision_dates as sessions change, so that the
    # at-risk tests read one row per enrolment: the day of its latest confirmed session, and
    # when its oldest session still waiting for confirmation was logged.
    last_supervised_on: Mapped[date | None]
    oldest_waiting_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    trainee: Mapped[User] = relationship(foreign_keys=[trainee_id])
    scheme: Mapped[Scheme] = relationship()
    stages: Mapped[list["EnrolmentStage"]] = relationship(
        back_populates="enrolment", order_by="EnrolmentStage.opened_on"
    )
    assignments: Mapped[list["SupervisorAssignment"]] = relationship(
        back_populates="enrolment",
        order_by="SupervisorAssignment.starts_on, SupervisorAssignment.id",
    )

    @property
    def current_stage(self) -> "EnrolmentStage | None":
        """The stage that is open now, if any."""
        open_stages = [s for s in self.stages if s.closed_on is None]
        return open_stages[-1] if open_stages else None

    @property
    def current_assignment(self) -> "SupervisorAssignment | None":
        """The own-supervisor assignment without an end date."""
        current = [a for a in self.assignments if a.ends_on is None]
        return current[-1] if current else None


class EnrolmentStage(Base):
    """When a stage of an enrolment opened and closed."""

    __tablename__ = "enrolment_stages"
    __table_args__ = (UniqueConstraint("enrolment_id", "stage_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolments.id"))
    stage_id: Mapped[int] = mapped_column(ForeignKey("stages.id"))
    opened_on: Mapped[date]
    closed_on: Mapped[date | None]

    enrolment: Mapped[Enrolment] = relationship(back_populates="stages")
    stage: Mapped[Stage] = relationship()


class SupervisorAssignment(Base):
    """A period during which a supervisor was the trainee's own supervisor on an enrolment."""

    __tablename__ = "supervisor_assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolments.id"), index=True)
    supervisor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    enrolment: Mapped[Enrolment] = relationship(back_populates="assignments")
    supervisor: Mapped[User] = relationship()
