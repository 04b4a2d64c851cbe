"""What is waiting on whom: sessions to confirm, moments to respond to, returned sessions."""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select

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


def waiting_by_enrolment(enrolment_ids: Sequence[int]) -> dict[int, Waiting]:
    """For each enrolment: logged sessions (and the moments brought to them) waiting on the
    supervisor, and returned sessions waiting on the trainee. Two queries in all."""
    if not enrolment_ids:
        return {}
    sessions = dict.fromkeys(enrolment_ids, (0, 0))
    for enrolment_id, status, count in db.session.execute(
        select(SupervisionSession.enrolment_id, SupervisionSession.status, func.count())
        .where(
            SupervisionSession.enrolment_id.in_(enrolment_ids),
            SupervisionSession.status.in_([SessionStatus.LOGGED, SessionStatus.RETURNED]),
        )
        .group_by(SupervisionSession.enrolment_id, SupervisionSession.status)
    ):
        logged, returned = sessions[enrolment_id]
        if status is SessionStatus.LOGGED:
            logged = count
        else:
            returned = count
        sessions[enrolment_id] = (logged, returned)
    moments = dict(
        db.session.execute(
            select(SupervisionSession.enrolment_id, func.count(session_moments.c.moment_id))
            .join(session_moments, session_moments.c.session_id == SupervisionSession.id)
            .where(
                SupervisionSession.enrolment_id.in_(enrolment_ids),
                SupervisionSession.status == SessionStatus.LOGGED,
            )
            .group_by(SupervisionSession.enrolment_id)
        ).all()
    )
    return {
        eid: Waiting(sessions[eid][0], int(moments.get(eid, 0)), sessions[eid][1])
        for eid in enrolment_ids
    }
