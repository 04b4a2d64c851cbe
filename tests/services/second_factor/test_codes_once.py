"""A one-time code sent twice at the same instant, by two requests with their own connections,
is accepted once (PostgreSQL: SQLite serialises writers itself). The claim is one conditional
UPDATE, so the second request waits on the first's row lock and then finds the code used."""

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pyotp
from flask import Flask
from sqlalchemy import func, select, text

from app.extensions import db
from app.models import AuditEvent, AuthenticatorApp, Role, User
from app.services.second_factor import authenticator, recovery
from app.services.second_factor.authenticator import Check
from tests.builders.people import make_user
from tests.threads import run_together

NOON = datetime(2026, 3, 2, 12, 0, 0, tzinfo=UTC)
STEP = timedelta(seconds=30)
ROUNDS = 5


def _code(secret: str, at: datetime) -> str:
    return pyotp.TOTP(secret).at(int(at.timestamp()))


def _at_once(app: Flask, user_id: int, attempt: Callable[[User], object]) -> list[object]:
    """Two threads, each with its own application context (so its own session and connection),
    make the same attempt at the same instant and commit; their answers."""
    start = threading.Barrier(2)
    answers: list[object] = []

    def attempt_and_commit() -> None:
        with app.app_context():
            user = db.session.get(User, user_id)
            start.wait(timeout=10)
            answer = attempt(user)
            db.session.commit()
            answers.append(answer)

    run_together(attempt_and_commit, attempt_and_commit)
    assert len(answers) == 2
    return answers


def _count(action: str) -> int:
    return db.session.scalar(select(func.count()).where(AuditEvent.action == action))


def test_the_same_authenticator_code_sent_twice_at_once_is_accepted_once(committing_app):
    with committing_app.app_context():
        user = make_user(Role.SUPERVISOR)
        secret = authenticator.begin(user)
        set_up_at = NOON - timedelta(days=1)
        authenticator.confirm(user, _code(secret, set_up_at), now=set_up_at)
        db.session.commit()
        user_id = user.id
    for n in range(ROUNDS):
        now = NOON + n * STEP
        code = _code(secret, now)
        answers = _at_once(
            committing_app, user_id, lambda u, c=code, t=now: authenticator.check(u, c, t)
        )
        assert sorted(a.value for a in answers) == ["accepted", "replayed"], f"round {n}"
    with committing_app.app_context():
        last = select(AuthenticatorApp.last_step).where(AuthenticatorApp.user_id == user_id)
        assert db.session.scalar(last) == int((NOON + (ROUNDS - 1) * STEP).timestamp()) // 30
        assert _count("second_factor.code_replayed") == ROUNDS


def test_the_same_recovery_code_sent_twice_at_once_works_once(committing_app):
    with committing_app.app_context():
        user = make_user(Role.SUPERVISOR)
        codes = recovery.issue(user)
        db.session.commit()
        user_id = user.id
    for code in codes[:ROUNDS]:
        answers = _at_once(committing_app, user_id, lambda u, c=code: recovery.use(u, c))
        assert sorted(answers) == [False, True], code
    with committing_app.app_context():
        assert recovery.remaining(db.session.get(User, user_id)) == 10 - ROUNDS
        assert _count("second_factor.recovery_code_used") == ROUNDS


def _someone_waits_for_a_lock(engine, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    with engine.connect() as watcher:
        while time.monotonic() < deadline:
            waiting = watcher.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            ).scalar()
            watcher.rollback()  # the activity view is a snapshot per transaction
            if waiting:
                return True
            time.sleep(0.05)
    return False


def test_a_second_check_waits_for_the_first_claim_then_reads_the_code_as_used(committing_app):
    """Made deterministic: the first request has claimed the step but not yet committed when
    the second checks the same code."""
    with committing_app.app_context():
        user = make_user(Role.SUPERVISOR)
        secret = authenticator.begin(user)
        set_up_at = NOON - timedelta(days=1)
        authenticator.confirm(user, _code(secret, set_up_at), now=set_up_at)
        db.session.commit()
        user_id, engine = user.id, db.engine
    code = _code(secret, NOON)
    answers: list[Check] = []

    def second() -> None:
        with committing_app.app_context():
            answers.append(authenticator.check(db.session.get(User, user_id), code, NOON))
            db.session.commit()

    with committing_app.app_context():
        assert authenticator.check(db.session.get(User, user_id), code, NOON) is Check.ACCEPTED
        other = threading.Thread(target=second)
        other.start()
        blocked = _someone_waits_for_a_lock(engine)
        db.session.commit()
    other.join(timeout=30)
    assert blocked, "the second claim should have waited for the first"
    assert answers == [Check.REPLAYED]
