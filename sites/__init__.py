"""Site rules: one module per platform, each a URL pattern and a small pure function.

`RULES` gathers every platform module's own `RULES`, found by being in this package (a new
platform is a new module, with no list to update here). The first rule whose pattern matches
the URL and whose `extract(match, page)` returns something wins; the URL is split once and
each rule is handed its match (sites/base.py).
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
from typing import Final

from extraction.page import ParsedPage
from sites.base import SiteExtract, SiteRule, url_target

__all__ = ["RULES", "SiteExtract", "SiteRule", "apply_site_rules", "reads_body_marks"]

logger = logging.getLogger(__name__)


def _platform_rules() -> tuple[SiteRule, ...]:
    """Every module's `RULES`, modules by name; platforms' URLs do not overlap, so only the
    order within a module (which it sets itself) decides anything."""
    found: list[SiteRule] = []
    for module in pkgutil.iter_modules(__path__):
        found.extend(getattr(importlib.import_module(f"{__name__}.{module.name}"), "RULES", ()))
    return tuple(found)


RULES: Final[tuple[SiteRule, ...]] = _platform_rules()


def apply_site_rules(
    url: str, page: ParsedPage, rules: tuple[SiteRule, ...] = RULES
) -> SiteExtract | None:
    """The first matching rule's reading of the page, or None for a generic page.

    A rule that fails on unexpected page data is logged and skipped: the page still gets its
    generic preview, as every partial failure does.
    """
    target = url_target(url)
    if target is None:
        return None
    for rule in rules:
        match = rule.url.fullmatch(target)
        if match is None:
            continue
        try:
            extract = rule.extract(match, page)
        except Exception:
            logger.warning("site rule %s failed on %s", rule.name, url, exc_info=True)
            continue
        if extract is not None:
            return extract
    return None


def reads_body_marks(url: str, rules: tuple[SiteRule, ...] = RULES) -> bool:
    """Whether a rule that may read `url`'s page reads its body marks, so the reader should
    collect them."""
    target = url_target(url)
    return target is not None and any(
        rule.reads_body_marks and rule.url.fullmatch(target) for rule in rules
    )
