"""Each enrolment's supervision dates (its latest confirmed session's day, when its oldest waiting
session was logged) are kept in step by the transaction that changes a session, whatever wrote
it; and the at-risk tests that read them find exactly the trainees the sessions themselves say."""

from datetime import UTC, date, datetime, timedelta
from datetime import time as day_time

import pytest
from sqlalchemy import and_, exists, or_, select, update

from app.extensions import db
from app.models import Enrolment, EnrolmentStatus, Role, SessionStatus, SupervisionSession
from app.services.coordination.risk import RiskReason, Thresholds, at_risk, reasons_of
from app.services.progress import supervision_dates
from app.services.schemes.files import default_schemes_dir
from app.services.schemes.loader import load_definitions
from tests.builders.people import enrolled_trainee, make_user
from tests.builders.session_races import confirm_at_once

STARTED = date(2026, 1, 5)


def _dates(enrolment: Enrolment) -> tuple[date | None, datetime | None]:
    db.session.expire_all()
    row = db.session.execute(
        select(Enrolment.last_supervised_on, Enrolment.oldest_waiting_at).where(
            Enrolment.id == enrolment.id
        )
    ).one()
    return row.last_supervised_on, row.oldest_waiting_at


def _session(enrolment: Enrolment, held_on: date, status: SessionStatus, logged: datetime):
    supervisor = make_user(Role.SUPERVISOR)
    session = SupervisionSession(
        enrolment=enrolment,
        supervisor=supervisor,
        held_on=held_on,
        minutes=60,
        status=status,
        created_at=logged,
    )
    db.session.add(session)
    return session


def _at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, day_time(hour), tzinfo=UTC)


@pytest.fixture
def two(ctx, schemes) -> list[Enrolment]:
    found = [enrolled_trainee(stage=1) for _ in range(2)]
    db.session.commit()
    return found


def test_dates_follow_every_change_of_a_session(two):
    first, second = two
    assert _dates(first) == (None, None)

    waiting = _session(first, date(2026, 3, 2), SessionStatus.LOGGED, _at(date(2026, 3, 3)))
    db.session.commit()
    assert _dates(first) == (None, _at(date(2026, 3, 3)))

    older = _session(first, date(2026, 2, 2), SessionStatus.LOGGED, _at(date(2026, 2, 3)))
    db.session.commit()
    assert _dates(first) == (None, _at(date(2026, 2, 3)))

    older.status = SessionStatus.CONFIRMED  # confirmed: counts, no longer waits
    db.session.commit()
    assert _dates(first) == (date(2026, 2, 2), _at(date(2026, 3, 3)))

    waiting.status = SessionStatus.CONFIRMED
    db.session.commit()
    assert _dates(first) == (date(2026, 3, 2), None)

    waiting.held_on = date(2026, 1, 20)  # corrected to an earlier day: the later one is latest
    db.session.commit()
    assert _dates(first) == (date(2026, 2, 2), None)

    older.enrolment_id = second.id  # moved to another enrolment: both recomputed
    db.session.commit()
    assert _dates(first) == (date(2026, 1, 20), None)
    assert _dates(second) == (date(2026, 2, 2), None)

    db.session.delete(waiting)
    db.session.commit()
    assert _dates(first) == (None, None)


def test_a_rolled_back_change_leaves_the_dates_as_they_were(two):
    first = two[0]
    _session(first, date(2026, 3, 2), SessionStatus.CONFIRMED, _at(date(2026, 3, 2)))
    db.session.commit()
    _session(first, date(2026, 4, 6), SessionStatus.CONFIRMED, _at(date(2026, 4, 6)))
    db.session.flush()
    db.session.rollback()
    assert _dates(first) == (date(2026, 3, 2), None)


def test_a_bulk_statement_on_sessions_recomputes_every_enrolment(two):
    first, second = two
    _session(first, date(2026, 3, 2), SessionStatus.LOGGED, _at(date(2026, 3, 2)))
    _session(second, date(2026, 3, 9), SessionStatus.LOGGED, _at(date(2026, 3, 9)))
    db.session.commit()
    db.session.execute(
        update(SupervisionSession)
        .where(SupervisionSession.status == SessionStatus.LOGGED)
        .values(status=SessionStatus.CONFIRMED)
    )
    db.session.commit()
    assert _dates(first) == (date(2026, 3, 2), None)
    assert _dates(second) == (date(2026, 3, 9), None)


