"""Every page of every demo role read in the pseudo-locale (en-XA, PSEUDO_LOCALE on), at 390 px
and at desktop width: no text is left untranslated (a plain ASCII word that is no data: the
demo's own words are rewritten in Cyrillic letters, see tests/e2e/pseudo_walk.py), no page
scrolls sideways and no box's text sticks out of it now that every word is a third longer.
Screenshots of every page kind at both widths are kept under test-artifacts/e2e/pseudo-locale/."""

import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page
from sqlalchemy import select, update

from app.extensions import db
from app.models import Certificate, User
from app.pseudo_locale.codes import CODE
from tests.e2e.conftest import ARTIFACTS, LiveApp, serve_demo, sign_in, skip_on_postgres_pass
from tests.e2e.phone_walk import ACCOUNTS, DESKTOP, MUST_REACH, PHONE, WalkResult, pattern, walk
from tests.e2e.pseudo_walk import Reader, write_peoples_words_in_cyrillic
from tests.smtp_server import Inbox

SHOTS = ARTIFACTS / "pseudo-locale"


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory, smtp: Inbox) -> Iterator[LiveApp]:
    """The demo served with the pseudo-locale offered, its people's words in Cyrillic."""
    skip_on_postgres_pass()
    with serve_demo(tmp_path_factory.mktemp("pseudo"), smtp.port, PSEUDO_LOCALE=True) as served:
        write_peoples_words_in_cyrillic(served.app)
        yield served


@pytest.fixture(scope="module")
def reader(live: LiveApp) -> Reader:
    return Reader()


@pytest.fixture(scope="module")
def shots():
    shutil.rmtree(SHOTS, ignore_errors=True)
    SHOTS.mkdir(parents=True)
    return SHOTS


def _read_in(live: LiveApp, email: str, language: str) -> None:
    with live.app.app_context():
        db.session.execute(update(User).where(User.email == email).values(locale=language))
        db.session.commit()
        db.session.remove()


def _public_starts(live: LiveApp) -> list[str]:
    """A visitor's pages: sign-in, the register, and each certificate its QR code opens."""
    with live.app.app_context():
        numbers = list(db.session.scalars(select(Certificate.number)))
        db.session.remove()
    return ["/", "/login", "/register", *(f"/verify/{number}" for number in numbers)]


def _grouped(found: list[str]) -> str:
    """Each finding once, with the first page it was seen on and how many pages show it."""
    pages: dict[str, list[str]] = {}
    for line in found:
        path, what = line.split("\t", 1)
        pages.setdefault(what, []).append(path)
    return "\n".join(
        f"{what}  [on {paths[0]}"
        + (f" and {len(set(paths)) - 1} more" if len(set(paths)) > 1 else "")
        + "]"
        for what, paths in sorted(pages.items())
    )


def _keep_shots(page: Page, base: str, role: str, result: WalkResult, folder) -> None:
    done: set[str] = set()
    for path in result.visited:
        kind = pattern(path)
        if kind in done:
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
            page.screenshot(path=folder / f"{name[:80]}-{label}.png", full_page=True)


@pytest.mark.parametrize("role", list(ACCOUNTS))
def test_every_page_is_translated_and_fits_in_the_pseudo_locale(
    live: LiveApp, browser: Browser, reader: Reader, shots, role: str
):
    account = ACCOUNTS[role]
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=1, has_touch=True, locale="en" if account else CODE
    )
    page = context.new_page()
    try:
        if account:
            sign_in(page, live, *account)
            _read_in(live, account[0], CODE)
            starts = ["/"]
        else:
            starts = _public_starts(live)
        checks = (reader.untranslated, reader.spills)
        result = walk(page, live.url, starts, None, sizes=(PHONE, DESKTOP), checks=checks)
        page.goto(live.url + "/")
        assert page.locator("html").get_attribute("lang") == CODE
        _keep_shots(page, live.url, role, result, shots)
    finally:
        if account:
            _read_in(live, account[0], "en")
        context.close()

    kinds = {"/verify/{number}" if p.startswith("/verify/") else p for p in result.patterns()}
    missing = MUST_REACH[role] - kinds
    assert not missing, f"{role} never reached {sorted(missing)}"
    if result.found or result.overflow:
        sideways = "\nPages that scroll sideways:\n" + "\n".join(result.overflow)
        pytest.fail(
            f"{role}, {len(result.visited)} pages read in {CODE}:\n"
            + _grouped(result.found)
            + (sideways if result.overflow else ""),
            pytrace=False,
        )


SAMPLE = """<!doctype html><html lang="en-XA"><head><title>[Šàɱþļé··] · Attune</title></head><body>
<h1>[Ŝàṽé·· ţĥé·· çàšé··]</h1>
<p>Save the case</p>
<p lang="nl">Nederlands</p>
<p translate="no">Made by someone</p>
<p>[Çàšé·· C-XGPT · 7 Feb 2026 · tess@example.org · /verify/AB12]</p>
<input placeholder="Search people">
<span style="position:absolute;width:1px;overflow:hidden;white-space:nowrap">[Ĥîððéñ··]</span>
<button style="width:60px">[Šûþéŕṽîšîöñšéššîöñš··········]</button>
<p style="width:120px">[Šĥöŕţ·· ŵöŕðš·· ţĥàţ·· ŵŕàþ··]</p>
</body></html>"""


def test_the_walks_checks_find_what_they_look_for(browser: Browser):
    """English text and a word too long for its button are found; data, text in another
    language on purpose, and text hidden for screen readers are not."""
    page = browser.new_page(viewport=PHONE)
    try:
        page.set_content(SAMPLE)
        reader = Reader()
        assert reader.untranslated(page, "/sample") == [
            "/sample\tuntranslated: p: 'Save the case'",
            "/sample\tuntranslated: input[placeholder]: 'Search people'",
        ]
        [spill] = reader.spills(page, "/sample")
        assert spill.startswith("/sample\toverflows at 390 px: button (") and "Šûþéŕ" in spill
    finally:
        page.close()
