"""The fast execution context (schema/execution.py) answers exactly as the stock one does.

Every query here runs twice, through Strawberry's stock execution context and through ours,
and the two answers must be the same: data (key order included, as clients get bytes) and
errors (message, path, locations). The real schema's types are exercised through a root type
built here over them, so the test follows every preview type as types are added; a small
schema of its own covers what ours does not have yet (lists of objects, nested abstract
types, custom resolvers, arguments).
"""

from __future__ import annotations

import enum
import functools
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any

import pytest
import strawberry
from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    execute,
    parse,
)
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter

from graph import schema as real_schema
from schema.execution import FastExecutionContext
from tests.conftest import GraphClient

STOCK = StrawberryGraphQLCoreExecutionContext
FAST = FastExecutionContext
BACKREF = GraphQLCoreConverter.DEFINITION_BACKREF

# A value for each custom scalar of the real schema; a new scalar must be added here.
SCALAR_SAMPLES: dict[str, Any] = {
    "String": "text",
    "ID": "id-1",
    "Int": 42,
    "Float": 1.5,
    "Boolean": True,
    "Count": 2_500_000_000,
    "DateTime": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
    "Date": date(2026, 1, 2),
    "Decimal": Decimal("12.50"),
    "JSON": {"a": [1, "b"]},
}


def _named(type_: GraphQLOutputType) -> GraphQLNamedType:
    while isinstance(type_, (GraphQLList, GraphQLNonNull)):
        type_ = type_.of_type
    assert isinstance(type_, GraphQLNamedType)
    return type_


class Samples:
    """Instances of the real schema's types, every field filled (or every nullable field
    left null when `sparse`), built from the types' own definitions."""

    def __init__(self, gschema: GraphQLSchema, *, sparse: bool) -> None:
        self.gschema = gschema
        self.sparse = sparse

    def of(self, type_: GraphQLNamedType, seed: int, depth: int = 0) -> Any:
        if isinstance(type_, (GraphQLInterfaceType, GraphQLUnionType)):
            possible = self.gschema.get_possible_types(type_)
            return self.of(possible[seed % len(possible)], seed, depth)
        assert isinstance(type_, GraphQLObjectType), type_
        origin = type_.extensions[BACKREF].origin
        instance = object.__new__(origin)
        for name, field in type_.fields.items():
            definition = field.extensions.get(BACKREF)
            python_name = definition.python_name if definition is not None else name
            value = self.value(field.type, seed + len(name), depth + 1)
            object.__setattr__(instance, python_name, value)
        return instance

    def value(self, type_: GraphQLOutputType, seed: int, depth: int) -> Any:
        if not isinstance(type_, GraphQLNonNull):
            if self.sparse or depth > 6:
                return None
            return self.value(GraphQLNonNull(type_), seed, depth)
        inner = type_.of_type
        if isinstance(inner, GraphQLList):
            return [self.value(inner.of_type, seed + i, depth + 1) for i in range(2)]
        if isinstance(inner, GraphQLEnumType):
            members = list(inner.values.values())
            return members[seed % len(members)].value
        if isinstance(inner, GraphQLScalarType):
            assert inner.name in SCALAR_SAMPLES, f"add a sample for the scalar {inner.name}"
            sample = SCALAR_SAMPLES[inner.name]
            return f"{sample}-{seed}" if isinstance(sample, str) else sample
        assert isinstance(inner, GraphQLNamedType)
        return self.of(inner, seed, depth)


def _composite_types(
    gschema: GraphQLSchema,
) -> list[GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType]:
    roots = {gschema.query_type, gschema.mutation_type, gschema.subscription_type}
    return [
        t
        for name, t in sorted(gschema.type_map.items())
        if not name.startswith("__")
        and t not in roots
        and isinstance(t, (GraphQLObjectType, GraphQLInterfaceType, GraphQLUnionType))
    ]


