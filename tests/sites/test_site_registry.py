"""The rule registry: order, matching, and a failing rule not taking the preview down."""

from __future__ import annotations

import json
import re

import pytest

from extraction.page import ParsedPage, parse_page
from model.record import LinkType, TiktokUser, Visibility
from sites import RULES, SiteExtract, SiteRule, apply_site_rules

PAGE = ParsedPage(url="https://example.com/")
USER = TiktokUser(
    username="u",
    profile_url="https://www.tiktok.com/@u",
    visibility=Visibility.PUBLIC,
    verified=False,
)


ANY_URL = re.compile(r".*", re.DOTALL)
NO_URL = re.compile(r"(?!)")


def rule(name: str, result: SiteExtract | None, matches: bool = True) -> SiteRule:
    return SiteRule(
        name=name,
        link_type=LinkType.TIKTOK_USER,
        url=ANY_URL if matches else NO_URL,
        extract=lambda found, page: result,
    )


# Kinds told apart by content type, not by a site rule.
FILE_KINDS = {
    LinkType.PAGE,
    LinkType.IMAGE,
    LinkType.VIDEO,
    LinkType.AUDIO,
    LinkType.DOCUMENT,
    LinkType.TEXT,
    LinkType.UNKNOWN,
}


def test_every_platform_kind_has_a_rule() -> None:
    names = [r.name for r in RULES]
    assert len(names) == len(set(names)), "rule names are unique (they name rules in logs)"
    covered = {r.link_type for r in RULES}
    assert covered == set(LinkType) - FILE_KINDS


def test_first_matching_rule_with_a_result_wins() -> None:
    first = SiteExtract(details=USER, title="first")
    second = SiteExtract(details=USER, title="second")
    rules = (
        rule("skip", second, matches=False),
        rule("empty", None),
        rule("a", first),
        rule("b", second),
    )
    assert apply_site_rules("https://example.com/", PAGE, rules) is first


def test_no_rule_means_a_generic_page() -> None:
    assert apply_site_rules("https://example.com/", PAGE) is None
    assert apply_site_rules("https://example.com/", PAGE, ()) is None


def test_a_failing_rule_is_skipped(caplog: pytest.LogCaptureFixture) -> None:
    def broken(found: re.Match[str], page: ParsedPage) -> SiteExtract | None:
        raise KeyError("surprise")

    fallback = SiteExtract(details=USER)
    rules = (
        SiteRule("broken", LinkType.TIKTOK_USER, url=ANY_URL, extract=broken),
        rule("fallback", fallback),
    )
    assert apply_site_rules("https://example.com/", PAGE, rules) is fallback
    assert "site rule broken failed" in caplog.text


def test_tiktok_profile_through_the_registry() -> None:
    data = {
        "__DEFAULT_SCOPE__": {
            "webapp.user-detail": {"userInfo": {"user": {"uniqueId": "u", "nickname": "U"}}}
        }
    }
    html = (
        '<script id="__UNIVERSAL_DATA_FOR_REHYDRATION__" type="application/json">'
        f"{json.dumps(data)}</script>"
    )
    url = "https://www.tiktok.com/@u"
    extract = apply_site_rules(url, parse_page(html.encode(), url=url))
    assert extract is not None
    assert isinstance(extract.details, TiktokUser)
    assert extract.details.username == "u"
    assert apply_site_rules(f"{url}/video/1", parse_page(html.encode(), url=url)) is None
