"""Every link kind's record comes back through the graph whole: every field, the right value.

The records are built from their own declared field types (msgspec's type info), so a field
added to a record later is populated, queried and checked here without editing this file; if the
graph lacks it, the query does not validate and the test fails. The service is a stub that hands
the record straight to the real resolver: this is a unit test of the mapping, not of fetching.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from itertools import count
from typing import Any

import msgspec
import msgspec.inspect as mi
import pytest
from graphql import GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLScalarType
from strawberry.utils.str_converters import to_camel_case

from graph import schema
from model import record
from schema.mapping import link_id, to_graph
from schema.previews import PagePreview, UnknownPreview

URL = "https://example.com/some/link"

# What the task promises clients: each kind's preview type and the key its object sits under.
EXPECTED_PREVIEWS: dict[type[msgspec.Struct], tuple[str, str]] = {
    record.TiktokUser: ("TiktokUserPreview", "tiktokUser"),
    record.TiktokVideo: ("TiktokVideoPreview", "tiktokVideo"),
    record.YoutubeVideo: ("YoutubeVideoPreview", "youtubeVideo"),
    record.YoutubeUser: ("YoutubeUserPreview", "youtubeUser"),
    record.XPost: ("XPostPreview", "xPost"),
    record.XUser: ("XUserPreview", "xUser"),
    record.InstagramPost: ("InstagramPostPreview", "instagramPost"),
    record.InstagramUser: ("InstagramUserPreview", "instagramUser"),
    record.RedditPost: ("RedditPostPreview", "redditPost"),
    record.RedditUser: ("RedditUserPreview", "redditUser"),
    record.RedditSubreddit: ("RedditSubredditPreview", "redditSubreddit"),
    record.GithubRepository: ("GithubRepositoryPreview", "githubRepository"),
    record.AmazonProduct: ("AmazonProductPreview", "amazonProduct"),
    record.EtsyProduct: ("EtsyProductPreview", "etsyProduct"),
    record.ImageFile: ("ImagePreview", "imageFile"),
    record.VideoFile: ("VideoPreview", "video"),
    record.AudioFile: ("AudioPreview", "audio"),
    record.DocumentFile: ("DocumentPreview", "document"),
    record.TextFile: ("TextPreview", "text"),
}

# The selection that checks an ImageRef arrived as a ResponsiveImage built from it.
IMAGE_SELECTION = (
    "{ sourceUrl placeholder dominantColor thumbnail { url width height } "
    "medium { url width height } large { url width height } original { url width height } }"
)


def _is_count(name: str) -> bool:
    return name.endswith("_count") or name.endswith("karma")


class _Builder:
    """Fully populated records: every optional field set, every tuple two items long, counts
    past 2^31 (GraphQL's Int would refuse them), every value distinct so a swap shows."""

    def __init__(self) -> None:
        self._serial = count(1)

    def struct(self, struct: type[msgspec.Struct]) -> Any:
        info = mi.type_info(struct)
        assert isinstance(info, mi.StructType)
        values = {field.name: self.value(field.name, field.type) for field in info.fields}
        return struct(**values)

    def image(self) -> record.ImageRef:
        n = next(self._serial)
        variants = [
            record.ImageVariant(url=f"https://media.test/{n}/{width}.webp", width=width, height=n)
            for width in (320, 640, 1280, 2000)
        ]
        return record.ImageRef(
            source_url=f"https://cdn.test/{n}.jpg",
            width=2000,
            height=n,
            thumbnail=variants[0],
            medium=variants[1],
            large=variants[2],
            original=variants[3],
            placeholder=f"data:image/webp;base64,{n}",
            dominant_color=f"#{n:06x}",
        )

    def value(self, name: str, value_type: mi.Type) -> Any:
        n = next(self._serial)
        if isinstance(value_type, mi.UnionType):
            present = [t for t in value_type.types if not isinstance(t, mi.NoneType)]
            assert len(present) == 1, f"{name}: unexpected union {value_type}"
            return self.value(name, present[0])
        if isinstance(value_type, mi.StructType):
            if value_type.cls is record.ImageRef:
                return self.image()
            return self.struct(value_type.cls)
        if isinstance(value_type, mi.VarTupleType):
            return (self.value(name, value_type.item_type), self.value(name, value_type.item_type))
        if isinstance(value_type, mi.BoolType):
            return n % 2 == 0
        if isinstance(value_type, mi.IntType):
            return 2**33 + n if _is_count(name) else 1000 + n
        if isinstance(value_type, mi.FloatType):
            return n + 0.25
        if isinstance(value_type, mi.StrType):
            return f"{name}-{n}"
        if isinstance(value_type, mi.DateTimeType):
            return datetime(2021, 3, 4, 5, 6, 7, tzinfo=UTC) + timedelta(days=n)
        if isinstance(value_type, mi.DecimalType):
            return Decimal(f"{n}.99")
        if isinstance(value_type, mi.EnumType):
            members = list(value_type.cls)
            return members[n % len(members)]
        raise AssertionError(f"{name}: no test value for {value_type}")


def _selection(struct: type[msgspec.Struct]) -> str:
    """Every field of the record, by its camelCase graph name, nested structs in full."""
    info = mi.type_info(struct)
    assert isinstance(info, mi.StructType)
    return "{ " + " ".join(_field_selection(f.name, f.type) for f in info.fields) + " }"


def _field_selection(name: str, value_type: mi.Type) -> str:
    graph_name = to_camel_case(name)
    inner = _inner(value_type)
    if isinstance(inner, mi.StructType):
        nested = IMAGE_SELECTION if inner.cls is record.ImageRef else _selection(inner.cls)
        return f"{graph_name} {nested}"
    return graph_name


def _inner(value_type: mi.Type) -> mi.Type:
    """The struct or scalar type behind optionals and tuples."""
    if isinstance(value_type, mi.UnionType):
        present = [t for t in value_type.types if not isinstance(t, mi.NoneType)]
        return _inner(present[0])
    if isinstance(value_type, mi.VarTupleType):
        return _inner(value_type.item_type)
    return value_type


def _expected(value: Any) -> Any:
    """What GraphQL should answer for a record value, worked out from the record alone."""
    if isinstance(value, record.ImageRef):
        return _expected_image(value)
    if isinstance(value, msgspec.Struct):
        return {
            to_camel_case(name): _expected(getattr(value, name)) for name in value.__struct_fields__
        }
    if isinstance(value, tuple):
        return [_expected(item) for item in value]
    if isinstance(value, enum.Enum):
        return value.name
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _expected_image(ref: record.ImageRef) -> dict[str, Any]:
    def rendition(variant: record.ImageVariant | None) -> dict[str, Any]:
        assert variant is not None
        return {"url": variant.url, "width": variant.width, "height": variant.height}

    return {
        "sourceUrl": ref.source_url,
        "placeholder": ref.placeholder,
        "dominantColor": ref.dominant_color,
        "thumbnail": rendition(ref.thumbnail),
        "medium": rendition(ref.medium),
        "large": rendition(ref.large),
        "original": rendition(ref.original),
    }


def _preview(details: record.Details | None, link_type: record.LinkType) -> record.Preview:
    return record.Preview(
        url=URL,
        final_url=URL + "?final",
        domain="example.com",
        type=link_type,
        status=200,
        updated_at=datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC),
        size=2**32 + 5,
        title="A title",
        description="A description",
        details=details,
    )


