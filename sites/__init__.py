"""Site rules: one module per platform, each a small pure function from a page to a record.

`RULES` lists them in the order they are tried; the first rule whose `matches(url)` holds and
whose `extract(url, page)` returns something wins. Each platform module lists its own
rules in its `RULES`; a new platform is a new module and one line here.
"""

from __future__ import annotations

import logging
from typing import Final

from extraction.page import ParsedPage
from sites import amazon, etsy, github, instagram, reddit, tiktok, x, youtube
from sites.base import SiteExtract, SiteRule

__all__ = ["RULES", "SiteExtract", "SiteRule", "apply_site_rules"]

logger = logging.getLogger(__name__)

RULES: Final[tuple[SiteRule, ...]] = (
    *tiktok.RULES,
    *youtube.RULES,
    *x.RULES,
    *instagram.RULES,
    *reddit.RULES,
    *github.RULES,
    *amazon.RULES,
    *etsy.RULES,
)


def apply_site_rules(
    url: str, page: ParsedPage, rules: tuple[SiteRule, ...] = RULES
) -> SiteExtract | None:
    """The first matching rule's reading of the page, or None for a generic page.

    A rule that fails on unexpected page data is logged and skipped: the page still gets its
    generic preview, as every partial failure does.
    """
    for rule in rules:
        try:
            extract = rule.extract(url, page) if rule.matches(url) else None
        except Exception:
            logger.warning("site rule %s failed on %s", rule.name, url, exc_info=True)
            continue
        if extract is not None:
            return extract
    return None
