"""A browser-like HTTP client for the served app: keeps cookies (Secure ones too, as browsers do
for 127.0.0.1), reads the CSRF token from each form, and signs in through the real form."""

import socket
from typing import Any
from urllib.parse import urlsplit

import requests
from bs4 import BeautifulSoup
from requests.cookies import RequestsCookieJar


class Browser:
    """One person's browser: a cookie jar and the last page's forms."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.http = requests.Session()
        # Production cookies are Secure, which requests would only send over https; browsers
        # treat http://127.0.0.1 as a secure context, so the jar is kept and sent here.
        self.jar = RequestsCookieJar()

    def url(self, path: str) -> str:
        """The absolute address of a path on the server."""
        return path if path.startswith("http") else self.base_url + path

    def open_upload(self, path: str, boundary: str, length: int, first: bytes) -> socket.socket:
        """Begin a multipart POST of `length` bytes by hand, as a phone does over a slow link:
        the headers (with this browser's cookies) and the body's `first` bytes are sent; the
        caller sends more, or stops half-way. The open connection is returned."""
        address = urlsplit(self.base_url)
        cookies = "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.jar)
        request = (
            f"POST {path} HTTP/1.1\r\nHost: {address.netloc}\r\nCookie: {cookies}\r\n"
            f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
            f"Content-Length: {length}\r\nConnection: close\r\n\r\n"
        ).encode()
        connection = socket.create_connection((address.hostname, address.port), timeout=30)
        connection.sendall(request + first)
        return connection

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        """GET a path, not following redirects unless asked; the body is read to the end."""
        return self.request("GET", path, **kwargs)

    def post(self, path: str, data: Any = None, **kwargs: Any) -> requests.Response:
        """POST form data to a path."""
        return self.request("POST", path, data=data, **kwargs)

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """One request with this browser's cookies; redirects are not followed."""
        kwargs.setdefault("allow_redirects", False)
        kwargs.setdefault("timeout", 60)
        headers = dict(kwargs.pop("headers", None) or {})
        # A new connection each time: a kept-alive one that the server closes just as a POST
        # is sent is reset, which browsers retry and requests does not.
        headers.setdefault("Connection", "close")
        cookies = "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.jar)
        if cookies:
            headers["Cookie"] = cookies
        response = self.http.request(method, self.url(path), headers=headers, **kwargs)
        for cookie in response.cookies:
            self.jar.set_cookie(cookie)
        self._forget_deleted(response)
        self.http.cookies.clear()
        return response

    def _forget_deleted(self, response: requests.Response) -> None:
        for header in response.raw.headers.getlist("Set-Cookie"):
            name = header.split("=", 1)[0].strip()
            if "expires=thu, 01 jan 1970" in header.lower() or "max-age=0" in header.lower():
                self.jar.pop(name, None)

    def csrf_token(self, page: str) -> str:
        """The CSRF token of the first form on `page`."""
        soup = BeautifulSoup(self.get(page).text, "lxml")
        found = soup.find("input", attrs={"name": "csrf_token"})
        assert found is not None, f"no CSRF token on {page}"
        return str(found["value"])

    def submit(self, page: str, action: str, fields: dict[str, str]) -> requests.Response:
        """Post `fields` to `action` as the form on `page` would, with its CSRF token."""
        return self.post(action, data={"csrf_token": self.csrf_token(page), **fields})

    def sign_in(self, email: str, password: str) -> None:
        """Sign in through the real sign-in form."""
        response = self.submit("/login", "/login", {"email": email, "password": password})
        assert response.status_code == 302, response.text[:2000]
