"""On a phone, every page of every demo role fits: a walk over every page each demo role reaches
by links (and /verify as a visitor, the page a certificate's QR code opens) at 390x844 finds no
sideways scroll (also at 320 px) and no serious axe-core violation (WCAG 2.2 AA included: tap
targets of 24x24 px). Screenshots of the pages people use most are kept at phone and desktop
size under test-artifacts/e2e/phone-and-desktop/."""

import shutil

import pytest
from playwright.sync_api import Browser, Page
from sqlalchemy import select, update

from app.extensions import db
from app.models import Certificate, User
from tests.e2e.accessibility import Axe
from tests.e2e.conftest import ARTIFACTS, LiveApp, sign_in
from tests.e2e.phone_walk import ACCOUNTS, DESKTOP, MUST_REACH, PHONE, WalkResult, pattern, walk

# The pages people use most, kept as screenshots at both sizes.
SHOWN = ("/", "/films/{id}", "/sessions/{id}", "/coordination", "/verify/{number}")
SHOTS = ARTIFACTS / "phone-and-desktop"


@pytest.fixture(scope="module")
def axe() -> Axe:
    return Axe.load()


@pytest.fixture(scope="module")
def shots():
    shutil.rmtree(SHOTS, ignore_errors=True)
    SHOTS.mkdir(parents=True)
    return SHOTS


def _certificate_numbers(live: LiveApp) -> list[str]:
    with live.app.app_context():
        numbers = list(db.session.scalars(select(Certificate.number)))
        db.session.remove()
    assert numbers
    return numbers


def _kinds(result: WalkResult) -> set[str]:
    return {"/verify/{number}" if p.startswith("/verify/") else p for p in result.patterns()}


def _keep_shots(page: Page, base: str, role: str, result: WalkResult, folder) -> int:
    kept, done = 0, set()
    for path in result.visited:
        kind = "/verify/{number}" if path.startswith("/verify/") else pattern(path)
        if kind not in SHOWN or kind in done:
            continue
        done.add(kind)
        name = (
            role
            + "-"
            + (kind.strip("/").replace("/", "-").replace("{", "").replace("}", "") or "home")
        )
        page.goto(base + path)
        for label, size in (("phone", PHONE), ("desktop", DESKTOP)):
            page.set_viewport_size(size)
            page.screenshot(path=folder / f"{name}-{label}.png", full_page=True)
            kept += 1
    return kept


def _read_in(live: LiveApp, email: str, language: str) -> None:
    """The account's language, as chosen on its account page."""
    with live.app.app_context():
        db.session.execute(update(User).where(User.email == email).values(locale=language))
        db.session.commit()
        db.session.remove()


@pytest.mark.parametrize("language", ["en", "nl"])
@pytest.mark.parametrize("role", list(ACCOUNTS))
def test_every_page_fits_a_phone(
    live: LiveApp, browser: Browser, axe: Axe, shots, role: str, language: str
):
    """In English and in Dutch (longer words: "Supervisiesessies", "Voortgangsoverzicht"): the
    visitor's browser asks for the language, a signed-in person's account chooses it."""
    account = ACCOUNTS[role]
    asks = "en" if account else language  # signed in, the account's language applies
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=1, has_touch=True, locale=asks
    )
    page = context.new_page()
    if account:
        sign_in(page, live, *account)
        _read_in(live, account[0], language)
        starts = ["/"]
    else:
        starts = ["/", "/login", "/register", *(f"/verify/{n}" for n in _certificate_numbers(live))]
    try:
        result = walk(page, live.url, starts, axe)
        if language == "nl":
            assert page.locator("html").get_attribute("lang") == "nl"  # as the page says
        kept = _keep_shots(page, live.url, f"{role}-{language}", result, shots)
    finally:
        if account:
            _read_in(live, account[0], "en")
        context.close()

    missing = MUST_REACH[role] - _kinds(result)
    assert not missing, f"{role} never reached {sorted(missing)}; reached:\n" + "\n".join(
        sorted(_kinds(result))
    )
    assert kept >= 2
    assert not result.overflow, "Pages that scroll sideways:\n" + "\n".join(result.overflow)
    assert not result.accessibility, "Accessibility violations:\n" + "\n".join(result.accessibility)
