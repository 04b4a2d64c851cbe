"""Each supervisor's sessions to confirm (how many sessions naming them wait for their
confirmation, and when the oldest was logged) are kept on the person by the transaction that
changes a session, whatever wrote it; they always equal a count of the sessions themselves."""

import random
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from app.extensions import db
from app.models import Enrolment, Role, SessionStatus, SupervisionSession, User
from app.services.progress import supervision_dates
from app.services.schemes.files import default_schemes_dir
from app.services.schemes.loader import load_definitions
from app.services.supervision import sessions as supervision
from app.services.supervision.sessions import SessionDetails
from tests.builders.people import enrolled_trainee, make_user
from tests.builders.session_races import confirm_at_once

TODAY = date(2026, 11, 24)
LOGGED = datetime(2026, 3, 2, 9, tzinfo=UTC)


def _kept(user_id: int) -> tuple[int, datetime | None]:
    db.session.expire_all()
    row = db.session.execute(
        select(User.sessions_to_confirm, User.oldest_to_confirm_at).where(User.id == user_id)
    ).one()
    return row.sessions_to_confirm, row.oldest_to_confirm_at


def _counted() -> dict[int, tuple[int, datetime | None]]:
    """Every person's sessions to confirm as the sessions say (nobody's: (0, None))."""
    counted = {
        row.supervisor_id: (row.n, row.oldest)
        for row in db.session.execute(
            select(
                SupervisionSession.supervisor_id,
                func.count().label("n"),
                func.min(SupervisionSession.created_at).label("oldest"),
            )
            .where(SupervisionSession.status == SessionStatus.LOGGED)
            .group_by(SupervisionSession.supervisor_id)
        )
    }
    people = db.session.scalars(select(User.id))
    return {key: counted.get(key, (0, None)) for key in people}


def _all_kept() -> dict[int, tuple[int, datetime | None]]:
    db.session.expire_all()
    rows = db.session.execute(select(User.id, User.sessions_to_confirm, User.oldest_to_confirm_at))
    return {row.id: (row.sessions_to_confirm, row.oldest_to_confirm_at) for row in rows}


def _details(supervisor: User, held_on: date) -> SessionDetails:
    return SessionDetails(
        supervisor=supervisor,
        held_on=held_on,
        minutes=60,
        group=False,
        online=False,
        filmed=False,
        reflection_before="",
        reflection_after="",
        next_steps="",
    )


def _session(enrolment, supervisor: User, status: SessionStatus, logged: datetime):
    session = SupervisionSession(
        enrolment=enrolment,
        supervisor=supervisor,
        held_on=logged.date(),
        minutes=60,
        status=status,
        created_at=logged,
    )
    db.session.add(session)
    return session


def test_the_counts_follow_the_services(ctx):
    load_definitions(None, default_schemes_dir())
    enrolment = enrolled_trainee()
    sam = enrolment.current_assignment.supervisor
    tess = make_user(Role.SUPERVISOR)
    db.session.commit()
    trainee = enrolment.trainee
    assert _kept(sam.id) == (0, None)

    first = supervision.save_session(trainee, enrolment, _details(sam, date(2026, 3, 2)), TODAY)
    db.session.commit()
    assert _kept(sam.id) == (1, first.created_at)
    second = supervision.save_session(trainee, enrolment, _details(sam, date(2026, 3, 9)), TODAY)
    db.session.commit()
    assert _kept(sam.id) == (2, first.created_at)

    supervision.confirm_session(sam, first)  # confirmed: no longer waits on Sam
    db.session.commit()
    assert _kept(sam.id) == (1, second.created_at)

    supervision.return_session(sam, second, "It was 45 minutes.")  # waits on the trainee now
    db.session.commit()
    assert _kept(sam.id) == (0, None)

    supervision.save_session(trainee, enrolment, _details(sam, date(2026, 3, 9)), TODAY, second)
    db.session.commit()  # corrected: it waits on Sam again
    assert _kept(sam.id) == (1, second.created_at)

    second.supervisor = tess  # moved to another supervisor: it waits on Tess, not on Sam
    db.session.commit()
    assert _kept(sam.id) == (0, None)
    assert _kept(tess.id) == (1, second.created_at)

    supervision.delete_session(trainee, second)
    db.session.commit()
    assert _kept(tess.id) == (0, None)


