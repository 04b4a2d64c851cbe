"""In Chromium: second factors end to end. A passkey made on the security page (Chromium's virtual
authenticator stands in for the phone) signs in alone, with no e-mail typed, and as the step after
the password; an authenticator app's code (pyotp plays the app) signs in once and never twice; a
role that must have a second factor holds its holders at the set-up until they have one; a
credential made for another origin or another challenge is refused; and the pages fit a phone and
pass axe.

WebAuthn refuses an IP address as a relying party ("This is an invalid domain"), so this module
serves the app as http://localhost:PORT (its BASE_URL, and so its passkeys' rp id, follows)."""

import base64
import json
import re
import secrets
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pyotp
import pytest
from playwright.sync_api import Browser, BrowserContext, CDPSession, Page, expect
from sqlalchemy import delete, select
from webauthn import base64url_to_bytes

from app.errors import RuleViolation
from app.extensions import db
from app.models import AuthenticatorApp, Passkey, RecoveryCode, Role, SecondFactorPolicy, User
from app.services.second_factor import passkeys, policy
from app.services.second_factor.passkeys import RelyingParty
from tests.e2e.accessibility import Axe
from tests.e2e.conftest import LiveApp, Steps, sign_in

SUPERVISOR = ("supervisor@attune.demo", "demo-supervisor-pass")
ASSESSOR = ("assessor@attune.demo", "demo-assessor-pass")
COORDINATOR = ("coordinator@attune.demo", "demo-coordinator-pass")
TRAINEE = ("trainee@attune.demo", "demo-trainee-pass")
HOST = "localhost"
PHONE = {"width": 390, "height": 844}
STEP_SECONDS = 30
AUTHENTICATOR = {
    "protocol": "ctap2",
    "transport": "internal",
    "hasResidentKey": True,
    "hasUserVerification": True,
    "isUserVerified": True,
    "automaticPresenceSimulation": True,
}
RECOVERY_CODE = re.compile(r"^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$")

# Runs in the page: what the security page's own script would do to create a passkey, stopping
# before the credential is sent, so the test can check it against another origin or challenge.
_CREATE_ONLY = """async () => {
  const form = document.querySelector("form[data-passkey=create]");
  const response = await fetch(form.dataset.options, {
    method: "POST", credentials: "same-origin",
    headers: {"Content-Type": "application/json", "X-CSRFToken": form.dataset.csrf}, body: "{}",
  });
  const options = await response.json();
  const publicKey = PublicKeyCredential.parseCreationOptionsFromJSON(options);
  const credential = await navigator.credentials.create({publicKey});
  return {credential: credential.toJSON(), challenge: options.challenge, rpId: options.rp.id};
}"""


@pytest.fixture(scope="module")
def live(live: LiveApp) -> LiveApp:
    """The module's served app, addressed (and configured) as localhost rather than 127.0.0.1."""
    url = f"http://{HOST}:{urlsplit(live.url).port}"
    live.app.config["BASE_URL"] = url
    return LiveApp(live.app, url, live.issuer_cert)


@pytest.fixture(scope="module")
def axe() -> Axe:
    """axe-core, or a skip when it is not installed."""
    return Axe.load()


@pytest.fixture(autouse=True)
def no_second_factors(live: LiveApp) -> Iterator[None]:
    """Each test starts, and leaves, the demo with no second factor set up and no policy chosen."""
    _clear(live)
    yield
    _clear(live)


def _clear(live: LiveApp) -> None:
    with live.app.app_context():
        for model in (Passkey, AuthenticatorApp, RecoveryCode, SecondFactorPolicy):
            db.session.execute(delete(model))
        db.session.commit()
        db.session.remove()


def _context(browser: Browser, **options: Any) -> tuple[BrowserContext, Page, list[str]]:
    """A fresh context (no cookies shared with other tests), its page and its script errors."""
    context = browser.new_context(**options)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return context, page, errors


def _authenticator(context: BrowserContext, page: Page) -> tuple[CDPSession, str]:
    """Chromium's virtual platform authenticator (user verified, touched at once) for `page`."""
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": AUTHENTICATOR})
    return cdp, added["authenticatorId"]


def _credentials(cdp: CDPSession, authenticator: str) -> list[dict[str, Any]]:
    return cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]


