"""In Chromium on a 390 px phone: with more cohorts than a drop-down can hold, the pipeline's
at-risk list takes a typed cohort; names are suggested as one types (static/suggest.js, over
real HTTP), the chosen name filters the list, and a name nothing matches is said beside the
field. Without JavaScript the typed text filters alone."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from app.extensions import db
from app.lists.cohort_filter import DROP_DOWN_MOST
from app.models import CohortKind, User
from app.services.coordination import cohorts
from tests.e2e.accessibility import Axe
from tests.e2e.conftest import LiveApp, Steps, sign_in

COORDINATOR = ("coordinator@attune.demo", "demo-coordinator-pass")
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def axe() -> Axe:
    return Axe.load()


def _row_names(page: Page) -> list[str]:
    return page.locator("table tbody tr td:first-child a").all_inner_texts()


def _many_cohorts_with(live: LiveApp, trainee_name: str) -> None:
    """More cohorts than a drop-down lists, and "Ωμέγα North" holding only `trainee_name`."""
    with live.app.app_context():
        boss = db.session.scalar(select(User).where(User.email == COORDINATOR[0]))
        trainee = db.session.scalar(select(User).where(User.display_name == trainee_name))
        assert boss is not None and trainee is not None
        for number in range(DROP_DOWN_MOST + 1):
            cohorts.create_cohort(boss, f"Course {number:02d}", CohortKind.COURSE, "")
        north = cohorts.create_cohort(boss, "Ωμέγα North", CohortKind.REGION, "")
        cohorts.create_cohort(boss, "Ωμέγα South", CohortKind.REGION, "")
        cohorts.add_members(boss, north, trainee.email)
        db.session.commit()
        db.session.remove()


@pytest.fixture(scope="module")
def at_risk(live: LiveApp, browser: Browser) -> list[str]:
    """The at-risk list's trainees as the demo has them; the first alone in "Ωμέγα North"."""
    page = browser.new_page()
    sign_in(page, live, *COORDINATOR)
    page.goto(f"{live.url}/coordination/at-risk")
    everyone = _row_names(page)
    page.close()
    assert everyone, "the demo has a trainee at risk"
    _many_cohorts_with(live, everyone[0])
    return everyone


def _fits(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_a_cohort_is_typed_with_names_suggested_on_a_phone(
    live: LiveApp, browser: Browser, steps: Steps, axe: Axe, at_risk: list[str]
):
    page = browser.new_page(viewport=PHONE)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, live, *COORDINATOR)
    page.goto(f"{live.url}/coordination/at-risk")
    field = page.get_by_label("Cohort", exact=True)
    expect(field).to_have_attribute("type", "search")
    assert page.locator("select#cohort").count() == 0
    field.press_sequentially("ωμέ")
    suggested = page.locator("#cohort_name-names option")
    expect(suggested).to_have_count(2)
    assert [o.get_attribute("value") for o in suggested.all()] == ["Ωμέγα North", "Ωμέγα South"]
    assert _fits(page)
    steps.shot(page, "names-suggested")
    axe.check(page, "the at-risk list with a typed cohort")

    field.fill("Ωμέγα North")  # as choosing the suggestion writes it
    field.press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]cohort_name=%CE%A9%CE%BC%CE%AD%CE%B3%CE%B1\+North&"))
    assert _row_names(page) == [at_risk[0]]
    expect(page.get_by_label("Cohort", exact=True)).to_have_value("Ωμέγα North")
    steps.shot(page, "filtered")

    page.get_by_label("Cohort", exact=True).fill("ωμέγα south")  # nobody at risk in it
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_label("Cohort", exact=True)).to_have_value("ωμέγα south")
    assert _row_names(page) == [] and page.locator("#cohort_name-error").count() == 0

    page.get_by_label("Cohort", exact=True).fill("Bradford")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("No cohort's name contains “Bradford”.")).to_be_visible()
    expect(page.get_by_label("Cohort", exact=True)).to_have_attribute("aria-invalid", "true")
    assert _row_names(page) == [] and _fits(page)
    steps.shot(page, "nothing-matched")
    axe.check(page, "a cohort nothing matches")
    assert errors == []


def test_without_javascript_the_typed_name_filters_alone(
    live: LiveApp, browser: Browser, at_risk: list[str]
):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    sign_in(page, live, *COORDINATOR)
    page.goto(f"{live.url}/coordination/at-risk")
    field = page.get_by_label("Cohort", exact=True)
    field.fill("ωμέγα")
    field.press("Enter")
    expect(page.get_by_text("2 cohorts' names contain “ωμέγα”")).to_be_visible()
    assert _row_names(page) == [at_risk[0]]
    assert page.locator("#cohort_name-names option").count() == 0  # nothing suggested
    context.close()
