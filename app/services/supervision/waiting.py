"""What is waiting on whom: sessions to confirm, moments to respond to, returned sessions."""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam, func, select

from app.extensions import db
from app.models import SessionStatus, SupervisionSession
from app.models.supervision import session_moments


@dataclass(frozen=True)
class Waiting:
    """Counts of what waits, for one enrolment."""

    sessions_to_confirm: int = 0
    moments_to_respond: int = 0
    sessions_returned: int = 0

    @property
    def any(self) -> bool:
        """Whether anything waits."""
        return bool(self.sessions_to_confirm or self.moments_to_respond or self.sessions_returned)


_WAITING = (  # built once: homes and enrolment pages run it on every view
    select(
        SupervisionSession.enrolment_id,
        SupervisionSession.status,
        func.count(func.distinct(SupervisionSession.id)),
        func.count(session_moments.c.moment_id),
    )
    .outerjoin(session_moments, session_moments.c.session_id == SupervisionSession.id)
    .where(
        SupervisionSession.enrolment_id.in_(bindparam("enrolment_ids", expanding=True)),
        SupervisionSession.status.in_([SessionStatus.LOGGED, SessionStatus.RETURNED]),
    )
    .group_by(SupervisionSession.enrolment_id, SupervisionSession.status)
)


def waiting_by_enrolment(enrolment_ids: Sequence[int]) -> dict[int, Waiting]:
    """For each enrolment: logged sessions (and the moments brought to them) waiting on the
    supervisor, and returned sessions waiting on the trainee. One statement for them all."""
    if not enrolment_ids:
        return {}
    found = dict.fromkeys(enrolment_ids, Waiting())
    for enrolment_id, status, sessions, moments in db.session.execute(
        _WAITING, {"enrolment_ids": list(enrolment_ids)}
    ):
        was = found[enrolment_id]
        if status is SessionStatus.LOGGED:  # the moments brought wait on the supervisor
            found[enrolment_id] = Waiting(sessions, moments, was.sessions_returned)
        else:
            found[enrolment_id] = Waiting(was.sessions_to_confirm, was.moments_to_respond, sessions)
    return found