def _password_only(page: Page, live: LiveApp, email: str, password: str) -> None:
    """Type the right password, without waiting for any particular page."""
    page.goto(f"{live.url}/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()


def _signed_in_as(page: Page, live: LiveApp, name: str) -> None:
    expect(page).to_have_url(f"{live.url}/")
    expect(page.locator(".sign-out .who")).to_have_text(name)


def _user(email: str) -> User:
    found = db.session.scalar(select(User).where(User.email == email))
    assert found is not None, email
    return found


def _add_passkey(page: Page, live: LiveApp, name: str) -> None:
    page.goto(f"{live.url}/account/security")
    page.get_by_label("Name of this passkey").fill(name)
    page.get_by_role("button", name="Add a passkey").click()
    page.wait_for_url(f"{live.url}/account/security?added=passkey")


def _set_up_app(page: Page, live: LiveApp) -> tuple[str, int]:
    """Start an authenticator app from the security page and confirm it with the code it shows
    now; its secret and the 30-second step that code belonged to (used up by the confirmation)."""
    page.goto(f"{live.url}/account/security")
    page.get_by_role("button", name="Set up an authenticator app").click()
    expect(page).to_have_url(f"{live.url}/account/security/app")
    expect(page.get_by_role("heading", name="Set up an authenticator app")).to_be_visible()
    expect(page.locator("figure.qr svg")).to_be_visible()
    secret = "".join(page.locator("code.secret").inner_text().split())
    assert re.fullmatch(r"[A-Z2-7]{32}", secret), secret
    step = int(time.time()) // STEP_SECONDS
    page.get_by_label("Code").fill(_code(secret, step))
    page.get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(f"{live.url}/account/security")
    expect(page.get_by_text("Your authenticator app is set up.")).to_be_visible()
    expect(page.get_by_text("You sign in with a code from your authenticator app.")).to_be_visible()
    return secret, step


def _code(secret: str, step: int) -> str:
    """The code an authenticator app with `secret` shows during 30-second step `step`."""
    return pyotp.TOTP(secret).at(step * STEP_SECONDS)


def _fits_the_phone(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} scrolls sideways to {width} px"


def test_a_passkey_signs_in_alone_and_as_the_second_step(
    live: LiveApp, browser: Browser, steps: Steps
):
    context, page, errors = _context(browser)
    cdp, authenticator = _authenticator(context, page)
    sign_in(page, live, *SUPERVISOR)
    page.goto(f"{live.url}/account/security")
    expect(page.get_by_text("No passkey yet.")).to_be_visible()
    # Recovery codes stand in for a lost factor: none can be made before a factor exists.
    expect(page.get_by_role("button", name="Make recovery codes")).to_have_count(0)

    _add_passkey(page, live, "My phone")
    listed = page.locator(".factor-list li")
    expect(listed).to_have_count(1)
    expect(listed).to_contain_text("My phone")
    expect(listed).to_contain_text("not used yet")
    steps.shot(page, "passkey-added")
    made = _credentials(cdp, authenticator)
    assert len(made) == 1
    assert made[0]["isResidentCredential"] is True  # discoverable: it names its owner
    assert made[0]["rpId"] == HOST
    assert made[0]["userName"] == SUPERVISOR[0]
    with live.app.app_context():
        supervisor = _user(SUPERVISOR[0])
        kept = passkeys.passkeys_of(supervisor)
        assert [p.name for p in kept] == ["My phone"]
        assert kept[0].credential_id == base64.b64decode(made[0]["credentialId"])
        assert base64.b64decode(made[0]["userHandle"]) == supervisor.passkey_handle
        db.session.remove()

    page.get_by_role("button", name="Make recovery codes").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    expect(page.get_by_text("They are shown only this once.")).to_be_visible()
    codes = page.locator("ol.recovery-codes code").all_inner_texts()
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(RECOVERY_CODE.match(code) for code in codes), codes
    steps.shot(page, "recovery-codes")
    page.get_by_role("link", name="I have kept them").click()
    expect(page.get_by_text("10 unused recovery codes.")).to_be_visible()
    assert not any(code in page.content() for code in codes)  # shown once, never again
    expect(page.get_by_role("button", name="Make new recovery codes")).to_be_visible()

    # Signed out, the passkey alone signs in: no e-mail typed, the credential names its owner.
    _sign_out(page)
    expect(page.get_by_label("E-mail")).to_have_value("")
    page.get_by_role("button", name="Use a passkey").click()
    page.wait_for_url(f"{live.url}/")
    _signed_in_as(page, live, "Sam Supervisor")
    page.goto(f"{live.url}/account/security")
    expect(listed).to_contain_text("last used")
    expect(listed).not_to_contain_text("not used yet")
    steps.shot(page, "passkey-used")

    # With a passkey, the password alone is not enough: the second step asks for it.
    _sign_out(page)
    _password_only(page, live, *SUPERVISOR)
    page.wait_for_url(f"{live.url}/login/second-step")
    expect(page.get_by_role("heading", name="Confirm it is you")).to_be_visible()
    page.goto(f"{live.url}/account/security")
    assert "/login" in page.url  # not signed in yet
    page.goto(f"{live.url}/login/second-step")
    steps.shot(page, "second-step")
    page.get_by_role("button", name="Use my passkey").click()
    page.wait_for_url(f"{live.url}/")
    _signed_in_as(page, live, "Sam Supervisor")
    # Both sign-ins were signed by this authenticator, which counted them.
    assert _credentials(cdp, authenticator)[0]["signCount"] == made[0]["signCount"] + 2
    assert errors == []
    context.close()


def test_an_authenticator_code_signs_in_once_and_never_twice(
    live: LiveApp, browser: Browser, steps: Steps
):
    context, page, errors = _context(browser)
    sign_in(page, live, *ASSESSOR)
    secret, confirmed = _set_up_app(page, live)
    steps.shot(page, "app-set-up")
    _sign_out(page)
    context.close()

    # The app's next code (accepted a step early, as for a phone whose clock runs fast): the one
    # confirming the set-up is used up, and this keeps the test from waiting out the step.
    code = _code(secret, confirmed + 1)
    context, page, errors = _context(browser)
    _password_only(page, live, *ASSESSOR)
    page.wait_for_url(f"{live.url}/login/second-step")
    expect(page.get_by_role("button", name="Use my passkey")).to_have_count(0)  # none made
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{live.url}/")
    _signed_in_as(page, live, "Ada Assessor")
    assert errors == []
    context.close()

    # The same code, typed again in another browser within its time, is refused: seen once only.
    context, page, errors = _context(browser)
    _password_only(page, live, *ASSESSOR)
    page.wait_for_url(f"{live.url}/login/second-step")
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("That code was used already. Wait for the next one.")).to_be_visible()
    expect(page).to_have_url(f"{live.url}/login/second-step")
    steps.shot(page, "code-replayed")
    # So is the code that confirmed the set-up.
    page.get_by_label("Code").fill(_code(secret, confirmed))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("That code was used already. Wait for the next one.")).to_be_visible()
    page.goto(f"{live.url}/")
    assert "/login" in page.url  # still not signed in
    assert errors == []
    context.close()


