"""The main menu on a phone: folded behind one button, opened and closed by keyboard; on a wide
screen always shown; without JavaScript shown and wrapped, never widening the page."""

from playwright.sync_api import Browser, expect

from tests.e2e.conftest import LiveApp, sign_in
from tests.e2e.phone_walk import PHONE

COORDINATOR = ("coordinator@attune.demo", "demo-coordinator-pass")


def test_the_menu_folds_behind_one_button_and_opens_by_keyboard(live: LiveApp, browser: Browser):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    sign_in(page, live, *COORDINATOR)
    menu = page.get_by_role("button", name="Menu")
    retention = page.get_by_role("link", name="Retention")
    expect(menu).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(retention).to_be_hidden()

    menu.focus()
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(retention).to_be_visible()
    box = retention.bounding_box()
    assert box is not None and box["height"] >= 44 and box["x"] + box["width"] <= PHONE["width"]
    page.keyboard.press("Tab")
    page.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_focused()
    expect(retention).to_be_hidden()

    page.set_viewport_size({"width": 1280, "height": 900})
    expect(menu).to_be_hidden()
    expect(retention).to_be_visible()
    context.close()


def test_without_javascript_the_menu_is_open_and_fits(live: LiveApp, browser: Browser):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    sign_in(page, live, *COORDINATOR)
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    expect(page.get_by_role("link", name="Account")).to_be_visible()
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    context.close()
