"""Peekalink's JSON to our records: a pure function, no I/O.

Peekalink writes our record's fields in camelCase (`followersCount` is `followers_count`), so
rather than one hand-written reader per link kind, the record structs themselves say what to
read: each field is looked up under its camelCase name (or a documented alias) and coerced to
the field's declared type. Anything missing or of the wrong type becomes None, and a typed
object missing a field it cannot do without is dropped whole; an odd answer never raises.
Peekalink's own numeric `id` and `requestId` are its own and are not kept: our preview's id
comes from the URL, and the request id is that of our own request.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Final

import msgspec.inspect as mi

from extraction.language import primary_language
from model.record import (
    DETAILS_TYPES,
    Account,
    Details,
    ErrorCode,
    Failure,
    GithubLanguage,
    Icon,
    ImageRef,
    ImageVariant,
    InstagramUser,
    LinkType,
    PageDetails,
    Preview,
    RedditSubreddit,
    TiktokUser,
    Visibility,
    XUser,
)
from previews.domains import registrable_domain

_SIZES: Final = ("thumbnail", "medium", "large", "original")
_INTEGER = re.compile(r"-?\d{1,20}")
# Longest Peekalink error message passed on to clients.
_MAX_MESSAGE = 500

# Other names a field goes by in Peekalink's documentation, tried after its camelCase name.
_ALIASES: Final[dict[tuple[type[Any], str], tuple[str, ...]]] = {
    (RedditSubreddit, "subscribers_count"): ("subscribers",),
    (GithubLanguage, "percentage"): ("percent", "share"),
}
# Per link kind: field -> names, replacing the camelCase name (the record's name differs).
_RENAMES: Final[dict[str, tuple[str, ...]]] = {
    "RedditPost.post_type": ("type",),
    "MediaItem.kind": ("type", "kind"),
    "DocumentFile.format": ("format", "type"),
    "DocumentFile.estimated_reading_time_in_minutes": (
        "estimatedReadingTimeInMinutes",
        "estimatedReadingTime",
    ),
    "TextFile.estimated_reading_time_in_minutes": (
        "estimatedReadingTimeInMinutes",
        "estimatedReadingTime",
    ),
    "AmazonProduct.product_id": ("productId", "asin"),
}


def _profile(base: str) -> Callable[[Mapping[str, Any], dict[str, Any]], object]:
    def derive(_raw: Mapping[str, Any], fields: dict[str, Any]) -> object:
        username = fields.get("username")
        return f"{base}{username}" if isinstance(username, str) else None

    return derive


# Values for required record fields that Peekalink may leave out. A profile URL follows from
# the handle; TikTok's visibility and verified badge default as the direct backend's do (a
# profile Peekalink could read is public; no badge shown is unverified).
_FALLBACKS: Final[
    dict[tuple[type[Any], str], Callable[[Mapping[str, Any], dict[str, Any]], object]]
] = {
    (TiktokUser, "profile_url"): _profile("https://www.tiktok.com/@"),
    (TiktokUser, "visibility"): lambda _raw, _fields: Visibility.PUBLIC,
    (TiktokUser, "verified"): lambda _raw, _fields: False,
    (XUser, "profile_url"): _profile("https://x.com/"),
    (InstagramUser, "profile_url"): _profile("https://www.instagram.com/"),
}

# Peekalink's link error codes that are ours too; the others are mapped in `failure_from_body`.
_SAME_CODES: Final[dict[str, ErrorCode]] = {
    code.value: code
    for code in (
        ErrorCode.LINK_INVALID_URL,
        ErrorCode.LINK_MAX_REDIRECTS,
        ErrorCode.LINK_REDIRECTS_TO_ITSELF,
        ErrorCode.LINK_IS_GONE,
        ErrorCode.LINK_CONTENT_ERROR,
        ErrorCode.LINK_BLOCKED,
        ErrorCode.LINK_TOOK_TOO_LONG,
        ErrorCode.LINK_SERVER_ERROR,
        ErrorCode.LINK_CONNECTION_ERROR,
        ErrorCode.LINK_IS_NOT_SUPPORTED,
    )
}
# Peekalink's codes about its own account limits rather than the link.
QUOTA_CODES: Final = frozenset({"RATE_LIMIT_EXCEEDED", "BURST_LIMIT_EXCEEDED"})
UNAUTHORIZED_CODE: Final = "INVALID_API_KEY"


def to_preview(url: str, body: Mapping[str, Any], *, fetched_at: datetime) -> Preview:
    """The Preview of `url` (our normalised key) from Peekalink's success body.

    `url` stays the link as asked; Peekalink's `url` is where it ended up. `fetched_at`
    stands in for an `updatedAt` that is missing or unreadable.
    """
    link_type = _link_type(body.get("type"))
    details = _details(link_type, body)
    return Preview(
        url=url,
        final_url=_str(body.get("url")) or url,
        domain=_str(body.get("domain")) or registrable_domain(url),
        type=link_type,
        status=_int(body.get("status")) or 200,
        updated_at=_datetime(body.get("updatedAt")) or fetched_at,
        redirected=body.get("redirected") is True,
        size=_int(body.get("size")),
        title=_str(body.get("title")),
        description=_str(body.get("description")),
        icon=_icon(body.get("icon")),
        image=_image(body.get("image")),
        details=details,
        language=primary_language(body.get("language")),
        redirection_url=_str(body.get("redirectionUrl")),
        redirection_count=_int(body.get("redirectionCount")) or 0,
        redirection_trail=_strings(body.get("redirectionTrail")),
        page=_page(link_type, body.get("page")),
    )


def _strings(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(item for item in value if isinstance(item, str) and item)


def _page(link_type: LinkType, raw: object) -> PageDetails | None:
    """A PAGE's `page` object, read like a typed object (camelCase keys, types coerced)."""
    if link_type is not LinkType.PAGE or not isinstance(raw, Mapping):
        return None
    page = _struct(PageDetails, raw)
    return page if isinstance(page, PageDetails) else None


