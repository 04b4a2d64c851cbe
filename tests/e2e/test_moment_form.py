"""In Chromium: the moment form's element list follows the chosen principle (static/moments.js),
the player's time marks a moment (buttons and the M key), the timeline shows the moments; and
without JavaScript every element is still offered and the timeline still drawn."""

import io

from playwright.sync_api import Browser, expect
from sqlalchemy import select

from app.extensions import db
from app.models import Case, Cycle, Enrolment, Film, Principle, User
from app.services.evidence import clips
from app.services.evidence import locks as evidence_locks
from app.storage import clip_storage
from tests.builders.evidence import mp4_bytes
from tests.e2e.conftest import LiveApp, Steps, sign_in

TRAINEE = ("trainee@attune.demo", "demo-trainee-pass")


def _film_and_principles(live: LiveApp) -> tuple[int, list[tuple[str, list[str]]]]:
    """A film of the demo trainee that no sign-off locks (a locked film offers no moment form),
    and each principle of its framework with its elements."""
    with live.app.app_context():
        films = db.session.scalars(
            select(Film)
            .join(Cycle)
            .join(Case)
            .join(Enrolment)
            .join(User, Enrolment.trainee)
            .where(User.email == TRAINEE[0])
            .order_by(Film.id)
        ).all()
        film = next((f for f in films if evidence_locks.lock_on(f) is None), None)
        assert film is not None, "the demo trainee has no film open to new moments"
        framework_id = film.cycle.case.enrolment.scheme.framework_id
        principles = db.session.scalars(
            select(Principle)
            .where(Principle.framework_id == framework_id)
            .order_by(Principle.number)
        ).all()
        found = [(f"{p.number}. {p.name}", [e.text for e in p.elements]) for p in principles]
        film_id = film.id
        db.session.remove()
    return film_id, found


def test_the_element_list_follows_the_principle(live: LiveApp, browser: Browser, steps: Steps):
    film_id, principles = _film_and_principles(live)
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, live, *TRAINEE)
    page.goto(f"{live.url}/films/{film_id}")
    element = page.get_by_label("Element (optional)")
    options = element.locator("option")
    first_label, first_elements = principles[0]
    expect(options).to_have_text(["— none —", *first_elements])
    second_label, second_elements = principles[1]
    page.get_by_label("Principle").select_option(label=second_label)
    expect(options).to_have_text(["— none —", *second_elements])
    element.select_option(label=second_elements[0])
    steps.shot(page, "element-of-the-second-principle")
    page.get_by_label("Principle").select_option(label=first_label)
    # The chosen element belonged to the other principle: "none" is chosen instead.
    expect(element).to_have_value("0")
    expect(options).to_have_text(["— none —", *first_elements])
    assert errors == []


def test_without_javascript_every_element_is_offered(live: LiveApp, browser: Browser):
    film_id, principles = _film_and_principles(live)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, live, *TRAINEE)
    page.goto(f"{live.url}/films/{film_id}")
    every = [text for _label, elements in principles for text in elements]
    expect(page.get_by_label("Element (optional)").locator("option")).to_have_count(1 + len(every))
    context.close()


def _give_clip(live: LiveApp, film_id: int) -> None:
    """The film gets a clip (an MP4 by its bytes; the player need not decode it: its current time
    is set by the test, as a person's seeking would)."""
    with live.app.app_context():
        film = db.session.get(Film, film_id)
        trainee = film.cycle.case.enrolment.trainee
        clips.attach_clip(
            trainee, film, io.BytesIO(mp4_bytes(4000)), clip_storage(), 100_000, ("video/mp4",)
        )
        db.session.commit()
        db.session.remove()


def test_moments_are_marked_from_the_players_time(live: LiveApp, browser: Browser, steps: Steps):
    film_id, principles = _film_and_principles(live)
    _give_clip(live, film_id)
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, live, *TRAINEE)
    page.goto(f"{live.url}/films/{film_id}")
    player = page.locator("#clip-player")
    start, end = page.get_by_label("From", exact=True), page.get_by_label("To", exact=True)

    player.evaluate("(video) => { video.currentTime = 75.5; }")
    page.get_by_role("button", name="From here").click()
    player.evaluate("(video) => { video.currentTime = 80; }")
    page.get_by_role("button", name="To here").click()
    expect(start).to_have_value("1:15.5")
    expect(end).to_have_value("1:20")
    expect(page.locator("#mark-status")).to_have_text("The moment ends at 1:20.")

    # With the player focused, M marks the beginning, then the end.
    player.evaluate("(video) => { video.currentTime = 90; }")
    player.focus()
    page.keyboard.press("m")
    expect(start).to_have_value("1:30")
    expect(end).to_have_value("")
    player.evaluate("(video) => { video.currentTime = 95.2; }")
    page.keyboard.press("m")
    expect(end).to_have_value("1:35.2")

    page.get_by_label("Principle").select_option(label=principles[1][0])
    markers = page.locator(".moment-timeline .marker")
    before = markers.count()
    page.get_by_role("button", name="Mark moment").click()
    expect(page.locator("a.moment-play", has_text="1:30\u20131:35.2")).to_be_visible()
    expect(markers).to_have_count(before + 1)
    steps.shot(page, "moment-marked-on-the-timeline")
    assert errors == []


def test_without_javascript_the_timeline_is_drawn_and_no_time_buttons_are_offered(
    live: LiveApp, browser: Browser
):
    film_id, _principles = _film_and_principles(live)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, live, *TRAINEE)
    page.goto(f"{live.url}/films/{film_id}")
    expect(page.get_by_role("button", name="From here")).to_have_count(0)
    moments = page.locator("ol.moments > li")
    if moments.count():
        expect(page.locator(".moment-timeline .marker")).to_have_count(moments.count())
    context.close()
