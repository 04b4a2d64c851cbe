"""Migration 0008 moves a filled audit log to the redactable chain, and refuses a broken one."""

import importlib.util
import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType, SimpleNamespace

import pytest
from alembic import command
from flask import Flask, current_app
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app import create_app
from app.extensions import db
from app.services.audit_chain import verify_chain

BEFORE = "0007_retention"
VERSIONS = Path(__file__).parent.parent / "migrations" / "versions"


def _revision() -> ModuleType:
    spec = importlib.util.spec_from_file_location("erasure_0008", VERSIONS / "0008_erasure.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


REVISION = _revision()


def _migrate(to: str, down: bool = False) -> None:
    """Alembic itself, so that errors are raised (Flask-Migrate turns them into an exit)."""
    db.session.remove()  # SQLite: no reading transaction may hold the file while it migrates
    settings = current_app.extensions["migrate"]
    config = settings.migrate.get_config(settings.directory)
    (command.downgrade if down else command.upgrade)(config, to)


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    """An app on its own empty SQLite database (the shared one is already at head)."""
    if os.environ.get("TEST_DATABASE_URL"):
        pytest.skip("builds its own SQLite database")
    application = create_app("test", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/m.db"})
    with application.app_context():
        _migrate(BEFORE)
        yield application
        db.session.remove()
        db.engine.dispose()


def _write_v1_log(states: list[dict[str, object]], break_at: int | None = None) -> None:
    """Entries as releases before 0008 wrote them (hash over the states)."""
    previous = REVISION.GENESIS
    for n, state in enumerate(states, start=1):
        at = datetime(2026, 11, 20, 9, n, tzinfo=UTC)
        row = SimpleNamespace(
            occurred_at=at,
            actor_id=None,
            action="test.v1",
            subject_type="test",
            subject_id=n,
            before=None,
            after=state,
        )
        digest = REVISION._hash_v1(previous, row)
        if n == break_at:
            digest = "f" * 64
        db.session.execute(
            text(
                "INSERT INTO audit_events (id, occurred_at, actor_id, action, subject_type, "
                "subject_id, before, after, prev_hash, hash) VALUES (:id, :at, NULL, "
                "'test.v1', 'test', :id, 'null', :after, :prev, :hash)"
            ),
            {
                "id": n,
                "at": at.strftime("%Y-%m-%d %H:%M:%S.%f"),
                "after": json.dumps(state),
                "prev": previous,
                "hash": digest,
            },
        )
        previous = digest
    db.session.commit()


def _v1_rows() -> list[object]:
    rows = REVISION._rows(db.session.connection())
    db.session.rollback()
    return rows


STATES = [{"n": 1}, {"name": "Łucja Żółć"}, {"nested": {"list": [1, 2.5, None]}}]


def test_an_existing_log_is_re_chained_and_verifies(app):
    _write_v1_log(STATES)
    _migrate("head")
    check = verify_chain()
    assert check.holds, check
    assert (check.entries, check.redacted) == (3, 0)
    salts = db.session.execute(text("SELECT payload_salt FROM audit_events")).scalars().all()
    assert len(set(salts)) == 3 and all(len(s) == 32 for s in salts)


def test_a_broken_log_stops_the_upgrade_and_changes_nothing(app):
    _write_v1_log(STATES, break_at=2)
    with pytest.raises(RuntimeError, match="broken at entry #2"):
        _migrate("head")
    version = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    assert version == BEFORE
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text("DELETE FROM audit_events"))


def test_downgrade_goes_back_to_the_first_rule_unless_entries_are_redacted(app):
    _write_v1_log(STATES)
    _migrate("head")
    _migrate(BEFORE, down=True)
    REVISION._verify_v1(_v1_rows())  # raises if the first rule does not hold
    _migrate("head")
    db.session.execute(
        text(
            "UPDATE audit_events SET redacted_at = CURRENT_TIMESTAMP, redacted_by_id = 3, "
            "before = NULL, after = NULL, payload_salt = NULL WHERE id = 1"
        )
    )
    db.session.commit()
    with pytest.raises(RuntimeError, match="1 audit entries are redacted"):
        _migrate(BEFORE, down=True)
