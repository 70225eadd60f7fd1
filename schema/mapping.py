"""The one place where canonical records become GraphQL objects.

The typed objects mirror their records field for field, so one converter serves every link
kind: each graph type names the record struct it mirrors (`schema.link_types.registry`), and
each field's conversion is chosen once, at import, from the record field's declared type (an
ImageRef becomes a ResponsiveImage, a nested struct its graph class, a tuple a list). Counts
and ids need no work at run time: `Count` and `strawberry.ID` are NewTypes of int and str, told
apart only in the schema. A record field with no graph field, or the reverse, fails the import
rather than silently dropping data.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime
from typing import Any, Final, TypeAlias, TypedDict

import msgspec
import msgspec.inspect as mi
import strawberry
from strawberry.types.base import get_object_definition

from model import record
from schema.embed import Embed
from schema.errors import PreviewError
from schema.images import Icon, Image, ResponsiveImage
from schema.link_types.registry import GRAPH_OBJECTS, LINK_KINDS
from schema.previews import KIND_PREVIEWS, PagePreview, UnknownPreview
from schema.results import PreviewResult
from schema.scalars import Count

GraphResult: TypeAlias = PreviewResult

# A conversion of one record value into its graph value.
Convert: TypeAlias = Callable[[Any], Any]


class CommonFields(TypedDict):
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
    embed: Embed | None
    request_id: str | None
    index: int
    language: str | None
    redirection_url: str | None
    redirection_count: int
    redirection_trail: list[str]


def link_id(url: str) -> str:
    """A short, stable id for a normalised URL (unique enough for client caches)."""
    return hashlib.sha256(url.encode()).hexdigest()[:32]


def _embed(embed: record.Embed | None) -> Embed | None:
    if embed is None:
        return None
    return Embed(
        url=embed.url,
        html=embed.html,
        provider=embed.provider,
        width=embed.width,
        height=embed.height,
        aspect_ratio=embed.aspect_ratio,
    )


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


# Record value types the graph takes as they are (ints may be Count, strs ID: NewTypes).
_AS_IS = (
    mi.StrType,
    mi.IntType,
    mi.FloatType,
    mi.BoolType,
    mi.DateTimeType,
    mi.DecimalType,
    mi.EnumType,
)

_struct_converters: dict[type[msgspec.Struct], Convert] = {}


def _value_converter(value_type: mi.Type) -> Convert | None:
    """How a record value of this type becomes its graph value; None when it is used as is."""
    if isinstance(value_type, mi.UnionType):
        present = [t for t in value_type.types if not isinstance(t, mi.NoneType)]
        if len(present) != 1:
            raise TypeError(f"no GraphQL conversion for the union {value_type}")
        convert = _value_converter(present[0])
        if convert is None:
            return None
        return lambda value: None if value is None else convert(value)
    if isinstance(value_type, mi.StructType):
        if value_type.cls is record.ImageRef:
            return responsive_image
        return _struct_converter(value_type.cls)
    if isinstance(value_type, mi.VarTupleType | mi.ListType):
        item = _value_converter(value_type.item_type)
        if item is None:
            return list
        return lambda values: [item(value) for value in values]
    if isinstance(value_type, _AS_IS):
        return None
    raise TypeError(f"no GraphQL conversion for {value_type}")


def _struct_converter(struct: type[msgspec.Struct]) -> Convert:
    """The conversion of one record struct into its graph class, planned once per struct."""
    known = _struct_converters.get(struct)
    if known is not None:
        return known
    graph = GRAPH_OBJECTS[struct]
    info = mi.type_info(struct)
    if not isinstance(info, mi.StructType):
        raise TypeError(f"{struct.__name__} is not a msgspec struct")
    record_fields = {field.name for field in info.fields}
    graph_fields = {field.python_name for field in get_object_definition(graph, strict=True).fields}
    if record_fields != graph_fields:
        only_record = sorted(record_fields - graph_fields)
        only_graph = sorted(graph_fields - record_fields)
        raise TypeError(
            f"{struct.__name__} and its graph type differ: record only {only_record}, "
            f"graph only {only_graph}"
        )
    converted = tuple(
        (field.name, convert)
        for field in info.fields
        if (convert := _value_converter(field.type)) is not None
    )

    def to_graph_object(value: msgspec.Struct) -> object:
        values = msgspec.structs.asdict(value)
        for name, convert_field in converted:
            values[name] = convert_field(values[name])
        return graph(**values)

    _struct_converters[struct] = to_graph_object
    return to_graph_object


# Each link kind's preview class, field name and converter, planned at import.
_DETAILS: Final[dict[type[record.Details], tuple[Callable[..., GraphResult], str, Convert]]] = {
    kind: (preview, LINK_KINDS[kind].key, _struct_converter(kind))
    for kind, preview in KIND_PREVIEWS.items()
}


_page_converter: Final = _struct_converter(record.PageDetails)


def _page(page: record.PageDetails | None) -> Any:
    return None if page is None else _page_converter(page)


def to_graph(outcome: record.Outcome, request_id: str | None = None, index: int = 0) -> GraphResult:
    """The graph object of `outcome`, answering the link at `index` of the request's links."""
    if isinstance(outcome, record.Failure):
        return PreviewError(
            url=outcome.url,
            code=outcome.code,
            message=outcome.message,
            status=outcome.status,
            index=index,
        )
    common = CommonFields(
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
        embed=_embed(outcome.embed),
        request_id=request_id,
        index=index,
        language=outcome.language,
        redirection_url=outcome.redirection_url,
        redirection_count=outcome.redirection_count,
        redirection_trail=list(outcome.redirection_trail),
    )
    details = outcome.details
    if details is None:
        if outcome.type is record.LinkType.UNKNOWN:
            return UnknownPreview(**common)
        return PagePreview(**common, page=_page(outcome.page))
    preview, key, convert = _DETAILS[type(details)]
    return preview(**common, **{key: convert(details)})
