"""Compiled plans: the `data` of a preview query written straight from the records.

Apps send the same few documents again and again, each naming different links. Executing
one through graphql-core builds a graph object per preview and walks ~60 fields per preview
through resolvers, paths and infos, which is most of a warm request's time. A plan is what
that walk would do, worked out once per (document, operation): for each root field, and for
each concrete type a result can take, a Python function (generated source, as graphql-jit
generates JavaScript) that reads the record's attributes in the order the query selects them
and returns plain dicts and lists for orjson to encode.

A plan covers only what it can answer exactly as graphql-core would: root `preview` and
`previews` fields (and `__typename`), their url(s) as literals or `String!` / `[String!]!`
variables, fields of the preview types, fragments and inline fragments, aliases and
`__typename`. Anything else (other root fields, other arguments such as `language`,
introspection, directives, other variable types) compiles to no plan, and the ordinary
execution answers. At run time a value the plan
cannot write exactly (a null in a non-null field, an Int out of range, a value a scalar
refuses) raises `DeclinedError`, and the ordinary execution answers that request, reporting the
error as it always has.

A plan trusts its document: it is compiled only for a document the ordinary path has
already parsed, validated and answered without errors (web/json_router.py), so it never
needs to check what validation checks.
"""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple

import orjson
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLAbstractType,
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLID,
    GraphQLInt,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLString,
    GraphQLUnionType,
    InlineFragmentNode,
    ListTypeNode,
    ListValueNode,
    NamedTypeNode,
    NonNullTypeNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    StringValueNode,
    TypeNode,
    ValueNode,
    VariableNode,
    parse,
)
from graphql.pyutils import Undefined
from strawberry import Schema
from strawberry.schema.types.base_scalars import isoformat
from strawberry.types.base import get_object_definition

from common.memo import TtlLru
from model import record
from schema.errors import PreviewError
from schema.images import ResponsiveImage
from schema.mapping import CommonFields, link_id
from schema.previews import KIND_PREVIEWS, PagePreview, UnknownPreview
from schema.selection import screenshot_want

_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1


class NotCoveredError(Exception):
    """The document asks for something a plan does not write; it runs as usual."""


class DeclinedError(Exception):
    """A value the plan cannot write exactly as graphql-core would: the ordinary path
    answers this request, and reports the error the way it always has."""


def _type_name(cls: object) -> str:
    return get_object_definition(cls, strict=True).name


# The graph type each outcome answers as: errors, details-less previews, and each kind.
_ERROR = _type_name(PreviewError)
_UNKNOWN = _type_name(UnknownPreview)
_PAGE = _type_name(PagePreview)
_KINDS: dict[type, str] = {kind: _type_name(preview) for kind, preview in KIND_PREVIEWS.items()}
_RESPONSIVE_IMAGE = _type_name(ResponsiveImage)


def runtime_type(outcome: record.Outcome) -> str:
    """The name of the graph type an outcome answers as (what to_graph would build)."""
    if isinstance(outcome, record.Failure):
        return _ERROR
    details = outcome.details
    if details is None:
        return _UNKNOWN if outcome.type is record.LinkType.UNKNOWN else _PAGE
    return _KINDS[type(details)]


class _Sized(NamedTuple):
    """The image itself, standing in for a rendition the media store does not hold."""

    url: str
    width: int | None
    height: int | None


_Sizes = tuple[record.ImageVariant | _Sized, ...]


def _sizes(ref: record.ImageRef) -> _Sizes:
    sizes = (ref.thumbnail, ref.medium, ref.large, ref.original)
    if None not in sizes:  # the media store holds every rendition: the usual case
        return sizes  # type: ignore[return-value]
    source = _Sized(ref.source_url, ref.width, ref.height)
    return tuple(source if variant is None else variant for variant in sizes)


def _srcset(sizes: _Sizes) -> str | None:
    """As schema/mapping.py writes it: one candidate per distinct width."""
    by_width: dict[int, str] = {}
    for image in sizes:
        if image.width is None:
            return None
        by_width.setdefault(image.width, image.url)
    return ", ".join([f"{by_width[width]} {width}w" for width in sorted(by_width)])


def _null() -> Any:
    raise DeclinedError("null in a non-null field")


def _coerce(leaf: GraphQLScalarType | GraphQLEnumType, value: Any) -> Any:
    """A leaf value as graphql-core serialises it; DeclinedError where it would report an error."""
    try:
        coerced = leaf.serialize(value)
    # Whatever a serialiser raises, graphql-core reports as a field error: the ordinary path
    # answers, and reports it.
    except Exception as error:
        raise DeclinedError(str(error)) from error
    if coerced is None or coerced is Undefined:
        raise DeclinedError(f"{leaf.name} cannot represent {value!r}")
    return coerced


