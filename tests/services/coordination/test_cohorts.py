"""Cohort names: one name however it is cased or composed, in every script, checked by the
service and held by the database (also when two are saved at the same instant)."""

import threading
import time

import pytest
from sqlalchemy import select, text

from app.errors import RuleViolation
from app.extensions import db
from app.models import AuditEvent, Cohort, CohortKind, Role
from app.services.coordination import cohorts
from tests.builders.people import make_user
from tests.builders.web import client_as

SAME = [
    ("Ωμέγα", "ωμέγα"),
    ("ΩΜΈΓΑΣ", "ωμέγας"),  # final sigma
    ("Straße", "STRASSE"),
    ("ﬁsh course", "FISH COURSE"),  # a ligature, by compatibility
    ("Café", "Cafe\u0301"),  # composed and decomposed
    ("Leeds  spring", " leeds spring "),
    ("Дмитрий", "ДМИТРИЙ"),
    ("rtl \u202egnp", "RTL GNP"),
]


@pytest.mark.parametrize(("first", "second"), SAME)
def test_a_name_differing_only_in_case_or_form_is_refused(ctx, first, second):
    coordinator = make_user(Role.COORDINATOR)
    cohorts.create_cohort(coordinator, first, CohortKind.COURSE, "")
    with pytest.raises(RuleViolation) as refused, db.session.begin_nested():
        cohorts.create_cohort(coordinator, second, CohortKind.REGION, "")
    assert (refused.value.field, refused.value.message) == (
        "name",
        "Another cohort already has this name.",
    )


def test_different_names_live_side_by_side_with_their_keys(ctx):
    coordinator = make_user(Role.COORDINATOR)
    one = cohorts.create_cohort(coordinator, "Ωμέγα  Leeds", CohortKind.COURSE, "")
    two = cohorts.create_cohort(coordinator, "Ωμέγα Leeds 2", CohortKind.COURSE, "")
    assert (one.name, one.name_key) == ("Ωμέγα Leeds", "ωμέγα leeds")
    assert two.name_key == "ωμέγα leeds 2"


def test_a_cohort_may_be_recased_but_not_renamed_to_anothers_name(ctx):
    coordinator = make_user(Role.COORDINATOR)
    omega = cohorts.create_cohort(coordinator, "Ωμέγα", CohortKind.COURSE, "")
    cohorts.create_cohort(coordinator, "Alpha", CohortKind.COURSE, "")
    cohorts.update_cohort(coordinator, omega, "ΩΜΈΓΑ", CohortKind.REGION, "")
    assert (omega.name, omega.name_key) == ("ΩΜΈΓΑ", "ωμέγα")
    with pytest.raises(RuleViolation, match="already has this name"), db.session.begin_nested():
        cohorts.update_cohort(coordinator, omega, "ALPHA", CohortKind.REGION, "")
    updated = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "cohort.updated")
    ).all()
    assert [e.after["name"] for e in updated] == ["ΩΜΈΓΑ"]


def test_the_database_holds_each_name_key_once(ctx):
    coordinator = make_user(Role.COORDINATOR)
    cohorts.create_cohort(coordinator, "Leeds", CohortKind.COURSE, "")
    with pytest.raises(Exception, match=r"(?i)unique"), db.session.begin_nested():
        db.session.add(Cohort(name="LEEDS", name_key="leeds", kind=CohortKind.COURSE))
        db.session.flush()


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


def test_a_duplicate_saved_at_the_same_instant_gets_the_message_not_an_error(committing_app):
    with committing_app.app_context():
        make_user(Role.COORDINATOR, email="cora@example.org")
        db.session.commit()
        engine = db.engine
    client = client_as(committing_app, "cora@example.org")
    # Another coordinator's "Ωμέγα" is saved but not yet committed: the check cannot see it.
    other = engine.connect()
    other.execute(
        text(
            "INSERT INTO cohorts (name, name_key, kind, description, created_at) "
            "VALUES ('Ωμέγα', 'ωμέγα', 'course', '', now())"
        )
    )
    answers = []
    post = threading.Thread(
        target=lambda: answers.append(
            client.post("/cohorts/new", data={"name": "ωμέγα", "kind": "region"})
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
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="name-error"><span>Another cohort already has this name.' in page
    with committing_app.app_context():
        assert db.session.scalars(select(Cohort.name)).all() == ["Ωμέγα"]