@dataclass
class _StubService:
    """Answers every URL with one prepared record, as the cache would."""

    outcome: record.Outcome

    def key_for(self, raw_url: str, language: str | None = None) -> record.Outcome:
        return self.outcome


@dataclass
class _StubContext:
    service: _StubService
    request_id: str | None = "req-1"
    language: str | None = None


async def _query(outcome: record.Outcome, selection: str) -> dict[str, Any]:
    result = await schema.execute(
        f'{{ preview(url: "{URL}") {{ __typename {selection} }} }}',
        context_value=_StubContext(_StubService(outcome)),
    )
    assert result.errors is None, result.errors
    assert result.data is not None
    preview: dict[str, Any] = result.data["preview"]
    return preview


def _details_kinds() -> list[type[record.Details]]:
    return list(record.DETAILS_TYPES)


def test_the_expected_table_names_every_link_kind() -> None:
    assert set(EXPECTED_PREVIEWS) == set(record.DETAILS_TYPES)


@pytest.mark.parametrize("kind", _details_kinds(), ids=lambda kind: kind.__name__)
async def test_every_field_of_a_full_record_comes_back(kind: type[record.Details]) -> None:
    details = _Builder().struct(kind)
    typename, key = EXPECTED_PREVIEWS[kind]
    outcome = _preview(details, record.DETAILS_TYPES[kind])
    answer = await _query(
        outcome,
        f"... on LinkPreview {{ id type size requestId }} "
        f"... on {typename} {{ {key} {_selection(kind)} }}",
    )
    assert answer["__typename"] == typename
    assert answer["type"] == record.DETAILS_TYPES[kind].name
    assert answer["id"] == link_id(URL)
    assert answer["size"] == 2**32 + 5
    assert answer["requestId"] == "req-1"
    assert answer[key] == _expected(details)


async def test_counts_past_32_bits_arrive_as_exact_json_numbers() -> None:
    # The builder already sets every count past 2^31; this checks one deep inside the tree.
    details = _Builder().struct(record.RedditPost)
    assert details.user is not None
    assert details.user.karma is not None
    assert details.user.karma > 2**31
    answer = await _query(
        _preview(details, record.LinkType.REDDIT_POST),
        "... on RedditPostPreview { redditPost { user { karma } subreddit { subscribersCount } } }",
    )
    post = answer["redditPost"]
    assert post["user"]["karma"] == details.user.karma
    assert type(post["user"]["karma"]) is int
    assert details.subreddit is not None
    assert post["subreddit"]["subscribersCount"] == details.subreddit.subscribers_count


