"""Through the pages, the whole pathway of a new trainee: a coordinator invites a trainee and a
supervisor (their links come from the real e-mails); the trainee sets a password and records a
case with consent, cycles, a film with moments, supervision sessions and a reflective statement;
the supervisor confirms the sessions; the trainee asks for the stage meeting; a second supervisor
passes it; the coordinator ratifies, issues the certificate, and anyone can verify it. Every page
on the way is screenshotted and, repeated forms aside, checked with axe-core.

The scheme: VERP's last stage (stage 2) asks the least of any final stage (3 cycles, 1 new client,
6 hours of supervision, a reflective statement, the accreditation meeting), and the enrolment form
lets a coordinator enrol a trainee straight onto a later stage (for work recognised elsewhere).
So every step is done through the pages; no service is called behind the browser's back.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.accessibility import Axe
from tests.e2e.conftest import LiveApp, Steps, sign_in
from tests.smtp_server import Inbox

SCHEME = "VERP practitioner accreditation"
LAST_STAGE = "Stage 2: Independent VERP practice"


@dataclass(frozen=True)
class Person:
    """Someone taking part: the coordinator invites the trainee and the own supervisor."""

    name: str
    email: str
    password: str


TRAINEE = Person("Nia Okafor", "nia.okafor@example.org", "nia-picks-four-random-words")
SUPERVISOR = Person("Ravi Menon", "ravi.menon@example.org", "ravi-picks-four-random-words")
# From the demo: the advanced supervisor was never the trainee's own supervisor, so may assess.
ASSESSOR = Person("Ada Assessor", "assessor@attune.demo", "demo-assessor-pass")
COORDINATOR = Person("Cleo Coordinator", "coordinator@attune.demo", "demo-coordinator-pass")


class Journey:
    """The live app, screenshots and the accessibility check, shared by every step."""

    def __init__(self, live: LiveApp, browser: Browser, steps: Steps, axe: Axe) -> None:
        self.live, self.browser, self.steps, self.axe = live, browser, steps, axe
        self.blocked: list[str] = []

    def step(self, page: Page, label: str, check: bool = True) -> None:
        """Check the page with axe-core (unless it was, as another step) and that the browser
        blocked nothing under the Content-Security-Policy; keep its screenshot."""
        if check:
            self.axe.check(page, label)
        assert self.blocked == [], f"blocked by the CSP on {label}: {self.blocked}"
        self.steps.shot(page, label)

    def new_page(self) -> Page:
        """A page in a browser context of its own (its own cookies)."""
        page = self.browser.new_context().new_page()
        page.on(
            "console",
            lambda message: (
                self.blocked.append(message.text)
                if "Content Security Policy" in message.text
                else None
            ),
        )
        return page


def day(today: date, days_ago: int) -> str:
    """A date `days_ago` before the app's today, as a date input wants it."""
    return (today - timedelta(days=days_ago)).isoformat()


def invite(journey: Journey, page: Page, person: Person, role: str, grade: str = "") -> None:
    """The coordinator invites someone from the home page's button."""
    page.get_by_role("link", name="Home", exact=True).click()
    page.get_by_role("link", name="Invite a person").click()
    expect(page.get_by_role("heading", name="Invite a person")).to_be_visible()
    page.get_by_label("E-mail").fill(person.email)
    page.get_by_label("Name", exact=True).fill(person.name)
    page.get_by_label(role, exact=True).check()
    if grade:
        page.get_by_label("Supervisor grade").select_option(label=grade)
    journey.step(page, f"invite-{role.lower()}")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text(f"An invitation is on its way to {person.email}.")).to_be_visible()
    expect(page.get_by_role("heading", name=person.name)).to_be_visible()
    expect(page.get_by_text("invited, no password yet")).to_be_visible()