def test_a_role_that_needs_a_second_factor_is_held_at_the_set_up(
    live: LiveApp, browser: Browser, steps: Steps
):
    context, page, errors = _context(browser)
    sign_in(page, live, *COORDINATOR)
    page.goto(f"{live.url}/people/second-factor-policy")
    coordinators = page.get_by_label("Coordinators")
    expect(coordinators).not_to_be_checked()  # the test configuration requires no role
    coordinators.check()
    page.get_by_role("button", name="Save the policy").click()
    expect(page.get_by_text("The policy is saved.")).to_be_visible()
    expect(page.get_by_label("Coordinators")).to_be_checked()
    expect(page.get_by_label("Supervisors (and so assessors)")).not_to_be_checked()
    expect(page.get_by_label("Trainees")).not_to_be_checked()
    with live.app.app_context():
        assert policy.required_roles() == {Role.COORDINATOR}
        db.session.remove()
    _sign_out(page)

    # The password still signs in, but only as far as setting up a second factor.
    _password_only(page, live, *COORDINATOR)
    page.wait_for_url(f"{live.url}/account/security")
    expect(page.get_by_text("Your role needs a second factor.")).to_be_visible()
    steps.shot(page, "held")
    for path in ("/", "/people", "/coordination", "/people/second-factor-policy"):
        page.goto(f"{live.url}{path}")
        expect(page).to_have_url(f"{live.url}/account/security")
    _set_up_app(page, live)
    expect(page.get_by_text("Your role needs a second factor.")).to_have_count(0)
    steps.shot(page, "released")
    page.goto(f"{live.url}/")
    expect(page).to_have_url(f"{live.url}/")
    page.goto(f"{live.url}/people")
    expect(page).to_have_url(f"{live.url}/people")

    # Back as it was: no role required (the rest of the module signs in with passwords).
    page.goto(f"{live.url}/people/second-factor-policy")
    page.get_by_label("Coordinators").uncheck()
    page.get_by_role("button", name="Save the policy").click()
    expect(page.get_by_text("The policy is saved.")).to_be_visible()
    expect(page.get_by_label("Coordinators")).not_to_be_checked()
    with live.app.app_context():
        assert policy.required_roles() == set()
        db.session.remove()
    assert errors == []
    context.close()


