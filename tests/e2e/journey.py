"""The whole pathway of a new trainee through the pages, in any language Attune speaks: the steps
test_full_journey.py (English) and test_dutch_journey.py (Dutch) take. Every text a step looks for
is a message of the catalogue, read in the journey's language by `Words` (so a selector such as
`get_by_role("button", name=words("Send invitation"))` finds the Dutch button on a Dutch page), or
the scheme's and framework's own wording, given by the journey's `Pathway`.

The trainee is enrolled straight onto the scheme's last stage (for work recognised elsewhere), so
one stage's evidence earns the certificate; every step is done through the pages and no service
is called behind the browser's back.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from email.message import EmailMessage
from pathlib import Path

from babel.support import NullTranslations, Translations
from playwright.sync_api import Browser, Page, expect

from tests.documents.reading import draw_pages, page_texts
from tests.e2e.accessibility import Axe
from tests.e2e.conftest import LiveApp, Steps
from tests.smtp_server import Inbox

TRANSLATIONS = Path(__file__).resolve().parents[2] / "translations"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


class Words:
    """The catalogue's messages as a page in `code` shows them (English: the messages
    themselves), with their %(name)s values filled in."""

    def __init__(self, code: str) -> None:
        self.code = code
        self._catalogue: NullTranslations | None = None
        if code != "en":
            loaded = Translations.load(str(TRANSLATIONS), [code])
            assert isinstance(loaded, Translations), f"no compiled catalogue for {code}"
            self._catalogue = loaded

    def __call__(self, message: str, /, **values: object) -> str:
        """`message` in this language, its values filled in."""
        return self._fill(self._translated(message, message), values)

    def plural(self, singular: str, plural: str, num: int, /, **values: object) -> str:
        """The form of a message with a count (`num`) that this language uses for `num`."""
        english = singular if num == 1 else plural
        if self._catalogue is None:
            return self._fill(english, {"num": num, **values})
        self._translated((singular, 0), english)  # refused when the catalogue lacks it
        return self._fill(self._catalogue.ngettext(singular, plural, num), {"num": num, **values})

    def pattern(self, message: str, /, **values: object) -> re.Pattern[str]:
        """`message` as a pattern, each value not given matching any text (a case's code)."""
        text, pattern, end = self._translated(message, message), "", 0
        for found in PLACEHOLDER.finditer(text):
            name = found.group(1)
            value = re.escape(str(values[name])) if name in values else ".+?"
            pattern += re.escape(text[end : found.start()]) + value
            end = found.end()
        return re.compile(pattern + re.escape(text[end:]))

    def _translated(self, key: str | tuple[str, int], english: str) -> str:
        if self._catalogue is None:
            return english
        # A message the catalogue lacks would be shown in English: say so rather than look for
        # English on a page in another language.
        held = getattr(self._catalogue, "_catalog", {})
        assert held.get(key), f"{key!r} has no {self.code} translation"
        return str(held[key])

    @staticmethod
    def _fill(text: str, values: dict[str, object]) -> str:
        return text % values if values else text


@dataclass(frozen=True)
class Pathway:
    """The scheme the trainee is enrolled on, in the journey's language, and what its last stage
    asks: the wording is the scheme's and the framework's own, not the catalogue's."""

    scheme: str  # its name as pages show it
    stage: int  # the last stage's number
    stage_title: str
    cycles: int  # complete cycles to record (the first one filmed)
    cycles_count: bool  # whether the stage counts cycles (or only supervision, say)
    sessions: int  # three-hour group supervision sessions to log
    missing: str  # what the stage lacks while the sessions wait for their confirmation
    statement: str | None  # the document it asks for (a reflective statement), if any
    # The two moments marked on the film: principle (as the list numbers it) and element.
    moments: tuple[tuple[str, str], tuple[str, str]]


@dataclass(frozen=True)
class Person:
    """Someone taking part: the coordinator invites the trainee and the own supervisor."""

    name: str
    email: str
    password: str


# From the demo: the advanced supervisor was never the trainee's own supervisor, so may assess.
ASSESSOR = Person("Ada Assessor", "assessor@attune.demo", "demo-assessor-pass")
COORDINATOR = Person("Cleo Coordinator", "coordinator@attune.demo", "demo-coordinator-pass")


class Journey:
    """The live app, the journey's language and people, screenshots and the accessibility
    check, shared by every step."""

    def __init__(
        self,
        live: LiveApp,
        browser: Browser,
        steps: Steps,
        axe: Axe,
        smtp: Inbox,
        words: Words,
        pathway: Pathway,
        trainee: Person,
        supervisor: Person,
        says: Mapping[str, str] | None = None,
    ) -> None:
        self.live, self.browser, self.steps, self.axe, self.smtp = live, browser, steps, axe, smtp
        self.words, self.pathway = words, pathway
        self.trainee, self.supervisor = trainee, supervisor
        self.says = says
        self.blocked: list[str] = []

    def say(self, english: str) -> str:
        """What people type (notes, a case's helping question), in the journey's language:
        `says` gives each text's translation; without it, the English."""
        if self.says is None:
            return english
        assert english in self.says, f"the journey does not say {english!r} in its language"
        return self.says[english]

    def step(self, page: Page, label: str, check: bool = True) -> None:
        """Check the page with axe-core (unless it was, as another step) and that the browser
        blocked nothing under the Content-Security-Policy; keep its screenshot."""
        if check:
            self.axe.check(page, label)
        assert self.blocked == [], f"blocked by the CSP on {label}: {self.blocked}"
        self.steps.shot(page, label)

    def new_page(self, locale: str | None = None) -> Page:
        """A page in a browser context of its own (its own cookies), whose browser asks for
        `locale` (Accept-Language) when given; downloads are accepted."""
        options: dict[str, object] = {"accept_downloads": True}
        if locale:
            options["locale"] = locale
        page = self.browser.new_context(**options).new_page()  # type: ignore[arg-type]
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


def choose_language(journey: Journey, page: Page, before: Words, label: str) -> None:
    """On their account page, someone reading `before` chooses the journey's language."""
    words = journey.words
    page.get_by_role("link", name=before("Account"), exact=True).click()
    page.get_by_label(before("Language"), exact=True).select_option(words.code)
    page.get_by_role("button", name=before("Save profile")).click()
    expect(page.get_by_text(words("Your profile is saved."))).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", re.compile(f"^{words.code}"))
    journey.step(page, f"{label}-chooses-language")


def invite(journey: Journey, page: Page, person: Person, role: str, grade: str = "") -> None:
    """The coordinator invites someone from the home page's button, in the journey's language
    (the coordinator's own, so already chosen)."""
    words = journey.words
    page.get_by_role("link", name=words("Home"), exact=True).click()
    page.get_by_role("link", name=words("Invite a person")).click()
    expect(page.get_by_role("heading", name=words("Invite a person"))).to_be_visible()
    page.get_by_label(words("E-mail")).fill(person.email)
    page.get_by_label(words("Name"), exact=True).fill(person.name)
    page.get_by_label(words(role), exact=True).check()
    if grade:
        page.get_by_label(words("Supervisor grade")).select_option(label=words(grade))
    expect(page.get_by_label(words("Language"), exact=True)).to_have_value(words.code)
    journey.step(page, f"invite-{role.lower()}")
    page.get_by_role("button", name=words("Send invitation")).click()
    sent = words("An invitation is on its way to %(email)s.", email=person.email)
    expect(page.get_by_text(sent)).to_be_visible()
    expect(page.get_by_role("heading", name=person.name)).to_be_visible()
    expect(page.get_by_text(words("invited, no password yet"))).to_be_visible()


def mail_to(journey: Journey, person: Person, since: int = 0) -> list[EmailMessage]:
    """The e-mails `person` received (of those the SMTP server got after its first `since`),
    each checked to greet them in the journey's language."""
    received = [m for m in journey.smtp.messages[since:] if person.email in m["To"]]
    hello = journey.words("Hello %(name)s,", name=person.name)
    for message in received:
        body = journey.smtp.body(message)
        assert body.startswith(hello), f"{message['Subject']}: {body}"
    return received


def invitation_link(journey: Journey, person: Person) -> str:
    """The one-time link in the invitation the SMTP server received, written in the journey's
    language."""
    words = journey.words
    subject = words("You are invited to Attune")
    [message] = [m for m in mail_to(journey, person) if m["Subject"] == subject]
    body = journey.smtp.body(message)
    invited = words(
        "%(inviter)s has invited you to Attune, where your VIG accreditation pathway is recorded.",
        inviter=COORDINATOR.name,
    )
    assert invited in body, body
    found = re.search(r"http://127\.0\.0\.1:\d+/invite/\S+", body)
    assert found is not None, body
    return found.group(0)


def accept_invitation(journey: Journey, person: Person, label: str, locale: str) -> Page:
    """Follow the e-mailed link in a browser of one's own (asking for `locale`) and choose a
    password."""
    words = journey.words
    page = journey.new_page(locale)
    page.goto(invitation_link(journey, person))
    welcome = words("Welcome, %(name)s", name=person.name)
    expect(page.get_by_role("heading", name=welcome)).to_be_visible()
    page.get_by_label(words("New password")).fill(person.password)
    page.get_by_label(words("The same password again")).fill(person.password)
    journey.step(page, f"{label}-chooses-password")
    page.get_by_role("button", name=words("Set my password")).click()
    expect(page.get_by_text(words("Your password is set. Welcome to Attune."))).to_be_visible()
    hello = words("Hello, %(name)s", name=person.name)
    expect(page.get_by_role("heading", name=hello)).to_be_visible()
    return page


def enrol(journey: Journey, page: Page) -> date:
    """Enrol the trainee on the scheme's last stage with their own supervisor; the app's today."""
    words, pathway = journey.words, journey.pathway
    page.get_by_role("link", name=words("Enrol on a scheme")).click()
    heading = words("Enrol %(name)s", name=journey.trainee.name)
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    today = date.fromisoformat(page.get_by_label(words("Start date")).input_value())
    stages = page.get_by_label(words("Scheme and starting stage"))
    stage = words("Stage %(n)s: %(title)s", n=pathway.stage, title=pathway.stage_title)
    # Several schemes may name a stage alike: the option in this scheme's group.
    option = stages.locator(f'optgroup[label^="{pathway.scheme}"] > option', has_text=stage)
    stages.select_option(option.get_attribute("value"))
    page.get_by_label(words("Start date")).fill(day(today, 90))
    page.get_by_label(words("Own supervisor")).select_option(label=journey.supervisor.name)
    journey.step(page, "enrol-form")
    page.get_by_role("button", name=words("Enrol"), exact=True).click()
    enrolled = words("%(name)s is enrolled.", name=journey.trainee.name)
    expect(page.get_by_text(enrolled)).to_be_visible()
    expect(page.get_by_role("heading", name=stage)).to_be_visible()
    journey.step(page, "enrolment")
    return today


def open_case_with_consent(journey: Journey, page: Page, today: date) -> None:
    """A family case (never a name: a code and a label only the trainee knows) and its consent."""
    words = journey.words
    page.get_by_role("link", name=words("Open a case")).click()
    page.get_by_label(words("Setting")).select_option(label=words("Family"))
    page.get_by_label(words("Your own short label (optional)")).fill(journey.say("bath time"))
    page.get_by_label(words("Helping question")).fill(
        journey.say("How can I help him to wait for his turn?")
    )
    page.get_by_label(words("Goals")).fill(
        journey.say("Short turns in play, and more shared smiles.")
    )
    page.get_by_label(words("Started")).fill(day(today, 80))
    journey.step(page, "case-form")
    page.get_by_role("button", name=words("Save case")).click()
    opened = words.pattern("Case %(code)s is open. Record the consent next.")
    expect(page.get_by_text(opened)).to_be_visible()

    page.get_by_role("link", name=words("Record consent")).click()
    page.get_by_label(words("Given by")).fill(journey.say("parent"))
    page.get_by_label(words("Given on")).fill(day(today, 80))
    page.get_by_label(words("A stage assessor")).check()  # filming and own supervisor come ticked
    journey.step(page, "consent-form")
    page.get_by_role("button", name=words("Record consent")).click()
    expect(page.get_by_text(words("Consent recorded."))).to_be_visible()
    scope = page.get_by_role("listitem").filter(has_text=words("A stage assessor"))
    expect(scope).to_be_visible()


def record_cycle(journey: Journey, page: Page, today: date, filmed: int, reviewed: int) -> None:
    """A complete cycle: filmed, micro-analysed, and reviewed with the client."""
    words = journey.words
    page.get_by_role("link", name=words("Record a cycle")).click()
    page.get_by_label(words("Filmed on")).fill(day(today, filmed))
    page.get_by_label(words("Micro-analysis and clip editing done")).check()
    page.get_by_label(words("Shared review on (when held)")).fill(day(today, reviewed))
    page.get_by_label(words("Your notes")).fill(
        journey.say("He waited for my turn twice; we named it.")
    )
    if filmed == 75:
        journey.step(page, "cycle-form")
    page.get_by_role("button", name=words("Save cycle")).click()
    expect(page.get_by_text(words("Cycle recorded."))).to_be_visible()


def film_with_moments(journey: Journey, page: Page) -> None:
    """A film of the first cycle (footage kept by the employer) and two time-coded moments."""
    words, pathway = journey.words, journey.pathway
    page.get_by_role("link", name=words("add a film")).first.click()
    page.get_by_label(words("The film shows")).select_option(label=words("Interaction"))
    page.get_by_label(words("Length")).fill("12:30")
    page.get_by_label(words("Where the footage is kept")).fill(
        journey.say("Employer's secure drive")
    )
    journey.step(page, "film-form")
    page.get_by_role("button", name=words("Save film")).click()
    expect(page.get_by_text(words("Film recorded. Mark its moments below."))).to_be_visible()
    (first, first_element), (second, second_element) = pathway.moments
    for start, end, principle, element, note in (
        ("0:45", "0:52", first, first_element, journey.say("He looked up.")),
        ("3:10", "3:18", second, second_element, journey.say("She chose, then went on.")),
    ):
        page.get_by_label(words("From"), exact=True).fill(start)
        page.get_by_label(words("To"), exact=True).fill(end)
        page.get_by_label(words("Principle")).select_option(label=principle)
        page.get_by_label(words("Element (optional)")).select_option(label=element)
        page.get_by_label(words("Note")).fill(note)
        page.get_by_role("button", name=words("Mark moment")).click()
        expect(page.get_by_text(words("Moment marked."))).to_be_visible()
    moments = page.locator("ol.moments > li")
    expect(moments).to_have_count(2)
    unnumbered = [re.sub(r"^\d+\. ", "", principle) for principle, _element in pathway.moments]
    expect(moments.first).to_contain_text(f"0:45\u20130:52 · {unnumbered[0]} — {first_element}")
    expect(moments.last).to_contain_text(f"3:10\u20133:18 · {unnumbered[1]} — {second_element}")
    journey.step(page, "film-with-moments")


def log_session(
    journey: Journey, page: Page, today: date, held: int, reviewed: bool, label: str | None
) -> None:
    """A three-hour group session with the own supervisor, optionally reviewing the film; the
    form is screenshotted under `label`, when given."""
    words = journey.words
    page.get_by_role("link", name=words("Supervision"), exact=True).click()
    page.get_by_role("link", name=words("Log a session")).click()
    expect(page.get_by_label(words("Supervisor"), exact=True)).to_have_value(re.compile(r"\d+"))
    page.get_by_label(words("Held on"), exact=True).fill(day(today, held))
    page.get_by_label(words("Length in minutes")).fill("180")
    page.get_by_label(words("Group session")).check()
    if reviewed:
        cycles = page.locator("fieldset", has_text=words("Cycles reviewed"))
        cycles.get_by_role("checkbox").first.check()
        films = page.locator("fieldset", has_text=words("Films reviewed"))
        films.get_by_role("checkbox").first.check()
    page.get_by_label(words("Your reflection before the session")).fill(journey.say("How I wait."))
    page.get_by_label(words("Your reflection after the session")).fill(
        journey.say("I give second turns.")
    )
    page.get_by_label(words("Agreed next steps")).fill(
        journey.say("Name what went well, then wait.")
    )
    if label:
        journey.step(page, label, check=reviewed)
    page.get_by_role("button", name=words("Save session")).click()
    logged = words("Session logged. Your supervisor will confirm it.")
    expect(page.get_by_text(logged)).to_be_visible()


def record_statement(journey: Journey, page: Page, today: date, document: str) -> None:
    """The document (a reflective statement) the last stage asks for."""
    words = journey.words
    page.get_by_role("link", name=words("Progress"), exact=True).click()
    page.get_by_role("link", name=words("Record a course, intro session or document")).click()
    page.get_by_label(words("What"), exact=True).select_option(label=words("Document"))
    which = page.get_by_label(words("Which document or meeting"))
    which.select_option(label=document)
    page.get_by_label(words("Date"), exact=True).fill(day(today, 10))
    page.get_by_label(words("Title (optional)")).fill(journey.say("My reflective statement"))
    journey.step(page, "statement-form")
    page.get_by_role("button", name=words("Record"), exact=True).click()
    recorded = words("%(what)s recorded.", what=words("Document"))
    expect(page.get_by_text(recorded)).to_be_visible()


def record_the_stage(journey: Journey, page: Page, today: date) -> None:
    """The trainee records what the last stage asks for: a case with its consent, complete
    cycles (the first filmed, its moments marked), supervision sessions, and the statement
    when the stage asks for one; the sessions then wait for their confirmation."""
    words, pathway = journey.words, journey.pathway
    page.get_by_role("link", name=pathway.scheme).click()
    open_case_with_consent(journey, page, today)
    record_cycle(journey, page, today, filmed=75, reviewed=70)
    film_with_moments(journey, page)
    page.locator("h1").get_by_role("link").click()  # back to the case
    for n in range(1, pathway.cycles):
        record_cycle(journey, page, today, filmed=75 - 25 * n, reviewed=70 - 25 * n)
    counted = (
        words("stage %(n)s", n=pathway.stage)
        if pathway.cycles_count
        else words("not counted (this scheme does not count cycles)")
    )
    expect(page.get_by_role("cell", name=counted, exact=True)).to_have_count(pathway.cycles)
    journey.step(page, "case-with-cycles")
    log_session(journey, page, today, held=60, reviewed=True, label="session-form")
    journey.step(page, "session-logged")
    for n in range(1, pathway.sessions):
        label = "second-session-form" if n == 1 else None  # the same form again
        log_session(journey, page, today, held=60 - 5 * n, reviewed=False, label=label)
    if pathway.statement:
        record_statement(journey, page, today, pathway.statement)
    else:
        page.get_by_role("link", name=words("Progress"), exact=True).click()
    missing = words(
        "The end-of-stage meeting can be requested once every requirement is met. Still missing:"
    )
    expect(page.get_by_text(f"{missing} {pathway.missing}.")).to_be_visible()
    request = page.get_by_role("button", name=words("Request the end-of-stage meeting"))
    expect(request).to_have_count(0)
    journey.step(page, "waiting-for-confirmation")


def confirm_sessions(journey: Journey, page: Page) -> None:
    """The own supervisor confirms the first session from its page and the others together
    from their home page's list."""
    words, count = journey.words, journey.pathway.sessions
    waiting = words.plural("%(num)s session to confirm", "%(num)s sessions to confirm", count)
    page.get_by_role("link", name=waiting).click()
    page.get_by_role("row", name=words("Waiting for confirmation")).first.get_by_role(
        "link"
    ).click()
    journey.step(page, "supervisor-session")
    page.get_by_role("button", name=words("Confirm the session")).click()
    expect(page.get_by_text(words("Session confirmed."))).to_be_visible()
    page.get_by_role("link", name=words("Home"), exact=True).click()
    chosen = page.locator("form").filter(has_text=words("Confirm the chosen sessions"))
    boxes = chosen.get_by_role("checkbox")
    expect(boxes).to_have_count(count - 1)
    for n in range(count - 1):
        boxes.nth(n).check()
    journey.step(page, "supervisor-confirms-the-others")
    chosen.get_by_role("button", name=words("Confirm the chosen sessions")).click()
    confirmed = words.plural("%(num)s session confirmed.", "%(num)s sessions confirmed.", count - 1)
    expect(page.get_by_text(confirmed)).to_be_visible()
    page.get_by_role("link", name=journey.trainee.name).first.click()
    page.get_by_role("link", name=words("Supervision"), exact=True).click()
    total = words("%(h)s h", h=3 * count)
    expect(page.get_by_text(words("Confirmed supervision: %(total)s", total=total))).to_be_visible()


def follow_notification(journey: Journey, page: Page, message: str, label: str) -> None:
    """Open one's notifications (screenshotted under `label`) and follow the one with this
    message."""
    notifications = re.compile(f"^{re.escape(journey.words('Notifications'))}")
    page.get_by_role("link", name=notifications).click()
    journey.step(page, label)
    page.get_by_role("button", name=message).click()


def meeting_link(journey: Journey, status: str) -> str:
    """The enrolment page's link to the open stage meeting, with its status."""
    words = journey.words
    return f"{words('Stage %(n)s meeting', n=journey.pathway.stage)}: {words(status)}"


def request_meeting(journey: Journey, page: Page) -> None:
    """The trainee asks for the end-of-stage meeting once the sessions count."""
    words = journey.words
    page.reload()  # the confirmed sessions now count
    missing = "The end-of-stage meeting can be requested once every requirement is met."
    expect(page.get_by_text(words(f"{missing} Still missing:"))).to_have_count(0)
    page.get_by_role("button", name=words("Request the end-of-stage meeting")).click()
    requested = words("The meeting is requested; a coordinator will name the assessor.")
    expect(page.get_by_text(requested)).to_be_visible()
    expect(page.get_by_text(words("Requested: waiting for an assessor"))).to_be_visible()
    journey.step(page, "meeting-requested")


def name_assessor(journey: Journey, page: Page) -> None:
    """The coordinator follows the notification and names an assessor (never the own
    supervisor: four eyes)."""
    words, number = journey.words, journey.pathway.stage
    asks = "%(name)s asks for the stage %(number)s meeting."
    asked = words(asks, name=journey.trainee.name, number=number)
    follow_notification(journey, page, asked, "coordinator-notifications")
    page.get_by_role(
        "link", name=meeting_link(journey, "Requested: waiting for an assessor")
    ).click()
    assessors = page.get_by_label(words("Assessing supervisor"))
    expect(assessors.locator("option").filter(has_text=journey.supervisor.name)).to_have_count(0)
    assessors.select_option(label=ASSESSOR.name)
    journey.step(page, "name-assessor")
    page.get_by_role("button", name=words("Name assessor")).click()
    expect(page.get_by_text(words("The assessor is named."))).to_be_visible()


def assess(journey: Journey, page: Page) -> None:
    """The assessor follows the notification, holds the meeting and records a pass."""
    words, number = journey.words, journey.pathway.stage
    named = words(
        "%(assessor)s will assess %(name)s's stage %(number)s meeting.",
        assessor=ASSESSOR.name,
        name=journey.trainee.name,
        number=number,
    )
    follow_notification(journey, page, named, "assessor-notifications")
    to_hold = meeting_link(journey, "Assessor named: meeting to be held")
    page.get_by_role("link", name=to_hold).click()
    page.get_by_label(words("Minutes"), exact=True).fill("60")
    clips = page.locator("fieldset", has_text=words("Clips shown"))
    clips.get_by_role("checkbox").first.check()
    page.get_by_label(words("Documents read")).fill(
        journey.say("The case record; the film's moments.")
    )
    page.get_by_label(words("Outcome")).select_option(label=words("Passed"))
    journey.step(page, "outcome-form")
    page.get_by_role("button", name=words("Record outcome")).click()
    expect(page.get_by_text(words("The outcome is recorded."))).to_be_visible()
    expect(page.get_by_text(words("Passed: waiting for ratification"))).to_be_visible()
    matches = words("The evidence still matches what was signed.")
    expect(page.get_by_text(matches)).to_be_visible()
    journey.step(page, "meeting-passed")


def ratify_and_certify(journey: Journey, page: Page) -> str:
    """The coordinator finds the pass on the pipeline dashboard, ratifies it and issues the
    certificate (listed in the public register); its number."""
    words, trainee = journey.words, journey.trainee
    page.get_by_role("link", name=words("Pipeline"), exact=True).click()
    to_ratify = words("Passes to ratify")
    passes = page.locator("section").filter(
        has=page.get_by_role("heading", name=re.compile(f"^{re.escape(to_ratify)}"))
    )
    expect(passes.get_by_role("heading")).to_have_text(f"{to_ratify} (1)")
    journey.step(page, "pipeline")
    passes.get_by_role("link", name=trainee.name).click()
    page.get_by_role("button", name=words("Ratify the pass")).click()
    expect(page.get_by_text(words("Ratified."), exact=True)).to_be_visible()
    journey.step(page, "ratified")
    page.get_by_role("link", name=words("Progress"), exact=True).click()
    expect(page.locator("dl.facts")).to_contain_text(words("Accredited"))
    expect(page.get_by_label(words("Name as printed"))).to_have_value(trainee.name)
    page.get_by_label(words("List in the public register (the holder agreed)")).check()
    journey.step(page, "accredited")
    page.get_by_role("button", name=words("Issue the certificate")).click()
    expect(page.get_by_text(words("Valid."), exact=True)).to_be_visible()
    title = re.escape(words("Certificate %(number)s", number="NUMBER"))
    found = re.search(title.replace("NUMBER", r"(\w{4}-\w{4})"), page.title())
    assert found is not None, page.title()
    number = found.group(1)
    issued = words("Certificate %(number)s is issued.", number=number)
    expect(page.get_by_text(issued)).to_be_visible()
    journey.step(page, "certificate")
    return number


def download(page: Page, link: str, path: Path) -> bytes:
    """Click a download link; the file it gave, kept at `path`."""
    with page.expect_download() as download_info:
        page.get_by_role("link", name=link).click()
    download_info.value.save_as(path)
    return path.read_bytes()


def certificate_pdf(journey: Journey, page: Page, number: str) -> list[str]:
    """The certificate's PDF downloaded from its page (kept beside the screenshots and drawn
    under test-artifacts/documents/); its pages' text."""
    words = journey.words
    kept = journey.steps.folder / "certificate.pdf"
    document = download(page, words("Download the certificate (PDF)"), kept)
    draw_pages(document, f"{journey.steps.folder.name}-certificate")
    texts = page_texts(document)
    assert journey.trainee.name in texts[0] and number in texts[0]
    assert words("Certificate of accreditation") in texts[0], texts[0]
    assert words("This certifies that") in texts[0], texts[0]
    return texts


def portfolio_pdf(journey: Journey, page: Page) -> list[str]:
    """The portfolio asked for in the journey's language from the enrolment page, prepared by
    the background job, and downloaded; its pages' text."""
    words = journey.words
    page.get_by_role("link", name=words("Progress"), exact=True).click()
    page.get_by_label(words("Language of the portfolio")).select_option(words.code)
    page.get_by_role("button", name=words("Prepare the portfolio (PDF)")).click()
    expect(page.get_by_text(words("Ready."))).to_be_visible(timeout=30_000)  # it refreshes
    journey.step(page, "portfolio-ready")
    kept = journey.steps.folder / "portfolio.pdf"
    document = download(page, words("Download the portfolio (PDF)"), kept)
    draw_pages(document, f"{journey.steps.folder.name}-portfolio")
    texts = page_texts(document)
    assert journey.trainee.name in texts[0], texts[0]
    assert words("Accreditation portfolio") in texts[0], texts[0]
    principle = re.sub(r"^\d+\. ", "", journey.pathway.moments[0][0])
    assert any(principle in text for text in texts), texts
    return texts


def verify_in_public(journey: Journey, address: str, locale: str) -> None:
    """A stranger (no session, no cookies) whose browser asks for `locale` checks the
    certificate, finds the holder in the public register, and a number nobody holds."""
    words, live = journey.words, journey.live
    public = journey.new_page(locale)
    public.goto(f"{live.url}{address}")
    expect(public.get_by_text(words("Valid."), exact=True)).to_be_visible()
    facts = public.locator("dl.facts")
    for name in (journey.trainee.name, ASSESSOR.name, journey.supervisor.name):
        expect(facts).to_contain_text(name)
    expect(facts).to_contain_text(journey.pathway.scheme)
    journey.step(public, "verified")
    public.get_by_role("link", name=words("Public register")).click()
    expect(public.get_by_text(journey.trainee.name)).to_be_visible()
    journey.step(public, "register")
    unknown = public.goto(f"{live.url}/verify/NONE-SUCH")
    assert unknown is not None and unknown.status == 404
    nobody = words(
        "No certificate has the number %(number)s. Check it against the printed certificate.",
        number="NONE-SUCH",
    )
    expect(public.get_by_text(nobody)).to_be_visible()
    journey.step(public, "unknown-number")
