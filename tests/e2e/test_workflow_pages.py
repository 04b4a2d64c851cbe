"""In Chromium, on the demo data, each checked with axe-core: the supervisor confirms a session
with feedback in one press, its notification then stops being new; the assessor's home lists
their meetings; the enrolment accredited by exception and the withdrawn accreditation read right;
the revoke form asks what is withdrawn."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from app.extensions import db
from app.models import Certificate, Enrolment, SessionStatus, SupervisionSession, User
from tests.e2e.accessibility import Axe
from tests.e2e.conftest import LiveApp, Steps, sign_in

SUPERVISOR = ("supervisor@attune.demo", "demo-supervisor-pass")
ASSESSOR = ("assessor@attune.demo", "demo-assessor-pass")
COORDINATOR = ("coordinator@attune.demo", "demo-coordinator-pass")


@pytest.fixture(scope="module")
def axe() -> Axe:
    """axe-core, or a skip when it is not installed."""
    return Axe.load()


def _ids(live: LiveApp) -> dict[str, int]:
    """The demo's session waiting for confirmation, two practitioners' enrolments, a certificate."""
    with live.app.app_context():

        def enrolment_of(name: str) -> int:
            return db.session.scalars(
                select(Enrolment.id).join(User, Enrolment.trainee).where(User.display_name == name)
            ).one()

        found = {
            "session": db.session.scalars(
                select(SupervisionSession.id).where(
                    SupervisionSession.status == SessionStatus.LOGGED
                )
            ).first(),
            "amara": enrolment_of("Amara Awaiting"),
            "rob": enrolment_of("Rob Revoked"),
            "valid": db.session.scalars(
                select(Certificate.id).where(Certificate.revoked_at.is_(None))
            ).first(),
        }
        db.session.remove()
    assert all(found.values()), found
    return found


def _page(browser: Browser, live: LiveApp, who: tuple[str, str]) -> Page:
    page = browser.new_page()
    sign_in(page, live, *who)
    return page


def test_workflow_pages(live: LiveApp, browser: Browser, steps: Steps, axe: Axe):
    ids = _ids(live)

    supervisor = _page(browser, live, SUPERVISOR)
    supervisor.goto(f"{live.url}/sessions/{ids['session']}")
    axe.check(supervisor, "session to decide")
    supervisor.get_by_label("Feedback for the trainee").fill("Your pauses let him lead.")
    steps.shot(supervisor, "feedback-typed")
    supervisor.get_by_role("button", name="Confirm the session").click()
    expect(supervisor.get_by_text("Session confirmed.")).to_be_visible()
    expect(supervisor.get_by_text("Your pauses let him lead.").first).to_be_visible()
    supervisor.get_by_role("link", name=re.compile(r"^Notifications")).click()
    done = supervisor.locator("ul.notifications li", has=supervisor.get_by_text("Done"))
    expect(done.first).to_be_visible()
    axe.check(supervisor, "notifications")
    steps.shot(supervisor, "notification-done")

    assessor = _page(browser, live, ASSESSOR)
    expect(assessor.get_by_role("heading", name="Stage meetings you assess")).to_be_visible()
    expect(assessor.get_by_text("Nobody: ratified on").first).to_be_visible()
    axe.check(assessor, "assessor home")
    steps.shot(assessor, "assessor-home")

    coordinator = _page(browser, live, COORDINATOR)
    coordinator.goto(f"{live.url}/enrolments/{ids['amara']}")
    expect(coordinator.get_by_text("Signed off by exception.", exact=True)).to_be_visible()
    expect(coordinator.get_by_text("still to do")).to_have_count(0)
    axe.check(coordinator, "enrolment accredited by exception")
    steps.shot(coordinator, "accredited-by-exception")
    coordinator.goto(f"{live.url}/enrolments/{ids['rob']}")
    expect(coordinator.get_by_text("the accreditation was withdrawn on")).to_be_visible()
    coordinator.goto(f"{live.url}/certificates/{ids['valid']}")
    expect(coordinator.get_by_role("group", name="What is withdrawn?")).to_be_visible()
    axe.check(coordinator, "certificate with the revoke form")
    steps.shot(coordinator, "revoke-form")
