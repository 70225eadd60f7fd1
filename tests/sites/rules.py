"""One registered rule on its own, by name, as the dispatcher runs it: its pattern matched
against the URL once, its function handed the match."""

from __future__ import annotations

from extraction.page import ParsedPage
from sites import RULES, SiteExtract, SiteRule
from sites.base import match_url


def rule(name: str) -> SiteRule:
    return next(registered for registered in RULES if registered.name == name)


def rule_matches(name: str, url: str) -> bool:
    return match_url(rule(name).url, url) is not None


def read_rule(name: str, url: str, page: ParsedPage) -> SiteExtract | None:
    """The rule's reading of the page; None when the URL is not one the rule reads."""
    found = match_url(rule(name).url, url)
    return None if found is None else rule(name).extract(found, page)
