"""The demo's people a crawl or a sweep goes through the app as, and where each starts."""

from tests.live.client import Browser
from tests.live.server import LiveServer

# Role → the demo account signed in as (the assessor is a supervisor by role, so by e-mail).
ROLES: dict[str, str | None] = {
    "anonymous": None,
    "trainee": "trainee",
    "supervisor": "supervisor",
    "assessor": "assessor@attune.demo",
    "coordinator": "coordinator",
}


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