@pytest.fixture
def waiting(ctx, schemes) -> tuple[Enrolment, User]:
    """A trainee's enrolment and a supervisor with one of its sessions waiting on them since
    LOGGED (committed)."""
    enrolment = enrolled_trainee(stage=1)
    sam = make_user(Role.SUPERVISOR)
    _session(enrolment, sam, SessionStatus.LOGGED, LOGGED)
    db.session.commit()
    return enrolment, sam


def test_a_rolled_back_change_leaves_the_counts_as_they_were(waiting):
    enrolment, sam = waiting
    _session(enrolment, sam, SessionStatus.LOGGED, LOGGED - timedelta(days=9))
    db.session.flush()
    db.session.rollback()
    assert _kept(sam.id) == (1, LOGGED)


def test_many_changes_leave_every_count_as_the_sessions_say(ctx, schemes):
    """Sessions of several trainees and supervisors, logged, decided, moved, deleted, several
    to a transaction: after every commit each person's kept count is the sessions' own."""
    rng = random.Random(7)
    enrolments = [enrolled_trainee(stage=1) for _ in range(4)]
    supervisors = [make_user(Role.SUPERVISOR) for _ in range(4)]
    db.session.commit()
    start = datetime(2026, 1, 5, 9, tzinfo=UTC)
    statuses = list(SessionStatus)
    sessions: list[SupervisionSession] = []
    for step in range(40):
        for _ in range(rng.randint(1, 3)):
            move = rng.random()
            if move < 0.45 or not sessions:
                logged = start + timedelta(hours=rng.randint(0, 2000))
                sessions.append(
                    _session(
                        rng.choice(enrolments),
                        rng.choice(supervisors),
                        rng.choice(statuses),
                        logged,
                    )
                )
            elif move < 0.75:
                rng.choice(sessions).status = rng.choice(statuses)
            elif move < 0.9:
                rng.choice(sessions).supervisor = rng.choice(supervisors)
            else:
                gone = sessions.pop(rng.randrange(len(sessions)))
                db.session.delete(gone)
        db.session.commit()
        assert _all_kept() == _counted(), step
    waiting = [n for n, _ in _counted().values() if n]
    assert len(waiting) >= 2 and max(waiting) >= 2  # the counts were put to the proof


def test_a_bulk_statement_on_sessions_recounts_everyone(waiting):
    enrolment, sam = waiting
    tess = make_user(Role.SUPERVISOR)
    _session(enrolment, tess, SessionStatus.LOGGED, LOGGED)
    db.session.commit()
    db.session.execute(
        update(SupervisionSession)
        .where(SupervisionSession.supervisor_id == sam.id)
        .values(status=SessionStatus.CONFIRMED)
    )
    db.session.commit()
    assert (_kept(sam.id), _kept(tess.id)) == ((0, None), (1, LOGGED))


def test_refresh_all_fills_what_a_bulk_load_left_empty(waiting):
    sam = waiting[1]
    db.session.execute(update(User).values(sessions_to_confirm=0, oldest_to_confirm_at=None))
    db.session.commit()  # as COPY leaves them
    assert _kept(sam.id) == (0, None)
    supervision_dates.refresh_all(db.session.connection())
    db.session.commit()
    assert _kept(sam.id) == (1, LOGGED)


def test_two_sessions_of_one_supervisor_decided_at_the_same_instant_leave_a_true_count(
    committing_app,
):
    """Two trainees' transactions each confirm a session waiting on the same supervisor and
    commit at the same instant (PostgreSQL, real concurrent commits): the second to recount
    waits for the first and reads its confirmation, so nothing waits on the supervisor."""
    with committing_app.app_context():
        load_definitions(None, default_schemes_dir())
        sam = make_user(Role.SUPERVISOR)
        both = [_session(enrolled_trainee(), sam, SessionStatus.LOGGED, LOGGED) for _ in range(2)]
        db.session.commit()
        ids, sam_id = [s.id for s in both], sam.id
    confirm_at_once(
        committing_app,
        ids,
        lambda connection: supervision_dates.refresh_supervisors(connection, {sam_id}),
    )
    with committing_app.app_context():
        assert _kept(sam_id) == (0, None)
