"""The LinkPreview interface and its implementations, one per link kind.

Each implementation adds one field, the typed object under Peekalink's key for it. PAGE and
UNKNOWN have no typed object and are written here; every other kind's preview is generated
from the graph type its `schema.link_types` module declares (`registry.link_kind`), in the
order of the model's `Details` registry, so adding a kind writes no preview class.
"""

from __future__ import annotations

from datetime import datetime

import strawberry

from model.record import DETAILS_TYPES, Details
from schema.embed import Embed
from schema.enums import LinkType
from schema.images import Icon, ResponsiveImage
from schema.link_types.page import PageDetails
from schema.link_types.registry import LINK_KINDS, LinkKind
from schema.scalars import Count


@strawberry.interface(
    description="What every preview has, whatever the link points at. Select the typed "
    "object through the implementing type (`... on TiktokUserPreview { tiktokUser { ... } }`)."
)
class LinkPreview:
    id: strawberry.ID = strawberry.field(
        description="Stable identifier derived from the normalised URL: the same link always "
        "has the same id, so client caches can key on it."
    )
    ok: bool = strawberry.field(description="Whether the link answered with a usable page.")
    url: str = strawberry.field(description="The link, normalised (as asked, before redirects).")
    final_url: str = strawberry.field(
        description="Where the link led after redirects; equal to `url` when not redirected."
    )
    domain: str = strawberry.field(
        description="The registrable domain of the link (tiktok.com for www.tiktok.com)."
    )
    type: LinkType = strawberry.field(description="The kind of link.")
    status: int = strawberry.field(description="The HTTP status the link answered with.")
    updated_at: datetime = strawberry.field(description="When the link was last fetched.")
    size: Count | None = strawberry.field(description="Bytes of the page that were read.")
    redirected: bool = strawberry.field(description="Whether the link redirected elsewhere.")
    title: str | None = strawberry.field(description="The page's title.")
    description: str | None = strawberry.field(
        description="The page's description, at most 500 characters."
    )
    icon: Icon | None = strawberry.field(description="The site's icon.")
    image: ResponsiveImage | None = strawberry.field(description="The page's representative image.")
    embed: Embed | None = strawberry.field(
        description="A player to show inline instead of the card, when the link has one "
        "(a video, a post, a track); null otherwise."
    )
    index: int = strawberry.field(
        description="The link's position in the request's `urls` (0 for `preview` and "
        "`refreshPreview`). A streamed `previews` list (`@stream`) is in the order links "
        "finish, so this says which asked-for link each item answers."
    )
    request_id: str | None = strawberry.field(
        description="The id of the request that answered (also in the X-Request-Id response "
        "header and the service's logs), to quote when reporting a wrong preview."
    )
    language: str | None = strawberry.field(
        description='The language of the content as its primary BCP 47 subtag ("en", '
        '"pt"): declared by the page (`<html lang>`, meta, JSON-LD) or its Content-Language '
        "header, else detected from its text; null when unknown."
    )
    redirection_url: str | None = strawberry.field(
        description="Where the link's redirects ended; null when it answered itself."
    )
    redirection_count: int = strawberry.field(
        description="How many redirects the link went through (0 when none)."
    )
    redirection_trail: list[str] = strawberry.field(
        description="Every URL the redirects passed through, the link first and "
        "`redirectionUrl` last; empty when the link did not redirect."
    )


@strawberry.type(description="A web page with no more specific type.")
class PagePreview(LinkPreview):
    page: PageDetails | None = strawberry.field(
        description="The page as an article (Peekalink's `page`): headline, authors, dates, "
        "site name and its main text as documents; null for a preview cached before it "
        "was read."
    )


@strawberry.type(
    description="A link of no kind this service recognises (type UNKNOWN): only the fields "
    "every preview has."
)
class UnknownPreview(LinkPreview):
    pass


def _preview_type(kind: LinkKind) -> type[LinkPreview]:
    """`<Kind>Preview`: the interface's fields and the typed object under its key.

    Strawberry needs a concrete class per union member, so each is made here with `type()`;
    its name is the link kind's (TIKTOK_USER answers as TiktokUserPreview).
    """
    words = DETAILS_TYPES[kind.record].value.split("_")
    name = "".join(word.capitalize() for word in words) + "Preview"
    namespace = {
        "__module__": __name__,
        "__qualname__": name,
        "__annotations__": {kind.key: kind.graph},
        kind.key: strawberry.field(description=kind.field),
    }
    return strawberry.type(type(name, (LinkPreview,), namespace), description=kind.preview)


def _graph_kind(record: type[Details]) -> LinkKind:
    kind = LINK_KINDS.get(record)
    if kind is None:
        raise TypeError(f"{record.__name__} has no graph type: declare one with link_kind")
    return kind


# The preview each typed object answers as, in the registry's order (the union's).
KIND_PREVIEWS: dict[type[Details], type[LinkPreview]] = {
    record: _preview_type(_graph_kind(record)) for record in DETAILS_TYPES
}
if len(LINK_KINDS) != len(KIND_PREVIEWS):
    raise TypeError("a graph type declares a link kind that the model's Details does not list")
