"""What waits on whom, counted for several enrolments in one statement."""

from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.models import Enrolment, Film, Principle, SessionStatus, SupervisionSession
from app.services.evidence import films
from app.services.supervision.waiting import Waiting, waiting_by_enrolment
from tests.builders.evidence import build_world
from tests.query_counter import count_queries


def _session(enrolment: Enrolment, status: SessionStatus, moments=()) -> None:
    session = SupervisionSession(
        enrolment=enrolment,
        supervisor=enrolment.current_assignment.supervisor,
        held_on=date(2026, 3, 2),
        minutes=60,
        status=status,
    )
    session.moments = list(moments)
    db.session.add(session)
    db.session.flush()


def test_sessions_and_moments_waiting_are_counted_per_enrolment(ctx, schemes):
    world = build_world()
    enrolment = db.session.get(Enrolment, world.enrolment_id)
    film = db.session.get(Film, world.film_id)
    principle = db.session.scalars(select(Principle)).first()
    moments = [
        films.add_moment(enrolment.trainee, film, n * 1000, n * 1000 + 500, principle, None, "")
        for n in range(3)
    ]
    _session(enrolment, SessionStatus.LOGGED, moments[:2])
    _session(enrolment, SessionStatus.LOGGED)
    _session(enrolment, SessionStatus.RETURNED, moments[2:])  # the trainee's turn: not counted
    _session(enrolment, SessionStatus.CONFIRMED, moments)
    other = db.session.scalars(select(Enrolment).where(Enrolment.id != enrolment.id)).first()
    _session(other, SessionStatus.RETURNED)
    _session(other, SessionStatus.RETURNED)

    with count_queries(ctx) as counted:
        found = waiting_by_enrolment([enrolment.id, other.id, 999_999])
    assert len(counted) == 1
    assert found[enrolment.id] == Waiting(
        sessions_to_confirm=2, moments_to_respond=2, sessions_returned=1
    )
    assert found[other.id] == Waiting(sessions_returned=2)
    assert found[999_999] == Waiting()
    assert not found[999_999].any