def error_code(body: object) -> str | None:
    """Peekalink's error code in an error body, if it is one."""
    if isinstance(body, Mapping) and body.get("ok") is False:
        return _str(body.get("error"))
    return None


def failure_from_body(url: str, body: Mapping[str, Any]) -> Failure:
    """Our Failure for one of Peekalink's link errors.

    LINK_CONTENT_WAS_NOT_AS_EXPECTED becomes LINK_CONTENT_ERROR, ours for "the content could
    not be read as what it claimed to be". A code Peekalink adds later becomes
    LINK_SERVER_ERROR with Peekalink's message, rather than an error of our own. Peekalink's
    `status` is that of the API call, so only LINK_IS_GONE says what the link answered (410).
    """
    raw = error_code(body) or ""
    if raw == "LINK_CONTENT_WAS_NOT_AS_EXPECTED":
        code = ErrorCode.LINK_CONTENT_ERROR
    else:
        code = _SAME_CODES.get(raw, ErrorCode.LINK_SERVER_ERROR)
    message = _str(body.get("message")) or f"Peekalink could not preview the link ({raw})."
    return Failure(
        url=url,
        code=code,
        message=message[:_MAX_MESSAGE],
        status=410 if code is ErrorCode.LINK_IS_GONE else None,
    )


_BY_TYPE: Final[dict[LinkType, type[Details]]] = {kind: cls for cls, kind in DETAILS_TYPES.items()}


def _link_type(value: object) -> LinkType:
    try:
        return LinkType(value)
    except ValueError:
        return LinkType.UNKNOWN


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _details(link_type: LinkType, body: Mapping[str, Any]) -> Details | None:
    """The typed object under the type's camelCase key (`tiktokUser`, `xPost`, `image`)."""
    cls = _BY_TYPE.get(link_type)
    raw = body.get(_camel(link_type.value.lower())) if cls is not None else None
    if cls is None or not isinstance(raw, Mapping):
        return None
    details = _struct(cls, raw)
    return details if isinstance(details, cls) else None


def _fields(cls: type[Any]) -> tuple[mi.Field, ...]:
    """The struct's fields and their types, inspected once per struct."""
    fields = _FIELDS.get(cls)
    if fields is None:
        info = mi.type_info(cls)
        assert isinstance(info, mi.StructType)
        fields = _FIELDS[cls] = info.fields
    return fields


_FIELDS: dict[type[Any], tuple[mi.Field, ...]] = {}


def _keys(cls: type[Any], name: str) -> tuple[str, ...]:
    """The names `name` is read under. An `id` never is: Peekalink documents none for its
    typed objects, and the one it sends (`tiktokUser.id: 20`) is its own row number, not
    the platform's id that our `id` fields mean."""
    if name == "id":
        return ()
    renamed = _RENAMES.get(f"{cls.__name__}.{name}")
    if renamed is not None:
        return renamed
    return (_camel(name), *_ALIASES.get((cls, name), ()))


def _struct(cls: type[Any], raw: Mapping[str, Any]) -> object:
    """An instance of the record struct `cls` read from `raw`, or None when a field it
    cannot do without is missing."""
    values: dict[str, Any] = {}
    for field in _fields(cls):
        value = None
        for key in _keys(cls, field.name):
            value = _coerce(raw.get(key), field.type)
            if value is not None:
                break
        if value is not None:
            values[field.name] = value
    for field in _fields(cls):
        if field.required and field.name not in values:
            fallback = _FALLBACKS.get((cls, field.name))
            value = fallback(raw, values) if fallback is not None else None
            if value is None:
                return None
            values[field.name] = value
    try:
        return cls(**values)
    except (TypeError, ValueError):
        return None