def _enum(leaf: GraphQLEnumType, names: dict[Any, Any], value: Any) -> Any:
    """An enum member's name, remembered per member (a handful per enum)."""
    name = names.get(value)
    if name is None:
        name = names[value] = _coerce(leaf, value)
    return name


@dataclass(frozen=True, slots=True)
class Url:
    """Where a url argument comes from: a literal, or a variable of the request."""

    value: str
    variable: bool


# Stands in for the request id while a preview is written once for every request: random, so
# no value a record holds can be mistaken for it.
_RID = "\x00requestId:" + secrets.token_hex(16)
_RID_JSON = orjson.dumps(_RID)
# Likewise for the link's position in the request (`index`), written in as a number.
_INDEX = "\x00index:" + secrets.token_hex(16)
_INDEX_JSON = orjson.dumps(_INDEX)
_renderers = itertools.count()


class Rendered:
    """A root field's writer, each record written to bytes once and kept.

    A warm link is asked for by request after request, each naming a different set of links
    (no whole answer repeats), yet each record's part of the answer is the same every time
    but for the request id and the link's position. So each (writer, record) is written and
    encoded once, with stand-ins for both, and spliced into the answer as an
    `orjson.Fragment`. Records are
    frozen, and a record read again from the cache is a new object, so a kept rendering
    (keyed by the record's identity, which it holds so the identity cannot be reused) is never
    older than its record.
    """

    # Shared by every plan: bounded in entries (a preview's bytes are ~2 KiB) and in bytes
    # (a page's description or a post's text may be much longer).
    _kept: TtlLru[tuple[int, int], tuple[record.Outcome, tuple[bytes, ...]]] = TtlLru(
        2048, max_bytes=16 * 1024 * 1024, weigh=lambda _, kept: sum(map(len, kept[1])) + 200
    )

    def __init__(
        self, write: Callable[[record.Outcome, str | None], Any], *, writes_index: bool
    ) -> None:
        """`writes_index`: the selection has `index`, so each answer gets the position."""
        self._write = write
        self._writes_index = writes_index
        self._token = next(_renderers)

    def __call__(
        self, outcome: record.Outcome, request_id: bytes, index: int = 0
    ) -> orjson.Fragment:
        """`outcome`'s part of the answer; `request_id` is the id as JSON (`"..."` or `null`),
        encoded once per request."""
        written = self._written(outcome, request_id)
        if self._writes_index:
            written = written.replace(_INDEX_JSON, b"%d" % index)
        return orjson.Fragment(written)

    def _written(self, outcome: record.Outcome, request_id: bytes) -> bytes:
        key = (self._token, id(outcome))
        kept = self._kept.get(key)
        if kept is not None and kept[0] is outcome:
            parts = kept[1]
        else:
            parts = tuple(self._dumps(outcome, _RID).split(_RID_JSON))
            self._kept.put(key, (outcome, parts))
        if len(parts) == 1:
            return parts[0]
        return request_id.join(parts)

    def _dumps(self, outcome: record.Outcome, request_id: str) -> bytes:
        try:
            return orjson.dumps(self._write(outcome, request_id))
        except orjson.JSONEncodeError as error:  # an integer beyond 64 bits
            raise DeclinedError(str(error)) from error


@dataclass(frozen=True, slots=True)
class Root:
    """One root field of the operation."""

    key: str
    field: str  # "preview", "previews" or "__typename"
    # `previews(urls: $urls)` names a list variable; any other argument is a list of these.
    urls: tuple[Url, ...] | Url
    write: Rendered