def invitation_link(smtp: Inbox, person: Person) -> str:
    """The one-time link in the invitation the SMTP server received."""
    invited = [m for m in smtp.to(person.email) if m["Subject"] == "You are invited to Attune"]
    [message] = invited  # others (sessions waiting for them ...) may have arrived since
    body = smtp.body(message)
    assert f"Hello {person.name}," in body
    found = re.search(r"http://127\.0\.0\.1:\d+/invite/\S+", body)
    assert found is not None, body
    return found.group(0)


def accept_invitation(journey: Journey, smtp: Inbox, person: Person, label: str) -> Page:
    """Follow the e-mailed link in a browser of one's own and choose a password."""
    page = journey.new_page()
    page.goto(invitation_link(smtp, person))
    expect(page.get_by_role("heading", name=f"Welcome, {person.name}")).to_be_visible()
    page.get_by_label("New password").fill(person.password)
    page.get_by_label("The same password again").fill(person.password)
    journey.step(page, f"{label}-chooses-password")
    page.get_by_role("button", name="Set my password").click()
    expect(page.get_by_text("Your password is set. Welcome to Attune.")).to_be_visible()
    expect(page.get_by_role("heading", name=f"Hello, {person.name}")).to_be_visible()
    return page


def enrol(journey: Journey, page: Page) -> date:
    """Enrol the trainee on VERP's last stage with their own supervisor; the app's today."""
    page.get_by_role("link", name="Enrol on a scheme").click()
    expect(page.get_by_role("heading", name=f"Enrol {TRAINEE.name}")).to_be_visible()
    today = date.fromisoformat(page.get_by_label("Start date").input_value())
    page.get_by_label("Scheme and starting stage").select_option(label=LAST_STAGE)
    page.get_by_label("Start date").fill(day(today, 90))
    page.get_by_label("Own supervisor").select_option(label=SUPERVISOR.name)
    journey.step(page, "enrol-form")
    page.get_by_role("button", name="Enrol").click()
    expect(page.get_by_text(f"{TRAINEE.name} is enrolled.")).to_be_visible()
    expect(page.get_by_role("heading", name=LAST_STAGE)).to_be_visible()
    journey.step(page, "enrolment")
    return today


def open_case_with_consent(journey: Journey, page: Page, today: date) -> None:
    """A family case (never a name: a code and a label only the trainee knows) and its consent."""
    page.get_by_role("link", name="Open a case").click()
    page.get_by_label("Setting").select_option(label="Family")
    page.get_by_label("Your own short label (optional)").fill("bath time")
    page.get_by_label("Helping question").fill("How can I help him to wait for his turn?")
    page.get_by_label("Goals").fill("Short turns in play, and more shared smiles.")
    page.get_by_label("Started").fill(day(today, 80))
    journey.step(page, "case-form")
    page.get_by_role("button", name="Save case").click()
    expect(page.get_by_text("is open. Record the consent next.")).to_be_visible()

    page.get_by_role("link", name="Record consent").click()
    page.get_by_label("Given by").fill("parent")
    page.get_by_label("Given on").fill(day(today, 80))
    page.get_by_label("A stage assessor").check()  # filming and own supervisor come ticked
    journey.step(page, "consent-form")
    page.get_by_role("button", name="Record consent").click()
    expect(page.get_by_text("Consent recorded.")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="A stage assessor")).to_be_visible()


def record_cycle(journey: Journey, page: Page, today: date, filmed: int, reviewed: int) -> None:
    """A complete cycle: filmed, micro-analysed, and reviewed with the client."""
    page.get_by_role("link", name="Record a cycle").click()
    page.get_by_label("Filmed on").fill(day(today, filmed))
    page.get_by_label("Micro-analysis and clip editing done").check()
    page.get_by_label("Shared review on (when held)").fill(day(today, reviewed))
    page.get_by_label("Your notes").fill("He waited for my turn twice; we named it together.")
    if filmed == 75:
        journey.step(page, "cycle-form")
    page.get_by_role("button", name="Save cycle").click()
    expect(page.get_by_text("Cycle recorded.")).to_be_visible()


