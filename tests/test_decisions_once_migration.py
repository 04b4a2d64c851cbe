"""Migration 0013 makes one certificate of an enrolment current at most: twins an earlier race
left behind are superseded by the newest (audited in the chain), then the database refuses a
second current certificate; going down and up again works."""

import importlib.util
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from types import ModuleType

import pytest
from flask import Flask
from sqlalchemy import bindparam, select, text
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import AuditEvent
from app.models.base import UTCDateTime
from app.services.audit_chain import verify_chain
from app.services.schemes.files import default_schemes_dir
from app.services.schemes.loader import load_definitions
from tests.builders.migration_database import database_at, migrate
from tests.builders.renewal import NO_RENEWAL, accredited

VERSIONS = Path(__file__).parent.parent / "migrations" / "versions"
TARGET = "0013_decisions_once"


def _revision() -> ModuleType:
    spec = importlib.util.spec_from_file_location("once_0013", VERSIONS / f"{TARGET}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BEFORE = _revision().down_revision


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    """An app on a database of its own at the revision before."""
    with database_at(BEFORE, tmp_path) as application:
        yield application


def _twin(of_id: int, number: str, later: int) -> None:
    """Another current certificate of the same enrolment, as a race left them before 0013.
    Written in SQL: today's model has columns that later revisions added."""
    issued_at = db.session.execute(
        text("SELECT issued_at FROM certificates WHERE id = :id").columns(issued_at=UTCDateTime()),
        {"id": of_id},
    ).scalar_one()
    db.session.execute(
        text(
            "INSERT INTO certificates (public_id, number, issued_at, enrolment_id, holder_name,"
            " body, scheme_title, scheme_version, accredited_on, supervisor_name, assessor_name,"
            " expires_on, evidence_digest, issued_by_id, listed, revoke_reason)"
            " SELECT :public_id, :number, :issued_at, enrolment_id, holder_name, body,"
            " scheme_title, scheme_version, accredited_on, supervisor_name, assessor_name,"
            " expires_on, evidence_digest, issued_by_id, listed, '' FROM certificates"
            " WHERE id = :id"
        ).bindparams(bindparam("issued_at", type_=UTCDateTime())),
        {
            "public_id": f"twin-{number}",
            "number": number,
            "issued_at": issued_at + timedelta(seconds=later),
            "id": of_id,
        },
    )


def _id_of(number: str) -> int:
    found = text("SELECT id FROM certificates WHERE number = :number")
    return int(db.session.execute(found, {"number": number}).scalar_one())


def _states() -> dict[str, tuple[str | None, bool]]:
    """Each certificate's number → (the number superseding it, revoked)."""
    rows = db.session.execute(
        text(
            "SELECT c.number, s.number AS by, c.revoked_at IS NOT NULL AS revoked "
            "FROM certificates c LEFT JOIN certificates s ON s.id = c.superseded_by_id"
        )
    )
    return {row.number: (row.by, bool(row.revoked)) for row in rows}


@pytest.fixture
def twins(app: Flask) -> dict[str, str]:
    """Three current certificates of one enrolment (issued, then two twins) and a revoked one
    of another, committed at the revision before."""
    # The builders write through today's models, whose tables later revisions changed (films
    # gained columns): the accredited enrolments are made at head, then the database is taken
    # back to the revision before, where twins could still be written.
    migrate("head")
    load_definitions(None, default_schemes_dir())
    first_id, other_id = (accredited(NO_RENEWAL).certificate.id for _ in range(2))
    db.session.commit()
    migrate(BEFORE, down=True)
    first_number = db.session.execute(
        text("SELECT number FROM certificates WHERE id = :id"), {"id": first_id}
    ).scalar_one()
    _twin(first_id, "TWIN-0002", later=2)
    _twin(first_id, "TWIN-0001", later=1)
    _twin(other_id, "GONE-0001", later=1)
    db.session.execute(
        text("UPDATE certificates SET revoked_at = issued_at WHERE id = :id"),
        {"id": _id_of("GONE-0001")},
    )
    db.session.commit()
    return {"first": first_number}


def test_the_newest_twin_stays_current_and_the_others_are_superseded_audited(app, twins):
    before = _states()
    migrate(TARGET)
    after = _states()
    assert after[twins["first"]] == ("TWIN-0002", False)
    assert after["TWIN-0001"] == ("TWIN-0002", False)
    assert after["TWIN-0002"] == (None, False)
    unchanged = {n for n in before if n not in (twins["first"], "TWIN-0001")}
    assert {n: after[n] for n in unchanged} == {n: before[n] for n in unchanged}
    entries = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "certificate.superseded_at_upgrade")
    ).all()
    assert sorted(e.before["number"] for e in entries) == sorted([twins["first"], "TWIN-0001"])
    assert {e.after["superseded_by"] for e in entries} == {"TWIN-0002"}
    assert verify_chain().holds


def test_after_the_upgrade_a_second_current_certificate_is_refused(app, twins):
    migrate(TARGET)
    current_id = _id_of("TWIN-0002")
    with pytest.raises(IntegrityError):
        _twin(current_id, "TWIN-0003", later=3)
    db.session.rollback()
    migrate(BEFORE, down=True)
    _twin(current_id, "TWIN-0003", later=3)  # no index below
    db.session.commit()
    migrate(TARGET)
    assert _states()["TWIN-0002"] == ("TWIN-0003", False)
    assert verify_chain().holds
