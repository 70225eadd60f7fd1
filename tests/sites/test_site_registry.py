"""The rule registry: order, matching, and a failing rule not taking the preview down."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from extraction.page import ParsedPage, parse_page
from model.record import LinkType, TiktokUser, Visibility
from sites import RULES, SiteExtract, SiteRule, apply_site_rules
from sites.base import match_url, none_of, url_pattern

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


def test_a_rule_is_handed_the_match_of_its_pattern() -> None:
    # The host is read lower-cased without its trailing dot, the query may follow, the
    # fragment never reaches the pattern.
    seen: list[dict[str, Any]] = []

    def item(found: re.Match[str], page: ParsedPage) -> SiteExtract | None:
        seen.append(found.groupdict())
        return SiteExtract(details=USER, title=found.group("id"))

    rules = (
        SiteRule(
            "item", LinkType.TIKTOK_USER, url_pattern(r"example\.com/item/(?P<id>\d+)/?"), item
        ),
    )
    extract = apply_site_rules("HTTPS://Example.COM./item/42/?ref=x#top", PAGE, rules)
    assert extract is not None
    assert extract.title == "42"
    assert seen == [{"id": "42"}]
    assert apply_site_rules("https://example.com/item/x", PAGE, rules) is None
    assert apply_site_rules("https://example.com.evil/item/42", PAGE, rules) is None
    assert apply_site_rules("ftp://example.com/item/42", PAGE, rules) is None
    assert len(seen) == 1


def test_a_pattern_may_read_the_query() -> None:
    watch = url_pattern(r"example\.com/watch\?(?:.*?&)?v=(?P<v>\w+)(?:&.*)?")
    assert (found := match_url(watch, "https://example.com/watch?t=1&v=abc&x=2")) is not None
    assert found.group("v") == "abc"
    assert match_url(watch, "https://example.com/watch?t=1") is None
    assert match_url(watch, "https://example.com/watch?xv=abc") is None


def test_reserved_names_are_refused_whole_and_in_any_case() -> None:
    user = url_pattern(rf"x\.com/{none_of({'home', 'i'})}(?P<user>\w+)/?")
    assert match_url(user, "https://x.com/Home") is None
    assert match_url(user, "https://x.com/home/?s=1") is None
    assert match_url(user, "https://x.com/i") is None
    assert (found := match_url(user, "https://x.com/homer")) is not None
    assert found.group("user") == "homer"
    assert match_url(user, "https://x.com/ian") is not None


def test_an_extract_is_of_its_records_kind() -> None:
    assert SiteExtract(details=USER).link_type is LinkType.TIKTOK_USER