async def test_an_empty_record_maps_to_nulls_and_empty_lists() -> None:
    # A page that reveals nothing gives null fields and empty lists, never an error.
    answer = await _query(
        _preview(record.XPost(), record.LinkType.X_POST),
        f"... on XPostPreview {{ xPost {_selection(record.XPost)} }}",
    )
    post = answer["xPost"]
    assert post["media"] == []
    assert post["user"] is None
    assert post["likesCount"] is None


@pytest.mark.parametrize(
    ("link_type", "typename"),
    [
        (record.LinkType.UNKNOWN, "UnknownPreview"),
        (record.LinkType.PAGE, "PagePreview"),
        (record.LinkType.TIKTOK_USER, "PagePreview"),
    ],
)
async def test_a_preview_without_details_maps_by_its_type(
    link_type: record.LinkType, typename: str
) -> None:
    outcome = _preview(None, link_type)
    graph = to_graph(outcome)
    assert type(graph) is (UnknownPreview if typename == "UnknownPreview" else PagePreview)
    answer = await _query(outcome, "... on LinkPreview { type title }")
    assert answer["__typename"] == typename
    assert answer["type"] == link_type.name
    assert answer["title"] == "A title"


def _reachable_structs() -> set[type[msgspec.Struct]]:
    """Every record struct a typed object can hold, ImageRef aside (it has its own type)."""
    found: set[type[msgspec.Struct]] = set()
    pending: list[type[msgspec.Struct]] = list(record.DETAILS_TYPES)
    while pending:
        struct = pending.pop()
        if struct in found or struct is record.ImageRef:
            continue
        found.add(struct)
        info = mi.type_info(struct)
        assert isinstance(info, mi.StructType)
        for field in info.fields:
            inner = _inner(field.type)
            if isinstance(inner, mi.StructType):
                pending.append(inner.cls)
    return found


def _named(graphql_type: Any) -> Any:
    while isinstance(graphql_type, GraphQLNonNull | GraphQLList):
        graphql_type = graphql_type.of_type
    return graphql_type


def _graph_type_for(field_name: str, value_type: mi.Type) -> str:
    """The GraphQL type a record field's value must have (by name)."""
    inner = _inner(value_type)
    if isinstance(inner, mi.StructType):
        return "ResponsiveImage" if inner.cls is record.ImageRef else inner.cls.__name__
    if isinstance(inner, mi.IntType):
        return "Count" if _is_count(field_name) else "Int"
    if isinstance(inner, mi.StrType):
        is_id = field_name == "id" or field_name.endswith("_id")
        return "ID" if is_id else "String"
    if isinstance(inner, mi.EnumType):
        return inner.cls.__name__
    names = {
        mi.BoolType: "Boolean",
        mi.FloatType: "Float",
        mi.DateTimeType: "DateTime",
        mi.DecimalType: "Decimal",
    }
    return names[type(inner)]


def test_every_record_field_has_a_graph_field_of_the_right_type() -> None:
    structs = _reachable_structs()
    assert {record.MediaItem, record.Account, record.GithubLanguage} <= structs
    problems = []
    for struct in structs:
        graph_type = schema._schema.type_map.get(struct.__name__)
        assert isinstance(graph_type, GraphQLObjectType), struct.__name__
        info = mi.type_info(struct)
        assert isinstance(info, mi.StructType)
        for field in info.fields:
            graph_field = graph_type.fields.get(to_camel_case(field.name))
            if graph_field is None:
                problems.append(f"{struct.__name__}.{field.name}: no graph field")
                continue
            want = _graph_type_for(field.name, field.type)
            got = _named(graph_field.type)
            if got.name != want:
                problems.append(f"{struct.__name__}.{field.name}: {got.name}, not {want}")
            required = not isinstance(field.type, mi.UnionType)
            if required != isinstance(graph_field.type, GraphQLNonNull):
                problems.append(f"{struct.__name__}.{field.name}: nullability differs")
    assert problems == []


def test_counts_use_the_count_scalar() -> None:
    count_scalar = schema._schema.type_map["Count"]
    assert isinstance(count_scalar, GraphQLScalarType)
    assert count_scalar.serialize(2**40) == 2**40


def test_both_shops_implement_the_product_interface() -> None:
    for name in ("AmazonProduct", "EtsyProduct"):
        graph_type = schema._schema.type_map[name]
        assert isinstance(graph_type, GraphQLObjectType)
        assert [interface.name for interface in graph_type.interfaces] == ["Product"]
