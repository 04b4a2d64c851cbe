"""One current certificate per enrolment, held by the database: a second that gets past the
services' checks (a race the row lock did not catch) is refused with the service's message,
never an error; a re-issue or renewal never leaves two current, even for an instant."""

import threading
import time

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from app.errors import RuleViolation
from app.extensions import db
from app.models import AuditEvent, Certificate, Enrolment, User
from app.services.certificates import issuing
from app.services.schemes.files import default_schemes_dir
from app.services.schemes.loader import load_definitions
from tests.builders.web import client_as
from tests.live import race_world
from tests.live.race_world import Crew


@pytest.fixture
def crew(ctx) -> Crew:
    load_definitions(None, default_schemes_dir())
    return race_world.crew()


def _current(enrolment_id: int) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Certificate)
        .where(
            Certificate.enrolment_id == enrolment_id,
            Certificate.revoked_at.is_(None),
            Certificate.superseded_by_id.is_(None),
        )
    )


def test_the_database_holds_one_current_certificate_per_enrolment(crew):
    enrolment_id, certificate_id = race_world.certified(crew)
    first = db.session.get(Certificate, certificate_id)
    copied = (
        "enrolment_id",
        "holder_name",
        "body",
        "scheme_title",
        "scheme_version",
        "accredited_on",
        "supervisor_name",
        "assessor_name",
        "evidence_digest",
        "issued_by_id",
    )
    twin = Certificate(
        **{column: getattr(first, column) for column in copied},
        public_id="twin",
        number="TWIN-0001",
    )
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(twin)
        db.session.flush()
    assert _current(enrolment_id) == 1


def test_a_second_issue_past_a_stale_check_gets_the_message_not_an_error(crew, monkeypatch):
    enrolment_id, _certificate_id = race_world.certified(crew)
    real = issuing.current_certificate
    calls = []

    def stale_once(enrolment: Enrolment) -> Certificate | None:
        """The check as a racing request saw it: before the other's certificate committed."""
        calls.append(enrolment.id)
        return None if len(calls) == 1 else real(enrolment)

    monkeypatch.setattr(issuing, "current_certificate", stale_once)
    coordinator = db.session.get(User, crew.coordinator_id)
    enrolment = db.session.get(Enrolment, enrolment_id)
    with pytest.raises(RuleViolation, match="A certificate is already issued"):
        issuing.issue(coordinator, enrolment, "Pat Practitioner", False)
    assert len(calls) == 2
    assert _current(enrolment_id) == 1  # and the transaction is still usable


def test_reissue_and_renew_leave_one_current_certificate(ctx):
    load_definitions(None, default_schemes_dir())
    certificate_id = race_world.renewable()
    certificate = db.session.get(Certificate, certificate_id)
    assert certificate is not None
    coordinator = certificate.issued_by
    renamed = issuing.reissue(coordinator, certificate, "Pat Renamed")
    assert _current(certificate.enrolment_id) == 1
    assert certificate.superseded_by_id == renamed.id  # not itself: the placeholder is gone
    with pytest.raises(RuleViolation, match="already replaced by a newer one"):
        issuing.revoke(coordinator, certificate, "Old document")
    assert certificate.revoked_at is None


def _waiting_for_a_lock(connection, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        waiting = connection.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
        ).scalar()
        connection.rollback()  # the activity view is a snapshot per transaction
        if waiting:
            return True
        time.sleep(0.05)
    return False


def test_an_issue_racing_past_the_lock_waits_on_the_index_then_reads_why(committing_app):
    """Another transaction's certificate, inserted but not committed, is invisible to the
    check: the page's insert waits on the unique index, then is refused with the message."""
    with committing_app.app_context():
        load_definitions(None, default_schemes_dir())
        crew = race_world.crew()
        enrolment_id = race_world.ratified_enrolment(crew)
        db.session.commit()
        engine = db.engine
    assert engine.dialect.name == "postgresql"
    other = engine.connect()
    other.execute(
        text(
            "INSERT INTO certificates (public_id, number, enrolment_id, holder_name, body, "
            "scheme_title, scheme_version, accredited_on, supervisor_name, assessor_name, "
            "evidence_digest, issued_at, issued_by_id, listed, revoke_reason) VALUES ('other', "
            "'OTHR-0001', :e, 'Pat', 'AVIGuk', 'VIG', '1', now(), '', '', '', now(), :c, false, "
            "'')"
        ),
        {"e": enrolment_id, "c": crew.coordinator_id},
    )
    client = client_as(committing_app, crew.coordinators[1])
    answers = []
    post = threading.Thread(
        target=lambda: answers.append(
            client.post(
                f"/enrolments/{enrolment_id}/certificates",
                data={"holder_name": "Pat Practitioner"},
                follow_redirects=True,
            )
        )
    )
    post.start()
    with engine.connect() as watcher:
        blocked = _waiting_for_a_lock(watcher)
    other.commit()
    other.close()
    post.join(timeout=30)
    assert blocked, "the second insert should have waited for the first"
    [response] = answers
    assert response.status_code == 200
    assert "A certificate is already issued" in response.get_data(as_text=True)
    with committing_app.app_context():
        assert _current(enrolment_id) == 1
        issued = select(func.count()).where(AuditEvent.action == "certificate.issued")
        # The other transaction wrote its row directly; the refused request audited nothing.
        assert db.session.scalar(issued) == 0
