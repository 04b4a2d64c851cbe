"""Renewal on the certificate page: progress for holder, supervisors and coordinators, the Renew
button for coordinators, and practitioners recording renewal evidence after accreditation.

Pages use the real clock, so the certificate expires a month after today: renewal is open."""

import json
from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from app.extensions import db
from app.models import Case, Certificate, Enrolment, SupervisionSession
from app.services.certificates import issuing
from tests.builders.renewal import DUTCH, NO_RENEWAL, accredited, meet_renewal
from tests.builders.web import client_as, committed

TODAY = date.today()
ACCREDITED_ON = TODAY - relativedelta(months=35)


def _world(app, scheme=DUTCH, cases=10):
    with committed(app):
        p = accredited(scheme, ACCREDITED_ON)
        if scheme == DUTCH:
            meet_renewal(p, ACCREDITED_ON + timedelta(days=30), TODAY, cases_=cases)
        return {
            "enrolment": p.enrolment.id,
            "certificate": p.certificate.id,
            "number": p.certificate.number,
            "trainee": p.trainee.email,
            "supervisor": p.supervisor.email,
            "supervisor_id": p.supervisor.id,
            "coordinator": p.coordinator.email,
        }


@pytest.fixture
def world(app, schemes):
    return _world(app)


def _page(client, world):
    response = client.get(f"/certificates/{world['certificate']}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_coordinator_renews_from_the_certificate_page(app, world):
    coordinator = client_as(app, world["coordinator"])
    page = _page(coordinator, world)
    assert "Renewal" in page and "At least 10 cases in the last 3 years" in page
    assert f"/certificates/{world['certificate']}/renew" in page
    response = coordinator.post(f"/certificates/{world['certificate']}/renew")
    assert response.status_code == 302
    with committed(app):
        old = db.session.get(Certificate, world["certificate"])
        new = old.superseded_by
        assert new is not None and new.expires_on == old.expires_on + relativedelta(months=36)
        new_id, new_number = new.id, new.number
    assert response.headers["Location"].endswith(f"/certificates/{new_id}")
    shown = coordinator.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Certificate {new_number} renews {world['number']}" in shown
    record = json.loads(app.test_client().get(f"/verify/{world['number']}.json").data)
    assert record["status"] == "superseded" and record["superseded_by"] == new_number
    old_page = _page(coordinator, world)
    assert "Superseded on" in old_page and "/renew" not in old_page


def test_a_refused_renewal_says_what_is_missing_once(app, schemes):
    world = _world(app, cases=7)
    coordinator = client_as(app, world["coordinator"])
    page = coordinator.post(
        f"/certificates/{world['certificate']}/renew", follow_redirects=True
    ).get_data(as_text=True)
    message = "Not yet renewable, still missing: At least 10 cases in the last 3 years (7 of 10)."
    assert page.count(message) == 1
    assert "7 of 10 cases — 3 more to go" in page  # the bar's own plain words
    with committed(app):
        assert db.session.get(Certificate, world["certificate"]).superseded_by_id is None


@pytest.mark.parametrize("who", ["trainee", "supervisor"])
def test_holder_and_supervisor_see_the_progress_but_no_renew_button(app, world, who):
    client = client_as(app, world[who])
    page = _page(client, world)
    assert "Renewal" in page and "Present your work at least once in the peer group" in page
    assert "10 of 10" in page and "<progress" in page
    assert "/renew" not in page
    assert client.post(f"/certificates/{world['certificate']}/renew").status_code == 403


def test_a_certificate_that_does_not_expire_shows_no_renewal(app, schemes):
    world = _world(app, NO_RENEWAL)
    page = _page(client_as(app, world["coordinator"]), world)
    assert "Renewal" not in page and "/renew" not in page


def _log_evidence(client, world):
    """A case with a complete cycle, an intervision session and a supervision, through pages."""
    day = (TODAY - timedelta(days=3)).isoformat()
    case = client.post(
        f"/enrolments/{world['enrolment']}/cases/new",
        data={"setting": "family", "label": "", "helping_question": "", "goals": "",
              "started_on": day},
    )  # fmt: skip
    if case.status_code != 302:
        return [case.status_code]
    case_path = case.headers["Location"]
    cycle = client.post(
        f"{case_path}/cycles/new",
        data={"filmed_on": day, "micro_analysis_done": "y", "shared_review_on": day},
    )
    milestone = client.post(
        f"/enrolments/{world['enrolment']}/milestones/new",
        data={"kind": "intervision_session", "subtype": "", "occurred_on": day},
    )
    session = client.post(
        f"/enrolments/{world['enrolment']}/sessions/new",
        data={"supervisor": world["supervisor_id"], "held_on": day, "minutes": "60"},
    )
    return [case.status_code, cycle.status_code, milestone.status_code, session.status_code]


def test_an_accredited_dutch_practitioner_records_renewal_evidence(app, schemes):
    world = _world(app, cases=0)
    assert _log_evidence(client_as(app, world["trainee"]), world) == [302, 302, 302, 302]
    with committed(app):
        session = db.session.scalars(
            select(SupervisionSession).order_by(SupervisionSession.id.desc())
        ).first()
    supervisor = client_as(app, world["supervisor"])
    confirmed = supervisor.post(f"/sessions/{session.id}/decide", data={"confirm": "y"})
    assert confirmed.status_code == 302
    page = _page(client_as(app, world["trainee"]), world)
    assert "1 of 10" in page  # the case, with its complete cycle
    assert "4 of 3" in page  # three supervisions from the world, one logged here
    assert "2 of 1" in page  # intervision: the world's and this one


def test_no_evidence_after_accreditation_without_renewal_or_after_revocation(app, schemes):
    other = _world(app, NO_RENEWAL)
    assert _log_evidence(client_as(app, other["trainee"]), other) == [403]
    dutch = _world(app, cases=0)
    with committed(app):
        certificate = db.session.get(Certificate, dutch["certificate"])
        issuing.revoke(certificate.issued_by, certificate, "Obtained by mistake")
    assert _log_evidence(client_as(app, dutch["trainee"]), dutch) == [403]
    with committed(app):
        enrolments = [db.session.get(Enrolment, w["enrolment"]) for w in (other, dutch)]
        assert not db.session.scalars(
            select(Case).where(Case.enrolment_id.in_([e.id for e in enrolments]))
        ).all()
