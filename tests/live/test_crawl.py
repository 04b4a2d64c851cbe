"""Every page and download each demo role can reach by following links, over real HTTP: no
server error, no trace, every streamed body read to the end, and no link that leads nowhere.

The test client cannot show a body that fails while it streams (it keeps the request's database
session open): exports answered 500 over HTTP while their tests passed."""

import re
import time

from tests.builders.evidence import mp4_bytes
from tests.live.crawler import Crawler, CrawlResult, Failure, check_answer, report
from tests.live.demo_roles import ROLES, sign_in, starts
from tests.live.page_forms import forms_on
from tests.live.server import LiveServer

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
# Ids nobody has, and one beyond the database's integer (refused before any query).
GUESSED = [
    "/cases/999999",
    "/films/999999",
    "/enrolments/999999",
    "/meetings/999999",
    "/people/99999999999999999999",
]


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


def crawl_every_role(server: LiveServer) -> dict[str, CrawlResult]:
    """One crawl per role, on the same server."""
    return {
        role: Crawler(sign_in(server, role), role, per_pattern=4, max_visits=800).crawl(
            starts(server, role)
        )
        for role in ROLES
    }


def dead_links(crawls: dict[str, CrawlResult]) -> list[Failure]:
    """Addresses the pages link to that answer 4xx."""
    return [
        Failure(role, "GET", visit.url, visit.status, "a link shown on a page")
        for role, crawl in crawls.items()
        for visit in crawl.visits.values()
        # A revoked certificate's badge is rightly Gone (410), and says so in its JSON.
        if visit.status >= 400 and visit.status != 410
    ]


def coverage_gaps(crawls: dict[str, CrawlResult]) -> list[str]:
    """What shows a crawl that lost its way: too few pages, downloads never reached, a
    worklist without its CSV, a clip never asked for in ranges, a crawl beyond its bounds."""
    gaps = []
    for role, crawl in crawls.items():
        if len(crawl.pages()) < MINIMUM_PAGES[role]:
            gaps.append(f"{role}: only {len(crawl.pages())} pages: {sorted(crawl.visits)}")
        reached = {visit.url.split("?")[0] for visit in crawl.downloads()} | crawl.paths()
        missing = [p for p in MUST_REACH[role] if not any(re.fullmatch(p, u) for u in reached)]
        if missing:
            gaps.append(f"{role} never reached {missing}; reached {sorted(reached)}")
        # Well under a minute each on two cores, or the crawl has lost its bounds.
        if crawl.seconds > 60:
            gaps.append(f"{role}: the crawl took {crawl.seconds:.0f} s")
    paths = crawls["coordinator"].paths()
    worklists = {p for p in paths if re.fullmatch(r"/coordination/[\w-]+", p)}
    if len(worklists) < 3:
        gaps.append(f"the coordinator reached only the worklists {sorted(worklists)}")
    gaps += [f"{p} has no CSV reached" for p in sorted(worklists) if f"{p}/export.csv" not in paths]
    if sum("[Range:" in url for url in crawls["trainee"].visits) < 2:
        gaps.append("the trainee's clip was never asked for in ranges")
    return gaps


def test_every_role_crawls_every_link_and_download_without_a_failure(live_server: LiveServer):
    give_the_trainee_downloads(live_server)
    crawls = crawl_every_role(live_server)
    failures = [failure for crawl in crawls.values() for failure in crawl.failures]
    problems = [
        *(["failures:\n" + report(failures)] if failures else []),
        *(["links that lead nowhere:\n" + report(dead)] if (dead := dead_links(crawls)) else []),
        *coverage_gaps(crawls),
    ]
    assert not problems, "\n\n".join(problems)


def test_own_data_zip_downloads_to_the_end_for_every_role(live_server: LiveServer):
    failures = []
    for role in [r for r in ROLES if r != "anonymous"]:
        browser = sign_in(live_server, role)
        forms = forms_on("/account", browser.get("/account").text)
        form = next(f for f in forms if f.action.endswith("/data"))
        response = browser.post(form.action, data=form.filled(), stream=True)
        body, broken = check_answer(role, "POST", form.action, response)
        failures += broken
        if response.status_code != 200 or body is None or body[:2] != b"PK":
            failures.append(Failure(role, "POST", form.action, response.status_code, "no ZIP"))
    assert not failures, report(failures)


def test_a_guessed_address_is_not_found_in_the_house_style(live_server: LiveServer):
    failures = []
    for role in ("anonymous", "trainee", "coordinator"):
        browser = sign_in(live_server, role)
        for path in [*GUESSED, "/verify/NONE-SUCH", "/nothing/here"]:
            response = browser.get(path)
            if role == "anonymous" and response.status_code == 302:
                # Private pages send a visitor to sign in before saying whether anything is there.
                assert "/login" in response.headers["Location"]
                continue
            house_style = (
                'class="site-header"' in response.text
                and 'class="error-page"' in response.text
                and "<title>Not found · Attune</title>" in response.text
            )
            if response.status_code != 404 or not house_style:
                failures.append(Failure(role, "GET", path, response.status_code, "not our 404"))
    response = sign_in(live_server, "trainee").get("/people/export.csv")
    if response.status_code != 403 or 'class="error-page"' not in response.text:
        failures.append(Failure("trainee", "GET", "/people/export.csv", 403, "not our 403"))
    assert not failures, report(failures)
