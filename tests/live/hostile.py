"""Hostile input in every form, query string and free-text path segment a person can reach:
each answer read to the end, no 5xx, no trace, no markup echoed back raw."""

import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import quote, urljoin, urlsplit

import requests

from tests.builders.evidence import mp4_bytes
from tests.live.client import Browser
from tests.live.crawler import CrawlResult, Failure, check_answer, local_path, pattern
from tests.live.page_forms import PageForm, forms_on

# What people paste, by accident or not. The two case pairs meet unique, case-folded keys.
HOSTILE_VALUES = {
    "NUL": "ab\x00cd",
    "huge": "x" * 20_000,
    "script": "<script>alert(1)</script>",
    "style": "<style>*{display:none}</style>",
    "right-to-left override": "\u202egnp.exe",
    "Greek capital": "Ωμέγα",
    "Greek small": "ωμέγα",
    "Turkish dotted I": "İstanbul",
}
# What a tampered drop-down, box or hidden field sends instead of one of its options.
HOSTILE_CHOICES = {
    "NUL": "1\x00",
    "beyond any integer": "99999999999999999999",
    "negative": "-1",
    "script": "<script>alert(1)</script>",
}
# Uploads under names and with contents nobody should send: a PDF posing as a video, an empty
# file, a real video's signature under a name with a NUL, markup, or a direction override.
HOSTILE_FILES = (
    ("<script>alert(1)</script>.mp4", b"%PDF-1.4 not a video" * 10),
    ("\u202egnp.exe", b""),
    ("ab\x00cd.mp4", mp4_bytes(10_000)),
    ("x" * 300 + ".mp4", mp4_bytes(10_000)),
)
# Markup that must never come back as markup: escaped, or refused.
RAW_MARKUP = (HOSTILE_VALUES["script"], HOSTILE_VALUES["style"])
# The last names url_for's own arguments: list pages once handed their query to url_for (500).
HOSTILE_QUERIES = (
    "q=%00",
    "page=99999999999999999999",
    "next=/%0a/x",
    "endpoint=x&_external=1&_scheme=javascript&_anchor=x&_method=POST",
)
# Paths with a free-text segment (codes, tokens, keys): each hostile value goes in its place.
FREE_TEXT_PATHS = (
    "/verify/{}",
    "/verify/{}.json",
    "/open-badges/credentials/{}",
    "/open-badges/issuers/{}",
    "/open-badges/issuers/{}/revocations",
    "/invite/{}",
    "/password/reset/{}",
    "/coordination/{}",
    "/coordination/{}/export.csv",
)
# Forms that would end the sweep or wreck what later forms stand on: signing out, a new
# password (the browser's own sign-in), and the irreversible account operations. Their fields
# are shared with forms that are swept (names, reasons), and they have tests of their own.
NOT_SWEPT = (
    "/logout",
    "/account/password",
    "/people/<n>/erase",
    "/people/<n>/merge",
    "/people/<n>/deactivate",
)


@dataclass
class SweepResult:
    """What one sweep sent and what went wrong."""

    role: str
    sent: list[str] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    forms: list[str] = field(default_factory=list)
    # Forms sent per hostile value and method ("POST NUL": 12).
    submissions: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0


def distinct_forms(crawl: CrawlResult) -> list[PageForm]:
    """One form per route and set of fields (the same form for another id adds nothing)."""
    found: dict[tuple[str, str, tuple[str, ...]], PageForm] = {}
    for page in crawl.pages():
        for form in forms_on(page.url, page.html or ""):
            names = tuple(sorted({name for name, _ in form.fields}))
            route = pattern(form.action)
            # A GET form's own query string is dropped by browsers: its path is the form.
            key = (form.method, route.split("?")[0] if form.method == "GET" else route, names)
            if route.split("?")[0] not in NOT_SWEPT:
                found.setdefault(key, form)
    return list(found.values())


def distinct_pages(crawl: CrawlResult) -> list[str]:
    """One page or download per route (ids and query values aside), clips' ranges aside."""
    found: dict[str, str] = {}
    for visit in [*crawl.pages(), *crawl.downloads()]:
        if "[Range:" not in visit.url:
            found.setdefault(pattern(visit.url).split("?")[0], visit.url)
    return list(found.values())


