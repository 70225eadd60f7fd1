"""The one place where canonical records become GraphQL objects."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import TypedDict

import strawberry

from previews import record
from schema.errors import PreviewError
from schema.images import Icon, Image, ResponsiveImage
from schema.previews import PagePreview, TiktokUser, TiktokUserPreview
from schema.scalars import Count

GraphResult = TiktokUserPreview | PagePreview | PreviewError


class _Common(TypedDict):
    """The LinkPreview fields, shared by every implementation."""

    id: strawberry.ID
    ok: bool
    url: str
    final_url: str
    domain: str
    type: record.LinkType
    status: int
    updated_at: datetime
    size: Count | None
    redirected: bool
    title: str | None
    description: str | None
    icon: Icon | None
    image: ResponsiveImage | None
    request_id: str | None


def link_id(url: str) -> str:
    """A short, stable id for a normalised URL (unique enough for client caches)."""
    return hashlib.sha256(url.encode()).hexdigest()[:32]


def _count(value: int | None) -> Count | None:
    return None if value is None else Count(value)


def _variant(variant: record.ImageVariant) -> Image:
    return Image(url=variant.url, width=variant.width, height=variant.height)


def responsive_image(ref: record.ImageRef | None) -> ResponsiveImage | None:
    """Stored renditions when the media store holds a copy; otherwise every size points at
    the source, with the size the page declared."""
    if ref is None:
        return None
    source = Image(url=ref.source_url, width=ref.width, height=ref.height)
    sizes = [
        _variant(variant) if variant else source
        for variant in (ref.thumbnail, ref.medium, ref.large, ref.original)
    ]
    return ResponsiveImage(
        thumbnail=sizes[0],
        medium=sizes[1],
        large=sizes[2],
        original=sizes[3],
        source_url=ref.source_url,
        srcset=_srcset(sizes),
        placeholder=ref.placeholder,
        dominant_color=ref.dominant_color,
    )


def _srcset(sizes: list[Image]) -> str | None:
    """One candidate per distinct width: a small source repeats its size in every slot."""
    by_width: dict[int, str] = {}
    for image in sizes:
        if image.width is None:
            return None
        by_width.setdefault(image.width, image.url)
    return ", ".join(f"{url} {width}w" for width, url in sorted(by_width.items()))


def _icon(icon: record.Icon | None) -> Icon | None:
    if icon is None:
        return None
    return Icon(
        url=icon.url,
        width=icon.width,
        height=icon.height,
        background_color=icon.background_color,
    )


def _tiktok_user(user: record.TiktokUser) -> TiktokUser:
    return TiktokUser(
        id=None if user.id is None else strawberry.ID(user.id),
        username=user.username,
        name=user.name,
        bio=user.bio,
        url=user.url,
        profile_url=user.profile_url,
        followers_count=_count(user.followers_count),
        following_count=_count(user.following_count),
        likes_count=_count(user.likes_count),
        videos_count=_count(user.videos_count),
        visibility=user.visibility,
        verified=user.verified,
        avatar=responsive_image(user.avatar),
    )


def to_graph(outcome: record.Outcome, request_id: str | None = None) -> GraphResult:
    if isinstance(outcome, record.Failure):
        return PreviewError(
            url=outcome.url, code=outcome.code, message=outcome.message, status=outcome.status
        )
    common = _Common(
        id=strawberry.ID(link_id(outcome.url)),
        ok=True,
        url=outcome.url,
        final_url=outcome.final_url,
        domain=outcome.domain,
        type=outcome.type,
        status=outcome.status,
        updated_at=outcome.updated_at,
        size=_count(outcome.size),
        redirected=outcome.redirected,
        title=outcome.title,
        description=outcome.description,
        icon=_icon(outcome.icon),
        image=responsive_image(outcome.image),
        request_id=request_id,
    )
    details = outcome.details
    if isinstance(details, record.TiktokUser):
        return TiktokUserPreview(tiktok_user=_tiktok_user(details), **common)
    return PagePreview(**common)
