"""Through the pages, in Dutch, from invitation to public verification: the coordinator (the
demo's, English until they choose Dutch on their account page) invites a supervisor and a trainee
in Dutch; their invitations arrive in Dutch and Dutch browsers follow them; the trainee records a
case with consent, a cycle, a film with moments and eight supervision sessions; the supervisor
confirms them; the trainee asks for the final review; an assessor (who also chose Dutch) passes
it; the coordinator ratifies and issues the certificate; the certificate and the portfolio (asked
for in Dutch) are downloaded and read back in Dutch; a Dutch stranger verifies the certificate.
Each notification followed is read in Dutch. The steps are the English journey's
(tests/e2e/journey.py), every text looked for read from the Dutch catalogue; screenshots are kept
under test-artifacts/e2e/test_the_whole_journey_in_dutch/.

The scheme: the Dutch/Flemish certificate's last stage (stage 2: eight supervisions, then the
final review for the certificate), with its own Dutch wording.
"""

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e import journey as steps_of
from tests.e2e.accessibility import Axe
from tests.e2e.conftest import LiveApp, Steps, sign_in
from tests.e2e.journey import ASSESSOR, COORDINATOR, Journey, Pathway, Person, Words
from tests.smtp_server import Inbox

DUTCH_BROWSER = "nl-NL"
VIB = Pathway(
    scheme="Certificaat video-interactiebegeleiding (Nederland en Vlaanderen)",
    stage=2,
    stage_title="Tweede helft",
    cycles=1,
    cycles_count=False,
    sessions=8,
    missing="Nog 8 supervisies",
    statement=None,
    moments=(
        ("1. Aandachtig zijn", "Je naar de ander toewenden"),
        ("5. Begeleiden", "Hulp geven als dat nodig is"),
    ),
)
# What the trainee and the assessor type, in Dutch.
SAYS = {
    "bath time": "badtijd",
    "How can I help him to wait for his turn?": "Hoe kan ik hem helpen op zijn beurt te wachten?",
    "Short turns in play, and more shared smiles.": "Korte beurten, vaker samen lachen.",
    "parent": "ouder",
    "He waited for my turn twice; we named it.": "Hij wachtte twee keer; we benoemden het.",
    "Employer's secure drive": "Beveiligde schijf van de werkgever",
    "He looked up.": "Hij keek op.",
    "She chose, then went on.": "Zij koos, en ging toen verder.",
    "How I wait.": "Hoe ik wacht.",
    "I give second turns.": "Ik geef vaker een tweede beurt.",
    "Name what went well, then wait.": "Benoem wat goed ging, en wacht dan.",
    "The case record; the film's moments.": "Het casusdossier; de momenten uit de film.",
}
TRAINEE = Person("Noor van Dijk", "noor.vandijk@example.org", "noor-kiest-vier-losse-woorden")
SUPERVISOR = Person("Joost Bakker", "joost.bakker@example.org", "joost-kiest-vier-losse-woorden")


@pytest.fixture(scope="module")
def axe() -> Axe:
    """axe-core, or a skip (before the app is built) when it is not installed."""
    return Axe.load()


def test_the_whole_journey_in_dutch(
    axe: Axe, live: LiveApp, browser: Browser, steps: Steps, smtp: Inbox
):
    english, words = Words("en"), Words("nl")
    journey = Journey(live, browser, steps, axe, smtp, words, VIB, TRAINEE, SUPERVISOR, SAYS)

    # The demo's coordinator and advanced supervisor speak English until they choose Dutch.
    coordinator = journey.new_page()
    sign_in(coordinator, live, COORDINATOR.email, COORDINATOR.password)
    steps_of.choose_language(journey, coordinator, english, "coordinator")
    assessor = journey.new_page()
    sign_in(assessor, live, ASSESSOR.email, ASSESSOR.password)
    steps_of.choose_language(journey, assessor, english, "assessor")
    dutch_since = len(smtp.messages)
    steps_of.invite(journey, coordinator, SUPERVISOR, "Supervisor", grade="Supervisor")
    steps_of.invite(journey, coordinator, TRAINEE, "Trainee")
    journey.step(coordinator, "trainee-invited")
    today = steps_of.enrol(journey, coordinator)

    trainee = steps_of.accept_invitation(journey, TRAINEE, "trainee", DUTCH_BROWSER)
    expect(trainee.get_by_text("Fase 2: Tweede helft")).to_be_visible()
    journey.step(trainee, "trainee-home")
    steps_of.record_the_stage(journey, trainee, today)

    supervisor = steps_of.accept_invitation(journey, SUPERVISOR, "supervisor", DUTCH_BROWSER)
    expect(supervisor.get_by_role("link", name=TRAINEE.name)).to_be_visible()
    journey.step(supervisor, "supervisor-home")
    steps_of.confirm_sessions(journey, supervisor)
    journey.step(supervisor, "sessions-confirmed")

    steps_of.request_meeting(journey, trainee)
    steps_of.name_assessor(journey, coordinator)
    steps_of.assess(journey, assessor)
    number = steps_of.ratify_and_certify(journey, coordinator)

    # The certificate is drawn in its holder's language, the portfolio in the one asked for.
    text = steps_of.certificate_pdf(journey, coordinator, number)[0]
    assert words("has met every requirement of the %(scheme)s", scheme=VIB.scheme) in text, text
    assert "Certificate of accreditation" not in text and "This certifies" not in text
    address = coordinator.locator("a[href^='/verify/']").get_attribute("href")
    assert address == f"/verify/{number}"
    portfolio = " ".join(steps_of.portfolio_pdf(journey, trainee))
    assert "Hulp geven als dat nodig is" in portfolio and "Tweede helft" in portfolio
    assert "Accreditation portfolio" not in portfolio and "Giving help" not in portfolio
    steps_of.verify_in_public(journey, address, DUTCH_BROWSER)

    trainee.get_by_role("link", name=words("Home"), exact=True).click()
    expect(trainee.get_by_text(words("Accredited"))).to_be_visible()
    journey.step(trainee, "trainee-accredited")

    # Every e-mail the four received since they all speak Dutch is in Dutch: the invitations,
    # the sessions waiting for the supervisor, the meeting's, the accreditation, the certificate.
    assert len(steps_of.mail_to(journey, SUPERVISOR)) == 1 + VIB.sessions + 3
    issued = words("Your certificate %(number)s is issued.", number=number)
    received = steps_of.mail_to(journey, TRAINEE)
    assert words("Attune: %(message)s", message=issued) in [m["Subject"] for m in received]
    for person in (COORDINATOR, ASSESSOR):
        assert steps_of.mail_to(journey, person, dutch_since)