class Sweep:
    """Sends hostile input as one browser, collecting every failure."""

    def __init__(self, browser: Browser, role: str) -> None:
        self.browser = browser
        self.result = SweepResult(role)

    def run(self, crawl: CrawlResult) -> SweepResult:
        """Every form the crawl met, then every page it met with hostile query strings."""
        began = time.monotonic()
        # A form with nothing to type or choose (delete, ratify...) has nothing to corrupt.
        forms = [
            f for f in distinct_forms(crawl) if f.text_fields or f.choice_fields or f.file_fields
        ]
        self.result.forms = [
            f"{f.method} {pattern(f.action)} {f.text_fields} {f.choice_fields}" for f in forms
        ]
        for form in forms:
            self.sweep_form(form)
        for page in distinct_pages(crawl):
            for query in HOSTILE_QUERIES:
                self.send("GET", page + ("&" if "?" in page else "?") + query)
        self.result.seconds += time.monotonic() - began
        return self.result

    def sweep_form(self, form: PageForm, together: bool = True) -> None:
        """Each hostile value in each text field in turn, then (`together`) in all of them at
        once; tampered choices; and the form as filled, sent with hostile query strings."""
        for label, value in HOSTILE_VALUES.items():
            for name in form.text_fields:
                self.send_form(form, form.filled(**{name: value}))
            if together and len(form.text_fields) > 1:
                self.send_form(form, form.filled(**dict.fromkeys(form.text_fields, value)))
            self.result.submissions[f"{form.method} {label}"] += bool(form.text_fields)
        for value in HOSTILE_CHOICES.values():
            for name in form.choice_fields:
                self.send_form(form, form.filled(**{name: value}))
        for name in form.file_fields:
            for filename, content in HOSTILE_FILES:
                files = {name: (filename, content, "video/mp4")}
                self.send("POST", form.action, data=form.filled(), files=files)
        if form.method == "POST":
            for query in HOSTILE_QUERIES:
                joiner = "&" if "?" in form.action else "?"
                self.send("POST", form.action + joiner + query, data=form.filled())

    def send_form(self, form: PageForm, fields: list[tuple[str, str]]) -> None:
        """Send a form as a browser would: GET forms as a query string."""
        if form.method == "GET":
            self.send("GET", form.action.split("?")[0], params=fields)
            # The list's CSV, searched and filtered alike: it streams after the view returned.
            for download in form.downloads:
                self.send("GET", download, params=fields)
        else:
            self.send("POST", form.action, data=fields)

    def probe_paths(self, templates: tuple[str, ...] = FREE_TEXT_PATHS) -> None:
        """Each hostile value as the free-text segment of each path."""
        began = time.monotonic()
        for template in templates:
            for value in HOSTILE_VALUES.values():
                self.send("GET", template.format(quote(value, safe="")))
        self.result.seconds += time.monotonic() - began

    def send(self, method: str, path: str, follow: int = 2, **kwargs: object) -> None:
        """One request; its answer (and the pages redirects lead to) read and checked."""
        try:
            response = self.browser.request(method, path, stream=True, **kwargs)
        except requests.RequestException as error:
            self._fail(method, path, None, repr(error))
            return
        url = local_path(response.url)
        self.result.sent.append(f"{method} {url}")
        body, failures = check_answer(self.result.role, method, url, response)
        self.result.failures.extend(failures)
        self.check_escaped(method, url, response, body)
        target = urljoin(response.url, response.headers.get("Location", ""))
        same_origin = urlsplit(target).netloc == urlsplit(self.browser.base_url).netloc
        if response.is_redirect and same_origin and follow:
            # Where a saved value or a flash message would show it again.
            self.send("GET", local_path(target), follow=follow - 1)

    def check_escaped(
        self, method: str, url: str, response: requests.Response, body: bytes | None
    ) -> None:
        """Markup sent in must not come back as markup, except in a file to download."""
        if body is None or "attachment" in response.headers.get("Content-Disposition", ""):
            return
        text = body.decode("utf-8", errors="replace")
        for markup in RAW_MARKUP:
            if markup in text:
                self._fail(method, url, response.status_code, f"echoes {markup} raw")

    def _fail(self, method: str, url: str, status: int | None, reason: str) -> None:
        self.result.failures.append(Failure(self.result.role, method, url, status, reason))


def raw_markup_on(role: str, crawl: CrawlResult) -> list[Failure]:
    """Pages of a crawl that show hostile markup raw (saved by a sweep, shown elsewhere)."""
    return [
        Failure(role, "GET", page.url, page.status, f"shows {markup} raw")
        for page in crawl.pages()
        for markup in RAW_MARKUP
        if markup in (page.html or "")
    ]
