"""The main forms from the keyboard alone: Tab and Shift+Tab reach each labelled field and the
submit button in the order they are read, every focused element shows a focus ring that stands
out (3:1), the skip link jumps to the content, and Enter or Space submits."""

from playwright.sync_api import Browser, Locator, Page, expect

from tests.e2e.conftest import LiveApp, Steps, sign_in
from tests.e2e.keyboard import MIN_INDICATOR_CONTRAST, Focused, focused, in_reading_order, walk

TRAINEE = ("trainee@attune.demo", "demo-trainee-pass")
COORDINATOR = ("coordinator@attune.demo", "demo-coordinator-pass")


def check_focus_rings(reached: list[Focused]) -> None:
    """Each element focused from the keyboard is drawn with a visible, contrasting focus ring."""
    for element in reached:
        assert element.focus_visible, f"{element.name} does not match :focus-visible"
        assert element.outline_style != "none" and element.outline_width >= 2, element
        assert element.indicator_contrast() >= MIN_INDICATOR_CONTRAST, (
            f"the focus ring of {element.name!r} contrasts {element.indicator_contrast():.2f}:1 "
            f"with {element.background}"
        )


def check_tab_order(page: Page, first: Locator, submit: Locator, names: list[str]) -> None:
    """Tab from the first field reaches `names` in reading order; Shift+Tab walks them back."""
    # Positions are read once the page is laid out: its stylesheet and fonts loaded (on a busy
    # machine a page can be visible, and focusable, before its stylesheet has applied).
    page.wait_for_load_state("load")
    page.evaluate("document.fonts.ready.then(() => true)")
    forward = walk(page, first, submit)
    assert [f.name for f in forward] == names
    assert in_reading_order(forward), [(f.name, f.top, f.left) for f in forward]
    backward = walk(page, submit, first, key="Shift+Tab")
    assert [f.name for f in backward] == names[::-1]
    check_focus_rings(forward[1:] + backward[1:])  # each reached by a key press


def tab_to(page: Page, target: Locator) -> None:
    """Press Tab until `target` has the focus."""
    for _ in range(40):
        if target.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {target}")


def signed_in(browser: Browser, live: LiveApp, account: tuple[str, str]) -> Page:
    """A page of a browser context of its own, signed in."""
    page = browser.new_context().new_page()
    sign_in(page, live, *account)
    return page


def test_sign_in_from_the_keyboard_through_the_skip_link(
    live: LiveApp, browser: Browser, steps: Steps
):
    page = browser.new_context().new_page()
    page.goto(f"{live.url}/login")
    page.keyboard.press("Tab")
    skip = focused(page)
    assert skip is not None and skip.name == "Skip to content"
    expect(page.get_by_role("link", name="Skip to content")).to_be_in_viewport()
    check_focus_rings([skip])
    steps.shot(page, "skip-link")
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")
    assert page.evaluate("() => document.activeElement.id") == "main"
    page.keyboard.press("Tab")  # the first field of the content, past the header
    assert page.get_by_label("E-mail").evaluate("el => el === document.activeElement")

    email, submit = page.get_by_label("E-mail"), page.get_by_role("button", name="Sign in")
    check_tab_order(page, email, submit, ["E-mail", "Password", "Sign in"])
    email.focus()
    page.keyboard.type(TRAINEE[0])
    page.keyboard.press("Tab")
    page.keyboard.type(TRAINEE[1])
    steps.shot(page, "typed")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Hello, Tess Trainee")).to_be_visible()


def test_invite_a_person_from_the_keyboard(live: LiveApp, browser: Browser, steps: Steps):
    page = signed_in(browser, live, COORDINATOR)
    page.goto(f"{live.url}/people/invite")
    email = page.get_by_label("E-mail")
    submit = page.get_by_role("button", name="Send invitation")
    names = [
        "E-mail",
        "Name",
        "Trainee",
        "Supervisor",
        "Coordinator",
        "Supervisor grade",
        "Language",
    ]
    check_tab_order(page, email, submit, [*names, "Send invitation"])

    email.focus()
    page.keyboard.type("kim.keys@example.org")
    page.keyboard.press("Tab")
    page.keyboard.type("Kim Keys")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # ticks "Trainee"
    expect(page.get_by_label("Trainee", exact=True)).to_be_checked()
    steps.shot(page, "invite-typed")
    tab_to(page, submit)
    page.keyboard.press("Space")
    expect(page.get_by_text("An invitation is on its way to kim.keys@example.org.")).to_be_visible()