def film_with_moments(journey: Journey, page: Page) -> None:
    """A film of the first cycle (footage kept by the employer) and two time-coded moments."""
    page.get_by_role("link", name="add a film").first.click()
    page.get_by_label("The film shows").select_option(label="Interaction")
    page.get_by_label("Length").fill("12:30")
    page.get_by_label("Where the footage is kept").fill("Employer's secure drive")
    journey.step(page, "film-form")
    page.get_by_role("button", name="Save film").click()
    expect(page.get_by_text("Film recorded. Mark its moments below.")).to_be_visible()
    for start, end, principle, element, note in (
        ("0:45", "0:52", "1. Being attentive", "Turning towards the other", "He looked up."),
        ("3:10", "3:18", "5. Guiding", "Giving help when needed", "She chose, then went on."),
    ):
        page.get_by_label("From").fill(start)
        page.get_by_label("To", exact=True).fill(end)
        page.get_by_label("Principle").select_option(label=principle)
        page.get_by_label("Element (optional)").select_option(label=element)
        page.get_by_label("Note").fill(note)
        page.get_by_role("button", name="Mark moment").click()
        expect(page.get_by_text("Moment marked.")).to_be_visible()
    moments = page.locator("ol.moments > li")
    expect(moments).to_have_count(2)
    expect(moments.first).to_contain_text(
        "0:45\u20130:52 · Being attentive — Turning towards the other"
    )
    expect(moments.last).to_contain_text("3:10\u20133:18 · Guiding — Giving help when needed")
    journey.step(page, "film-with-moments")


def log_session(
    journey: Journey, page: Page, today: date, held: int, reviewed: bool, label: str
) -> None:
    """A three-hour group session with the own supervisor, optionally reviewing the film."""
    page.get_by_role("link", name="Supervision", exact=True).click()
    page.get_by_role("link", name="Log a session").click()
    expect(page.get_by_label("Supervisor", exact=True)).to_have_value(re.compile(r"\d+"))
    page.get_by_label("Held on", exact=True).fill(day(today, held))
    page.get_by_label("Length in minutes").fill("180")
    page.get_by_label("Group session").check()
    if reviewed:
        page.locator("fieldset", has_text="Cycles reviewed").get_by_role("checkbox").first.check()
        page.locator("fieldset", has_text="Films reviewed").get_by_role("checkbox").first.check()
    page.get_by_label("Your reflection before the session").fill("How I wait for initiatives.")
    page.get_by_label("Your reflection after the session").fill("I give more second turns now.")
    page.get_by_label("Agreed next steps").fill("Name what went well, then wait.")
    journey.step(page, label, check=reviewed)
    page.get_by_role("button", name="Save session").click()
    expect(page.get_by_text("Session logged. Your supervisor will confirm it.")).to_be_visible()


def record_statement(journey: Journey, page: Page, today: date) -> None:
    """The reflective statement the last stage asks for."""
    page.get_by_role("link", name="Progress").click()
    page.get_by_role("link", name="Record a course, intro session or document").click()
    page.get_by_label("What", exact=True).select_option(label="Document")
    page.get_by_label("Which document or meeting").select_option(label="Reflective statement")
    page.get_by_label("Date", exact=True).fill(day(today, 10))
    page.get_by_label("Title (optional)").fill("My reflective statement")
    journey.step(page, "statement-form")
    page.get_by_role("button", name="Record").click()
    expect(page.get_by_text("Document recorded.")).to_be_visible()


