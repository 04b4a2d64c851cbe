"""Redacting audit entries: the chain still verifies, the database allows nothing but a proper
redaction, and a redaction nobody recorded (or any other tampering) is detected."""

from dataclasses import dataclass

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app.extensions import db
from app.models import AuditEvent, Role
from app.services import audit
from app.services.audit_chain import REDACTIONS_KEY, payload_digest, verify_chain
from tests.builders.people import make_user


@dataclass
class Log:
    """Ids of a small log: `redacted` was redacted by `erasure`, `plain` was not."""

    plain: int
    redacted: int
    erasure: int
    later: int


@pytest.fixture
def log(ctx) -> Log:
    actor = make_user(Role.COORDINATOR)
    plain = audit.record(actor, "test.kept", "test", 1, {"n": 1}, {"n": 2})
    private = audit.record(actor, "test.private", "user", 2, None, {"name": "Łucja Żółć"})
    erasure = audit.record(actor, "person.erased", "user", 2, after={REDACTIONS_KEY: 1})
    audit.redact([private.id], erasure)
    later = audit.record(actor, "test.later", "test", 3, after={"n": 3})
    return Log(plain.id, private.id, erasure.id, later.id)


def _entry(entry_id: int) -> AuditEvent:
    return db.session.get(AuditEvent, entry_id)


def _run(statement: str, **values: object) -> None:
    db.session.execute(text(statement), values)
    db.session.expire_all()


def _lift_append_only_guard() -> None:
    """What someone with database access could do (undone when the test's transaction ends)."""
    if db.session.get_bind().dialect.name == "postgresql":
        _run("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only")
    else:
        _run("DROP TRIGGER audit_events_no_update")
        _run("DROP TRIGGER audit_events_no_delete")


def test_a_redacted_entry_keeps_what_happened_but_not_the_states(log):
    entry = _entry(log.redacted)
    assert entry.redacted and entry.redacted_by_id == log.erasure
    assert entry.before is None and entry.after is None and entry.payload_salt is None
    assert entry.action == "test.private" and entry.subject_id == 2
    check = verify_chain()
    assert check.holds, check
    assert (check.entries, check.redacted) == (4, 1)


def test_the_recording_entry_must_state_how_many_it_redacts(ctx):
    first = audit.record(None, "test.a", "test", 1, after={"n": 1})
    second = audit.record(None, "test.b", "test", 2, after={"n": 2})
    says_none = audit.record(None, "person.erased", "user", 1, after={"reason": "x"})
    with pytest.raises(ValueError, match="how many"):
        audit.redact([first.id], says_none)
    says_two = audit.record(None, "person.erased", "user", 1, after={REDACTIONS_KEY: 2})
    with pytest.raises(ValueError, match="older"):
        audit.redact([first.id, says_two.id + 1], says_two)
    assert audit.redact([first.id, second.id], says_two) == 2
    assert verify_chain().holds


# A proper redaction, but for who records it.
REDACTION = "redacted_at = CURRENT_TIMESTAMP, before = NULL, after = NULL, payload_salt = NULL"
# Each is refused by the database, whatever the application does: (which entry, SET clause),
# and None for DELETE.
FORBIDDEN = {
    "change a redacted entry's hash": ("redacted", "hash = 'x'"),
    "change a redacted entry's digest": ("redacted", "payload_digest = 'x'"),
    "un-redact an entry": ("redacted", "redacted_at = NULL, redacted_by_id = NULL"),
    "redact an entry twice": ("redacted", "redacted_at = CURRENT_TIMESTAMP"),
    "delete a redacted entry": ("redacted", None),
    "change an entry": ("plain", "action = 'test.innocent'"),
    "redact but keep a state": (
        "plain",
        "redacted_at = CURRENT_TIMESTAMP, before = NULL, after = '{}', payload_salt = NULL, "
        "redacted_by_id = :later",
    ),
    "redact and rewrite": ("plain", f"{REDACTION}, action = 'x', redacted_by_id = :later"),
    "redact without a later entry": ("plain", f"{REDACTION}, redacted_by_id = :id"),
    "redact without saying by whom": ("plain", REDACTION),
    "delete an entry": ("plain", None),
}


@pytest.mark.parametrize("change", FORBIDDEN, ids=list(FORBIDDEN))
def test_the_database_refuses_every_change_but_a_redaction(log, change):
    which, assignments = FORBIDDEN[change]
    statement = (
        f"UPDATE audit_events SET {assignments} WHERE id = :id"
        if assignments
        else "DELETE FROM audit_events WHERE id = :id"
    )
    values = {"id": getattr(log, which), "later": log.later}
    with pytest.raises(DBAPIError, match="append-only"), db.session.begin_nested():
        db.session.execute(text(statement), values)
    assert verify_chain().holds


def test_a_redaction_nobody_recorded_is_detected(log):
    """The database lets a well-formed redaction through: the chain then names it."""
    _run(
        f"UPDATE audit_events SET {REDACTION}, redacted_by_id = :by WHERE id = :id",
        id=log.plain,
        by=log.erasure,
    )
    check = verify_chain()
    assert not check.holds
    assert check.broken_at == log.plain
    assert f"entry #{log.erasure} records 1 redactions, but 2 redacted entries name it" in (
        check.reason
    )


def test_a_changed_digest_of_a_redacted_entry_is_detected(log):
    _lift_append_only_guard()
    _run("UPDATE audit_events SET payload_digest = :d WHERE id = :id", d="0" * 64, id=log.redacted)
    check = verify_chain()
    assert check.broken_at == log.redacted and "hash" in check.reason


def test_states_put_back_into_a_redacted_entry_are_detected(log):
    _lift_append_only_guard()
    _run(
        "UPDATE audit_events SET redacted_at = NULL, redacted_by_id = NULL, payload_salt = :s, "
        "after = :a WHERE id = :id",
        s="0" * 32,
        a='{"name": "Someone Else"}',
        id=log.redacted,
    )
    check = verify_chain()
    assert check.broken_at == log.redacted and "digest" in check.reason


def test_a_redacted_entry_that_still_holds_states_is_detected(log):
    _lift_append_only_guard()
    _run("UPDATE audit_events SET after = :a WHERE id = :id", a='{"n": 1}', id=log.redacted)
    check = verify_chain()
    assert check.broken_at == log.redacted and "still holds" in check.reason


def test_hiding_the_recording_entry_is_detected(log):
    _lift_append_only_guard()
    _run(
        f"UPDATE audit_events SET {REDACTION}, redacted_by_id = :by WHERE id = :id",
        id=log.erasure,
        by=log.later,
    )
    check = verify_chain()
    assert not check.holds and check.broken_at == log.redacted


def test_an_ordinary_entrys_states_still_match_their_digest(log):
    entry = _entry(log.plain)
    assert entry.payload_digest == payload_digest(entry.payload_salt, entry.before, entry.after)
    _lift_append_only_guard()
    _run("UPDATE audit_events SET after = :a WHERE id = :id", a='{"n": 3}', id=log.plain)
    check = verify_chain()
    assert check.broken_at == log.plain and "digest" in check.reason


def test_the_command_counts_redacted_entries(app, log):
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "4 entries verified (1 redacted by erasures)" in result.output