def test_a_credential_for_another_origin_or_challenge_is_refused(live: LiveApp, browser: Browser):
    context, page, errors = _context(browser)
    _authenticator(context, page)
    sign_in(page, live, *TRAINEE)
    page.goto(f"{live.url}/account/security")
    made = page.evaluate(_CREATE_ONLY)
    assert made["rpId"] == HOST
    credential = json.dumps(made["credential"])
    challenge = base64url_to_bytes(made["challenge"])
    assert len(challenge) == 32
    with live.app.app_context():
        trainee = _user(TRAINEE[0])
        elsewhere = RelyingParty(HOST, "Attune", f"http://{HOST}:1")
        with pytest.raises(RuleViolation):
            passkeys.register(trainee, elsewhere, "x", credential, challenge)
        here = RelyingParty(HOST, "Attune", live.url)
        other_challenge = secrets.token_bytes(32)
        assert other_challenge != challenge
        with pytest.raises(RuleViolation):
            passkeys.register(trainee, here, "x", credential, other_challenge)
        other_site = RelyingParty("example.com", "Attune", live.url)
        with pytest.raises(RuleViolation):
            passkeys.register(trainee, other_site, "x", credential, challenge)
        # The control: the same credential, checked against this site and its own challenge.
        kept = passkeys.register(trainee, here, "x", credential, challenge)
        assert kept.user_id == trainee.id and kept.name == "x"
        assert kept.credential_id == base64url_to_bytes(made["credential"]["rawId"])
        db.session.rollback()
        assert passkeys.passkeys_of(trainee) == []
        db.session.remove()
    assert errors == []
    context.close()


def test_the_pages_fit_a_phone_and_pass_axe(
    live: LiveApp, browser: Browser, steps: Steps, axe: Axe
):
    context, page, errors = _context(browser, viewport=PHONE)
    _authenticator(context, page)
    sign_in(page, live, *SUPERVISOR)
    page.goto(f"{live.url}/account/security")
    expect(page.get_by_role("button", name="Add a passkey")).to_be_visible()  # script ran
    _fits_the_phone(page)
    axe.check(page, "the security page, nothing set up")

    _add_passkey(page, live, "A phone with a rather long name for its passkey")
    page.get_by_role("button", name="Set up an authenticator app").click()
    expect(page).to_have_url(f"{live.url}/account/security/app")
    expect(page.locator("figure.qr svg")).to_be_visible()
    _fits_the_phone(page)
    axe.check(page, "the authenticator app's set-up")
    steps.shot(page, "app-set-up")
    secret = "".join(page.locator("code.secret").inner_text().split())
    page.get_by_label("Code").fill("12345")  # five digits: never a code
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("That code does not match.")).to_be_visible()
    _fits_the_phone(page)
    axe.check(page, "the set-up's wrong code")
    page.get_by_label("Code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("Your authenticator app is set up.")).to_be_visible()
    page.get_by_role("button", name="Make recovery codes").click()
    _fits_the_phone(page)
    axe.check(page, "the recovery codes")
    page.get_by_role("link", name="I have kept them").click()
    expect(page.locator(".factor-list li")).to_have_count(1)
    _fits_the_phone(page)
    axe.check(page, "the security page, everything set up")
    steps.shot(page, "security")
    assert errors == []
    context.close()

    context, page, errors = _context(browser, viewport=PHONE)
    _authenticator(context, page)
    page.goto(f"{live.url}/login")
    expect(page.get_by_role("button", name="Use a passkey")).to_be_visible()
    _fits_the_phone(page)
    axe.check(page, "the sign-in page with its passkey button")
    _password_only(page, live, *SUPERVISOR)
    page.wait_for_url(f"{live.url}/login/second-step")
    expect(page.get_by_role("button", name="Use my passkey")).to_be_visible()
    _fits_the_phone(page)
    axe.check(page, "the second step")
    steps.shot(page, "second-step")
    page.get_by_label("Code").fill("not-a-code")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("That code does not match. Type the newest code.")).to_be_visible()
    _fits_the_phone(page)
    axe.check(page, "the second step's wrong code")
    assert errors == []
    context.close()
