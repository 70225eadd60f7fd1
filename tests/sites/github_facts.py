"""A GitHub repository page's figures read a second way, with the standard library's parser,
from the links a reader sees (the rule reads labels and counters' attributes instead), so that
expected values come from the page itself and not from the code under test."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

_SHOWN = re.compile(r"[0-9][0-9,.]*[kKmM]?")
_SHARE = re.compile(r"(.+?)\s+([0-9.]+)%")


@dataclass
class _Link:
    href: str
    classes: str
    text: str = ""
    law_icon: bool = False


@dataclass
class GithubFacts:
    # Counts as the page shows them: "964", "31,946", or rounded, "31.9k".
    stars: str | None = None
    forks: str | None = None
    watchers: str | None = None
    languages: list[tuple[str, float]] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    license: str | None = None


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[_Link] = []
        self._open: _Link | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "a":
            self._open = _Link(found.get("href") or "", found.get("class") or "")
            self.links.append(self._open)
        elif tag == "svg" and self._open and "octicon-law" in (found.get("class") or ""):
            self._open.law_icon = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open.text += data


def github_facts(page: str, nwo: str) -> GithubFacts:
    """What the page's links to /stargazers, /network/members, /watchers, ?l= searches, /topics/
    and its licence show; a figure shown nowhere is None."""
    reader = _Links()
    reader.feed(page)
    links = reader.links

    def count(*suffixes: str) -> str | None:
        for link in links:
            if link.href in {f"/{nwo}/{suffix}" for suffix in suffixes}:
                shown = _SHOWN.match(" ".join(link.text.split()))
                if shown:
                    return shown.group()
        return None

    facts = GithubFacts(
        stars=count("stargazers"),
        forks=count("network/members", "forks"),
        watchers=count("watchers"),
    )
    for link in links:
        text = " ".join(link.text.split())
        if link.href.startswith(f"/{nwo}/search?l=") and (share := _SHARE.fullmatch(text)):
            facts.languages.append((share.group(1), float(share.group(2))))
        elif link.href.startswith("/topics/") and "topic-tag" in link.classes:
            if text not in facts.topics:
                facts.topics.append(text)
        elif link.law_icon and facts.license is None:
            facts.license = text
    return facts


def shows(exact: int | None, shown: str | None) -> bool:
    """Whether GitHub would show `exact` as `shown`: the figure itself (commas or not), or
    rounded to thousands with one decimal ("31.9k", "7k")."""
    if exact is None or shown is None:
        return False
    if shown.replace(",", "").isdigit():
        return int(shown.replace(",", "")) == exact
    rounded = f"{exact / 1000:.1f}".removesuffix(".0") + "k"
    return shown.lower() == rounded
