"""A breadth-first crawl of the served app as one person: every same-origin link of every page,
every download read to the end, every failure collected rather than the first one raised."""

import json
import re
import time
from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urldefrag, urljoin, urlsplit

import requests
from bs4 import BeautifulSoup

from tests.live.client import Browser
from tests.live.server import text_has_trace

# Addresses a crawl never asks for: signing out would end the crawl (and is POST-only anyway).
NEVER_FOLLOW = re.compile(r"^/(logout|static/)")
# Bodies read as text to look for a trace; anything else is read to the end as bytes.
TEXT_TYPES = ("text/", "application/json", "application/ld+json")
ODD_RANGES = (
    "bytes=99999999999999999999-",
    "bytes=5-1",
    "bytes=abc",
    "bytes=0-0,1-1,2-2,-1",
    "bytes=\u00b2-",
)
NUMBER = re.compile(r"(?<=/)\d+(?=/|$)")


@dataclass(frozen=True)
class Failure:
    """What went wrong on one request."""

    role: str
    method: str
    url: str
    status: int | None
    reason: str

    def __str__(self) -> str:
        # A 20,000-character hostile value need not be shown whole.
        url = self.url if len(self.url) < 300 else self.url[:300] + "…"
        return f"{self.method} {url} as {self.role}: {self.status} {self.reason}"


@dataclass
class Visit:
    """One answered request: its address, status, type, and its text if it was an HTML page."""

    url: str
    status: int
    content_type: str
    html: str | None = None
    size: int = 0


@dataclass
class CrawlResult:
    """Everything one crawl saw."""

    role: str
    visits: dict[str, Visit] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)
    seconds: float = 0.0

    def pages(self) -> list[Visit]:
        """The HTML pages that answered 200."""
        return [v for v in self.visits.values() if v.html is not None and v.status == 200]

    def downloads(self) -> list[Visit]:
        """The answers that were not HTML pages (CSV, PDF, ZIP, JSON, clips)."""
        return [v for v in self.visits.values() if v.html is None and v.status in (200, 206)]

    def paths(self) -> set[str]:
        """The paths (without query) that answered 200."""
        return {urlsplit(v.url).path for v in self.visits.values() if v.status == 200}