def _root_schema(gschema: GraphQLSchema, sparse: bool) -> GraphQLSchema:
    """A schema whose root answers a sample of every composite type of `gschema`, alone and
    in lists, so that everything below the root is `gschema`'s own types."""
    samples = Samples(gschema, sparse=sparse)
    fields: dict[str, GraphQLField] = {}
    for type_ in _composite_types(gschema):
        possible = (
            len(gschema.get_possible_types(type_))
            if isinstance(type_, (GraphQLInterfaceType, GraphQLUnionType))
            else 1
        )
        one = samples.of(type_, 0)
        many = [samples.of(type_, seed) for seed in range(max(2, possible))]
        fields[f"one{type_.name}"] = GraphQLField(type_, resolve=lambda *_, v=one: v)
        fields[f"many{type_.name}"] = GraphQLField(GraphQLList(type_), resolve=lambda *_, v=many: v)
    types = [t for t in gschema.type_map.values() if not t.name.startswith("__")]
    return GraphQLSchema(query=GraphQLObjectType("Root", fields), types=types)


def _selection(gschema: GraphQLSchema, type_: GraphQLNamedType, depth: int = 0) -> str:
    """Every field of `type_`, recursively, with `__typename` and a fragment per possible
    type of an abstract type."""
    if depth > 5:
        return "__typename"
    parts = ["__typename"]
    if isinstance(type_, (GraphQLObjectType, GraphQLInterfaceType)):
        for name, field in type_.fields.items():
            named = _named(field.type)
            if isinstance(named, (GraphQLScalarType, GraphQLEnumType)):
                parts.append(name)
            else:
                parts.append(f"{name} {{ {_selection(gschema, named, depth + 1)} }}")
    if isinstance(type_, (GraphQLInterfaceType, GraphQLUnionType)):
        for possible in gschema.get_possible_types(type_):
            parts.append(f"... on {possible.name} {{ {_selection(gschema, possible, depth + 1)} }}")
    return " ".join(parts)


@functools.lru_cache
def _parsed(query: str) -> DocumentNode:
    """One document per query, as the app's parser cache hands out: plans are shared by the
    requests that send the same document, and these tests must exercise that."""
    return parse(query)


def _run(gschema: GraphQLSchema, query: str, executor: type, **variables: Any) -> ExecutionResult:
    result = execute(gschema, _parsed(query), variable_values=variables, executor_class=executor)
    assert isinstance(result, ExecutionResult)
    return result


def _answer(result: ExecutionResult) -> str:
    return json.dumps(
        {"data": result.data, "errors": [e.formatted for e in result.errors or ()]},
        default=str,
    )


def assert_same(gschema: GraphQLSchema, query: str, **variables: Any) -> ExecutionResult:
    stock = _run(gschema, query, STOCK, **variables)
    fast = _run(gschema, query, FAST, **variables)
    assert _answer(fast) == _answer(stock)
    return fast


REAL = real_schema._schema


@pytest.fixture(params=[False, True], ids=["full", "sparse"])
def root(request: pytest.FixtureRequest) -> GraphQLSchema:
    return _root_schema(REAL, sparse=request.param)


def _cases() -> Iterator[str]:
    for type_ in _composite_types(REAL):
        yield type_.name


@pytest.mark.parametrize("type_name", list(_cases()))
def test_every_type_of_the_real_schema_answers_the_same(
    root: GraphQLSchema, type_name: str
) -> None:
    type_ = REAL.get_type(type_name)
    assert isinstance(type_, GraphQLNamedType)
    selection = _selection(REAL, type_)
    query = f"{{ one{type_name} {{ {selection} }} many{type_name} {{ {selection} }} }}"
    result = assert_same(root, query)
    assert result.data is not None
    assert result.data[f"one{type_name}"] is not None
    assert len(result.data[f"many{type_name}"]) >= 2


def test_previews_with_fragments_aliases_and_directives() -> None:
    root = _root_schema(REAL, sparse=False)
    query = """
    query Q($on: Boolean!, $off: Boolean!) {
      a: manyPreviewResult { ...Result }
      b: manyLinkPreview {
        kind: __typename
        link: url
        t1: title
        t2: title @include(if: $on)
        gone: description @skip(if: $on)
        image @include(if: $on) { thumbnail { url w: width } ...Sizes }
        icon @skip(if: $off) { url }
        ... on LinkPreview @include(if: $off) { status }
      }
    }
    fragment Result on PreviewResult {
      __typename
      ... on LinkPreview { id url domain image { ...Sizes } icon { url height @skip(if: $on) } }
      ... on PreviewError { code message }
    }
    fragment Sizes on ResponsiveImage { original { url width height } srcset }
    """
    for on, off in ((True, False), (False, True), (True, True)):
        result = assert_same(root, query, on=on, off=off)
        assert result.data is not None
        assert all(item["link"] for item in result.data["b"])
        # The same document under other variables: the shared plans must not carry them.
        assert all(("t2" in item) == on and ("gone" in item) != on for item in result.data["b"])
        icons = [item["icon"] for item in result.data["a"] if item.get("icon")]
        assert icons
        assert all(("height" in icon) != on for icon in icons)