def _coerce(value: object, info: mi.Type) -> object:
    """`value` as the declared type, or None when it is not one."""
    if value is None:
        return None
    if isinstance(info, mi.UnionType):
        for member in info.types:
            if not isinstance(member, mi.NoneType):
                found = _coerce(value, member)
                if found is not None:
                    return found
        return None
    reader = _READERS.get(type(info))
    if reader is not None:
        return reader(value, info)
    return None


def _coerce_struct(value: object, info: mi.Type) -> object:
    assert isinstance(info, mi.StructType)
    cls = info.cls
    if cls is ImageRef:
        return _image(value)
    if cls is Icon:
        return _icon(value)
    if isinstance(value, str) and cls is Account:
        return Account(username=value)
    if isinstance(value, str) and cls is GithubLanguage:
        return GithubLanguage(name=value)
    return _struct(cls, value) if isinstance(value, Mapping) else None


def _coerce_tuple(value: object, info: mi.Type) -> object:
    assert isinstance(info, mi.VarTupleType | mi.ListType)
    if isinstance(value, Mapping):
        # Languages are sometimes a name -> share map.
        value = [{"name": k, "percentage": v} for k, v in value.items()]
    if not isinstance(value, list):
        return None
    items = (_coerce(item, info.item_type) for item in value)
    return tuple(item for item in items if item is not None)


def _coerce_enum(value: object, info: mi.Type) -> object:
    assert isinstance(info, mi.EnumType)
    if not isinstance(value, str):
        return None
    for candidate in (value, value.upper()):
        try:
            return info.cls(candidate)
        except ValueError:
            continue
    return None


def _str(value: object, _info: mi.Type | None = None) -> str | None:
    """A string; a number too, since Peekalink's ids are numbers and ours are strings."""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def _int(value: object, _info: mi.Type | None = None) -> int | None:
    """An exact integer: JSON numbers come as Python ints, so 2 500 000 000 stays exact."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        return int(value.strip())
    return None


def _float(value: object, _info: mi.Type | None = None) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
        return number if math.isfinite(number) else None
    return None


def _bool(value: object, _info: mi.Type | None = None) -> bool | None:
    return value if isinstance(value, bool) else None


def _decimal(value: object, _info: mi.Type | None = None) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _datetime(value: object, _info: mi.Type | None = None) -> datetime | None:
    """ISO 8601 (`2024-12-16T15:33:14.698Z`); a time without a zone is taken as UTC."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


_READERS: Final[dict[type[mi.Type], Callable[[object, mi.Type], object]]] = {
    mi.StrType: _str,
    mi.IntType: _int,
    mi.FloatType: _float,
    mi.BoolType: _bool,
    mi.DecimalType: _decimal,
    mi.DateTimeType: _datetime,
    mi.EnumType: _coerce_enum,
    mi.StructType: _coerce_struct,
    mi.VarTupleType: _coerce_tuple,
    mi.ListType: _coerce_tuple,
}


def _variant(value: object) -> ImageVariant | None:
    if not isinstance(value, Mapping):
        return None
    url, width, height = _str(value.get("url")), _int(value.get("width")), _int(value.get("height"))
    if not url or width is None or height is None:
        return None
    return ImageVariant(url=url, width=width, height=height)


def _image(value: object) -> ImageRef | None:
    """Peekalink's responsive image: its renditions stay on Peekalink's CDN, and the
    original's size is the image's size. A bare URL, or one `{url, width, height}`, is read
    as an image known only by its source."""
    if isinstance(value, str):
        return ImageRef(source_url=value) if value else None
    if not isinstance(value, Mapping):
        return None
    variants = {size: _variant(value.get(size)) for size in _SIZES}
    largest = next((variants[s] for s in reversed(_SIZES) if variants[s] is not None), None)
    if largest is None:
        url = _str(value.get("url"))
        if not url:
            return None
        return ImageRef(
            source_url=url, width=_int(value.get("width")), height=_int(value.get("height"))
        )
    return ImageRef(
        source_url=largest.url,
        width=largest.width,
        height=largest.height,
        thumbnail=variants["thumbnail"],
        medium=variants["medium"],
        large=variants["large"],
        original=variants["original"],
    )


def _icon(value: object) -> Icon | None:
    if not isinstance(value, Mapping):
        return None
    url = _str(value.get("url"))
    if not url:
        return None
    color = _str(value.get("backgroundColor"))
    return Icon(
        url=url,
        width=_int(value.get("width")),
        height=_int(value.get("height")),
        background_color=color or None,
    )


def decode_body(raw: bytes) -> object:
    """Peekalink's JSON, or None when it is not JSON at all. The standard library's parser
    keeps integers of any size exact."""
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        return None
