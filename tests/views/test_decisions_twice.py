"""Every decision sent twice (a second tab, a colleague a moment later): the first lands, the
second reads why not, never a server error, and the database holds the decision once. The same
decisions raced at the same instant over HTTP: tests/live/test_races_decisions.py."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, Certificate, MeetingStatus
from app.services.people.account_status import ERASED, MERGED
from tests.builders.web import client_as, committed
from tests.live import race_world
from tests.live.race_world import Crew

DAY = race_world.today()
NOW_REFUSED = "that cannot be done now."


@dataclass(frozen=True)
class Decision:
    """A target to build, who sends what where, what the first and second person read."""

    build: Callable[[Crew], dict[str, Any]]
    who: str  # coordinators | assessor | supervisor
    action: str  # formatted with the target
    fields: tuple[dict[str, str], dict[str, str]]
    landed: str
    refused: str
    audit: tuple[str, str]  # action, and the target's key holding the audit subject's id


def _certified(crew: Crew) -> dict[str, Any]:
    enrolment, certificate = race_world.certified(crew)
    return {"enrolment": enrolment, "certificate": certificate}


def _meeting(status: MeetingStatus) -> Callable[[Crew], dict[str, Any]]:
    return lambda crew: {"meeting": race_world.meeting_id_in(crew, status)}


def _accounts(_crew: Crew) -> dict[str, Any]:
    keep, duplicate = race_world.two_accounts()
    return {"keep": keep, "duplicate": duplicate}


def _person(_crew: Crew) -> dict[str, Any]:
    person, email = race_world.person_to_erase()
    return {"person": person, "email": email}


def _cohort(crew: Crew) -> dict[str, Any]:
    cohort, email, _trainee = race_world.cohort_and_trainee(crew)
    return {"cohort": cohort, "email": email}


HELD = {"held_on": DAY.isoformat(), "minutes": "60", "documents_read": ""}
DECISIONS = {
    "issue": Decision(
        lambda crew: {"enrolment": race_world.ratified_enrolment(crew)},
        "coordinators",
        "/enrolments/{enrolment}/certificates",
        ({"holder_name": "Pat Practitioner"},) * 2,
        "is issued.",
        "A certificate is already issued",
        ("certificate.issued", ""),
    ),
    "revoke": Decision(
        _certified,
        "coordinators",
        "/certificates/{certificate}/revoke",
        ({"scope": "document", "reason": "Printed wrongly"},) * 2,
        "The certificate is revoked",
        "This certificate is already revoked.",
        ("certificate.revoked", "certificate"),
    ),
    "reissue": Decision(
        _certified,
        "coordinators",
        "/certificates/{certificate}/reissue",
        ({"holder_name": "Pat Renamed"}, {"holder_name": "Pat Otherwise"}),
        "replaces",
        "Only a current certificate can be re-issued.",
        ("certificate.reissued", "certificate"),
    ),
    "renew": Decision(
        lambda _crew: {"certificate": race_world.renewable()},
        "coordinators",
        "/certificates/{certificate}/renew",
        ({}, {}),
        "renews",
        "Only a current certificate can be renewed.",
        ("certificate.renewed", "certificate"),
    ),
    "ratify": Decision(
        _meeting(MeetingStatus.PASSED),
        "coordinators",
        "/meetings/{meeting}/ratify",
        ({}, {}),
        "Ratified.",
        "This meeting is ratified; " + NOW_REFUSED,
        ("meeting.ratified", "meeting"),
    ),
    "send back": Decision(
        _meeting(MeetingStatus.PASSED),
        "coordinators",
        "/meetings/{meeting}/send-back",
        ({"reason": "The clips are missing"},) * 2,
        "Sent back to the assessor.",
        "This meeting is with a named assessor; " + NOW_REFUSED,
        ("meeting.sent_back", "meeting"),
    ),
    "reopen": Decision(
        _meeting(MeetingStatus.RATIFIED),
        "coordinators",
        "/meetings/{meeting}/reopen",
        ({"reason": "Ratified in error"},) * 2,
        "The stage is reopened",
        "This meeting is voided; " + NOW_REFUSED,
        ("meeting.voided", "meeting"),
    ),
    "pass then fail": Decision(
        _meeting(MeetingStatus.ASSESSOR_NAMED),
        "assessor",
        "/meetings/{meeting}/outcome",
        (
            {**HELD, "outcome": "passed"},
            {
                **HELD,
                "outcome": "not_yet",
                "actions": "Two more films",
                "new_target_on": (DAY + timedelta(days=60)).isoformat(),
            },
        ),
        "The outcome is recorded.",
        "This meeting is passed; " + NOW_REFUSED,
        ("meeting.passed", "meeting"),
    ),
    "confirm then return": Decision(
        lambda crew: {"session": race_world.logged_session(crew)},
        "supervisor",
        "/sessions/{session}/decide",
        (
            {"confirm": "Confirm the session"},
            {"send_back": "Return to the trainee", "reason": "Wrong date"},
        ),
        "Session confirmed.",
        "This session is already confirmed.",
        ("session.confirmed", "session"),
    ),
    "merge": Decision(
        _accounts,
        "coordinators",
        "/people/{keep}/merge",
        ({"duplicate": "{duplicate}", "note": "One person", "confirm": "y"},) * 2,
        "is merged into this account",
        "That account was already merged into",
        (MERGED, ""),
    ),
    "erase": Decision(
        _person,
        "coordinators",
        "/people/{person}/erase",
        ({"reason": "Asked to be erased", "confirm_email": "{email}"},) * 2,
        "The person is erased.",
        "This person is erased.",
        (ERASED, "person"),
    ),
    "add to cohort": Decision(
        _cohort,
        "coordinators",
        "/cohorts/{cohort}/members",
        ({"addresses": "{email}"},) * 2,
        "1 trainee added.",
        "Everyone named is already in the cohort.",
        ("cohort.members_added", "cohort"),
    ),
    "request meeting": Decision(
        lambda crew: {"enrolment": race_world.enrolment_at_last_stage(crew)},
        "coordinators",
        "/enrolments/{enrolment}/meeting-request",
        ({"reason": "Prior learning"},) * 2,
        "The meeting is requested",
        "A meeting for this stage is already under way.",
        ("meeting.requested_by_exception", ""),
    ),
}


@pytest.fixture
def crew(app, schemes) -> Crew:
    with committed(app):
        return race_world.crew()


def _emails(crew: Crew, who: str) -> tuple[str, str]:
    if who == "coordinators":
        return crew.coordinators
    person = crew.assessor if who == "assessor" else crew.supervisor
    return person, person


def _audits(action: str, subject_id: int | None) -> int:
    query = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
    if subject_id is not None:
        query = query.where(AuditEvent.subject_id == subject_id)
    return db.session.scalar(query)


@pytest.mark.parametrize("name", DECISIONS)
def test_a_decision_sent_twice_lands_once_and_the_second_reads_why(app, crew, name):
    decision = DECISIONS[name]
    with committed(app):
        target = decision.build(crew)
        before = _audits(decision.audit[0], None)
    action = decision.action.format(**target)
    pages = []
    for email, fields in zip(_emails(crew, decision.who), decision.fields, strict=True):
        data = {key: value.format(**target) for key, value in fields.items()}
        response = client_as(app, email).post(action, data=data, follow_redirects=True)
        assert response.status_code < 500
        pages.append(response.get_data(as_text=True))
    assert decision.landed in pages[0] and decision.refused not in pages[0]
    assert decision.refused in pages[1] and decision.landed not in pages[1]
    with committed(app):
        subject = target.get(decision.audit[1])
        assert _audits(decision.audit[0], None) == before + 1
        if subject is not None:
            assert _audits(decision.audit[0], subject) == 1


def test_revoking_a_superseded_certificate_is_refused(app, crew):
    with committed(app):
        _enrolment, certificate_id = race_world.certified(crew)
    coordinator = client_as(app, crew.coordinators[0])
    coordinator.post(f"/certificates/{certificate_id}/reissue", data={"holder_name": "Pat New"})
    response = coordinator.post(
        f"/certificates/{certificate_id}/revoke", data={"scope": "document", "reason": "Old"}
    )
    assert response.status_code == 422
    assert "already replaced by a newer one" in response.get_data(as_text=True)
    with committed(app):
        old = db.session.get(Certificate, certificate_id)
        assert old is not None and old.revoked_at is None