@dataclass(frozen=True, slots=True)
class Plan:
    roots: tuple[Root, ...]
    # The operation's variables: name -> whether it is a list (`[String!]!`) or not (`String!`).
    variables: Mapping[str, bool]
    # The screenshot the operation's selection wants (schema/selection.py).
    shoot: record.Shoot = record.Shoot.NEVER

    def links(self, variables: Mapping[str, Any] | None) -> list[list[str]] | None:
        """Each root field's urls, in order; None when the variables are not exactly of the
        declared types (the ordinary path coerces or refuses them)."""
        given = variables or {}
        for name, is_list in self.variables.items():
            value = given.get(name)
            if is_list:
                if type(value) is not list or any(type(item) is not str for item in value):
                    return None
            elif type(value) is not str:
                return None
        links: list[list[str]] = []
        for root in self.roots:
            urls = root.urls
            if isinstance(urls, Url):
                found = given[urls.value] if urls.variable else urls.value
                links.append(list(found) if isinstance(found, list) else [found])
            else:
                links.append([given[url.value] if url.variable else url.value for url in urls])
        return links

    def answer(self, outcomes: Sequence[Sequence[record.Outcome]], request_id: str | None) -> bytes:
        """The whole response body, `{"data": ...}`; raises DeclinedError."""
        data: dict[str, Any] = {}
        encoded_id = orjson.dumps(request_id)
        for root, found in zip(self.roots, outcomes, strict=True):
            if root.field == "__typename":
                data[root.key] = "Query"
            elif root.field == "preview":
                data[root.key] = root.write(found[0], encoded_id)
            else:
                write = root.write
                data[root.key] = [
                    write(outcome, encoded_id, index) for index, outcome in enumerate(found)
                ]
        return orjson.dumps({"data": data})


def compile_plan(schema: Schema, query: str, operation_name: str | None) -> Plan | None:
    """The plan of one operation of `query`, or None when a plan does not cover it."""
    try:
        return _Compiler(schema, parse(query), operation_name).plan()
    except NotCoveredError:
        return None


# How a composite type's fields are read from its source record.
_PREVIEW, _FAILURE, _IMAGE_REF, _STRUCT = "preview", "failure", "image_ref", "struct"


