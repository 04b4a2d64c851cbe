"""The audit log is a hash chain: editing or removing any entry is detected."""

import functools
import threading
from itertools import pairwise

from sqlalchemy import select, text

from app.extensions import db
from app.models import AuditEvent, Role
from app.services import audit
from app.services.audit_chain import GENESIS, verify_chain
from tests.builders.people import make_user
from tests.threads import run_together


def _lift_append_only_guard() -> None:
    """What someone with database access could do (undone when the test's transaction ends)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only")
        )
    else:
        db.session.execute(text("DROP TRIGGER audit_events_no_update"))
        db.session.execute(text("DROP TRIGGER audit_events_no_delete"))


def _three_entries() -> list[AuditEvent]:
    actor = make_user(Role.COORDINATOR)
    for n in range(3):
        audit.record(actor, "test.step", "test", n, {"n": n}, {"n": n + 1, "name": "Łucja"})
    return list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def test_each_entry_carries_the_hash_of_the_one_before(ctx):
    events = _three_entries()
    assert events[0].prev_hash == GENESIS
    for earlier, later in pairwise(events):
        assert later.prev_hash == earlier.hash
    check = verify_chain()
    assert check.holds and check.entries == len(events)


def test_editing_an_entry_behind_the_applications_back_is_detected(ctx):
    events = _three_entries()
    target = events[-2]
    db.session.flush()
    _lift_append_only_guard()
    db.session.execute(
        text("UPDATE audit_events SET action = 'test.innocent' WHERE id = :id"), {"id": target.id}
    )
    db.session.expire_all()
    check = verify_chain()
    assert not check.holds
    assert check.broken_at == target.id
    assert "content" in check.reason


def test_removing_an_entry_is_detected_at_the_next_one(ctx):
    events = _three_entries()
    _lift_append_only_guard()
    db.session.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": events[-2].id})
    db.session.expire_all()
    check = verify_chain()
    assert check.broken_at == events[-1].id
    assert "previous-hash" in check.reason


def test_the_command_exits_non_zero_naming_the_broken_entry(app):
    runner = app.test_cli_runner()
    with app.app_context():
        events = _three_entries()
        db.session.commit()
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
    with app.app_context():
        _lift_append_only_guard()
        db.session.execute(
            text("UPDATE audit_events SET after = NULL WHERE id = :id"), {"id": events[0].id}
        )
        db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"BROKEN at audit entry #{events[0].id}" in result.output


def test_simultaneous_appends_never_fork_the_chain(committing_app):
    writers, per_writer = 4, 15
    start = threading.Barrier(writers)

    def write(n: int) -> None:
        with committing_app.app_context():
            start.wait(timeout=10)
            for i in range(per_writer):
                audit.record(None, "test.concurrent", "test", n * 100 + i, after={"i": i})
                db.session.commit()

    run_together(*(functools.partial(write, n) for n in range(writers)))
    with committing_app.app_context():
        check = verify_chain()
    assert check.holds, check
    assert check.entries == writers * per_writer
