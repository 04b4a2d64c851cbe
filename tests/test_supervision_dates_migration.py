"""Migration 0024 fills each enrolment's supervision dates from the sessions it already has (the
latest confirmed session's day, when the oldest waiting one was logged), and going down and up
again works."""

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import text

from app.extensions import db
from app.models import Role, SessionStatus, SupervisionSession
from app.services.schemes.files import default_schemes_dir
from app.services.schemes.loader import load_definitions
from tests.builders.migration_database import database_at, migrate
from tests.builders.people import enrolled_trainee, make_user

TARGET, BEFORE = "0024_supervision_dates", "0023_waiting_by_supervisor"


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    """An app on a database of its own at head."""
    with database_at("head", tmp_path) as application:
        yield application


def _dates() -> dict[int, tuple[object, object]]:
    rows = db.session.execute(
        text("SELECT id, last_supervised_on, oldest_waiting_at FROM enrolments")
    )
    return {row.id: (row.last_supervised_on, row.oldest_waiting_at) for row in rows}


def test_sessions_logged_before_fill_the_dates(app):
    load_definitions(None, default_schemes_dir())
    supervised, waiting, none = (enrolled_trainee() for _ in range(3))
    supervisor = make_user(Role.SUPERVISOR)
    for enrolment, held, status in (
        (supervised, date(2026, 2, 2), SessionStatus.CONFIRMED),
        (supervised, date(2026, 3, 2), SessionStatus.CONFIRMED),
        (supervised, date(2026, 4, 6), SessionStatus.RETURNED),
        (waiting, date(2026, 2, 9), SessionStatus.LOGGED),
        (waiting, date(2026, 3, 9), SessionStatus.LOGGED),
    ):
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
    expected = _dates()
    assert str(expected[supervised.id][0]) == "2026-03-02"
    assert expected[waiting.id][0] is None and expected[waiting.id][1] is not None
    assert expected[none.id] == (None, None)
    migrate(BEFORE, down=True)
    migrate(TARGET)
    assert _dates() == expected  # filled by the migration as the sessions' changes had kept them
    migrate(BEFORE, down=True)
    migrate(TARGET)
    assert _dates() == expected
