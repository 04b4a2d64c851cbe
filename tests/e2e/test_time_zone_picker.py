"""In Chromium: the account page's time zone (static/timezone.js) is found by searching a country
or a city, then chosen by country and city, from the keyboard; without JavaScript the list
grouped by country works alone."""

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.accessibility import Axe
from tests.e2e.conftest import LiveApp, Steps, sign_in

TRAINEE = ("trainee@attune.demo", "demo-trainee-pass")


@pytest.fixture(scope="module")
def axe() -> Axe:
    """axe-core, or a skip when it is not installed."""
    return Axe.load()


def test_search_a_city_then_choose_by_country_and_city(
    live: LiveApp, browser: Browser, steps: Steps, axe: Axe
):
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, live, *TRAINEE)
    page.goto(f"{live.url}/account")
    search = page.get_by_label("Search for a country or city")
    country, city = page.get_by_label("Country", exact=True), page.get_by_label("City", exact=True)
    # The saved zone is shown as its country and city.
    expect(country.locator("option:checked")).to_have_text("United Kingdom")
    expect(city).to_have_value("Europe/London")

    search.fill("chicago")
    expect(country.locator("option")).to_have_text(["United States"])
    expect(city.locator("option")).to_have_text(["Chicago (Central Time)"])
    expect(city).to_have_value("America/Chicago")
    steps.shot(page, "a-city-found")

    search.fill("zurich")  # typed without its accent
    expect(country.locator("option")).to_have_text(["Switzerland"])
    expect(city).to_have_value("Europe/Zurich")

    axe.check(page, "time zone search")

    search.fill("zzzz")
    expect(page.get_by_role("status")).to_have_text(
        "No country or city matches. Try another spelling."
    )

    # From the keyboard: type into the search, Enter does not send the form, Tab to the lists.
    search.fill("")
    search.press_sequentially("new zeal")
    search.press("Enter")
    expect(page).to_have_url(f"{live.url}/account")
    # Antarctica's McMurdo keeps New Zealand Time: zone names are searched too.
    expect(country.locator("option")).to_have_text(["Antarctica", "New Zealand"])
    expect(city.locator("option")).to_have_text(["McMurdo Station (New Zealand Time)"])
    search.press("Tab")
    expect(country).to_be_focused()
    country.press("ArrowDown")
    expect(country.locator("option:checked")).to_have_text("New Zealand")
    expect(city.locator("option")).to_have_text(
        ["Auckland (New Zealand Time)", "Chatham Islands (Chatham Time)"]
    )
    country.press("Tab")
    expect(city).to_be_focused()
    city.select_option(label="Auckland (New Zealand Time)")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Your profile is saved.")).to_be_visible()
    expect(page.get_by_label("Country", exact=True).locator("option:checked")).to_have_text(
        "New Zealand"
    )
    expect(page.get_by_label("City", exact=True)).to_have_value("Pacific/Auckland")
    steps.shot(page, "saved")

    # A country chosen from its list offers its own cities.
    page.get_by_label("Country", exact=True).select_option(label="Japan")
    expect(page.get_by_label("City", exact=True).locator("option")).to_have_text(["Tokyo"])
    assert errors == []
    page.close()


def test_without_javascript_the_list_is_grouped_by_country(live: LiveApp, browser: Browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, live, *TRAINEE)
    page.goto(f"{live.url}/account")
    zones = page.get_by_label("Time zone")
    expect(zones.locator("optgroup[label='United States'] option")).to_have_count(29)
    expect(page.get_by_label("Country", exact=True)).to_have_count(0)
    zones.select_option("Asia/Tokyo")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Your profile is saved.")).to_be_visible()
    expect(page.get_by_label("Time zone")).to_have_value("Asia/Tokyo")
    context.close()