def test_open_a_case_from_the_keyboard(live: LiveApp, browser: Browser, steps: Steps):
    page = signed_in(browser, live, TRAINEE)
    page.get_by_role("link", name="Cases and cycles").click()
    page.get_by_role("link", name="Open a case").click()
    setting = page.get_by_label("Setting")
    submit = page.get_by_role("button", name="Save case")
    names = ["Setting", "Your own short label (optional)", "Helping question", "Goals"]
    check_tab_order(page, setting, submit, [*names, "Started", "Ended (optional)", "Save case"])

    setting.focus()
    page.keyboard.press("ArrowDown")  # a closed select changes its choice with the arrow keys
    expect(setting).to_have_value("school")
    page.keyboard.press("Tab")
    page.keyboard.type("reading corner")
    page.keyboard.press("Tab")
    page.keyboard.type("How can I help the class to listen to each other?")
    steps.shot(page, "case-typed")
    tab_to(page, submit)
    page.keyboard.press("Enter")
    expect(page.get_by_text("is open. Record the consent next.")).to_be_visible()
    expect(page.get_by_text("How can I help the class to listen to each other?")).to_be_visible()


def test_log_a_supervision_session_from_the_keyboard(live: LiveApp, browser: Browser, steps: Steps):
    page = signed_in(browser, live, TRAINEE)
    page.get_by_role("link", name="Log supervision").click()
    reviewed = [
        label.inner_text().strip()
        for legend in ("Cycles reviewed", "Films reviewed")
        for label in page.locator("fieldset", has_text=legend).locator("label").all()
    ]
    assert reviewed, "the demo trainee has cycles and films to choose from"
    supervisor = page.get_by_label("Supervisor", exact=True)
    submit = page.get_by_role("button", name="Save session")
    check_tab_order(
        page,
        supervisor,
        submit,
        [
            "Supervisor",
            "Held on",
            "Length in minutes",
            "Group session",
            "Held online",
            "The session was filmed",
            *reviewed,
            "Your reflection before the session",
            "Your reflection after the session",
            "Agreed next steps",
            "Save session",
        ],
    )

    tab_to(page, page.get_by_label("Length in minutes"))
    page.keyboard.type("90")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # a group session
    steps.shot(page, "session-typed")
    tab_to(page, submit)
    page.keyboard.press("Space")
    expect(page.get_by_text("Session logged. Your supervisor will confirm it.")).to_be_visible()
    expect(page.get_by_text("1 h 30 min")).to_be_visible()
    expect(page.get_by_text("group, in person")).to_be_visible()


def test_film_and_moment_forms_from_the_keyboard(live: LiveApp, browser: Browser, steps: Steps):
    page = signed_in(browser, live, TRAINEE)
    page.get_by_role("link", name="Cases and cycles").click()
    page.get_by_role("row").filter(has_text="nursery").get_by_role("link").click()
    page.get_by_role("link", name="add a film").last.click()
    names = ["The film shows", "Recorded on", "Length", "Where the footage is kept"]
    check_tab_order(
        page,
        page.get_by_label("The film shows"),
        page.get_by_role("button", name="Save film"),
        [*names, "Covered by the consent", "Save film"],
    )
    tab_to(page, page.get_by_label("Length"))
    page.keyboard.type("8:15")
    page.keyboard.press("Tab")
    page.keyboard.type("Employer's secure drive")
    page.keyboard.press("Enter")  # submits from a text field
    expect(page.get_by_text("Film recorded. Mark its moments below.")).to_be_visible()

    start, submit = page.get_by_label("From"), page.get_by_role("button", name="Mark moment")
    names = ["From", "To", "Principle", "Element (optional)", "Note", "Mark moment"]
    check_tab_order(page, start, submit, names)  # From and To side by side: left, then right
    start.focus()
    page.keyboard.type("1:00")
    page.keyboard.press("Tab")
    page.keyboard.type("1:08")
    steps.shot(page, "moment-typed")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Moment marked.")).to_be_visible()
    expect(page.locator("ol.moments")).to_contain_text("1:00\u20131:08 · Being attentive")
    steps.shot(page, "moment-marked")
