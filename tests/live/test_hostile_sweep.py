"""Hostile input everywhere each demo role can type, over real HTTP on a served app: NUL bytes,
20,000 characters, markup, a right-to-left override and non-Latin case pairs in every text
field of every form the crawl finds, tampered values in its drop-downs, boxes and hidden
fields, hostile query strings on every page, hostile codes and tokens in paths. Nothing may
answer 5xx or show a trace, and markup never comes back raw."""

import re
import time
from collections.abc import Iterator

import pytest

from tests.live.client import Browser
from tests.live.crawler import Crawler, CrawlResult, report
from tests.live.hostile import HOSTILE_VALUES, Sweep, SweepResult, raw_markup_on
from tests.live.page_forms import forms_on
from tests.live.server import LiveServer
from tests.live.test_crawl import ROLES, sign_in, starts
from tests.smtp_server import Inbox

# Each of these answered 500 once; the sweep must keep sending them.
KNOWN_BREAKERS = {
    "anonymous": ["POST /login?next=/%0A/x", "GET /verify/AB%00CD"],
    "coordinator": ["GET /people?q=%00"],
}
# Forms (by action) the sweep must have reached, or it lost its way.
MUST_SWEEP = {
    "anonymous": ["POST /login", "POST /password/forgot", "GET /register"],
    "trainee": ["POST /account", "POST /enrolments/", "POST /cases/", "POST /films/"],
    "supervisor": ["POST /account", "POST /sessions/"],
    "assessor": ["POST /account"],
    "coordinator": [
        "GET /people",
        "POST /cohorts/new",
        "POST /people/invite",
        "GET /coordination/",
        "POST /people/",
    ],
}
MUST_SWEEP["mailed links"] = ["POST /invite/", "POST /password/reset/"]
# Requests a sweep sends at least (the demo's assessor has the fewest forms).
MINIMUM_SENT = {
    "anonymous": 100,
    "trainee": 300,
    "supervisor": 100,
    "assessor": 50,
    "coordinator": 300,
    "mailed links": 30,
}


INVITEE = "hostile.sweep@example.org"


def crawl(server: LiveServer, browser: Browser, role: str) -> CrawlResult:
    """A short crawl: two addresses per route are enough to find every form."""
    return Crawler(browser, role, per_pattern=2, max_visits=400).crawl(starts(server, role))


def link_in_mail(smtp: Inbox, address: str, path: str) -> str:
    """The path of the newest link to `path` mailed to `address` (mail may be sent later)."""
    deadline = time.monotonic() + 30
    while not (found := [m for m in smtp.to(address) if path in smtp.body(m)]):
        assert time.monotonic() < deadline, f"no mail with {path} reached {address}"
        time.sleep(0.2)
    link = re.search(rf"https?://[^/\s]+({re.escape(path)}\S+)", smtp.body(found[-1]))
    assert link is not None, smtp.body(found[-1])
    return link.group(1)


def sweep_mailed_forms(server: LiveServer, smtp: Inbox) -> SweepResult:
    """The public forms only a mailed link opens: accepting an invitation, choosing a new
    password. Each field in turn only: both password fields alike could succeed and use up
    the one-time link before the other values were tried."""
    began = time.monotonic()
    coordinator = sign_in(server, "coordinator")
    page = coordinator.get("/people/invite").text
    invite = next(f for f in forms_on("/people/invite", page) if f.action == "/people/invite")
    fields = invite.filled(email=INVITEE, display_name="Hostile Sweep", roles="trainee")
    invited = coordinator.post(invite.action, data=fields)
    assert invited.status_code == 302, invited.text[:2000]
    visitor = Browser(server.url)
    forgot = visitor.submit("/password/forgot", "/password/forgot", {"email": INVITEE})
    assert forgot.status_code == 302, forgot.text[:2000]
    sweep = Sweep(visitor, "mailed links")
    for path in (
        link_in_mail(smtp, INVITEE, "/invite/"),
        link_in_mail(smtp, INVITEE, "/password/reset/"),
    ):
        forms = [f for f in forms_on(path, visitor.get(path).text) if f.text_fields]
        assert forms, path
        for form in forms:
            sweep.sweep_form(form, together=False)
    sweep.result.seconds = time.monotonic() - began
    return sweep.result