def _first_field(kind: type, *, non_null: bool) -> tuple[GraphQLObjectType, str, str]:
    """A (type, field name, python name) of the real schema whose type is `kind`."""
    for type_ in _composite_types(REAL):
        if not isinstance(type_, GraphQLObjectType):
            continue
        for name, field in type_.fields.items():
            if isinstance(field.type, GraphQLNonNull) != non_null:
                continue
            if isinstance(_named(field.type), kind) and BACKREF in field.extensions:
                return type_, name, field.extensions[BACKREF].python_name
    raise AssertionError(f"the schema has no {kind.__name__} field")


def _broken_root(type_: GraphQLObjectType, python_name: str, value: Any) -> GraphQLSchema:
    samples = Samples(REAL, sparse=False)
    good, bad = samples.of(type_, 0), samples.of(type_, 1)
    object.__setattr__(bad, python_name, value)
    fields = {
        "items": GraphQLField(GraphQLList(type_), resolve=lambda *_: [good, bad, good]),
        "item": GraphQLField(type_, resolve=lambda *_: bad),
    }
    types = [t for t in REAL.type_map.values() if not t.name.startswith("__")]
    return GraphQLSchema(query=GraphQLObjectType("Root", fields), types=types)


@pytest.mark.parametrize(
    ("kind", "non_null", "value"),
    [
        (GraphQLScalarType, True, None),  # null in a non-null field
        (GraphQLEnumType, True, "not a member"),  # a value the enum refuses
        (GraphQLScalarType, False, object()),  # a value a scalar refuses
        (GraphQLObjectType, True, None),  # null for a non-null object
        (GraphQLObjectType, False, "not an object"),
    ],
)
def test_errors_are_the_stock_errors(kind: type, non_null: bool, value: Any) -> None:
    type_, name, python_name = _first_field(kind, non_null=non_null)
    broken = _broken_root(type_, python_name, value)
    selection = _selection(REAL, type_)
    result = assert_same(broken, f"{{ items {{ {selection} }} item {{ {selection} }} }}")
    assert result.errors
    assert any(error.path and name in error.path for error in result.errors)


# A schema of its own, for what the real one does not have.


@strawberry.enum
class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


@strawberry.type
class Leaf:
    n: int
    tags: list[str]
    maybe: list[int | None] | None


@strawberry.interface
class Named:
    name: str


@strawberry.type
class Cat(Named):
    lives: int


@strawberry.type
class Dog(Named):
    colour: Colour


Pet = Annotated[Cat | Dog, strawberry.union("Pet")]


@strawberry.type
class Owner:
    name: str
    leaves: list[Leaf]
    pets: list[Pet]
    named: list[Named]
    best: Pet | None
    colours: list[Colour]
    when: datetime


CALLS: list[str] = []


@strawberry.type
class Computed:
    plain: str

    @strawberry.field
    def shout(self) -> str:
        CALLS.append(self.plain)
        return self.plain.upper()

    @strawberry.field
    def times(self, n: int = 2) -> str:
        return self.plain * n


def _owner(i: int) -> Owner:
    return Owner(
        name=f"owner {i}",
        leaves=[Leaf(n=j, tags=["a", f"b{j}"], maybe=[1, None] if j else None) for j in range(3)],
        pets=[Cat(name="tom", lives=9), Dog(name="rex", colour=Colour.BLUE)],
        named=[Dog(name="fido", colour=Colour.RED), Cat(name="kit", lives=i)],
        best=Dog(name="rex", colour=Colour.BLUE) if i % 2 else None,
        colours=[Colour.RED, Colour.BLUE],
        when=datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC),
    )


