"""Migration 0024 fills each enrolment's supervision dates from the sessions it already has (the
latest confirmed session's day, when the oldest waiting one was logged), migration 0026 each
person's sessions to confirm (how many wait on them, when the oldest was logged); going down and
up again works."""

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import text

from app.extensions import db
from app.models import Enrolment, Role, SessionStatus, SupervisionSession, User
from app.services.schemes.files import default_schemes_dir
from app.services.schemes.loader import load_definitions
from tests.builders.migration_database import database_at, migrate
from tests.builders.people import enrolled_trainee, make_user

DATES, BEFORE_DATES = "0024_supervision_dates", "0023_waiting_by_supervisor"
COUNTS, BEFORE_COUNTS = "0026_sessions_to_confirm", "0025_meetings_by_status_and_time"


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    """An app on a database of its own at head."""
    with database_at("head", tmp_path) as application:
        yield application


def _read(sql: str) -> dict[int, tuple[object, object]]:
    return {row[0]: (row[1], row[2]) for row in db.session.execute(text(sql))}


def _dates() -> dict[int, tuple[object, object]]:
    return _read("SELECT id, last_supervised_on, oldest_waiting_at FROM enrolments")


def _counts() -> dict[int, tuple[object, object]]:
    return _read("SELECT id, sessions_to_confirm, oldest_to_confirm_at FROM users")


def _logged(sessions: list[tuple[Enrolment, User, date, SessionStatus]]) -> None:
    """These sessions, each logged at 18:00 of its day, committed."""
    for enrolment, supervisor, held, status in sessions:
        db.session.add(
            SupervisionSession(
                enrolment=enrolment,
                supervisor=supervisor,
                held_on=held,
                minutes=60,
                status=status,
                created_at=datetime(held.year, held.month, held.day, 18, tzinfo=UTC),
            )
        )
    db.session.commit()


def _filled_again(target: str, before: str, read) -> None:
    """Down below the migration and up through it, twice: what it fills is what the sessions'
    changes had kept."""
    expected = read()
    for _ in range(2):
        migrate(before, down=True)
        migrate(target)
        assert read() == expected


def test_sessions_logged_before_fill_the_dates(app):
    load_definitions(None, default_schemes_dir())
    supervised, waiting, none = (enrolled_trainee() for _ in range(3))
    supervisor = make_user(Role.SUPERVISOR)
    _logged(
        [
            (supervised, supervisor, date(2026, 2, 2), SessionStatus.CONFIRMED),
            (supervised, supervisor, date(2026, 3, 2), SessionStatus.CONFIRMED),
            (supervised, supervisor, date(2026, 4, 6), SessionStatus.RETURNED),
            (waiting, supervisor, date(2026, 2, 9), SessionStatus.LOGGED),
            (waiting, supervisor, date(2026, 3, 9), SessionStatus.LOGGED),
        ]
    )
    expected = _dates()
    assert str(expected[supervised.id][0]) == "2026-03-02"
    assert expected[waiting.id][0] is None and expected[waiting.id][1] is not None
    assert expected[none.id] == (None, None)
    _filled_again(DATES, BEFORE_DATES, _dates)


def test_sessions_logged_before_fill_the_counts(app):
    load_definitions(None, default_schemes_dir())
    enrolment = enrolled_trainee()
    waited_on, decided, nobody = (make_user(Role.SUPERVISOR) for _ in range(3))
    _logged(
        [
            (enrolment, waited_on, date(2026, 2, 9), SessionStatus.LOGGED),
            (enrolment, waited_on, date(2026, 3, 9), SessionStatus.LOGGED),
            (enrolment, waited_on, date(2026, 4, 6), SessionStatus.CONFIRMED),
            (enrolment, decided, date(2026, 2, 2), SessionStatus.CONFIRMED),
            (enrolment, decided, date(2026, 3, 2), SessionStatus.RETURNED),
        ]
    )
    expected = _counts()
    assert expected[waited_on.id][0] == 2 and expected[waited_on.id][1] is not None
    assert expected[decided.id] == expected[nobody.id] == (0, None)
    _filled_again(COUNTS, BEFORE_COUNTS, _counts)
