"""Supervisors' load: current supervisees, sessions waiting for their confirmation and meetings
they are named to assess, one row per supervisor."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select

from app.models import (
    MeetingStatus,
    Role,
    StageMeeting,
    SupervisorAssignment,
    SupervisorGrade,
    User,
    UserRole,
)

# -- supervisors' load ------------------------------------------------------------------------


@dataclass(frozen=True)
class SupervisorLoad:
    """A supervisor with what they carry now."""

    supervisor_id: int
    name: str
    grade: SupervisorGrade | None
    supervisees: int
    sessions_to_confirm: int
    oldest_waiting: datetime | None
    meetings_to_assess: int


def supervisor_load() -> Select[Any]:
    """Rows of (supervisor's id, name and grade, current supervisees, sessions waiting for their
    confirmation, when the oldest of those was logged, meetings they are named to assess), one
    per supervisor: the shown columns only (a list of them reads no password hash, and builds
    no person). The sessions to confirm are those kept on each person (`supervision_dates`)."""
    supervisees = (
        select(func.count(SupervisorAssignment.id))
        .where(
            SupervisorAssignment.supervisor_id == User.id,
            SupervisorAssignment.ends_on.is_(None),
        )
        .scalar_subquery()
    )
    meetings = (
        select(func.count(StageMeeting.id))
        .where(
            StageMeeting.assessor_id == User.id,
            StageMeeting.status == MeetingStatus.ASSESSOR_NAMED,
        )
        .scalar_subquery()
    )
    return (
        select(
            User.id.label("supervisor_id"),
            User.display_name.label("name"),
            User.supervisor_grade.label("grade"),
            supervisees.label("supervisees"),
            User.sessions_to_confirm.label("sessions_to_confirm"),
            User.oldest_to_confirm_at.label("oldest_waiting"),
            meetings.label("meetings_to_assess"),
        )
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.SUPERVISOR, User.active.is_(True))
    )


def supervisors() -> Select[Any]:
    """The rows of `supervisor_load` without what they show, to count them: each supervisor's
    role looked up, then whether that person is active (a join would read every person)."""
    active = select(User.active).where(User.id == UserRole.user_id).scalar_subquery()
    return select(UserRole.user_id).where(UserRole.role == Role.SUPERVISOR, active.is_(True))


def as_load(row: Any) -> SupervisorLoad:
    """A row of `supervisor_load` as a SupervisorLoad."""
    return SupervisorLoad(*row)
