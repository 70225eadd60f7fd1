"""amazon links (rules to come)."""

from __future__ import annotations

from typing import Final

from sites.base import SiteRule

RULES: Final[tuple[SiteRule, ...]] = ()
