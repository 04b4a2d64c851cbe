"""Through the pages, in English, the whole pathway of a new trainee: a coordinator invites a
trainee and a supervisor (their links come from the real e-mails); the trainee sets a password
and records a case with consent, cycles, a film with moments, supervision sessions and a
reflective statement; the supervisor confirms the sessions; the trainee asks for the stage
meeting; a second supervisor passes it; the coordinator ratifies and issues the certificate; the
portfolio and the certificate are downloaded and read back; anyone can verify it. Every page on
the way is screenshotted and, repeated forms aside, checked with axe-core. The steps are shared
with the Dutch journey (tests/e2e/journey.py).

The scheme: VERP's last stage (stage 2) asks the least of any final stage (3 cycles, 1 new client,
6 hours of supervision, a reflective statement, the accreditation meeting).
"""

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e import journey as steps_of
from tests.e2e.accessibility import Axe
from tests.e2e.conftest import LiveApp, Steps, sign_in
from tests.e2e.journey import ASSESSOR, COORDINATOR, Journey, Pathway, Person, Words
from tests.smtp_server import Inbox

VERP = Pathway(
    scheme="VERP practitioner accreditation",
    stage=2,
    stage_title="Independent VERP practice",
    cycles=3,
    cycles_count=True,
    sessions=2,
    missing="6 hours of supervision",
    statement="Reflective statement",
    moments=(
        ("1. Being attentive", "Turning towards the other"),
        ("5. Guiding", "Giving help when needed"),
    ),
)
TRAINEE = Person("Nia Okafor", "nia.okafor@example.org", "nia-picks-four-random-words")
SUPERVISOR = Person("Ravi Menon", "ravi.menon@example.org", "ravi-picks-four-random-words")


@pytest.fixture(scope="module")
def axe() -> Axe:
    """axe-core, or a skip (before the app is built) when it is not installed."""
    return Axe.load()


def test_invite_record_confirm_pass_ratify_certify_and_verify(
    axe: Axe, live: LiveApp, browser: Browser, steps: Steps, smtp: Inbox
):
    words = Words("en")
    journey = Journey(live, browser, steps, axe, smtp, words, VERP, TRAINEE, SUPERVISOR)

    coordinator = journey.new_page()
    sign_in(coordinator, live, COORDINATOR.email, COORDINATOR.password)
    journey.step(coordinator, "coordinator-home")
    steps_of.invite(journey, coordinator, SUPERVISOR, "Supervisor", grade="Supervisor")
    steps_of.invite(journey, coordinator, TRAINEE, "Trainee")
    journey.step(coordinator, "trainee-invited")
    today = steps_of.enrol(journey, coordinator)

    trainee = steps_of.accept_invitation(journey, TRAINEE, "trainee", "en-GB")
    expect(trainee.get_by_text("Stage 2: Independent VERP practice")).to_be_visible()
    journey.step(trainee, "trainee-home")
    steps_of.record_the_stage(journey, trainee, today)

    supervisor = steps_of.accept_invitation(journey, SUPERVISOR, "supervisor", "en-GB")
    expect(supervisor.get_by_role("link", name=TRAINEE.name)).to_be_visible()
    journey.step(supervisor, "supervisor-home")
    steps_of.confirm_sessions(journey, supervisor)
    journey.step(supervisor, "sessions-confirmed")

    steps_of.request_meeting(journey, trainee)
    steps_of.name_assessor(journey, coordinator)
    assessor = journey.new_page()
    sign_in(assessor, live, ASSESSOR.email, ASSESSOR.password)
    journey.step(assessor, "assessor-home")
    steps_of.assess(journey, assessor)
    number = steps_of.ratify_and_certify(journey, coordinator)

    text = steps_of.certificate_pdf(journey, coordinator, number)[0]
    assert "has met every requirement of the VERP practitioner accreditation" in text, text
    address = coordinator.locator("a[href^='/verify/']").get_attribute("href")
    assert address == f"/verify/{number}"
    portfolio = steps_of.portfolio_pdf(journey, trainee)
    assert "Giving help when needed" in " ".join(portfolio)
    steps_of.verify_in_public(journey, address, "en-GB")

    trainee.get_by_role("link", name="Home", exact=True).click()
    expect(trainee.get_by_text("Accredited")).to_be_visible()
    journey.step(trainee, "trainee-accredited")

    # The demo's cohort: who is in which stage, and the list searched.
    coordinator.get_by_role("link", name="Pipeline", exact=True).click()
    coordinator.get_by_role("link", name="Cohorts", exact=True).first.click()
    coordinator.get_by_role("link", name="Demo course 2025").click()
    expect(coordinator.get_by_role("heading", name="Who is in which stage")).to_be_visible()
    coordinator.get_by_role("searchbox", name="Trainee").fill("Tess")
    coordinator.get_by_role("button", name="Search").click()
    expect(coordinator.locator("table").last.locator("tbody tr")).to_have_count(1)
    journey.step(coordinator, "cohort")
