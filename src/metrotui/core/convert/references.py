"""What a link is: where it points once resolved, and what kind of reference it is."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin, urlsplit

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")

_VIDEO_HOSTS = ("youtube.com", "youtu.be", "vimeo.com")
_PAPER_HOSTS = ("arxiv.org", "doi.org", "openreview.net", "aclanthology.org", "papers.nips.cc")
_REPO_HOSTS = ("github.com", "gitlab.com", "codeberg.org", "bitbucket.org")
_COURSE_HOSTS = ("coursera.org", "edx.org", "udemy.com", "udacity.com")
_DOCS_PATHS = ("/docs/", "/documentation/", "/api/", "/reference/")
_FREE_BOOK = re.compile(r"\bfree[\s-]*e?book\b", re.IGNORECASE)
_BOOK = re.compile(r"\be?book\b", re.IGNORECASE)
_DOI = re.compile(r"^10\.\d{4,9}/")


def resolved(url: str, base_url: str | None) -> str | None:
    """The URL to keep, or None for an in-page anchor or a relative link with no base."""
    url = url.strip()
    if not url or url.startswith("#"):
        return None
    if _SCHEME.match(url):
        scheme = url.split(":", 1)[0].lower()
        return url if scheme in ("http", "https", "mailto") else None
    if _DOI.match(url):
        return f"https://doi.org/{url}"
    if base_url is None:
        return None
    return urljoin(base_url if base_url.endswith("/") else base_url + "/", url)


def is_relative(url: str) -> bool:
    url = url.strip()
    return bool(url) and not url.startswith("#") and not _SCHEME.match(url)


def _on(host: str, domains: tuple[str, ...]) -> bool:
    return any(host == domain or host.endswith("." + domain) for domain in domains)


def kind_of(url: str, tags: str = "") -> str:
    """The reference kind: what the text tags it as (a book), else what its site says."""
    if _FREE_BOOK.search(tags):
        return "free-book"
    if _BOOK.search(tags):
        return "book"
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    host = host.removeprefix("www.").removeprefix("m.")
    path = parts.path.lower()
    if _on(host, _VIDEO_HOSTS):
        return "video"
    if _on(host, _PAPER_HOSTS) or (host.endswith("acm.org") and path.startswith("/doi/")):
        return "paper"
    if _on(host, _REPO_HOSTS):
        return "repo"
    if _on(host, _COURSE_HOSTS):
        return "course"
    if (
        host.startswith(("docs.", "developer.", "developers."))
        or host.endswith((".readthedocs.io", ".readthedocs.org"))
        or any(marker in path for marker in _DOCS_PATHS)
    ):
        return "docs"
    return "article"


def merged(references: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each URL once, at its first place; a later mention may say more about its kind."""
    kept: dict[str, dict[str, Any]] = {}
    for reference in references:
        first = kept.get(reference["url"])
        if first is None:
            kept[reference["url"]] = dict(reference)
        elif first["kind"] == "article" and reference["kind"] != "article":
            first["kind"] = reference["kind"]
    return list(kept.values())
