"""Two transactions confirming waiting supervision sessions at the same instant, the first
recomputing what is kept from them (and so locking its rows) a moment before it commits: what
the kept supervision figures must survive (PostgreSQL, real concurrent commits)."""

import threading
import time
from collections.abc import Callable, Sequence

from flask import Flask
from sqlalchemy import Connection

from app.extensions import db
from app.models import SessionStatus, SupervisionSession
from tests.threads import run_together


def confirm_at_once(
    app: Flask, session_ids: Sequence[int], recompute: Callable[[Connection], None]
) -> None:
    """Confirm the first session and `recompute` in one transaction, which then holds its
    locks for half a second before committing; meanwhile confirm the second in another."""
    holding = threading.Event()

    def confirm(session_id: int, hold: bool) -> None:
        with app.app_context():
            if not hold:
                assert holding.wait(timeout=10)
            session = db.session.get(SupervisionSession, session_id)
            assert session is not None
            session.status = SessionStatus.CONFIRMED
            db.session.flush()
            if hold:  # recompute now (locking its rows), commit a moment later
                recompute(db.session.connection())
                holding.set()
                time.sleep(0.5)
            db.session.commit()

    first, second = session_ids
    run_together(lambda: confirm(first, True), lambda: confirm(second, False))
