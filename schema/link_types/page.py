"""A web page's article facts: Peekalink's `page` object on PagePreview."""

from __future__ import annotations

from datetime import datetime

import strawberry

from model import record
from schema.images import ResponsiveImage
from schema.link_types.registry import graph_object


@graph_object(record.PageDetails)
@strawberry.type(
    description="What a web page says about itself as an article: who wrote it and when, its "
    "own headline, and its main text as documents this service serves. Every field is null "
    "(or empty) when the page does not say."
)
class PageDetails:
    site_name: str | None = strawberry.field(
        description="The name of the site the page belongs to (og:site_name, the publisher), "
        "to show beside the title."
    )
    headline: str | None = strawberry.field(
        description="The article's own headline, without the site's name that `title` often "
        'carries ("Albert Einstein" where the title is "Albert Einstein - Wikipedia").'
    )
    authors: list[str] = strawberry.field(
        description="The article's authors' names, as the page credits them; empty when it "
        "credits nobody."
    )
    published_at: datetime | None = strawberry.field(
        description="When the article was first published, in UTC."
    )
    modified_at: datetime | None = strawberry.field(
        description="When the article was last changed, in UTC, when the page says."
    )
    canonical_url: str | None = strawberry.field(
        description="The page's preferred address (`<link rel=canonical>`, og:url): the one "
        "to share or deduplicate on."
    )
    theme_color: str | None = strawberry.field(
        description="The colour the site asks browsers to paint around it (`<meta "
        "name=theme-color>`), as the page writes it (usually `#RRGGBB`), for a card's accent."
    )
    estimated_reading_time_in_minutes: int | None = strawberry.field(
        description="Minutes a reader needs for the main text, at 230 words a minute, "
        "rounded up; null when the page has no article text."
    )
    raw_text_url: str | None = strawberry.field(
        description="A URL of this service serving the page's main text as plain text "
        "(signed, permanent, cacheable); null when the page has no article text."
    )
    markdown_url: str | None = strawberry.field(
        description="A URL of this service serving the page's main text as Markdown."
    )
    html_url: str | None = strawberry.field(
        description="A URL of this service serving the page's main text as clean HTML (no "
        "scripts, styles or navigation), served as a download that never runs in a browser."
    )
    screenshot: ResponsiveImage | None = strawberry.field(
        description="The page as a headless browser draws it (1280×800), computed only when "
        "a query selects it: selecting it starts a browser the first time, and the picture is "
        "then cached with the preview and refreshed with it. A page that has no image of its "
        "own gets this picture as its `image` whenever a query selects `image`. Null when "
        "screenshots are off (LINKGRAPH_SCREENSHOTS=false, or no Chromium on the server) or "
        "the page could not be drawn; never an error."
    )
