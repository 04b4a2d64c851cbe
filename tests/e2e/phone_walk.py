"""Walking the app as a person on a phone: every page a role reaches by following links, each
measured for sideways scrolling at 390 px (and again at 320 px) and checked with axe-core.

Links are followed breadth-first from where the role starts, GET only (no form is submitted);
an address already seen with other numbers (the same pattern) is visited at most four times, so the
walk covers every kind of page without reading every enrolment of the association. Downloads
(CSV, PDF, ZIP, JSON) are not pages and are left to tests/live/test_crawl.py. Other walks
(tests/e2e/test_pseudo_locale_walk.py) reuse it with sizes and checks of their own."""

import re
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urlsplit

from playwright.sync_api import Error, Page

from tests.e2e.accessibility import FAILING_IMPACTS, Axe

PHONE = {"width": 390, "height": 844}
NARROW = {"width": 320, "height": 640}
DESKTOP = {"width": 1280, "height": 900}
NEVER_FOLLOW = re.compile(r"^/(logout|static/)|/(download|export)\b|\.(csv|pdf|zip|json)$")
NUMBER = re.compile(r"(?<=/)\d+(?=/|$)")
PER_PATTERN = 4
# The demo's people a walk goes as (None: a visitor, not signed in).
ACCOUNTS: dict[str, tuple[str, str] | None] = {
    "visitor": None,
    "trainee": ("trainee@attune.demo", "demo-trainee-pass"),
    "supervisor": ("supervisor@attune.demo", "demo-supervisor-pass"),
    "assessor": ("assessor@attune.demo", "demo-assessor-pass"),
    "coordinator": ("coordinator@attune.demo", "demo-coordinator-pass"),
}
# Kinds of page each walk must reach, so it cannot pass by visiting nothing.
MUST_REACH = {
    "visitor": {"/login", "/verify/{number}"},
    "trainee": {"/", "/films/{id}", "/sessions/{id}", "/enrolments/{id}", "/account"},
    "supervisor": {"/", "/films/{id}", "/sessions/{id}", "/enrolments/{id}"},
    "assessor": {"/", "/enrolments/{id}"},
    "coordinator": {
        "/",
        "/coordination",
        "/people",
        "/enrolments",
        "/enrolments/{id}/supervisor",
        "/retention",
    },
}
# A check of one page, run once it has loaded: its findings, each naming the page.
PageCheck = Callable[[Page, str], list[str]]

# Runs in the page: how far it scrolls sideways, and the elements sticking out of the viewport
# (the outermost ones; an element scrolling inside its own frame does not widen the page).
_OVERFLOW = """() => {
  const root = document.documentElement;
  const width = root.clientWidth;
  if (root.scrollWidth <= width) return null;
  const out = [];
  for (const e of document.body.querySelectorAll("*")) {
    const box = e.getBoundingClientRect();
    if (box.right > width + 1 && !(e.parentElement && out.includes(e.parentElement))) {
      if (out.length < 6) out.push(e);
    }
  }
  const name = (e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") +
    (e.classList.length ? "." + [...e.classList].join(".") : "");
  return {scrollWidth: root.scrollWidth, width, offenders: out.map(
    (e) => name(e) + " (" + Math.round(e.getBoundingClientRect().right) + " px)")};
}"""

# Runs in the page: the same-site links a person can follow from it.
_LINKS = """() => [...document.querySelectorAll("a[href]:not([download])")]
  .map((a) => a.href).filter((h) => h.startsWith(location.origin))"""


@dataclass
class WalkResult:
    """What one role's walk saw."""

    visited: list[str] = field(default_factory=list)
    overflow: list[str] = field(default_factory=list)
    accessibility: list[str] = field(default_factory=list)
    found: list[str] = field(default_factory=list)  # what the walk's own checks found

    def patterns(self) -> set[str]:
        """The kinds of page visited (numbers replaced by {id})."""
        return {pattern(url) for url in self.visited}


def pattern(path: str) -> str:
    """An address with its numbers replaced, its query reduced to its keys."""
    parts = urlsplit(path)
    keys = sorted(k.split("=")[0] for k in parts.query.split("&") if k)
    return NUMBER.sub("{id}", parts.path) + ("?" + "&".join(keys) if keys else "")


def _measure(page: Page, size: dict[str, int], label: str) -> str | None:
    page.set_viewport_size(size)
    found = page.evaluate(_OVERFLOW)
    if found is None:
        return None
    return (
        f"{label} at {size['width']} px scrolls sideways to {found['scrollWidth']} px: "
        + ", ".join(found["offenders"])
    )


def walk(
    page: Page,
    base: str,
    starts: list[str],
    axe: Axe | None,
    limit: int = 400,
    sizes: Sequence[dict[str, int]] = (PHONE, NARROW),
    checks: Sequence[PageCheck] = (),
) -> WalkResult:
    """Follow every link from `starts` as the page's signed-in person, measuring each page at
    each of `sizes` (the page ends at the first), and running `checks` on it at each size."""
    result = WalkResult()
    queue, seen, per_pattern = deque(starts), set(starts), dict[str, int]()
    while queue and len(result.visited) < limit:
        path = queue.popleft()
        kind = pattern(path)
        if per_pattern.get(kind, 0) >= PER_PATTERN:
            continue
        try:
            response = page.goto(base + path)
        except Error:  # a download, not a page
            continue
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        per_pattern[kind] = per_pattern.get(kind, 0) + 1
        result.visited.append(path)
        for size in sizes:
            problem = _measure(page, size, path)
            if problem:
                result.overflow.append(problem)
            for check in checks:
                result.found += check(page, path)
        page.set_viewport_size(sizes[0])
        if axe is not None and per_pattern[kind] == 1:
            serious = [v for v in axe.violations(page) if v.impact in FAILING_IMPACTS]
            result.accessibility += [f"{path}:\n{v.describe()}" for v in serious]
        for href in page.evaluate(_LINKS):
            link = urldefrag(href)[0][len(base) :] or "/"
            if link not in seen and not NEVER_FOLLOW.search(urlsplit(link).path):
                seen.add(link)
                queue.append(link)
    return result