OWNERS: list[Any] = [_owner(i) for i in range(3)]


@strawberry.type
class LocalQuery:
    @strawberry.field
    def owners(self) -> list[Owner]:
        return OWNERS

    @strawberry.field
    def computed(self) -> list[Computed]:
        return [Computed(plain="x"), Computed(plain="y")]


def _local(executor: type) -> strawberry.Schema:
    return strawberry.Schema(query=LocalQuery, execution_context_class=executor)


LOCAL_QUERY = """
{
  owners {
    __typename name when colours
    leaves { n tags maybe }
    pets { __typename ... on Cat { name lives } ... on Dog { name colour } }
    named { __typename name ... on Cat { lives } }
    best { ... on Named { name } }
  }
}
"""


def _local_answers(query: str, owners: list[Any]) -> tuple[str, str, Any]:
    OWNERS[:] = owners
    stock = _local(STOCK).execute_sync(query)
    fast_schema = _local(FAST)
    fast = fast_schema.execute_sync(query)
    as_json = (
        json.dumps({"data": r.data, "errors": [e.formatted for e in r.errors or ()]})
        for r in (stock, fast)
    )
    return next(as_json), next(as_json), fast


def test_lists_nested_abstract_types_and_enums() -> None:
    stock, fast, result = _local_answers(LOCAL_QUERY, [_owner(i) for i in range(3)])
    assert fast == stock
    assert not result.errors
    assert result.data["owners"][1]["pets"][1] == {
        "__typename": "Dog",
        "name": "rex",
        "colour": "BLUE",
    }


@pytest.mark.parametrize(
    ("attribute", "value"),
    [
        ("leaves", "not a list"),
        ("pets", [Cat(name="tom", lives=9), "not a pet"]),
        ("colours", [Colour.RED, None]),
        ("name", None),
        ("when", "not a date"),
    ],
)
def test_local_errors_are_the_stock_errors(attribute: str, value: Any) -> None:
    broken = _owner(1)
    object.__setattr__(broken, attribute, value)
    stock, fast, result = _local_answers(LOCAL_QUERY, [_owner(0), broken])
    assert fast == stock
    assert result.errors


def test_a_type_with_a_custom_resolver_falls_back() -> None:
    CALLS.clear()
    query = "{ computed { plain shout times(n: 3) } }"
    stock = _local(STOCK).execute_sync(query)
    calls_stock = list(CALLS)
    fast = _local(FAST).execute_sync(query)
    assert (
        fast.data
        == stock.data
        == {
            "computed": [
                {"plain": "x", "shout": "X", "times": "xxx"},
                {"plain": "y", "shout": "Y", "times": "yyy"},
            ]
        }
    )
    assert calls_stock * 2 == CALLS


class Recording(FastExecutionContext):
    """Keeps the executors it built, to see which objects took the fast path."""

    made: list[Recording] = []  # noqa: RUF012 - shared on purpose, reset per test

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        Recording.made.append(self)


def test_plain_types_take_the_fast_path_and_others_do_not() -> None:
    OWNERS[:] = [_owner(0)]
    Recording.made.clear()
    _local(Recording).execute_sync("{ owners { name leaves { n } } computed { plain shout } }")
    (executor,) = Recording.made
    planned = {key[0]: plan is not None for key, (_, plan) in executor._plans.items()}
    assert planned["Owner"] is True
    assert planned["Leaf"] is True
    assert planned["Computed"] is False


# Over real HTTP: a warm preview is answered from objects kept across requests
# (resolvers/query.py), and must still name the request that answered it.

LINK = "https://github.com/steventroughtonsmith/marzipanify"
BATCH = f'{{ previews(urls: ["{LINK}", "{LINK}"]) {{ ... on LinkPreview {{ requestId title }} }} }}'


def test_warm_previews_name_each_request(graph: GraphClient) -> None:
    answers = []
    for request_id in ("first", "second", "third"):
        response = graph.http.post(
            "/graphql", json={"query": BATCH}, headers={"x-request-id": request_id}
        )
        previews = response.json()["data"]["previews"]
        assert [preview["requestId"] for preview in previews] == [request_id, request_id]
        answers.append(previews)
    assert answers[0][0]["title"] == answers[2][0]["title"]