class _Compiler:
    def __init__(self, schema: Schema, document: Any, operation_name: str | None) -> None:
        self.schema = schema
        self.graph: GraphQLSchema = schema._schema  # graphql-core's schema, for its types
        operations = [
            d
            for d in document.definitions
            if isinstance(d, OperationDefinitionNode)
            and (operation_name is None or (d.name is not None and d.name.value == operation_name))
        ]
        if len(operations) != 1 or operations[0].operation is not OperationType.QUERY:
            raise NotCoveredError
        self.operation: OperationDefinitionNode = operations[0]
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.names = itertools.count()
        # Whether a writer puts the link's position (`index`) in (see Rendered).
        self.writes_index = False
        self.namespace: dict[str, Any] = {
            "_null": _null,
            "_coerce": _coerce,
            "_enum": _enum,
            "_sizes": _sizes,
            "_srcset": _srcset,
            "_link_id": link_id,
            "_runtime_type": runtime_type,
            "_no_write": _no_write,
            "_index": _INDEX,
            "_datetime": datetime,
            "_date": date,
        }
        self.source: list[str] = []
        # Writers by (type, source kind, the field nodes selecting it); the document keeps the
        # nodes alive for as long as this compiler lives.
        self.writers: dict[tuple[str, str, tuple[int, ...]], str] = {}

    def plan(self) -> Plan:
        variables = {
            d.variable.name.value: self._variable_type(d.type, d.default_value)
            for d in self.operation.variable_definitions or ()
        }
        query = self.graph.query_type
        assert query is not None
        # (key, field, urls, the name of the generated writer)
        roots: list[tuple[str, str, tuple[Url, ...] | Url, str]] = []
        for key, nodes in self._collect(query, [self.operation.selection_set]).items():
            field = nodes[0].name.value
            if field == "__typename":
                roots.append((key, field, (), "_no_write"))
                continue
            if field not in ("preview", "previews"):
                raise NotCoveredError
            argument = {a.name.value: a.value for a in nodes[0].arguments or ()}
            if set(argument) - {"url", "urls"}:
                raise NotCoveredError  # `language`: the ordinary execution reads it
            if field == "preview":
                urls: tuple[Url, ...] | Url = self._url(argument["url"], variables, list_=False)
            elif isinstance(argument["urls"], VariableNode):
                urls = self._url(argument["urls"], variables, list_=True)
            elif isinstance(argument["urls"], ListValueNode):
                urls = tuple(self._url(v, variables, list_=False) for v in argument["urls"].values)
            else:
                raise NotCoveredError
            definition = query.fields[field]
            result = _named(definition.type)
            assert isinstance(result, GraphQLUnionType)
            roots.append((key, field, urls, self._dispatch(result, nodes)))
        exec(compile("\n".join(self.source), "<plan>", "exec"), self.namespace)
        return Plan(
            tuple(
                Root(
                    key,
                    field,
                    urls,
                    Rendered(self.namespace[write], writes_index=self.writes_index),
                )
                for key, field, urls, write in roots
            ),
            variables,
            screenshot_want(self.operation, self.fragments),
        )

    @staticmethod
    def _variable_type(node: TypeNode, default: ValueNode | None) -> bool:
        """Whether a url variable is a list; NotCovered for any type but the two."""
        if default is not None or not isinstance(node, NonNullTypeNode):
            raise NotCoveredError
        inner = node.type
        if isinstance(inner, NamedTypeNode) and inner.name.value == "String":
            return False
        if (
            isinstance(inner, ListTypeNode)
            and isinstance(inner.type, NonNullTypeNode)
            and isinstance(inner.type.type, NamedTypeNode)
            and inner.type.type.name.value == "String"
        ):
            return True
        raise NotCoveredError

    @staticmethod
    def _url(value: ValueNode, variables: Mapping[str, bool], *, list_: bool) -> Url:
        if isinstance(value, StringValueNode) and not list_:
            return Url(value.value, variable=False)
        if isinstance(value, VariableNode) and variables.get(value.name.value) is list_:
            return Url(value.name.value, variable=True)
        raise NotCoveredError

    def _collect(
        self, type_: GraphQLObjectType, selection_sets: Sequence[SelectionSetNode | None]
    ) -> dict[str, list[FieldNode]]:
        """Fields by response key, in graphql-core's order (CollectFields of the spec)."""
        fields: dict[str, list[FieldNode]] = {}
        seen: set[str] = set()

        def visit(selection_set: SelectionSetNode) -> None:
            for selection in selection_set.selections:
                if selection.directives:
                    raise NotCoveredError
                if isinstance(selection, FieldNode):
                    key = selection.alias.value if selection.alias else selection.name.value
                    fields.setdefault(key, []).append(selection)
                elif isinstance(selection, InlineFragmentNode):
                    condition = selection.type_condition
                    if condition is None or self._applies(condition.name.value, type_):
                        visit(selection.selection_set)
                elif isinstance(selection, FragmentSpreadNode):
                    name = selection.name.value
                    if name in seen:
                        continue
                    seen.add(name)
                    fragment = self.fragments[name]
                    if fragment.directives:
                        raise NotCoveredError
                    if self._applies(fragment.type_condition.name.value, type_):
                        visit(fragment.selection_set)

        for selection_set in selection_sets:
            if selection_set is not None:
                visit(selection_set)
        return fields

    def _applies(self, condition: str, type_: GraphQLObjectType) -> bool:
        named = self.graph.get_type(condition)
        if named is type_:
            return True
        if isinstance(named, GraphQLInterfaceType | GraphQLUnionType):
            return self.graph.is_sub_type(named, type_)
        return False

    def _dispatch(self, union: GraphQLAbstractType, nodes: list[FieldNode]) -> str:
        """One writer per type a result can take, chosen by the record; returns the name of
        the function that chooses."""
        writers = {}
        for possible in self.graph.get_possible_types(union):
            kind = _FAILURE if possible.name == _ERROR else _PREVIEW
            writers[possible.name] = self._object(possible, nodes, kind)
        table = self._name("table")
        name = self._name("dispatch")
        self.source.append(
            f"{table} = {{{', '.join(f'{t!r}: {w}' for t, w in writers.items())}}}\n"
            f"def {name}(s, rid):\n    return {table}[_runtime_type(s)](s, rid)"
        )
        return name

    def _name(self, prefix: str) -> str:
        return f"_{prefix}{next(self.names)}"

    def _object(self, type_: GraphQLObjectType, nodes: Sequence[FieldNode], kind: str) -> str:
        """Generates the writer of one object type's selection; returns its name. A selection
        met again (an image's renditions, a fragment under every preview type) reuses it."""
        seen = (type_.name, kind, tuple(id(node) for node in nodes))
        known = self.writers.get(seen)
        if known is not None:
            return known
        name = self.writers[seen] = self._name("w")
        entries: list[str] = []
        for key, group in self._collect(type_, [n.selection_set for n in nodes]).items():
            field = group[0].name.value
            if field == "__typename":
                entries.append(f"{key!r}: {type_.name!r}")
                continue
            definition = type_.fields[field]
            entries.append(f"{key!r}: {self._field(type_, field, definition.type, group, kind)}")
        # A ResponsiveImage's renditions are worked out once, whichever of them are selected.
        sizes = "    z = _sizes(s)\n" if kind == _IMAGE_REF else ""
        self.source.append(f"def {name}(s, rid):\n{sizes}    return {{{', '.join(entries)}}}")
        return name

    def _field(
        self,
        type_: GraphQLObjectType,
        field: str,
        output: GraphQLOutputType,
        group: list[FieldNode],
        kind: str,
    ) -> str:
        """The expression of one field's value, read from `s` (the source record)."""
        python = self.schema.get_field_for_type(field, type_.name)
        assert python is not None
        attribute = python.python_name
        if kind == _PREVIEW and attribute == "id":
            return "_link_id(s.url)"
        if kind == _PREVIEW and attribute == "ok":
            return "True"
        if kind in (_PREVIEW, _FAILURE) and attribute == "index":
            self.writes_index = True
            return "_index"  # a stand-in, replaced by the link's position (Rendered)
        if kind == _PREVIEW and attribute == "request_id":
            return self._value(output, "rid", group)
        if kind == _IMAGE_REF and attribute in _SIZES:
            return self._value(output, f"z[{_SIZES.index(attribute)}]", group)
        if kind == _IMAGE_REF and attribute == "srcset":
            return self._value(output, "_srcset(z)", group)
        if kind == _PREVIEW and attribute not in _COMMON:
            return self._value(output, "s.details", group)
        return self._value(output, f"s.{attribute}", group)

    def _value(self, output: GraphQLOutputType, source: str, group: list[FieldNode]) -> str:
        """`source`'s value as `output`: a null check, then the leaf, list or object."""
        if isinstance(output, GraphQLNonNull):
            inner = self._present(output.of_type, "_v", group)
            return f"({inner} if (_v := {source}) is not None else _null())"
        inner = self._present(output, "_v", group)
        return f"(None if (_v := {source}) is None else {inner})"

    def _present(self, output: GraphQLOutputType, value: str, group: list[FieldNode]) -> str:
        """The expression of a non-null `value` of nullable type `output`."""
        if isinstance(output, GraphQLList):
            item = output.of_type
            if isinstance(item, GraphQLNonNull):
                inner = self._present(item.of_type, "_i", group)
                return f"[({inner} if _i is not None else _null()) for _i in {value}]"
            inner = self._present(item, "_i", group)
            return f"[(None if _i is None else {inner}) for _i in {value}]"
        if isinstance(output, GraphQLScalarType | GraphQLEnumType):
            return self._leaf(output, value)
        if isinstance(output, GraphQLObjectType):
            kind = _IMAGE_REF if output.name == _RESPONSIVE_IMAGE else _STRUCT
            return f"{self._object(output, group, kind)}({value}, rid)"
        raise NotCoveredError  # an abstract type below the root: none today

    def _leaf(self, leaf: GraphQLScalarType | GraphQLEnumType, value: str) -> str:
        name = self._name("leaf")
        self.namespace[name] = leaf
        if isinstance(leaf, GraphQLEnumType):
            names = self._name("names")
            self.namespace[names] = {}
            return f"({names}.get({value}) or _enum({name}, {names}, {value}))"
        if leaf is GraphQLString or leaf is GraphQLID:
            return f"({value} if {value}.__class__ is str else _coerce({name}, {value}))"
        if leaf is GraphQLBoolean:
            return f"({value} if {value}.__class__ is bool else _coerce({name}, {value}))"
        if leaf is GraphQLInt:
            return (
                f"({value} if {value}.__class__ is int and {_INT_MIN} <= {value} <= {_INT_MAX} "
                f"else _coerce({name}, {value}))"
            )
        if leaf.serialize is int:  # Count
            return f"({value} if {value}.__class__ is int else _coerce({name}, {value}))"
        if leaf.serialize is isoformat:  # DateTime, Date: Strawberry's serialiser, inlined
            return (
                f"({value}.isoformat() if {value}.__class__ is _datetime "
                f"or {value}.__class__ is _date else _coerce({name}, {value}))"
            )
        if leaf.serialize is str:  # Decimal, UUID
            return f"str({value})"
        return f"_coerce({name}, {value})"


_SIZES = ("thumbnail", "medium", "large", "original")

# The fields every preview has, read from the record's own attributes (a PagePreview's
# `page` too): the ones schema/mapping.py fills in for every implementation.
_COMMON = frozenset(CommonFields.__annotations__) | {"page"}


def _no_write(outcome: record.Outcome, request_id: str | None) -> Any:
    raise AssertionError("__typename has no outcome")


def _named(type_: GraphQLOutputType) -> Any:
    while isinstance(type_, GraphQLNonNull | GraphQLList):
        type_ = type_.of_type
    return type_
