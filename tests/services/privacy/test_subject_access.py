"""Subject access: a person's own data, all of it, and nobody else's."""

import json

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import CaseSetting, Enrolment, PortfolioDocument, PortfolioStatus, User
from app.services.evidence import cases, reflections
from app.services.people import accounts
from app.services.portfolio.gather import digest_of, gather
from app.services.privacy import subject_access
from app.subject_access.archive import gather_archive
from tests.builders.people import enrolled_trainee
from tests.builders.portfolio import HOLDER, LABEL, PRIVATE, SHARED, build_portfolio_world
from tests.builders.signoff import TODAY

SUPERVISOR_PRIVATE = "Supervisor's private reflection: never for the trainee"


@pytest.fixture
def world(ctx, schemes):
    world = build_portfolio_world()
    enrolment = db.session.get(Enrolment, world.enrolment)
    supervisor = accounts.find_user_by_email(world.supervisor)
    reflections.write_reflection(
        supervisor, enrolment, TODAY, "Sup", SUPERVISOR_PRIVATE, True, TODAY
    )
    other = enrolled_trainee()
    other_case = cases.create_case(
        other.trainee, other, CaseSetting.SCHOOL, "", "", "", TODAY, None, TODAY
    )
    world.other_code = other_case.code
    return world


def _export(email: str) -> tuple[dict, str]:
    data = subject_access.export_for(accounts.find_user_by_email(email), TODAY)
    return data, json.dumps(data, ensure_ascii=False)


def test_a_trainee_gets_their_account_and_their_evidence(world):
    data, _ = _export(world.trainee)
    assert data["account"]["email"] == world.trainee
    assert data["account"]["name"] == HOLDER
    assert data["account"]["roles"] == ["trainee"]
    [enrolment] = data["enrolments"]
    evidence = enrolment["evidence"]
    assert sorted(c["code"] for c in evidence["cases"]) == sorted(world.case_codes)
    assert LABEL in [c["label"] for c in evidence["cases"]]  # their own name for the case
    assert len(evidence["films"]) == 6 and evidence["films"][0]["footage_kept_at"] == "drive"
    assert [m["status"] for m in evidence["meetings"]] == ["ratified"]
    assert len(evidence["sessions"]) == 7 and evidence["consents"]
    assert [s["starts_on"] for s in enrolment["supervisors"]] == ["2026-01-05"]
    bodies = {r["body"]: r for r in evidence["reflections"]}
    assert bodies[PRIVATE]["private"] and bodies[PRIVATE]["yours"]  # their private one too
    assert SHARED in bodies
    actions = {e["action"] for e in data["your_audit_entries"]}
    assert {"case.created", "reflection.written", "meeting.requested"} <= actions


def test_a_trainee_gets_nobody_elses_data(world):
    _, text = _export(world.trainee)
    assert world.other_code not in text  # another trainee's case
    assert SUPERVISOR_PRIVATE not in text  # a supervisor's private reflection
    assert "scrypt" not in text  # never the password's hash


def test_a_supervisor_gets_their_own_notes_but_not_the_trainees_evidence(world):
    data, text = _export(world.supervisor)
    assert data["enrolments"] == []
    other = data["as_other_party"]
    assert len(other["sessions_supervised"]) == 7
    assert "Supervisor reflection: good attunement" in text  # their own words
    assert [r["body"] for r in other["reflections_written"]] == [SUPERVISOR_PRIVATE]
    assert [r["comment"] for r in other["ratings_given"]] == ["Sup: solid"]
    for code in world.case_codes:
        assert code not in text
    assert PRIVATE not in text and SHARED not in text and LABEL not in text


def test_an_assessor_gets_the_meetings_they_assessed(world):
    data, text = _export(world.assessor)
    [meeting] = data["as_other_party"]["meetings_assessed"]
    assert meeting["status"] == "ratified" and meeting["held_on"] == TODAY.isoformat()
    for code in world.case_codes:
        assert code not in text


def test_the_export_is_audited_with_who_made_it(world):
    person = accounts.find_user_by_email(world.trainee)
    coordinator = accounts.find_user_by_email(world.coordinator)
    event = subject_access.record_export(coordinator, person, 1)
    assert (event.actor_id, event.subject_type, event.subject_id) == (
        coordinator.id,
        "user",
        person.id,
    )
    assert event.after == {"by_self": False, "portfolios": 1}


def test_a_ready_cached_portfolio_is_reused(world):
    enrolment = db.session.get(Enrolment, world.enrolment)
    trainee = db.session.scalar(select(User).where(User.email == world.trainee))
    document = PortfolioDocument(
        enrolment=enrolment,
        inputs_digest=digest_of(gather(enrolment, TODAY)),
        status=PortfolioStatus.READY,
        requested_by=trainee,
        pdf=b"%PDF-1.7 cached",
    )
    db.session.add(document)
    db.session.flush()
    assert list(gather_archive(trainee, TODAY).portfolios.values()) == [b"%PDF-1.7 cached"]


def test_the_export_says_when_a_notification_was_resolved(world):
    data, _ = _export(world.supervisor)
    confirmations = [n for n in data["notifications"] if n["kind"] == "session_to_confirm"]
    # The world's sessions were confirmed: the requests to confirm them are resolved.
    assert confirmations and all(n["resolved_at"] for n in confirmations)
