"""Hostile input everywhere each demo role can type, over real HTTP on a served app: NUL bytes,
20,000 characters, markup, a right-to-left override and non-Latin case pairs in every text
field of every form the crawl finds, tampered values in its drop-downs, boxes and hidden
fields, hostile query strings on every page, hostile codes and tokens in paths. Nothing may
answer 5xx or show a trace, and markup never comes back raw."""

import re
import time

from tests.live.client import Browser
from tests.live.crawler import Crawler, CrawlResult, report
from tests.live.demo_roles import ROLES, sign_in, starts
from tests.live.hostile import HOSTILE_VALUES, Sweep, SweepResult, raw_markup_on
from tests.live.page_forms import forms_on
from tests.live.server import LiveServer
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


def crawl(server: LiveServer, browser: Browser, role: str, per_pattern: int = 2) -> CrawlResult:
    """A short crawl: two addresses per route are enough to find every form."""
    crawler = Crawler(browser, role, per_pattern=per_pattern, max_visits=800)
    return crawler.crawl(starts(server, role))


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


def sweep_every_role(server: LiveServer, smtp: Inbox) -> dict[str, SweepResult]:
    """One sweep per role on this module's own server (the coordinator's last: its forms
    change what the others stand on), the known breakers sent once more explicitly, and the
    forms of mailed links."""
    results = {}
    for role in ROLES:
        browser = sign_in(server, role)
        sweep = Sweep(browser, role)
        sweep.run(crawl(server, browser, role))
        if role in ("anonymous", "coordinator"):
            sweep.probe_paths()
        results[role] = sweep.result
    anonymous = Sweep(Browser(server.url), "anonymous")
    anonymous.send("GET", "/verify/AB%00CD")
    email, password = server.accounts["trainee"]
    # Signing in for real, so the address to go back to is really used.
    token = anonymous.browser.csrf_token("/login")
    signed_in = {"email": email, "password": password, "csrf_token": token}
    anonymous.send("POST", "/login?next=/%0a/x", data=signed_in)
    results["anonymous"].sent += anonymous.result.sent
    results["anonymous"].failures += anonymous.result.failures
    results["mailed links"] = sweep_mailed_forms(server, smtp)
    return results


def coverage_gaps(sweeps: dict[str, SweepResult]) -> list[str]:
    """What shows a sweep that lost its way: forms never reached, too few requests, a hostile
    value never posted, a known breaker not sent, hostile searches never reaching a CSV."""
    gaps = []
    for role, sweep in sweeps.items():
        missing = [f for f in MUST_SWEEP[role] if not any(s.startswith(f) for s in sweep.sent)]
        if missing:
            gaps.append(f"{role} never sent {missing}; swept {sweep.forms}")
        if len(sweep.sent) < MINIMUM_SENT[role]:
            gaps.append(f"{role} sent only {len(sweep.sent)} requests")
        if not all(sweep.submissions[f"POST {label}"] for label in HOSTILE_VALUES):
            gaps.append(f"{role} did not post every hostile value: {sweep.submissions}")
        unsent = [r for r in KNOWN_BREAKERS.get(role, []) if r not in sweep.sent]
        if unsent:
            gaps.append(f"{role} never sent {unsent}")
    # A CSV is written after its view has returned: the search must be tried there too.
    pattern = r"GET /[\w/-]+/export\.csv\?(.*&)?q=%CE%A9"
    if sum(bool(re.match(pattern, sent)) for sent in sweeps["coordinator"].sent) < 4:
        gaps.append("hostile searches hardly reached the coordinator's CSV downloads")
    return gaps


def test_no_hostile_input_answers_5xx_a_trace_or_raw_markup(live_server: LiveServer, smtp: Inbox):
    sweeps = sweep_every_role(live_server, smtp)
    failures = [failure for sweep in sweeps.values() for failure in sweep.failures]
    # What the sweep saved must show escaped wherever it shows afterwards, and break nothing:
    # pages, CSV files and PDFs (certificates, portfolios) that print the saved names.
    for role in ROLES:
        # Deeper than the first crawl, to meet what the sweep created (cohorts, certificates).
        after = crawl(live_server, sign_in(live_server, role), role, per_pattern=6)
        failures += after.failures + raw_markup_on(role, after)
    seconds = {role: round(sweep.seconds, 1) for role, sweep in sweeps.items()}
    sent = {role: len(sweep.sent) for role, sweep in sweeps.items()}
    print(f"sweep seconds {seconds}, requests {sent}")
    for role, sweep in sweeps.items():
        print(role, *sweep.forms, sep="\n  ")
    problems = coverage_gaps(sweeps)
    if failures:
        problems.insert(0, "hostile input broke something:\n" + report(failures))
    # Bounded: well under two minutes on two cores, or the sweep has lost its bounds.
    if sum(seconds.values()) > 150:
        problems.append(f"the sweep took {seconds} s for {sent} requests")
    assert not problems, "\n\n".join(problems)