def confirm_sessions(journey: Journey, page: Page) -> None:
    """The own supervisor confirms both sessions from the list on their home page."""
    page.get_by_role("link", name="2 sessions to confirm").click()
    for n in (1, 2):
        page.get_by_role("link", name="Supervision", exact=True).click()
        page.get_by_role("row", name="Waiting for confirmation").first.get_by_role("link").click()
        journey.step(page, f"supervisor-session-{n}", check=n == 1)
        page.get_by_role("button", name="Confirm the session").click()
        expect(page.get_by_text("Session confirmed.")).to_be_visible()
    page.get_by_role("link", name="Supervision", exact=True).click()
    expect(page.get_by_text("Confirmed supervision: 6 h")).to_be_visible()


def follow_notification(page: Page, message: str) -> None:
    """Open one's notifications and follow the one with this message."""
    page.get_by_role("link", name=re.compile(r"^Notifications")).click()
    page.get_by_role("button", name=message).click()


@pytest.fixture(scope="module")
def axe() -> Axe:
    """axe-core, or a skip (before the app is built) when it is not installed."""
    return Axe.load()


def test_invite_record_confirm_pass_ratify_certify_and_verify(
    axe: Axe, live: LiveApp, browser: Browser, steps: Steps, smtp: Inbox
):
    journey = Journey(live, browser, steps, axe)

    coordinator = journey.new_page()
    sign_in(coordinator, live, COORDINATOR.email, COORDINATOR.password)
    journey.step(coordinator, "coordinator-home")
    invite(journey, coordinator, SUPERVISOR, "Supervisor", grade="Supervisor")
    invite(journey, coordinator, TRAINEE, "Trainee")
    journey.step(coordinator, "trainee-invited")
    today = enrol(journey, coordinator)

    trainee = accept_invitation(journey, smtp, TRAINEE, "trainee")
    expect(trainee.get_by_text(LAST_STAGE)).to_be_visible()
    journey.step(trainee, "trainee-home")
    trainee.get_by_role("link", name=SCHEME).click()
    open_case_with_consent(journey, trainee, today)
    record_cycle(journey, trainee, today, filmed=75, reviewed=70)
    film_with_moments(journey, trainee)
    trainee.locator("h1").get_by_role("link").click()  # back to the case
    record_cycle(journey, trainee, today, filmed=50, reviewed=45)
    record_cycle(journey, trainee, today, filmed=25, reviewed=20)
    expect(trainee.get_by_role("cell", name="stage 2")).to_have_count(3)
    journey.step(trainee, "case-with-three-cycles")
    log_session(journey, trainee, today, held=60, reviewed=True, label="session-form")
    journey.step(trainee, "session-logged")
    log_session(journey, trainee, today, held=30, reviewed=False, label="second-session-form")
    record_statement(journey, trainee, today)
    expect(trainee.get_by_text("Still missing: 6 hours of supervision.")).to_be_visible()
    expect(trainee.get_by_role("button", name="Request the end-of-stage meeting")).to_have_count(0)
    journey.step(trainee, "waiting-for-confirmation")

    supervisor = accept_invitation(journey, smtp, SUPERVISOR, "supervisor")
    expect(supervisor.get_by_role("link", name=TRAINEE.name)).to_be_visible()
    journey.step(supervisor, "supervisor-home")
    confirm_sessions(journey, supervisor)
    journey.step(supervisor, "sessions-confirmed")

    trainee.reload()  # the confirmed sessions now count
    expect(trainee.get_by_text("Still missing:")).to_have_count(0)
    trainee.get_by_role("button", name="Request the end-of-stage meeting").click()
    expect(trainee.get_by_text("The meeting is requested")).to_be_visible()
    expect(trainee.get_by_text("Requested: waiting for an assessor")).to_be_visible()
    journey.step(trainee, "meeting-requested")

    follow_notification(coordinator, f"{TRAINEE.name} asks for the stage 2 meeting.")
    coordinator.get_by_role("link", name="Stage 2 meeting: Requested").click()
    assessors = coordinator.get_by_label("Assessing supervisor").locator("option")
    expect(assessors.filter(has_text=SUPERVISOR.name)).to_have_count(0)  # four eyes
    coordinator.get_by_label("Assessing supervisor").select_option(label=ASSESSOR.name)
    journey.step(coordinator, "name-assessor")
    coordinator.get_by_role("button", name="Name assessor").click()
    expect(coordinator.get_by_text("The assessor is named.")).to_be_visible()

    assessor = journey.new_page()
    sign_in(assessor, live, ASSESSOR.email, ASSESSOR.password)
    journey.step(assessor, "assessor-home")
    follow_notification(assessor, f"{ASSESSOR.name} will assess {TRAINEE.name}'s stage 2 meeting.")
    assessor.get_by_role("link", name="Stage 2 meeting: Assessor named").click()
    assessor.get_by_label("Minutes", exact=True).fill("60")
    assessor.locator("fieldset", has_text="Clips shown").get_by_role("checkbox").first.check()
    assessor.get_by_label("Documents read").fill("The reflective statement; the case record.")
    assessor.get_by_label("Outcome").select_option(label="Passed")
    journey.step(assessor, "outcome-form")
    assessor.get_by_role("button", name="Record outcome").click()
    expect(assessor.get_by_text("The outcome is recorded.")).to_be_visible()
    expect(assessor.get_by_text("Passed: waiting for ratification")).to_be_visible()
    expect(assessor.get_by_text("The evidence still matches what was signed.")).to_be_visible()
    journey.step(assessor, "meeting-passed")

    # The coordinator finds the pass on the pipeline dashboard rather than in a notification.
    coordinator.get_by_role("link", name="Pipeline", exact=True).click()
    passes = coordinator.locator("section").filter(
        has=coordinator.get_by_role("heading", name=re.compile("^Passes to ratify"))
    )
    expect(passes.get_by_role("heading")).to_have_text("Passes to ratify (1)")
    journey.step(coordinator, "pipeline")
    passes.get_by_role("link", name=TRAINEE.name).click()
    coordinator.get_by_role("button", name="Ratify the pass").click()
    expect(coordinator.get_by_text("Ratified.", exact=True)).to_be_visible()
    journey.step(coordinator, "ratified")
    coordinator.get_by_role("link", name="Progress").click()
    expect(coordinator.locator("dl.facts")).to_contain_text("Accredited")
    expect(coordinator.get_by_label("Name as printed")).to_have_value(TRAINEE.name)
    coordinator.get_by_label("List in the public register (the holder agreed)").check()
    journey.step(coordinator, "accredited")
    coordinator.get_by_role("button", name="Issue the certificate").click()
    expect(coordinator.get_by_text("Valid.")).to_be_visible()
    number = re.search(r"Certificate (\w{4}-\w{4})", coordinator.title())
    assert number is not None, coordinator.title()
    expect(coordinator.get_by_text(f"Certificate {number.group(1)} is issued.")).to_be_visible()
    journey.step(coordinator, "certificate")
    address = coordinator.locator("a[href^='/verify/']").get_attribute("href")
    assert address == f"/verify/{number.group(1)}"

    public = journey.new_page()  # a stranger: no session, no cookies
    public.goto(f"{live.url}{address}")
    expect(public.get_by_text("Valid.")).to_be_visible()
    expect(public.locator("dl.facts")).to_contain_text(TRAINEE.name)
    expect(public.locator("dl.facts")).to_contain_text(ASSESSOR.name)
    expect(public.locator("dl.facts")).to_contain_text(SUPERVISOR.name)
    journey.step(public, "verified")
    public.get_by_role("link", name="Public register").click()
    expect(public.get_by_text(TRAINEE.name)).to_be_visible()
    journey.step(public, "register")
    unknown = public.goto(f"{live.url}/verify/NONE-SUCH")
    assert unknown is not None and unknown.status == 404
    expect(public.get_by_text("No certificate has the number NONE-SUCH.")).to_be_visible()
    journey.step(public, "unknown-number")

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
