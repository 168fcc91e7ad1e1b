"""A browser-less HTTP client for the customer pages: cookies kept, errors returned, not raised."""

from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from html import unescape
from http.cookiejar import CookieJar


@dataclass(frozen=True)
class Page:
    status: int
    headers: dict[str, str]
    html: str

    @property
    def csrf_token(self) -> str:
        found = re.search(r'name="csrf_token" value="([^"]+)"', self.html)
        assert found, "no form token on the page"
        return unescape(found.group(1))

    @property
    def text(self) -> str:
        """The visible words, tags stripped."""
        body = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", self.html, flags=re.S)
        return " ".join(unescape(re.sub(r"<[^>]+>", " ", body)).split())


class WebClient:
    def __init__(self, language: str = "en") -> None:
        self.cookies = CookieJar()
        self.language = language
        self._opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def get(self, url: str) -> Page:
        return self._open(urllib.request.Request(url))

    def post(self, url: str, form: dict[str, str]) -> Page:
        data = urllib.parse.urlencode(form).encode()
        return self._open(urllib.request.Request(url, data=data, method="POST"))

    def _open(self, request: urllib.request.Request) -> Page:
        request.add_header("Accept-Language", self.language)
        try:
            with self._opener.open(request, timeout=10) as answer:
                return Page(answer.status, dict(answer.headers), answer.read().decode())
        except urllib.error.HTTPError as refused:
            return Page(refused.code, dict(refused.headers), refused.read().decode())