@pytest.fixture(scope="module")
def sweeps(live_server: LiveServer, smtp: Inbox) -> Iterator[dict[str, SweepResult]]:
    """One sweep per role on this module's own server (the coordinator's last: its forms
    change what the others stand on); the known breakers sent once more explicitly."""
    results = {}
    for role in ROLES:
        browser = sign_in(live_server, role)
        sweep = Sweep(browser, role)
        sweep.run(crawl(live_server, browser, role))
        if role in ("anonymous", "coordinator"):
            sweep.probe_paths()
        results[role] = sweep.result
    anonymous = Sweep(Browser(live_server.url), "anonymous")
    anonymous.send("GET", "/verify/AB%00CD")
    email, password = live_server.accounts["trainee"]
    # Signing in for real, so the address to go back to is really used.
    token = anonymous.browser.csrf_token("/login")
    signed_in = {"email": email, "password": password, "csrf_token": token}
    anonymous.send("POST", "/login?next=/%0a/x", data=signed_in)
    results["anonymous"].sent += anonymous.result.sent
    results["anonymous"].failures += anonymous.result.failures
    results["mailed links"] = sweep_mailed_forms(live_server, smtp)
    yield results


def test_no_hostile_input_answers_5xx_a_trace_or_raw_markup(sweeps: dict[str, SweepResult]):
    failures = [failure for sweep in sweeps.values() for failure in sweep.failures]
    assert not failures, "hostile input broke something:\n" + report(failures)


@pytest.mark.parametrize("role", [*ROLES, "mailed links"])
def test_the_sweep_reaches_the_forms_of_the_role(sweeps: dict[str, SweepResult], role: str):
    sweep = sweeps[role]
    missing = [f for f in MUST_SWEEP[role] if not any(sent.startswith(f) for sent in sweep.sent)]
    assert not missing, f"{role} swept {len(sweep.forms)} forms but never sent {missing}"
    assert len(sweep.sent) >= MINIMUM_SENT[role], len(sweep.sent)


@pytest.mark.parametrize("role", KNOWN_BREAKERS)
def test_the_sweep_sends_what_once_broke(sweeps: dict[str, SweepResult], role: str):
    missing = [request for request in KNOWN_BREAKERS[role] if request not in sweeps[role].sent]
    assert not missing, missing


@pytest.mark.parametrize("role", [*ROLES, "mailed links"])
def test_every_hostile_value_is_posted_in_forms(sweeps: dict[str, SweepResult], role: str):
    submissions = sweeps[role].submissions
    assert all(submissions[f"POST {label}"] >= 1 for label in HOSTILE_VALUES), submissions


def test_saved_hostile_markup_is_escaped_wherever_it_shows(
    sweeps: dict[str, SweepResult], live_server: LiveServer
):
    failures = []
    for role in ROLES:
        browser = sign_in(live_server, role)
        failures += raw_markup_on(role, crawl(live_server, browser, role))
    assert not failures, report(failures)


def test_the_sweep_stays_bounded(sweeps: dict[str, SweepResult]):
    seconds = {role: round(sweep.seconds, 1) for role, sweep in sweeps.items()}
    sent = {role: len(sweep.sent) for role, sweep in sweeps.items()}
    print(f"sweep seconds {seconds}, requests {sent}")
    for role, sweep in sweeps.items():
        print(role, *sweep.forms, sep="\n  ")
    assert sum(seconds.values()) < 150, (seconds, sent)


def test_hostile_searches_reach_the_csv_downloads(sweeps: dict[str, SweepResult]):
    # A CSV is written after its view has returned: the search must be tried there too.
    searched = [
        sent
        for sent in sweeps["coordinator"].sent
        if re.match(r"GET /[\w/-]+/export\.csv\?(.*&)?q=%CE%A9", sent)
    ]
    assert len(searched) >= 4, [sent for sent in sweeps["coordinator"].sent if ".csv" in sent]