def test_refresh_all_fills_what_a_bulk_load_left_empty(two):
    first = two[0]
    _session(first, date(2026, 3, 2), SessionStatus.CONFIRMED, _at(date(2026, 3, 2)))
    db.session.commit()
    db.session.execute(update(Enrolment).values(last_supervised_on=None))  # as COPY leaves it
    db.session.commit()
    assert _dates(first) == (None, None)
    supervision_dates.refresh_all(db.session.connection())
    db.session.commit()
    assert _dates(first) == (date(2026, 3, 2), None)


def _from_sessions(today: date, thresholds: Thresholds) -> dict[int, set[RiskReason]]:
    """The at-risk tests as they read the sessions themselves (before the dates were kept)."""
    since = today - timedelta(weeks=thresholds.supervision_weeks)
    waited = datetime.combine(
        today - timedelta(days=thresholds.unconfirmed_days), day_time.min, UTC
    )
    confirmed_recently = exists().where(
        SupervisionSession.enrolment_id == Enrolment.id,
        SupervisionSession.status == SessionStatus.CONFIRMED,
        SupervisionSession.held_on >= since,
    )
    waiting_long = exists().where(
        SupervisionSession.enrolment_id == Enrolment.id,
        SupervisionSession.status == SessionStatus.LOGGED,
        SupervisionSession.created_at < waited,
    )
    tests = {
        RiskReason.LATE: or_(
            Enrolment.expected_finish < today, Enrolment.stage_expected_end < today
        ),
        RiskReason.NO_SUPERVISION: and_(Enrolment.started_on < since, ~confirmed_recently),
        RiskReason.UNCONFIRMED: waiting_long,
    }
    found: dict[int, set[RiskReason]] = {}
    for reason, test in tests.items():
        ids = db.session.scalars(
            select(Enrolment.id).where(Enrolment.status == EnrolmentStatus.ACTIVE, test)
        )
        for key in ids:
            found.setdefault(key, set()).add(reason)
    return found


def test_the_at_risk_tests_find_what_the_sessions_say(ctx, schemes):
    """Trainees with every mix of sessions, judged on many days with two sets of thresholds:
    the kept dates give the same trainees, for the same reasons, as the sessions."""
    day = date(2026, 1, 5)
    for n in range(12):
        enrolment = enrolled_trainee(stage=1, started_on=STARTED + timedelta(days=7 * n))
        for k in range(n % 4):
            held = day + timedelta(days=23 * k + 5 * n)
            status = [SessionStatus.CONFIRMED, SessionStatus.LOGGED, SessionStatus.RETURNED][
                (n + k) % 3
            ]
            _session(enrolment, held, status, _at(held + timedelta(days=n % 3)))
    db.session.commit()
    seen: set[RiskReason] = set()
    for thresholds in (Thresholds(), Thresholds(supervision_weeks=3, unconfirmed_days=2)):
        for today in (date(2026, 2, 1) + timedelta(days=9 * i) for i in range(20)):
            kept = {
                row[0].id: set(reasons_of(row))
                for row in db.session.execute(at_risk(today, thresholds))
            }
            assert kept == _from_sessions(today, thresholds), today
            seen.update(*kept.values())
    assert seen == set(RiskReason)  # every test was put to the proof, not only found empty


def test_two_sessions_of_one_enrolment_decided_at_the_same_instant_leave_true_dates(
    committing_app,
):
    """Two transactions each confirm one waiting session of the same enrolment and commit at
    the same instant (PostgreSQL, real concurrent commits): the second to recompute waits for
    the first and reads its confirmation, so neither session still counts as waiting."""
    with committing_app.app_context():
        load_definitions(None, default_schemes_dir())
        enrolment = enrolled_trainee()
        first = _session(enrolment, date(2026, 3, 2), SessionStatus.LOGGED, _at(date(2026, 3, 2)))
        second = _session(enrolment, date(2026, 2, 2), SessionStatus.LOGGED, _at(date(2026, 2, 2)))
        db.session.commit()
        enrolment_id, ids = enrolment.id, (first.id, second.id)
    confirm_at_once(
        committing_app,
        ids,
        lambda connection: supervision_dates.refresh(connection, {enrolment_id}),
    )
    with committing_app.app_context():
        enrolment = db.session.get(Enrolment, enrolment_id)
        assert enrolment is not None
        assert (enrolment.last_supervised_on, enrolment.oldest_waiting_at) == (
            date(2026, 3, 2),
            None,
        )
