"""Every page and download each demo role can reach by following links, over real HTTP: no
server error, no trace, every streamed body read to the end, and no link that leads nowhere.

The test client cannot show a body that fails while it streams (it keeps the request's database
session open): exports answered 500 over HTTP while their tests passed."""

import re
import time
from collections.abc import Callable, Iterator

import pytest

from tests.evidence_world import mp4_bytes
from tests.live.client import Browser
from tests.live.crawler import Crawler, CrawlResult, Failure, check_answer, report
from tests.live.page_forms import forms_on
from tests.live.server import LiveServer

# The demo's people a crawl signs in as (the assessor is a supervisor by role, so by e-mail).
ROLES: dict[str, str | None] = {
    "anonymous": None,
    "trainee": "trainee",
    "supervisor": "supervisor",
    "assessor": "assessor@attune.demo",
    "coordinator": "coordinator",
}
# Fewer pages than this means the crawl lost its way (the demo gives each role far more).
MINIMUM_PAGES = {
    "anonymous": 5,
    "trainee": 35,
    "supervisor": 30,
    "assessor": 30,
    "coordinator": 100,
}
# Downloads each role must have reached by links (patterns of paths).
MUST_REACH = {
    "anonymous": [r"/verify/[\w-]+\.json"],
    "trainee": [r"/films/\d+/clip", r"/portfolios/\d+/pdf"],
    "supervisor": [r"/certificates/\d+/pdf", r"/certificates/\d+/badge\.json"],
    "assessor": [r"/certificates/\d+/pdf", r"/open-badges/credentials/[^/]+"],
    "coordinator": [
        r"/people/export\.csv",
        r"/enrolments/export\.csv",
        r"/cohorts/export\.csv",
        r"/cohorts/\d+/export\.csv",
        r"/coordination/at-risk/export\.csv",
        r"/coordination/supervisors/export\.csv",
        r"/certificates/\d+/pdf",
    ],
}
GUESSED = ["/cases/999999", "/films/999999", "/enrolments/999999", "/meetings/999999"]


def starts(server: LiveServer, role: str) -> list[str]:
    """Where a crawl begins: home, and for an anonymous visitor the public pages."""
    if role != "anonymous":
        return ["/"]
    return ["/", "/login", "/register", *(f"/verify/{n}" for n, _ in server.certificates)]


def sign_in(server: LiveServer, role: str) -> Browser:
    """A browser signed in as the role's demo account (or anonymous)."""
    browser = Browser(server.url)
    who = ROLES[role]
    if who is not None:
        browser.sign_in(*server.accounts[who])
    return browser


def give_the_trainee_downloads(server: LiveServer) -> None:
    """The demo has no clip and no portfolio: the trainee uploads one and asks for the other
    through the real forms, so the crawl meets a video and a generated PDF."""
    trainee = sign_in(server, "trainee")
    crawl = Crawler(trainee, "trainee").crawl(["/"])
    forms = [form for page in crawl.pages() for form in forms_on(page.url, page.html or "")]
    upload = next(f for f in forms if f.file_fields and f.action.endswith("/clip"))
    sent = trainee.post(
        upload.action,
        data=upload.filled(),
        files={upload.file_fields[0]: ("clip.mp4", mp4_bytes(200_000), "video/mp4")},
    )
    assert sent.status_code == 302, sent.text[:1000]
    ask = next(f for f in forms if f.action.endswith("/portfolio"))
    asked = trainee.post(ask.action, data=ask.filled())
    assert asked.status_code == 302, asked.text[:1000]
    deadline = time.monotonic() + 60
    while "/pdf" not in trainee.get(asked.headers["Location"]).text:
        assert time.monotonic() < deadline, "the portfolio was not ready within a minute"
        time.sleep(0.5)


@pytest.fixture(scope="module")
def crawls(live_server: LiveServer) -> Iterator[dict[str, CrawlResult]]:
    """One crawl per role, on the same server."""
    give_the_trainee_downloads(live_server)
    yield {
        role: Crawler(sign_in(live_server, role), role, per_pattern=4, max_visits=800).crawl(
            starts(live_server, role)
        )
        for role in ROLES
    }


def test_no_page_or_download_fails_for_any_role(crawls: dict[str, CrawlResult]):
    failures = [failure for crawl in crawls.values() for failure in crawl.failures]
    assert not failures, "the crawl met failures:\n" + report(failures)


def test_every_link_a_page_shows_leads_somewhere(crawls: dict[str, CrawlResult]):
    dead = [
        Failure(role, "GET", visit.url, visit.status, "a link shown on a page")
        for role, crawl in crawls.items()
        for visit in crawl.visits.values()
        # A revoked certificate's badge is rightly Gone (410), and says so in its JSON.
        if visit.status >= 400 and visit.status != 410
    ]
    assert not dead, "links that lead nowhere:\n" + report(dead)


@pytest.mark.parametrize("role", ROLES)
def test_the_crawl_covers_the_role(crawls: dict[str, CrawlResult], role: str):
    crawl = crawls[role]
    pages = crawl.pages()
    assert len(pages) >= MINIMUM_PAGES[role], sorted(crawl.visits)
    reached = {visit.url.split("?")[0] for visit in crawl.downloads()} | crawl.paths()
    missing = [p for p in MUST_REACH[role] if not any(re.fullmatch(p, url) for url in reached)]
    assert not missing, f"{role} never reached {missing}; reached {sorted(reached)}"
    # Well under a minute each on two cores, or the crawl has lost its bounds.
    assert crawl.seconds < 60, crawl.seconds


def test_every_worklist_the_coordinator_sees_exports(crawls: dict[str, CrawlResult]):
    paths = crawls["coordinator"].paths()
    worklists = {p for p in paths if re.fullmatch(r"/coordination/[\w-]+", p)}
    assert len(worklists) >= 3, sorted(paths)
    missing = sorted(p for p in worklists if f"{p}/export.csv" not in paths)
    assert not missing, missing


def test_the_clip_is_served_in_ranges(crawls: dict[str, CrawlResult]):
    ranged = [url for url in crawls["trainee"].visits if "[Range:" in url]
    assert len(ranged) >= 2, sorted(crawls["trainee"].visits)


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_own_data_zip_downloads_to_the_end(live_server: LiveServer, role: str):
    browser = sign_in(live_server, role)
    form = next(f for f in forms_on("/account", browser.get("/account").text) if "data" in f.action)
    response = browser.post(form.action, data=form.filled(), stream=True)
    body, failures = check_answer(role, "POST", form.action, response)
    assert not failures, report(failures)
    assert response.status_code == 200 and body is not None and body[:2] == b"PK"


@pytest.mark.parametrize("role", ["anonymous", "trainee", "coordinator"])
@pytest.mark.parametrize("path", [*GUESSED, "/verify/NONE-SUCH", "/nothing/here"])
def test_a_guessed_address_is_not_found_in_the_house_style(
    live_server: LiveServer, role: str, path: str
):
    browser = sign_in(live_server, role)
    response = browser.get(path)
    if role == "anonymous" and response.status_code == 302:
        # Private pages send a visitor to sign in before saying whether anything is there.
        assert "/login" in response.headers["Location"]
        return
    assert response.status_code == 404, (path, response.status_code)
    assert 'class="site-header"' in response.text and 'class="error-page"' in response.text
    assert "<title>Not found · Attune</title>" in response.text


def test_a_page_of_another_role_is_refused_in_the_house_style(
    browser_for: Callable[[str | None], Browser],
):
    response = browser_for("trainee").get("/people/export.csv")
    assert response.status_code == 403
    assert 'class="error-page"' in response.text and "site-header" in response.text