def pattern(url: str) -> str:
    """The route a URL belongs to: numeric ids replaced, query values dropped."""
    parts = urlsplit(url)
    names = sorted({name for name, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return NUMBER.sub("<n>", parts.path) + ("?" + "&".join(names) if names else "")


def local_path(url: str) -> str:
    """The path and query of a URL, as the crawl keys it."""
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


def read_body(response: requests.Response) -> tuple[bytes | None, str | None]:
    """The whole body of a streamed answer, or None and why it could not be read to the end."""
    chunks: list[bytes] = []
    try:
        for chunk in response.iter_content(64 * 1024):
            chunks.append(chunk)
    except (requests.exceptions.ChunkedEncodingError, requests.ConnectionError) as error:
        return None, f"body broke off after {sum(map(len, chunks))} bytes: {error!r}"
    finally:
        response.close()
    body = b"".join(chunks)
    expected = response.headers.get("Content-Length")
    if expected is not None and int(expected) != len(body) and response.request.method != "HEAD":
        return None, f"short read: {len(body)} of {expected} bytes"
    return body, None


def duplicate_ids(document: BeautifulSoup) -> list[str]:
    """The ids a page gives to more than one element (the film page had two `id="clip"`)."""
    counted = Counter(str(element["id"]) for element in document.find_all(id=True))
    return sorted(name for name, times in counted.items() if times > 1)


def is_html(response: requests.Response) -> bool:
    """Whether an answer is an HTML page."""
    return response.headers.get("Content-Type", "").startswith("text/html")


def check_answer(
    role: str, method: str, url: str, response: requests.Response
) -> tuple[bytes | None, list[Failure]]:
    """Read an answer to the end; a 5xx, a body that breaks off or shows a trace is a failure."""
    body, broken = read_body(response)
    failures = []
    status = response.status_code
    if broken:
        failures.append(Failure(role, method, url, status, broken))
    if status >= 500:
        failures.append(Failure(role, method, url, status, "server error"))
    content_type = response.headers.get("Content-Type", "")
    text = body.decode("utf-8", errors="replace") if body is not None else ""
    if content_type.startswith(TEXT_TYPES) and text_has_trace(text):
        failures.append(Failure(role, method, url, status, "the body shows a traceback"))
    return body, failures


class Crawler:
    """Follows links breadth-first as one browser, at most `per_pattern` addresses per route
    (ids and query values aside) and `max_visits` in all."""

    def __init__(
        self, browser: Browser, role: str, per_pattern: int = 3, max_visits: int = 600
    ) -> None:
        self.browser = browser
        self.origin = urlsplit(browser.base_url).netloc
        self.per_pattern = per_pattern
        self.max_visits = max_visits
        self.result = CrawlResult(role)
        self._seen: set[str] = set()
        self._per_pattern: Counter[str] = Counter()
        self._queue: deque[str] = deque()

    def crawl(self, starts: Iterable[str]) -> CrawlResult:
        """Visit the start paths and everything they link to; the result holds every visit."""
        began = time.monotonic()
        for start in starts:
            self._enqueue(start, force=True)
        while self._queue and len(self.result.visits) < self.max_visits:
            self._visit(self._queue.popleft())
        self.result.seconds = time.monotonic() - began
        return self.result

    def _enqueue(self, url: str, force: bool = False) -> None:
        path = self._same_origin_path(url)
        if path is None or path in self._seen or NEVER_FOLLOW.match(path):
            return
        key = pattern(path)
        if not force and self._per_pattern[key] >= self.per_pattern:
            return
        self._seen.add(path)
        self._per_pattern[key] += 1
        self._queue.append(path)

    def _same_origin_path(self, url: str) -> str | None:
        absolute = urldefrag(urljoin(self.browser.base_url + "/", url)).url
        parts = urlsplit(absolute)
        if parts.scheme not in ("http", "https") or parts.netloc != self.origin:
            return None
        return local_path(absolute) or "/"

    def _visit(self, path: str) -> None:
        role = self.result.role
        try:
            response = self.browser.get(path, stream=True)
        except requests.RequestException as error:
            self.result.failures.append(Failure(role, "GET", path, None, repr(error)))
            return
        body, failures = check_answer(role, "GET", path, response)
        self.result.failures.extend(failures)
        visit = Visit(path, response.status_code, response.headers.get("Content-Type", ""))
        visit.size = len(body or b"")
        self.result.visits[path] = visit
        if response.is_redirect:
            self._enqueue(response.headers["Location"], force=True)
        elif body is not None and is_html(response):
            visit.html = body.decode("utf-8", errors="replace")
            document = BeautifulSoup(visit.html, "lxml")
            for twice in duplicate_ids(document):
                reason = f'id="{twice}" is on more than one element (labels and links miss one)'
                self.result.failures.append(Failure(role, "GET", path, visit.status, reason))
            for link in document.find_all("a", href=True):
                self._enqueue(str(link["href"]))
        elif body is not None and "json" in visit.content_type:
            self._follow_json(path, visit.status, body)
        elif visit.status == 200 and visit.content_type.startswith(("video/", "audio/")):
            self._ranged(path, visit.size)

    def _follow_json(self, path: str, status: int, body: bytes) -> None:
        """Open Badges documents link to one another by absolute URL."""
        try:
            document = json.loads(body)
        except ValueError as error:
            self.result.failures.append(
                Failure(self.result.role, "GET", path, status, f"not JSON: {error}")
            )
            return
        for url in _strings(document):
            if url.startswith(self.browser.base_url + "/"):
                self._enqueue(url)

    def _ranged(self, path: str, size: int) -> None:
        """A clip asked for in parts, as players do: a first range and the last bytes."""
        role = self.result.role
        for byte_range, expected in (("bytes=0-1023", min(size, 1024)), ("bytes=-100", 100)):
            url = f"{path} [Range: {byte_range}]"
            response = self.browser.get(path, stream=True, headers={"Range": byte_range})
            body, failures = check_answer(role, "GET", url, response)
            self.result.failures.extend(failures)
            self.result.visits[url] = Visit(url, response.status_code, "", size=len(body or b""))
            if response.status_code != 206 or len(body or b"") != min(expected, size):
                reason = f"range answered {response.status_code} with {len(body or b'')} bytes"
                self.result.failures.append(Failure(role, "GET", url, response.status_code, reason))
        for byte_range in ODD_RANGES:
            # Unsatisfiable, malformed or many ranges: any honest answer but a server error.
            url = f"{path} [Range: {byte_range}]"
            response = self.browser.get(path, stream=True, headers={"Range": byte_range})
            self.result.failures.extend(check_answer(role, "GET", url, response)[1])


def _strings(document: object) -> Iterable[str]:
    """Every string anywhere in a JSON document."""
    if isinstance(document, str):
        yield document
    elif isinstance(document, dict):
        for value in document.values():
            yield from _strings(value)
    elif isinstance(document, list):
        for value in document:
            yield from _strings(value)


def report(failures: Iterable[Failure]) -> str:
    """Failures grouped by role, one line each."""
    by_role: dict[str, list[str]] = {}
    for failure in failures:
        by_role.setdefault(failure.role, []).append(str(failure))
    return "\n".join(
        f"{role} ({len(lines)}):\n  " + "\n  ".join(sorted(set(lines)))
        for role, lines in by_role.items()
    )
