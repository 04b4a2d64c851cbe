"""Migration 0026 fills each person's sessions to confirm from the sessions already waiting on
them (how many, when the oldest was logged), and going down and up again works."""

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

TARGET, BEFORE = "0026_sessions_to_confirm", "0025_meetings_by_status_and_time"


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    """An app on a database of its own at head."""
    with database_at("head", tmp_path) as application:
        yield application


def _counts() -> dict[int, tuple[object, object]]:
    rows = db.session.execute(
        text("SELECT id, sessions_to_confirm, oldest_to_confirm_at FROM users")
    )
    return {row.id: (row.sessions_to_confirm, row.oldest_to_confirm_at) for row in rows}


def test_sessions_logged_before_fill_the_counts(app):
    load_definitions(None, default_schemes_dir())
    enrolment = enrolled_trainee()
    waited_on, decided, nobody = (make_user(Role.SUPERVISOR) for _ in range(3))
    for supervisor, held, status in (
        (waited_on, date(2026, 2, 9), SessionStatus.LOGGED),
        (waited_on, date(2026, 3, 9), SessionStatus.LOGGED),
        (waited_on, date(2026, 4, 6), SessionStatus.CONFIRMED),
        (decided, date(2026, 2, 2), SessionStatus.CONFIRMED),
        (decided, date(2026, 3, 2), SessionStatus.RETURNED),
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
    expected = _counts()
    assert expected[waited_on.id][0] == 2 and expected[waited_on.id][1] is not None
    assert expected[decided.id] == expected[nobody.id] == (0, None)
    migrate(BEFORE, down=True)
    migrate(TARGET)
    assert _counts() == expected  # filled by the migration as the sessions' changes had kept them
    migrate(BEFORE, down=True)
    migrate(TARGET)
    assert _counts() == expected
