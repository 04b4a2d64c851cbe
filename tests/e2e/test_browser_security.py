"""In a real browser: the CSP lets Attune's own stylesheet and script work and blocks nothing on
its pages, other sites cannot frame it, and a signed-out session's cookie is worthless."""

from playwright.sync_api import Browser, expect

from tests.e2e.conftest import LiveApp, sign_in

COORDINATOR = ("coordinator@attune.demo", "demo-coordinator-pass")


def test_own_files_work_under_the_csp_and_nothing_is_blocked(live: LiveApp, browser: Browser):
    page = browser.new_context().new_page()
    blocked: list[str] = []
    page.on(
        "console",
        lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None,
    )
    sign_in(page, live, *COORDINATOR)
    for path in ("/", "/people", "/enrolments", "/account", "/no-such-page"):
        page.goto(f"{live.url}{path}")
        skip_link = page.locator(".skip-link")
        assert skip_link.evaluate("e => getComputedStyle(e).position") == "absolute", path
    assert blocked == []


def test_another_site_cannot_frame_attune(live: LiveApp, browser: Browser):
    page = browser.new_context().new_page()
    with page.expect_console_message(lambda m: "frame-ancestors 'none'" in m.text):
        page.set_content(f'<iframe id="framed" src="{live.url}/login" title="framed"></iframe>')
    frame = page.frame_locator("#framed")
    expect(frame.get_by_role("button", name="Sign in")).to_have_count(0)


def test_a_copied_cookie_stops_working_after_sign_out(live: LiveApp, browser: Browser):
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, live, *COORDINATOR)
    copied = context.cookies()
    thief = browser.new_context()
    thief.add_cookies(copied)
    stolen = thief.new_page()
    stolen.goto(f"{live.url}/account")
    assert stolen.url.endswith("/account")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    stolen.goto(f"{live.url}/account")
    assert "/login" in stolen.url
